"""RSVP storage on SQLite and PostgreSQL: seats, the waitlist in order, promotions, one RSVP
per member, and the answers that are refused."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage import events, forgetting
from storage.db import Database
from storage.events import Answer, Refusal, Rsvp, RsvpOutcome, RsvpStatus
from tests.events_support import NOW, new_members, stored_event


def answer(db: Database, event_id: int, member_id: int, choice: Answer, at=NOW) -> RsvpOutcome:
    with db.session() as session:
        return events.rsvp(session, event_id, member_id, choice, at)


def statuses(db: Database, event_id: int) -> dict[int, str]:
    with db.session() as session:
        return {
            r.member_id: r.status
            for r in session.exec(select(Rsvp).where(Rsvp.event_id == event_id))
        }


def test_going_takes_a_seat_until_full_then_queues_in_order(database: Database) -> None:
    event = stored_event(database, capacity=2)
    a, b, c, d = new_members(database, 4)
    assert answer(database, event.id, a, Answer.GOING).status == RsvpStatus.GOING
    assert answer(database, event.id, b, Answer.GOING).status == RsvpStatus.GOING
    third = answer(database, event.id, c, Answer.GOING)
    fourth = answer(database, event.id, d, Answer.GOING)
    assert (third.status, third.position) == (RsvpStatus.WAITLIST, 1)
    assert (fourth.status, fourth.position) == (RsvpStatus.WAITLIST, 2)
    with database.session() as session:
        assert events.counts(session, event.id) == events.Counts(going=2, waitlist=2)


def test_a_seat_given_back_goes_to_the_head_of_the_waitlist(database: Database) -> None:
    event = stored_event(database, capacity=1)
    a, b, c = new_members(database, 3)
    for member in (a, b, c):
        answer(database, event.id, member, Answer.GOING)
    left = answer(database, event.id, a, Answer.NOT_GOING)
    assert left.status == RsvpStatus.NOT_GOING and left.promoted == (b,)
    assert statuses(database, event.id) == {a: "not_going", b: "going", c: "waitlist"}
    with database.session() as session:
        assert events.rsvp_of(session, event.id, c).position == 1  # type: ignore[union-attr]
    # Maybe gives a seat back too.
    assert answer(database, event.id, b, Answer.MAYBE).promoted == (c,)


def test_clicking_the_same_answer_twice_changes_nothing(database: Database) -> None:
    event = stored_event(database, capacity=1)
    a, b = new_members(database, 2)
    assert answer(database, event.id, a, Answer.GOING).changed
    again = answer(database, event.id, a, Answer.GOING)
    assert again.status == RsvpStatus.GOING and not again.changed
    answer(database, event.id, b, Answer.GOING)
    waiting_again = answer(database, event.id, b, Answer.GOING)
    assert (waiting_again.status, waiting_again.position, waiting_again.changed) == (
        RsvpStatus.WAITLIST,
        1,
        False,
    )
    assert statuses(database, event.id) == {a: "going", b: "waitlist"}


def test_leaving_the_waitlist_and_coming_back_goes_to_the_back(database: Database) -> None:
    event = stored_event(database, capacity=1)
    a, b, c = new_members(database, 3)
    for member in (a, b, c):
        answer(database, event.id, member, Answer.GOING)
    answer(database, event.id, b, Answer.MAYBE)
    back = answer(database, event.id, b, Answer.GOING)
    assert (back.status, back.position) == (RsvpStatus.WAITLIST, 2)
    assert answer(database, event.id, a, Answer.NOT_GOING).promoted == (c,)


def test_maybe_and_cant_go_hold_no_seat(database: Database) -> None:
    event = stored_event(database, capacity=1)
    a, b, c = new_members(database, 3)
    answer(database, event.id, a, Answer.MAYBE)
    answer(database, event.id, b, Answer.NOT_GOING)
    assert answer(database, event.id, c, Answer.GOING).status == RsvpStatus.GOING
    with database.session() as session:
        assert events.counts(session, event.id) == events.Counts(going=1, maybe=1, not_going=1)


def test_no_capacity_means_everyone_who_is_going_has_a_seat(database: Database) -> None:
    event = stored_event(database, capacity=None)
    for member in new_members(database, 5):
        assert answer(database, event.id, member, Answer.GOING).status == RsvpStatus.GOING


def test_refusals_store_nothing(database: Database) -> None:
    event = stored_event(database, rsvp_deadline=NOW + timedelta(days=2))
    [member] = new_members(database, 1)
    assert answer(database, 424242, member, Answer.GOING).refusal == Refusal.UNKNOWN
    after_deadline = NOW + timedelta(days=3)
    refused = answer(database, event.id, member, Answer.GOING, at=after_deadline)
    assert refused.refusal == Refusal.DEADLINE_PASSED and not refused.changed
    assert answer(database, event.id, member, Answer.MAYBE, at=after_deadline).refusal
    assert statuses(database, event.id) == {}
    # Saying you can't come is still taken after the deadline: the seat can go to someone.
    late = answer(database, event.id, member, Answer.NOT_GOING, at=after_deadline)
    assert late.refusal is None and late.status == RsvpStatus.NOT_GOING
    assert answer(database, event.id, member, Answer.GOING, at=event.starts_at).refusal == (
        Refusal.STARTED
    )
    with database.session() as session:
        events.cancel_event(session, event.id, NOW)
    assert answer(database, event.id, member, Answer.GOING).refusal == Refusal.CANCELLED
    assert statuses(database, event.id) == {member: "not_going"}


def test_more_seats_promote_in_order_and_fewer_move_nobody(database: Database) -> None:
    event = stored_event(database, capacity=1)
    a, b, c, d = new_members(database, 4)
    for member in (a, b, c, d):
        answer(database, event.id, member, Answer.GOING)
    details = {name: getattr(event, name) for name in events.EVENT_FIELDS}
    with database.session() as session:
        _, promoted = events.update_event(session, event.id, {**details, "capacity": 3}, NOW)  # type: ignore[misc]
    assert promoted == [b, c]
    with database.session() as session:
        updated, promoted = events.update_event(session, event.id, {**details, "capacity": 1}, NOW)  # type: ignore[misc]
        assert promoted == [] and updated.sequence == 2
    assert statuses(database, event.id) == {a: "going", b: "going", c: "going", d: "waitlist"}


def test_one_rsvp_per_member_is_a_database_constraint(database: Database) -> None:
    event = stored_event(database)
    [member] = new_members(database, 1)
    answer(database, event.id, member, Answer.GOING)
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(
            Rsvp(event_id=event.id, member_id=member, status="going", turn=99, responded_at=NOW)
        )
        session.flush()


def test_a_seat_freed_by_a_deleted_member_is_filled_on_the_next_change(
    database: Database,
) -> None:
    event = stored_event(database, capacity=1)
    a, b, c = new_members(database, 3)
    for member in (a, b):
        answer(database, event.id, member, Answer.GOING)
    with database.session() as session:
        forgetting.forget_member(session, a, NOW)
    arrival = answer(database, event.id, c, Answer.GOING)
    assert arrival.promoted == (b,) and arrival.status == RsvpStatus.WAITLIST
    assert statuses(database, event.id) == {b: "going", c: "waitlist"}


def test_an_edit_that_arrives_after_a_cancellation_changes_nothing(database: Database) -> None:
    event = stored_event(database)
    details = {name: getattr(event, name) for name in events.EVENT_FIELDS}
    with database.session() as session:
        events.cancel_event(session, event.id, NOW)
    with database.session() as session:
        assert events.update_event(session, event.id, {**details, "title": "Back on"}, NOW) is None
        assert events.get_event(session, event.id).title == "Learning event"  # type: ignore[union-attr]
