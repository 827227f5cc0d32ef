"""Discord ↔ neutral translation, custom ids and the slash-command plan, without a network."""

import json
from dataclasses import replace
from pathlib import Path

import discord
import pytest

from bot.discord import slash
from bot.discord.custom_ids import CUSTOM_ID_LIMIT, CustomIds, Kind, Target
from bot.discord.translate import (
    addressed_text,
    form_pages,
    modal_for,
    native_mentions,
    outgoing,
    submitted_fields,
)
from handlers.clock import ManualClock
from handlers.registry import CommandSpec, Registry, Request, build_registry
from handlers.services import Services
from handlers.vocabulary import (
    Attachment,
    Button,
    ButtonStyle,
    Form,
    FormField,
    Reply,
)
from knowledge.search import SearchIndex
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
    assert native_mentions("<@discord:5> and <@console:amara>") == "<@5> and @amara"


# --- slash commands ---------------------------------------------------------------------------


async def _noop(request: Request, services: Services) -> Reply:
    return Reply("")


def test_every_registry_command_has_a_slash_command_and_a_clash_becomes_show() -> None:
    registry = Registry(
        [
            CommandSpec("remi", "About REMI", "remi", _noop),
            CommandSpec("remi stages", "The stages", "remi stages", _noop),
            CommandSpec("define", "Define", "define <term>", _noop, examples=("define WRES",)),
        ],
        [],
        question=_noop,
    )
    planned = {(s.group, s.name): s for s in slash.plan(registry)}
    assert set(planned) == {("remi", "show"), ("remi", "stages"), (None, "define")}
    [term] = planned[(None, "define")].options
    assert (term.name, term.hint, term.required) == ("term", "<term>, e.g. WRES", True)


def test_option_names_are_valid_for_discord_and_python() -> None:
    registry = Registry(
        [CommandSpec("event", "An event", "event <class> [2nd date]", _noop)], [], question=_noop
    )
    tree = discord.app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    slash.add_to_tree(tree, registry, _run_nothing, {}, guild=None)
    [command] = tree.get_commands()
    assert [o["name"] for o in command.to_dict(tree)["options"]] == ["n_2nd_date"]
    assert slash.options_for(CommandSpec("x", "", "x <class>", _noop))[0].name == "class_"


async def _run_nothing(interaction: discord.Interaction, text: str) -> None:
    return None


def test_the_text_is_rebuilt_in_usage_order_with_neutral_mentions() -> None:
    [grant] = [s for s in slash.plan(build_registry()) if s.spec.name == "admin grant"]
    assert grant.text({"person": discord.Object(102), "role": "curator"}) == (
        "admin grant <@discord:102> curator"
    )
    [find] = [s for s in slash.plan(build_registry()) if s.spec.name == "find"]
    assert [(o.name, o.required) for o in find.options] == [("words", True)]
    assert find.options[0].hint == "[kind or tag] <words>, e.g. co-production toolkit"


def test_a_choice_of_words_in_the_usage_becomes_an_option_with_those_choices() -> None:
    planned = {s.spec.name: s for s in slash.plan(build_registry())}
    lead, cadence = planned["remi lead"], planned["remi cadence"]
    assert [(o.name, o.choices) for o in lead.options] == [
        ("add_or_remove", ("add", "remove")),
        ("person", ()),
        ("organisation", ()),
    ]
    picked = {"add_or_remove": "add", "person": discord.Object(102), "organisation": "Camden"}
    assert lead.text(picked) == "remi lead add <@discord:102> Camden"
    assert cadence.options[0].hint == "<organisation>, e.g. Whittington Health"
    tree = discord.app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    slash.add_to_tree(tree, build_registry(), _run_nothing, {}, guild=None)
    remi = tree.get_command("remi")
    assert remi is not None
    [lead_command] = [c for c in remi.to_dict(tree)["options"] if c["name"] == "lead"]
    assert lead_command["options"][0]["choices"] == [
        {"name": "add", "value": "add"},
        {"name": "remove", "value": "remove"},
    ]


def test_define_autocomplete_prefers_names_starting_with_what_is_typed(
    knowledge: SearchIndex,
) -> None:
    names = [choice.name for choice in slash.term_choices(knowledge, "struct")]
    assert "Structural racism" in names
    starting = [n.lower().startswith("struct") for n in names]
    assert starting == sorted(starting, reverse=True) and all("struct" in n.lower() for n in names)
    assert len(slash.term_choices(knowledge, "")) == 25
    assert "Microaggression" in [c.name for c in slash.term_choices(knowledge, "microagression")]
