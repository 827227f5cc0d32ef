"""Actions: given with an owner and a due date, reminded, listed, marked done."""

from datetime import UTC, datetime

import pytest

from storage import due, steering
from tests.conftest import Bot
from tests.steering_support import (
    ADMIN,
    CHAIR,
    dispatch_at,
    dm_recipients,
    dms_to,
    steering_group,
)


def stored_actions(bot: Bot) -> list[steering.ActionItem]:
    with bot.app.services.db.session() as session:
        return steering.open_actions(session)


def reminder_times(bot: Bot, action_id: int) -> dict[str, datetime]:
    with bot.app.services.db.session() as session:
        rows = due.keys_starting(session, f"steering:action:{action_id}:")
    prefix = f"steering:action:{action_id}:"
    return {r.key.removeprefix(prefix): r.due_at for r in rows if r.cancelled_at is None}


async def test_an_action_is_noted_its_owner_told_and_reminded(bot: Bot) -> None:
    await steering_group(bot)
    [noted] = await bot.say(
        "action add <@console:cara> Draft the annual report due Fri 4 Dec", as_="bob"
    )
    assert noted.text == (
        "Noted: #1 Draft the annual report (cara, due Fri 4 Dec 2026). I'll remind cara 3 "
        "days before and on the day."
    )
    [told] = dms_to(bot, "cara")
    assert told.text.startswith("bob gave you a steering group action: #1 Draft the annual")
    assert reminder_times(bot, 1) == {
        "remind:3d": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        "remind:day": datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
    }

    [soon] = await dispatch_at(bot, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert soon.sent == "reminded cara of action #1: it is due in 3 days, on Fri 4 Dec 2026"
    assert dm_recipients(bot) == ["cara"]
    [today] = await dispatch_at(bot, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    [message] = dms_to(bot, "cara")
    assert message.text.startswith(
        "A reminder: your steering group action #1 “Draft the annual report” is due today."
    )
    assert today.sent is not None


async def test_a_reminder_sent_after_the_due_date_says_the_action_is_overdue(bot: Bot) -> None:
    await steering_group(bot)
    await bot.say("action add <@console:cara> Draft the annual report due Fri 4 Dec", as_="bob")
    # The dispatcher was down from before the three-day reminder until the day after.
    await dispatch_at(bot, datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    [message] = dms_to(bot, "cara")
    assert message.text.startswith(
        "A reminder: your steering group action #1 “Draft the annual report” was due on "
        "Fri 4 Dec 2026 and is overdue."
    )
    assert "due in 3 days" not in message.text


async def test_a_late_three_day_reminder_counts_the_days_left_when_it_goes(bot: Bot) -> None:
    await steering_group(bot)
    await bot.say("action add <@console:cara> Draft the annual report due Fri 4 Dec", as_="bob")
    await dispatch_at(bot, datetime(2026, 12, 3, 14, 0, tzinfo=UTC))
    [message] = dms_to(bot, "cara")
    assert "“Draft the annual report” is due tomorrow, on Fri 4 Dec 2026." in message.text


@pytest.mark.parametrize(
    ("added_at", "promise"),
    [
        (datetime(2026, 12, 2, 12, 0, tzinfo=UTC), "I'll remind cara on the day."),
        (datetime(2026, 12, 4, 12, 0, tzinfo=UTC), "It's due too soon for a reminder."),
    ],
)
async def test_the_reply_promises_only_reminders_still_to_come(
    bot: Bot, added_at: datetime, promise: str
) -> None:
    await steering_group(bot)
    bot.clock.set(added_at)
    [noted] = await bot.say(
        "action add <@console:cara> Draft the annual report due Fri 4 Dec 2026", as_="bob"
    )
    assert noted.text.endswith(promise)
    assert "3 days before" not in noted.text


async def test_action_reminders_are_at_nine_in_london_across_the_spring_change(bot: Bot) -> None:
    await steering_group(bot)
    bot.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    await bot.say("action add <@console:cara> Send the survey due 29 Mar 2027", as_=CHAIR)
    assert reminder_times(bot, 1) == {
        "remind:3d": datetime(2027, 3, 26, 9, 0, tzinfo=UTC),  # GMT
        "remind:day": datetime(2027, 3, 29, 8, 0, tzinfo=UTC),  # BST
    }


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("action add <@console:cara> Draft the annual report", "`due <date>` is missing"),
        ("action add Draft the report due Fri 4 Dec", "Name the owner"),
        ("action add <@console:cara> due Fri 4 Dec", "`<text>` is missing"),
        ("action add <@console:cara> Draft it due whenever", "I couldn't read “whenever”"),
        ("action add <@console:cara> Draft it due 20 Nov 2026", "Fri 20 Nov 2026 has passed"),
        ("action add <@console:zed> Draft it due Fri 4 Dec", "they aren't one"),
        ("action add <@console:cara> " + "x" * 301 + " due Fri 4 Dec", "300 characters at most"),
    ],
)
async def test_a_bad_action_is_explained_and_nothing_is_stored(
    bot: Bot, command: str, reply: str
) -> None:
    await steering_group(bot)
    bot.messenger.sent.clear()
    [answer] = await bot.say(command, as_="bob")
    assert reply in answer.text
    assert stored_actions(bot) == []
    assert bot.messenger.sent == []


async def test_actions_are_listed_soonest_first_with_overdue_marked(bot: Bot) -> None:
    await steering_group(bot)
    [none] = await bot.say("actions", as_="bob")
    assert none.text.startswith("No open actions.")
    await bot.say("action add <@console:bob> Share the toolkit due 20 Dec", as_=CHAIR)
    await bot.say("action add <@console:cara> Draft the report due 30 Nov", as_=CHAIR)
    bot.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    [listing] = await bot.say("actions", as_="dev")
    assert listing.text == (
        "Open actions, soonest due first:\n"
        "• #2 Draft the report (cara, due Mon 30 Nov 2026) (overdue)\n"
        "• #1 Share the toolkit (bob, due Sun 20 Dec 2026)"
    )


async def test_the_owner_or_chair_marks_an_action_done_and_its_reminders_stop(bot: Bot) -> None:
    await steering_group(bot)
    await bot.say("action add <@console:cara> Draft the report due Fri 4 Dec", as_=CHAIR)
    await bot.say("action add <@console:bob> Share the toolkit due Fri 4 Dec", as_=CHAIR)
    await bot.verify_dialog(
        [
            ("action done 1", "Action #1 belongs to cara; only they or the chair"),
            ("action done #9", "There is no action #9"),
            ("action done soon", "“soon” is not a number"),
        ],
        as_="dev",
    )
    await bot.verify_dialog(
        [
            ("action done #1", "Done: action #1 “Draft the report” is marked done."),
            ("action done 1", "Action #1 was already done."),
        ],
        as_="cara",
    )
    await bot.verify_dialog([("action done 2", "Done: action #2")], as_=CHAIR)
    assert stored_actions(bot) == []
    assert reminder_times(bot, 1) == {} and reminder_times(bot, 2) == {}
    assert await dispatch_at(bot, datetime(2026, 12, 4, 9, 0, tzinfo=UTC)) == []


async def test_an_admin_can_mark_any_action_done(bot: Bot) -> None:
    await steering_group(bot)
    await bot.say("action add <@console:cara> Draft the report due Fri 4 Dec", as_=CHAIR)
    await bot.verify_dialog([("action done 1", "Done: action #1")], as_=ADMIN)
