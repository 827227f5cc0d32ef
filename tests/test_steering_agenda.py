"""The next meeting's agenda: members add, the chair orders, overdue actions join it."""

from datetime import UTC, datetime

from storage import steering
from tests.conftest import Bot
from tests.steering_support import CHAIR, confirmed_meeting, steering_group


async def agenda_lines(bot: Bot, as_: str = "bob") -> list[str]:
    [reply] = await bot.say("agenda", as_=as_)
    return reply.text.splitlines()[1:]


async def test_no_agenda_before_a_meeting_is_set(bot: Bot) -> None:
    await steering_group(bot)
    for command in ("agenda", "agenda add Budget", "agenda move 1 2", "agenda drop 1"):
        [reply] = await bot.say(command, as_=CHAIR)
        assert reply.text.startswith("No meeting is set yet, so there is no agenda.")
    [unknown] = await bot.say("agenda remove 2", as_=CHAIR)
    assert unknown.text.startswith("I didn't expect “remove 2”.")
    assert "Or one of: `agenda add <item>`, `agenda move <number> <position>`" in unknown.text


async def test_members_add_items_and_read_them_in_order(bot: Bot) -> None:
    await steering_group(bot)
    await confirmed_meeting(bot)
    assert await agenda_lines(bot) == ["No items yet. Add one with `agenda add <item>`."]
    await bot.verify_dialog(
        [
            ("agenda add Budget for the annual conference", "Added as item 1 on the agenda for "),
            ("agenda add REMI check-in results", "Added as item 2 on the agenda for Tue 8 Dec"),
            ("agenda add", "`<item>` is missing: what the group should discuss"),
            ("agenda add " + "x" * 301, "The item is too long (300 characters at most)"),
        ],
        as_="bob",
    )
    await bot.say("agenda add Terms of reference", as_="cara")
    [reply] = await bot.say("agenda", as_="dev")
    assert reply.text == (
        "Agenda for the steering group meeting, Tue 8 Dec 2026, 10:00–11:30:\n"
        "1. Budget for the annual conference (added by bob)\n"
        "2. REMI check-in results (added by bob)\n"
        "3. Terms of reference (added by cara)"
    )


async def test_the_chair_moves_and_drops_items(bot: Bot) -> None:
    await steering_group(bot)
    await confirmed_meeting(bot)
    for item in ("Budget", "REMI results", "Terms of reference"):
        await bot.say(f"agenda add {item}", as_="bob")
    [moved] = await bot.say("agenda move 3 1", as_=CHAIR)
    assert moved.text.startswith("Moved “Terms of reference” to position 1.")
    assert await agenda_lines(bot) == [
        "1. Terms of reference (added by bob)",
        "2. Budget (added by bob)",
        "3. REMI results (added by bob)",
    ]
    [dropped] = await bot.say("agenda drop 2", as_=CHAIR)
    assert dropped.text.startswith("Dropped “Budget”.")
    assert await agenda_lines(bot) == [
        "1. Terms of reference (added by bob)",
        "2. REMI results (added by bob)",
    ]
    await bot.verify_dialog(
        [
            ("agenda move 3 1", "The agenda has 2 items: use numbers from 1 to 2"),
            ("agenda move 1 0", "The position must be 1 or more"),
            ("agenda move 1", "`<position>` is missing: where it should go"),
            ("agenda move first last", "“first” is not a number"),
            ("agenda drop 5", "The agenda has 2 items"),
            ("agenda drop", "`<number>` is missing: the item's number"),
        ],
        as_=CHAIR,
    )
    assert len(await agenda_lines(bot)) == 2


async def test_a_member_cannot_reorder_or_drop(bot: Bot) -> None:
    await steering_group(bot)
    await confirmed_meeting(bot)
    await bot.say("agenda add Budget", as_="bob")
    await bot.say("agenda add Terms", as_="bob")
    for command in ("agenda move 2 1", "agenda drop 1"):
        [refused] = await bot.say(command, as_="bob")
        assert "Only the steering group's chair (or an admin) can do that." in refused.text
    assert await agenda_lines(bot) == ["1. Budget (added by bob)", "2. Terms (added by bob)"]


async def test_overdue_actions_are_listed_on_the_next_agenda_automatically(bot: Bot) -> None:
    await steering_group(bot)
    await confirmed_meeting(bot)
    await bot.say("agenda add Budget", as_="bob")
    await bot.say("action add <@console:cara> Draft the annual report due 30 Nov", as_=CHAIR)
    await bot.say("action add <@console:dev> Book the room due 30 Nov", as_=CHAIR)
    await bot.say("action add <@console:bob> Share the toolkit due 20 Dec", as_=CHAIR)
    await bot.say("action done 2", as_="dev")
    assert "Overdue actions:" not in "\n".join(await agenda_lines(bot))
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    assert await agenda_lines(bot) == [
        "1. Budget (added by bob)",
        "",
        "Overdue actions:",
        "• #1 Draft the annual report (cara, due Mon 30 Nov 2026)",
    ]
    with bot.app.services.db.session() as session:
        assert [a.id for a in steering.open_actions(session)] == [1, 3]
