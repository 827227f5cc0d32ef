"""Peer introductions: who takes part, whom they never want to meet, the admin's cadence,
and every round's groups with the answers to "Did you meet?".

A round is one row with a unique key (its date), written in the same transaction as all
its groups, so a round is made once however often the scheduler fires. Nobody is in two
groups of one round: `(round_id, member_id)` is unique. Everything hangs off `member` with
cascading deletes, so `forget me` removes it too.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, func, select, update

from storage.models import Member
from storage.types import UTCDateTime


class IntroParticipant(SQLModel, table=True):
    __tablename__ = "intro_participant"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    organisation: str = Field(max_length=200)
    sector: str = Field(max_length=40)
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    # Back in the first round at or after this instant.
    paused_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    joined_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class IntroExclusion(SQLModel, table=True):
    """`member_id` never wants to be paired with `excluded_id`. Only the first ever sees it."""

    __tablename__ = "intro_exclusion"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    excluded_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class IntroCadence(SQLModel, table=True):
    """The admin's cadence; one row, absent until an admin sets it."""

    __tablename__ = "intro_cadence"

    id: int = Field(default=1, primary_key=True)
    every: str = Field(max_length=20)
    weekday: int
    time_of_day: str = Field(max_length=5)
    # Fortnightly rounds fall in the weeks an even number of weeks from this day.
    anchor: date
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class IntroRound(SQLModel, table=True):
    __tablename__ = "intro_round"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=20, unique=True)
    scheduled_for: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    participants: int
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class IntroGroup(SQLModel, table=True):
    """A pair, or the round's trio, and their answer to "Did you meet?"."""

    __tablename__ = "intro_group"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="intro_round.id", index=True, ondelete="CASCADE")
    met: str | None = Field(default=None, max_length=10)
    answered_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class IntroGroupMember(SQLModel, table=True):
    """One person in a group, with their organisation, sector and topics as they were at
    the round, so reports and history stay true when profiles change later."""

    __tablename__ = "intro_group_member"
    __table_args__ = (UniqueConstraint("round_id", "member_id"),)

    group_id: int = Field(foreign_key="intro_group.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(
        foreign_key="member.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    round_id: int = Field(foreign_key="intro_round.id", ondelete="CASCADE")
    organisation: str = Field(max_length=200)
    sector: str = Field(max_length=40)
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# --- participants -----------------------------------------------------------------------


def participant(session: Session, member_id: int) -> IntroParticipant | None:
    return session.get(IntroParticipant, member_id)


def join(
    session: Session,
    member_id: int,
    organisation: str,
    sector: str,
    topics: Sequence[str],
    now: datetime,
) -> None:
    """Opt in (or update one's details); joining again also ends a pause."""
    row = session.get(IntroParticipant, member_id)
    if row is None:
        row = IntroParticipant(member_id=member_id, organisation="", sector="", joined_at=now)
        session.add(row)
    row.organisation = organisation
    row.sector = sector
    row.topics = list(topics)
    row.active = True
    row.paused_until = None


def leave(session: Session, member_id: int) -> bool:
    """Opt out; False when the member was not taking part."""
    row = session.get(IntroParticipant, member_id)
    if row is None or not row.active:
        return False
    row.active = False
    return True


def pause(session: Session, member_id: int, until: datetime) -> bool:
    row = session.get(IntroParticipant, member_id)
    if row is None or not row.active:
        return False
    row.paused_until = until
    return True


def available_at(session: Session, at: datetime) -> list[IntroParticipant]:
    """Everyone taking part and not paused at `at`, by member id."""
    return list(
        session.exec(
            select(IntroParticipant)
            .where(
                col(IntroParticipant.active).is_(True),
                (col(IntroParticipant.paused_until).is_(None))
                | (col(IntroParticipant.paused_until) <= at),
            )
            .order_by(col(IntroParticipant.member_id))
        ).all()
    )


# --- exclusions -------------------------------------------------------------------------


def exclude(session: Session, member_id: int, excluded_id: int, now: datetime) -> bool:
    """Record that `member_id` never wants to meet `excluded_id`; False if already so."""
    try:
        with session.begin_nested():
            session.add(
                IntroExclusion(member_id=member_id, excluded_id=excluded_id, created_at=now)
            )
    except IntegrityError:
        return False
    return True


def exclusions(session: Session) -> list[tuple[int, int]]:
    return [(row.member_id, row.excluded_id) for row in session.exec(select(IntroExclusion)).all()]


def exclusion_count(session: Session, member_id: int) -> int:
    return session.exec(
        select(func.count()).where(col(IntroExclusion.member_id) == member_id)
    ).one()


# --- cadence ----------------------------------------------------------------------------


def cadence(session: Session) -> IntroCadence | None:
    return session.get(IntroCadence, 1)


def set_cadence(
    session: Session, every: str, weekday: int, time_of_day: str, anchor: date, now: datetime
) -> None:
    row = session.get(IntroCadence, 1) or IntroCadence()
    row.every, row.weekday, row.time_of_day, row.anchor = every, weekday, time_of_day, anchor
    row.updated_at = now
    session.add(row)


# --- rounds -----------------------------------------------------------------------------


def round_exists(session: Session, key: str) -> bool:
    return session.exec(select(IntroRound.id).where(IntroRound.key == key)).first() is not None


def past_rounds(session: Session, before: datetime) -> list[list[list[int]]]:
    """Every earlier round's groups as member ids, the most recent round first."""
    rows = session.exec(
        select(IntroRound.id, IntroGroupMember.group_id, IntroGroupMember.member_id)
        .join(IntroGroupMember, col(IntroGroupMember.round_id) == col(IntroRound.id))
        .where(col(IntroRound.scheduled_for) < before)
        .order_by(
            col(IntroRound.scheduled_for).desc(),
            col(IntroGroupMember.group_id),
            col(IntroGroupMember.member_id),
        )
    ).all()
    rounds: dict[int, dict[int, list[int]]] = {}
    for round_id, group_id, member_id in rows:
        rounds.setdefault(round_id, {}).setdefault(group_id, []).append(member_id)
    return [list(groups.values()) for groups in rounds.values()]


def create_round(
    session: Session,
    key: str,
    at: datetime,
    participants: Sequence[IntroParticipant],
    groups: Sequence[Sequence[int]],
    now: datetime,
) -> list[int] | None:
    """Write the round and its groups; their ids, or None when the round already exists
    (made by another process, or by this one before a restart)."""
    try:
        with session.begin_nested():
            round_row = IntroRound(
                key=key, scheduled_for=at, participants=len(participants), created_at=now
            )
            session.add(round_row)
            session.flush()
    except IntegrityError:
        return None
    profiles = {p.member_id: p for p in participants}
    # One flush for all groups, so their ids come back in one batch rather than one
    # round trip each.
    group_rows = [IntroGroup(round_id=round_row.id) for _ in groups]
    session.add_all(group_rows)
    session.flush()
    session.add_all(
        IntroGroupMember(
            group_id=group.id,
            member_id=member_id,
            round_id=round_row.id,
            organisation=profiles[member_id].organisation,
            sector=profiles[member_id].sector,
            topics=list(profiles[member_id].topics),
        )
        for group, members in zip(group_rows, groups, strict=True)
        for member_id in members
    )
    session.flush()
    group_ids = [group.id for group in group_rows]
    return group_ids  # type: ignore[return-value]


@dataclass(frozen=True)
class GroupMember:
    member_id: int
    name: str
    organisation: str
    sector: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class GroupView:
    id: int
    round_key: str
    round_at: datetime
    members: tuple[GroupMember, ...]
    met: str | None

    def others(self, member_id: int) -> tuple[GroupMember, ...]:
        return tuple(m for m in self.members if m.member_id != member_id)


def group(session: Session, group_id: int) -> GroupView | None:
    views = _group_views(session, [group_id])
    return views[0] if views else None


def groups_of(session: Session, member_id: int, limit: int) -> list[GroupView]:
    """The member's groups, the most recent round first."""
    group_ids = session.exec(
        select(IntroGroupMember.group_id)
        .join(IntroRound, col(IntroRound.id) == col(IntroGroupMember.round_id))
        .where(col(IntroGroupMember.member_id) == member_id)
        .order_by(col(IntroRound.scheduled_for).desc())
        .limit(limit)
    ).all()
    return _group_views(session, list(group_ids))


def record_answer(
    session: Session, group_id: int, member_id: int, answer: str, now: datetime
) -> bool:
    """Store a group's answer to "Did you meet?"; False (and nothing stored) when
    `member_id` is not in that group."""
    in_group = session.exec(
        select(IntroGroupMember.member_id).where(
            col(IntroGroupMember.group_id) == group_id,
            col(IntroGroupMember.member_id) == member_id,
        )
    ).first()
    row = session.get(IntroGroup, group_id)
    if in_group is None or row is None:
        return False
    row.met, row.answered_by, row.answered_at = answer, member_id, now
    return True


def rounds_with_groups(session: Session, limit: int) -> list[tuple[IntroRound, list[GroupView]]]:
    """The latest `limit` rounds, newest first, each with its groups."""
    rounds = session.exec(
        select(IntroRound).order_by(col(IntroRound.scheduled_for).desc()).limit(limit)
    ).all()
    return _with_groups(session, rounds)


def rounds_between(
    session: Session, start: datetime, end: datetime
) -> list[tuple[IntroRound, list[GroupView]]]:
    """The rounds scheduled in [start, end), oldest first, each with its groups."""
    rounds = session.exec(
        select(IntroRound)
        .where(col(IntroRound.scheduled_for) >= start, col(IntroRound.scheduled_for) < end)
        .order_by(col(IntroRound.scheduled_for))
    ).all()
    return _with_groups(session, rounds)


def _with_groups(
    session: Session, rounds: Sequence[IntroRound]
) -> list[tuple[IntroRound, list[GroupView]]]:
    result = []
    for round_row in rounds:
        group_ids = session.exec(
            select(IntroGroup.id).where(IntroGroup.round_id == round_row.id)
        ).all()
        result.append((round_row, _group_views(session, list(group_ids))))  # type: ignore[arg-type]
    return result


def _group_views(session: Session, group_ids: list[int]) -> list[GroupView]:
    if not group_ids:
        return []
    rows: Sequence[Any] = session.exec(
        select(IntroGroup, IntroRound, IntroGroupMember, Member.display_name)
        .join(IntroRound, col(IntroRound.id) == col(IntroGroup.round_id))
        .join(IntroGroupMember, col(IntroGroupMember.group_id) == col(IntroGroup.id))
        .join(Member, col(Member.id) == col(IntroGroupMember.member_id))
        .where(col(IntroGroup.id).in_(group_ids))
        .order_by(col(IntroRound.scheduled_for).desc(), col(IntroGroup.id))
    ).all()
    views: dict[int, GroupView] = {}
    for group_row, round_row, member_row, name in rows:
        member = GroupMember(
            member_row.member_id,
            name,
            member_row.organisation,
            member_row.sector,
            tuple(member_row.topics),
        )
        view = views.get(group_row.id)
        views[group_row.id] = GroupView(
            group_row.id,
            round_row.key,
            round_row.scheduled_for,
            (view.members if view else ()) + (member,),
            group_row.met,
        )
    return list(views.values())


def was_introduced(session: Session, member_id: int) -> bool:
    found = session.exec(
        select(IntroGroupMember.group_id).where(col(IntroGroupMember.member_id) == member_id)
    ).first()
    return found is not None


def hand_history_to(session: Session, member_id: int, stand_in_id: int) -> None:
    """Put a stand-in in a forgotten member's place in every group they were in: partners
    see "a former member" rather than a gap, and each round keeps its figures (the
    organisation and sector as they were at the round). Their topics go with them."""
    session.exec(
        update(IntroGroupMember)
        .where(col(IntroGroupMember.member_id) == member_id)
        .values(member_id=stand_in_id, topics=[])
    )
