"""Signing in with a one-time link from `web login`, signing out, and a member's own pages.

Signed in, the pages speak for the member as the account that asked for the link: what
they show is what chat answers that account (`intros status`, `my data`, the home screen's
sections), and what they do goes through the router as a button pressed in chat would, so
the same role checks, the same handlers, and the same updates (an RSVP changes the
announcement's live count) follow.

Opening a link shows a "Sign in" button rather than signing in at once: chat platforms
fetch the links in a message to preview them, which would use up a one-time link."""

import re

from aiohttp import web

from bot.web.guard import client_of
from bot.web.pages import Pages
from contract.vocabulary import Action, Command, Reply
from storage import web_login
from storage.web_login import LOGIN_PATH

TOKEN_PATTERN = r"[A-Za-z0-9_-]{20,64}"
MY_DATA = "my data"
INTROS_STATUS = "intros status"


def add_routes(web_app: web.Application, pages: Pages) -> None:
    account = AccountPages(pages)
    router = web_app.router
    token_path = LOGIN_PATH.replace("{token}", "{token:" + TOKEN_PATTERN + "}")
    router.add_get("/login", account.how_to_sign_in)
    router.add_get(token_path, account.confirm_sign_in)
    router.add_post(token_path, account.sign_in)
    router.add_post("/logout", account.sign_out)
    router.add_get("/account", account.home)
    router.add_post("/act", account.press)
    router.add_get("/account/my-data", account.my_data)
    router.add_get("/account/my-data/download", account.my_data_download)


class AccountPages:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.app = pages.app

    async def how_to_sign_in(self, request: web.Request) -> web.Response:
        return self.pages.page(request, "login.html", current="/login")

    async def confirm_sign_in(self, request: web.Request) -> web.Response:
        if not self.pages.login_limit.allow(client_of(request)):
            return self.pages.too_many(request)
        return self.pages.page(request, "login_confirm.html", action=request.path)

    async def sign_in(self, request: web.Request) -> web.Response:
        sent = await self.pages.genuine_form(request, self.pages.login_limit)
        if isinstance(sent, web.Response):
            return sent
        services = self.app.services
        with services.db.session() as session:
            signed_in = web_login.redeem(session, request.match_info["token"], services.clock.now())
        if signed_in is None:
            return self.pages.message(
                request,
                "That sign-in link no longer works",
                "A link works once, within 15 minutes of being sent. Type `web login` to the "
                "hub's assistant for a new one.",
                status=403,
            )
        signed = web.HTTPSeeOther("/account")
        self.pages.guard.sign_in(signed, signed_in)
        raise signed

    async def sign_out(self, request: web.Request) -> web.Response:
        sent = await self.pages.genuine_form(request, self.pages.form_limit)
        if isinstance(sent, web.Response):
            return sent
        signed_out = web.HTTPSeeOther("/")
        self.pages.guard.sign_out(signed_out)
        raise signed_out

    async def home(self, request: web.Request) -> web.Response:
        viewer = self.pages.guard.viewer(request)
        if viewer is None:
            raise web.HTTPSeeOther("/login")
        services = self.app.services
        sections = []
        for section in self.app.registry.home_sections:
            reply = await self.pages.off_loop(section, services, viewer.member)
            if reply is not None:
                sections.append(self._shown(reply))
        intros = await self.app.router.handle_command(Command(viewer.actor, INTROS_STATUS))
        sections += [
            self._shown(reply, title="Your introductions") for reply in intros if reply.text
        ]
        roles = sorted(role.value.replace("_", " ") for role in viewer.member.roles)
        return self.pages.page(
            request,
            "account.html",
            current="/account",
            viewer=viewer,
            sections=sections,
            roles=roles,
        )

    async def press(self, request: web.Request) -> web.Response:
        """A reply's button pressed on a page: the action the page signed, for the
        signed-in member, through the router as from chat."""
        sent = await self.pages.genuine_form(request, self.pages.form_limit)
        if isinstance(sent, web.Response):
            return sent
        viewer = self.pages.guard.viewer(request)
        pressed = self.pages.guard.unsign(sent.get("press", ""))
        if viewer is None:
            raise web.HTTPSeeOther("/login")
        if not (
            isinstance(pressed, list)
            and len(pressed) == 2
            and all(isinstance(part, str) for part in pressed)
        ):
            return self.pages.message(
                request, "That button no longer works", "Nothing was changed.", status=400
            )
        action_id, value = pressed
        replies = await self.app.router.handle_action(Action(viewer.actor, action_id, value))
        return self._replies_page(request, replies, "Done", back=request.headers.get("Referer"))

    async def my_data(self, request: web.Request) -> web.Response:
        viewer = self.pages.guard.viewer(request)
        if viewer is None:
            raise web.HTTPSeeOther("/login")
        replies = await self.app.router.handle_command(Command(viewer.actor, MY_DATA))
        return self._replies_page(
            request, replies, "Your data", back="/account", download="/account/my-data/download"
        )

    async def my_data_download(self, request: web.Request) -> web.Response:
        viewer = self.pages.guard.viewer(request)
        if viewer is None:
            raise web.HTTPSeeOther("/login")
        replies = await self.app.router.handle_command(Command(viewer.actor, MY_DATA))
        attachment = next((a for r in replies for a in r.attachments), None)
        if attachment is None:
            return self.pages.not_found(request)
        return web.Response(
            body=attachment.content,
            content_type=attachment.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{attachment.filename}"',
                "Cache-Control": "no-store",
            },
        )

    def _replies_page(
        self,
        request: web.Request,
        replies: list[Reply],
        heading: str,
        *,
        back: str | None,
        download: str | None = None,
    ) -> web.Response:
        shown = []
        for reply in replies:
            entry = self._shown(reply)
            if download and reply.attachments:
                entry |= {"download": download, "download_name": reply.attachments[0].filename}
            shown.append(entry)
        back_to = back if back and _same_site(back, request) else "/account"
        return self.pages.page(
            request,
            "reply.html",
            heading=replies[0].title if len(replies) == 1 and replies[0].title else heading,
            replies=shown,
            back=back_to,
            back_label="Back",
        )

    def _shown(self, reply: Reply, title: str | None = None) -> dict[str, object]:
        return {
            "title": title or reply.title or "",
            "reply": reply,
            "buttons": self.pages.buttons(reply),
        }


def _same_site(url: str, request: web.Request) -> bool:
    """A page to go back to only if it is one of ours (a Referer can name any site)."""
    return (url.startswith("/") and not url.startswith("//")) or bool(
        re.match(rf"^https?://{re.escape(request.host)}/", url)
    )
