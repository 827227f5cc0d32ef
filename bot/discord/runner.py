"""Starting the Discord adapter (`larch-bot serve discord`, or `larch-bot run` with a token)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import discord

from bot.app import App
from bot.config import ConfigError
from bot.discord.client import LarchClient
from bot.discord.custom_ids import CustomIds
from bot.discord.messenger import GROUPS_PURPOSE, DiscordMessenger
from contract.vocabulary import Platform


def point_at(api_base: str | None) -> None:
    """Send discord.py's REST calls to `api_base` (a proxy, or the tests' local Discord)
    instead of discord.com. The gateway follows: the client dials the URL that
    `GET /gateway/bot` on this base returns."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")


def connect(app: App, **options: Any) -> LarchClient:
    """A client for `app`, whose messenger the app's handlers and scheduler now use to reach
    people on Discord. Start it with `client.start(token)`."""
    point_at(app.settings.discord_api_base)
    client = LarchClient(app, **options)
    app.services.messengers = {**app.services.messengers, Platform.DISCORD: client.messenger}
    return client


async def run_discord(app: App) -> None:
    """Run the Discord adapter until the process is stopped."""
    token = app.settings.discord_token
    if token is None:
        raise ConfigError("DISCORD_TOKEN: not set; the Discord adapter needs the bot's token")
    async with connect(app) as client:
        try:
            await client.start(token.get_secret_value())
        except discord.LoginFailure as error:
            raise ConfigError(f"DISCORD_TOKEN: Discord refused it ({error})") from None


@asynccontextmanager
async def sending_only(app: App) -> AsyncIterator[None]:
    """Discord's REST side alone, for processes that only send (the clock, `dispatch`):
    DMs, channel posts and edits work without a gateway connection or a command sync."""
    token = app.settings.discord_token
    if token is None:
        raise ConfigError("DISCORD_TOKEN: not set; sending to Discord needs the bot's token")
    point_at(app.settings.discord_api_base)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(token.get_secret_value())
    except discord.LoginFailure as error:
        raise ConfigError(f"DISCORD_TOKEN: Discord refused it ({error})") from None
    channels = app.services.channels.get(Platform.DISCORD, {})
    messenger = DiscordMessenger(
        client, CustomIds(app.services.db, app.services.clock), channels.get(GROUPS_PURPOSE)
    )
    app.services.messengers = {**app.services.messengers, Platform.DISCORD: messenger}
    try:
        yield
    finally:
        await client.close()
