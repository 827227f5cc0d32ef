"""Events, RSVPs, announcements, feedback and private calendar feeds.

Every RSVP change for an event takes that event's row lock first (`SELECT … FOR UPDATE` on
PostgreSQL; on SQLite every transaction is `BEGIN IMMEDIATE`, see `storage/db.py`), then
counts and writes inside the lock. So the last seat goes to exactly one of two members
clicking at once, a promotion and a new RSVP never both take a freed seat, and the order
RSVPs were taken is the order their transactions committed: each one draws the event's
next `turn` while holding the lock, and the waitlist is served by turn. One RSVP per
(event, member) is also a unique constraint, the backstop should a writer ever skip the lock.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select, update

from contract.vocabulary import MessageRef, Platform
from storage.models import Member
from storage.types import UTCDateTime


class RsvpStatus(StrEnum):
    GOING = "going"
    WAITLIST = "waitlist"
    MAYBE = "maybe"
    NOT_GOING = "not_going"


class Answer(StrEnum):
    """What a member can click: Going / Maybe / Can't go."""

    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"


class Refusal(StrEnum):
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"
    STARTED = "started"
    DEADLINE_PASSED = "deadline_passed"


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="event_capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="event_ends_after_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=3000)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    venue: str | None = Field(default=None, max_length=300)
    online_link: str | None = Field(default=None, max_length=500)
    capacity: int | None = None
    rsvp_deadline: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    audience: str | None = Field(default=None, max_length=60)
    # Minutes before the start; whole days are read on the wall clock (see reminders.py).
    reminder_minutes: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    organiser_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Grows with every edit, so calendar apps replace the copy they hold.
    sequence: int = 0
    # How many RSVP turns have been handed out; only ever changed under the row lock.
    rsvp_turns: int = 0


class Rsvp(SQLModel, table=True):
    __tablename__ = "rsvp"
    __table_args__ = (
        UniqueConstraint("event_id", "member_id"),
        UniqueConstraint("event_id", "turn"),
        Index("ix_rsvp_event_status_turn", "event_id", "status", "turn"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    status: str = Field(max_length=20)
    # The event's turn counter when this status was taken: the waitlist's order.
    turn: int
    responded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class EventAnnouncement(SQLModel, table=True):
    """A posted announcement, kept so its live count can be updated on every platform."""

    __tablename__ = "event_announcement"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=20)
    channel_id: str = Field(max_length=100)
    message_id: str = Field(max_length=100)


class EventFeedback(SQLModel, table=True):
    __tablename__ = "event_feedback"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="event_feedback_score"),)

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    score: int
    comment: str | None = Field(default=None, max_length=1000)
    given_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CalendarFeed(SQLModel, table=True):
    """A member's private calendar feed: whoever holds the token sees their events."""

    __tablename__ = "calendar_feed"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    token: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# --- events -----------------------------------------------------------------------------

EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue",
    "online_link",
    "capacity",
    "rsvp_deadline",
    "audience",
    "reminder_minutes",
)


def create_event(
    session: Session, details: dict[str, Any], organiser_id: int, now: datetime
) -> Event:
    """`details` holds every name in EVENT_FIELDS, already validated."""
    event = Event(**details, organiser_id=organiser_id, created_at=now)
    session.add(event)
    session.flush()
    return event


def update_event(
    session: Session, event_id: int, details: dict[str, Any], now: datetime
) -> tuple[Event, list[int]] | None:
    """Apply an edit under the row lock; members promoted because seats were added come
    back with it. A lower capacity moves nobody off the list: they were promised a seat.
    None when the event is unknown or was cancelled meanwhile."""
    event = _locked(session, event_id)
    if event is None or event.cancelled_at is not None:
        return None
    for name in EVENT_FIELDS:
        setattr(event, name, details[name])
    event.sequence += 1
    session.flush()
    return event, promote_from_waitlist(session, event, now)


def cancel_event(session: Session, event_id: int, now: datetime) -> Event | None:
    """Cancel under the row lock, so no RSVP lands after it; None if unknown or already
    cancelled."""
    event = _locked(session, event_id)
    if event is None or event.cancelled_at is not None:
        return None
    event.cancelled_at = now
    event.sequence += 1
    return event


def get_event(session: Session, event_id: int) -> Event | None:
    return session.get(Event, event_id)


