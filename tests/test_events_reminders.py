"""Reminders through the shared dispatcher, with the injected clock: at the right wall-clock
time across both clock changes, following edits, silent for cancelled events and for
people no longer going, and sent exactly once across a restart."""

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from contract.vocabulary import MessageRef, Reply
from handlers.events.timing import reminder_due_at
from handlers.registry import build_dispatcher
from storage import due
from tests.conftest import Bot, RecordingMessenger
from tests.events_support import (
    WORKSHOP_END,
    WORKSHOP_START,
    create_event,
    direct_messages,
    edit_event,
)

LONDON = ZoneInfo("Europe/London")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def dispatch_at(bot: Bot, instant: datetime) -> list[str]:
    """One dispatcher pass at `instant`; the keys of what was actually sent."""
    bot.clock.set(instant)
    outcomes = await bot.app.dispatcher.run_once()
    assert [o.error for o in outcomes if o.error] == []
    return [o.key for o in outcomes if o.sent]


def reminders_to(bot: Bot, name: str) -> list[str]:
    return [r.text.splitlines()[0] for r in direct_messages(bot, name) if "Reminder" in r.text]


# --- when "24 hours before" is --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "day_before", "hour_before"),
    [
        # Sunday 28 March 2027, clocks go forward: 10:00 BST is 09:00 UTC; the day before
        # at 10:00 GMT is 10:00 UTC, only 23 elapsed hours earlier.
        (utc(2027, 3, 28, 9, 0), utc(2027, 3, 27, 10, 0), utc(2027, 3, 28, 8, 0)),
        # Sunday 31 October 2027, clocks go back: 10:00 GMT is 10:00 UTC; the day before
        # at 10:00 BST is 09:00 UTC, 25 elapsed hours earlier.
        (utc(2027, 10, 31, 10, 0), utc(2027, 10, 30, 9, 0), utc(2027, 10, 31, 9, 0)),
        # An ordinary winter day: wall clock and elapsed time agree.
        (utc(2026, 12, 1, 10, 30), utc(2026, 11, 30, 10, 30), utc(2026, 12, 1, 9, 30)),
    ],
)
def test_a_day_before_is_the_same_wall_clock_time(
    start: datetime, day_before: datetime, hour_before: datetime
) -> None:
    assert reminder_due_at(start, 24 * 60, LONDON) == day_before
    assert reminder_due_at(start, 60, LONDON) == hour_before
    assert reminder_due_at(start, 2 * 24 * 60, LONDON).astimezone(LONDON).hour == (
        start.astimezone(LONDON).hour
    )


async def test_sunday_the_clocks_go_forward(bot: Bot) -> None:
    event_id = await create_event(bot, start="Sun 28 Mar 2027 10:00", end="11:30")
    await bot.click("events.going", str(event_id), as_="ama")
    # 24 elapsed hours before would be 09:00 UTC on Saturday: nothing is due yet.
    assert await dispatch_at(bot, utc(2027, 3, 27, 9, 0)) == []
    assert await dispatch_at(bot, utc(2027, 3, 27, 9, 59)) == []
    assert await dispatch_at(bot, utc(2027, 3, 27, 10, 0)) == [
        "event:1:reminder:2:24h:20270328T0900Z"
    ]
    assert await dispatch_at(bot, utc(2027, 3, 28, 7, 59)) == []
    assert await dispatch_at(bot, utc(2027, 3, 28, 8, 0)) == [
        "event:1:reminder:2:1h:20270328T0900Z"
    ]
    assert reminders_to(bot, "ama") == [
        "Reminder: REMI drop-in workshop starts tomorrow.",
        "Reminder: REMI drop-in workshop starts in 1 hour.",
    ]
    day_before = direct_messages(bot, "ama")[-2]
    assert "When: Sun 28 Mar 2027, 10:00–11:30 (London time)" in day_before.text


