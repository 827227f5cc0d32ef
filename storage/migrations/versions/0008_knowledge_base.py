"""Knowledge base: suggestions, approved entries, review state, answer feedback, digest

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 22:16:30.992582
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_digest_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["set_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "kb_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("query", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("query_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "month", "outcome", "query_key"),
    )
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_feedback_month"), ["month"], unique=False)

    op.create_table(
        "kb_review",
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("review_by", sa.Date(), nullable=True),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("change_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("change_noted_by", sa.Integer(), nullable=True),
        sa.Column("change_noted_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["change_noted_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["confirmed_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("entry_id"),
    )
    op.create_table(
        "kb_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("url_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("why", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.ForeignKeyConstraint(["reviewed_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["submitted_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kb_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_submission_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_kb_submission_submitted_by"), ["submitted_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_kb_submission_url_key"), ["url_key"], unique=False)

    op.create_table(
        "kb_entry",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("url_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("suggested_by", sa.Integer(), nullable=True),
        sa.Column("suggested_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["approved_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["submission_id"], ["kb_submission.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["suggested_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )
    with op.batch_alter_table("kb_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_entry_approved_at"), ["approved_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_kb_entry_url_key"), ["url_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kb_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_entry_url_key"))
        batch_op.drop_index(batch_op.f("ix_kb_entry_approved_at"))

    op.drop_table("kb_entry")
    with op.batch_alter_table("kb_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_submission_url_key"))
        batch_op.drop_index(batch_op.f("ix_kb_submission_submitted_by"))
        batch_op.drop_index(batch_op.f("ix_kb_submission_status"))

    op.drop_table("kb_submission")
    op.drop_table("kb_review")
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_feedback_month"))

    op.drop_table("kb_feedback")
    op.drop_table("kb_digest_schedule")
