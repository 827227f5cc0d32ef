"""Starting the Discord adapter (`larch-bot serve discord`, or `larch-bot run` with a token)."""

from typing import Any

import discord

from bot.app import App
from bot.config import ConfigError
from bot.discord.client import LarchClient
from handlers.vocabulary import Platform


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
