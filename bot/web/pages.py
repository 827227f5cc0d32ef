"""What every page shares: rendering with the viewer and a CSRF token, the refusals
(not found, too many attempts, a form this server did not give), a chat reply's buttons
as forms a page can press, and `require_role`, the one way a page asks for a role."""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from aiohttp import web

from bot.app import App
from bot.web.guard import CSRF_FIELD, Guard, RateLimit, Viewer, client_of
from bot.web.render import render
from contract.vocabulary import ButtonStyle, Reply, Role

T = TypeVar("T")

# A client may send a web form this often, and try this many sign-in links.
FORM_LIMIT = (5, timedelta(minutes=10))
LOGIN_LIMIT = (10, timedelta(minutes=10))


@dataclass(frozen=True)
class PageButton:
    """A reply's button on a page: a link, or a form whose `signed` value names the
    action and its value, so a page can press only the buttons it was given."""

    label: str
    url: str | None = None
    signed: str = ""
    primary: bool = False


class Pages:
    MAX_QUERY_CHARS = 200

    def __init__(self, app: App, guard: Guard) -> None:
        self.app = app
        self.guard = guard
        clock = app.services.clock
        self.form_limit = RateLimit(clock, *FORM_LIMIT)
        self.login_limit = RateLimit(clock, *LOGIN_LIMIT)

    def page(
        self, request: web.Request, template: str, *, status: int = 200, **context: Any
    ) -> web.Response:
        viewer = context.pop("viewer", None) or self.guard.viewer(request)
        html = render(template, viewer=viewer, csrf_token=self.guard.csrf_token(request), **context)
        response = web.Response(text=html, content_type="text/html", status=status)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        self.guard.remember_visitor(request, response)
        return response

    def message(
        self, request: web.Request, heading: str, *lines: str, status: int = 200
    ) -> web.Response:
        return self.page(request, "message.html", status=status, heading=heading, lines=lines)

    def not_found(self, request: web.Request) -> web.Response:
        return self.message(
            request,
            "Page not found",
            "If you typed the web address, check it is correct.",
            status=404,
        )

    def too_many(self, request: web.Request) -> web.Response:
        return self.message(
            request,
            "Too many attempts",
            "Please wait a few minutes, then try again.",
            status=429,
        )

    async def genuine_form(
        self, request: web.Request, limit: RateLimit
    ) -> Mapping[str, str] | web.Response:
        """A POST's fields, once it is within the client's rate limit and carries this
        browser's CSRF token; else the page that refuses it, having changed nothing."""
        if not limit.allow(client_of(request)):
            return self.too_many(request)
        posted = await request.post()
        fields = {k: v for k, v in posted.items() if isinstance(v, str)}
        if not self.guard.form_is_genuine(request, fields.get(CSRF_FIELD)):
            return self.message(
                request,
                "That form had expired",
                "Nothing was sent. Go back, reload the page and try again.",
                status=403,
            )
        return fields

    def buttons(self, reply: Reply) -> tuple[PageButton, ...]:
        buttons = []
        if reply.link is not None and reply.link.url:
            buttons.append(PageButton(reply.link.label, url=reply.link.url))
        for button in reply.buttons:
            if button.url is not None:
                buttons.append(PageButton(button.label, url=button.url))
            else:
                buttons.append(
                    PageButton(
                        button.label,
                        signed=self.guard.sign([button.action_id, button.value]),
                        primary=button.style == ButtonStyle.PRIMARY,
                    )
                )
        return tuple(buttons)

    def keep_current(self) -> None:
        """What chat runs before each request: the knowledge base as other processes left it."""
        for keep_current in self.app.registry.before_each:
            keep_current(self.app.services)

    async def off_loop(self, work: Callable[..., T], *args: Any) -> T:
        # Database reads must not hold up Slack's acknowledgements on the same loop.
        return await asyncio.to_thread(work, *args)

    def require_role(self, request: web.Request, role: Role, name: str) -> Viewer:
        """The signed-in viewer, when their roles allow `role` (as the router decides for
        chat); else raises the page that says why not: sign in, or the router's refusal.
        `name` is what the page is called in that refusal."""
        viewer = self.guard.viewer(request)
        if viewer is None:
            raise web.HTTPUnauthorized(
                text=self.message(
                    request,
                    "Sign in to see this page",
                    "This page is for members of the hub. Type `web login` to the hub's "
                    "assistant in Slack or Discord for a sign-in link.",
                ).text,
                content_type="text/html",
            )
        refusal = self.app.router.refusal(viewer.actor, role, name)
        if refusal is not None:
            raise web.HTTPForbidden(
                text=self.message(request, "You can't see this page", refusal.text).text,
                content_type="text/html",
            )
        return viewer


PAGES_KEY = web.AppKey("larch_pages", Pages)


def require_role(request: web.Request, role: Role, name: str) -> Viewer:
    """For a page only some roles may see (the impact report: `Role.STEERING`; admins
    pass every check): the signed-in viewer, or raises the refusal page (401 to sign in,
    403 with the router's refusal)."""
    return request.app[PAGES_KEY].require_role(request, role, name)
