"""The inbox between acknowledging Slack and answering: nothing acknowledged is lost, each
member's requests are answered once and in order, whichever processes do the answering."""

import asyncio
import threading
from collections import defaultdict
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.inbox import LEASE, MAX_ATTEMPTS, OVERDUE, Answerer, Delivery, Inbox
from contract.vocabulary import (
    Attachment,
    Button,
    ButtonStyle,
    Form,
    FormField,
    Moment,
    Option,
    Picker,
    Reply,
)
from handlers.clock import ManualClock
from storage import leases, slack_inbox, stored_replies
from storage.db import Database
from storage.slack_inbox import Waiting

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def asked(user_id: str, text: str) -> Waiting:
    return Waiting("slash_command", user_id, {"user_id": user_id, "text": text})


def put(database: Database, *requests: Waiting) -> None:
    with database.session() as session:
        slack_inbox.put(session, requests, T0)


def take(database: Database, now: datetime = T0, limit: int = 10) -> list[slack_inbox.Taken]:
    with database.session() as session:
        return slack_inbox.take(session, now, limit, LEASE, leases.new_holder())


def finish(database: Database, *taken: slack_inbox.Taken) -> None:
    with database.session() as session:
        slack_inbox.finish(session, [one.id for one in taken])


def texts(taken: list[slack_inbox.Taken]) -> list[str]:
    return [one.request.payload["text"] for one in taken]


def test_a_members_next_request_waits_until_the_one_before_is_answered(
    database: Database,
) -> None:
    put(database, asked("U0AMARA", "remi org add"), asked("U0KWAME", "define wres"))
    put(database, asked("U0AMARA", "remi lead add"))

    first = take(database)
    assert texts(first) == ["remi org add", "define wres"]
    assert take(database) == []

    finish(database, first[0])
    assert texts(take(database)) == ["remi lead add"]


def test_a_request_held_by_a_process_that_died_is_taken_again_after_the_lease(
    database: Database,
) -> None:
    put(database, asked("U0AMARA", "events"))
    [held] = take(database)
    assert take(database, T0 + LEASE - timedelta(seconds=1)) == []

    [again] = take(database, T0 + LEASE + timedelta(seconds=1))
    assert (again.id, again.attempts) == (held.id, 2)


def test_what_was_delivered_before_a_process_died_comes_back_with_the_request(
    database: Database,
) -> None:
    put(database, asked("U0AMARA", "events export 1"))
    answer = [
        Reply("Here is the list.", attachments=(Attachment("going.csv", b"a,b\n", "text/csv"),)),
        Reply(
            "Anything else?",
            title="Events",
            link=Button("Calendar", url="https://larch.example/calendar.ics"),
            buttons=(Button("Going", "event.rsvp", "1", style=ButtonStyle.PRIMARY),),
            private=True,
            form=Form(
                "Feedback", "event.feedback", (FormField("how", "How was it?", choices=("ok",)),)
            ),
        ),
    ]
    [held] = take(database)
    with database.session() as session:
        slack_inbox.delivered(session, held.id, answer, 1)
    # The process dies here; another takes the request once the lease has run out.
    [again] = take(database, T0 + LEASE + timedelta(seconds=1))
    assert (again.replies, again.delivered) == (answer, 1)


def test_concurrent_answering_processes_answer_each_request_once_and_in_order(
    database: Database,
) -> None:
    users = [f"U0USER{n}" for n in range(5)]
    for n in range(12):
        put(database, *(asked(user, str(n)) for user in users))
    answered: dict[str, list[int]] = defaultdict(list)
    lock = threading.Lock()

    def answer_until_empty() -> None:
        while True:
            taken = take(database, limit=3)
            if not taken:
                with database.session() as session:
                    if slack_inbox.count(session) == 0:
                        return
                continue
            with lock:
                for one in taken:
                    answered[one.request.user_id].append(int(one.request.payload["text"]))
            finish(database, *taken)

    workers = [threading.Thread(target=answer_until_empty) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert answered == {user: list(range(12)) for user in users}


async def test_what_the_web_side_writes_in_a_burst_is_all_answered_in_order(
    database: Database,
) -> None:
    clock = ManualClock(T0)
    inbox = Inbox(database, clock)
    answered: list[tuple[str, str]] = []

    async def answer(request: Waiting, _: Delivery) -> None:
        await asyncio.sleep(0)
        answered.append((request.user_id, request.payload["text"]))

    async with Answerer(database, clock, answer, inbox.arrived).running() as answerer:
        await asyncio.gather(*(inbox.put(asked(f"U0USER{n % 3}", str(n))) for n in range(90)))
        await answerer.drained()

    assert sorted(answered) == sorted((f"U0USER{n % 3}", str(n)) for n in range(90))
    for user in ("U0USER0", "U0USER1", "U0USER2"):
        mine = [int(text) for who, text in answered if who == user]
        assert mine == sorted(mine)
    with database.session() as session:
        assert slack_inbox.count(session) == 0


async def test_a_request_that_keeps_killing_its_process_is_dropped_not_answered(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    put(database, asked("U0AMARA", "poison"))
    now = T0
    for _ in range(MAX_ATTEMPTS):
        take(database, now)  # by a process that then died
        now += LEASE + timedelta(seconds=1)
    put(database, asked("U0KWAME", "define wres"))
    answered: list[str] = []

    async def answer(request: Waiting, _: Delivery) -> None:
        answered.append(request.payload["text"])

    async with Answerer(database, ManualClock(now), answer).running() as answerer:
        await answerer.drained()

    assert answered == ["define wres"]
    assert "dropped Slack request" in caplog.text


def test_the_web_process_warns_when_requests_wait_with_nobody_answering(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(T0)
    put(database, asked("U0AMARA", "define wres"))
    inbox = Inbox(database, clock)

    clock.advance(OVERDUE - timedelta(seconds=1))
    inbox.warn_if_overdue()
    assert "serve slack-worker" not in caplog.text

    clock.advance(timedelta(seconds=2))
    inbox.warn_if_overdue()
    assert "Slack requests have waited for an answer since 2026-11-23T09:00:00+00:00" in caplog.text
    assert "`larch-bot serve slack-worker` process running?" in caplog.text


def test_a_stored_answer_comes_back_whole_with_every_part_of_a_reply() -> None:
    """A worker that takes over posts the stored answer: every field of a reply must come
    back as it was, or the member gets an apology instead of the rest of their answer."""
    start = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
    reply = Reply(
        "Coming up: Tue 1 Dec 2026, 10:30–12:00",
        title="Events",
        link=Button("Read more", url="https://example.org"),
        buttons=(Button("Next 10", action_id="events.list", value="10"),),
        private=True,
        form=Form("New event", "events.create", (FormField("title", "Title", choices=("a",)),)),
        attachments=(Attachment("chart.png", b"\x89PNG\xff\x00", "image/png"),),
        picker=Picker("remi.pick", "Pick one", (Option("Camden", "1"),)),
        times=(Moment(start, "Tue 1 Dec 2026, 10:30", start + timedelta(hours=1), "11:30"),),
    )
    unset = [f.name for f in dataclass_fields(Reply) if getattr(reply, f.name) == f.default]
    assert unset == [], f"give the sample reply a {unset} so it is stored and read back too"
    assert stored_replies.from_json(stored_replies.to_json([reply])) == [reply]
