"""Button and form payloads too big for a platform's custom id (Discord allows 100 characters).

Each is kept under a digest of its content, so the same payload is stored once and a click
or a submission finds it again after a restart. A payload is what the bot itself sent out;
whoever reads it back still treats it as untrusted input.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

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
    row = session.get(ButtonPayload, key)
    return None if row is None else dict(row.payload)
