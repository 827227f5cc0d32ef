"""A confirmed meeting: reminders at the right London wall-clock time (across the clock
changes), attendance, and the chair's quorum warning."""

from datetime import UTC, datetime

import pytest

from storage import due
from tests.conftest import Bot
from tests.steering_support import (
    CHAIR,
    MEMBERS,
    button_for,
    confirmed_meeting,
    dispatch_at,
    dm_recipients,
    dms_to,
    steering_group,
)

MEETING = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # Tue 8 Dec 2026, 10:00 in London


@pytest.mark.parametrize(
    ("opened", "slot", "expected"),
    [
        # Clocks go forward on 28 March 2027: a week before 10:00 BST is 10:00 GMT.
        (
            datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
            "1 Apr 2027 10:00",
            {
                "remind:7d": datetime(2027, 3, 25, 10, 0, tzinfo=UTC),
                "quorum": datetime(2027, 3, 30, 9, 0, tzinfo=UTC),
                "remind:1d": datetime(2027, 3, 31, 9, 0, tzinfo=UTC),
                "agenda": datetime(2027, 3, 31, 9, 0, tzinfo=UTC),
                "remind:1h": datetime(2027, 4, 1, 8, 0, tzinfo=UTC),
            },
        ),
        # Clocks go back on 25 October 2026: a week before 10:00 GMT is 10:00 BST.
        (
            datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
            "29 Oct 2026 10:00",
            {
                "remind:7d": datetime(2026, 10, 22, 9, 0, tzinfo=UTC),
                "quorum": datetime(2026, 10, 27, 10, 0, tzinfo=UTC),
                "remind:1d": datetime(2026, 10, 28, 10, 0, tzinfo=UTC),
                "agenda": datetime(2026, 10, 28, 10, 0, tzinfo=UTC),
                "remind:1h": datetime(2026, 10, 29, 9, 0, tzinfo=UTC),
            },
        ),
    ],
)
async def test_reminders_keep_the_london_wall_clock_time_across_a_clock_change(
    bot: Bot, opened: datetime, slot: str, expected: dict[str, datetime]
) -> None:
    bot.clock.set(opened)
    await steering_group(bot)
    await confirmed_meeting(bot, slots=f"{slot}\n{slot.replace(' 10:00', ' 14:00')}", closes="+1d")
    with bot.app.services.db.session() as session:
        rows = due.keys_starting(session, "steering:meeting:1:")
    assert {row.key.removeprefix("steering:meeting:1:"): row.due_at for row in rows} == expected


async def test_the_call_for_agenda_items_waits_for_the_wall_clock_time(bot: Bot) -> None:
    bot.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    await steering_group(bot)
    await confirmed_meeting(bot, slots="1 Apr 2027 10:00\n2 Apr 2027 10:00", closes="+1d")
    # Exactly 7 × 24 hours before would be 09:00 UTC, an hour early by the London clock.
    assert await dispatch_at(bot, datetime(2027, 3, 25, 9, 0, tzinfo=UTC)) == []
    [call] = await dispatch_at(bot, datetime(2027, 3, 25, 10, 0, tzinfo=UTC))
    assert call.sent == "sent the call for agenda items for meeting 1 to 4 member(s)"
    [message] = dms_to(bot, "bob")
    assert message.text.startswith(
        "The LARCH steering group meets in a week: Thu 1 Apr 2027, 10:00–11:30. What should "
        "it discuss? Add an item with `agenda add <item>` (0 on the agenda so far"
    )


async def test_a_late_call_for_agenda_items_says_how_far_off_the_meeting_is(bot: Bot) -> None:
    bot.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    await steering_group(bot)
    await confirmed_meeting(bot, slots="1 Apr 2027 10:00\n2 Apr 2027 10:00", closes="+1d")
    # Due a week before; the dispatcher was down until four days before.
    [call] = await dispatch_at(bot, datetime(2027, 3, 28, 10, 0, tzinfo=UTC))
    assert call.sent == "sent the call for agenda items for meeting 1 to 4 member(s)"
    [message] = dms_to(bot, "bob")
    assert message.text.startswith(
        "The LARCH steering group meets in 4 days: Thu 1 Apr 2027, 10:00–11:30."
    )
    assert "in a week" not in message.text


async def test_reminders_found_late_give_way_to_the_latest_one_due(bot: Bot) -> None:
    bot.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    await steering_group(bot)
    await confirmed_meeting(bot, slots="1 Apr 2027 10:00\n2 Apr 2027 10:00", closes="+1d")
    # The dispatcher was down from before the week-before call until 40 minutes before.
    await dispatch_at(bot, datetime(2027, 4, 1, 8, 20, tzinfo=UTC))
    [message] = dms_to(bot, "bob")
    assert message.text.startswith("The LARCH steering group meets in 40 minutes: Thu 1 Apr")
    assert "Join here: https://meet.example/larch" in message.text
    # Once the meeting has started, nothing is left to say.
    await dispatch_at(bot, datetime(2027, 4, 1, 9, 5, tzinfo=UTC))
    assert dms_to(bot, "bob") == []


