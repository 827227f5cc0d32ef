"""REMI check-ins through the handlers: admins set up organisations and leads, a lead
answers in a few clicks, a second lead updates rather than duplicates, an abandoned form is
resumed, and bad input changes nothing."""

import io
from pathlib import Path

import pytest
from sqlmodel import select

from bot.console import Console
from contract.vocabulary import Actor, Platform, Role
from knowledge.remi import STAGES
from storage import remi
from storage.remi import ActionPoint, CheckIn, Lead, Organisation
from tests.conftest import Bot
from tests.remi_world import ADMIN, check_in, register


def _checkins(bot: Bot) -> list[CheckIn]:
    with bot.app.services.db.session() as session:
        return list(session.exec(select(CheckIn)).all())


# --- admin set-up -------------------------------------------------------------------------


async def test_admins_register_organisations_leads_and_cadence(bot: Bot) -> None:
    bot.grant(ADMIN, Role.ADMIN)
    await bot.verify_dialog(
        [
            (
                "remi org add Whittington Health | NHS trust | North Central London",
                "Registered Whittington Health (NHS trust, North Central London), checking in "
                "quarterly.",
            ),
            ("remi org add whittington health | NHS trust | NCL", "already registered"),
            ("remi org add Camden Council | local authority | North Central London", "Registered"),
            (
                "remi lead add <@console:lee> Whittington Health",
                "lee is now an equality lead for Whittington Health",
            ),
            ("remi lead add <@console:lee> camden council", "now an equality lead for Camden"),
            ("remi lead add <@console:kim> Camden Council", "now an equality lead"),
            ("remi lead add <@console:lee> Camden Council", "already a lead"),
            ("remi cadence Camden Council monthly", "now checks in monthly, starting with Nov"),
            ("remi cadence Camden Council monthly", "already checks in monthly"),
            ("remi org list", "• Camden Council (local authority, North Central London): monthly"),
        ],
        as_=ADMIN,
    )
    [listing] = await bot.say("remi org list", as_=ADMIN)
    assert "Whittington Health (NHS trust, North Central London): quarterly, 1 lead(s)" in (
        listing.text
    )
    assert "monthly, 2 lead(s)" in listing.text
    [roles] = await bot.say("admin roles", as_=ADMIN)
    assert "• lee: equality_lead" in roles.text


async def test_admin_commands_refuse_bad_input_and_store_nothing(bot: Bot) -> None:
    await register(bot, "Whittington Health")
    for text, expected in [
        ("remi org add Only A Name", "`<sector>` is missing"),
        ("remi org add A | | C", "`<sector>` is missing"),
        ("remi org add " + "x" * 201 + " | NHS | NCL", "(200 characters at most)"),
        ("remi lead add <@console:lee> Atlantis Trust", "don't know an organisation called"),
        ("remi lead add Whittington Health", "Name the person with @"),
        ("remi lead promote <@console:lee> Whittington Health", "Did you mean one of"),
        ("remi cadence Atlantis Trust monthly", "don't know an organisation called"),
        ("remi cadence Whittington Health weekly", "“weekly” is not one of monthly or quarterly"),
        ("remi lead remove <@console:nobody> Whittington Health", "aren't a lead"),
    ]:
        [reply] = await bot.say(text, as_=ADMIN)
        assert expected in reply.text, text
    with bot.app.services.db.session() as session:
        assert len(session.exec(select(Organisation)).all()) == 1
        assert session.exec(select(Lead)).all() == []
        assert remi.organisations(session)[0].cadence == "quarterly"
    [refused] = await bot.say("remi org add X | Y | Z", as_="mallory")
    assert "needs the admin role" in refused.text


async def test_removing_a_lead_from_their_last_organisation_takes_the_role_away(bot: Bot) -> None:
    await register(bot, "Whittington Health", "lee")
    await register(bot, "Camden Council", "lee")
    [reply] = await bot.say("remi lead remove <@console:lee> Camden Council", as_=ADMIN)
    assert "no longer a lead for Camden Council" in reply.text
    [still] = await bot.say("remi checkin", as_="lee")
    assert "Whittington Health" in still.text
    await bot.say("remi lead remove <@console:lee> Whittington Health", as_=ADMIN)
    [refused] = await bot.say("remi checkin", as_="lee")
    assert "needs the equality lead role" in refused.text


# --- the check-in -------------------------------------------------------------------------


