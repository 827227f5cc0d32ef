"""Linking accounts: one-time codes, a merge both accounts confirm, and two members merged
into one, on both databases."""

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, UniqueConstraint
from sqlmodel import SQLModel, select

import storage.tables  # noqa: F401  (every table, as the merge sees them)
from contract.vocabulary import Action, Actor, Button, Command, Platform, Reply, Role
from handlers.linking import CANCEL, CONFIRM
from storage import forgetting, links, members
from storage.db import Database
from storage.links import LinkCode, Outcome
from storage.models import Identity, Member, MemberRole
from tests.conftest import Bot
from tests.remi_world import register

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CODE = re.compile(r"[A-Z2-9]{5}-[A-Z2-9]{5}")


def _member(database: Database, platform: Platform, user_id: str, name: str) -> int:
    with database.session() as session:
        return members.identify(session, platform, user_id, name, NOW).id


def _code_for(database: Database, member_id: int, now: datetime = NOW) -> str:
    with database.session() as session:
        return links.issue_code(session, member_id, now)


def _redeem(database: Database, code: str, member_id: int, now: datetime = NOW) -> links.Redemption:
    with database.session() as session:
        return links.redeem_code(session, code, member_id, now)


def _link(database: Database, code: str, member_id: int) -> links.Redemption:
    """Type the code, then confirm on both accounts."""
    asked = _redeem(database, code, member_id)
    assert asked.outcome == Outcome.ASKED and asked.request_id is not None
    with database.session() as session:
        links.confirm(session, asked.request_id, asked.member_id, NOW)  # type: ignore[arg-type]
    with database.session() as session:
        return links.confirm(session, asked.request_id, member_id, NOW)


# --- storage ---------------------------------------------------------------------------


def test_a_code_is_stored_only_as_a_digest(database: Database) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    code = _code_for(database, slack)
    assert CODE.fullmatch(code)
    with database.session() as session:
        stored = session.exec(select(LinkCode)).one()
    assert code.replace("-", "") not in stored.code_hash
    assert stored.expires_at == NOW + links.CODE_LIFETIME


def test_redeeming_joins_the_accounts_and_unions_the_roles(database: Database) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    discord = _member(database, Platform.DISCORD, "42", "amara_d")
    with database.session() as session:
        members.grant_role(session, slack, Role.ORGANISER, NOW)
        members.grant_role(session, discord, Role.CURATOR, NOW)
        members.grant_role(session, discord, Role.ORGANISER, NOW)
        members.set_organisation(session, discord, "Lambeth Council")
    code = _code_for(database, slack)

    asked = _redeem(database, code.lower().replace("-", " "), discord)
    assert asked.outcome == Outcome.ASKED
    with database.session() as session:
        assert members.profile(session, discord).roles == {Role.CURATOR, Role.ORGANISER}
        waiting = links.confirm(session, asked.request_id, slack, NOW)  # type: ignore[arg-type]
    assert waiting.outcome == Outcome.WAITING
    with database.session() as session:
        assert members.profile(session, slack).roles == {Role.ORGANISER}
        result = links.confirm(session, asked.request_id, discord, NOW)  # type: ignore[arg-type]

    assert (result.outcome, result.member_id) == (Outcome.LINKED, slack)
    with database.session() as session:
        joined = members.profile(session, slack)
        assert joined.roles == {Role.ORGANISER, Role.CURATOR}
        assert joined.display_name == "Amara"
        assert joined.organisation == "Lambeth Council"
        assert members.find(session, Platform.DISCORD, "42") == joined
        assert session.get(Member, discord) is None
        assert len(session.exec(select(MemberRole)).all()) == 2


def test_a_role_granted_by_the_joined_account_is_credited_to_the_member(
    database: Database,
) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    discord = _member(database, Platform.DISCORD, "42", "Amara")
    other = _member(database, Platform.DISCORD, "77", "Kwame")
    with database.session() as session:
        members.grant_role(session, other, Role.CURATOR, NOW, granted_by=discord)
    _link(database, _code_for(database, slack), discord)
    with database.session() as session:
        grant = session.exec(select(MemberRole).where(MemberRole.member_id == other)).one()
    assert grant.granted_by == slack


