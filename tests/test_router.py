"""The router: commands and buttons reach their handlers; the shared rules hold for all."""

import logging

import pytest

from contract.specs import Feature, Registry
from contract.vocabulary import Actor, Command, Platform, Role
from handlers.registry import build_registry
from tests.conftest import Bot


def test_the_longest_command_name_wins() -> None:
    registry = build_registry()
    spec, args = registry.match("remi stages please")  # type: ignore[misc]
    assert (spec.name, args) == ("remi stages", "please")
    spec, args = registry.match("DEFINE   structural racism")  # type: ignore[misc]
    assert (spec.name, args) == ("define", "structural racism")
    assert registry.match("what is WRES?") is None


def test_command_names_are_unique() -> None:
    registry = build_registry()
    twice = Feature(commands=[registry.commands[0]])
    with pytest.raises(ValueError, match="two of each command: define"):
        Registry([*registry.features, twice], registry.question)


async def test_help_lists_every_command_the_member_may_use(bot: Bot) -> None:
    [reply] = await bot.say("help")
    for spec in bot.app.registry.commands:
        if spec.role == Role.MEMBER:
            assert f"`{spec.usage}`: {spec.summary}" in reply.text
    assert "admin grant" not in reply.text


async def test_help_for_an_admin_includes_admin_commands(bot: Bot) -> None:
    bot.grant("alice", Role.ADMIN)
    [reply] = await bot.say("help")
    assert "`admin grant @person <role>`" in reply.text


async def test_help_for_one_command_shows_its_examples(bot: Bot) -> None:
    [reply] = await bot.say("help define")
    assert "Example: `define structural racism`" in reply.text
    [reply] = await bot.say("help dance")
    assert "I don't have a command called `dance`" in reply.text


async def test_empty_input_gets_a_friendly_pointer(bot: Bot) -> None:
    [reply] = await bot.say("   ")
    assert "type `help`" in reply.text


async def test_a_40kb_message_is_refused_kindly(bot: Bot) -> None:
    [reply] = await bot.say("define " + "racism " * 6000)
    assert "longer than I can read" in reply.text


async def test_a_command_needing_a_role_says_which_role_and_who_to_ask(bot: Bot) -> None:
    bot.grant("dora", Role.ADMIN)
    [reply] = await bot.say("admin roles", as_="bob")
    assert "needs the admin role" in reply.text
    assert "Dora" in reply.text


async def test_bots_are_ignored(bot: Bot) -> None:
    other_bot = Actor(Platform.SLACK, "B1", "Some bot", is_bot=True)
    assert await bot.app.router.handle_command(Command(other_bot, "help")) == []


async def test_an_unknown_or_forged_button_changes_nothing(bot: Bot) -> None:
    [reply] = await bot.click("events.delete_everything", "1")
    assert "no longer does anything" in reply.text


async def test_a_failing_handler_becomes_an_apology_and_a_logged_trace(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(bot.app.services.knowledge, "lookup", broken)
    with caplog.at_level(logging.ERROR):
        [reply] = await bot.say("define racism")
    assert "something went wrong on my side" in reply.text
    assert "index corrupted" not in reply.text and "Traceback" not in reply.text
    assert "index corrupted" in caplog.text


@pytest.mark.parametrize("spec_index", range(len(build_registry().commands)))
async def test_every_command_has_help_and_answers_empty_and_nonsense_input(
    bot: Bot, spec_index: int
) -> None:
    spec = bot.app.registry.commands[spec_index]
    assert spec.summary and spec.usage.startswith(spec.name)
    bot.grant("alice", Role.ADMIN)
    for args in ("", "zzkq xxv 123 !!"):
        replies = await bot.say(f"{spec.name} {args}")
        assert replies and all(r.text.strip() for r in replies), spec.name
        assert not any("something went wrong" in r.text for r in replies), spec.name


async def test_every_command_whose_answer_is_a_form_is_declared_to_open_one(bot: Bot) -> None:
    """Slack answers the declared ones at once, within the trigger's 3 seconds; one left
    undeclared would wait for a worker and open only from a button."""
    bot.grant("alice", Role.ADMIN)
    undeclared = []
    for spec in bot.app.registry.commands:
        replies = await bot.say(spec.name)
        if any(reply.form is not None for reply in replies) and not spec.opens_form:
            undeclared.append(spec.name)
    assert undeclared == []
