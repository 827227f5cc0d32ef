"""Members answer with one click; the waitlist, promotions by DM, the live count line, and
the answers that are refused kindly."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from tests.conftest import Bot
from tests.events_support import (
    WORKSHOP_START,
    count_lines,
    create_event,
    direct_messages,
)


async def test_going_confirms_with_the_link_and_a_calendar_file(bot: Bot) -> None:
    event_id = await create_event(bot, capacity="2")
    [reply] = await bot.click("events.going", str(event_id), as_="ama")
    assert reply.text.startswith("You're going to REMI drop-in workshop. See you there!")
    assert "Join online: https://meet.example.org/remi" in reply.text
    assert "I'll remind you 24 hours and 1 hour before." in reply.text
    assert reply.link is not None and reply.link.url == "https://meet.example.org/remi"
    [ics] = reply.attachments
    [entry] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert entry.decoded("DTSTART") == WORKSHOP_START
    [again] = await bot.click("events.going", str(event_id), as_="ama")
    assert again.text.startswith("You're already going to REMI drop-in workshop.")


async def test_full_event_waitlist_then_promotion_by_dm(bot: Bot) -> None:
    event_id = await create_event(bot, capacity="2")
    for name in ("ama", "ben"):
        await bot.click("events.going", str(event_id), as_=name)
    [waiting] = await bot.click("events.going", str(event_id), as_="cai")
    assert "is full, so you're number 1 on the waitlist" in waiting.text
    [second] = await bot.click("events.going", str(event_id), as_="dee")
    assert "you're number 2 on the waitlist" in second.text

    [gave_back] = await bot.click("events.cant_go", str(event_id), as_="ama")
    assert "Your seat goes to the next person waiting." in gave_back.text
    [promotion] = direct_messages(bot, "cai")
    assert promotion.text.startswith("Good news: a seat came free at REMI drop-in workshop")
    assert promotion.attachments[0].filename == "remi-drop-in-workshop.ics"
    assert direct_messages(bot, "dee") == []
    [card] = await bot.say(f"event {event_id}", as_="dee")
    assert "You're number 1 on the waitlist." in card.text


async def test_the_count_line_follows_every_change(bot: Bot) -> None:
    event_id = str(await create_event(bot, capacity="2"))
    await bot.click("events.going", event_id, as_="ama")
    await bot.click("events.going", event_id, as_="ben")
    await bot.click("events.going", event_id, as_="cai")
    await bot.click("events.going", event_id, as_="cai")  # no change, no update
    await bot.click("events.maybe", event_id, as_="ama")
    assert count_lines(bot) == [
        "1 going · 0 on the waitlist · 1 seat left",
        "2 going · 0 on the waitlist · 0 seats left",
        "2 going · 1 on the waitlist · 0 seats left",
        "2 going · 0 on the waitlist · 0 seats left",
    ]


async def test_without_capacity_the_count_line_shows_maybes(bot: Bot) -> None:
    event_id = str(await create_event(bot))
    await bot.click("events.going", event_id, as_="ama")
    [maybe] = await bot.click("events.maybe", event_id, as_="ben")
    assert "Maybe doesn't hold a seat" in maybe.text
    assert count_lines(bot)[-1] == "1 going · 1 maybe"


@pytest.mark.parametrize("forged", ["abc", "-1", "0", "1:going", "wres", "99999999999", "", "7"])
async def test_a_forged_button_value_is_refused_and_changes_nothing(bot: Bot, forged: str) -> None:
    await create_event(bot, capacity="2")
    for action in ("events.going", "events.maybe", "events.cant_go", "events.show"):
        [reply] = await bot.click(action, forged, as_="eve")
        assert "I can't find an event" in reply.text or "Which event?" in reply.text
    [card] = await bot.say("event 1", as_="eve")
    assert "You haven't answered yet." in card.text
    assert count_lines(bot) == []


async def test_a_cancelled_event_takes_no_rsvps(bot: Bot) -> None:
    event_id = str(await create_event(bot))
    await bot.click("events.cancel", event_id, as_="olu")
    [reply] = await bot.click("events.going", event_id, as_="ama")
    assert reply.text == "REMI drop-in workshop has been cancelled, so it isn't taking RSVPs."
    [card] = await bot.say(f"event {event_id}", as_="ama")
    assert card.text.startswith("Cancelled: REMI drop-in workshop")
    assert card.buttons == ()


async def test_after_the_deadline_rsvps_close_but_cant_go_still_works(bot: Bot) -> None:
    event_id = str(await create_event(bot, capacity="1", rsvp_deadline="27 Nov 2026 17:00"))
    await bot.click("events.going", event_id, as_="ama")
    bot.clock.set(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    [closed] = await bot.click("events.going", event_id, as_="ben")
    assert closed.text.startswith(
        "RSVPs for REMI drop-in workshop closed on Fri 27 Nov 2026, 17:00."
    )
    [cant] = await bot.click("events.cant_go", event_id, as_="ama")
    assert cant.text.startswith("Noted: you can't go")
    [attendees] = await bot.say(f"event attendees {event_id}", as_="olu")
    assert "Ben" not in attendees.text


async def test_rsvps_close_when_the_event_starts(bot: Bot) -> None:
    event_id = str(await create_event(bot))
    bot.clock.set(WORKSHOP_START)
    [reply] = await bot.click("events.going", event_id, as_="ama")
    assert reply.text == "REMI drop-in workshop has already started, so RSVPs are closed."


async def test_events_lists_upcoming_with_my_answer_and_filters_by_tag(bot: Bot) -> None:
    first = await create_event(bot)
    second = await create_event(
        bot, title="Steering group", audience="steering", start="Thu 3 Dec 2026 14:00", end="15:00"
    )
    await bot.click("events.maybe", str(second), as_="ama")
    [listing] = await bot.say("events", as_="ama")
    lines = listing.text.splitlines()
    assert lines[1].startswith(f"• {first}. REMI drop-in workshop")
    assert lines[2].endswith("0 going · 1 maybe · you said maybe")
    assert [b.value for b in listing.buttons] == [str(first), str(second)]
    [tagged] = await bot.say("events steering", as_="ama")
    assert "Steering group" in tagged.text and "REMI" not in tagged.text
    [none] = await bot.say("events knitting", as_="ama")
    assert none.text == "There are no upcoming events tagged “knitting” yet."


async def test_event_shows_my_status_and_the_link_only_once_i_am_going(bot: Bot) -> None:
    event_id = str(await create_event(bot))
    [before] = await bot.say(f"event {event_id}", as_="ama")
    assert "You haven't answered yet." in before.text
    assert "meet.example.org" not in before.text
    assert [b.label for b in before.buttons] == ["Going", "Maybe", "Can't go"]
    await bot.click("events.going", event_id, as_="ama")
    [after] = await bot.say(f"event #{event_id}", as_="ama")
    assert "You're going." in after.text
    assert "Join online: https://meet.example.org/remi" in after.text


@pytest.mark.parametrize(
    ("typed", "expected"), [("", "`<number>` is missing"), ("soon", "“soon” is not a number")]
)
async def test_event_without_a_number_explains(bot: Bot, typed: str, expected: str) -> None:
    [reply] = await bot.say(f"event {typed}", as_="ama")
    assert expected in reply.text and "`events`" in reply.text
