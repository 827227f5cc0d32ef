"""REMI organisations, leads, check-ins and action points

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 21:46:48.879970
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "remi_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("cadence", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_table(
        "remi_action_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["remi_organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("remi_action_point", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_remi_action_point_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "remi_checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("changed", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=True),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("needs_text", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("stage BETWEEN 1 AND 6", name="remi_checkin_stage_range"),
        sa.ForeignKeyConstraint(["answered_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["remi_organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "period"),
    )
    with op.batch_alter_table("remi_checkin", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_remi_checkin_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "remi_lead",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("added_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["remi_organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", "member_id"),
    )


def downgrade() -> None:
    op.drop_table("remi_lead")
    with op.batch_alter_table("remi_checkin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remi_checkin_organisation_id"))

    op.drop_table("remi_checkin")
    with op.batch_alter_table("remi_action_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remi_action_point_organisation_id"))

    op.drop_table("remi_action_point")
    op.drop_table("remi_organisation")
