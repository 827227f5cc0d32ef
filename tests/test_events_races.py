"""RSVPs raced by many members at once, each in its own thread and session, on SQLite and
PostgreSQL: the database decides, so nobody is overbooked, duplicated or lost."""

import threading
from collections.abc import Callable

from sqlmodel import select

from storage import events
from storage.db import Database
from storage.events import Answer, Rsvp, RsvpStatus
from tests.events_support import NOW, new_members, stored_event


def all_at_once(jobs: list[Callable[[], None]]) -> None:
    """Run every job in its own thread, released together."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def rsvp_rows(db: Database, event_id: int) -> list[Rsvp]:
    with db.session() as session:
        return list(session.exec(select(Rsvp).where(Rsvp.event_id == event_id)))


def waitlist_in_order(db: Database, event_id: int) -> list[int]:
    with db.session() as session:
        return events.members_with_status(session, event_id, [RsvpStatus.WAITLIST])


def test_200_members_race_for_50_seats(database: Database) -> None:
    event = stored_event(database, capacity=50)
    people = new_members(database, 200)
    committed: list[int] = []
    guard = threading.Lock()

    def click_going(member_id: int) -> Callable[[], None]:
        def click() -> None:
            with database.session() as session:
                events.rsvp(session, event.id, member_id, Answer.GOING, NOW)
                # Still inside the transaction, which holds the event's lock until it
                # commits: the order of these appends is the order of the commits.
                with guard:
                    committed.append(member_id)

        return click

    all_at_once([click_going(m) for m in people])

    rows = rsvp_rows(database, event.id)
    assert len(rows) == 200 and {r.member_id for r in rows} == set(people)
    going = {r.member_id for r in rows if r.status == RsvpStatus.GOING}
    assert going == set(committed[:50])
    assert waitlist_in_order(database, event.id) == committed[50:]


def test_promotions_racing_new_rsvps_neither_overbook_nor_lose_anyone(
    database: Database,
) -> None:
    event = stored_event(database, capacity=10)
    seated = new_members(database, 10, "seated")
    queued = new_members(database, 10, "queued")
    arriving = new_members(database, 5, "arriving")
    for member in seated + queued:
        with database.session() as session:
            events.rsvp(session, event.id, member, Answer.GOING, NOW)
    promoted: list[int] = []

    def answer(member_id: int, choice: Answer) -> Callable[[], None]:
        def click() -> None:
            with database.session() as session:
                outcome = events.rsvp(session, event.id, member_id, choice, NOW)
            promoted.extend(outcome.promoted)

        return click

    all_at_once(
        [answer(m, Answer.NOT_GOING) for m in seated[:5]]
        + [answer(m, Answer.GOING) for m in arriving]
    )

    rows = {r.member_id: r.status for r in rsvp_rows(database, event.id)}
    assert len(rows) == 25
    going = [m for m, status in rows.items() if status == RsvpStatus.GOING]
    assert sorted(going) == sorted(seated[5:] + queued[:5])
    assert sorted(promoted) == sorted(queued[:5])
    # The five still queued keep their places ahead of everyone who arrived later.
    assert waitlist_in_order(database, event.id)[:5] == queued[5:]
    assert sorted(waitlist_in_order(database, event.id)[5:]) == sorted(arriving)


def test_one_member_clicking_going_many_times_at_once_has_one_rsvp(database: Database) -> None:
    event = stored_event(database, capacity=3)
    [member] = new_members(database, 1)

    def click() -> None:
        with database.session() as session:
            events.rsvp(session, event.id, member, Answer.GOING, NOW)

    all_at_once([click] * 20)
    [row] = rsvp_rows(database, event.id)
    assert (row.member_id, row.status) == (member, RsvpStatus.GOING)