async def test_sunday_the_clocks_go_back(bot: Bot) -> None:
    event_id = await create_event(bot, start="Sun 31 Oct 2027 10:00", end="11:30")
    await bot.click("events.going", str(event_id), as_="ama")
    assert await dispatch_at(bot, utc(2027, 10, 30, 8, 59)) == []
    assert await dispatch_at(bot, utc(2027, 10, 30, 9, 0)) == [
        "event:1:reminder:2:24h:20271031T1000Z"
    ]
    # 24 elapsed hours before, 10:00 UTC on Saturday, sends nothing more.
    assert await dispatch_at(bot, utc(2027, 10, 30, 10, 0)) == []
    assert await dispatch_at(bot, utc(2027, 10, 31, 8, 59)) == []
    assert await dispatch_at(bot, utc(2027, 10, 31, 9, 0)) == [
        "event:1:reminder:2:1h:20271031T1000Z"
    ]


async def test_a_reminder_carries_the_calendar_file_and_the_joining_link(bot: Bot) -> None:
    await create_event(bot)
    await bot.click("events.going", "1", as_="ama")
    await dispatch_at(bot, WORKSHOP_START - timedelta(hours=1))
    [reminder] = [r for r in direct_messages(bot, "ama") if "Reminder" in r.text]
    assert "Join online: https://meet.example.org/remi" in reminder.text
    assert reminder.link is not None and reminder.link.url == "https://meet.example.org/remi"
    [entry] = Calendar.from_ical(reminder.attachments[0].content).walk("VEVENT")
    assert entry.decoded("DTSTART") == WORKSHOP_START
    assert str(entry["UID"]) == "larch-event-1@larch-hub"


# --- who is reminded -------------------------------------------------------------------


async def test_only_people_going_are_reminded(bot: Bot) -> None:
    await create_event(bot, capacity="1")
    await bot.click("events.going", "1", as_="ama")
    await bot.click("events.going", "1", as_="ben")  # waitlisted
    await bot.click("events.maybe", "1", as_="cai")
    await bot.click("events.going", "1", as_="dee")  # changes their mind below
    await bot.click("events.cant_go", "1", as_="dee")
    await dispatch_at(bot, WORKSHOP_START - timedelta(hours=24))
    await dispatch_at(bot, WORKSHOP_START - timedelta(hours=1))
    assert len(reminders_to(bot, "ama")) == 2
    assert reminders_to(bot, "ben") == reminders_to(bot, "cai") == reminders_to(bot, "dee") == []


async def test_cant_go_stops_reminders_and_the_promoted_member_gets_them(bot: Bot) -> None:
    await create_event(bot, capacity="1")
    await bot.click("events.going", "1", as_="ama")
    await bot.click("events.going", "1", as_="ben")
    await dispatch_at(bot, WORKSHOP_START - timedelta(hours=24))
    assert reminders_to(bot, "ama") == ["Reminder: REMI drop-in workshop starts tomorrow."]
    await bot.click("events.cant_go", "1", as_="ama")
    await dispatch_at(bot, WORKSHOP_START - timedelta(hours=1))
    assert len(reminders_to(bot, "ama")) == 1
    # Ben got his seat after the day-before reminder time: only the hour-before one is left.
    assert reminders_to(bot, "ben") == ["Reminder: REMI drop-in workshop starts in 1 hour."]


async def test_a_seat_taken_after_a_reminder_time_skips_that_reminder(bot: Bot) -> None:
    await create_event(bot)
    bot.clock.set(WORKSHOP_START - timedelta(minutes=30))
    await bot.click("events.going", "1", as_="ama")
    assert await dispatch_at(bot, WORKSHOP_START - timedelta(minutes=29)) == []
    assert reminders_to(bot, "ama") == []


