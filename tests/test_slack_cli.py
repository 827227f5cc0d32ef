"""`larch-bot serve slack-http` and `larch-bot run` with Slack configured, as an operator
starts them: a real process, talking to the local mock Slack."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from bot.config import ConfigError, Settings
from bot.slack.app import check_settings
from bot.slack.runner import ANSWERING_NICENESS
from tests.conftest import bot_environment
from tests.slack_support import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    MockSlackApi,
    free_port,
    payload,
    signed,
)
from tests.test_console import larch_bot


@pytest.mark.parametrize(
    ("settings", "socket_mode", "named"),
    [
        ({"slack_bot_token": BOT_TOKEN}, False, "SLACK_SIGNING_SECRET"),
        ({"slack_signing_secret": SIGNING_SECRET}, False, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": BOT_TOKEN}, True, "SLACK_APP_TOKEN"),
        (
            {"slack_bot_token": BOT_TOKEN, "slack_app_token": "xoxb-wrong-kind"},
            True,
            "SLACK_APP_TOKEN",
        ),
        (
            {"slack_bot_token": "xapp-wrong-kind", "slack_signing_secret": SIGNING_SECRET},
            False,
            "SLACK_BOT_TOKEN",
        ),
    ],
)
def test_each_missing_or_malformed_slack_setting_is_named(
    settings: dict[str, str], socket_mode: bool, named: str
) -> None:
    with pytest.raises(ConfigError, match=named) as refused:
        check_settings(Settings(_env_file=None, **settings), socket_mode=socket_mode)  # type: ignore[call-arg]
    for secret in settings.values():
        assert secret not in str(refused.value)


@pytest.mark.parametrize(
    ("settings", "socket_mode"),
    [
        ({"slack_bot_token": BOT_TOKEN, "slack_signing_secret": SIGNING_SECRET}, False),
        ({"slack_bot_token": BOT_TOKEN, "slack_app_token": APP_TOKEN}, True),
    ],
)
def test_complete_slack_settings_pass(settings: dict[str, str], socket_mode: bool) -> None:
    check_settings(Settings(_env_file=None, **settings), socket_mode=socket_mode)  # type: ignore[call-arg]


def test_start_up_stops_with_the_message_and_no_trace(tmp_path: Path) -> None:
    result = larch_bot(tmp_path, "run", env={"SLACK_BOT_TOKEN": BOT_TOKEN})
    assert result.returncode == 2
    assert "Slack cannot start" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
    assert BOT_TOKEN not in result.stderr


@asynccontextmanager
async def bot_process(
    tmp_path: Path, mock: MockSlackApi, *args: str, **env: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    environment = bot_environment(
        tmp_path / "slack.db", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=mock.api_url, **env
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=environment,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        process.terminate()
        await process.wait()


async def wait_for_line(process: asyncio.subprocess.Process, text: str) -> None:
    assert process.stderr is not None
    seen = []
    while True:
        line = (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
        assert line, "the process ended early:\n" + "".join(seen)
        seen.append(line)
        if text in line:
            return


async def test_the_web_process_acknowledges_and_the_worker_process_answers(
    tmp_path: Path, mock: MockSlackApi
) -> None:
    port = free_port()
    # The Procfile's `web`: the pages, and Slack's events on the same port.
    web = ("serve", "web", "--host", "127.0.0.1", "--port", str(port))
    async with bot_process(tmp_path, mock, *web, SLACK_SIGNING_SECRET=SIGNING_SECRET) as process:
        await wait_for_line(process, "listening on")
        body, headers = signed(payload("slash_command", mock, text="define wres"))
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as health:
                assert (health.status, await health.json()) == (200, {"status": "ok"})
            async with http.get(f"{base}/about") as about:
                assert "<h1>About the Hub</h1>" in await about.text()
            async with http.post(f"{base}/slack/events", data=body, headers=headers) as acked:
                assert acked.status == 200
        assert mock.calls_to("response_url") == []

        # Started only after the ack: the request waited in the database for it.
        worker = ("serve", "slack-worker")
        async with bot_process(
            tmp_path, mock, *worker, SLACK_SIGNING_SECRET=SIGNING_SECRET
        ) as answering:
            [answer] = await mock.wait_for("response_url", timeout=30)
            # Beside a web process on one machine, the kernel favours the acks.
            niceness = os.getpriority(os.PRIO_PROCESS, answering.pid)
            assert niceness == os.getpriority(os.PRIO_PROCESS, 0) + ANSWERING_NICENESS
    assert "Workforce Race Equality Standard" in answer.body["text"]


async def test_run_with_an_app_token_connects_by_socket_mode(
    tmp_path: Path, mock: MockSlackApi
) -> None:
    async with bot_process(tmp_path, mock, "run", SLACK_APP_TOKEN=APP_TOKEN):
        await asyncio.wait_for(mock.socket.connected.wait(), 60)
        envelope = {
            "envelope_id": "run-1",
            "type": "events_api",
            "accepts_response_payload": False,
            "payload": payload("message_im", mock),
        }
        await mock.socket.send(envelope)
        ack = await asyncio.wait_for(mock.socket.received.get(), 30)
        assert ack == {"envelope_id": "run-1"}
        [posted] = await mock.wait_for("chat.postMessage", timeout=30)
        assert "6. Championing" in posted.body["text"]
        assert posted.body["channel"] == "D0NGOZI"
