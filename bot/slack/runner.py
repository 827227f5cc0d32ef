"""The two ways to connect to Slack. Socket Mode: the bot dials out to Slack over a
websocket, so no public URL is needed. HTTP: Slack posts to `/slack/events` on the web
process, next to `/healthz`; stateless, so several can run behind a load balancer."""

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.app import App
from bot.slack.app import build_bolt_app, check_settings, connect
from bot.web import build_web_app, serve

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def mount(web_app: web.Application, bolt: AsyncApp) -> None:
    """Slack's Events API, slash command and interactivity requests all come to one path."""

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    web_app.router.add_post(EVENTS_PATH, slack_events)


async def run_http(app: App, host: str, port: int) -> None:
    """Serve Slack's requests (and `/healthz`) on `host:port` until stopped."""
    check_settings(app.settings, socket_mode=False)
    async with connect(app) as messenger:
        web_app = build_web_app(app)
        mount(web_app, build_bolt_app(app, messenger))
        runner = await serve(web_app, host, port)
        log.info("Slack over HTTP: listening on http://%s:%s%s", host, port, EVENTS_PATH)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


async def run_socket_mode(app: App) -> None:
    """Hold a Socket Mode connection to Slack until stopped."""
    check_settings(app.settings, socket_mode=True)
    # check_settings has made sure the token is there.
    app_token = app.settings.slack_app_token.get_secret_value()  # type: ignore[union-attr]
    async with connect(app) as messenger:
        handler = AsyncSocketModeHandler(build_bolt_app(app, messenger), app_token)
        await handler.connect_async()
        log.info("Slack over Socket Mode: connected")
        try:
            await asyncio.Event().wait()
        finally:
            await handler.close_async()