def upcoming_events(
    session: Session, now: datetime, audience: str | None = None, limit: int | None = 10
) -> list[Event]:
    """Events not cancelled and not over, soonest first; all of them when `limit` is None."""
    query = select(Event).where(col(Event.cancelled_at).is_(None), col(Event.ends_at) > now)
    if audience is not None:
        query = query.where(func.lower(col(Event.audience)) == audience.lower())
    return list(session.exec(query.order_by(col(Event.starts_at), col(Event.id)).limit(limit)))


def held_between(session: Session, start: datetime, end: datetime, now: datetime) -> list[Event]:
    """Events that took place: not cancelled, starting in [start, end) and over by `now`."""
    query = select(Event).where(
        col(Event.cancelled_at).is_(None),
        col(Event.starts_at) >= start,
        col(Event.starts_at) < end,
        col(Event.ends_at) <= now,
    )
    return list(session.exec(query.order_by(col(Event.starts_at), col(Event.id))))


def _locked(session: Session, event_id: int) -> Event | None:
    return session.exec(
        select(Event)
        .where(col(Event.id) == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


# --- RSVPs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RsvpOutcome:
    refusal: Refusal | None = None
    status: RsvpStatus | None = None
    previous: RsvpStatus | None = None
    # 1 for the head of the waitlist; None when not waitlisted.
    position: int | None = None
    promoted: tuple[int, ...] = ()
    event: Event | None = None

    @property
    def changed(self) -> bool:
        return self.refusal is None and self.status != self.previous


def rsvp(
    session: Session, event_id: int, member_id: int, answer: Answer, now: datetime
) -> RsvpOutcome:
    """Record a member's answer. "Going" takes a seat if one is free and nobody is waiting,
    otherwise a place at the back of the waitlist; leaving a seat promotes the head of the
    waitlist in the same transaction. Clicking an answer already given changes nothing."""
    event = _locked(session, event_id)
    if event is None:
        return RsvpOutcome(Refusal.UNKNOWN)
    refusal = _closed(event, answer, now)
    if refusal is not None:
        return RsvpOutcome(refusal, event=event)
    mine = _rsvp_row(session, event_id, member_id)
    previous = RsvpStatus(mine.status) if mine else None
    wanted = _status_for(session, event, answer, previous)
    if wanted == previous and mine is not None:
        return RsvpOutcome(
            status=wanted, previous=previous, position=_position(session, mine), event=event
        )
    event.rsvp_turns += 1
    if mine is None:
        mine = Rsvp(event_id=event_id, member_id=member_id, status="", turn=0, responded_at=now)
        session.add(mine)
    mine.status, mine.turn, mine.responded_at = wanted.value, event.rsvp_turns, now
    session.flush()
    # A seat given back goes to the head of the queue. Joining the queue checks too: a seat
    # freed without an RSVP (a member who deleted their data) is filled, not left empty.
    promoted = (
        promote_from_waitlist(session, event, now)
        if previous == RsvpStatus.GOING or wanted == RsvpStatus.WAITLIST
        else []
    )
    status = RsvpStatus.GOING if member_id in promoted else wanted
    return RsvpOutcome(
        status=status,
        previous=previous,
        position=_position(session, mine) if status == RsvpStatus.WAITLIST else None,
        promoted=tuple(m for m in promoted if m != member_id),
        event=event,
    )


def promote_from_waitlist(session: Session, event: Event, now: datetime) -> list[int]:
    """Fill free seats from the head of the waitlist; the members promoted. The caller
    holds the event's row lock."""
    waiting = select(Rsvp).where(
        col(Rsvp.event_id) == event.id, col(Rsvp.status) == RsvpStatus.WAITLIST.value
    )
    if event.capacity is not None:
        free = event.capacity - _count(session, event.id, RsvpStatus.GOING)
        if free <= 0:
            return []
        waiting = waiting.limit(free)
    promoted = list(session.exec(waiting.order_by(col(Rsvp.turn), col(Rsvp.id))))
    for row in promoted:
        row.status = RsvpStatus.GOING.value
    session.flush()
    return [row.member_id for row in promoted]


def takes_answers(event: Event, now: datetime) -> bool:
    """Would a Going or Maybe be taken now: not cancelled, not started, deadline not passed."""
    return _closed(event, Answer.GOING, now) is None


def _closed(event: Event, answer: Answer, now: datetime) -> Refusal | None:
    if event.cancelled_at is not None:
        return Refusal.CANCELLED
    if now >= event.starts_at:
        return Refusal.STARTED
    # "Can't go" stays open after the deadline: a freed seat can still go to the waitlist.
    if event.rsvp_deadline is not None and now >= event.rsvp_deadline:
        return None if answer == Answer.NOT_GOING else Refusal.DEADLINE_PASSED
    return None


def _status_for(
    session: Session, event: Event, answer: Answer, previous: RsvpStatus | None
) -> RsvpStatus:
    if answer != Answer.GOING:
        return RsvpStatus(answer.value)
    if previous in (RsvpStatus.GOING, RsvpStatus.WAITLIST):
        return previous
    if event.capacity is None:
        return RsvpStatus.GOING
    now_counted = counts(session, event.id)
    seat_free = now_counted.going < event.capacity and now_counted.waitlist == 0
    return RsvpStatus.GOING if seat_free else RsvpStatus.WAITLIST


def _rsvp_row(session: Session, event_id: int, member_id: int) -> Rsvp | None:
    return session.exec(
        select(Rsvp).where(col(Rsvp.event_id) == event_id, col(Rsvp.member_id) == member_id)
    ).first()


def _count(session: Session, event_id: int, status: RsvpStatus) -> int:
    return session.exec(
        select(func.count())
        .select_from(Rsvp)
        .where(col(Rsvp.event_id) == event_id, col(Rsvp.status) == status.value)
    ).one()


def _position(session: Session, row: Rsvp) -> int | None:
    if row.status != RsvpStatus.WAITLIST.value:
        return None
    ahead = session.exec(
        select(func.count())
        .select_from(Rsvp)
        .where(
            col(Rsvp.event_id) == row.event_id,
            col(Rsvp.status) == RsvpStatus.WAITLIST.value,
            col(Rsvp.turn) < row.turn,
        )
    ).one()
    return ahead + 1


@dataclass(frozen=True)
class Counts:
    going: int = 0
    waitlist: int = 0
    maybe: int = 0
    not_going: int = 0


def counts(session: Session, event_id: int) -> Counts:
    rows = session.exec(
        select(Rsvp.status, func.count()).where(Rsvp.event_id == event_id).group_by(Rsvp.status)
    ).all()
    return Counts(**{status: n for status, n in rows})


@dataclass(frozen=True)
class MyRsvp:
    status: RsvpStatus
    position: int | None
    responded_at: datetime


def rsvp_of(session: Session, event_id: int, member_id: int) -> MyRsvp | None:
    row = _rsvp_row(session, event_id, member_id)
    if row is None:
        return None
    return MyRsvp(RsvpStatus(row.status), _position(session, row), row.responded_at)


def is_going(session: Session, event: Event, member_id: int) -> bool:
    """Has a seat at an event that still takes place."""
    if event.cancelled_at is not None:
        return False
    row = _rsvp_row(session, event.id, member_id)
    return row is not None and row.status == RsvpStatus.GOING.value


def statuses_of(session: Session, member_id: int, event_ids: Sequence[int]) -> dict[int, str]:
    rows = session.exec(
        select(Rsvp.event_id, Rsvp.status).where(
            col(Rsvp.member_id) == member_id, col(Rsvp.event_id).in_(event_ids)
        )
    ).all()
    return dict(rows)


def members_with_status(
    session: Session, event_id: int, statuses: Sequence[RsvpStatus]
) -> list[int]:
    return list(
        session.exec(
            select(Rsvp.member_id)
            .where(
                col(Rsvp.event_id) == event_id,
                col(Rsvp.status).in_([s.value for s in statuses]),
            )
            .order_by(col(Rsvp.turn))
        )
    )


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str | None
    status: RsvpStatus
    position: int | None
    responded_at: datetime


STATUS_ORDER = (RsvpStatus.GOING, RsvpStatus.WAITLIST, RsvpStatus.MAYBE, RsvpStatus.NOT_GOING)


def attendees(session: Session, event_id: int) -> list[Attendee]:
    """Everyone who answered: going, then the waitlist in order, then maybe, then not going."""
    rows = session.exec(
        select(Rsvp, Member)
        .join(Member, col(Member.id) == col(Rsvp.member_id))
        .where(col(Rsvp.event_id) == event_id)
        .order_by(col(Rsvp.turn))
    ).all()
    listed: list[Attendee] = []
    for status in STATUS_ORDER:
        mine = [(r, m) for r, m in rows if r.status == status.value]
        for place, (row, member) in enumerate(mine, start=1):
            position = place if status == RsvpStatus.WAITLIST else None
            listed.append(
                Attendee(
                    member.display_name, member.organisation, status, position, row.responded_at
                )
            )
    return listed


def events_of_member(
    session: Session, member_id: int, statuses: Sequence[RsvpStatus], ending_after: datetime
) -> list[Event]:
    """A member's events (cancelled ones too, so calendars can drop them), soonest first."""
    return list(
        session.exec(
            select(Event)
            .join(Rsvp, col(Rsvp.event_id) == col(Event.id))
            .where(
                col(Rsvp.member_id) == member_id,
                col(Rsvp.status).in_([s.value for s in statuses]),
                col(Event.ends_at) > ending_after,
            )
            .order_by(col(Event.starts_at), col(Event.id))
        )
    )


# --- announcements ----------------------------------------------------------------------


def add_announcements(session: Session, event_id: int, refs: Sequence[MessageRef]) -> None:
    for ref in refs:
        session.add(
            EventAnnouncement(
                event_id=event_id,
                platform=ref.platform.value,
                channel_id=ref.channel_id,
                message_id=ref.message_id,
            )
        )


def announcements(session: Session, event_id: int) -> list[MessageRef]:
    rows = session.exec(
        select(EventAnnouncement)
        .where(EventAnnouncement.event_id == event_id)
        .order_by(col(EventAnnouncement.id))
    ).all()
    return [MessageRef(Platform(r.platform), r.channel_id, r.message_id) for r in rows]


# --- feedback ---------------------------------------------------------------------------


def record_score(
    session: Session, event_id: int, member_id: int, score: int, now: datetime
) -> None:
    """One score per member and event; clicking again changes it."""
    try:
        with session.begin_nested():
            session.add(
                EventFeedback(event_id=event_id, member_id=member_id, score=score, given_at=now)
            )
    except IntegrityError:
        existing = session.get(EventFeedback, (event_id, member_id))
        if existing is None:
            raise
        existing.score, existing.given_at = score, now


def record_comment(session: Session, event_id: int, member_id: int, comment: str) -> bool:
    """False when the member has not scored the event yet."""
    existing = session.get(EventFeedback, (event_id, member_id))
    if existing is None:
        return False
    existing.comment = comment
    return True


def feedback_for(session: Session, event_id: int) -> list[EventFeedback]:
    return list(
        session.exec(
            select(EventFeedback)
            .where(EventFeedback.event_id == event_id)
            .order_by(col(EventFeedback.given_at))
        )
    )


# --- calendar feeds ---------------------------------------------------------------------


def feed_token(session: Session, member_id: int, new_token: str, now: datetime) -> str:
    """The member's feed token, created from `new_token` on first use."""
    existing = session.get(CalendarFeed, member_id)
    if existing is not None:
        return existing.token
    try:
        with session.begin_nested():
            session.add(CalendarFeed(member_id=member_id, token=new_token, created_at=now))
    except IntegrityError:
        # The member asked twice at once: keep the token the other request stored.
        stored = session.get(CalendarFeed, member_id)
        if stored is None:
            raise
        return stored.token
    return new_token


def replace_feed_token(session: Session, member_id: int, new_token: str, now: datetime) -> str:
    """A new link for a member whose old one leaked; the old one stops working."""
    existing = session.get(CalendarFeed, member_id)
    if existing is None:
        return feed_token(session, member_id, new_token, now)
    existing.token, existing.created_at = new_token, now
    return new_token


def member_for_feed(session: Session, token: str) -> int | None:
    return session.exec(select(CalendarFeed.member_id).where(CalendarFeed.token == token)).first()


def hand_history_to(session: Session, member_id: int, stand_in_id: int, now: datetime) -> None:
    """Put a stand-in in a forgotten member's place at every event already held, so its
    attendance and feedback scores stay as they were; their comments, their own words, go.
    RSVPs to events still to come go with the member."""
    held = select(Event.id).where(col(Event.starts_at) <= now)
    session.exec(
        update(Rsvp)
        .where(col(Rsvp.member_id) == member_id, col(Rsvp.event_id).in_(held))
        .values(member_id=stand_in_id)
    )
    session.exec(
        update(EventFeedback)
        .where(col(EventFeedback.member_id) == member_id)
        .values(member_id=stand_in_id, comment=None)
    )


def took_part(session: Session, member_id: int, now: datetime) -> bool:
    """Whether the member answered for an event already held, or gave feedback on one."""
    rsvp = select(Rsvp.id).join(Event, col(Event.id) == col(Rsvp.event_id))
    rsvp = rsvp.where(col(Rsvp.member_id) == member_id, col(Event.starts_at) <= now)
    feedback = select(EventFeedback.event_id).where(col(EventFeedback.member_id) == member_id)
    return session.exec(rsvp).first() is not None or session.exec(feedback).first() is not None
