"""The web pages served for real on 127.0.0.1, for the HTTP and browser tests: the console
bot's app (its clock, database and recording messenger) behind the real aiohttp server, and
a sign-in the way a member does it, with the link from the DM the bot sent."""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from bot.web import build_web_app, serve
from bot.web.pages import require_role
from contract.vocabulary import Role
from tests.conftest import Bot, free_port

# A stand-in for a page only the steering group may see (the impact report's kind).
STEERING_PAGE = "/stand-in/steering-only"


async def steering_only(request: web.Request) -> web.Response:
    viewer = require_role(request, Role.STEERING, "the steering group's page")
    return web.Response(text=f"For the steering group, and {viewer.member.display_name}.")


@dataclass
class Site:
    bot: Bot
    base: str

    def url(self, path: str) -> str:
        return self.base + path


async def served(bot: Bot) -> tuple[Site, web.AppRunner]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot.app.services.public_url = base
    web_app = build_web_app(bot.app)
    web_app.router.add_get(STEERING_PAGE, steering_only)
    return Site(bot, base), await serve(web_app, "127.0.0.1", port)


@pytest.fixture
async def site(bot: Bot) -> AsyncIterator[Site]:
    shown, runner = await served(bot)
    yield shown
    await runner.cleanup()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    # The server is an IP address, whose cookies aiohttp keeps only when told to.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found[1]


async def login_link(bot: Bot, as_: str = "alice") -> str:
    """What a member does to sign in: `web login` in chat, then the link in the DM."""
    [reply] = await bot.say("web login", as_=as_)
    assert "sent you a sign-in link" in reply.text, reply.text
    dm = bot.messenger.sent[-1]
    assert (dm.kind, dm.to) == ("direct", as_)
    assert dm.reply.link is not None and dm.reply.link.url is not None
    return dm.reply.link.url


async def sign_in(client: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    async with client.get(link) as page:
        token = csrf_token(await page.text())
    async with client.post(link, data={"csrf_token": token}, allow_redirects=False) as done:
        await done.read()
        return done
