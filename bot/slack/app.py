"""Building the Slack side: the settings checked, one Web API client, the Bolt app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.config import ConfigError, Settings
from bot.slack import listeners
from bot.slack.form_shelf import FormShelf
from bot.slack.inbox import Inbox
from bot.slack.messenger import SlackMessenger
from contract.vocabulary import Platform

DEFAULT_API_URL = "https://slack.com/api/"
# A 429 is waited out (for as long as Retry-After says) this many times before the call
# fails; past that, Slack is telling us to slow down for longer than a member would wait.
RATE_LIMIT_RETRIES = 3


def uses_socket_mode(settings: Settings) -> bool:
    """Socket Mode when an app-level token is set: no public URL needed."""
    return settings.slack_app_token is not None


def check_settings(settings: Settings, *, socket_mode: bool) -> None:
    """Stop start-up with every missing or malformed Slack setting named."""
    problems = []
    bot_token = settings.slack_bot_token
    if bot_token is None:
        problems.append("SLACK_BOT_TOKEN: not set (the Bot User OAuth Token, xoxb-…)")
    elif not bot_token.get_secret_value().startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN: should be a bot token starting with xoxb-")
    if socket_mode:
        app_token = settings.slack_app_token
        if app_token is None:
            problems.append(
                "SLACK_APP_TOKEN: needed for Socket Mode (an app-level token, xapp-…, "
                "with the connections:write scope)"
            )
        elif not app_token.get_secret_value().startswith("xapp-"):
            problems.append("SLACK_APP_TOKEN: should be an app-level token starting with xapp-")
    elif not settings.slack_signing_secret:
        problems.append(
            "SLACK_SIGNING_SECRET: needed to verify the requests Slack sends over HTTP "
            "(or set SLACK_APP_TOKEN to use Socket Mode instead)"
        )
    if problems:
        raise ConfigError("Slack cannot start:\n  " + "\n  ".join(problems))


def retry_handlers() -> list[AsyncRetryHandler]:
    return [
        AsyncConnectionErrorRetryHandler(),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
    ]


@asynccontextmanager
async def connect(app: App) -> AsyncIterator[SlackMessenger]:
    """The Slack messenger for the life of the block, installed in the app's services so
    that handlers and the scheduler reach people on Slack through it. Every Web API call
    and response_url answer shares its HTTP session and retry handlers."""
    settings = app.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base_url = (settings.slack_api_url or DEFAULT_API_URL).rstrip("/") + "/"
    handlers = retry_handlers()
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(
            token=token, base_url=base_url, session=session, retry_handlers=handlers
        )
        services = app.services
        shelf = FormShelf(services.db, services.clock)
        messenger = SlackMessenger(client, shelf, session, handlers)
        services.messengers = {**services.messengers, Platform.SLACK: messenger}
        yield messenger


def build_bolt_app(app: App, messenger: SlackMessenger, inbox: Inbox) -> AsyncApp:
    """The Bolt app over `app`, writing what it acknowledges to `inbox`. It calls Slack
    through the messenger's client, so answers and scheduled messages share one client.
    Request verification stays on (Bolt's default); in Socket Mode there are no HTTP
    requests to verify."""
    secret = app.settings.slack_signing_secret
    bolt = AsyncApp(
        name="larch.slack",
        client=messenger.client,
        signing_secret=secret.get_secret_value() if secret else "",
        # Bolt answers Slack's HTTP request when the listener returns. Ours only write the
        # request down and ack (see listeners.py), so they return within milliseconds;
        # the default (False) runs them as tasks and polls every 10 ms for the ack.
        process_before_response=True,
    )
    listeners.register(bolt, app, messenger, inbox)
    return bolt
