"""Socket Mode, end to end: the bot dials a local websocket server that plays Slack,
receives envelopes, and sends the acknowledgement envelopes back; when the server drops
the connection, the bot dials again and gets what was sent meanwhile."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select

from bot.app import App, configure_logging
from bot.slack import translate
from bot.slack.runner import run_socket_mode
from contract.vocabulary import Role
from handlers.clock import ManualClock
from handlers.events import create
from knowledge.search import SearchIndex
from storage.slack_events import SlackEvent
from tests.slack_support import (
    APP_TOKEN,
    Failure,
    ListenerTasks,
    MockSlackApi,
    grant,
    payload,
    slack_app,
    submit,
)


class Waits:
    """The bot's waits between reconnect attempts: noted, not slept. While `held`, the
    bot stays at its next wait, so a test can act during the gap."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.waiting = asyncio.Event()
        self._go_on = asyncio.Event()
        self._go_on.set()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.waiting.set()
        await self._go_on.wait()

    def hold(self) -> None:
        self._go_on.clear()

    def release(self) -> None:
        self._go_on.set()


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
async def connected(
    mock: MockSlackApi,
    sqlite_url: str,
    knowledge: SearchIndex,
    clock: ManualClock,
    waits: Waits,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[tuple[App, ListenerTasks]]:
    async with (
        slack_app(
            sqlite_url, mock, knowledge, clock, slack_app_token=APP_TOKEN, slack_signing_secret=None
        ) as app,
        ListenerTasks.watching() as listeners,
    ):
        # What an operator reads: the bot's own logging set-up, from INFO up.
        configure_logging(app.settings)
        caplog.set_level(logging.INFO)
        running = asyncio.create_task(run_socket_mode(app, sleep=waits))
        try:
            await asyncio.wait_for(mock.socket.connected.wait(), 10)
            yield app, listeners
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running


async def exchange(mock: MockSlackApi, envelope: dict[str, Any]) -> dict[str, Any]:
    await mock.socket.send(envelope)
    return await asyncio.wait_for(mock.socket.received.get(), 10)


async def test_socket_mode_connects_with_the_app_token(
    connected: tuple[App, ListenerTasks], mock: MockSlackApi
) -> None:
    [opened] = mock.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"


async def test_a_slash_command_envelope_is_acked_and_answered(
    connected: tuple[App, ListenerTasks], mock: MockSlackApi
) -> None:
    envelope = {
        "envelope_id": "a1b2c3d4-slash",
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": payload("slash_command", mock, text="define wres"),
    }
    assert await exchange(mock, envelope) == {"envelope_id": "a1b2c3d4-slash"}
    [answer] = await mock.wait_for("response_url")
    assert answer.body["response_type"] == "ephemeral"
    assert "Workforce Race Equality Standard" in answer.body["text"]


async def test_an_event_envelope_is_acked_answered_and_its_retry_dropped(
    connected: tuple[App, ListenerTasks], mock: MockSlackApi
) -> None:
    app, listeners = connected
    envelope = {
        "envelope_id": "e5f6-mention",
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": payload("app_mention", mock),
    }
    assert await exchange(mock, envelope) == {"envelope_id": "e5f6-mention"}
    [posted] = await mock.wait_for("chat.postMessage")
    assert "Co-production" in posted.body["text"]

    retry = envelope | {"envelope_id": "e5f6-retry", "retry_attempt": 1, "retry_reason": "timeout"}
    assert await exchange(mock, retry) == {"envelope_id": "e5f6-retry"}
    await listeners.finish()
    with app.services.db.session() as session:
        taken = session.exec(select(SlackEvent)).all()
    assert [event.event_id for event in taken] == ["Ev0MENTION0001"]
    assert len(mock.calls_to("chat.postMessage")) == 1


async def test_a_form_to_fix_comes_back_in_the_interactive_envelopes_ack(
    connected: tuple[App, ListenerTasks], mock: MockSlackApi
) -> None:
    app, _ = connected
    grant(app, "U0AMARA", Role.ORGANISER)
    form = create.event_form(create.CREATE_ACTION, "New event", None, app.services.timezone)
    submitted = submit(mock, translate.modal_view(form), {"title": "Data day", "start": "soon"})
    envelope = {
        "envelope_id": "c3d4-submit",
        "type": "interactive",
        "accepts_response_payload": True,
        "payload": submitted,
    }
    acked = await exchange(mock, envelope)
    assert acked["envelope_id"] == "c3d4-submit"
    assert acked["payload"]["response_action"] == "update"
    problems = acked["payload"]["view"]["blocks"][0]["text"]["text"]
    assert problems.startswith("Nothing was saved yet. Please fix:")
    assert "Where is it?" in problems


def mention(mock: MockSlackApi, envelope_id: str, event_id: str, text: str) -> dict[str, Any]:
    """An app_mention envelope, as Slack first sends it."""
    event = payload("app_mention", mock) | {"event_id": event_id}
    event["event"] = event["event"] | {"text": f"<@U0LARCHBOT> {text}"}
    return {
        "envelope_id": envelope_id,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": event,
    }


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the bot logged from INFO up (not the fake Slack's own access log)."""
    return [
        f"{record.levelname} {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.INFO and record.name != "aiohttp.access"
    ]


async def test_a_mention_sent_while_the_connection_is_down_is_answered_once_it_is_back(
    connected: tuple[App, ListenerTasks],
    mock: MockSlackApi,
    waits: Waits,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.clear()
    # Slack is not reachable at the first attempt; the bot waits before the next one.
    mock.fail_next("apps.connections.open", Failure(error="internal_error"))
    waits.hold()
    await mock.socket.close()
    await asyncio.wait_for(waits.waiting.wait(), 10)

    await mock.socket.send(mention(mock, "gap-1", "Ev0GAP0001", "what is co-production?"))
    waits.release()
    await mock.socket.wait_for_connections(2)

    ack = await asyncio.wait_for(mock.socket.received.get(), 10)
    assert ack == {"envelope_id": "gap-1"}
    [posted] = await mock.wait_for("chat.postMessage")
    assert "Co-production" in posted.body["text"]
    await connected[1].finish()
    assert len(mock.calls_to("chat.postMessage")) == 1
    # A fresh URL for each attempt: the first connection's, the failed one, the new one.
    assert len(mock.calls_to("apps.connections.open")) == 3
    [line] = logged(caplog)
    assert line.startswith("WARNING Slack Socket Mode connection dropped; reconnected after")
    assert line.endswith("(2 attempts)")


async def test_an_envelope_whose_ack_was_lost_is_answered_once_when_slack_sends_it_again(
    connected: tuple[App, ListenerTasks], mock: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    _, listeners = connected
    mock.socket.losing_acks = True
    envelope = mention(mock, "lost-ack-1", "Ev0LOSTACK01", "what is co-production?")
    assert await exchange(mock, envelope) == {"envelope_id": "lost-ack-1"}
    await mock.wait_for("chat.postMessage")
    mock.socket.losing_acks = False

    await mock.socket.close()
    await mock.socket.wait_for_connections(2)
    # Slack sends it again over the new connection, retry_attempt 1; the bot acks it
    # and takes it no further.
    assert await asyncio.wait_for(mock.socket.received.get(), 10) == {"envelope_id": "lost-ack-1"}
    await listeners.finish()
    assert len(mock.calls_to("chat.postMessage")) == 1
    assert "dropped a repeated Slack request (Ev0LOSTACK01)" in caplog.text


async def test_a_reconnect_storm_waits_longer_each_time_up_to_a_minute(
    connected: tuple[App, ListenerTasks],
    mock: MockSlackApi,
    waits: Waits,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.clear()
    failures = 9
    for _ in range(failures):
        mock.fail_next("apps.connections.open", Failure(error="internal_error"))
    await mock.socket.close()
    await mock.socket.wait_for_connections(2)
    envelope = mention(mock, "after-storm-1", "Ev0STORM0001", "what is co-production?")
    assert await exchange(mock, envelope) == {"envelope_id": "after-storm-1"}

    assert len(waits.delays) == failures
    ceilings = [min(60, 2**attempt) for attempt in range(failures)]
    assert ceilings == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    for delay, ceiling in zip(waits.delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
    # Quiet while the waits grow; once they are a minute long, a line a minute.
    *waiting, reconnected = logged(caplog)
    assert [line.split("(")[0] for line in waiting] == [
        f"WARNING Slack Socket Mode: still not connected after {attempt} attempts "
        for attempt in (7, 8, 9)
    ]
    assert "internal_error" in waiting[0]
    assert reconnected.endswith(f"({failures + 1} attempts)")
