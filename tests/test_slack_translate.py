"""Payload translation, replayed from recorded-style payloads, and rendering to Block Kit
within Slack's limits."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.slack import translate
from bot.slack.translate import Origin
from contract.vocabulary import Action, Button, ButtonStyle, Command, Form, FormField, Reply
from contract.when import shown_span
from handlers.timeliness import shown_until
from tests.slack_support import buttons

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
BOT = "U0LARCHBOT"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


# --- inbound ----------------------------------------------------------------------------


def test_a_slash_command_is_a_command_answered_only_to_the_asker() -> None:
    command, origin = translate.slash_command(recorded("slash_command"))
    assert command.text == "define wres"
    assert command.actor.key == "slack:U0AMARA"
    assert command.actor.display_name == "amara"
    assert command.place.channel_id == "C0GENERAL" and not command.place.is_direct
    assert origin.ephemeral
    assert origin.response_url and origin.response_url.endswith("/Jxb1ZFGIGhBX0nHBcd3iw0nT")
    assert origin.trigger_id == "6341275281.17653672481.7d9f2c8e4b1a"


def test_a_slash_command_in_a_direct_message_is_direct() -> None:
    body = recorded("slash_command") | {"channel_id": "D0AMARA", "channel_name": "directmessage"}
    command, origin = translate.slash_command(body)
    assert command.place.is_direct and origin.is_direct


def test_a_mention_loses_the_bots_own_leading_mention() -> None:
    command, origin = translate.mention(recorded("app_mention")["event"], BOT)
    assert command.text == "what is co-production?"
    assert command.actor.key == "slack:U0KWAME"
    assert not command.actor.is_bot
    assert origin == Origin(user_id="U0KWAME", channel_id="C0GENERAL")


def test_a_mention_keeps_other_mentions_in_the_neutral_form() -> None:
    event = recorded("app_mention")["event"] | {
        "text": f"<@{BOT}>: admin grant <@U0NGOZI|ngozi> organiser, thanks <@{BOT}>",
        "thread_ts": "1764000000.000100",
    }
    command, origin = translate.mention(event, BOT)
    assert command.text == f"admin grant <@slack:U0NGOZI> organiser, thanks <@slack:{BOT}>"
    assert origin.thread_ts == "1764000000.000100"
    assert command.place.thread_id == "1764000000.000100"


@pytest.mark.parametrize(
    ("slack", "neutral"),
    [
        ("<@U0AMARA>", "<@slack:U0AMARA>"),
        ("<@W0AMARA|amara>", "<@slack:W0AMARA>"),
        ("see <#C0EVENTS|events>", "see #events"),
        ("<!here> hello", "@here hello"),
        ("find <https://larch.example/toolkit|the toolkit>", "find the toolkit"),
        ("<https://larch.example>", "https://larch.example"),
        ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),
        ("&amp;lt;", "&lt;"),
    ],
)
def test_slack_markup_becomes_plain_text(slack: str, neutral: str) -> None:
    assert translate.neutral_text(slack) == neutral


def test_a_direct_message_is_a_direct_command() -> None:
    command, origin = translate.direct_message(recorded("message_im")["event"])
    assert command == Command(command.actor, "remi stages", command.place)
    assert command.place.is_direct and origin.is_direct and not origin.ephemeral
    assert origin.channel_id == "D0NGOZI"


@pytest.mark.parametrize(
    "change",
    [
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "channel_join"},
        {"channel_type": "channel", "channel": "C0GENERAL"},
    ],
)
def test_message_events_that_are_not_questions_to_the_bot(change: dict[str, str]) -> None:
    assert translate.direct_message(recorded("message_im")["event"] | change) is None


def test_another_bots_message_is_marked_as_a_bot() -> None:
    event = recorded("message_im")["event"] | {"subtype": "bot_message", "bot_id": "B0OTHER"}
    del event["user"]
    command, _ = translate.direct_message(event)
    assert command.actor.is_bot


def test_a_click_is_an_action_with_the_button_index_removed() -> None:
    action, origin = translate.block_action(recorded("block_actions"))
    assert action == Action(action.actor, "lookup.show", "structural-racism", place=action.place)
    assert action.actor.key == "slack:U0AMARA"
    assert origin.ephemeral and origin.response_url and origin.channel_id == "C0GENERAL"
    assert origin.trigger_id == "6341275281.17653672481.a1b2c3d4e5f6"


@pytest.mark.parametrize(
    ("action_id", "ours"),
    [("privacy.forget", "privacy.forget"), ("a#b", "a#b"), ("x#12", "x"), ("#3", "")],
)
def test_only_a_numeric_index_is_taken_off(action_id: str, ours: str) -> None:
    body = recorded("block_actions")
    body["actions"][0]["action_id"] = action_id
    action, _ = translate.block_action(body)
    assert isinstance(action, Action) and action.action_id == ours


def test_a_run_command_button_is_a_command() -> None:
    body = recorded("block_actions")
    body["actions"][0].update(action_id=f"{translate.RUN_COMMAND}#2", value="remi stages")
    command, _ = translate.block_action(body)
    assert isinstance(command, Command) and command.text == "remi stages"


def test_a_link_click_is_nothing_to_answer() -> None:
    body = recorded("block_actions")
    body["actions"][0] = {"action_id": f"{translate.LINK}#0", "type": "button", "url": "https://x"}
    assert translate.block_action(body) is None


def test_a_click_on_the_home_tab_has_no_channel() -> None:
    body = recorded("block_actions")
    for key in ("channel", "message", "response_url"):
        del body[key]
    body["container"] = {"type": "view", "view_id": "V0HOME"}
    _, origin = translate.block_action(body)
    assert origin.channel_id is None and origin.response_url is None and not origin.is_direct


def test_a_modal_submission_is_an_action_with_its_fields() -> None:
    action, origin = translate.view_submission(recorded("view_submission"))
    assert action.action_id == "survey.submit" and action.value == "autumn"
    assert action.fields == {
        "topic": "Ethnicity data",
        "format": "Workshop",
        "days": "Tuesday, Thursday",
        "notes": "",
    }
    # Its trigger is not kept: Slack's desktop app ignores a modal opened with it.
    assert origin == Origin(user_id="U0AMARA")


@pytest.mark.parametrize("metadata", ["", "not json", "[1, 2]", '{"action_id": 7, "value": []}'])
def test_a_modal_with_garbled_metadata_names_no_action(metadata: str) -> None:
    body = recorded("view_submission")
    body["view"]["private_metadata"] = metadata
    action, _ = translate.view_submission(body)
    assert (action.action_id, action.value) == ("", "")


# --- outbound ---------------------------------------------------------------------------


def test_text_is_escaped_and_mentions_become_real_ones() -> None:
    text = "Done: <@slack:U0KWAME> & <@discord:123> now <b>organisers</b>; use `define x`"
    assert translate.mrkdwn(text) == (
        "Done: <@U0KWAME> &amp; @123 now &lt;b&gt;organisers&lt;/b&gt;; use `define x`"
    )


def test_every_rendered_button_comes_back_as_itself() -> None:
    entries = tuple(Button(f"Entry {n}", "lookup.show", f"entry-{n}") for n in range(3))
    forget = Button("Delete", "privacy.forget", "confirm", style=ButtonStyle.DANGER)
    reply = Reply("text", link=Button("Read more", url="https://x.org"), buttons=(*entries, forget))
    elements = buttons(translate.message_blocks(reply))
    assert elements[0]["url"] == "https://x.org"
    assert elements[-1]["style"] == "danger"
    back = []
    for element in elements[1:]:
        body = recorded("block_actions")
        body["actions"][0] = {"action_id": element["action_id"], "value": element["value"]}
        action, _ = translate.block_action(body)
        back.append((action.action_id, action.value))
    assert back == [(b.action_id, b.value) for b in (*entries, forget)]


def test_many_buttons_are_split_across_actions_blocks_with_unique_ids() -> None:
    reply = Reply("t", buttons=tuple(Button(f"B{n}", "lookup.show", str(n)) for n in range(30)))
    blocks = translate.message_blocks(reply)
    assert [len(b["elements"]) for b in blocks if b["type"] == "actions"] == [25, 5]
    ids = [e["action_id"] for e in buttons(blocks)]
    assert len(set(ids)) == 30


def test_long_text_is_sent_as_several_messages_with_nothing_cut() -> None:
    paragraph = "Ethnicity data & equity <matter>. " * 100
    reply = Reply(
        "\n".join([paragraph] * 12), title="T" * 200, buttons=(Button("L" * 90, "a", "v"),)
    )
    parts = translate.messages(reply)
    assert len(parts) > 1
    shown = []
    for part in parts:
        blocks = translate.message_blocks(part)
        assert len(blocks) <= 50
        sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
        assert all(len(text) <= translate.SECTION_CHARS for text in sections)
        assert sum(len(text) for text in sections) <= translate.MESSAGE_TEXT_CHARS
        shown += sections
        assert len(translate.fallback_text(part)) <= translate.FALLBACK_CHARS
    first, last = translate.message_blocks(parts[0]), translate.message_blocks(parts[-1])
    assert len(first[0]["text"]["text"]) <= translate.HEADER_CHARS
    assert len(buttons(last)[0]["text"]["text"]) <= translate.BUTTON_LABEL_CHARS
    assert " ".join(shown).split() == translate.mrkdwn(reply.text).split()


def test_a_line_without_spaces_is_never_cut_inside_an_escape() -> None:
    sections = [
        b["text"]["text"]
        for b in translate.message_blocks(Reply("&" * 5000))
        if b["type"] == "section"
    ]
    assert "".join(sections) == "&amp;" * 5000
    assert all(re.fullmatch(r"(&amp;)+", text) for text in sections)


def test_the_title_is_not_repeated_under_the_header() -> None:
    blocks = translate.message_blocks(Reply("Allyship\nStanding with…", title="Allyship"))
    assert [b["type"] for b in blocks] == ["header", "section"]
    assert blocks[1]["text"]["text"] == "Standing with…"
    other = translate.message_blocks(Reply("Here is what I found:", title="Results"))
    assert other[1]["text"]["text"] == "Here is what I found:"


def test_a_form_becomes_a_modal_with_the_right_inputs() -> None:
    form = Form(
        title="Post a learning event for the hub",
        action_id="events.create",
        value="draft-7",
        submit_label="Post it",
        fields=(
            FormField("title", "Title", initial="Data day", max_length=5000, placeholder="P" * 200),
            FormField("about", "About", multiline=True, required=False),
            FormField("kind", "Kind", choices=("Talk", "Workshop"), initial="Workshop"),
            FormField(
                "days",
                "Days",
                choices=("Mon", "Tue", "Wed"),
                multiple=True,
                initial="Tue, Wed, Sun",
            ),
        ),
    )
    view = translate.modal_view(form, "Times are in London time & <b>UK</b> dates.")
    # The title is cut at a word, and the modal's header says it in full.
    assert view["title"]["text"] == "Post a learning event…"
    header, intro, *inputs = view["blocks"]
    assert header["type"] == "header"
    assert header["text"]["text"] == "Post a learning event for the hub"
    assert intro == {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": "Times are in London time &amp; &lt;b&gt;UK&lt;/b&gt; dates.",
        },
    }
    assert view["submit"]["text"] == "Post it"
    assert json.loads(view["private_metadata"]) == {
        "action_id": "events.create",
        "value": "draft-7",
    }
    title, about, kind, days = (block["element"] for block in inputs)
    assert title == {
        "type": "plain_text_input",
        "multiline": False,
        "max_length": 3000,
        "initial_value": "Data day",
        "action_id": "title",
        "placeholder": {"type": "plain_text", "text": "P" * 149 + "…", "emoji": True},
    }
    assert about["multiline"] is True and inputs[1]["optional"] is True
    assert kind["type"] == "static_select" and kind["initial_option"]["value"] == "Workshop"
    assert days["type"] == "multi_static_select"
    assert [o["value"] for o in days["initial_options"]] == ["Tue", "Wed"]


def test_a_menu_keeps_to_slacks_hundred_options_and_selects_only_what_it_shows() -> None:
    many = tuple(f"Trust {n}" for n in range(150))
    form = Form(
        title="Pick",
        action_id="pick",
        fields=(
            FormField("one", "One", choices=many, initial="Trust 120"),
            FormField(
                "some", "Some", choices=many, multiple=True, initial="Trust 3, Trust 3, Trust 140"
            ),
        ),
    )
    one, some = (block["element"] for block in translate.modal_view(form)["blocks"])
    assert len(one["options"]) == len(some["options"]) == translate.MAX_OPTIONS
    assert "initial_option" not in one
    assert [o["value"] for o in some["initial_options"]] == ["Trust 3"]


def test_times_show_in_the_readers_zone_with_london_as_the_fallback() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
    overnight = shown_span(start, start + timedelta(hours=3), london)
    soon = shown_until(start, start - timedelta(hours=3), london)
    reply = Reply(
        f"Starts {soon.words}: {overnight.words} (London time). Not a time: 12:00 & <b>",
        times=(overnight, soon),
    )

    [section] = translate.message_blocks(reply)
    assert section["text"]["text"] == (
        "Starts in 3 hours: "
        "<!date^1798754400^{date_short_pretty} at {time}|Thu 31 Dec 2026, 22:00> – "
        "<!date^1798765200^{date_short_pretty} at {time}|Fri 1 Jan 2027, 01:00 (London time)>."
        " Not a time: 12:00 &amp; &lt;b&gt;"
    )
    assert translate.fallback_text(reply) == (
        "Starts in 3 hours: Thu 31 Dec 2026, 22:00 – Fri 1 Jan 2027, 01:00 (London time)."
        " Not a time: 12:00 &amp; &lt;b&gt;"
    )
