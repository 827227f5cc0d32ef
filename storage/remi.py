"""REMI records: organisations, their equality leads, one check-in per organisation per
period, and the organisation's own action points.

A check-in belongs to the organisation, not to the lead who typed it: the unique constraint
on (organisation, period) makes a second lead's answer an update of the first, even when
both click at the same moment. Every function takes the caller's session.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, delete, select

from storage.types import UTCDateTime

CADENCES = ("monthly", "quarterly")
DEFAULT_CADENCE = "quarterly"


class Organisation(SQLModel, table=True):
    __tablename__ = "remi_organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # The name as compared: "whittington health" finds "Whittington Health".
    name_key: str = Field(max_length=200, unique=True)
    sector: str = Field(max_length=100)
    # A borough or an integrated care system area, as the admins name it.
    area: str = Field(max_length=100)
    cadence: str = Field(default=DEFAULT_CADENCE, max_length=20)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Lead(SQLModel, table=True):
    """An equality lead of an organisation; a lead may serve several organisations."""

    __tablename__ = "remi_lead"

    organisation_id: int = Field(
        foreign_key="remi_organisation.id", primary_key=True, ondelete="CASCADE"
    )
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CheckIn(SQLModel, table=True):
    """An organisation's answer for one period. It exists from the moment a stage is
    given; `completed_at` is set once the short form is submitted too."""

    __tablename__ = "remi_checkin"
    __table_args__ = (
        UniqueConstraint("organisation_id", "period"),
        CheckConstraint("stage BETWEEN 1 AND 6", name="remi_checkin_stage_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="remi_organisation.id", index=True, ondelete="CASCADE")
    # "2026Q4" or "2026-11", by the organisation's cadence when it answered.
    period: str = Field(max_length=7)
    stage: int
    changed: str | None = Field(default=None, max_length=3000)
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    needs_text: str | None = Field(default=None, max_length=3000)
    answered_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    answered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    completed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ActionPoint(SQLModel, table=True):
    __tablename__ = "remi_action_point"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="remi_organisation.id", index=True, ondelete="CASCADE")
    period: str = Field(max_length=7)
    text: str = Field(max_length=500)
    added_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


@dataclass(frozen=True)
class Details:
    """The short form after the stage: what changed, and what would help."""

    changed: str | None
    needs: tuple[str, ...]
    needs_text: str | None


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


# --- organisations and leads --------------------------------------------------------------


def add_organisation(
    session: Session, name: str, sector: str, area: str, now: datetime
) -> Organisation | None:
    """Register an organisation; None when one of that name is already registered."""
    organisation = Organisation(
        name=" ".join(name.split()),
        name_key=name_key(name),
        sector=" ".join(sector.split()),
        area=" ".join(area.split()),
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(organisation)
    except IntegrityError:
        return None
    return organisation


def find_organisation(session: Session, name: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.name_key == name_key(name))).first()


def organisation(session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisations(session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).order_by(col(Organisation.name_key))).all())


def set_cadence(session: Session, organisation_id: int, cadence: str) -> None:
    if cadence not in CADENCES:
        raise ValueError(f"cadence must be one of {CADENCES}")
    found = session.get(Organisation, organisation_id)
    if found is None:
        raise LookupError(f"no organisation {organisation_id}")
    found.cadence = cadence


def add_lead(session: Session, organisation_id: int, member_id: int, now: datetime) -> bool:
    """Make a member a lead of an organisation; False when they already were."""
    try:
        with session.begin_nested():
            session.add(Lead(organisation_id=organisation_id, member_id=member_id, added_at=now))
    except IntegrityError:
        return False
    return True


def remove_lead(session: Session, organisation_id: int, member_id: int) -> bool:
    result = session.exec(
        delete(Lead).where(
            col(Lead.organisation_id) == organisation_id, col(Lead.member_id) == member_id
        )
    )
    return result.rowcount > 0


def is_lead(session: Session, organisation_id: int, member_id: int) -> bool:
    return session.get(Lead, (organisation_id, member_id)) is not None


def leads_of(session: Session, organisation_id: int) -> list[int]:
    return list(
        session.exec(
            select(Lead.member_id)
            .where(Lead.organisation_id == organisation_id)
            .order_by(col(Lead.added_at), col(Lead.member_id))
        ).all()
    )


def all_leads(session: Session) -> dict[int, list[int]]:
    """Lead member ids by organisation id, for every organisation that has a lead."""
    found: dict[int, list[int]] = {}
    for lead in session.exec(select(Lead).order_by(col(Lead.added_at), col(Lead.member_id))):
        found.setdefault(lead.organisation_id, []).append(lead.member_id)
    return found


def organisations_led_by(session: Session, member_id: int) -> list[Organisation]:
    return list(
        session.exec(
            select(Organisation)
            .join(Lead, col(Lead.organisation_id) == col(Organisation.id))
            .where(Lead.member_id == member_id)
            .order_by(col(Organisation.name_key))
        ).all()
    )


# --- check-ins ----------------------------------------------------------------------------


def record_stage(
    session: Session, organisation_id: int, period: str, stage: int, member_id: int, now: datetime
) -> CheckIn:
    """The organisation's stage for the period: the first answer creates the check-in, a
    later one (from any of its leads) updates it."""
    if not 1 <= stage <= 6:
        raise ValueError(f"no REMI stage {stage}")
    try:
        with session.begin_nested():
            created = CheckIn(
                organisation_id=organisation_id,
                period=period,
                stage=stage,
                answered_by=member_id,
                answered_at=now,
                updated_by=member_id,
                updated_at=now,
            )
            session.add(created)
        return created
    except IntegrityError:
        existing = checkin_for(session, organisation_id, period, for_update=True)
        if existing is None:
            raise
        existing.stage = stage
        existing.updated_by = member_id
        existing.updated_at = now
        return existing


def record_details(
    session: Session,
    organisation_id: int,
    period: str,
    details: Details,
    member_id: int,
    now: datetime,
) -> CheckIn | None:
    """Complete the check-in with the short form; None when no stage was given first."""
    found = checkin_for(session, organisation_id, period, for_update=True)
    if found is None:
        return None
    found.changed = details.changed
    found.needs = list(details.needs)
    found.needs_text = details.needs_text
    found.updated_by = member_id
    found.updated_at = now
    found.completed_at = found.completed_at or now
    return found


def checkin_for(
    session: Session, organisation_id: int, period: str, *, for_update: bool = False
) -> CheckIn | None:
    query = select(CheckIn).where(
        CheckIn.organisation_id == organisation_id, CheckIn.period == period
    )
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def history(session: Session, organisation_id: int) -> list[CheckIn]:
    """The organisation's check-ins, oldest first."""
    return list(
        session.exec(
            select(CheckIn)
            .where(CheckIn.organisation_id == organisation_id)
            .order_by(col(CheckIn.answered_at), col(CheckIn.id))
        ).all()
    )


def checkins_in(session: Session, periods: Iterable[str]) -> list[CheckIn]:
    """Every organisation's check-ins for any of `periods`."""
    wanted = list(periods)
    return list(session.exec(select(CheckIn).where(col(CheckIn.period).in_(wanted))).all())


def completed_organisations(session: Session, periods: Sequence[str]) -> set[int]:
    """Organisations whose check-in for one of `periods` is complete."""
    return {
        checkin.organisation_id for checkin in checkins_in(session, periods) if checkin.is_complete
    }


# --- action points ------------------------------------------------------------------------


def add_action_point(
    session: Session, organisation_id: int, period: str, text: str, member_id: int, now: datetime
) -> ActionPoint:
    point = ActionPoint(
        organisation_id=organisation_id,
        period=period,
        text=text,
        added_by=member_id,
        added_at=now,
    )
    session.add(point)
    session.flush()
    return point


def action_points(session: Session, organisation_id: int) -> list[ActionPoint]:
    return list(
        session.exec(
            select(ActionPoint)
            .where(ActionPoint.organisation_id == organisation_id)
            .order_by(col(ActionPoint.added_at), col(ActionPoint.id))
        ).all()
    )
