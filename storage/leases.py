"""Rows that processes take for a while (due work, Slack requests). A claim is a lease: if
the process that took a row dies before finishing it, another takes it once the lease
runs out."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col


class Leasable(Protocol):
    claimed_until: datetime | None
    attempts: int


def free(claimed_until: Any, now: datetime) -> ColumnElement[bool]:
    """Not in the hands of a live process: never taken, or the lease has run out."""
    return or_(col(claimed_until).is_(None), col(claimed_until) < now)


def take(session: Session, rows: Sequence[Leasable], now: datetime, lease: timedelta) -> None:
    for row in rows:
        row.claimed_until = now + lease
        row.attempts += 1
    session.flush()
