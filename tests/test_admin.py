"""Admins grant and revoke roles in chat."""

from contract.vocabulary import Role
from tests.conftest import Bot


async def test_an_admin_grants_and_revokes_a_role(bot: Bot) -> None:
    bot.grant("alice", Role.ADMIN)
    await bot.verify_dialog(
        [
            ("admin grant <@console:bob> organiser", "Done: bob now has the organiser role."),
            ("admin grant <@console:bob> organizer", "bob already has the organiser role."),
            ("admin roles", "• bob: organiser"),
            ("admin revoke <@console:bob> organiser", "no longer has the organiser role"),
            ("admin revoke <@console:bob> organiser", "They don't have that role"),
        ]
    )


async def test_a_granted_role_opens_the_command_it_guards(bot: Bot) -> None:
    bot.grant("alice", Role.ADMIN)
    [refused] = await bot.say("admin roles", as_="bob")
    assert "needs the admin role" in refused.text
    await bot.say("admin grant <@console:bob> admin")
    [allowed] = await bot.say("admin roles", as_="bob")
    assert "Who holds which role" in allowed.text


async def test_grant_without_a_person_or_with_an_unknown_role_explains_the_form(bot: Bot) -> None:
    bot.grant("alice", Role.ADMIN)
    for text in ("admin grant organiser", "admin grant <@console:bob> wizard"):
        [reply] = await bot.say(text)
        assert "admin grant @alice organiser" in reply.text
    [reply] = await bot.say("admin roles")
    assert "bob" not in reply.text


async def test_an_admin_cannot_remove_their_own_admin_role(bot: Bot) -> None:
    bot.grant("alice", Role.ADMIN)
    [reply] = await bot.say("admin revoke <@console:alice> admin")
    assert "can't remove your own admin role" in reply.text


async def test_a_member_cannot_grant(bot: Bot) -> None:
    [reply] = await bot.say("admin grant <@console:bob> admin", as_="mallory")
    assert "needs the admin role" in reply.text
    bot.grant("alice", Role.ADMIN)
    [roles] = await bot.say("admin roles")
    assert "mallory" not in roles.text.lower() and "bob" not in roles.text