@pytest.fixture
def rsvp_table(database: Database) -> Iterator[Table]:
    """A table a later feature might add: one RSVP per member per event."""
    table = Table(
        "test_rsvp",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("event", String(20), nullable=False),
        Column("answer", String(10), nullable=False),
        Column("member_id", ForeignKey(Member.__table__.c.id, ondelete="CASCADE")),  # type: ignore[attr-defined]
        UniqueConstraint("event", "member_id"),
    )
    table.create(database.engine)
    yield table
    table.drop(database.engine)


def test_every_table_pointing_at_a_member_is_re_pointed_keeping_the_target_on_a_clash(
    database: Database, rsvp_table: Table
) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    discord = _member(database, Platform.DISCORD, "42", "Amara")
    with database.session() as session:
        session.execute(
            rsvp_table.insert(),
            [
                {"event": "conference", "answer": "yes", "member_id": slack},
                {"event": "conference", "answer": "no", "member_id": discord},
                {"event": "workshop", "answer": "yes", "member_id": discord},
            ],
        )
        links.merge_members(
            session, discord, slack, tables=[*SQLModel.metadata.sorted_tables, rsvp_table]
        )
    with database.session() as session:
        rows = session.execute(
            select(rsvp_table.c.event, rsvp_table.c.answer, rsvp_table.c.member_id).order_by(
                rsvp_table.c.event
            )
        ).all()
        identities = session.exec(select(Identity.member_id)).all()
    assert [tuple(row) for row in rows] == [
        ("conference", "yes", slack),
        ("workshop", "yes", slack),
    ]
    assert identities == [slack, slack]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (NOW + links.CODE_LIFETIME, Outcome.EXPIRED),
        (NOW + links.CODE_LIFETIME - timedelta(seconds=1), Outcome.ASKED),
    ],
)
def test_a_code_lasts_its_lifetime_and_no_longer(
    database: Database, when: datetime, expected: Outcome
) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    discord = _member(database, Platform.DISCORD, "42", "Amara")
    code = _code_for(database, slack)
    assert _redeem(database, code, discord, now=when).outcome == expected


def test_bad_reused_and_own_codes_change_nothing(database: Database) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    discord = _member(database, Platform.DISCORD, "42", "Amara")
    console = _member(database, Platform.CONSOLE, "amara", "Amara")
    code = _code_for(database, slack)

    assert _redeem(database, "ABCDE-FGHJK", discord).outcome == Outcome.UNKNOWN
    assert _redeem(database, code, slack).outcome == Outcome.SAME_MEMBER
    with database.session() as session:
        assert members.find(session, Platform.DISCORD, "42").id == discord  # type: ignore[union-attr]
    assert _redeem(database, code, discord).outcome == Outcome.ASKED
    assert _redeem(database, code, console).outcome == Outcome.USED
    with database.session() as session:
        assert members.find(session, Platform.CONSOLE, "amara").id == console  # type: ignore[union-attr]


def test_a_new_code_retires_the_unused_one(database: Database) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    discord = _member(database, Platform.DISCORD, "42", "Amara")
    first = _code_for(database, slack)
    second = _code_for(database, slack)
    assert _redeem(database, first, discord).outcome == Outcome.UNKNOWN
    assert _redeem(database, second, discord).outcome == Outcome.ASKED


