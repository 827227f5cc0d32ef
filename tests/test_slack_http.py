"""Slack over HTTP, end to end: signed requests posted to the real Bolt app on 127.0.0.1,
its Web API calls answered and recorded by the local mock, assertions on what was sent."""

import asyncio
import io
import json
import logging
import re
import threading
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.console import Console
from bot.slack import listeners, translate
from bot.slack.answers import ADAPTER_APOLOGY, SlackAnswers
from bot.slack.inbox import Answerer
from bot.slack.messenger import FILES_IN_DM
from contract.specs import ActionSpec, CommandSpec, Feature, Registry, Request
from contract.vocabulary import Actor, Form, FormField, Platform, Reply, Role
from handlers.clock import ManualClock
from handlers.kb import lookup
from handlers.services import Services
from knowledge.search import SearchIndex
from storage import members, slack_inbox
from storage.slack_events import SlackEvent
from tests.slack_support import (
    BOT_ID,
    BOT_USER_ID,
    Failure,
    MockSlackApi,
    SlackHarness,
    buttons,
    click,
    click_on_home,
    grant,
    payload,
    serving,
    sign,
    slack_app,
    slash,
)


def texts(calls: list) -> str:
    return "\n".join(str(call.body.get("text", "")) for call in calls)


# --- test-only features: a form, a slow handler, a broken one ------------------------

SURVEY = Form(
    title="Learning survey",
    action_id="survey.submit",
    value="autumn",
    fields=(
        FormField("topic", "What should the next session cover?", placeholder="A topic"),
        FormField("format", "Format", choices=("Talk", "Workshop", "Panel")),
        FormField("days", "Days that suit you", choices=("Tuesday", "Thursday"), multiple=True),
        FormField("notes", "Anything else?", multiline=True, required=False),
    ),
)

# A form whose fields come filled in, as a check-in's form does with the last answers.
FOLLOW_UP = Form(
    title="Follow-up",
    action_id="survey.submit",
    value="spring",
    fields=(
        FormField("topic", "What should the next session cover?", initial="Ethnicity data"),
        FormField("format", "Format", choices=("Talk", "Workshop", "Panel"), initial="Panel"),
    ),
)


def feature_registry(pondering: threading.Event | None = None) -> Registry:
    async def survey(request: Request, services: Services) -> Reply:
        return Reply("Tell us what you would like to learn.", form=SURVEY)

    async def follow_up(request: Request, services: Services) -> Reply:
        return Reply("Anything to add?", form=FOLLOW_UP)

    async def submit(request: Request, services: Services) -> Reply:
        answers = "; ".join(f"{name}={value}" for name, value in sorted(request.fields.items()))
        return Reply(f"Thanks for the {request.args} survey: {answers}")

    async def ponder(request: Request, services: Services) -> Reply:
        assert pondering is not None
        # Handlers run on a worker thread (bot/offloop.py), so the test's signal is a
        # thread-safe event.
        await asyncio.to_thread(pondering.wait)
        return Reply("Done pondering.")

    async def recheck(request: Request, services: Services) -> Reply:
        assert pondering is not None
        await asyncio.to_thread(pondering.wait)
        return Reply("Please name a topic.", form=SURVEY)

    async def broken(request: Request, services: Services) -> Reply:
        raise RuntimeError("the database fell over")

    async def nudge(request: Request, services: Services) -> Reply:
        ref = await services.messengers[Platform.SLACK].send_direct(
            "U0KWAME", Reply("Amara would like to meet you.")
        )
        return Reply(f"Sent to {ref.channel_id} at {ref.message_id}.")

    commands = [
        *lookup.COMMANDS,
        CommandSpec("survey", "A survey form", survey, opens_form=True),
        # A form from a command not declared to open one: answered by a worker.
        CommandSpec("follow up", "A form with answers filled in", follow_up),
        CommandSpec("ponder", "Slow work", ponder),
        CommandSpec("broken", "Always fails", broken),
        CommandSpec("nudge", "Messages someone else", nudge),
    ]
    actions = [
        *lookup.ACTIONS,
        ActionSpec("survey.submit", submit),
        ActionSpec("survey.recheck", recheck),
    ]
    return Registry([Feature(commands, actions)], question=lookup.answer_question)


