"""Shared by the Discord tests (a pytest plugin, see conftest.py): the local fake Discord, the
bot's app set up to reach it, and the real discord.py client started and stopped as a
process would."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import discord
import pytest

from bot.app import App, build_app
from bot.config import Settings
from bot.discord.client import LarchClient
from bot.discord.runner import connect
from contract.vocabulary import Platform, Role
from handlers.clock import ManualClock
from knowledge.search import SearchIndex
from storage import members
from tests.fake_discord import (
    EVENTS_CHANNEL_ID,
    GROUPS_CHANNEL_ID,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
)

READY_SECONDS = 5.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    rest_base = discord.http.Route.BASE
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()
    discord.http.Route.BASE = rest_base


@pytest.fixture
def app(
    sqlite_url: str, clock: ManualClock, knowledge: SearchIndex, fake: FakeDiscord
) -> Iterator[App]:
    settings = Settings(
        database_url=sqlite_url,
        discord_token=TOKEN,
        discord_guild_id=GUILD_ID,
        discord_api_base=fake.api_base,
        discord_channels={"groups": str(GROUPS_CHANNEL_ID), "events": str(EVENTS_CHANNEL_ID)},
        _env_file=None,  # type: ignore[call-arg]
    )
    app = build_app(settings, clock=clock, knowledge=knowledge)
    yield app
    app.services.db.dispose()


class Running:
    """Starts and stops the bot's Discord client, as a process would."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.clients: list[tuple[LarchClient, asyncio.Task[None]]] = []

    async def start(self, defer_after: float = 1.5) -> LarchClient:
        client = connect(self.app, defer_after=defer_after, guild_ready_timeout=0.01)
        task = asyncio.create_task(client.start(TOKEN))
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=READY_SECONDS, return_when="FIRST_COMPLETED"
        )
        assert ready in done, f"the client did not get ready: {task}"
        self.clients.append((client, task))
        return client

    async def stop(self) -> None:
        while self.clients:
            client, task = self.clients.pop()
            await client.close()
            await asyncio.wait_for(task, READY_SECONDS)

    async def restart(self) -> LarchClient:
        await self.stop()
        return await self.start()


@pytest.fixture
async def running(app: App) -> AsyncIterator[Running]:
    running = Running(app)
    yield running
    await running.stop()


async def ask(fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    """Send an interaction; the bot's answer to it (its callback's body)."""
    await fake.dispatch("INTERACTION_CREATE", payload)
    return (await fake.answer_to(payload)).body


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message.get("components", []) for b in row["components"]]


def grant(app: App, person: dict[str, Any], role: Role) -> None:
    """Give a Discord user (a fake_discord.user payload) a role, as an admin would."""
    now = app.services.clock.now()
    with app.services.db.session() as session:
        member = members.identify(
            session, Platform.DISCORD, person["id"], person["global_name"], now
        )
        members.grant_role(session, member.id, role, now)