async def test_a_day_before_reminder_found_late_gives_way_to_the_hour_before(bot: Bot) -> None:
    await create_event(bot)
    await bot.click("events.going", "1", as_="ama")
    # The dispatcher was down from before the day-before time until the last hour.
    assert await dispatch_at(bot, WORKSHOP_START - timedelta(minutes=50)) == [
        "event:1:reminder:2:1h:20261201T1030Z"
    ]
    # It says how far off the start really is when it goes.
    assert reminders_to(bot, "ama") == ["Reminder: REMI drop-in workshop starts in 50 minutes."]


async def test_a_late_three_day_reminder_says_how_far_off_the_start_really_is(bot: Bot) -> None:
    await create_event(bot, reminders="3d")
    await bot.click("events.going", "1", as_="ama")
    # Due three days before; the dispatcher reaches it only two days before.
    await dispatch_at(bot, WORKSHOP_START - timedelta(days=2))
    assert reminders_to(bot, "ama") == ["Reminder: REMI drop-in workshop starts in 2 days."]


async def test_a_seat_taken_the_evening_before_promises_only_the_hour_before_reminder(
    bot: Bot,
) -> None:
    await create_event(bot)
    bot.clock.set(WORKSHOP_START - timedelta(hours=15))
    [reply] = await bot.click("events.going", "1", as_="ama")
    assert "I'll remind you 1 hour before." in reply.text
    bot.clock.set(WORKSHOP_START - timedelta(minutes=45))
    [reply] = await bot.click("events.going", "1", as_="ben")
    assert "remind you" not in reply.text
    assert "It starts too soon for any of its reminders, so none will come." in reply.text


async def test_an_rsvp_after_the_deadline_schedules_nothing(bot: Bot) -> None:
    await create_event(bot, rsvp_deadline="27 Nov 2026 17:00")
    bot.clock.set(utc(2026, 11, 28, 9, 0))
    await bot.click("events.going", "1", as_="ama")
    with bot.app.services.db.session() as session:
        assert due.keys_starting(session, "event:1:") == []


async def test_organisers_choose_the_offsets_or_switch_them_off(bot: Bot) -> None:
    await create_event(bot, reminders="2d, 30m")
    await create_event(bot, title="Quiet one", reminders="off")
    await bot.click("events.going", "1", as_="ama")
    [confirmation] = await bot.click("events.going", "2", as_="ama")
    assert "The organiser has switched reminders off for this event." in confirmation.text
    sent = []
    for instant in (
        WORKSHOP_START - timedelta(days=2),
        WORKSHOP_START - timedelta(hours=1),
        WORKSHOP_START - timedelta(minutes=30),
    ):
        sent += await dispatch_at(bot, instant)
    assert [key.split(":")[4] for key in sent if ":reminder:" in key] == ["48h", "30m"]
    assert reminders_to(bot, "ama") == [
        "Reminder: REMI drop-in workshop starts in 2 days.",
        "Reminder: REMI drop-in workshop starts in 30 minutes.",
    ]


# --- edits and cancellations -------------------------------------------------------------


async def test_a_moved_event_reminds_at_the_new_time(bot: Bot) -> None:
    await create_event(bot)
    await bot.click("events.going", "1", as_="ama")
    await edit_event(bot, 1, start="Thu 3 Dec 2026 10:30", end="12:00")
    assert await dispatch_at(bot, WORKSHOP_START - timedelta(hours=1)) == []
    assert await dispatch_at(bot, utc(2026, 12, 2, 10, 30)) == [
        "event:1:reminder:2:24h:20261203T1030Z"
    ]
    assert "Thu 3 Dec 2026, 10:30–12:00" in direct_messages(bot, "ama")[-1].text