def test_two_accounts_racing_for_one_code_only_one_is_asked(database: Database) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    racers = [_member(database, Platform.DISCORD, str(n), f"racer {n}") for n in range(4)]
    code = _code_for(database, slack)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda member: (member, _redeem(database, code, member)), racers))
    outcomes = [result.outcome for _, result in results]
    assert sorted(outcomes) == sorted([Outcome.ASKED] + [Outcome.USED] * 3)
    [request] = [r.request_id for _, r in results if r.request_id is not None]
    with database.session() as session:
        assert len(members.reachable_accounts(session, slack)) == 1
        for member, result in results:
            # Only the one who was asked can confirm; the others' clicks change nothing.
            confirmed = links.confirm(session, request, member, NOW)
            assert confirmed.outcome == (
                Outcome.WAITING if result.outcome == Outcome.ASKED else Outcome.NOT_PENDING
            )


def test_confirming_twice_on_one_side_or_after_a_cancel_merges_nothing(
    database: Database,
) -> None:
    admin = _member(database, Platform.DISCORD, "42", "Ada")
    owner = _member(database, Platform.CONSOLE, "kofi", "Kofi")
    with database.session() as session:
        members.grant_role(session, admin, Role.ADMIN, NOW)
    asked = _redeem(database, _code_for(database, owner), admin)
    request = asked.request_id
    assert request is not None
    with database.session() as session:
        assert links.confirm(session, request, admin, NOW).outcome == Outcome.WAITING
        assert links.confirm(session, request, admin, NOW).outcome == Outcome.WAITING
        assert links.cancel(session, request, owner, NOW).outcome == Outcome.CANCELLED
        assert links.confirm(session, request, owner, NOW).outcome == Outcome.NOT_PENDING
    with database.session() as session:
        assert members.profile(session, owner).roles == frozenset()
        assert members.profile(session, admin).roles == {Role.ADMIN}


def test_a_request_not_confirmed_within_a_codes_lifetime_lapses(database: Database) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    discord = _member(database, Platform.DISCORD, "42", "Amara")
    asked = _redeem(database, _code_for(database, slack), discord)
    later = NOW + links.CODE_LIFETIME
    with database.session() as session:
        links.confirm(session, asked.request_id, slack, NOW)  # type: ignore[arg-type]
        lapsed = links.confirm(session, asked.request_id, discord, later)  # type: ignore[arg-type]
    assert lapsed.outcome == Outcome.NOT_PENDING
    with database.session() as session:
        assert members.find(session, Platform.DISCORD, "42").id == discord  # type: ignore[union-attr]


def test_forgetting_a_member_deletes_their_codes(database: Database) -> None:
    slack = _member(database, Platform.SLACK, "U1", "Amara")
    _code_for(database, slack)
    with database.session() as session:
        forgetting.forget_member(session, slack, NOW)
    with database.session() as session:
        assert session.exec(select(LinkCode)).all() == []


# --- the conversation ------------------------------------------------------------------


async def _on_discord(bot: Bot, text: str, user_id: str = "42") -> Reply:
    actor = Actor(Platform.DISCORD, user_id, display_name="Amara on Discord")
    [reply] = await bot.app.router.handle_command(Command(actor, text))
    assert reply.private
    return reply


async def _say_on_discord(bot: Bot, text: str, user_id: str = "42") -> str:
    return (await _on_discord(bot, text, user_id)).text


async def _click_on_discord(bot: Bot, button: Button, user_id: str = "42") -> Reply:
    actor = Actor(Platform.DISCORD, user_id, display_name="Amara on Discord")
    [reply] = await bot.app.router.handle_action(Action(actor, button.action_id, button.value))
    return reply


def _buttons(reply: Reply) -> dict[str, Button]:
    return {button.label: button for button in reply.buttons}


