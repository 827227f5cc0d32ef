"""Organisers edit, cancel, message, list and export; attendees hear what concerns them."""

import csv
import io
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from contract.vocabulary import Platform
from storage import members
from tests.conftest import Bot
from tests.events_support import (
    WORKSHOP_END,
    announcement_updates,
    count_lines,
    create_event,
    direct_messages,
    edit_event,
)


async def test_the_edit_form_is_filled_with_the_event(bot: Bot) -> None:
    await create_event(bot, capacity="30", reminders="2d, 1h")
    [reply] = await bot.say("event edit 1", as_="olu")
    assert reply.form is not None and reply.form.value == "1"
    assert {f.name: f.initial for f in reply.form.fields} == {
        "title": "REMI drop-in workshop",
        "description": "Bring your progress sheet and your questions.",
        "start": "Tue 1 Dec 2026, 10:30",
        "end": "Tue 1 Dec 2026, 12:00",
        "venue": "City Hall, Room 4",
        "online_link": "https://meet.example.org/remi",
        "capacity": "30",
        "rsvp_deadline": "",
        "audience": "remi",
        "reminders": "48h, 1h",
    }


async def test_a_new_time_is_told_to_everyone_who_answered_with_an_updated_file(
    bot: Bot,
) -> None:
    await create_event(bot, capacity="1")
    await bot.click("events.going", "1", as_="ama")
    await bot.click("events.going", "1", as_="ben")  # waitlisted
    await bot.click("events.cant_go", "1", as_="cai")
    saved = await edit_event(bot, 1, start="Wed 2 Dec 2026 14:00", end="16:00")
    assert "I told 2 people about the new time or place." in saved.text
    for name in ("ama", "ben"):
        notice = direct_messages(bot, name)[-1]
        assert notice.text.startswith("REMI drop-in workshop has changed.")
        assert "When: Wed 2 Dec 2026, 14:00–16:00 (London time)" in notice.text
        [entry] = Calendar.from_ical(notice.attachments[0].content).walk("VEVENT")
        assert entry["SEQUENCE"] == 1
    assert direct_messages(bot, "cai") == []
    assert "Wed 2 Dec 2026, 14:00–16:00" in announcement_updates(bot)[-1]


async def test_the_joining_link_goes_only_to_those_with_a_seat(bot: Bot) -> None:
    await create_event(bot, capacity="1")
    await bot.click("events.going", "1", as_="ama")
    await bot.click("events.going", "1", as_="ben")  # waitlisted
    await bot.click("events.maybe", "1", as_="cai")
    await edit_event(bot, 1, start="Wed 2 Dec 2026 14:00", end="16:00")
    going = direct_messages(bot, "ama")[-1]
    assert "Join online: https://meet.example.org/remi" in going.text
    [entry] = Calendar.from_ical(going.attachments[0].content).walk("VEVENT")
    assert entry["URL"] == "https://meet.example.org/remi"
    for name in ("ben", "cai"):
        notice = direct_messages(bot, name)[-1]
        assert notice.text.startswith("REMI drop-in workshop has changed.")
        assert "meet.example.org" not in notice.text
        assert "The joining link comes with a seat." in notice.text
        assert b"meet.example.org" not in notice.attachments[0].content


async def test_a_description_edit_bothers_nobody(bot: Bot) -> None:
    await create_event(bot)
    await bot.click("events.going", "1", as_="ama")
    saved = await edit_event(bot, 1, description="Lunch provided.")
    assert saved.text == "Saved event 1, REMI drop-in workshop."
    assert direct_messages(bot, "ama") == []


async def test_more_seats_promote_from_the_waitlist(bot: Bot) -> None:
    await create_event(bot, capacity="1")
    for name in ("ama", "ben", "cai"):
        await bot.click("events.going", "1", as_=name)
    saved = await edit_event(bot, 1, capacity="2")
    assert "1 from the waitlist got a seat and were told." in saved.text
    assert direct_messages(bot, "ben")[-1].text.startswith("Good news: REMI drop-in workshop has")
    assert direct_messages(bot, "cai") == []
    assert count_lines(bot)[-1] == "2 going · 1 on the waitlist · 0 seats left"
    fewer = await edit_event(bot, 1, capacity="1")
    assert "Already going: 2 people, more than the 1 seats now offered" in fewer.text


async def test_a_bad_edit_changes_nothing(bot: Bot) -> None:
    await create_event(bot)
    saved = await edit_event(bot, 1, end="09:00", capacity="none")
    assert saved.text.startswith("Nothing was saved yet.")
    assert "The end (Tue 1 Dec 2026, 09:00) should be after the start" in saved.text
    [card] = await bot.say("event 1", as_="ama")
    assert "Tue 1 Dec 2026, 10:30–12:00" in card.text


