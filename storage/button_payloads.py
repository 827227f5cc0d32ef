"""Button and form payloads too big for a platform's custom id (Discord allows 100 characters).

Each is kept under a digest of its content, so the same payload is stored once and a click
or a submission finds it again after a restart. A payload is what the bot itself sent out;
whoever reads it back still treats it as untrusted input.

A draft is different: the answers so far to a form filled in several steps (a Discord modal
holds five inputs). It changes as the steps are answered, so it is kept under a random key,
read under a row lock, and removed by whichever submission finishes it.
"""

import hashlib
import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, delete

from storage.types import UTCDateTime


class ButtonPayload(SQLModel, table=True):
    __tablename__ = "button_payload"

    key: str = Field(primary_key=True, max_length=64)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


def keep(session: Session, payload: dict[str, Any], now: datetime) -> str:
    """Store `payload` (once) and return the key it can be fetched by."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    key = hashlib.sha256(text.encode()).hexdigest()[:32]
    if session.get(ButtonPayload, key) is None:
        try:
            with session.begin_nested():
                session.add(ButtonPayload(key=key, payload=payload, created_at=now))
        except IntegrityError:
            pass  # stored by another process at the same moment: the same content
    return key


def fetch(session: Session, key: str) -> dict[str, Any] | None:
    if key.startswith(DRAFT_PREFIX):
        return None  # a draft is read only through `draft`, by the one who started it
    row = session.get(ButtonPayload, key)
    return None if row is None else dict(row.payload)


DRAFT_PREFIX = "draft-"
# A form nobody finished in a day has been abandoned; its answers are not kept longer.
DRAFT_LIFETIME = timedelta(days=1)


def start_draft(session: Session, payload: dict[str, Any], now: datetime) -> str:
    """Store a new draft and return its key; drafts abandoned long ago are removed."""
    session.exec(
        delete(ButtonPayload).where(
            col(ButtonPayload.key).startswith(DRAFT_PREFIX),
            col(ButtonPayload.created_at) < now - DRAFT_LIFETIME,
        )
    )
    key = DRAFT_PREFIX + secrets.token_hex(16)
    session.add(ButtonPayload(key=key, payload=payload, created_at=now))
    return key


def draft(session: Session, key: str, *, lock: bool = False) -> dict[str, Any] | None:
    """The draft under `key`; `lock` holds its row until the session ends, so two
    submissions of one draft are taken one after the other."""
    if not key.startswith(DRAFT_PREFIX):
        return None
    row = session.get(ButtonPayload, key, with_for_update=lock)
    return None if row is None else dict(row.payload)


def save_draft(session: Session, key: str, payload: dict[str, Any]) -> None:
    row = session.get(ButtonPayload, key)
    if row is not None:
        row.payload = payload


def finish_draft(session: Session, key: str) -> bool:
    """Remove the draft; False when another submission already did, which then goes on
    without this one."""
    result = session.exec(delete(ButtonPayload).where(col(ButtonPayload.key) == key))
    return result.rowcount == 1


def drop_for_users(session: Session, user_ids: Sequence[str]) -> None:
    """Remove the forms kept for these accounts (a half-filled draft, a form waiting behind
    an "Open the form" button): they hold what the member typed."""
    if user_ids:
        owner = col(ButtonPayload.payload)["user_id"].as_string()
        session.exec(delete(ButtonPayload).where(owner.in_(user_ids)))  # type: ignore[call-overload]
