"""Members, their platform accounts and roles. The schema only moves by Alembic migration
(see `storage/migrations/`); a test compares the models with the migrated database."""

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Member(SQLModel, table=True):
    """A person, whichever platforms they use; roles and records hang off this row."""

    # An id is never handed out twice, even after the newest member is forgotten.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(default="", max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Identity(SQLModel, table=True):
    """One platform account of a member: (platform, platform user id) is unique."""

    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    platform_user_id: str = Field(max_length=100)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    display_name: str = Field(default="", max_length=200)
    # Where the member last spoke to the bot: a member linked on two platforms is
    # reached on the one they use.
    last_seen_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class MemberRole(SQLModel, table=True):
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    role: str = Field(primary_key=True, max_length=30)
    granted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    granted_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