@pytest.fixture
async def featured(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> AsyncIterator[tuple[SlackHarness, threading.Event]]:
    pondering = threading.Event()
    async with (
        slack_app(sqlite_url, mock, knowledge, clock, feature_registry(pondering)) as app,
        serving(app, mock) as harness,
    ):
        yield harness, pondering
        pondering.set()  # a failed test must not leave the slow handler waiting forever


# --- slash command ---------------------------------------------------------------------


async def test_slash_command_answers_only_the_asker_in_block_kit(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    status, body = await slack.post(payload("slash_command", mock, text="define wres"))
    assert (status, body) == (200, "")

    [answer] = await mock.wait_for("response_url")
    assert answer.body["response_type"] == "ephemeral"
    assert answer.body["replace_original"] is False
    assert "Workforce Race Equality Standard" in answer.body["text"]
    header, section, actions = answer.body["blocks"][:3]
    assert header == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "Workforce Race Equality Standard (WRES)",
            "emoji": True,
        },
    }
    # The title is the header; the section starts with the summary, not the title again.
    assert section["text"]["type"] == "mrkdwn"
    assert not section["text"]["text"].startswith("Workforce Race Equality Standard (WRES)")
    read_more, *related, helpful, unhelpful = actions["elements"]
    assert read_more["text"]["text"] == "Read more" and read_more["url"].startswith("https://")
    assert related and all(b["action_id"].startswith("lookup.show#") for b in related)
    assert [helpful["text"]["text"], unhelpful["text"]["text"]] == ["Helpful", "Not what I needed"]
    action_ids = [b["action_id"] for b in actions["elements"]]
    assert len(set(action_ids)) == len(action_ids)
    assert mock.calls_to("chat.postMessage") == []


async def test_slash_command_alone_gets_the_hello(slack: SlackHarness, mock: MockSlackApi) -> None:
    await slack.post(payload("slash_command", mock, text=""))
    [answer] = await mock.wait_for("response_url")
    assert answer.body["text"].startswith("Hello! Ask me about a term")


