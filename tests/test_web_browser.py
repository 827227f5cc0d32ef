"""The web pages in a real browser: Debian's Chromium, headless, driven by Playwright,
against the app served on 127.0.0.1 from a thread of its own with the test's clock and
database. Browse, search, submit a resource, sign in with the link from the DM, RSVP,
be refused a steering page, get round with the keyboard alone, and pass axe-core's
WCAG 2.2 AA rules on every page. Each page's screenshot is saved in build/screenshots/;
the home page's is also the README's (docs/screenshots/home.png).

Like PostgreSQL, these skip only when no Chromium is installed and `CI` is unset."""

import asyncio
import os
import shutil
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from contract.vocabulary import Role
from tests.conftest import Bot
from tests.events_support import count_lines, create_event
from tests.web_support import STEERING_PAGE, login_link, served

T = TypeVar("T")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPOSITORY = Path(__file__).parent.parent
SCREENSHOTS = REPOSITORY / "build" / "screenshots"
README_SCREENSHOT = REPOSITORY / "docs" / "screenshots" / "home.png"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()

PUBLIC_PAGES = [
    ("home", "/"),
    ("about", "/about"),
    ("definitions", "/definitions"),
    ("entry", "/entries/structural-racism"),
    ("resources", "/resources"),
    ("resources-by-tag", "/resources?tag=co-production"),
    ("search", "/search?q=what+is+WRES"),
    ("search-nothing", "/search?q=quantum+chromodynamics"),
    ("events", "/events"),
    ("remi", "/remi"),
    ("submit", "/submit"),
    ("login", "/login"),
    ("not-found", "/entries/no-such-entry"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for all the browser tests. For this module only: while Playwright's
    sync API runs, it holds an event loop in this thread, which the async tests need."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: .ci/run should have installed it")
        pytest.skip("no Chromium installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


class LiveSite:
    """The site served from a thread with its own event loop, as a web process serves it;
    the test speaks to the bot on that loop too, so chat and pages share one app."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.site, self.runner = self.run(served(bot))

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)

    def url(self, path: str) -> str:
        return self.site.url(path)

    def close(self) -> None:
        self.run(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


@pytest.fixture
def live(bot: Bot) -> Iterator[LiveSite]:
    site = LiveSite(bot)
    yield site
    site.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def check_page(page: Page, name: str) -> None:
    """axe-core's WCAG 2.2 AA rules find nothing, and the page's screenshot is kept."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def sign_in(live: LiveSite, page: Page, as_: str = "alice") -> None:
    page.goto(live.run(login_link(live.bot, as_)))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account")


def _seed_events(live: LiveSite) -> int:
    return live.run(create_event(live.bot, capacity="20"))


# --- every page: axe-core and a screenshot ------------------------------------------------


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=[n for n, _ in PUBLIC_PAGES])
def test_every_public_page_passes_axe(live: LiveSite, page: Page, name: str, path: str) -> None:
    _seed_events(live)
    page.goto(live.url(path))
    check_page(page, name)
    if name == "home":
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=README_SCREENSHOT, full_page=True)


def test_every_member_page_passes_axe(live: LiveSite, page: Page) -> None:
    _seed_events(live)
    page.goto(live.run(login_link(live.bot)))
    check_page(page, "login-confirm")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account")
    check_page(page, "account")
    page.goto(live.url("/events"))
    check_page(page, "events-signed-in")
    page.get_by_role("button", name="Going").first.click()
    check_page(page, "rsvp-answer")
    page.goto(live.url("/account/my-data"))
    check_page(page, "my-data")
    page.goto(live.url(STEERING_PAGE))
    check_page(page, "refused")


def test_the_form_s_problems_and_thanks_pass_axe(live: LiveSite, page: Page) -> None:
    page.goto(live.url("/submit"))
    page.get_by_label("Title").fill("A toolkit")
    page.get_by_label("Link").fill("not a link")
    page.get_by_role("button", name="Send to the curators").click()
    check_page(page, "submit-problem")
    page.get_by_label("Link").fill("https://example.org/toolkit")
    page.get_by_role("button", name="Send to the curators").click()
    check_page(page, "submit-thanks")


