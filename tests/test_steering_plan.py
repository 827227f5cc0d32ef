"""`steering plan`: the two-monthly cadence and the meetings actually set."""

from datetime import UTC, datetime, timedelta

from storage import steering
from tests.conftest import Bot
from tests.steering_support import member_id, steering_group


def set_meetings(bot: Bot, *starts: datetime) -> None:
    chair = member_id(bot, "chair")
    with bot.app.services.db.session() as session:
        for start in starts:
            steering.create_meeting(
                session,
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                link="",
                created_by=chair,
                now=bot.clock.now(),
            )


async def plan_lines(bot: Bot) -> list[str]:
    [reply] = await bot.say("steering plan", as_="bob")
    return reply.text.splitlines()


async def test_with_no_meetings_the_cadence_starts_this_month(bot: Bot) -> None:
    await steering_group(bot)
    assert await plan_lines(bot) == [
        "The steering group meets every two months. The next six expected:",
        "• November 2026: not set yet",
        "• January 2027: not set yet",
        "• March 2027: not set yet",
        "• May 2027: not set yet",
        "• July 2027: not set yet",
        "• September 2027: not set yet",
        "The chair sets a meeting by finding a time with `steering poll`.",
    ]


async def test_the_cadence_follows_the_last_meeting_and_shows_those_set(bot: Bot) -> None:
    await steering_group(bot)
    set_meetings(
        bot,
        datetime(2026, 12, 8, 10, tzinfo=UTC),
        datetime(2027, 2, 9, 10, tzinfo=UTC),
        datetime(2027, 3, 16, 14, tzinfo=UTC),
    )
    bot.clock.set(datetime(2027, 1, 5, 9, tzinfo=UTC))
    assert await plan_lines(bot) == [
        "The steering group meets every two months. The next six expected:",
        "• February 2027: set for Tue 9 Feb 2027, 10:00",
        "• April 2027: not set yet",
        "• June 2027: not set yet",
        "• August 2027: not set yet",
        "• October 2027: not set yet",
        "• December 2027: not set yet",
        "Also set: Tue 16 Mar 2027, 14:00.",
        "The chair sets a meeting by finding a time with `steering poll`.",
    ]


async def test_a_long_gap_keeps_the_cadence_in_step_without_going_back(bot: Bot) -> None:
    await steering_group(bot)
    set_meetings(bot, datetime(2026, 1, 13, 10, tzinfo=UTC))
    lines = await plan_lines(bot)  # now is November 2026
    assert lines[1:3] == ["• November 2026: not set yet", "• January 2027: not set yet"]
