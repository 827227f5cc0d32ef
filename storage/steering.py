"""The steering group's records: find-a-time polls and their answers, meetings and who will
attend, agenda items, actions and minutes.

Every function takes the caller's session. Writes people race for are settled in the
database: one answer per member and slot, one meeting per poll, and a poll's close is a
conditional update that answers wait behind (they read the poll row with a shared lock).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, or_, select, update

from storage.types import UTCDateTime

AVAILABLE, IF_NEED_BE, NOT_AVAILABLE = "yes", "maybe", "no"
ANSWERS = (AVAILABLE, IF_NEED_BE, NOT_AVAILABLE)


class SteeringGroup(SQLModel, table=True):
    """The group's settings, in one row: who chairs it and how many make a quorum."""

    __tablename__ = "steering_group"

    id: int = Field(default=1, primary_key=True)
    chair_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    # None: a majority of the roster, whatever its size that day.
    quorum: int | None = None


class Poll(SQLModel, table=True):
    __tablename__ = "steering_poll"

    id: int | None = Field(default=None, primary_key=True)
    opened_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closes_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    link: str = Field(default="", max_length=500)
    # The slot the bot proposed at close; a plain id, as slots already point at their poll.
    proposed_slot_id: int | None = None


class Slot(SQLModel, table=True):
    __tablename__ = "steering_slot"
    __table_args__ = (UniqueConstraint("poll_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="steering_poll.id", index=True, ondelete="CASCADE")
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PollAnswer(SQLModel, table=True):
    """One member's answer for one slot; answering again replaces it."""

    __tablename__ = "steering_poll_answer"

    slot_id: int = Field(foreign_key="steering_slot.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    answer: str = Field(max_length=10)
    answered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Meeting(SQLModel, table=True):
    __tablename__ = "steering_meeting"

    id: int | None = Field(default=None, primary_key=True)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    link: str = Field(default="", max_length=500)
    # Unique: two clicks on the chair's confirm button make one meeting.
    poll_id: int | None = Field(
        default=None, foreign_key="steering_poll.id", unique=True, ondelete="SET NULL"
    )
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Attendance(SQLModel, table=True):
    __tablename__ = "steering_attendance"

    meeting_id: int = Field(foreign_key="steering_meeting.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    attending: bool
    answered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AgendaItem(SQLModel, table=True):
    __tablename__ = "steering_agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="steering_meeting.id", index=True, ondelete="CASCADE")
    position: int
    text: str = Field(max_length=500)
    added_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ActionItem(SQLModel, table=True):
    __tablename__ = "steering_action"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=500)
    owner_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="SET NULL"
    )
    due_on: date
    # The meeting the action came out of: the latest one that had started when it was added.
    meeting_id: int | None = Field(
        default=None, foreign_key="steering_meeting.id", index=True, ondelete="SET NULL"
    )
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    done_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class Minutes(SQLModel, table=True):
    __tablename__ = "steering_minutes"

    meeting_id: int = Field(foreign_key="steering_meeting.id", primary_key=True, ondelete="CASCADE")
    text: str = Field(max_length=2000)
    recorded_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


@dataclass(frozen=True)
class SlotTally:
    slot: Slot
    available: int
    if_need_be: int
    not_available: int


# --- the group's settings -------------------------------------------------------------


def group_settings(session: Session, *, lock: bool = False) -> SteeringGroup:
    """The settings row, created on first use; `lock` holds it for the rest of the unit of
    work, which is how opening a poll is serialised."""
    query = select(SteeringGroup).where(SteeringGroup.id == 1)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(SteeringGroup(id=1))
    except IntegrityError:
        pass  # created by another process just now
    return session.exec(query.with_for_update() if lock else query).one()


def set_chair(session: Session, member_id: int | None) -> None:
    group_settings(session).chair_id = member_id


def set_quorum(session: Session, quorum: int | None) -> None:
    group_settings(session).quorum = quorum


# --- polls ----------------------------------------------------------------------------


def open_poll(
    session: Session,
    *,
    opened_by: int,
    now: datetime,
    closes_at: datetime,
    starts: Sequence[datetime],
    link: str = "",
) -> Poll | None:
    """A new poll with one slot per start time; None when a poll is already open."""
    group_settings(session, lock=True)
    if current_poll(session) is not None:
        return None
    poll = Poll(opened_by=opened_by, opened_at=now, closes_at=closes_at, link=link)
    session.add(poll)
    session.flush()
    session.add_all(Slot(poll_id=poll.id, starts_at=start) for start in sorted(starts))
    session.flush()
    return poll


def current_poll(session: Session) -> Poll | None:
    """The poll not closed yet, if any (at most one is open at a time)."""
    return session.exec(select(Poll).where(col(Poll.closed_at).is_(None))).first()


def latest_poll(session: Session) -> Poll | None:
    return session.exec(select(Poll).order_by(col(Poll.id).desc())).first()


def get_poll(session: Session, poll_id: int) -> Poll | None:
    return session.get(Poll, poll_id)


def poll_slots(session: Session, poll_id: int) -> list[Slot]:
    return list(
        session.exec(
            select(Slot).where(Slot.poll_id == poll_id).order_by(col(Slot.starts_at))
        ).all()
    )


def get_slot(session: Session, slot_id: int) -> Slot | None:
    return session.get(Slot, slot_id)


def is_open(poll: Poll, now: datetime) -> bool:
    return poll.closed_at is None and now < poll.closes_at


def record_answer(
    session: Session, slot_id: int, member_id: int, answer: str, now: datetime
) -> bool:
    """Record or change a member's answer for a slot; False (nothing stored) once the poll
    has closed."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise LookupError(f"no slot {slot_id}")
    poll = session.exec(
        select(Poll).where(Poll.id == slot.poll_id).with_for_update(read=True)
    ).one()
    if not is_open(poll, now):
        return False
    _insert_or_update(
        session,
        PollAnswer,
        {"slot_id": slot_id, "member_id": member_id},
        {"answer": answer, "answered_at": now},
    )
    return True


def member_answers(session: Session, poll_id: int, member_id: int) -> dict[int, str]:
    """A member's answers in a poll, by slot id."""
    rows = session.exec(
        select(PollAnswer)
        .join(Slot, col(Slot.id) == col(PollAnswer.slot_id))
        .where(Slot.poll_id == poll_id, PollAnswer.member_id == member_id)
    ).all()
    return {row.slot_id: row.answer for row in rows}


def members_missing_answers(
    session: Session, poll_id: int, member_ids: Sequence[int]
) -> dict[int, int]:
    """Of `member_ids`, those who have not answered every slot, with how many they left."""
    slot_count = len(poll_slots(session, poll_id))
    answered: dict[int, int] = {}
    rows = session.exec(
        select(PollAnswer.member_id)
        .join(Slot, col(Slot.id) == col(PollAnswer.slot_id))
        .where(Slot.poll_id == poll_id, col(PollAnswer.member_id).in_(member_ids))
    ).all()
    for member_id in rows:
        answered[member_id] = answered.get(member_id, 0) + 1
    missing = {m: slot_count - answered.get(m, 0) for m in member_ids}
    return {m: left for m, left in missing.items() if left > 0}


def tallies(session: Session, poll_id: int, member_ids: Sequence[int]) -> list[SlotTally]:
    """Per slot, earliest first, how many of `member_ids` gave each answer."""
    rows = session.exec(
        select(PollAnswer.slot_id, PollAnswer.answer)
        .join(Slot, col(Slot.id) == col(PollAnswer.slot_id))
        .where(Slot.poll_id == poll_id, col(PollAnswer.member_id).in_(member_ids))
    ).all()
    counts: dict[tuple[int, str], int] = {}
    for slot_id, answer in rows:
        counts[slot_id, answer] = counts.get((slot_id, answer), 0) + 1
    return [
        SlotTally(
            slot,
            counts.get((slot.id, AVAILABLE), 0),
            counts.get((slot.id, IF_NEED_BE), 0),
            counts.get((slot.id, NOT_AVAILABLE), 0),
        )
        for slot in poll_slots(session, poll_id)
    ]


def close_poll(session: Session, poll_id: int, now: datetime) -> bool:
    """Close a poll; False when it was already closed (by the due row or the chair)."""
    result = session.exec(
        update(Poll)
        .where(col(Poll.id) == poll_id, col(Poll.closed_at).is_(None))
        .values(closed_at=now)
    )
    return result.rowcount == 1


def set_proposal(session: Session, poll_id: int, slot_id: int) -> None:
    session.exec(update(Poll).where(col(Poll.id) == poll_id).values(proposed_slot_id=slot_id))


# --- meetings and attendance ----------------------------------------------------------


def create_meeting(
    session: Session,
    *,
    starts_at: datetime,
    ends_at: datetime,
    link: str,
    created_by: int,
    now: datetime,
    poll_id: int | None = None,
) -> Meeting | None:
    """A new meeting; None when the poll it comes from already made one."""
    meeting = Meeting(
        starts_at=starts_at,
        ends_at=ends_at,
        link=link,
        poll_id=poll_id,
        created_by=created_by,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(meeting)
    except IntegrityError:
        return None
    return meeting


def get_meeting(session: Session, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def meeting_for_poll(session: Session, poll_id: int) -> Meeting | None:
    return session.exec(select(Meeting).where(Meeting.poll_id == poll_id)).first()


def next_meeting(session: Session, now: datetime) -> Meeting | None:
    """The first meeting that has not started yet."""
    return session.exec(
        select(Meeting).where(col(Meeting.starts_at) > now).order_by(col(Meeting.starts_at))
    ).first()


def upcoming_meetings(session: Session, now: datetime) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting).where(col(Meeting.starts_at) > now).order_by(col(Meeting.starts_at))
        ).all()
    )


def past_meetings(session: Session, now: datetime, limit: int) -> list[Meeting]:
    """Meetings that have started, the latest first."""
    return list(
        session.exec(
            select(Meeting)
            .where(col(Meeting.starts_at) <= now)
            .order_by(col(Meeting.starts_at).desc())
            .limit(limit)
        ).all()
    )


def record_attendance(
    session: Session, meeting_id: int, member_id: int, attending: bool, now: datetime
) -> None:
    _insert_or_update(
        session,
        Attendance,
        {"meeting_id": meeting_id, "member_id": member_id},
        {"attending": attending, "answered_at": now},
    )


def attendance(session: Session, meeting_id: int) -> dict[int, bool]:
    """Who said they will attend (True) or not (False), by member id."""
    rows = session.exec(select(Attendance).where(Attendance.meeting_id == meeting_id)).all()
    return {row.member_id: row.attending for row in rows}


# --- agenda ---------------------------------------------------------------------------


def agenda(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        ).all()
    )