async def test_each_reminder_goes_out_once_with_what_it_promises(bot: Bot) -> None:
    await steering_group(bot)
    meeting = await confirmed_meeting(bot)
    await bot.say("agenda add Budget for the annual conference", as_="bob")
    [invite] = await bot.say("steering next", as_="cara")
    await bot.click(*button_for(invite, "Can't attend"), as_="cara")

    await dispatch_at(bot, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # the call for items
    [quorum_check] = await dispatch_at(bot, datetime(2026, 12, 6, 10, 0, tzinfo=UTC))
    assert quorum_check.key == "steering:meeting:1:quorum"

    outcomes = await dispatch_at(bot, datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    assert sorted(o.key for o in outcomes) == [
        "steering:meeting:1:agenda",
        "steering:meeting:1:remind:1d",
    ]
    [day_before] = dms_to(bot, "dev")
    assert "meets tomorrow: Tue 8 Dec 2026, 10:00–11:30." in day_before.text
    assert "1. Budget for the annual conference (added by bob)" in day_before.text
    [post] = [s for s in bot.messenger.sent if s.kind == "channel"]
    assert post.to == "steering"
    assert "Agenda for the steering group meeting, Tue 8 Dec 2026, 10:00–11:30:" in post.reply.text

    [link] = await dispatch_at(bot, meeting.starts_at.replace(hour=9))
    assert link.sent == "sent the joining link for meeting 1 to 3 member(s)"
    assert sorted(dm_recipients(bot)) == ["bob", "chair", "dev"]  # cara can't attend
    [hour_before] = dms_to(bot, "bob")
    assert "meets in 1 hour: Tue 8 Dec 2026, 10:00–11:30. Join here: " in hour_before.text
    assert hour_before.link is not None and hour_before.link.url == "https://meet.example/larch"
    assert await dispatch_at(bot, datetime(2026, 12, 9, tzinfo=UTC)) == []


async def test_the_chair_is_warned_when_too_few_will_attend(bot: Bot) -> None:
    await steering_group(bot)
    await bot.say("steering quorum 3", as_=CHAIR)
    await confirmed_meeting(bot)
    invite = dms_to(bot, "bob")[-1]
    [yes] = await bot.click(*button_for(invite, "Attending"), as_="bob")
    assert yes.text == "Thank you: noted that you'll attend on Tue 8 Dec 2026, 10:00–11:30."
    await bot.click(*button_for(invite, "Can't attend"), as_="cara")

    await dispatch_at(bot, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # the call for items
    [check] = await dispatch_at(bot, datetime(2026, 12, 6, 10, 0, tzinfo=UTC))
    assert check.sent == "warned the chair (1): 1 of 3 needed for meeting 1"
    assert dm_recipients(bot) == [CHAIR]
    [warning] = dms_to(bot, CHAIR)
    assert warning.text.startswith(
        "Quorum warning: only 1 of 4 members have said they will attend the LARCH steering "
        "group on Tue 8 Dec 2026, 10:00–11:30; the quorum is 3."
    )
    assert "Not answered yet: chair, dev." in warning.text
    assert "Can't attend: cara." in warning.text


async def test_no_warning_when_the_quorum_will_attend(bot: Bot) -> None:
    await steering_group(bot)
    await bot.say("steering quorum 2", as_=CHAIR)
    await confirmed_meeting(bot)
    for name in ("bob", "dev"):
        invite = dms_to(bot, name)[-1]
        await bot.click(*button_for(invite, "Attending"), as_=name)
    await dispatch_at(bot, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # the call for items
    [check] = await dispatch_at(bot, datetime(2026, 12, 6, 10, 0, tzinfo=UTC))
    assert check.sent is None and bot.messenger.sent == []


async def test_steering_next_shows_the_meeting_and_attendance_can_change(bot: Bot) -> None:
    await steering_group(bot)
    [none_yet] = await bot.say("steering next", as_="bob")
    assert "No meeting is set yet" in none_yet.text
    await confirmed_meeting(bot)
    [shown] = await bot.say("steering next", as_="bob")
    assert shown.text.startswith(
        "The next LARCH steering group meeting is Tue 8 Dec 2026, 10:00–11:30. 0 of 4 members "
        "have said they'll attend. You haven't said whether you'll attend."
    )
    assert shown.attachments[0].filename.endswith(".ics")
    await bot.click(*button_for(shown, "Attending"), as_="bob")
    [no] = await bot.click(*button_for(shown, "Can't attend"), as_="bob")
    assert "noted that you can't attend" in no.text
    [after] = await bot.say("steering next", as_="bob")
    assert "0 of 4 members have said they'll attend. You said you can't attend." in after.text


@pytest.mark.parametrize("value", ["", "1", "x:yes", "1:maybe", "99:yes", "1:yes:no"])
async def test_a_forged_attendance_button_changes_nothing(bot: Bot, value: str) -> None:
    await steering_group(bot)
    await confirmed_meeting(bot)
    [reply] = await bot.click("steering.attend", value, as_="bob")
    assert "doesn't match a steering group meeting, so nothing changed" in reply.text
    [shown] = await bot.say("steering next", as_="bob")
    assert "0 of 4 members have said they'll attend" in shown.text


async def test_attendance_cannot_change_once_the_meeting_has_started(bot: Bot) -> None:
    await steering_group(bot)
    meeting = await confirmed_meeting(bot)
    bot.clock.set(meeting.starts_at)
    [reply] = await bot.click("steering.attend", f"{meeting.id}:yes", as_="bob")
    assert "already started, so nothing changed" in reply.text


async def test_invites_reach_every_member(bot: Bot) -> None:
    await steering_group(bot)
    bot.messenger.sent.clear()
    await confirmed_meeting(bot)
    invited = [s.to for s in bot.messenger.sent if "You're invited" in s.reply.text]
    assert sorted(invited) == sorted([CHAIR, *MEMBERS])
