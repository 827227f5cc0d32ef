"""members, roles and due work

Revision ID: 0001
Revises:
Create Date: 2026-11-21 21:24:59.589901
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "due_work",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("gave_up_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("due_work", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_due_work_due_at"), ["due_at"], unique=False)

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("platform_user_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("last_seen_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "platform_user_id"),
    )
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_member_id"), ["member_id"], unique=False)

    op.create_table(
        "memberrole",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("granted_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["granted_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", "role"),
    )


def downgrade() -> None:
    op.drop_table("memberrole")
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_member_id"))

    op.drop_table("identity")
    op.drop_table("member")
    with op.batch_alter_table("due_work", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_due_work_due_at"))

    op.drop_table("due_work")
