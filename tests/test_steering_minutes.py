"""Minutes filed against the latest meeting held; the history of meetings and their actions."""

from datetime import UTC, datetime

from tests.conftest import Bot
from tests.steering_support import CHAIR, confirmed_meeting, steering_group

AFTER_THE_MEETING = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


async def test_minutes_need_a_meeting_that_has_taken_place(bot: Bot) -> None:
    await steering_group(bot)
    await confirmed_meeting(bot)
    [reply] = await bot.say("minutes https://docs.example/minutes", as_="bob")
    assert reply.text.startswith("No steering group meeting has taken place yet")
    [history] = await bot.say("steering history", as_="bob")
    assert history.text == "No steering group meeting has taken place yet."


async def test_minutes_are_filed_replaced_by_the_chair_and_read_back(bot: Bot) -> None:
    await steering_group(bot)
    await confirmed_meeting(bot)
    bot.clock.set(AFTER_THE_MEETING)
    await bot.verify_dialog(
        [
            ("minutes", "No minutes yet for the meeting on Tue 8 Dec 2026, 10:00."),
            ("minutes https://docs.example/draft", "Filed the minutes of the meeting on Tue 8"),
        ],
        as_="bob",
    )
    await bot.verify_dialog(
        [("minutes https://docs.example/final", "Replaced the earlier minutes of the meeting")],
        as_=CHAIR,
    )
    await bot.verify_dialog(
        [
            (
                "minutes",
                "Minutes of the meeting on Tue 8 Dec 2026, 10:00:\nhttps://docs.example/final",
            )
        ],
        as_="bob",
    )


async def test_only_the_chair_or_an_admin_replaces_minutes(bot: Bot) -> None:
    await steering_group(bot)
    await confirmed_meeting(bot)
    bot.clock.set(AFTER_THE_MEETING)
    await bot.say("minutes https://docs.example/agreed", as_=CHAIR)
    [refused] = await bot.say("minutes https://docs.example/my-version", as_="cara")
    assert refused.text == (
        "The minutes of the meeting on Tue 8 Dec 2026, 10:00 are already filed, and only the "
        "chair (or an admin) can replace them. `minutes` shows them."
    )
    [kept] = await bot.say("minutes", as_="bob")
    assert kept.text.endswith("https://docs.example/agreed")


async def test_history_lists_meetings_with_their_minutes_and_the_actions_they_created(
    bot: Bot,
) -> None:
    await steering_group(bot)
    await bot.say("action add <@console:dev> Before any meeting due 30 Nov", as_=CHAIR)
    await confirmed_meeting(bot)
    bot.clock.set(AFTER_THE_MEETING)
    await bot.say("minutes Agreed the budget; REMI results in February.", as_=CHAIR)
    await bot.say("action add <@console:cara> Draft the annual report due 18 Dec", as_=CHAIR)
    await bot.say("action add <@console:bob> Share the toolkit due 11 Dec", as_=CHAIR)
    await bot.say("action done 3", as_="bob")
    bot.clock.set(datetime(2026, 12, 20, 9, 0, tzinfo=UTC))
    [history] = await bot.say("steering history", as_="dev")
    assert history.text == (
        "Past steering group meetings, the latest first:\n"
        "Tue 8 Dec 2026, 10:00\n"
        "  Minutes: Agreed the budget; REMI results in February.\n"
        "  Action #2 Draft the annual report (cara, due Fri 18 Dec 2026) (overdue): open\n"
        "  Action #3 Share the toolkit (bob, due Fri 11 Dec 2026): done"
    )
