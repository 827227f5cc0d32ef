"""Forget me and confirmed links: member ids are never reused on SQLite, and a link code
typed on another account waits for both accounts to confirm

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFIRMATIONS = ("owner_confirmed_at", "joiner_confirmed_at", "merged_at", "cancelled_at")


def upgrade() -> None:
    # SQLite hands out the highest id again once its row is deleted unless the table is
    # AUTOINCREMENT, which means rebuilding it. (The migration connection does not enforce
    # foreign keys, so dropping the old table cascades nothing.) PostgreSQL's sequence
    # never goes back.
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "member", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
    with op.batch_alter_table("link_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joining_id", sa.Integer(), nullable=True))
        for name in CONFIRMATIONS:
            batch_op.add_column(
                sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=True)
            )
        batch_op.create_foreign_key(
            "fk_link_code_joining_id_member", "member", ["joining_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("link_code", schema=None) as batch_op:
        batch_op.drop_constraint("fk_link_code_joining_id_member", type_="foreignkey")
        for name in (*CONFIRMATIONS, "joining_id"):
            batch_op.drop_column(name)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "member", recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
