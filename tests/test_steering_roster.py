"""The roster: admins add and remove members and set the chair; only members (and admins)
reach the group's commands and buttons."""

import pytest

from contract.vocabulary import Role
from storage import steering
from tests.conftest import Bot
from tests.steering_support import ADMIN, CHAIR, member_id, open_poll, steering_group


async def test_an_admin_keeps_the_roster_and_sets_the_chair(bot: Bot) -> None:
    bot.grant(ADMIN, Role.ADMIN)
    await bot.verify_dialog(
        [
            ("steering add <@console:bob>", "Done: bob is now on the steering group."),
            ("steering add <@console:bob>", "bob is already on the steering group."),
            ("steering add <@console:cara>", "Done: cara"),
            ("steering chair <@console:cara>", "Done: cara now chairs the steering group."),
            ("steering chair <@console:zed>", "The chair must be on the steering group"),
            ("steering members", "The steering group (2):\n• bob\n• cara (chair)\nQuorum: 2"),
            ("steering remove <@console:cara>", "cara is no longer on the steering group. They"),
            ("steering remove <@console:cara>", "They aren't on the steering group"),
            ("steering members", "The steering group (1):\n• bob\nQuorum: 1 (a majority"),
        ],
        as_=ADMIN,
    )
    [members_now] = await bot.say("steering members", as_=ADMIN)
    assert "No chair yet" in members_now.text


async def test_roster_commands_need_a_person(bot: Bot) -> None:
    bot.grant(ADMIN, Role.ADMIN)
    await bot.verify_dialog(
        [
            ("steering add", "`@person` is missing: the member, named with @"),
            ("steering remove bob", "Name the person with @, like @alice."),
            ("steering chair", "`@person` is missing"),
            ("steering members", "Nobody is on the steering group yet."),
        ],
        as_=ADMIN,
    )


async def test_only_admins_change_the_roster(bot: Bot) -> None:
    await steering_group(bot)
    for command in ("steering add <@console:mallory>", "steering chair <@console:bob>"):
        [refused] = await bot.say(command, as_="bob")
        assert "needs the admin role" in refused.text
    chair = member_id(bot, CHAIR)
    with bot.app.services.db.session() as session:
        assert steering.group_settings(session).chair_id == chair
    [listing] = await bot.say("steering members", as_="bob")
    assert "mallory" not in listing.text


@pytest.mark.parametrize(
    "command",
    [
        "agenda add Budget",
        "agenda",
        "steering poll",
        "steering members",
        "steering plan",
        "actions",
        "action add <@console:bob> Draft due Fri 4 Dec",
        "minutes https://docs.example/1",
        "steering history",
        "steering next",
    ],
)
async def test_a_non_member_is_refused_every_steering_command(bot: Bot, command: str) -> None:
    await steering_group(bot)
    [refused] = await bot.say(command, as_="mallory")
    assert "needs the steering group role" in refused.text


async def test_a_non_member_cannot_see_or_answer_a_poll(bot: Bot) -> None:
    await steering_group(bot)
    await open_poll(bot, "Tue 8 Dec 2026 10:00\nWed 9 Dec 2026 14:00", "1 Dec 2026 17:00")
    [refused] = await bot.say("steering poll", as_="mallory")
    assert "needs the steering group role" in refused.text
    assert "8 Dec" not in refused.text
    [click] = await bot.click("steering.answer", "1:yes", as_="mallory")
    assert "needs the steering group role" in click.text
    mallory = member_id(bot, "mallory")
    with bot.app.services.db.session() as session:
        poll = steering.current_poll(session)
        assert poll is not None
        assert steering.member_answers(session, poll.id, mallory) == {}


async def test_an_admin_off_the_roster_may_run_things_but_not_answer_polls(bot: Bot) -> None:
    await steering_group(bot)
    await open_poll(bot, "Tue 8 Dec 2026 10:00\nWed 9 Dec 2026 14:00", "1 Dec 2026 17:00")
    [view] = await bot.say("steering poll", as_=ADMIN)
    assert "finding a time" in view.text
    [click] = await bot.click(view.buttons[0].action_id, view.buttons[0].value, as_=ADMIN)
    assert "Only steering group members answer its polls." in click.text


async def test_the_chair_sets_the_quorum_and_members_cannot(bot: Bot) -> None:
    await steering_group(bot)
    await bot.verify_dialog([("steering quorum 3", "fewer than 3 members")], as_=CHAIR)
    await bot.verify_dialog(
        [
            ("steering quorum 0", "The number must be from 1 to 100"),
            ("steering quorum lots", "“lots” is not a number"),
        ],
        as_=CHAIR,
    )
    [too_many] = await bot.say("steering quorum 5", as_=CHAIR)
    assert too_many.text == (
        "The steering group has 4 members, so a quorum of 5 could never be met. Give a number "
        "from 1 to 4."
    )
    [refused] = await bot.say("steering quorum 1", as_="bob")
    assert "Only the steering group's chair" in refused.text
    [listing] = await bot.say("steering members", as_="bob")
    assert "Quorum: 3." in listing.text
