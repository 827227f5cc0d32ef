"""steering group polls, meetings, agenda, actions and minutes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:47:46.005713
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "steering_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("quorum", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["chair_id"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "steering_poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("proposed_slot_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["opened_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "steering_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["poll_id"], ["steering_poll.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id"),
    )
    with op.batch_alter_table("steering_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_steering_meeting_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "steering_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["steering_poll.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id", "starts_at"),
    )
    with op.batch_alter_table("steering_slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_steering_slot_poll_id"), ["poll_id"], unique=False)

    op.create_table(
        "steering_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["done_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["steering_meeting.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("steering_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_steering_action_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_steering_action_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "steering_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["steering_meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("steering_agenda_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_steering_agenda_item_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "steering_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("attending", sa.Boolean(), nullable=False),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["steering_meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "member_id"),
    )
    op.create_table(
        "steering_minutes",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["steering_meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_table(
        "steering_poll_answer",
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["slot_id"], ["steering_slot.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("slot_id", "member_id"),
    )


def downgrade() -> None:
    op.drop_table("steering_poll_answer")
    op.drop_table("steering_minutes")
    op.drop_table("steering_attendance")
    with op.batch_alter_table("steering_agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_steering_agenda_item_meeting_id"))

    op.drop_table("steering_agenda_item")
    with op.batch_alter_table("steering_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_steering_action_owner_id"))
        batch_op.drop_index(batch_op.f("ix_steering_action_meeting_id"))

    op.drop_table("steering_action")
    with op.batch_alter_table("steering_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_steering_slot_poll_id"))

    op.drop_table("steering_slot")
    with op.batch_alter_table("steering_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_steering_meeting_starts_at"))

    op.drop_table("steering_meeting")
    op.drop_table("steering_poll")
    op.drop_table("steering_group")
