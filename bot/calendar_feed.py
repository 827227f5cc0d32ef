"""The private calendar feed over HTTP: `GET /calendar/<token>.ics`, what `calendar` hands
out when settings.larch_public_url is set. Calendar apps poll it; an unknown token is a
plain 404, the same answer whether or not the token ever existed."""

from aiohttp import web

from handlers.events.calendar import FEED_PATH, feed_for_token
from handlers.services import Services

# secrets.token_urlsafe(32) gives 43 characters of A–Z, a–z, 0–9, - and _.
_TOKEN = r"[A-Za-z0-9_-]{20,64}"


def add_calendar_routes(web_app: web.Application, services: Services) -> None:
    async def serve_feed(request: web.Request) -> web.Response:
        feed = feed_for_token(services, request.match_info["token"])
        if feed is None:
            raise web.HTTPNotFound(text="No such calendar.")
        return web.Response(
            body=feed,
            content_type="text/calendar",
            charset="utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )

    web_app.router.add_get(FEED_PATH.replace("{token}", "{token:" + _TOKEN + "}"), serve_feed)
