"""Slack requests acknowledged and waiting for their answer.

The web process acknowledges Slack within its 3 seconds and leaves the answering to an
answering process (`larch-bot serve slack-worker`, or the same process under `larch-bot
run`). What passes between them is a row here, written before the acknowledgement, so a
restart between the two loses nothing: a row taken by a process that died is taken again
once its lease runs out.

A member's requests are answered one at a time, in the order they arrived (`remi org add`
before `remi lead add`): only the oldest waiting row of each member can be taken, and a
row is deleted once answered. Each reply is counted as delivered as soon as it is posted,
so a process that takes a request over from one that died posts only what was not.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, Index, exists, insert
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, SQLModel, col, delete, func, select, update

from contract.vocabulary import Reply
from storage import leases, stored_replies
from storage.types import UTCDateTime


class SlackRequest(SQLModel, table=True):
    __tablename__ = "slack_inbox"
    __table_args__ = (Index("ix_slack_inbox_user_id_id", "user_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    # The Slack user who asked: their requests keep their order.
    user_id: str = Field(max_length=40)
    kind: str = Field(max_length=40)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    claimed_by: str | None = Field(default=None, max_length=leases.HOLDER_LENGTH)
    attempts: int = 0
    # The answer, once worked out, and how many of its replies have reached the member.
    replies: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    delivered: int = 0


@dataclass(frozen=True)
class Waiting:
    """A request to answer: what Slack sent (`kind` says which listener took it)."""

    kind: str
    user_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Taken:
    id: int
    request: Waiting
    # How many times a process has taken it, this time included: more than once means
    # an answering process died with it in hand.
    attempts: int
    # When it was acknowledged: a trigger_id in it is good for 3 seconds from about then.
    received_at: datetime
    # What a process that died had worked out and posted of the answer.
    replies: list[Reply] | None = None
    delivered: int = 0


def put(session: Session, requests: Iterable[Waiting], now: datetime) -> None:
    rows = [
        {"kind": r.kind, "user_id": r.user_id, "payload": r.payload, "received_at": now}
        for r in requests
    ]
    # One multi-row INSERT, without building an ORM object for each row. With no rows
    # SQLAlchemy would insert one of defaults.
    if rows:
        session.execute(insert(SlackRequest), rows)


def take(session: Session, now: datetime, limit: int, lease: timedelta, holder: str) -> list[Taken]:
    """Up to `limit` requests for `holder`, oldest first: each the oldest of its member's,
    and not in the hands of a live process.

    On PostgreSQL the rows are locked with SKIP LOCKED, so concurrent answering processes
    take different rows; on SQLite the whole transaction holds the write lock.
    """
    earlier = aliased(SlackRequest)
    rows = session.exec(
        select(SlackRequest)
        .where(
            leases.free(SlackRequest.claimed_until, now),
            ~exists().where(earlier.user_id == SlackRequest.user_id, earlier.id < SlackRequest.id),
        )
        .order_by(col(SlackRequest.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    leases.take(session, rows, holder, now, lease)
    return [
        Taken(
            row.id,  # type: ignore[arg-type]
            Waiting(row.kind, row.user_id, dict(row.payload)),
            row.attempts,
            row.received_at,
            None if row.replies is None else stored_replies.from_json(row.replies),
            row.delivered,
        )
        for row in rows
    ]


def renew(session: Session, holder: str, now: datetime, lease: timedelta) -> set[int]:
    """Keep `holder`'s requests for another lease from `now`; the ids it still holds."""
    return leases.renew(session, SlackRequest, holder, now, lease)


def delivered(session: Session, request_id: int, replies: list[Reply], count: int) -> None:
    """The first `count` of the request's `replies` have reached the member."""
    session.exec(
        update(SlackRequest)
        .where(col(SlackRequest.id) == request_id)
        .values(replies=stored_replies.to_json(replies), delivered=count)
    )


def finish(session: Session, ids: Sequence[int]) -> None:
    """The requests are answered (or given up on): the member's next one can be taken."""
    session.exec(delete(SlackRequest).where(col(SlackRequest.id).in_(ids)))  # type: ignore[call-overload]


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(SlackRequest)).one()


def oldest(session: Session) -> datetime | None:
    """When the longest-waiting request came in, taken or not."""
    return session.exec(select(func.min(SlackRequest.received_at))).one()
