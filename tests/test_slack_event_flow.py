"""Events through Slack, end to end: the organiser's modal, the announcement in the events
channel, RSVP clicks and the live count kept up to date with chat.update. Handlers run on
a worker thread (bot/offloop.py), so every update seen here made the hop back to the
loop that owns the Slack client."""

import json
import time
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from contract.vocabulary import Role
from handlers.clock import ManualClock
from handlers.events import create
from knowledge.search import SearchIndex
from storage import events
from tests.events_support import WORKSHOP, WORKSHOP_START
from tests.slack_support import (
    Call,
    Failure,
    MockSlackApi,
    SlackHarness,
    buttons,
    click,
    grant,
    serving,
    slack_app,
    slash,
    submit,
)

EVENTS_CHANNEL = "C0EVENTS"
FORM_FIELDS = [
    field.name
    for field in create.event_form(create.CREATE_ACTION, "", None, ZoneInfo("Europe/London")).fields
]


@pytest.fixture
async def slack(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> AsyncIterator[SlackHarness]:
    async with (
        slack_app(
            sqlite_url, mock, knowledge, clock, slack_channels=f"events:{EVENTS_CHANNEL}"
        ) as app,
        serving(app, mock) as harness,
    ):
        grant(app, "U0AMARA", Role.ORGANISER)
        yield harness


async def open_event_form(slack: SlackHarness, mock: MockSlackApi) -> dict[str, Any]:
    await slack.post(slash(mock, "event new"))
    [opened] = await mock.wait_for("views.open")
    return opened.body["view"]


async def announce(slack: SlackHarness, mock: MockSlackApi, **answers: str) -> Call:
    """The organiser fills in the workshop (with `answers` changed); the channel post."""
    view = await open_event_form(slack, mock)
    status, body = await slack.post(submit(mock, view, {**WORKSHOP, **answers}))
    assert (status, body) == (200, "")
    await slack.finish()
    [announced] = [c for c in mock.calls_to("chat.postMessage") if c.body["channel"] == "C0EVENTS"]
    return announced


def count_line(call: Call) -> str:
    sections = [b["text"]["text"] for b in call.body["blocks"] if b["type"] == "section"]
    return sections[-1].splitlines()[-1]


async def test_event_new_opens_a_modal_with_every_field(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    command = slash(mock, "event new")
    await slack.post(command)
    [opened] = await mock.wait_for("views.open")
    assert opened.body["trigger_id"] == command["trigger_id"]
    view = opened.body["view"]
    assert view["title"]["text"] == "New event"
    assert view["submit"]["text"] == "Create and announce"
    intro, *inputs = view["blocks"]
    assert intro["text"]["text"] == "Tell me about the event. Times are read in London time."
    assert len(FORM_FIELDS) == 10
    assert [block["block_id"] for block in inputs] == FORM_FIELDS
    labels = {block["block_id"]: block["label"]["text"] for block in inputs}
    # A modal cannot show a time in the reader's zone, so it says whose time it reads.
    assert labels["start"] == "Starts (London time)"
    elements = {block["block_id"]: block["element"] for block in inputs}
    assert all(element["type"] == "plain_text_input" for element in elements.values())
    assert elements["description"]["multiline"] is True
    assert elements["reminders"]["initial_value"] == "24h, 1h"
    required = [block["block_id"] for block in inputs if not block["optional"]]
    assert required == ["title", "start", "end"]
    assert mock.said() == []


async def test_the_submitted_form_stores_and_announces_the_event(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    announced = await announce(slack, mock, capacity="30")
    header, *_ = announced.body["blocks"]
    assert header["text"]["text"] == "REMI drop-in workshop"
    # The message shows each reader the time in their own zone; where Slack cannot (an old
    # client, the notification's text) it reads in London time and says so.
    body = "\n".join(b["text"]["text"] for b in announced.body["blocks"] if b["type"] == "section")
    assert (
        "When: <!date^1796121000^{date_short_pretty} at {time}|Tue 1 Dec 2026, 10:30>"
        "–<!date^1796126400^{time}|12:00 (London time)>\n"
    ) in body
    text = announced.body["text"]
    assert "When: Tue 1 Dec 2026, 10:30–12:00 (London time)" in text
    assert "Where: City Hall, Room 4 and online" in text
    assert count_line(announced) == "0 going · 0 on the waitlist · 30 seats left"
    assert [(b["text"]["text"], b["value"]) for b in buttons(announced.body["blocks"])] == [
        ("Going", "1"),
        ("Maybe", "1"),
        ("Can't go", "1"),
    ]
    [confirmation] = [c for c in mock.calls_to("chat.postMessage") if c is not announced]
    assert confirmation.body["channel"] == "D0U0AMARA"
    assert confirmation.body["text"].startswith(
        "Event 1, REMI drop-in workshop, is announced in the events channel (1 platform)."
    )
    with slack.app.services.db.session() as session:
        stored = events.get_event(session, 1)
        assert stored is not None and stored.capacity == 30
        assert stored.starts_at == WORKSHOP_START
        [ref] = events.announcements(session, 1)
        assert ref.channel_id == EVENTS_CHANNEL


async def test_an_announcement_slack_refuses_is_explained_to_the_organiser(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    # A private events channel the bot was never invited to: chat:write.public does not
    # reach it, and Slack answers not_in_channel.
    mock.fail_next("chat.postMessage", Failure(error="not_in_channel"))
    view = await open_event_form(slack, mock)
    status, _ = await slack.post(submit(mock, view, WORKSHOP))
    assert status == 200
    await slack.finish()

    refused, told = mock.calls_to("chat.postMessage")
    assert refused.body["channel"] == EVENTS_CHANNEL
    assert told.body["channel"] == "D0U0AMARA"
    assert told.body["text"].splitlines()[:2] == [
        "Event 1, REMI drop-in workshop, is saved, but not announced. Members can open it "
        "with `event 1`; `event attendees 1` shows who is coming.",
        "I couldn't post it in the events channel on Slack (C0EVENTS): Slack says I'm not a "
        "member of it. Invite me there (type `/invite @LARCH` in that channel). Until then, "
        "share `event 1` with members yourself.",
    ]
    with slack.app.services.db.session() as session:
        assert events.get_event(session, 1) is not None
        assert events.announcements(session, 1) == []


async def test_going_updates_the_count_and_a_full_event_gives_a_waitlist_place(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    announced = await announce(slack, mock, capacity="1")
    going = buttons(announced.body["blocks"])[0]
    with slack.app.services.db.session() as session:
        [ref] = events.announcements(session, 1)

    await slack.post(click(mock, going, user="U0KWAME"))
    [seated] = await mock.wait_for("response_url")
    [update] = await mock.wait_for("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (EVENTS_CHANNEL, ref.message_id)
    assert count_line(update) == "1 going · 0 on the waitlist · 0 seats left"
    assert [b["text"]["text"] for b in buttons(update.body["blocks"])] == [
        "Going",
        "Maybe",
        "Can't go",
    ]
    assert seated.body["text"].startswith("You're going to REMI drop-in workshop. See you there!")

    await slack.post(click(mock, going, user="U0NGOZI"))
    _, waiting = await mock.wait_for("response_url", count=2)
    _, second_update = await mock.wait_for("chat.update", count=2)
    assert waiting.body["response_type"] == "ephemeral"
    assert waiting.body["text"].startswith(
        "REMI drop-in workshop is full, so you're number 1 on the waitlist."
    )
    assert count_line(second_update) == "1 going · 1 on the waitlist · 0 seats left"
    with slack.app.services.db.session() as session:
        assert events.counts(session, 1) == events.Counts(going=1, waitlist=1)


async def test_a_form_with_mistakes_comes_back_in_the_ack_with_what_to_fix(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    view = await open_event_form(slack, mock)
    status, body = await slack.post(
        submit(mock, view, {**WORKSHOP, "start": "someday soon", "capacity": "lots"})
    )
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "update"
    again = answer["view"]
    assert again["title"]["text"] == "New event"
    problems, *inputs = again["blocks"]
    assert problems["text"]["text"].startswith("Nothing was saved yet. Please fix:")
    assert "Seats should be a whole number" in problems["text"]["text"]
    assert [block["block_id"] for block in inputs] == FORM_FIELDS
    typed = {block["block_id"]: block["element"].get("initial_value") for block in inputs}
    assert typed["title"] == "REMI drop-in workshop" and typed["start"] == "someday soon"
    await slack.finish()
    # The modal was updated in place: no second one opened, nothing said elsewhere.
    assert len(mock.calls_to("views.open")) == 1
    assert mock.said() == []
    with slack.app.services.db.session() as session:
        assert events.get_event(session, 1) is None


async def test_the_same_signed_submission_sent_twice_creates_one_event(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    view = await open_event_form(slack, mock)
    submission = submit(mock, view, WORKSHOP)
    timestamp = int(time.time())
    first = await slack.post(submission, timestamp=timestamp)
    # Replayed within Slack's five minutes: the signature still holds.
    again = await slack.post(submission, timestamp=timestamp)
    await slack.finish()
    assert first == again == (200, "")
    with slack.app.services.db.session() as session:
        assert events.get_event(session, 1) is not None
        assert events.get_event(session, 2) is None
    channel = [c for c in mock.calls_to("chat.postMessage") if c.body["channel"] == EVENTS_CHANNEL]
    assert len(channel) == 1