def add_agenda_item(
    session: Session, meeting_id: int, text: str, added_by: int, now: datetime
) -> int:
    """Add an item at the end of a meeting's agenda; its number there."""
    items = _locked_agenda(session, meeting_id)
    session.add(
        AgendaItem(
            meeting_id=meeting_id,
            position=len(items) + 1,
            text=text,
            added_by=added_by,
            added_at=now,
        )
    )
    return len(items) + 1


def move_agenda_item(session: Session, meeting_id: int, number: int, to: int) -> AgendaItem | None:
    """Move item `number` (as shown, from 1) to position `to`; None if there is no such item."""
    items = _locked_agenda(session, meeting_id)
    if not 1 <= number <= len(items) or not 1 <= to <= len(items):
        return None
    item = items.pop(number - 1)
    items.insert(to - 1, item)
    _renumber(items)
    return item


def drop_agenda_item(session: Session, meeting_id: int, number: int) -> AgendaItem | None:
    items = _locked_agenda(session, meeting_id)
    if not 1 <= number <= len(items):
        return None
    item = items.pop(number - 1)
    session.delete(item)
    _renumber(items)
    return item


def _locked_agenda(session: Session, meeting_id: int) -> list[AgendaItem]:
    # Holding the meeting row makes concurrent edits of one agenda queue up, so numbers stay
    # a clean 1..n.
    session.exec(select(Meeting).where(Meeting.id == meeting_id).with_for_update()).one()
    return agenda(session, meeting_id)


