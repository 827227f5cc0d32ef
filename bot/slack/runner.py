"""The ways to run Slack. Socket Mode: the bot dials out to Slack over a websocket, so no
public URL is needed. HTTP: Slack posts to `/slack/events` on the web process, next to
`/healthz`; stateless, so several can run behind a load balancer. Either writes what it
acknowledges to the inbox, and an answering process (or the same one) answers it."""

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.app import App
from bot.config import Settings
from bot.slack import translate
from bot.slack.answers import SlackAnswers
from bot.slack.app import build_bolt_app, check_settings, connect
from bot.slack.inbox import Answerer, Inbox
from bot.slack.messenger import SlackMessenger
from bot.slack.socket import RECONNECT_BACKOFF, Backoff, Sleep, SocketModeConnection
from bot.web import build_web_app, serve

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
ANSWERING_NICENESS = 10


def mount(web_app: web.Application, bolt: AsyncApp, signing_secret: str) -> None:
    """Slack's Events API, slash command and interactivity requests all come to one path.

    A request whose payload is not what Slack sends (a missing field, a `user.id` that is
    an object, a body that does not parse) is refused here, before Bolt or a listener acts
    on it: signed, it gets a 400 and one log line; unsigned, the 401 Bolt would give."""
    verifier = SignatureVerifier(signing_secret)

    async def slack_events(request: web.Request) -> web.Response:
        try:
            bolt_request = await to_bolt_request(request)
            translate.check_payload(bolt_request.body)
        except (ValueError, TypeError, AttributeError, LookupError) as problem:
            if not verifier.is_valid_request(await request.read(), request.headers):
                return web.json_response({"error": "invalid request"}, status=401)
            log.warning("refused a malformed Slack request: %s", problem)
            return web.Response(status=400, text="Malformed request.")
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    web_app.router.add_post(EVENTS_PATH, slack_events)


@contextlib.asynccontextmanager
async def answering(
    app: App, messenger: SlackMessenger, inbox: Inbox | None = None
) -> AsyncIterator[Answerer]:
    """Answer what is in the inbox for the life of the block; at once for what `inbox`
    writes in this process, within a moment for what other processes write."""
    services = app.services
    answers = SlackAnswers(app, messenger)
    arrived = inbox.arrived if inbox is not None else None
    answerer = Answerer(services.db, services.clock, answers.answer, arrived)
    async with answerer.running():
        yield answerer


async def run_http(app: App, host: str, port: int, *, answer_here: bool) -> None:
    """Serve Slack's requests (and `/healthz`) on `host:port` until stopped; answer them
    here too when `answer_here`, else leave them to `run_answering` processes."""
    check_settings(app.settings, socket_mode=False)
    async with connect(app) as messenger:
        inbox = Inbox(app.services.db, app.services.clock)
        web_app = build_web_app(app)
        mount(web_app, build_bolt_app(app, messenger, inbox), signing_secret(app.settings))
        runner = await serve(web_app, host, port)
        log.info("Slack over HTTP: listening on http://%s:%s%s", host, port, EVENTS_PATH)
        try:
            if answer_here:
                async with answering(app, messenger, inbox):
                    await asyncio.Event().wait()
            else:
                await inbox.watch_for_overdue()
        finally:
            await runner.cleanup()


async def run_socket_mode(
    app: App, *, backoff: Backoff = RECONNECT_BACKOFF, sleep: Sleep = asyncio.sleep
) -> None:
    """Hold a Socket Mode connection to Slack, reconnecting with `backoff` (waited out
    with `sleep`) whenever it drops, and answer what comes over it, until stopped."""
    check_settings(app.settings, socket_mode=True)
    # check_settings has made sure the token is there.
    app_token = app.settings.slack_app_token.get_secret_value()  # type: ignore[union-attr]
    async with connect(app) as messenger:
        inbox = Inbox(app.services.db, app.services.clock)
        connection = SocketModeConnection(
            build_bolt_app(app, messenger, inbox), app_token, backoff, sleep
        )
        try:
            async with answering(app, messenger, inbox):
                await connection.hold()
        finally:
            await connection.close()


async def run_answering(app: App) -> None:
    """Answer what the web processes acknowledged, until stopped."""
    check_settings(app.settings, socket_mode=False)
    # Where this shares a machine with a web process, the kernel should favour the
    # acknowledgements, which Slack needs within 3 seconds; answers can wait a moment.
    os.nice(ANSWERING_NICENESS)
    async with connect(app) as messenger, answering(app, messenger):
        log.info("Slack answering: waiting for requests")
        await asyncio.Event().wait()


def signing_secret(settings: Settings) -> str:
    """The secret Slack signs requests with ("" when unset: then no request verifies)."""
    secret = settings.slack_signing_secret
    return secret.get_secret_value() if secret else ""
