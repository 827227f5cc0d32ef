"""Storage for peer introductions, on SQLite and PostgreSQL: the database itself refuses a
round made twice or a person in two groups of one round, and what `forget me` leaves."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from contract.vocabulary import Platform
from storage import forgetting
from storage import intros as store
from storage.db import Database
from storage.intros import IntroExclusion, IntroGroupMember, IntroParticipant
from tests.intros_support import add_participant

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def people(database: Database, count: int) -> list[int]:
    with database.session() as session:
        return [
            add_participant(session, Platform.CONSOLE, f"p{n}", f"Org {n}", NOW)
            for n in range(count)
        ]


def test_a_round_is_written_once(database: Database) -> None:
    a, b, c, d = people(database, 4)
    with database.session() as session:
        available = store.available_at(session, NOW)
        first = store.create_round(session, "2026-11-23", NOW, available, [[a, b], [c, d]], NOW)
        again = store.create_round(session, "2026-11-23", NOW, available, [[a, c], [b, d]], NOW)
    assert first is not None and len(first) == 2 and again is None
    with database.session() as session:
        [(_, groups)] = store.rounds_with_groups(session, 5)
    assert sorted(sorted(m.member_id for m in g.members) for g in groups) == [[a, b], [c, d]]


def test_nobody_can_be_in_two_groups_of_one_round(database: Database) -> None:
    a, b, c = people(database, 3)
    with pytest.raises(IntegrityError), database.session() as session:
        available = store.available_at(session, NOW)
        store.create_round(session, "2026-11-23", NOW, available, [[a, b], [a, c]], NOW)
    with database.session() as session:
        assert store.rounds_with_groups(session, 5) == []


def test_paused_people_are_available_again_from_the_moment_their_pause_ends(
    database: Database,
) -> None:
    a, b = people(database, 2)
    with database.session() as session:
        store.pause(session, a, NOW)
        store.pause(session, b, NOW + timedelta(seconds=1))
    with database.session() as session:
        assert [p.member_id for p in store.available_at(session, NOW)] == [a]
        store.leave(session, a)
    with database.session() as session:
        assert [p.member_id for p in store.available_at(session, NOW + timedelta(days=1))] == [b]


def test_only_someone_in_the_group_can_record_its_answer(database: Database) -> None:
    a, b, outsider = people(database, 3)
    with database.session() as session:
        available = store.available_at(session, NOW)
        [group_id] = store.create_round(session, "2026-11-23", NOW, available, [[a, b]], NOW)  # type: ignore[misc]
    with database.session() as session:
        assert not store.record_answer(session, group_id, outsider, "yes", NOW)
        assert not store.record_answer(session, group_id + 1, a, "yes", NOW)
        assert store.record_answer(session, group_id, b, "wont", NOW)
    with database.session() as session:
        assert store.group(session, group_id).met == "wont"  # type: ignore[union-attr]


def test_earlier_rounds_come_back_most_recent_first(database: Database) -> None:
    a, b, c, d = people(database, 4)
    with database.session() as session:
        available = store.available_at(session, NOW)
        store.create_round(
            session, "2026-11-09", NOW - timedelta(days=14), available, [[a, b], [c, d]], NOW
        )
        store.create_round(session, "2026-11-23", NOW, available, [[a, c], [b, d]], NOW)
    with database.session() as session:
        assert store.past_rounds(session, before=NOW + timedelta(days=14)) == [
            [[a, c], [b, d]],
            [[a, b], [c, d]],
        ]
        assert store.past_rounds(session, before=NOW) == [[[a, b], [c, d]]]


def test_forget_me_leaves_a_former_member_in_past_groups_and_nothing_else(
    database: Database,
) -> None:
    a, b = people(database, 2)
    with database.session() as session:
        store.exclude(session, a, b, NOW)
        assert not store.exclude(session, a, b, NOW)
        available = store.available_at(session, NOW)
        store.create_round(session, "2026-11-23", NOW, available, [[a, b]], NOW)
    with database.session() as session:
        forgetting.forget_member(session, a, NOW)
    with database.session() as session:
        assert session.get(IntroParticipant, a) is None
        assert session.exec(select(IntroExclusion)).all() == []
        ids = {m.member_id for m in session.exec(select(IntroGroupMember)).all()}
        assert len(ids) == 2 and b in ids and a not in ids
        [view] = store.groups_of(session, b, limit=1)
        assert [m.name for m in view.others(b)] == ["a former member"]
        assert [m.topics for m in view.others(b)] == [()]
