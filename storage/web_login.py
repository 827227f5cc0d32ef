"""One-time links that sign a member in to the web pages (`web login`).

Only a digest of each token is kept, so a copy of the database signs nobody in; a token
lives 15 minutes and works once, and it remembers the account that asked for it, so the
web session acts as that account would in chat."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column
from sqlmodel import Field, Session, SQLModel, col, select, update

from contract.vocabulary import Platform
from storage.types import UTCDateTime

LOGIN_LIFETIME = timedelta(minutes=15)


class WebLoginToken(SQLModel, table=True):
    __tablename__ = "web_login_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    # The account that asked: the web session speaks as it.
    platform: str = Field(max_length=20)
    platform_user_id: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


@dataclass(frozen=True)
class SignedIn:
    member_id: int
    platform: Platform
    user_id: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    session: Session, token: str, member_id: int, platform: Platform, user_id: str, now: datetime
) -> datetime:
    """Keep `token`'s digest for the member's account; returns when it stops working."""
    expires = now + LOGIN_LIFETIME
    session.add(
        WebLoginToken(
            token_hash=digest(token),
            member_id=member_id,
            platform=platform.value,
            platform_user_id=user_id,
            created_at=now,
            expires_at=expires,
        )
    )
    return expires


def redeem(session: Session, token: str, now: datetime) -> SignedIn | None:
    """The account `token` signs in, once: None for a token unknown, used or expired. The
    update claims the row, so two clicks racing on one link sign in one browser."""
    claimed = session.exec(
        update(WebLoginToken)
        .where(
            col(WebLoginToken.token_hash) == digest(token),
            col(WebLoginToken.used_at).is_(None),
            col(WebLoginToken.expires_at) > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        return None
    row = session.exec(select(WebLoginToken).where(WebLoginToken.token_hash == digest(token))).one()
    return SignedIn(row.member_id, Platform(row.platform), row.platform_user_id)


# Where a login link points, under the web server's public URL; the web server serves it.
LOGIN_PATH = "/login/{token}"
