"""The HTTP server's own routes, over real HTTP on 127.0.0.1."""

import aiohttp

from bot.web import build_web_app, serve
from storage.db import Database
from tests.conftest import Bot, free_port


async def get_health(bot: Bot) -> tuple[int, dict[str, str]]:
    port = free_port()
    runner = await serve(build_web_app(bot.app), "127.0.0.1", port)
    try:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            return response.status, await response.json()
    finally:
        await runner.cleanup()


async def test_healthz_answers_ok_when_the_database_does(bot: Bot) -> None:
    assert await get_health(bot) == (200, {"status": "ok"})


async def test_healthz_says_unavailable_when_the_database_is_not(bot: Bot) -> None:
    # Nothing listens on port 1 of the loopback: the connection is refused at once.
    bot.app.services.db = Database("postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert await get_health(bot) == (503, {"status": "database unavailable"})
