"""REMI storage on SQLite and PostgreSQL: one check-in per organisation per period even when
leads answer at once, stages outside 1-6 refused by the database itself, and a forgotten
lead's answers kept for their organisation without their name. Periods, in London time."""

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from contract.vocabulary import Platform
from handlers.network.periods import PeriodError, current_period, parse_period
from storage import forgetting, members, remi
from storage.db import Database
from storage.remi import CheckIn, Details, Lead

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def _organisation_and_leads(database: Database, leads: int) -> tuple[int, list[int]]:
    with database.session() as session:
        org = remi.add_organisation(session, "Whittington Health", "NHS trust", "NCL", T0)
        assert org is not None and org.id is not None
        ids = []
        for n in range(leads):
            member = members.identify(session, Platform.CONSOLE, f"lead{n}", "", T0)
            remi.add_lead(session, org.id, member.id, T0)
            ids.append(member.id)
        return org.id, ids


def test_organisation_names_are_unique_whatever_their_case(database: Database) -> None:
    _organisation_and_leads(database, 0)
    with database.session() as session:
        again = remi.add_organisation(session, "whittington  HEALTH", "NHS", "NCL", T0)
        assert again is None
        found = remi.find_organisation(session, "WHITTINGTON health")
        assert found is not None and found.name == "Whittington Health"


def test_a_second_lead_updates_the_check_in_rather_than_adding_one(database: Database) -> None:
    org, (first, second) = _organisation_and_leads(database, 2)
    with database.session() as session:
        remi.record_stage(session, org, "2026Q4", 2, first, T0)
    with database.session() as session:
        remi.record_stage(session, org, "2026Q4", 3, second, T0)
        remi.record_stage(session, org, "2026Q3", 1, second, T0)
    with database.session() as session:
        rows = session.exec(select(CheckIn).order_by(CheckIn.period)).all()
        assert [(r.period, r.stage, r.answered_by, r.updated_by) for r in rows] == [
            ("2026Q3", 1, second, second),
            ("2026Q4", 3, first, second),
        ]


async def test_leads_answering_at_once_make_one_check_in(database: Database) -> None:
    org, leads = _organisation_and_leads(database, 6)

    def answer(lead: int, stage: int) -> None:
        with database.session() as session:
            remi.record_stage(session, org, "2026Q4", stage, lead, T0)

    await asyncio.gather(
        *(asyncio.to_thread(answer, lead, n % 6 + 1) for n, lead in enumerate(leads))
    )
    with database.session() as session:
        [checkin] = session.exec(select(CheckIn)).all()
        assert 1 <= checkin.stage <= 6 and checkin.answered_by in leads


def test_the_database_refuses_a_stage_outside_one_to_six(database: Database) -> None:
    org, [lead] = _organisation_and_leads(database, 1)
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(
            CheckIn(organisation_id=org, period="2026Q4", stage=7, answered_at=T0, updated_at=T0)
        )
    with database.session() as session, pytest.raises(ValueError):
        remi.record_stage(session, org, "2026Q4", 0, lead, T0)
    with database.session() as session:
        assert session.exec(select(CheckIn)).all() == []


def test_a_forgotten_lead_leaves_the_organisation_its_answers(database: Database) -> None:
    org, [lead] = _organisation_and_leads(database, 1)
    with database.session() as session:
        remi.record_stage(session, org, "2026Q4", 4, lead, T0)
        remi.record_details(session, org, "2026Q4", Details("x", ("data",), None), lead, T0)
        remi.add_action_point(session, org, "2026Q4", "Publish data", lead, T0)
    with database.session() as session:
        forgetting.forget_member(session, lead, T0)
    with database.session() as session:
        assert session.exec(select(Lead)).all() == []
        [checkin] = remi.history(session, org)
        assert (checkin.stage, checkin.answered_by, checkin.is_complete) == (4, None, True)
        [point] = remi.action_points(session, org)
        assert (point.text, point.added_by) == ("Publish data", None)


@pytest.mark.parametrize(
    ("text", "key", "label", "previous"),
    [
        ("2026Q4", "2026Q4", "October to December 2026 (2026Q4)", "2026Q3"),
        ("2027q1", "2027Q1", "January to March 2027 (2027Q1)", "2026Q4"),
        ("2026-11", "2026-11", "November 2026", "2026-10"),
        ("2027-1", "2027-01", "January 2027", "2026-12"),
    ],
)
def test_periods_read_and_name_themselves(text: str, key: str, label: str, previous: str) -> None:
    period = parse_period(text)
    assert (period.key, period.label, period.previous().key) == (key, label, previous)


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "2026-00", "Q4", "next quarter", ""])
def test_unreadable_periods_are_explained(text: str) -> None:
    with pytest.raises(PeriodError, match="Use a quarter like `2026Q4`"):
        parse_period(text)


def test_the_current_period_is_read_in_london_time() -> None:
    # 23:30 UTC on 30 September is 00:30 on 1 October in London (summer time).
    late = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)
    assert current_period("quarterly", late, LONDON).key == "2026Q4"
    assert current_period("monthly", late, LONDON).key == "2026-10"
    assert parse_period("2026-11").overlapping_keys() == ("2026-11", "2026Q4")
    assert parse_period("2026Q4").overlapping_keys() == ("2026Q4", "2026-10", "2026-11", "2026-12")
