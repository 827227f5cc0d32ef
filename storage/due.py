"""Due work: every reminder, prompt and round is a row with a due time, a unique key and a
sent marker, so an edit or a cancellation is seen before sending, a restart loses nothing,
and several processes can share the work without sending anything twice."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, delete, select, update

from contract.specs import DueJob
from storage import leases
from storage.types import UTCDateTime


class DueWork(SQLModel, table=True):
    __tablename__ = "due_work"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=60)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    gave_up_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # A claim is a lease: if the process that claimed the row dies before marking it sent,
    # another process takes it once the lease runs out.
    claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    claimed_by: str | None = Field(default=None, max_length=leases.HOLDER_LENGTH, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)


def schedule(
    session: Session, key: str, kind: str, due_at: datetime, payload: dict[str, Any] | None = None
) -> None:
    """Make sure work `key` is due at `due_at`. Work not sent yet follows the new time and
    payload (an edited event moves its reminders); work already sent is left alone."""
    payload = payload or {}
    try:
        with session.begin_nested():
            session.add(DueWork(key=key, kind=kind, payload=payload, due_at=due_at))
    except IntegrityError:
        session.exec(
            update(DueWork)
            .where(col(DueWork.key) == key, col(DueWork.sent_at).is_(None))
            .values(
                kind=kind,
                payload=payload,
                due_at=due_at,
                cancelled_at=None,
                gave_up_at=None,
                attempts=0,
            )
        )


def cancel(session: Session, key_prefix: str, now: datetime) -> int:
    """Cancel unsent work whose key starts with `key_prefix`; how many rows were cancelled."""
    result = session.exec(
        update(DueWork)
        .where(
            col(DueWork.key).startswith(key_prefix, autoescape=True),
            col(DueWork.sent_at).is_(None),
            col(DueWork.cancelled_at).is_(None),
        )
        .values(cancelled_at=now)
    )
    return result.rowcount


def claim_due(
    session: Session, now: datetime, limit: int, lease: timedelta, holder: str
) -> list[DueJob]:
    """Take up to `limit` rows that are due and not claimed by a live process, for
    `holder`, leased from `now` (the moment of the claim, not of the pass that makes it).

    On PostgreSQL the rows are locked with SKIP LOCKED, so concurrent dispatchers take
    different rows; on SQLite the whole transaction holds the write lock.
    """
    rows = session.exec(
        select(DueWork)
        .where(
            col(DueWork.due_at) <= now,
            col(DueWork.sent_at).is_(None),
            col(DueWork.cancelled_at).is_(None),
            col(DueWork.gave_up_at).is_(None),
            leases.free(DueWork.claimed_until, now),
        )
        .order_by(col(DueWork.due_at), col(DueWork.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    leases.take(session, rows, holder, now, lease)
    return [DueJob(r.id, r.key, r.kind, dict(r.payload), r.due_at, r.attempts) for r in rows]  # type: ignore[arg-type]


def renew(session: Session, holder: str, now: datetime, lease: timedelta) -> set[int]:
    """Keep `holder`'s unsent rows for another lease from `now`; the ids it still holds."""
    return leases.renew(session, DueWork, holder, now, lease)


def mark_sent(session: Session, job_id: int, now: datetime) -> None:
    session.exec(
        update(DueWork)
        .where(col(DueWork.id) == job_id)
        .values(sent_at=now, claimed_until=None, claimed_by=None, last_error=None)
    )


def mark_failed(
    session: Session, job_id: int, error: str, now: datetime, retry_at: datetime | None
) -> None:
    """Record a failure: try again at `retry_at`, or give up (kept, unsent) when it is None."""
    values: dict[str, Any] = {"claimed_until": None, "claimed_by": None, "last_error": error[:500]}
    if retry_at is None:
        values["gave_up_at"] = now
    else:
        values["due_at"] = retry_at
    session.exec(update(DueWork).where(col(DueWork.id) == job_id).values(**values))


def find(session: Session, key: str) -> DueWork | None:
    return session.exec(select(DueWork).where(DueWork.key == key)).first()


def keys_starting(session: Session, key_prefix: str) -> list[DueWork]:
    return list(
        session.exec(
            select(DueWork)
            .where(col(DueWork.key).startswith(key_prefix, autoescape=True))
            .order_by(col(DueWork.due_at), col(DueWork.key))
        ).all()
    )


def drop_for_member(session: Session, member_id: int) -> int:
    """Delete the work addressed to one member, sent or not (`forget me`: their id is in the
    key and the payload, and nothing is left to send them); how many rows went."""
    result = session.exec(
        delete(DueWork).where(col(DueWork.payload)["member_id"].as_integer() == member_id)
    )
    return result.rowcount
