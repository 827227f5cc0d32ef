"""The steering group's storage on SQLite and PostgreSQL: the constraints that settle races,
answers that change until the close, agenda numbering, and forgetting a member."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from contract.vocabulary import Platform
from storage import forgetting, members, steering
from storage.db import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STARTS = [NOW + timedelta(days=15), NOW + timedelta(days=16)]


def member(database: Database, name: str) -> int:
    with database.session() as session:
        return members.identify(session, Platform.CONSOLE, name, name, NOW).id


def new_poll(database: Database, opener: int) -> tuple[int, list[int]]:
    with database.session() as session:
        poll = steering.open_poll(
            session, opened_by=opener, now=NOW, closes_at=NOW + timedelta(days=7), starts=STARTS
        )
        assert poll is not None and poll.id is not None
        return poll.id, [slot.id for slot in steering.poll_slots(session, poll.id)]  # type: ignore[misc]


def test_one_answer_per_member_and_slot_and_the_last_one_wins(database: Database) -> None:
    bob = member(database, "bob")
    poll_id, [first, second] = new_poll(database, bob)
    for answer in ("yes", "maybe", "no"):
        with database.session() as session:
            assert steering.record_answer(session, first, bob, answer, NOW)
    with database.session() as session:
        assert steering.member_answers(session, poll_id, bob) == {first: "no"}
        [tally, _] = steering.tallies(session, poll_id, [bob])
        assert (tally.available, tally.if_need_be, tally.not_available) == (0, 0, 1)
        assert steering.members_missing_answers(session, poll_id, [bob]) == {bob: 1}
        with pytest.raises(ValueError):
            steering.record_answer(session, second, bob, "perhaps", NOW)


def test_simultaneous_answers_leave_one_row(database: Database) -> None:
    bob = member(database, "bob")
    poll_id, [first, _] = new_poll(database, bob)

    def answer(choice: str) -> bool:
        with database.session() as session:
            return steering.record_answer(session, first, bob, choice, NOW)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(answer, ["yes", "no", "maybe", "yes"] * 3))
    with database.session() as session:
        assert len(steering.member_answers(session, poll_id, bob)) == 1


def test_answers_stop_at_the_close_and_a_poll_closes_once(database: Database) -> None:
    bob = member(database, "bob")
    poll_id, [first, _] = new_poll(database, bob)
    with database.session() as session:
        assert steering.close_poll(session, poll_id, NOW)
    with database.session() as session:
        assert not steering.close_poll(session, poll_id, NOW)
        assert not steering.record_answer(session, first, bob, "yes", NOW)
        assert steering.member_answers(session, poll_id, bob) == {}
        assert steering.current_poll(session) is None


def test_only_one_poll_is_open_at_a_time(database: Database) -> None:
    bob = member(database, "bob")
    new_poll(database, bob)
    with database.session() as session:
        assert (
            steering.open_poll(
                session, opened_by=bob, now=NOW, closes_at=NOW + timedelta(days=1), starts=STARTS
            )
            is None
        )


def test_two_confirmations_of_one_poll_make_one_meeting(database: Database) -> None:
    chair = member(database, "chair")
    poll_id, _ = new_poll(database, chair)

    def confirm(start: datetime) -> bool:
        with database.session() as session:
            made = steering.create_meeting(
                session,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                link="",
                created_by=chair,
                now=NOW,
                poll_id=poll_id,
            )
            return made is not None

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sorted(pool.map(confirm, STARTS)) == [False, True]
    with database.session() as session:
        assert len(steering.upcoming_meetings(session, NOW)) == 1


def test_agenda_numbers_stay_one_to_n(database: Database) -> None:
    chair = member(database, "chair")
    with database.session() as session:
        meeting = steering.create_meeting(
            session, starts_at=STARTS[0], ends_at=STARTS[1], link="", created_by=chair, now=NOW
        )
        assert meeting is not None and meeting.id is not None
        for text in ("a", "b", "c", "d"):
            steering.add_agenda_item(session, meeting.id, text, chair, NOW)
    with database.session() as session:
        assert steering.move_agenda_item(session, meeting.id, 4, 2) is not None
        assert steering.drop_agenda_item(session, meeting.id, 1) is not None
        assert steering.move_agenda_item(session, meeting.id, 0, 1) is None
        assert steering.drop_agenda_item(session, meeting.id, 4) is None
    with database.session() as session:
        items = steering.agenda(session, meeting.id)
        assert [(i.position, i.text) for i in items] == [(1, "d"), (2, "b"), (3, "c")]


def test_forgetting_a_member_keeps_the_group_record(database: Database) -> None:
    bob, chair = member(database, "bob"), member(database, "chair")
    poll_id, [first, _] = new_poll(database, chair)
    with database.session() as session:
        steering.set_chair(session, bob)
        steering.record_answer(session, first, bob, "yes", NOW)
        meeting = steering.create_meeting(
            session, starts_at=STARTS[0], ends_at=STARTS[1], link="", created_by=bob, now=NOW
        )
        assert meeting is not None and meeting.id is not None
        steering.add_agenda_item(session, meeting.id, "Budget", bob, NOW)
        steering.record_attendance(session, meeting.id, bob, True, NOW)
        action = steering.add_action(
            session, text="Draft", owner_id=bob, due_on=STARTS[0].date(), created_by=bob, now=NOW
        )
    with database.session() as session:
        forgetting.forget_member(session, bob, NOW)
    with database.session() as session:
        assert steering.group_settings(session).chair_id is None
        assert steering.member_answers(session, poll_id, bob) == {}
        assert steering.attendance(session, meeting.id) == {}
        [item] = steering.agenda(session, meeting.id)
        assert (item.text, item.added_by) == ("Budget", None)
        kept = steering.get_action(session, action.id)  # type: ignore[arg-type]
        assert kept is not None and kept.owner_id is None