async def test_a_lead_checks_in_with_buttons_and_a_small_form(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    [prompt] = await bot.say("remi checkin", as_="lee")
    assert "REMI check-in for Whittington Health, October to December 2026" in prompt.text
    for stage in STAGES:
        assert f"{stage.number} {stage.name}: {stage.meaning}." in prompt.text
    assert [(b.label, b.action_id, b.value) for b in prompt.buttons] == [
        (f"{s.number} {s.name}", "remi.stage", f"{org}:2026Q4:{s.number}") for s in STAGES
    ]

    [staged] = await bot.click("remi.stage", f"{org}:2026Q4:3", as_="lee")
    assert "Noted: Whittington Health is at stage 3, Implementation" in staged.text
    assert staged.form is not None and staged.form.action_id == "remi.details"
    changed, wanted, other = staged.form.fields
    assert (changed.name, changed.required) == ("changed", False)
    assert wanted.multiple and wanted.choices == (
        "training",
        "peer support",
        "data",
        "leadership buy-in",
        "resources",
        "nothing right now",
    )
    assert (other.name, other.required) == ("needs_other", False)

    [done] = await bot.click(
        "remi.details",
        staged.form.value,
        as_="lee",
        changed="Board approved our race equity strategy",
        needs="training, data",
        needs_other="time with other trusts",
    )
    assert "Whittington Health's check-in for October to December 2026" in done.text
    assert "What would help: training, data; time with other trusts" in done.text
    [checkin] = _checkins(bot)
    assert (checkin.stage, checkin.needs, checkin.is_complete) == (3, ["training", "data"], True)
    assert checkin.changed == "Board approved our race equity strategy"


async def test_a_check_in_on_the_console_is_a_number_and_three_lines(
    bot: Bot, tmp_path: Path
) -> None:
    await register(bot, "Whittington Health", "lee")
    out = io.StringIO()
    console = Console(bot.app, Actor(Platform.CONSOLE, "lee", "Lee"), out, tmp_path, echo=True)
    await console.run(io.StringIO("remi checkin\n4\nPolicies reviewed\nresources\n\n"))
    assert "[4] 4 Embedding" in out.getvalue()
    assert "What would help? [training / peer support / data" in out.getvalue()
    assert "Whittington Health's check-in for October to December 2026" in out.getvalue()
    [checkin] = _checkins(bot)
    assert (checkin.stage, checkin.changed, checkin.needs) == (
        4,
        "Policies reviewed",
        ["resources"],
    )


async def test_the_answer_offers_knowledge_base_resources_for_what_would_help(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    await bot.click("remi.stage", f"{org}:2026Q4:2", as_="lee")
    [done] = await bot.click(
        "remi.details", f"{org}:2026Q4", as_="lee", needs="training, leadership buy-in"
    )
    assert "For training, these may help:" in done.text
    assert "Core Managers Training Programme" in done.text
    assert "For leadership buy-in, these may help:" in done.text
    assert "Inclusive leadership" in done.text
    shown = {b.value for b in done.buttons}
    assert "core-managers-training-programme" in shown
    assert all(b.action_id == "lookup.show" for b in done.buttons)
    [opened] = await bot.click("lookup.show", "core-managers-training-programme", as_="lee")
    assert "Core Managers Training Programme" in (opened.title or opened.text)


async def test_nothing_right_now_offers_no_resources(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    await bot.click("remi.stage", f"{org}:2026Q4:4", as_="lee")
    [done] = await bot.click("remi.details", f"{org}:2026Q4", as_="lee", needs="nothing right now")
    assert "may help" not in done.text and done.buttons == ()


async def test_a_second_lead_sees_the_first_answer_and_updates_it(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee", "kim")
    await check_in(bot, "lee", org, 2, needs="data", changed="Collected ethnicity data")
    [seen] = await bot.say("remi checkin", as_="kim")
    assert "lee already answered for this period" in seen.text
    assert "• Stage: 2, Commitment" in seen.text
    assert "• What changed: Collected ethnicity data" in seen.text
    assert "Keep stage 2, edit the rest" in [b.label for b in seen.buttons]

    [staged] = await bot.click("remi.stage", f"{org}:2026Q4:3", as_="kim")
    assert staged.form is not None
    assert staged.form.fields[0].initial == "Collected ethnicity data"
    assert staged.form.fields[1].initial == "data"
    await bot.click("remi.details", f"{org}:2026Q4", as_="kim", needs="data, training")
    [checkin] = _checkins(bot)
    assert (checkin.stage, checkin.needs) == (3, ["training", "data"])
    [seen_again] = await bot.say("remi checkin", as_="lee")
    assert "lee already answered for this period; kim last updated it" in seen_again.text


async def test_an_abandoned_form_keeps_the_stage_and_checkin_resumes_it(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    await bot.click("remi.stage", f"{org}:2026Q4:5", as_="lee")
    [partial] = _checkins(bot)
    assert (partial.stage, partial.is_complete) == (5, False)

    [resumed] = await bot.say("remi checkin", as_="lee")
    assert "lee gave stage 5, Creating; two short questions remain" in resumed.text
    assert resumed.form is not None and resumed.form.value == f"{org}:2026Q4"
    assert "Answer the two questions" in [b.label for b in resumed.buttons]
    [reopened] = await bot.click("remi.form", f"{org}:2026Q4", as_="lee")
    assert reopened.form is not None
    await bot.click("remi.details", f"{org}:2026Q4", as_="lee", needs="peer support")
    [finished] = _checkins(bot)
    assert (finished.stage, finished.needs, finished.is_complete) == (5, ["peer-support"], True)


async def test_a_lead_of_several_organisations_picks_one(bot: Bot) -> None:
    first = await register(bot, "Whittington Health", "lee")
    second = await register(bot, "Camden Council", "lee")
    [ask] = await bot.say("remi checkin", as_="lee")
    assert "Which organisation" in ask.text
    assert ask.picker is not None
    assert [(o.label, o.value) for o in ask.picker.options] == [
        ("Camden Council", str(second)),
        ("Whittington Health", str(first)),
    ]
    [prompt] = await bot.click("remi.checkin", str(second), as_="lee")
    assert "REMI check-in for Camden Council" in prompt.text
    [named] = await bot.say("remi checkin whittington health", as_="lee")
    assert "REMI check-in for Whittington Health" in named.text


async def test_checkin_follows_a_monthly_cadence(bot: Bot) -> None:
    org = await register(bot, "Camden Council", "kim")
    await bot.say("remi cadence Camden Council monthly", as_=ADMIN)
    [prompt] = await bot.say("remi checkin", as_="kim")
    assert "November 2026" in prompt.text
    await check_in(bot, "kim", org, 1, period="2026-11")
    assert [c.period for c in _checkins(bot)] == ["2026-11"]


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "{org}:2026Q4:0",
        "{org}:2026Q4:7",
        "{org}:2026Q4:x",
        "x",
        "",
        "{org}:2026Q4:3:extra",
        "²:2026Q4:3",
    ],
)
async def test_a_forged_stage_is_refused_and_nothing_stored(bot: Bot, value: str) -> None:
    org = await register(bot, "Whittington Health", "lee")
    [reply] = await bot.click("remi.stage", value.format(org=org), as_="lee")
    assert "I don't recognise that answer, so nothing was recorded" in reply.text
    assert _checkins(bot) == []


async def test_a_lead_cannot_answer_for_an_organisation_they_do_not_lead(bot: Bot) -> None:
    await register(bot, "Whittington Health", "lee")
    other = await register(bot, "Camden Council", "kim")
    [stage] = await bot.click("remi.stage", f"{other}:2026Q4:6", as_="lee")
    assert "only answer for an organisation you are an equality lead for" in stage.text
    [details] = await bot.click("remi.details", f"{other}:2026Q4", as_="lee", needs="data")
    assert "only answer for an organisation you are an equality lead for" in details.text
    [named] = await bot.say("remi checkin Camden Council", as_="lee")
    assert "not an equality lead for an organisation called “Camden Council”" in named.text
    [unknown] = await bot.click("remi.stage", "999:2026Q4:2", as_="lee")
    assert "only answer for an organisation you are an equality lead for" in unknown.text
    assert _checkins(bot) == []


async def test_an_admin_reads_but_does_not_answer_for_an_organisation(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    [reply] = await bot.click("remi.stage", f"{org}:2026Q4:2", as_=ADMIN)
    assert "nothing was recorded" in reply.text
    assert _checkins(bot) == []


async def test_bad_form_answers_keep_the_stage_and_change_nothing_else(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    await bot.click("remi.stage", f"{org}:2026Q4:2", as_="lee")
    for fields, expected in [
        ({"needs": ""}, "pick at least one"),
        ({"needs": "training, a pony"}, "I don't have “a pony” among the choices"),
        ({"needs": "data", "changed": "x" * 1001}, "longer than the form allows"),
    ]:
        [reply] = await bot.click("remi.details", f"{org}:2026Q4", as_="lee", **fields)
        assert expected in reply.text
        assert "stage is saved" in reply.text
    [checkin] = _checkins(bot)
    assert (checkin.stage, checkin.needs, checkin.is_complete) == (2, [], False)


async def test_the_form_before_any_stage_asks_for_the_stage_first(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    [reply] = await bot.click("remi.details", f"{org}:2026Q4", as_="lee", needs="data")
    assert "Please pick the stage first" in reply.text
    assert _checkins(bot) == []


async def test_a_button_from_a_closed_period_records_nothing(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    [reply] = await bot.click("remi.stage", f"{org}:2026Q3:2", as_="lee")
    assert "That check-in was for 2026Q3, which has closed" in reply.text
    assert _checkins(bot) == []


async def test_a_member_who_is_no_lead_is_told_kindly(bot: Bot) -> None:
    [refused] = await bot.say("remi checkin", as_="mallory")
    assert "needs the equality lead role" in refused.text
    bot.grant("sam", Role.EQUALITY_LEAD)
    [reply] = await bot.say("remi checkin", as_="sam")
    assert "not registered as an equality lead for any organisation" in reply.text


# --- status and action points -------------------------------------------------------------


async def test_status_shows_stage_over_time_changes_and_action_points(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    bot.clock.set(bot.clock.now().replace(month=8))
    await check_in(bot, "lee", org, 2, needs="data", changed="Strategy agreed", period="2026Q3")
    [added] = await bot.say("remi action add Publish our ethnicity pay gap", as_="lee")
    assert "Added to Whittington Health's action points for July to September 2026" in added.text
    bot.clock.set(bot.clock.now().replace(month=11))
    await check_in(bot, "lee", org, 3, needs="training", changed="Training started")
    await bot.say("remi action add Review recruitment panels", as_="lee")

    [status] = await bot.say("remi status", as_="lee")
    assert "Whittington Health (NHS trust, North Central London), checking in quarterly" in (
        status.text
    )
    assert "2026Q3: stage 2, Commitment" in status.text
    assert "2026Q4: stage 3, Implementation (up from Commitment)" in status.text
    assert "What changed: Strategy agreed" in status.text
    assert "What changed: Training started" in status.text
    assert "• 2026Q3: Publish our ethnicity pay gap" in status.text
    assert "• 2026Q4: Review recruitment panels" in status.text
    assert "is open" not in status.text


async def test_action_points_need_text_and_the_right_organisation(bot: Bot) -> None:
    await register(bot, "Whittington Health", "lee")
    await register(bot, "Camden Council", "lee")
    for text, expected in [
        ("remi action add", "`<text>` is missing: the action point"),
        ("remi action remove everything", "Did you mean one of: `remi action add"),
        ("remi action add Train the board", "name one first"),
        (
            "remi action add Atlantis | Train the board",
            "You aren't an equality lead for “Atlantis”",
        ),
        ("remi action add Camden Council | " + "x" * 501, "500 characters at most"),
    ]:
        [reply] = await bot.say(text, as_="lee")
        assert expected in reply.text, text
    with bot.app.services.db.session() as session:
        assert session.exec(select(ActionPoint)).all() == []
    [added] = await bot.say("remi action add camden council | Train the board", as_="lee")
    assert "Added to Camden Council's action points" in added.text
    [refused] = await bot.say("remi action add Anything", as_="mallory")
    assert "needs the equality lead role" in refused.text


async def test_an_action_point_naming_another_organisation_is_refused(bot: Bot) -> None:
    await register(bot, "Whittington Health", "lee")
    await register(bot, "Guy's and St Thomas'", "kim")
    [refused] = await bot.say("remi action add Guy's and St Thomas' Publish the pay gap", as_="lee")
    assert refused.text.startswith(
        "You aren't an equality lead for “Guy's and St Thomas'”, so nothing was added."
    )
    with bot.app.services.db.session() as session:
        assert session.exec(select(ActionPoint)).all() == []
    # A partner named later is part of the text; the lead's own name chooses their own.
    [added] = await bot.say(
        "remi action add Whittington Health: Pair with Guy's and St Thomas' on data", as_="lee"
    )
    assert added.text.startswith(
        "Added to Whittington Health's action points for October to December 2026 (2026Q4): "
        "Pair with Guy's and St Thomas' on data"
    )
    [theirs] = await bot.say("remi action add Train the board", as_="kim")
    assert theirs.text.startswith("Added to Guy's and St Thomas' action points")
