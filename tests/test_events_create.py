"""Organisers create events through the form; bad input is explained and nothing is stored;
the announcement goes to the events channel on every connected platform."""

from collections.abc import Iterator

import pytest

from bot.app import build_app
from bot.config import Settings
from contract.vocabulary import Action, Actor, Platform, Role
from handlers.clock import ManualClock
from knowledge.search import SearchIndex
from tests.conftest import Bot, RecordingMessenger
from tests.events_support import WORKSHOP, create_event


async def nothing_listed(bot: Bot) -> bool:
    [reply] = await bot.say("events", as_="zara")
    return "no upcoming events" in reply.text


async def test_event_new_opens_the_form(bot: Bot) -> None:
    bot.grant("olu", Role.ORGANISER)
    [reply] = await bot.say("event new", as_="olu")
    assert reply.form is not None and reply.form.action_id == "events.create"
    assert [f.name for f in reply.form.fields] == [
        "title",
        "description",
        "start",
        "end",
        "venue",
        "online_link",
        "capacity",
        "rsvp_deadline",
        "audience",
        "reminders",
    ]
    assert next(f for f in reply.form.fields if f.name == "reminders").initial == "24h, 1h"


async def test_an_organiser_creates_an_event_and_it_is_announced(bot: Bot) -> None:
    event_id = await create_event(bot, capacity="30")
    [post] = [s for s in bot.messenger.sent if s.kind == "channel"]
    assert post.to == "events"
    assert "REMI drop-in workshop (event 1)" in post.reply.text
    assert "When: Tue 1 Dec 2026, 10:30–12:00 (London time)" in post.reply.text
    assert "Where: City Hall, Room 4 and online" in post.reply.text
    # The joining link goes only to those with a seat.
    assert "meet.example.org" not in post.reply.text
    assert post.reply.text.splitlines()[-1] == "0 going · 0 on the waitlist · 30 seats left"
    assert [(b.label, b.action_id, b.value) for b in post.reply.buttons] == [
        ("Going", "events.going", "1"),
        ("Maybe", "events.maybe", "1"),
        ("Can't go", "events.cant_go", "1"),
    ]
    [listed] = await bot.say("events", as_="zara")
    assert f"• {event_id}. REMI drop-in workshop: Tue 1 Dec 2026, 10:30–12:00" in listed.text


async def test_an_end_named_like_the_start_falls_on_the_same_day(bot: Bot) -> None:
    # The clock stands on Monday 23 November 2026: both mean Thursday the 26th.
    await create_event(bot, start="next Thursday 2pm", end="next Thursday 3pm")
    [post] = [s for s in bot.messenger.sent if s.kind == "channel"]
    assert "When: Thu 26 Nov 2026, 14:00–15:00 (London time)" in post.reply.text


async def test_an_event_without_capacity_counts_going_and_maybe(bot: Bot) -> None:
    await create_event(bot)
    [post] = [s for s in bot.messenger.sent if s.kind == "channel"]
    assert post.reply.text.splitlines()[-1] == "0 going · 0 maybe"


@pytest.mark.parametrize(
    ("field", "typed", "explanation"),
    [
        ("start", "whenever suits", "I couldn't read “whenever suits” as a date and time"),
        ("start", "1 Jan 2020 10:00", "Start: Wed 1 Jan 2020, 10:00 is in the past."),
        ("start", "Mon 1 Dec 2026 10:30", "1 December 2026 is a Tuesday, not a Monday"),
        ("start", "28 Mar 2027 01:30", "the clocks go forward"),
        ("start", "", "When does it start?"),
        ("end", "09:00", "The end (Tue 1 Dec 2026, 09:00) should be after the start"),
        ("end", "", "When does it end?"),
        ("capacity", "0", "Seats should be a whole number from 1 up"),
        ("capacity", "-5", "Seats should be a whole number from 1 up"),
        ("capacity", "ten", "(you wrote “ten”)"),
        ("capacity", "12.5", "Seats should be a whole number from 1 up"),
        ("title", "   ", "The event needs a title."),
        ("online_link", "meet me on zoom", "should be a web address starting with https://"),
        ("rsvp_deadline", "2 Dec 2026 09:00", "The RSVP deadline should be before the event"),
        ("audience", "everyone in london", "The audience tag should be one word"),
        ("reminders", "soonish", "I couldn't read “soonish” as a reminder time"),
    ],
)
async def test_bad_input_is_explained_and_nothing_is_stored(
    bot: Bot, field: str, typed: str, explanation: str
) -> None:
    bot.grant("olu", Role.ORGANISER)
    [reply] = await bot.click("events.create", as_="olu", **{**WORKSHOP, field: typed})
    assert reply.text.startswith("Nothing was saved yet. Please fix:")
    assert explanation in reply.text
    # The form comes back with what was typed, so one mistake doesn't cost the whole form.
    assert reply.form is not None
    assert {f.name: f.initial for f in reply.form.fields}[field] == typed
    assert await nothing_listed(bot)
    assert bot.messenger.sent == []


async def test_every_problem_is_listed_at_once(bot: Bot) -> None:
    bot.grant("olu", Role.ORGANISER)
    [reply] = await bot.click(
        "events.create",
        as_="olu",
        **{**WORKSHOP, "title": "", "capacity": "0", "venue": "", "online_link": ""},
    )
    assert reply.text.count("• ") == 3
    assert "Where is it? Give a venue, an online link, or both." in reply.text


async def test_a_member_without_the_organiser_role_cannot_create(bot: Bot) -> None:
    [refused] = await bot.say("event new", as_="mallory")
    assert "needs the organiser role" in refused.text
    [forged] = await bot.click("events.create", as_="mallory", **WORKSHOP)
    assert "needs the organiser role" in forged.text
    assert await nothing_listed(bot)


@pytest.fixture
def two_platform_bot(sqlite_url: str, clock: ManualClock, knowledge: SearchIndex) -> Iterator[Bot]:
    """The bot connected to Slack and Discord (recorded), each with an events channel."""
    slack, discord = RecordingMessenger(Platform.SLACK), RecordingMessenger(Platform.DISCORD)
    settings = Settings(
        database_url=sqlite_url,
        slack_channels={"events": "C-EVENTS"},
        discord_channels={"events": "D-EVENTS"},
        _env_file=None,  # type: ignore[call-arg]
    )
    app = build_app(
        settings,
        clock=clock,
        messengers={Platform.SLACK: slack, Platform.DISCORD: discord},
        knowledge=knowledge,
    )
    yield Bot(app, clock, slack)
    app.services.db.dispose()


async def test_the_announcement_and_its_count_live_on_every_platform(
    two_platform_bot: Bot,
) -> None:
    bot = two_platform_bot
    slack = bot.app.services.messengers[Platform.SLACK]
    discord = bot.app.services.messengers[Platform.DISCORD]
    await create_event(bot, capacity="5")
    assert [(s.kind, s.to) for s in slack.sent] == [("channel", "C-EVENTS")]  # type: ignore[attr-defined]
    assert [(s.kind, s.to) for s in discord.sent] == [("channel", "D-EVENTS")]  # type: ignore[attr-defined]
    # A Discord member answers; both announcements show the new count.
    member = Actor(Platform.DISCORD, "4242", "Dev")
    await bot.app.router.handle_action(Action(member, "events.going", "1"))
    for messenger in (slack, discord):
        [update] = [s for s in messenger.sent if s.kind == "update"]  # type: ignore[attr-defined]
        assert update.to == "1"
        assert update.reply.text.endswith("1 going · 0 on the waitlist · 4 seats left")