# --- what people do ---------------------------------------------------------------------


def test_a_visitor_browses_and_searches(live: LiveSite, page: Page) -> None:
    page.goto(live.url("/"))
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Definitions A to Z"
    ).click()
    page.get_by_role("link", name="S", exact=True).click()
    page.get_by_role("link", name="Structural racism", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Structural racism"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search definitions and resources").fill("what is WRES")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    page.get_by_role("link", name="Workforce Race Equality Standard (WRES)").click()
    assert "Workforce Race Equality Standard" in page.get_by_role("heading", level=1).inner_text()


def test_a_submitted_resource_is_in_the_curators_queue(live: LiveSite, page: Page) -> None:
    page.goto(live.url("/submit"))
    page.get_by_label("Title").fill("Race equity in commissioning toolkit")
    page.get_by_label("Link").fill("not a link")
    page.get_by_role("button", name="Send to the curators").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    # The summary's link takes the reader to the field to correct.
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "field-link"
    assert page.get_by_label("Title").input_value() == "Race equity in commissioning toolkit"
    page.get_by_label("Link").fill("https://example.org/commissioning")
    page.get_by_role("button", name="Send to the curators").click()
    assert "is with the curators" in page.get_by_role("main").inner_text()
    live.bot.grant("cato", Role.CURATOR)
    [queue, *_] = live.run(live.bot.say("kb queue", as_="cato"))
    assert "Race equity in commissioning toolkit" in queue.text


def test_a_member_signs_in_from_the_dm_and_rsvps(live: LiveSite, page: Page) -> None:
    event_id = _seed_events(live)
    sign_in(live, page)
    assert "Signed in as Alice" in page.inner_text("body")
    page.goto(live.url("/events"))
    assert "20 of 20 places left" in page.inner_text("main")
    page.get_by_role("group", name="Your answer to REMI drop-in workshop").get_by_role(
        "button", name="Going"
    ).click()
    assert "You're going to REMI drop-in workshop" in page.inner_text("main")
    # The announcement in chat shows the new count.
    assert count_lines(live.bot)[-1] == "1 going · 0 on the waitlist · 19 seats left"
    page.goto(live.url("/events"))
    assert "19 of 20 places left" in page.inner_text("main")
    [card] = live.run(live.bot.say(f"event {event_id}"))
    assert "You're going" in card.text
    page.get_by_role("button", name="Sign out").click()
    assert "Signed in as" not in page.inner_text("body")


def test_a_member_is_refused_a_steering_page(live: LiveSite, page: Page) -> None:
    sign_in(live, page)
    response = page.goto(live.url(STEERING_PAGE))
    assert response is not None and response.status == 403
    assert "needs the steering group role" in page.inner_text("main")


# --- the keyboard alone -------------------------------------------------------------------


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    key: el.id || el.getAttribute('href') || el.getAttribute('name') || el.textContent.trim(),
    tag: el.tagName,
    text: el.textContent.trim(),
    visible: el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().left >= 0,
    ring: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
          && style.outlineColor !== 'rgba(0, 0, 0, 0)',
    highlighted: style.backgroundColor === 'rgb(255, 221, 0)',
  };
}"""

CONTROLS = """() => [...document.querySelectorAll('a[href], button, input, textarea, select')]
  .filter(el => el.tabIndex >= 0 && !el.closest('[aria-hidden="true"]')
                && el.type !== 'hidden')
  .map(el => el.id || el.getAttribute('href') || el.getAttribute('name')
             || el.textContent.trim())"""


@pytest.mark.parametrize("path", ["/", "/submit"])
def test_the_keyboard_reaches_every_control_with_visible_focus(
    live: LiveSite, page: Page, path: str
) -> None:
    page.goto(live.url(path))
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "Skip to main content"
    assert first["visible"] and first["highlighted"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.goto(live.url(path))
    reached = []
    for _ in range(100):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "BODY" or (reached and focused["key"] == reached[0]):
            break
        assert focused["visible"], focused
        assert focused["ring"] or focused["highlighted"], f"no visible focus on {focused}"
        reached.append(focused["key"])
    assert set(page.evaluate(CONTROLS)) <= set(reached)
