"""The web pages over real HTTP on 127.0.0.1: what a visitor and a member see, and the
guards (CSRF tokens, the honeypot, rate limits, one-time login links, cookies, roles)."""

import asyncio
import json
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.config import ConfigError, Settings
from bot.web.guard import web_secret
from bot.web.render import render
from contract.vocabulary import Role
from storage import kb
from tests.conftest import Bot, bot_environment, free_port
from tests.events_support import count_lines, create_event
from tests.web_support import STEERING_PAGE, Site, csrf_token, login_link, sign_in

RESOURCE = {
    "title": "Race equity in commissioning toolkit",
    "link": "https://example.org/commissioning-toolkit",
    "description": "A toolkit for commissioners on race equity in contracts.",
    "why": "Commissioners keep asking for it.",
    "tags": "commissioning, data",
}


async def page(client: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with client.get(url) as response:
        return response.status, await response.text()


async def submit(
    client: aiohttp.ClientSession, site: Site, fields: dict[str, str], token: str | None = ""
) -> tuple[int, str]:
    """Open the form (for its token, unless one is given), then send it."""
    if token == "":
        token = csrf_token((await page(client, site.url("/submit")))[1])
    data = fields if token is None else {**fields, "csrf_token": token}
    async with client.post(site.url("/submit"), data=data) as response:
        return response.status, await response.text()


def waiting(bot: Bot) -> list[str]:
    with bot.app.services.db.session() as session:
        return [s.title for s in kb.pending_submissions(session)]


# --- what everyone sees ---------------------------------------------------------------


async def test_the_public_pages_show_the_knowledge_base(site: Site, client) -> None:
    status, about = await page(client, site.url("/about"))
    assert status == 200
    # From the knowledge base's own entries: the five commitments and the steering group.
    assert "five commitments: leadership, workforce, health equity" in about
    assert "<strong>Leadership</strong>" in about
    assert "LARCH steering group" in about
    _, definitions = await page(client, site.url("/definitions"))
    assert 'href="/entries/structural-racism"' in definitions
    _, entry = await page(client, site.url("/entries/wres"))
    assert "<h1>Workforce Race Equality Standard (WRES)</h1>" in entry
    _, toolkits = await page(client, site.url("/resources?tag=co-production"))
    assert "Co-production" in toolkits
    assert (await page(client, site.url("/entries/no-such-entry")))[0] == 404


async def test_search_answers_as_the_bot_does(site: Site, client) -> None:
    _, found = await page(client, site.url("/search?q=what+is+WRES"))
    assert 'href="/entries/wres"' in found
    [reply] = await site.bot.say("what is WRES?")
    assert reply.title == "Workforce Race Equality Standard (WRES)"
    _, nothing = await page(client, site.url("/search?q=quantum+chromodynamics"))
    assert "Nothing answers “quantum chromodynamics” yet" in nothing


async def test_events_show_places_left_and_a_calendar_file(site: Site, client) -> None:
    event_id = await create_event(site.bot, capacity="20")
    await site.bot.click("events.going", str(event_id), as_="bea")
    _, listing = await page(client, site.url("/events"))
    assert "REMI drop-in workshop" in listing
    assert "19 of 20 places left (1 going)" in listing
    async with client.get(site.url(f"/events/{event_id}.ics")) as ics:
        assert ics.content_type == "text/calendar"
        body = await ics.text()
    assert "SUMMARY:REMI drop-in workshop" in body
    # The joining link is only for those with a seat.
    assert "meet.example.org" not in body


# --- submitting a resource ----------------------------------------------------------------


async def test_a_submitted_resource_waits_in_the_curators_queue(site: Site, client) -> None:
    status, thanks = await submit(client, site, RESOURCE)
    assert status == 200
    assert "is with the curators" in thanks
    site.bot.grant("cato", Role.CURATOR)
    [queue, *_] = await site.bot.say("kb queue", as_="cato")
    assert "Race equity in commissioning toolkit" in queue.text
    posted = [s.reply.text for s in site.bot.messenger.sent if s.kind == "channel"]
    assert any("A visitor to the web pages suggests" in text for text in posted)


async def test_a_problem_is_shown_beside_its_field_and_nothing_is_sent(site: Site, client) -> None:
    status, html = await submit(client, site, {**RESOURCE, "link": "not a link"})
    assert status == 400
    assert "There is a problem" in html
    assert 'href="#field-link"' in html
    assert 'id="error-link"' in html
    # What was typed is kept.
    assert 'value="Race equity in commissioning toolkit"' in html
    assert waiting(site.bot) == []


@pytest.mark.parametrize("token", [None, "forged", "eyJ2IjoieCIsImF0IjoxfQ.bad"])
async def test_a_form_without_its_token_is_refused_and_changes_nothing(
    site: Site, client, token: str | None
) -> None:
    await page(client, site.url("/submit"))
    status, html = await submit(client, site, RESOURCE, token=token)
    assert status == 403
    assert "Nothing was sent" in html
    assert waiting(site.bot) == []


async def test_another_browsers_token_is_refused(site: Site, client) -> None:
    token = csrf_token((await page(client, site.url("/submit")))[1])
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as other:
        await page(other, site.url("/submit"))
        status, _ = await submit(other, site, RESOURCE, token=token)
    assert status == 403
    assert waiting(site.bot) == []


async def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_sent(
    site: Site, client
) -> None:
    status, html = await submit(client, site, {**RESOURCE, "website": "http://spam.example"})
    assert status == 200
    assert "Thank you" in html
    assert waiting(site.bot) == []


async def test_a_client_sending_too_many_forms_is_told_to_wait(site: Site, client) -> None:
    for number in range(5):
        status, _ = await submit(
            client, site, {**RESOURCE, "link": f"https://example.org/r{number}"}
        )
        assert status == 200
    status, html = await submit(client, site, {**RESOURCE, "link": "https://example.org/r9"})
    assert status == 429
    assert "Too many attempts" in html
    assert len(waiting(site.bot)) == 5
    site.bot.clock.advance(timedelta(minutes=11))
    assert (await submit(client, site, {**RESOURCE, "link": "https://example.org/r9"}))[0] == 200


# --- signing in -------------------------------------------------------------------------


async def test_a_login_link_signs_in_once_with_a_guarded_cookie(site: Site, client) -> None:
    link = await login_link(site.bot)
    done = await sign_in(client, link)
    assert done.status == 303
    assert done.headers["Location"] == "/account"
    cookie = done.cookies["larch_session"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]
    status, account = await page(client, site.url("/account"))
    assert status == 200
    assert "Hello, Alice." in account
    # The same link again, even in another browser: refused.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
        again = await sign_in(other, link)
        assert again.status == 403
        assert "larch_session" not in again.cookies


async def test_an_expired_login_link_is_refused(site: Site, client) -> None:
    link = await login_link(site.bot)
    site.bot.clock.advance(timedelta(minutes=15, seconds=1))
    done = await sign_in(client, link)
    assert done.status == 403
    assert (await page(client, site.url("/account")))[1].count("Hello, Alice") == 0


async def test_opening_a_link_does_not_use_it_up(site: Site, client) -> None:
    """Chat platforms fetch a link to preview it: only the Sign in button signs in."""
    link = await login_link(site.bot)
    for _ in range(2):
        assert (await page(client, link))[0] == 200
    assert (await sign_in(client, link)).status == 303


async def test_too_many_sign_in_attempts_are_refused(site: Site, client) -> None:
    for _ in range(10):
        assert (await page(client, site.url("/login/" + "x" * 43)))[0] == 200
    status, html = await page(client, site.url("/login/" + "x" * 43))
    assert status == 429
    assert "Too many attempts" in html


async def test_a_forged_session_cookie_signs_nobody_in(site: Site, client) -> None:
    client.cookie_jar.update_cookies({"larch_session": "eyJtIjoxLCJwIjoiY29uc29sZSJ9.forged"})
    _, html = await page(client, site.url("/events"))
    assert "Signed in as" not in html


async def test_web_login_needs_the_web_server(bot: Bot) -> None:
    [reply] = await bot.say("web login")
    assert "aren't running here" in reply.text
    assert bot.messenger.sent == []


async def test_signing_out_ends_the_session(site: Site, client) -> None:
    await sign_in(client, await login_link(site.bot))
    _, account = await page(client, site.url("/account"))
    async with client.post(
        site.url("/logout"), data={"csrf_token": csrf_token(account)}, allow_redirects=False
    ) as out:
        assert out.status == 303
    async with client.get(site.url("/account"), allow_redirects=False) as after:
        assert after.headers["Location"] == "/login"


def test_a_deployment_must_set_the_web_secret() -> None:
    https = Settings(larch_public_url="https://hub.example.org", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="LARCH_WEB_SECRET"):
        web_secret(https)
    chosen = Settings(
        larch_public_url="https://hub.example.org",
        larch_web_secret="s" * 32,
        _env_file=None,  # type: ignore[call-arg]
    )
    assert web_secret(chosen) == "s" * 32


# --- a member's pages ---------------------------------------------------------------------


async def test_an_rsvp_on_the_page_changes_the_count_in_chat(site: Site, client) -> None:
    event_id = await create_event(site.bot, capacity="20")
    await sign_in(client, await login_link(site.bot))
    _, listing = await page(client, site.url("/events"))
    # The first button is the event card's Going.
    press = listing.split('name="press" value="')[1].split('"')[0]
    async with client.post(
        site.url("/act"), data={"csrf_token": csrf_token(listing), "press": press}
    ) as done:
        answer = await done.text()
    assert "You&#39;re going to REMI drop-in workshop" in answer
    assert count_lines(site.bot)[-1] == "1 going · 0 on the waitlist · 19 seats left"
    [card] = await site.bot.say(f"event {event_id}")
    assert "You're going" in card.text


async def test_a_pressed_button_needs_the_page_s_signature(site: Site, client) -> None:
    event_id = await create_event(site.bot, capacity="20")
    await sign_in(client, await login_link(site.bot))
    _, listing = await page(client, site.url("/events"))
    forged = json.dumps(["events.going", str(event_id)])
    async with client.post(
        site.url("/act"), data={"csrf_token": csrf_token(listing), "press": forged}
    ) as done:
        assert done.status == 400
    assert count_lines(site.bot) == []


async def test_my_data_on_the_page_is_the_chat_download(site: Site, client) -> None:
    await sign_in(client, await login_link(site.bot))
    _, shown = await page(client, site.url("/account/my-data"))
    assert "What I hold about you:" in shown
    async with client.get(site.url("/account/my-data/download")) as download:
        assert download.headers["Content-Disposition"].endswith('"larch-my-data.json"')
        data = json.loads(await download.read())
    assert data["display_name"] == "Alice"


async def test_the_account_page_shows_intros_and_events(site: Site, client) -> None:
    await create_event(site.bot, capacity="20")
    await sign_in(client, await login_link(site.bot))
    _, account = await page(client, site.url("/account"))
    assert "Your introductions" in account
    assert "REMI drop-in workshop" in account


async def test_a_role_page_refuses_whom_the_router_refuses(site: Site, client) -> None:
    async with client.get(site.url(STEERING_PAGE)) as anonymous:
        assert anonymous.status == 401
    await sign_in(client, await login_link(site.bot))
    status, refused = await page(client, site.url(STEERING_PAGE))
    assert status == 403
    assert "needs the steering group role, which you don&#39;t have" in refused
    site.bot.grant("alice", Role.STEERING)
    status, shown = await page(client, site.url(STEERING_PAGE))
    assert (status, shown) == (200, "For the steering group, and Alice.")


async def test_a_forgotten_member_s_session_ends(site: Site, client) -> None:
    await sign_in(client, await login_link(site.bot))
    await site.bot.click("privacy.forget", "confirm")
    async with client.get(site.url("/account"), allow_redirects=False) as after:
        assert after.headers["Location"] == "/login"


async def test_serve_web_serves_the_pages_without_slack(tmp_path: Path) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        "web",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        cwd=tmp_path,
        env=bot_environment(tmp_path / "larch.db"),
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        while b"web pages: listening" not in await asyncio.wait_for(process.stderr.readline(), 60):
            pass
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/definitions") as definitions,
        ):
            assert "<h1>Definitions A to Z</h1>" in await definitions.text()
    finally:
        process.terminate()
        await process.wait()


def test_the_layout_renders_with_nothing_given() -> None:
    """What the impact report, rendered offline, extends."""
    html = render("layout.html")
    assert '<a href="#main-content" class="skip-link">Skip to main content</a>' in html
    assert '<main id="main-content"' in html
    assert "Signed in as" not in html
