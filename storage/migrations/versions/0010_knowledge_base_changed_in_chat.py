"""Knowledge base changed in chat: edits and retirements, a version every process follows,
and the "what it is" of a suggestion

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:15:30.984106
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "kb_change",
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["changed_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("entry_id"),
    )
    with op.batch_alter_table("kb_submission", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "description",
                sqlmodel.sql.sqltypes.AutoString(length=400),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("kb_submission", schema=None) as batch_op:
        batch_op.drop_column("description")

    op.drop_table("kb_change")
    op.drop_table("kb_version")
