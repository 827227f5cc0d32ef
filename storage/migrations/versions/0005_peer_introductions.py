"""peer introductions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 21:56:35.924389
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intro_cadence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("every", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("time_of_day", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "intro_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("scheduled_for", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("intro_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intro_round_scheduled_for"), ["scheduled_for"], unique=False
        )

    op.create_table(
        "intro_exclusion",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("excluded_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["excluded_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", "excluded_id"),
    )
    op.create_table(
        "intro_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("met", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["answered_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["intro_round.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("intro_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intro_group_round_id"), ["round_id"], unique=False)

    op.create_table(
        "intro_participant",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("paused_until", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("joined_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_table(
        "intro_group_member",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["intro_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["intro_round.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "member_id"),
        sa.UniqueConstraint("round_id", "member_id"),
    )
    with op.batch_alter_table("intro_group_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intro_group_member_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("intro_group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intro_group_member_member_id"))

    op.drop_table("intro_group_member")
    op.drop_table("intro_participant")
    with op.batch_alter_table("intro_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intro_group_round_id"))

    op.drop_table("intro_group")
    op.drop_table("intro_exclusion")
    with op.batch_alter_table("intro_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intro_round_scheduled_for"))

    op.drop_table("intro_round")
    op.drop_table("intro_cadence")