async def test_cancel_asks_first_then_tells_everyone_and_updates_the_announcement(
    bot: Bot,
) -> None:
    await create_event(bot)
    await bot.click("events.going", "1", as_="ama")
    await bot.click("events.maybe", "1", as_="ben")
    [confirm] = await bot.say("event cancel 1", as_="olu")
    assert "I'll tell the 2 people who answered" in confirm.text
    [button] = confirm.buttons
    assert (button.action_id, button.value) == ("events.cancel", "1")
    [done] = await bot.click(button.action_id, button.value, as_="olu")
    assert (
        done.text == "Cancelled REMI drop-in workshop. I told 2 people and stopped every reminder."
    )
    for name in ("ama", "ben"):
        notice = direct_messages(bot, name)[-1]
        assert "has been cancelled" in notice.text
        calendar = Calendar.from_ical(notice.attachments[0].content)
        assert str(calendar["METHOD"]) == "CANCEL"
    last_update = [s.reply for s in bot.messenger.sent if s.kind == "update"][-1]
    assert last_update.text.startswith("Cancelled: REMI drop-in workshop")
    assert last_update.buttons == ()
    [twice] = await bot.click("events.cancel", "1", as_="olu")
    assert "has been cancelled, so it can't be changed" in twice.text
    [listing] = await bot.say("events", as_="ama")
    assert "no upcoming events" in listing.text


async def test_message_reaches_everyone_going(bot: Bot) -> None:
    await create_event(bot, capacity="1")
    await bot.click("events.going", "1", as_="ama")
    await bot.click("events.going", "1", as_="ben")
    [reply] = await bot.say("event message 1 The room has moved to 4B", as_="olu")
    assert reply.text == "Sent to 1 of the 1 person going."
    assert direct_messages(bot, "ama")[-1].text == (
        "From Olu, about REMI drop-in workshop:\nThe room has moved to 4B"
    )
    assert direct_messages(bot, "ben") == []
    [empty] = await bot.say("event message 1", as_="olu")
    assert "`<text>` is missing: what to tell everyone going" in empty.text


async def test_attendees_and_the_csv_export(bot: Bot) -> None:
    await create_event(bot, capacity="1")
    with bot.app.services.db.session() as session:
        ama = members.identify(session, Platform.CONSOLE, "ama", "Ama", bot.clock.now())
        members.set_organisation(session, ama.id, "Barts Health NHS Trust")
        # A name that a spreadsheet would run as a formula.
        members.identify(session, Platform.CONSOLE, "eve", "=cmd|calc", bot.clock.now())
    await bot.click("events.going", "1", as_="ama")
    bot.clock.set(datetime(2026, 11, 24, 18, 45, tzinfo=UTC))
    await bot.click("events.going", "1", as_="ben")
    await bot.click("events.maybe", "1", as_="cai")
    await bot.click("events.cant_go", "1", as_="eve")
    [listing] = await bot.say("event attendees 1", as_="olu")
    assert listing.text.splitlines() == [
        "REMI drop-in workshop (event 1): 1 going · 1 on the waitlist · 0 seats left",
        "Going (1):",
        "  • Ama (Barts Health NHS Trust)",
        "Waitlist (1):",
        "  1. Ben",
        "Maybe (1):",
        "  • Cai",
        "Can't go (1):",
        "  • =cmd|calc",
    ]
    [export] = await bot.say("event export 1", as_="olu")
    [attachment] = export.attachments
    assert (attachment.filename, attachment.media_type) == ("event-1-attendees.csv", "text/csv")
    rows = list(csv.reader(io.StringIO(attachment.content.decode("utf-8-sig"))))
    assert rows == [
        ["name", "organisation", "status", "rsvp time (London)"],
        ["Ama", "Barts Health NHS Trust", "going", "2026-11-23 09:00"],
        ["Ben", "", "waitlist 1", "2026-11-24 18:45"],
        ["Cai", "", "maybe", "2026-11-24 18:45"],
        ["'=cmd|calc", "", "can't go", "2026-11-24 18:45"],
    ]


async def test_rsvp_times_in_the_export_are_london_summer_time(bot: Bot) -> None:
    bot.clock.set(datetime(2027, 6, 1, 8, 0, tzinfo=UTC))
    await create_event(bot, start="Thu 10 Jun 2027 10:00", end="11:00")
    await bot.click("events.going", "1", as_="ama")
    [export] = await bot.say("event export 1", as_="olu")
    assert "Ama,,going,2027-06-01 09:00" in export.attachments[0].content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "command",
    [
        "event edit 1",
        "event cancel 1",
        "event message 1 hello",
        "event attendees 1",
        "event export 1",
        "event feedback 1",
    ],
)
async def test_organiser_commands_are_refused_to_members(bot: Bot, command: str) -> None:
    await create_event(bot)
    [reply] = await bot.say(command, as_="mallory")
    assert "needs the organiser role" in reply.text


@pytest.mark.parametrize("action", ["events.update", "events.cancel"])
async def test_forged_organiser_buttons_are_refused_to_members(bot: Bot, action: str) -> None:
    await create_event(bot)
    [reply] = await bot.click(action, "1", as_="mallory", title="Hijacked")
    assert "needs the organiser role" in reply.text
    [card] = await bot.say("event 1", as_="mallory")
    assert card.text.startswith("REMI drop-in workshop (event 1)")


async def test_a_finished_event_cannot_be_edited_or_cancelled(bot: Bot) -> None:
    await create_event(bot)
    bot.clock.set(WORKSHOP_END)
    for command in ("event edit 1", "event cancel 1"):
        [reply] = await bot.say(command, as_="olu")
        assert reply.text == "REMI drop-in workshop is over, so it can't be changed."
