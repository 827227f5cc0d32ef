"""The aiohttp application: the hub's pages, a health check, the documents features serve
(calendar feeds), and the routes adapters add to it (Slack's Events API endpoint).
Stateless (sessions live in signed cookies), so several can run behind a load balancer."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.app import App
from bot.web import account, public
from bot.web.guard import Guard, serves_https, web_secret
from bot.web.pages import PAGES_KEY, Pages
from bot.web.render import STATIC_DIR
from contract.specs import WebResource
from handlers.services import Services

log = logging.getLogger(__name__)

APP_KEY = web.AppKey("larch_app", App)


def build_web_app(app: App) -> web.Application:
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", healthz)
    for resource in app.registry.web_resources:
        web_app.router.add_get(resource.path, _serving(resource, app.services))
    services = app.services
    guard = Guard(
        web_secret(app.settings),
        secure=serves_https(app.settings),
        clock=services.clock,
        db=services.db,
    )
    pages = Pages(app, guard)
    web_app[PAGES_KEY] = pages
    web_app.router.add_static("/static", STATIC_DIR)
    public.add_routes(web_app, pages)
    account.add_routes(web_app, pages)
    return web_app


def _serving(
    resource: WebResource[Services], services: Services
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def serve_resource(request: web.Request) -> web.Response:
        # Off the loop: the database read must not hold up Slack's acknowledgements.
        body = await asyncio.to_thread(resource.produce, services, dict(request.match_info))
        if body is None:
            raise web.HTTPNotFound(text="Not found.")
        return web.Response(
            body=body,
            content_type=resource.media_type,
            charset="utf-8",
            headers={"Cache-Control": resource.cache_control},
        )

    return serve_resource


async def healthz(request: web.Request) -> web.Response:
    """Ready when the database answers; a load balancer takes the process out otherwise."""
    app = request.app[APP_KEY]
    try:
        with app.services.db.session() as session:
            session.connection().exec_driver_sql("SELECT 1")
    except Exception:
        return web.json_response({"status": "database unavailable"}, status=503)
    return web.json_response({"status": "ok"})


async def serve(web_app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving and return the runner, whose `cleanup()` stops it."""
    runner = web.AppRunner(web_app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def run_web(app: App, host: str, port: int) -> None:
    """Serve the pages on `host:port` until stopped. A port already taken is logged and
    leaves the other adapters of `larch-bot run` answering in chat."""
    try:
        runner = await serve(build_web_app(app), host, port)
    except OSError as error:
        log.error("the web pages could not start on %s:%s: %s", host, port, error)
        return
    log.info("web pages: listening on http://%s:%s/", host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