async def test_every_registry_command_answers_through_slack(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    """Each registered command, typed after /larch, gets an answer (or its form) and no
    apology."""
    commands = [spec.name for spec in slack.app.registry.commands]
    for number, text in enumerate(commands, start=1):
        await slack.post(payload("slash_command", mock, text=text))
        *_, answer = await mock.wait_for("response_url", "views.open", count=number)
        if answer.method == "views.open":
            assert answer.body["view"]["type"] == "modal", text
        else:
            assert answer.body["text"], text
            assert "went wrong" not in answer.body["text"], text


async def test_slack_mentions_in_a_command_reach_the_handler_as_people(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    grant(slack.app, "U0AMARA", Role.ADMIN)
    await slack.post(payload("slash_command", mock, text="admin grant <@U0KWAME|kwame> curator"))
    [answer] = await mock.wait_for("response_url")
    assert answer.body["text"].startswith("Done:")
    assert answer.body["text"].endswith("now has the curator role.")
    with slack.app.services.db.session() as session:
        kwame = members.find(session, Platform.SLACK, "U0KWAME")
    assert kwame is not None and Role.CURATOR in kwame.roles


async def test_my_data_file_goes_to_the_askers_direct_messages(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(payload("slash_command", mock, text="my data"))
    [answer] = await mock.wait_for("response_url")
    assert answer.body["response_type"] == "ephemeral"
    assert FILES_IN_DM in answer.body["text"]

    [completed] = await mock.wait_for("files.completeUploadExternal")
    [opened] = mock.calls_to("conversations.open")
    assert opened.body["users"] == "U0AMARA"
    assert completed.body["channel_id"] == "D0U0AMARA"
    assert json.loads(completed.body["files"])[0]["title"] == "larch-my-data.json"
    [upload] = mock.calls_to("upload")
    assert json.loads(upload.raw)["display_name"] == "Amara Okafor"


@pytest.mark.parametrize(
    "said",
    [
        "define wres",
        "what is co-production?",
        "remi stages",
        "find co-production toolkit",
        "help",
        "what's the weather tomorrow",
    ],
)
async def test_the_console_and_slack_give_the_same_answer(
    slack: SlackHarness, mock: MockSlackApi, tmp_path: Path, said: str
) -> None:
    printed = io.StringIO()
    console = Console(slack.app, Actor(Platform.CONSOLE, "amara", "Amara"), printed, tmp_path)
    await console.say(said)

    await slack.post(payload("slash_command", mock, text=said))
    [answer] = await mock.wait_for("response_url")
    assert printed.getvalue().startswith(translate.neutral_text(answer.body["text"]))
    console_choices = re.findall(r"^  \[\d+\] (.+)$", printed.getvalue(), flags=re.MULTILINE)
    slack_choices = [b["text"]["text"] for b in buttons(answer.body["blocks"]) if "url" not in b]
    # Slack caps a button's label at 75 characters.
    assert len(slack_choices) == len(console_choices)
    for on_slack, on_console in zip(slack_choices, console_choices, strict=True):
        assert on_slack == on_console or (
            on_slack.endswith("…") and on_console.startswith(on_slack[:-1])
        )


# --- mentions and direct messages -----------------------------------------------------


async def test_a_mention_is_answered_in_the_channel(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(payload("app_mention", mock))
    [posted] = await mock.wait_for("chat.postMessage")
    assert posted.body["channel"] == "C0GENERAL"
    assert posted.body.get("thread_ts") is None
    assert "Co-production" in posted.body["text"]
    assert posted.body["blocks"][0]["type"] == "header"


async def test_a_mention_in_a_thread_is_answered_in_the_thread(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(payload("app_mention", mock, thread_ts="1764000000.000100"))
    [posted] = await mock.wait_for("chat.postMessage")
    assert posted.body["thread_ts"] == "1764000000.000100"


async def test_a_private_answer_to_a_mention_is_ephemeral_in_the_thread(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(
        payload("app_mention", mock, text="<@U0LARCHBOT> help", thread_ts="1764000000.000100")
    )
    [whispered] = await mock.wait_for("chat.postEphemeral")
    assert whispered.body["user"] == "U0KWAME"
    assert whispered.body["channel"] == "C0GENERAL"
    assert whispered.body["thread_ts"] == "1764000000.000100"
    assert whispered.body["text"].startswith("Here is what I can do")
    assert mock.calls_to("chat.postMessage") == []


async def test_a_direct_message_is_answered_in_the_conversation(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(payload("message_im", mock))
    [posted] = await mock.wait_for("chat.postMessage")
    assert posted.body["channel"] == "D0NGOZI"
    assert "6. Championing" in posted.body["text"]
    with slack.app.services.db.session() as session:
        ngozi = members.find(session, Platform.SLACK, "U0NGOZI")
    assert ngozi is not None and ngozi.display_name == "Ngozi Eze"


async def test_a_40_kb_message_gets_a_kind_refusal(slack: SlackHarness, mock: MockSlackApi) -> None:
    await slack.post(payload("message_im", mock, text="why " * 10_000))
    [posted] = await mock.wait_for("chat.postMessage")
    assert "longer than I can read" in posted.body["text"]


async def test_a_payload_with_fields_slack_added_later_still_works(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    data = payload("message_im", mock, assistant_thread={"context": {"channel_id": "C1"}})
    data["brand_new_envelope_field"] = {"nested": [1, 2, 3]}
    await slack.post(data)
    [posted] = await mock.wait_for("chat.postMessage")
    assert "6. Championing" in posted.body["text"]


async def test_other_bots_and_the_bot_itself_are_ignored(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    other_bot = payload("message_im", mock, subtype="bot_message", bot_id="B0OTHER")
    del other_bot["event"]["user"]
    await slack.post(other_bot)
    assert await slack.finish() == 1  # the listener ran, and chose to say nothing

    own = payload("message_im", mock, user=BOT_USER_ID, bot_id=BOT_ID)
    own["event_id"] = "Ev0OWN00000001"
    await slack.post(own)
    assert await slack.finish() == 0  # Bolt dropped it before any listener
    assert mock.said() == []


async def test_edits_and_channel_messages_are_not_questions(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(payload("message_im", mock, subtype="message_changed"))
    channel = payload("message_im", mock, channel="C0GENERAL", channel_type="channel")
    channel["event_id"] = "Ev0CHANNEL0001"
    await slack.post(channel)
    assert await slack.finish() == 2
    assert mock.said() == []


# --- buttons, forms and the Home tab ---------------------------------------------------


async def test_a_related_entry_button_shows_that_entry_to_the_clicker(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    status, _ = await slack.post(payload("block_actions", mock))
    assert status == 200
    [answer] = await mock.wait_for("response_url")
    assert answer.body["response_type"] == "ephemeral"
    assert answer.body["text"].startswith("Structural racism")


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (
            {"action_id": "lookup.show#0", "value": "../../etc/passwd"},
            "no longer in the knowledge base",
        ),
        (
            {"action_id": "admin.delete_everyone#0", "value": "all"},
            "That button no longer does anything",
        ),
        ({"action_id": "lookup.show#0", "value": "x" * 2500}, "longer than I can read"),
    ],
)
async def test_forged_buttons_get_a_kind_reply_and_change_nothing(
    slack: SlackHarness, mock: MockSlackApi, action: dict[str, str], expected: str
) -> None:
    data = payload("block_actions", mock)
    data["actions"][0].update(action)
    await slack.post(data)
    [answer] = await mock.wait_for("response_url")
    assert expected in answer.body["text"]


async def test_a_link_button_click_needs_no_answer(slack: SlackHarness, mock: MockSlackApi) -> None:
    data = payload("block_actions", mock)
    data["actions"][0] = {
        "action_id": "larch.link#0",
        "type": "button",
        "url": "https://example.org",
    }
    status, _ = await slack.post(data)
    assert status == 200
    assert await slack.finish() == 1
    assert mock.said() == []


async def test_a_form_opens_as_a_modal_from_a_slash_command(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, _ = featured
    command = payload("slash_command", mock, text="survey")
    await slack.post(command)
    [opened] = await mock.wait_for("views.open")
    assert opened.body["trigger_id"] == command["trigger_id"]
    view = opened.body["view"]
    assert view["type"] == "modal" and view["callback_id"] == "larch.form"
    assert view["title"]["text"] == "Learning survey"
    assert json.loads(view["private_metadata"]) == {"action_id": "survey.submit", "value": "autumn"}
    # What the reply said introduces the form.
    intro, *inputs = view["blocks"]
    assert intro["text"]["text"] == "Tell us what you would like to learn."
    elements = {block["block_id"]: block["element"] for block in inputs}
    assert elements["topic"]["type"] == "plain_text_input"
    assert elements["topic"]["multiline"] is False
    assert elements["format"]["type"] == "static_select"
    assert [o["value"] for o in elements["format"]["options"]] == ["Talk", "Workshop", "Panel"]
    assert elements["days"]["type"] == "multi_static_select"
    assert elements["notes"]["multiline"] is True
    assert [b["optional"] for b in inputs] == [False, False, False, True]
    assert mock.said() == []


async def test_a_submitted_modal_reaches_the_handler_and_is_answered_in_a_dm(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, _ = featured
    status, body = await slack.post(payload("view_submission", mock))
    assert (status, body) == (200, "")
    [posted] = await mock.wait_for("chat.postMessage")
    assert posted.body["channel"] == "D0U0AMARA"
    assert posted.body["text"] == (
        "Thanks for the autumn survey: days=Tuesday, Thursday; format=Workshop; notes=; "
        "topic=Ethnicity data"
    )


async def test_a_modal_without_our_metadata_is_refused_kindly(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, _ = featured
    data = payload("view_submission", mock)
    data["view"]["private_metadata"] = "not json"
    await slack.post(data)
    [posted] = await mock.wait_for("chat.postMessage")
    assert "That button no longer does anything" in posted.body["text"]


async def test_a_form_given_back_after_the_ack_arrives_as_text_in_a_dm(
    featured: tuple[SlackHarness, threading.Event],
    mock: MockSlackApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A quick answer that is the form again updates the open modal (see the events flow);
    a slow one cannot, once the modal is closed, so its words come by DM."""
    monkeypatch.setattr(listeners, "SUBMISSION_ANSWER_SECONDS", 0.05)
    slack, pondering = featured
    data = payload("view_submission", mock)
    data["view"]["private_metadata"] = json.dumps({"action_id": "survey.recheck", "value": ""})
    status, body = await slack.post(data)
    assert (status, body) == (200, "")
    pondering.set()
    [posted] = await mock.wait_for("chat.postMessage")
    assert posted.body["channel"] == "D0U0AMARA"
    assert posted.body["text"] == "Please name a topic."
    assert mock.calls_to("views.open") == []


async def test_a_form_asked_for_by_mention_opens_from_a_button(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, _ = featured
    await slack.post(payload("app_mention", mock, text="<@U0LARCHBOT> survey"))
    [posted] = await mock.wait_for("chat.postMessage")
    [button] = buttons(posted.body["blocks"])
    assert button["text"]["text"] == "Open the form"

    await slack.post(click(mock, button, user="U0KWAME"))
    [opened] = await mock.wait_for("views.open")
    assert opened.body["view"]["title"]["text"] == "Learning survey"


# --- forms within Slack's 3 seconds, or behind a button ---------------------------------


async def test_a_form_opens_from_the_web_process_with_no_worker_running(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> None:
    """A command declared to open a form does not wait in the inbox behind other work."""
    async with (
        slack_app(sqlite_url, mock, knowledge, clock, feature_registry()) as app,
        serving(app, mock, answer_here=False) as slack,
    ):
        command = slash(mock, "survey")
        await slack.post(command)
        [opened] = await mock.wait_for("views.open")
        await slack.finish()
        with app.services.db.session() as session:
            waiting = slack_inbox.count(session)
    assert opened.body["trigger_id"] == command["trigger_id"]
    assert opened.body["view"] == translate.modal_view(
        SURVEY, "Tell us what you would like to learn."
    )
    assert waiting == 0
    assert mock.said() == []


async def test_a_form_answered_after_its_trigger_expired_opens_from_a_button(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> None:
    """A worker that answers late (busy, or taking a request over after a lease) offers
    the form behind a button, whose click opens the same form, filled in the same."""
    async with (
        slack_app(sqlite_url, mock, knowledge, clock, feature_registry()) as app,
        serving(app, mock, answer_here=False) as slack,
    ):
        await slack.post(slash(mock, "follow up"))
        await slack.finish()
        clock.advance(timedelta(seconds=3))
        answers = SlackAnswers(app, app.services.messengers[Platform.SLACK])  # type: ignore[arg-type]
        async with Answerer(app.services.db, clock, answers.answer).running() as answerer:
            await asyncio.wait_for(answerer.drained(), 10)

        [offered] = await mock.wait_for("response_url")
        assert offered.body["response_type"] == "ephemeral"
        assert offered.body["text"] == "Anything to add?"
        [button] = buttons(offered.body["blocks"])
        assert button["text"]["text"] == "Open the form"
        assert mock.calls_to("views.open") == []

        clicked = click(mock, button)
        await slack.post(clicked)
        [opened] = await mock.wait_for("views.open")
    assert opened.body["trigger_id"] == clicked["trigger_id"]
    assert opened.body["view"] == translate.modal_view(FOLLOW_UP, "Anything to add?")
    assert ADAPTER_APOLOGY.text not in texts(mock.said())


async def test_a_trigger_slack_calls_expired_gets_the_button_not_an_apology(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, _ = featured
    mock.fail_next("views.open", Failure(error="expired_trigger_id"))
    await slack.post(slash(mock, "survey"))
    [offered] = await mock.wait_for("response_url")
    assert offered.body["text"] == "Tell us what you would like to learn."
    [button] = buttons(offered.body["blocks"])
    assert button["text"]["text"] == "Open the form"

    clicked = click(mock, button)
    await slack.post(clicked)
    _, opened = await mock.wait_for("views.open", count=2)
    assert opened.body["trigger_id"] == clicked["trigger_id"]
    assert opened.body["view"]["title"]["text"] == "Learning survey"
    assert ADAPTER_APOLOGY.text not in texts(mock.said())


async def test_an_open_the_form_button_opens_nothing_for_someone_else(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, _ = featured
    mock.fail_next("views.open", Failure(error="expired_trigger_id"))
    await slack.post(slash(mock, "survey", user="U0AMARA"))
    [offered] = await mock.wait_for("response_url")
    [button] = buttons(offered.body["blocks"])

    await slack.post(click(mock, button, user="U0KWAME"))
    _, refused = await mock.wait_for("response_url", count=2)
    assert refused.body["text"].startswith("That form isn't one I kept for you")
    assert len(mock.calls_to("views.open")) == 1


async def test_the_home_tab_shows_roles_and_quick_actions(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(payload("app_home_opened", mock))
    [published] = await mock.wait_for("views.publish")
    assert published.body["user_id"] == "U0AMARA"
    view = published.body["view"]
    assert view["type"] == "home"
    sections = " ".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    assert "Hello Amara Okafor. You are a member of the hub." in sections
    assert "No upcoming events yet: they are announced in the events channel." in sections
    labels = [button["text"]["text"] for button in buttons(view["blocks"])]
    assert {"help", "remi stages", "my data"} <= set(labels)
    assert "admin roles" not in labels and "define" not in labels

    grant(slack.app, "U0AMARA", Role.ORGANISER)
    grant(slack.app, "U0AMARA", Role.ADMIN)
    again = payload("app_home_opened", mock)
    again["event_id"] = "Ev0HOME0000002"
    await slack.post(again)
    [_, republished] = await mock.wait_for("views.publish", count=2)
    blocks = republished.body["view"]["blocks"]
    sections = " ".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert "You are a member, an admin and an organiser of the hub." in sections
    assert "admin roles" in [button["text"]["text"] for button in buttons(blocks)]


async def test_a_quick_action_on_the_home_tab_is_answered_in_the_messages_tab(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(payload("app_home_opened", mock))
    [published] = await mock.wait_for("views.publish")
    home = buttons(published.body["view"]["blocks"])
    remi = next(button for button in home if button["text"]["text"] == "remi stages")

    await slack.post(click_on_home(mock, remi))
    [posted] = await mock.wait_for("chat.postMessage")
    assert posted.body["channel"] == "D0U0AMARA"
    assert "6. Championing" in posted.body["text"]


async def test_a_handler_can_message_someone_else_through_slack(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, _ = featured
    await slack.post(payload("slash_command", mock, text="nudge"))
    [answer] = await mock.wait_for("response_url")
    [posted] = mock.calls_to("chat.postMessage")
    assert posted.body["channel"] == "D0U0KWAME"
    assert posted.body["text"] == "Amara would like to meet you."
    assert answer.body["text"].startswith("Sent to D0U0KWAME at 1764000000.")


# --- reliability ------------------------------------------------------------------------


async def test_url_verification_echoes_the_challenge(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    status, body = await slack.post(payload("url_verification", mock))
    assert status == 200
    assert json.loads(body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def stored_events(slack: SlackHarness) -> list[SlackEvent]:
    with slack.app.services.db.session() as session:
        return list(session.exec(select(SlackEvent)).all())


async def test_a_forged_signature_gets_401_and_changes_nothing(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    for data in (payload("app_mention", mock), payload("slash_command", mock)):
        now = int(time.time())
        forged = sign(json.dumps(data), now, secret="not-the-signing-secret")
        status, _ = await slack.post(data, timestamp=now, signature=forged)
        assert status == 401
    assert await slack.finish() == 0
    assert mock.calls == []
    assert stored_events(slack) == []


async def test_a_stale_timestamp_gets_401(slack: SlackHarness, mock: MockSlackApi) -> None:
    status, _ = await slack.post(payload("app_mention", mock), timestamp=int(time.time()) - 10 * 60)
    assert status == 401
    assert mock.calls == []
    assert stored_events(slack) == []


async def test_a_retried_event_already_taken_is_acknowledged_and_dropped(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(payload("app_mention", mock))
    await mock.wait_for("chat.postMessage")
    assert await slack.finish() == 1
    status, _ = await slack.post(
        payload("app_mention", mock),
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert status == 200
    assert await slack.finish() == 0
    assert len(mock.calls_to("chat.postMessage")) == 1
    assert [e.event_id for e in stored_events(slack)] == ["Ev0MENTION0001"]


async def test_a_429_from_slack_is_retried_after_retry_after(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    mock.fail_next("chat.postMessage", Failure(status=429, retry_after=0))
    await slack.post(payload("message_im", mock))
    refused, delivered = await mock.wait_for("chat.postMessage", count=2)
    assert refused.body == delivered.body
    assert "6. Championing" in delivered.body["text"]
    await slack.finish()
    assert len(mock.calls_to("chat.postMessage")) == 2
    assert mock.calls_to("chat.postEphemeral") == []


async def test_a_handler_that_raises_becomes_an_apology_and_a_logged_trace(
    featured: tuple[SlackHarness, threading.Event],
    mock: MockSlackApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack, _ = featured
    await slack.post(payload("slash_command", mock, text="broken"))
    [answer] = await mock.wait_for("response_url")
    assert answer.body["response_type"] == "ephemeral"
    assert answer.body["text"].startswith(
        "Sorry, something went wrong on my side while doing `broken`"
    )
    assert any(
        r.exc_info and "the database fell over" in str(r.exc_info[1]) for r in caplog.records
    )
    assert "Traceback" not in json.dumps([call.body for call in mock.calls])
    assert "fell over" not in json.dumps([call.body for call in mock.calls])


async def test_a_failure_in_the_adapter_becomes_an_apology_and_a_logged_trace(
    slack: SlackHarness, mock: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    mock.fail_next("chat.postMessage", Failure(error="not_in_channel"))
    with caplog.at_level(logging.ERROR, logger="bot.slack.answers"):
        await slack.post(payload("app_mention", mock))
        [apology] = await mock.wait_for("chat.postEphemeral")
    assert apology.body["user"] == "U0KWAME"
    assert apology.body["text"] == ADAPTER_APOLOGY.text
    failures = [r for r in caplog.records if r.name == "bot.slack.answers" and r.exc_info]
    assert failures and "not_in_channel" in str(failures[0].exc_info[1])
    assert "Traceback" not in json.dumps([call.body for call in mock.calls])


async def test_slow_work_is_acknowledged_before_it_finishes(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, pondering = featured
    # The timeout only stops the test hanging if the ack were made to wait for the work.
    status, body = await asyncio.wait_for(
        slack.post(payload("slash_command", mock, text="ponder")), 10
    )
    # The HTTP answer (Slack's ack) came back while the handler is still waiting.
    assert (status, body) == (200, "")
    assert not pondering.is_set()
    assert mock.calls_to("response_url") == []

    pondering.set()
    [answer] = await mock.wait_for("response_url")
    assert answer.body["text"] == "Done pondering."


async def test_a_members_requests_are_answered_in_the_order_they_were_sent(
    featured: tuple[SlackHarness, threading.Event], mock: MockSlackApi
) -> None:
    slack, pondering = featured
    await slack.post(payload("slash_command", mock, text="ponder", user_id="U0AMARA"))
    await slack.post(payload("slash_command", mock, text="define wres", user_id="U0AMARA"))
    await slack.post(payload("slash_command", mock, text="define wres", user_id="U0KWAME"))
    # Someone else's question is answered meanwhile; Amara's second waits for her first.
    [kwame] = await mock.wait_for("response_url")
    assert "Workforce Race Equality Standard" in kwame.body["text"]

    pondering.set()
    await slack.finish()
    answers = [call.body["text"] for call in mock.calls_to("response_url")]
    assert answers[1] == "Done pondering."
    assert "Workforce Race Equality Standard" in answers[2]


async def test_a_request_that_cannot_be_written_down_is_acknowledged_with_an_apology(
    slack: SlackHarness, mock: MockSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_full(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(slack_inbox, "put", database_full)
    status, _ = await slack.post(payload("slash_command", mock, text="define wres"))
    assert status == 200
    [apology] = await mock.wait_for("response_url")
    assert apology.body["text"] == ADAPTER_APOLOGY.text
    assert "disk full" not in json.dumps([call.body for call in mock.calls])


# --- kept once acknowledged, answered once -------------------------------------------


async def test_an_acknowledged_slash_command_is_already_in_the_database(
    mock: MockSlackApi,
    sqlite_url: str,
    knowledge: SearchIndex,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write = slack_inbox.put

    def slow_disk(*args: Any) -> None:
        time.sleep(0.3)
        write(*args)

    monkeypatch.setattr(slack_inbox, "put", slow_disk)
    async with (
        slack_app(sqlite_url, mock, knowledge, clock) as app,
        serving(app, mock, answer_here=False) as slack,
    ):
        status, _ = await slack.post(payload("slash_command", mock, text="define wres"))
        # The web process could die now: what Slack was told is taken must be kept.
        with app.services.db.session() as session:
            kept = slack_inbox.count(session)
        await slack.finish()
    assert (status, kept) == (200, 1)


async def test_a_worker_killed_after_posting_an_answer_does_not_post_it_again(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> None:
    async with (
        slack_app(sqlite_url, mock, knowledge, clock) as app,
        serving(app, mock, answer_here=False) as slack,
    ):
        answers = SlackAnswers(app, app.services.messengers[Platform.SLACK])  # type: ignore[arg-type]

        killed = asyncio.Event()

        async def answer_then_die(*request: Any) -> None:
            await answers.answer(*request)
            if "wres" in request[0].payload["text"]:
                # Killed after the answer was posted, before the request was marked done.
                killed.set()
                raise asyncio.CancelledError

        await slack.post(payload("slash_command", mock, text="define wres", user_id="U0AMARA"))
        await slack.post(payload("slash_command", mock, text="define bame", user_id="U0AMARA"))
        await slack.finish()
        async with Answerer(app.services.db, clock, answer_then_die).running():
            await asyncio.wait_for(killed.wait(), 10)
        [posted] = mock.calls_to("response_url")
        assert "Workforce Race Equality Standard" in posted.body["text"]

        # About a minute later another worker takes over Amara's requests.
        clock.advance(timedelta(minutes=1, seconds=1))
        async with Answerer(app.services.db, clock, answers.answer).running() as answerer:
            await asyncio.wait_for(answerer.drained(), 10)

    answered = [call.body["text"] for call in mock.calls_to("response_url")]
    assert len(answered) == 2, answered
    assert "Workforce Race Equality Standard" in answered[0]
    assert "Workforce Race Equality Standard" not in answered[1]


async def test_a_slash_command_replayed_with_the_same_signed_body_is_taken_once(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    body = payload("slash_command", mock, text="define wres")
    timestamp = int(time.time())
    first = await slack.post(body, timestamp=timestamp)
    again = await slack.post(body, timestamp=timestamp)
    await slack.finish()
    assert first == again == (200, "")
    [answer] = mock.calls_to("response_url")
    assert "Workforce Race Equality Standard" in answer.body["text"]
