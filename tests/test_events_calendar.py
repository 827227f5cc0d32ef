"""`calendar`: a private feed URL when the web server runs, a calendar file otherwise; the
feed itself over real HTTP on 127.0.0.1."""

import re
from dataclasses import replace

import aiohttp
from icalendar import Calendar

from bot.web import build_web_app, serve
from tests.conftest import Bot, free_port
from tests.events_support import WORKSHOP_START, create_event

PUBLIC_URL = "https://larch.example.org"


def summaries(ics: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(ics).walk("VEVENT")]


async def fetch(bot: Bot, path: str) -> tuple[int, bytes, str]:
    port = free_port()
    runner = await serve(build_web_app(bot.app), "127.0.0.1", port)
    try:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{port}{path}") as response,
        ):
            return response.status, await response.read(), response.content_type
    finally:
        await runner.cleanup()


async def going_to_two_of_three(bot: Bot) -> None:
    await create_event(bot)
    await create_event(bot, title="Annual conference", start="Thu 3 Dec 2026 09:00", end="17:00")
    await create_event(bot, title="Webinar", start="Fri 4 Dec 2026 13:00", end="14:00")
    await bot.click("events.going", "1", as_="ama")
    await bot.click("events.going", "2", as_="ama")
    await bot.click("events.maybe", "3", as_="ama")


async def test_without_the_web_server_calendar_says_so_and_attaches_a_file(bot: Bot) -> None:
    await going_to_two_of_three(bot)
    [reply] = await bot.say("calendar", as_="ama")
    assert "needs the bot's web server, which isn't running here" in reply.text
    [attachment] = reply.attachments
    assert attachment.filename == "larch-events.ics"
    assert summaries(attachment.content) == ["REMI drop-in workshop", "Annual conference"]


async def test_with_the_web_server_a_private_feed_url_is_handed_out(bot: Bot) -> None:
    bot.app.services = replace(bot.app.services, public_url=PUBLIC_URL + "/")
    bot.app.router.services = bot.app.services
    await going_to_two_of_three(bot)
    [reply] = await bot.say("calendar", as_="ama")
    url = re.search(r"https://larch\.example\.org/calendar/([A-Za-z0-9_-]+)\.ics", reply.text)
    assert url is not None and len(url[1]) >= 40
    assert reply.link is not None and reply.link.url == url[0]
    [same] = await bot.say("calendar", as_="ama")
    assert url[0] in same.text
    [other] = await bot.say("calendar", as_="ben")
    assert url[0] not in other.text

    status, body, content_type = await fetch(bot, f"/calendar/{url[1]}.ics")
    assert (status, content_type) == (200, "text/calendar")
    assert summaries(body) == ["REMI drop-in workshop", "Annual conference"]
    first = Calendar.from_ical(body).walk("VEVENT")[0]
    assert first.decoded("DTSTART") == WORKSHOP_START

    # A cancelled event stays in the feed marked cancelled, so calendars drop it.
    await bot.click("events.cancel", "2", as_="olu")
    _, body, _ = await fetch(bot, f"/calendar/{url[1]}.ics")
    statuses = [str(e["STATUS"]) for e in Calendar.from_ical(body).walk("VEVENT")]
    assert statuses == ["CONFIRMED", "CANCELLED"]

    [reset] = await bot.say("calendar reset", as_="ama")
    assert "the old one no longer works" in reset.text and url[0] not in reset.text
    assert (await fetch(bot, f"/calendar/{url[1]}.ics"))[0] == 404


async def test_an_unknown_feed_token_is_not_found(bot: Bot) -> None:
    assert (await fetch(bot, "/calendar/" + "A" * 43 + ".ics"))[0] == 404
    assert (await fetch(bot, "/calendar/short.ics"))[0] == 404
