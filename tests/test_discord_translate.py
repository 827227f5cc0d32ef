"""Discord ↔ neutral translation, custom ids and the slash-command plan, without a network."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.discord import slash
from bot.discord.custom_ids import CUSTOM_ID_LIMIT, CustomIds, Kind, Target
from bot.discord.translate import (
    Markup,
    addressed_text,
    form_pages,
    markup,
    modal_for,
    outgoing,
    submitted_fields,
)
from contract.params import Choice, Flag, Number, Param, Person
from contract.specs import CommandSpec, Feature, Registry, Request
from contract.vocabulary import (
    Attachment,
    Button,
    ButtonStyle,
    Form,
    FormField,
    Reply,
)
from contract.when import shown_span
from handlers.clock import ManualClock
from handlers.registry import build_registry
from handlers.services import Services
from handlers.timeliness import shown_until
from storage.db import Database
from tests.conftest import START
from tests.fake_discord import message_problems, modal_problems

FIXTURES = Path(__file__).parent / "fixtures" / "discord"


@pytest.fixture
def ids(database: Database) -> CustomIds:
    return CustomIds(database, ManualClock(START))


# --- custom ids --------------------------------------------------------------------------


def test_a_page_of_a_long_form_names_its_draft_and_page(ids: CustomIds) -> None:
    custom_id = ids.form_page("draft-0123456789abcdef0123456789abcdef", 2)
    assert len(custom_id) <= CUSTOM_ID_LIMIT
    assert ids.read(custom_id) == Target(
        Kind.FORM_PAGE, draft="draft-0123456789abcdef0123456789abcdef", page=2
    )


def test_a_short_button_carries_its_action_in_its_custom_id(ids: CustomIds) -> None:
    custom_id = ids.button("lookup.show", "structural-racism")
    assert custom_id == "larch:lookup.show:structural-racism"
    assert ids.read(custom_id) == Target(Kind.BUTTON, "lookup.show", "structural-racism")


def test_a_long_value_is_kept_in_the_database_and_read_back(ids: CustomIds) -> None:
    value = "rsvp:" + "é" * 300
    custom_id = ids.button("events.rsvp", value)
    assert len(custom_id) <= CUSTOM_ID_LIMIT
    assert custom_id == ids.button("events.rsvp", value)
    assert ids.read(custom_id) == Target(Kind.BUTTON, "events.rsvp", value)


def test_a_form_to_open_is_kept_whole(ids: CustomIds) -> None:
    form = Form(
        "New event",
        "events.create",
        (FormField("kind", "Kind", choices=("talk", "workshop")), FormField("title", "Title")),
        value="draft-7",
    )
    custom_id = ids.form_opener(form)
    assert len(custom_id) <= CUSTOM_ID_LIMIT
    assert ids.read(custom_id) == Target(Kind.OPEN_FORM, form=form)
    assert ids.read(ids.modal(form)) == Target(Kind.FORM, "events.create", "draft-7")


@pytest.mark.parametrize(
    "custom_id",
    [
        "",
        "larch",
        "larch:",
        "larch:no-value-separator",
        "larch-open:lookup.show:x",
        "larch#:not-a-stored-key",
        "someone:else:entirely",
        "larch-page:",
        "larch-page:draft-1",
        "larch-page:draft-1:0",
        "larch-page#:draft-1:2",
    ],
)
def test_ids_that_are_not_ours_read_as_nothing(ids: CustomIds, custom_id: str) -> None:
    assert ids.read(custom_id) is None


# --- in ------------------------------------------------------------------------------------


def test_a_modal_submission_gives_each_field_by_name() -> None:
    recorded = json.loads((FIXTURES / "modal_submit.json").read_text())
    assert submitted_fields(recorded["data"]["components"]) == {
        "title": "REMI drop-in",
        "audience": "members,leads",
        "format": "",
        "notes": "",
    }


@pytest.mark.parametrize(
    ("content", "in_server", "expected"),
    [
        ("<@7001> what is WRES?", True, "what is WRES?"),
        ("<@!7001>   define   racism", True, "define racism"),
        ("admin grant <@102> curator <@7001>", True, "admin grant <@discord:102> curator"),
        ("what is WRES?", True, None),
        ("what is WRES?", False, "what is WRES?"),
        ("<@7001>", False, ""),
    ],
)
def test_the_text_a_message_says_to_the_bot(
    content: str, in_server: bool, expected: str | None
) -> None:
    assert addressed_text(content, in_server, bot_id=7001) == expected


# --- out -------------------------------------------------------------------------------------


def test_a_reply_becomes_an_embed_with_buttons_and_files(ids: CustomIds) -> None:
    reply = Reply(
        "Ask <@discord:102> or <@slack:U7>.",
        title="Who to ask",
        link=Button("Read more", url="https://example.org/larch"),
        buttons=(
            Button("Yes", action_id="privacy.forget", value="confirm", style=ButtonStyle.DANGER),
        ),
        attachments=(Attachment("data.json", b"{}", "application/json"),),
    )

    sent = outgoing(reply, ids)

    [embed] = sent.embeds
    assert embed.to_dict() == {
        "title": "Who to ask",
        "description": "Ask <@102> or @U7.",
        "url": "https://example.org/larch",
        "type": "rich",
        "flags": 0,
    }
    assert sent.view is not None
    [row] = sent.view.to_components()
    assert [(b["style"], b.get("custom_id"), b.get("url")) for b in row["components"]] == [
        (4, "larch:privacy.forget:confirm", None),
        (5, None, "https://example.org/larch"),
    ]
    assert [f.filename for f in sent.files] == ["data.json"]


def test_text_beyond_discords_limits_is_cut_not_refused(ids: CustomIds) -> None:
    reply = Reply(
        "x" * 7000, title="t" * 300, buttons=tuple(Button("b" * 90, "a", str(n)) for n in range(30))
    )
    sent = outgoing(reply, ids)
    message = {
        "embeds": [e.to_dict() for e in sent.embeds],
        "components": sent.view.to_components() if sent.view else [],
    }
    assert message_problems(message) == []
    assert len(sent.embeds[0].title or "") == 256
    assert [len(e.description or "") for e in sent.embeds] == [4096, 6000 - 256 - 4096]
    assert sent.embeds[-1].description.endswith("x…")  # type: ignore[union-attr]
    buttons = [b for row in message["components"] for b in row["components"]]
    assert len(buttons) == 25
    assert all(len(b["label"]) == 80 for b in buttons)


def test_a_text_longer_than_one_embed_goes_on_in_the_next_between_lines(ids: CustomIds) -> None:
    lines = [f"• line {n:03} " + "w" * 40 for n in range(90)]  # 4,500 characters and more

    sent = outgoing(Reply("\n".join(lines), title="Here is what I can do"), ids)

    first, second = (e.description or "" for e in sent.embeds)
    assert len(first) <= 4096 and first.endswith(lines[len(first.splitlines()) - 1])
    assert (first + "\n" + second).splitlines() == lines
    assert sent.embeds[0].title == "Here is what I can do" and sent.embeds[1].title is None


def test_a_form_that_cannot_open_now_is_offered_as_a_button(ids: CustomIds) -> None:
    form = Form("Event feedback", "feedback.save", (FormField("rating", "Rating"),))
    sent = outgoing(Reply("Tell us.", form=form), ids, form_as_button=True)
    assert sent.view is not None
    [row] = sent.view.to_components()
    [opener] = row["components"]
    assert opener["label"] == "Event feedback"
    assert ids.read(opener["custom_id"]) == Target(Kind.OPEN_FORM, form=form)


def test_a_form_becomes_a_modal_with_selects_for_choices() -> None:
    many = tuple(f"option {n}" for n in range(30))
    form = Form(
        "A form whose title is far too long for a Discord modal",
        "test.save",
        (
            FormField("rating", "Rating", choices=("great", "fine"), initial="fine"),
            FormField("topics", "Topics", choices=("a", "b", "c"), multiple=True, required=False),
            FormField("venue", "Venue", choices=many),
            FormField("notes", "Notes", multiline=True, max_length=9000),
            FormField("five", "Five"),
        ),
    )

    modal = modal_for(form, "larch-form:test.save:").to_dict()

    assert len(modal["title"]) == 45
    assert modal_problems(modal) == []
    labels = modal["components"]
    assert [label["label"] for label in labels] == ["Rating", "Topics", "Venue", "Notes", "Five"]
    rating, topics, venue, notes, _ = (label["component"] for label in labels)
    assert (rating["type"], rating["max_values"]) == (3, 1)
    assert [o["default"] for o in rating["options"]] == [False, True]
    assert (topics["min_values"], topics["max_values"], topics["required"]) == (0, 3, False)
    assert venue["type"] == 4 and venue["placeholder"].startswith("One of: option 0, option 1")
    assert (notes["style"], notes["max_length"]) == (discord.TextStyle.paragraph.value, 4000)


def test_several_prefilled_picks_are_all_selected() -> None:
    topics = FormField("topics", "Topics", choices=("data", "REMI", "policy"), multiple=True)
    form = Form("Join", "test.save", (replace(topics, initial="data, policy"),))

    [label] = modal_for(form, "larch-form:test.save:").to_dict()["components"]

    picked = [o["value"] for o in label["component"]["options"] if o["default"]]
    assert picked == ["data", "policy"]


@pytest.mark.parametrize(
    ("count", "pages"),
    [(5, [5]), (6, [3, 3]), (7, [4, 3]), (10, [5, 5]), (11, [4, 4, 3])],
)
def test_a_long_form_is_spread_evenly_over_modals_of_five_at_most(
    count: int, pages: list[int]
) -> None:
    form = Form(
        "New event", "events.create", tuple(FormField(f"f{n}", f"F{n}") for n in range(count))
    )

    assert [len(page) for page in form_pages(form)] == pages
    last = modal_for(form, "larch-page:draft-1:9", len(pages)).to_dict()
    assert [c["component"]["custom_id"] for c in last["components"]] == [
        f.name for f in form.fields[-pages[-1] :]
    ]
    assert last["title"] == (
        "New event" if len(pages) == 1 else f"New event ({len(pages)} of {len(pages)})"
    )


def test_a_long_title_keeps_its_page_number() -> None:
    form = Form("t" * 60, "test.save", tuple(FormField(f"f{n}", f"F{n}") for n in range(6)))
    title = modal_for(form, "larch-page:draft-1:2", 2).to_dict()["title"]
    assert len(title) == 45 and title.endswith("… (2 of 2)")


def test_the_fake_discord_refuses_what_discord_refuses() -> None:
    row = {"type": 1, "components": [{"type": 2, "label": "Go", "custom_id": "x"}] * 2}
    assert message_problems({"embeds": [{"description": "d" * 4097}], "components": [row]}) == [
        "description of 4097 characters: 4096 at most",
        "a custom id is used twice in one message",
    ]
    inputs = [{"type": 18, "label": "L", "component": {"type": 4, "custom_id": "c"}}] * 6
    assert modal_problems({"title": "T", "custom_id": "m", "components": inputs}) == [
        "a modal holds 6 components: 1 to 5"
    ]


def test_mentions_of_other_platforms_are_named_not_pinged() -> None:
    assert markup("<@discord:5> and <@console:amara>") == Markup("<@5> and @amara", frozenset({5}))


# --- slash commands ---------------------------------------------------------------------------


async def _noop(request: Request, services: Services) -> Reply:
    return Reply("")


async def _run_nothing(interaction: discord.Interaction, spec: CommandSpec, options: dict) -> None:
    return None


async def _suggest_nothing(param: Param, typed: str) -> list[str]:
    return []


def _dumped_tree(registry: Registry) -> dict[str, dict]:
    """The command tree as discord.py sends it to Discord, by top-level name."""
    tree = discord.app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    slash.add_to_tree(tree, registry, _run_nothing, _suggest_nothing, guild=None)
    return {c.name: c.to_dict(tree) for c in tree.get_commands()}


def _options_at(dumped: dict[str, dict], path: tuple[str, ...]) -> list[dict]:
    node = dumped[path[0]]
    for word in path[1:]:
        [node] = [o for o in node["options"] if o["name"] == word and o["type"] in (1, 2)]
    return node.get("options", [])


def test_commands_nest_by_their_words_and_a_group_that_is_a_command_shows_as_show() -> None:
    registry = Registry(
        [
            Feature(
                commands=[
                    CommandSpec("remi", "About REMI", _noop),
                    CommandSpec("remi stages", "The stages", _noop),
                    CommandSpec("remi lead", "Leads", _noop),
                    CommandSpec("remi lead add", "Add a lead", _noop),
                    CommandSpec("define", "Define", _noop),
                ]
            )
        ],
        question=_noop,
    )
    assert [s.path for s in slash.plan(registry)] == [
        ("remi", "show"),
        ("remi", "stages"),
        ("remi", "lead", "show"),
        ("remi", "lead", "add"),
        ("define",),
    ]
    dumped = _dumped_tree(registry)
    lead = _options_at(dumped, ("remi", "lead"))
    assert [(o["name"], o["type"]) for o in lead] == [("show", 1), ("add", 1)]


# Discord's option types.
SUBCOMMAND, STRING, INTEGER, BOOLEAN, USER = 1, 3, 4, 5, 6


def test_the_tree_dumped_from_the_registry_types_every_id_member_choice_and_flag() -> None:
    registry = build_registry()
    dumped = _dumped_tree(registry)
    for planned in slash.plan(registry):
        options = _options_at(dumped, planned.path)
        assert [o["name"] for o in options] == [p.name for p in planned.options]
        required = [o.get("required", False) for o in options]
        assert required == sorted(required, reverse=True), planned.spec.name
        for option, param in zip(options, planned.options, strict=True):
            where = f"/{' '.join(planned.path)} {param.name}"
            assert option.get("required", False) == param.required, where
            assert len(option["description"]) <= 100, where
            if isinstance(param, Number):
                assert option["type"] == INTEGER, where
                assert (option["min_value"], option["max_value"]) == (param.minimum, param.maximum)
            elif isinstance(param, Person):
                assert option["type"] == USER, where
            elif isinstance(param, Flag):
                assert option["type"] == BOOLEAN, where
            elif isinstance(param, Choice):
                assert option["type"] == STRING, where
                assert [c["value"] for c in option["choices"]] == list(param.choices), where
            else:
                assert option["type"] == STRING, where
            if param.complete is not None:
                assert option["autocomplete"] is True, where
    # Discord's own limits: 25 subcommands in a group, 100 characters of description.
    for command in dumped.values():
        assert len(command["description"]) <= 100
        assert len(command.get("options", [])) <= 25


def test_the_commands_members_found_awkward_now_take_typed_options() -> None:
    dumped = _dumped_tree(build_registry())

    def shape(*path: str) -> list[tuple[str, int, bool]]:
        return [(o["name"], o["type"], o.get("required", False)) for o in _options_at(dumped, path)]

    assert shape("remi", "action", "add") == [
        ("text", STRING, True),
        ("organisation", STRING, False),
    ]
    assert shape("remi", "org", "add") == [
        ("name", STRING, True),
        ("sector", STRING, True),
        ("area", STRING, True),
    ]
    assert shape("intros", "pause") == [("until", STRING, False), ("length", STRING, False)]
    assert shape("agenda", "move") == [("number", INTEGER, True), ("position", INTEGER, True)]
    assert shape("event", "message") == [("number", INTEGER, True), ("text", STRING, True)]
    assert shape("action", "add") == [
        ("owner", USER, True),
        ("text", STRING, True),
        ("date", STRING, True),
    ]
    assert shape("calendar") == [("reset", BOOLEAN, False)]
    assert shape("steering", "poll") == [("close", BOOLEAN, False)]
    [role] = [o for o in _options_at(dumped, ("admin", "grant")) if o["name"] == "role"]
    assert {c["value"] for c in role["choices"]} >= {"curator", "admin"}


def test_an_option_becomes_the_text_its_parameter_reads() -> None:
    assert slash.typed_value(Person("person", ""), discord.Object(102)) == "<@discord:102>"
    assert slash.typed_value(Flag("reset", ""), True) == "yes"
    assert slash.typed_value(Number("number", ""), 12) == "12"


def test_times_become_timestamps_each_reader_sees_in_their_own_zone() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
    overnight = shown_span(start, start + timedelta(hours=3), london)
    meeting = shown_span(start, start + timedelta(minutes=90), london)
    soon = shown_until(start, start - timedelta(hours=3), london)
    text = (
        f"Starts {soon.words}: {overnight.words} (London time).\n"
        f"Then {meeting.words}, and *not* <t:1:F> or 22:00 again."
    )

    assert markup(text, (overnight, meeting, soon)).text == (
        "Starts <t:1798754400:R>: <t:1798754400:F> – <t:1798765200:F>.\n"
        "Then <t:1798754400:F>–<t:1798759800:t>, and \\*not\\* \\<t:1:F> or 22:00 again."
    )
    # Without its times the same text reads as the console shows it, London time and all.
    assert markup(text).text.startswith("Starts in 3 hours: Thu 31 Dec 2026, 22:00 – Fri 1 Jan")