async def test_link_on_the_console_then_on_discord_makes_one_member_once_both_confirm(
    bot: Bot,
) -> None:
    bot.grant("amara", Role.STEERING)
    [given] = await bot.say("link", as_="amara")
    assert given.private and "within 15 minutes" in given.text
    code = CODE.search(given.text)[0]  # type: ignore[index]

    asked = await _on_discord(bot, f"link {code}")

    assert "This will combine: steering (Console)." in asked.text
    assert set(_buttons(asked)) == {"Confirm", "Cancel"}
    [to_console] = bot.messenger.sent
    assert (
        to_console.to == "amara" and "typed on discord (Amara on Discord)" in to_console.reply.text
    )
    [waiting] = await bot.click(CONFIRM, _buttons(to_console.reply)["Confirm"].value, as_="amara")
    assert waiting.text.startswith("Confirmed on this account. I'm waiting for")
    answer = (await _click_on_discord(bot, _buttons(asked)["Confirm"])).text

    assert answer.startswith("Done: your accounts are now one member, Amara:")
    assert "console (Amara)" in answer and "discord (Amara on Discord)" in answer
    assert "Your roles: steering." in answer
    [mine] = await bot.say("my data", as_="amara")
    assert "discord (Amara on Discord)" in mine.text


async def test_an_admin_typing_someone_elses_code_is_not_joined_until_they_confirm(
    bot: Bot,
) -> None:
    await register(bot, "Camden Council", "kofi")
    with bot.app.services.db.session() as session:
        admin = members.identify(session, Platform.DISCORD, "42", "Ada", bot.clock.now())
        members.grant_role(session, admin.id, Role.ADMIN, bot.clock.now())
    [given] = await bot.say("link", as_="kofi")
    code = CODE.search(given.text)[0]  # type: ignore[index]
    bot.messenger.sent.clear()

    asked = await _on_discord(bot, f"link {code}")
    confirmed = await _click_on_discord(bot, _buttons(asked)["Confirm"])

    combined = "This will combine: lead of Camden Council (Console), admin (Discord)."
    assert combined in asked.text
    [to_kofi] = bot.messenger.sent
    assert to_kofi.to == "kofi" and combined in to_kofi.reply.text
    assert set(_buttons(to_kofi.reply)) == {"Confirm", "Cancel"}
    assert confirmed.text.startswith("Confirmed on this account")
    [kofi_data] = await bot.say("my data", as_="kofi")
    assert "Roles: equality_lead" in kofi_data.text and "admin" not in kofi_data.text
    assert "discord" not in kofi_data.text

    [cancelled] = await bot.click(CANCEL, _buttons(to_kofi.reply)["Cancel"].value, as_="kofi")

    assert cancelled.text == "Cancelled: your accounts stay separate."
    late = await _click_on_discord(bot, _buttons(asked)["Confirm"])
    assert late.text.startswith("That link request is not waiting for you")
    [kofi_data] = await bot.say("my data", as_="kofi")
    assert "admin" not in kofi_data.text and "discord" not in kofi_data.text


async def test_someone_else_clicking_a_link_request_changes_nothing(bot: Bot) -> None:
    [given] = await bot.say("link", as_="amara")
    code = CODE.search(given.text)[0]  # type: ignore[index]
    asked = await _on_discord(bot, f"link {code}")
    for label in ("Confirm", "Cancel"):
        [forged] = await bot.click(
            CONFIRM if label == "Confirm" else CANCEL, _buttons(asked)[label].value, as_="mallory"
        )
        assert forged.text.startswith("That link request is not waiting for you")
    [nonsense] = await bot.click(CONFIRM, "x:1", as_="amara")
    assert nonsense.text.startswith("That link request is not waiting for you")


async def test_link_refusals_are_clear(bot: Bot) -> None:
    [given] = await bot.say("link", as_="amara")
    code = CODE.search(given.text)[0]  # type: ignore[index]
    [own] = await bot.say(f"link {code}", as_="amara")
    assert "belongs to this account" in own.text
    assert "I don't recognise that code" in await _say_on_discord(bot, "link NOPE")
    await _say_on_discord(bot, f"link {code}")
    assert "already been used" in await _say_on_discord(bot, f"link {code}", user_id="77")
    bot.clock.advance(timedelta(minutes=16))
    [late] = await bot.say("link", as_="kofi")
    stale = CODE.search(late.text)[0]  # type: ignore[index]
    bot.clock.advance(timedelta(minutes=16))
    assert "expired" in await _say_on_discord(bot, f"link {stale}", user_id="99")
