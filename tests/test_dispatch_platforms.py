"""`larch-bot dispatch` (and the clock process) send through the configured platforms'
sending sides: a reminder due for a Discord member goes to Discord, one for a Slack
member to Slack, with no gateway connection or socket needed."""

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_app
from bot.config import Settings
from contract.vocabulary import Action, Actor, Platform, Role
from handlers.clock import ManualClock
from storage import members
from tests.conftest import bot_environment
from tests.events_support import NOW, WORKSHOP
from tests.fake_discord import TOKEN, FakeDiscord
from tests.slack_support import MockSlackApi, running_mock

DAY_BEFORE = "2026-11-30T10:30:00+00:00"


@pytest.fixture
async def slack_api() -> AsyncIterator[MockSlackApi]:
    async with running_mock() as mock:
        yield mock


async def going_to_the_workshop(database_url: str, *attendees: Actor) -> None:
    """An organiser creates the workshop; each attendee answers Going."""
    app = build_app(Settings(database_url=database_url, _env_file=None), clock=ManualClock(NOW))  # type: ignore[call-arg]
    organiser = Actor(Platform.CONSOLE, "olu", "Olu")
    with app.services.db.session() as session:
        olu = members.identify(session, organiser.platform, organiser.user_id, "Olu", NOW)
        members.grant_role(session, olu.id, Role.ORGANISER, NOW)
    await app.router.handle_action(Action(organiser, "events.create", "", dict(WORKSHOP)))
    for attendee in attendees:
        await app.router.handle_action(Action(attendee, "events.going", "1"))
    app.services.db.dispose()


async def dispatch(tmp_path: Path, at: str, **environment: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "dispatch",
        "--now",
        at,
        cwd=tmp_path,
        env=bot_environment(tmp_path / "larch.db", **environment),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_reminder_reaches_a_discord_member_through_discords_rest_api(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    await going_to_the_workshop(
        f"sqlite:///{tmp_path / 'larch.db'}", Actor(Platform.DISCORD, "101", "Amara")
    )
    printed = await dispatch(
        tmp_path, DAY_BEFORE, DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=fake.api_base
    )
    assert "1 sent, 0 failed" in printed
    opened = await fake.wait_for_call("POST", "/users/@me/channels")
    assert opened.body == {"recipient_id": 101}
    [reminder] = fake.calls_to("POST", "/channels/900101/messages")
    assert "REMI drop-in workshop" in str(reminder.body)
    assert fake.calls_to("GET", "/gateway/bot") == []


async def test_a_reminder_reaches_a_slack_member_through_the_web_api(
    slack_api: MockSlackApi, tmp_path: Path
) -> None:
    await going_to_the_workshop(
        f"sqlite:///{tmp_path / 'larch.db'}", Actor(Platform.SLACK, "U0AMARA", "Amara")
    )
    printed = await dispatch(
        tmp_path, DAY_BEFORE, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack_api.api_url
    )
    assert "1 sent, 0 failed" in printed
    said = [call for call in slack_api.said() if "REMI drop-in workshop" in str(call.body)]
    assert said, slack_api.calls


async def test_without_platforms_dispatch_prints_what_it_would_send(tmp_path: Path) -> None:
    await going_to_the_workshop(
        f"sqlite:///{tmp_path / 'larch.db'}", Actor(Platform.SLACK, "U0AMARA", "Amara")
    )
    printed = await dispatch(tmp_path, DAY_BEFORE)
    assert "--- direct message to U0AMARA ---" in printed
    assert "1 sent, 0 failed" in printed
