"""Socket Mode, end to end: the bot dials a local websocket server that plays Slack,
receives envelopes, and sends the acknowledgement envelopes back."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select

from bot.app import App
from bot.slack import translate
from bot.slack.runner import run_socket_mode
from contract.vocabulary import Role
from handlers.clock import ManualClock
from handlers.events import create
from knowledge.search import SearchIndex
from storage.slack_events import SlackEvent
from tests.slack_support import (
    APP_TOKEN,
    ListenerTasks,
    MockSlackApi,
    grant,
    payload,
    slack_app,
    submit,
)


@pytest.fixture
async def connected(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> AsyncIterator[tuple[App, ListenerTasks]]:
    async with (
        slack_app(
            sqlite_url, mock, knowledge, clock, slack_app_token=APP_TOKEN, slack_signing_secret=None
        ) as app,
        ListenerTasks.watching() as listeners,
    ):
        running = asyncio.create_task(run_socket_mode(app))
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
