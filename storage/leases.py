"""Rows that processes take for a while (due work, Slack requests). A claim is a lease: if
the process that took a row dies before finishing it, another takes it once the lease
runs out. Each claim has its own holder, so a process renews only what it still holds:
a row whose lease ran out and was taken by another is no longer its to send."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select, update

# Long enough for a random token; short enough for an index.
HOLDER_LENGTH = 32


class Leasable(Protocol):
    id: int | None
    claimed_until: datetime | None
    claimed_by: str | None
    attempts: int


def new_holder() -> str:
    """Who holds a claim: one for each claim, never reused."""
    return uuid.uuid4().hex


def free(claimed_until: Any, now: datetime) -> ColumnElement[bool]:
    """Not in the hands of a live process: never taken, or the lease has run out."""
    return or_(col(claimed_until).is_(None), col(claimed_until) < now)


def take(
    session: Session, rows: Sequence[Leasable], holder: str, now: datetime, lease: timedelta
) -> None:
    for row in rows:
        row.claimed_until = now + lease
        row.claimed_by = holder
        row.attempts += 1
    session.flush()


def renew(
    session: Session, table: type[Any], holder: str, now: datetime, lease: timedelta
) -> set[int]:
    """Extend `holder`'s leases from `now`; the ids it still holds. A row another process
    has taken since (after a lapse) is not touched and not returned."""
    mine = col(table.claimed_by) == holder
    session.exec(update(table).where(mine).values(claimed_until=now + lease))
    return set(session.exec(select(table.id).where(mine)).all())