async def test_a_reminder_already_sent_is_sent_again_only_if_the_time_moves(bot: Bot) -> None:
    await create_event(bot)
    await bot.click("events.going", "1", as_="ama")
    await dispatch_at(bot, utc(2026, 11, 30, 10, 30))
    # A new description keeps the start: the day-before reminder is not repeated.
    await edit_event(bot, 1, description="Now with lunch.")
    assert await dispatch_at(bot, utc(2026, 11, 30, 11, 30)) == []
    # A new start: Ama was reminded of the old time, so she is reminded of the new one.
    await edit_event(bot, 1, start="Tue 1 Dec 2026 12:30", end="14:00")
    assert await dispatch_at(bot, utc(2026, 11, 30, 12, 30)) == [
        "event:1:reminder:2:24h:20261201T1230Z"
    ]
    assert await dispatch_at(bot, utc(2026, 12, 1, 9, 30)) == []
    assert await dispatch_at(bot, utc(2026, 12, 1, 11, 30)) == [
        "event:1:reminder:2:1h:20261201T1230Z"
    ]
    assert reminders_to(bot, "ama") == [
        "Reminder: REMI drop-in workshop starts tomorrow.",
        "Reminder: REMI drop-in workshop starts tomorrow.",
        "Reminder: REMI drop-in workshop starts in 1 hour.",
    ]
    assert "Tue 1 Dec 2026, 12:30–14:00" in direct_messages(bot, "ama")[-1].text


async def test_a_cancelled_event_never_reminds(bot: Bot) -> None:
    await create_event(bot)
    await bot.click("events.going", "1", as_="ama")
    [confirm] = await bot.say("event cancel 1", as_="olu")
    await bot.click(confirm.buttons[0].action_id, confirm.buttons[0].value, as_="olu")
    # Even a row that slipped past the cancellation is checked before sending.
    with bot.app.services.db.session() as session:
        due.schedule(
            session,
            "event:1:reminder:2:1h:20261201T1030Z",
            "events.reminder",
            WORKSHOP_START - timedelta(hours=1),
            {"event_id": 1, "member_id": 2, "minutes": 60, "starts_at": WORKSHOP_START.isoformat()},
        )
    assert await dispatch_at(bot, WORKSHOP_END + timedelta(hours=1)) == []
    assert reminders_to(bot, "ama") == []


# --- restarts ------------------------------------------------------------------------------


class StallingMessenger(RecordingMessenger):
    """Delivers `allow` direct messages, then hangs as a process would while being killed."""

    def __init__(self, allow: int) -> None:
        super().__init__()
        self.allow = allow

    async def send_direct(self, user_id: str, reply: Reply) -> MessageRef:
        if self.allow == 0:
            await asyncio.Event().wait()
        self.allow -= 1
        return await super().send_direct(user_id, reply)


async def test_every_reminder_is_sent_exactly_once_across_a_restart(bot: Bot) -> None:
    await create_event(bot)
    people = ["ama", "ben", "cai", "dee", "eli"]
    for name in people:
        await bot.click("events.going", "1", as_=name)
    services = bot.app.services
    # The dispatcher is down through the day-before reminder time and comes back two hours
    # later; it delivers two reminders and is killed while sending the third.
    bot.clock.set(WORKSHOP_START - timedelta(hours=22))
    stalling = StallingMessenger(allow=2)
    services.messengers = {**services.messengers, stalling.platform: stalling}
    first = asyncio.create_task(build_dispatcher(bot.app.registry, services, batch=10).run_once())
    while len(stalling.sent) < 2:
        await asyncio.sleep(0)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first

    # A new process starts. The rows the dead one claimed are leased to it for a while.
    restarted = RecordingMessenger()
    services.messengers = {**services.messengers, restarted.platform: restarted}
    second = build_dispatcher(bot.app.registry, services)
    assert [o.key for o in await second.run_once() if o.sent] == []
    bot.clock.advance(timedelta(minutes=6))
    await second.run_once()
    await second.run_once()
    before_crash = [s.to for s in stalling.sent]
    after_restart = [s.to for s in restarted.sent]
    assert len(before_crash) == 2 and len(after_restart) == 3
    assert sorted(before_crash + after_restart) == people
