"""Messengers for processes that only send (`larch-bot serve clock`, `larch-bot dispatch`):
each configured platform's sending side, and the console printer when none is configured."""

import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from bot.app import App
from bot.console import ConsoleMessenger
from contract.vocabulary import Platform


def console_messengers(downloads: Path) -> dict[Platform, ConsoleMessenger]:
    """With no platform connected, whatever the bot would send anywhere is printed."""
    printer = ConsoleMessenger(sys.stdout, downloads)
    return {platform: printer for platform in Platform}


@asynccontextmanager
async def platform_messengers(app: App, downloads: Path) -> AsyncIterator[None]:
    """Install the sending side of every configured platform for the life of the block."""
    settings = app.settings
    async with AsyncExitStack() as stack:
        if settings.slack_configured:
            from bot.slack.app import connect

            await stack.enter_async_context(connect(app))
        if settings.discord_configured:
            from bot.discord.runner import sending_only

            await stack.enter_async_context(sending_only(app))
        if not (settings.slack_configured or settings.discord_configured):
            app.services.messengers = console_messengers(downloads)
        yield