def _renumber(items: Sequence[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


# --- actions --------------------------------------------------------------------------


def add_action(
    session: Session, *, text: str, owner_id: int, due_on: date, created_by: int, now: datetime
) -> ActionItem:
    started = past_meetings(session, now, limit=1)
    action = ActionItem(
        text=text,
        owner_id=owner_id,
        due_on=due_on,
        meeting_id=started[0].id if started else None,
        created_by=created_by,
        created_at=now,
    )
    session.add(action)
    session.flush()
    return action


def get_action(session: Session, action_id: int) -> ActionItem | None:
    return session.get(ActionItem, action_id)


def open_actions(session: Session) -> list[ActionItem]:
    """Actions not done yet, soonest due first."""
    return list(
        session.exec(
            select(ActionItem)
            .where(col(ActionItem.done_at).is_(None))
            .order_by(col(ActionItem.due_on), col(ActionItem.id))
        ).all()
    )


def overdue_actions(session: Session, today: date) -> list[ActionItem]:
    return [action for action in open_actions(session) if action.due_on < today]


def actions_from_meeting(session: Session, meeting_id: int) -> list[ActionItem]:
    return list(
        session.exec(
            select(ActionItem)
            .where(ActionItem.meeting_id == meeting_id)
            .order_by(col(ActionItem.id))
        ).all()
    )


def reassign_action(session: Session, action_id: int, owner_id: int) -> bool:
    """Give an open action to another owner; False when it is done or does not exist."""
    result = session.exec(
        update(ActionItem)
        .where(col(ActionItem.id) == action_id, col(ActionItem.done_at).is_(None))
        .values(owner_id=owner_id)
    )
    return result.rowcount == 1


def mark_action_done(session: Session, action_id: int, member_id: int, now: datetime) -> bool:
    """Mark an action done; False when it was done already."""
    result = session.exec(
        update(ActionItem)
        .where(col(ActionItem.id) == action_id, col(ActionItem.done_at).is_(None))
        .values(done_at=now, done_by=member_id)
    )
    return result.rowcount == 1


# --- minutes --------------------------------------------------------------------------


def record_minutes(
    session: Session, meeting_id: int, text: str, recorded_by: int, now: datetime
) -> bool:
    """Record a meeting's minutes; True when they replaced earlier minutes."""
    replaced = session.get(Minutes, meeting_id) is not None
    _insert_or_update(
        session,
        Minutes,
        {"meeting_id": meeting_id},
        {"text": text, "recorded_by": recorded_by, "recorded_at": now},
    )
    return replaced


def file_first_minutes(
    session: Session, meeting_id: int, text: str, recorded_by: int, now: datetime
) -> bool:
    """Record a meeting's minutes only if it has none; False when some are already filed.
    The primary key decides between two who file at once: the second is refused."""
    try:
        with session.begin_nested():
            session.add(
                Minutes(meeting_id=meeting_id, text=text, recorded_by=recorded_by, recorded_at=now)
            )
    except IntegrityError:
        return False
    return True


def minutes_for(session: Session, meeting_id: int) -> Minutes | None:
    return session.get(Minutes, meeting_id)


# --- a member forgotten --------------------------------------------------------------


def replace_mentions(session: Session, mentions: Sequence[str], replacement: str) -> None:
    """Write `replacement` wherever the group's record (actions, agenda items, minutes)
    mentions one of `mentions`, so a forgotten member is no longer named in it. A mention
    ends where an id would: "@zuri" is not the start of "@zurina"."""
    if not mentions:
        return
    named = re.compile("|".join(f"{re.escape(m)}(?![\\w.-])" for m in mentions))
    for table in (ActionItem, AgendaItem, Minutes):
        text = col(table.text)  # type: ignore[attr-defined]
        found = or_(*(text.contains(m, autoescape=True) for m in mentions))
        for row in session.exec(select(table).where(found)):
            row.text = named.sub(replacement, row.text)
            session.add(row)


def _insert_or_update(
    session: Session, table: type[SQLModel], key: dict[str, Any], values: dict[str, Any]
) -> None:
    """Insert a row, or update it when its key is taken. When two inserts race, the primary
    key decides and the loser updates the winner's row: the last answer wins."""
    existing = session.get(table, key)
    if existing is None:
        try:
            with session.begin_nested():
                session.add(table(**key, **values))
            return
        except IntegrityError:
            existing = session.get(table, key, populate_existing=True)
            if existing is None:
                raise
    for name, value in values.items():
        setattr(existing, name, value)
