"""The HTTP server (Procfile `web`): a health check, and the routes adapters and features
add to it (Slack's Events API endpoint, calendar feeds). Stateless, so several can run
behind a load balancer."""

from aiohttp import web

from bot.app import App
from bot.calendar_feed import add_calendar_routes

APP_KEY = web.AppKey("larch_app", App)


def build_web_app(app: App) -> web.Application:
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", healthz)
    add_calendar_routes(web_app, app.services)
    return web_app


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
