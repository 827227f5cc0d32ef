"""Input no member should send, and the bot still keeps its rules: a validly signed Slack
payload that is not what Slack sends gets a 400 and one log line and changes nothing; text
with lone surrogates (which JSON and terminals let through, and no UTF-8 database stores)
is stored and answered like any other, on the console, Slack and Discord."""

import logging
import random
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from bot.app import App
from handlers.clock import ManualClock
from knowledge.search import SearchIndex
from storage.kb import AnswerFeedback
from storage.slack_inbox import SlackRequest
from storage.steering import AgendaItem
from tests.conftest import Bot
from tests.discord_support import Running, ask
from tests.fake_discord import FakeDiscord, user
from tests.slack_support import MockSlackApi, SlackHarness, payload, serving, sign, slack_app
from tests.steering_support import CHAIR, confirmed_meeting, steering_group

APOLOGY = "something went wrong on my side"

Change = Callable[[dict[str, Any]], None]


def _parent(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path[:-1]:
        data = data[key]
    return data


def without(*path: str) -> Change:
    """The field at `path` left out."""

    def change(data: dict[str, Any]) -> None:
        del _parent(data, path)[path[-1]]

    return change


def setting(value: Any, *path: str) -> Change:
    """The field at `path` replaced by `value`."""

    def change(data: dict[str, Any]) -> None:
        _parent(data, path)[path[-1]] = value

    return change


MALFORMED: dict[str, tuple[str, Change]] = {
    "slash command without user_id": ("slash_command", without("user_id")),
    "slash command with an empty user_id": ("slash_command", setting("", "user_id")),
    "click with user.id an object": ("block_actions", setting({"id": "U0AMARA"}, "user", "id")),
    "click with user an integer": ("block_actions", setting(7, "user")),
    "click with no actions": ("block_actions", setting([], "actions")),
    "click with actions as text": ("block_actions", setting("lookup.show", "actions")),
    "click with a numeric value": ("block_actions", lambda d: d["actions"][0].update(value=5)),
    "form with view as text": ("view_submission", setting("survey", "view")),
    "form with user.id a list": ("view_submission", setting(["U0AMARA"], "user", "id")),
    "form with a field value that is a number": (
        "view_submission",
        setting(
            {"topic": {"topic": {"type": "plain_text_input", "value": 4}}},
            "view",
            "state",
            "values",
        ),
    ),
    "event that is a list": ("message_im", setting([1, 2], "event")),
    "message from a user that is an object": (
        "message_im",
        setting({"id": "U0AMARA"}, "event", "user"),
    ),
    "message whose text is a number": ("message_im", setting(42, "event", "text")),
    "mention without a channel": ("app_mention", without("event", "channel")),
}


def inbox_rows(app: App) -> list[SlackRequest]:
    with app.services.db.session() as session:
        return list(session.exec(select(SlackRequest)))


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_a_signed_malformed_slack_payload_gets_400_a_log_line_and_changes_nothing(
    case: str, slack: SlackHarness, mock: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    fixture, change = MALFORMED[case]
    data = payload(fixture, mock)
    change(data)
    with caplog.at_level(logging.INFO):
        status, _ = await slack.post(data)
        await slack.finish()
    assert status == 400
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(":")[0] for r in logged] == ["refused a malformed Slack request"]
    assert all(r.exc_info is None for r in caplog.records)
    assert inbox_rows(slack.app) == []
    assert mock.said() == []


async def test_a_body_that_does_not_parse_gets_400_when_signed_and_401_when_not(
    slack: SlackHarness,
) -> None:
    body = "payload=%7Bnot+json"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    async with slack.http.post(slack.url, data=body, headers=headers) as unsigned:
        assert unsigned.status == 401
    now = int(time.time())
    signed_headers = headers | {
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": sign(body, now),
    }
    async with slack.http.post(slack.url, data=body, headers=signed_headers) as signed:
        assert signed.status == 400


async def test_an_unsigned_malformed_payload_still_gets_401(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    data = payload("block_actions", mock)
    data["user"] = {"id": {"nested": True}}
    status, _ = await slack.post(data, signature="v0=forged")
    assert status == 401


# --- lone surrogates ----------------------------------------------------------------------

# Letters from many scripts, emoji, controls, combining marks, and surrogates alone or in
# broken pairs.
ALPHABETS = [
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x300, 0x36F),
    (0x590, 0x6FF),
    (0x900, 0x97F),
    (0x4E00, 0x4FFF),
    (0x1F300, 0x1F64F),
    (0xD800, 0xDFFF),
    (0x0, 0x1F),
    (0xFFF0, 0xFFFF),
]


def fuzzed(rng: random.Random) -> str:
    """A message of 1 to 40 characters, at least one of them a lone surrogate."""
    chars = [chr(rng.randint(*rng.choice(ALPHABETS))) for _ in range(rng.randint(0, 39))]
    chars.insert(rng.randint(0, len(chars)), chr(rng.randint(0xD800, 0xDFFF)))
    return "".join(chars)


def has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


async def test_two_thousand_fuzzed_messages_are_answered_and_stored(any_bot: Bot) -> None:
    """Half are questions, half agenda items; every one gets a reply that is no apology,
    and every agenda item is kept, each lone surrogate as U+FFFD."""
    await steering_group(any_bot)
    await confirmed_meeting(any_bot)
    rng = random.Random(15)
    added = 0
    for _ in range(1000):
        text = fuzzed(rng)
        for said in (text, f"agenda add {text}"):
            replies = await any_bot.say(said, as_=CHAIR)
            assert replies, said
            assert not [r for r in replies if APOLOGY in r.text or has_surrogate(r.text)], said
            added += replies[0].text.startswith("Added as item")
    with any_bot.app.services.db.session() as session:
        items = [item.text for item in session.exec(select(AgendaItem))]
    assert added > 900 and len(items) == added
    assert not [item for item in items if has_surrogate(item) or "\ufffd" not in item]


async def test_fuzzed_slack_messages_are_answered_not_apologised_for(
    database_url: str, mock: MockSlackApi, knowledge: SearchIndex, clock: ManualClock
) -> None:
    """Fifty direct messages, through the inbox (a JSON column) and the router."""
    rng = random.Random(14)
    sample = [fuzzed(rng) for _ in range(50)]
    async with slack_app(database_url, mock, knowledge, clock) as app, serving(app, mock) as slack:
        for n, text in enumerate(sample):
            data = payload("message_im", mock, text=text, ts=f"1764000400.{n:06d}")
            data["event_id"] = f"Ev0FUZZ{n:04d}"
            status, _ = await slack.post(data)
            assert status == 200
        await slack.finish()
        with app.services.db.session() as session:
            asked = session.exec(select(AnswerFeedback.query)).all()
    answers = mock.calls_to("chat.postMessage")
    assert len(answers) == len(sample)
    assert not [a.body["text"] for a in answers if APOLOGY in a.body["text"]]
    assert asked and not [query for query in asked if has_surrogate(query)]


async def test_a_discord_question_with_a_lone_surrogate_is_answered_and_kept(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    await running.start()
    answer = await ask(fake, fake.slash("define", user(101, "Amara"), term="zqxjv \ud800"))
    assert "I don't have that yet" in str(answer["data"])
    with app.services.db.session() as session:
        assert session.exec(select(AnswerFeedback.query)).all() == ["zqxjv \ufffd"]
