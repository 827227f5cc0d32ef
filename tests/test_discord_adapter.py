"""The Discord adapter end to end: the real discord.py client against the local fake Discord
(tests/fake_discord.py), asserting on what Discord would have received."""

import logging
import threading
from typing import Any

import discord
import pytest

from bot.app import App
from bot.discord.client import LarchClient
from contract.specs import ActionSpec, CommandSpec, Feature, Registry, Request
from contract.vocabulary import (
    Action,
    Actor,
    Button,
    Command,
    Form,
    FormField,
    MessageRef,
    Platform,
    Reply,
    Role,
)
from handlers.registry import build_registry
from handlers.router import Router
from handlers.services import Services
from storage import members
from tests.discord_support import READY_SECONDS, Running, ask, buttons_of, grant
from tests.fake_discord import (
    APPLICATION_ID,
    BOT_ID,
    CHANNEL_ID,
    EPHEMERAL,
    GROUPS_CHANNEL_ID,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
    user,
)

AMARA = user(101, "Amara")
KWAME = user(102, "Kwame")
ROBOT = user(103, "Robo", bot=True)


@pytest.fixture
async def bot(running: Running) -> LarchClient:
    return await running.start()


def _with_test_commands(app: App, commands: list[CommandSpec], actions: list[ActionSpec]) -> None:
    """The real features plus `commands` and `actions`."""
    real = build_registry()
    extra = Feature(commands=commands, actions=actions)
    registry = Registry([*real.features, extra], question=real.question)
    app.registry = registry
    app.router = Router(registry, app.services)


def _roles_of(app: App, person: dict[str, Any]) -> frozenset[Role]:
    with app.services.db.session() as session:
        member = members.find(session, Platform.DISCORD, person["id"])
    return frozenset() if member is None else member.roles


# --- start-up ----------------------------------------------------------------------------


async def test_slash_commands_from_the_registry_are_synced_to_the_guild(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    synced = await fake.wait_for_call(
        "PUT", f"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"
    )
    by_name = {command["name"]: command for command in synced.body}
    assert {"define", "find", "help", "link", "remi", "admin", "my", "forget"} <= set(by_name)
    [term] = by_name["define"]["options"]
    assert term == {
        "type": 3,
        "name": "term",
        "description": "The term to explain, e.g. structural racism",
        "required": True,
        "autocomplete": True,
        "min_length": 1,
        "max_length": 300,
    }
    grant = next(o for o in by_name["admin"]["options"] if o["name"] == "grant")
    assert [(o["name"], o["type"]) for o in grant["options"]] == [("person", 6), ("role", 3)]
    assert {"name": "curator", "value": "curator"} in grant["options"][1]["choices"]
    assert all(len(c["description"]) <= 100 for c in synced.body)


async def test_staff_commands_are_hidden_from_members_until_a_server_admin_grants_them(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    synced = await fake.wait_for_call(
        "PUT", f"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"
    )
    hidden = {
        command["name"]: command["default_member_permissions"]
        for command in synced.body
        if command["default_member_permissions"] is not None
    }
    manage_guild = discord.Permissions(manage_guild=True).value
    manage_messages = discord.Permissions(manage_messages=True).value
    assert hidden == {"admin": manage_guild, "digest": manage_guild, "kb": manage_messages}
    by_name = {command["name"]: command for command in synced.body}
    # Commands members use, alone or beside staff ones in a group, are offered to everyone.
    for name in ("define", "find", "events", "event", "intros", "remi", "help"):
        assert by_name[name]["default_member_permissions"] is None


async def test_a_member_a_server_admin_let_see_admin_commands_is_still_refused(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    # Discord leaves the hiding to the server; the bot answers by its own roles.
    answer = await ask(fake, fake.slash("admin grant", KWAME, person=AMARA, role="curator"))

    assert (
        "needs the admin role, which you don't have" in answer["data"]["embeds"][0]["description"]
    )
    assert _roles_of(app, AMARA) == frozenset()


async def test_the_bot_dials_the_gateway_url_that_gateway_bot_returns(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    await fake.wait_for_call("GET", "/gateway/bot")
    identify = await fake.wait_for_gateway(2)
    assert identify["d"]["token"] == TOKEN
    wanted = discord.Intents(guilds=True, guild_messages=True, dm_messages=True)
    assert identify["d"]["intents"] == wanted.value
    assert not discord.Intents._from_value(identify["d"]["intents"]).message_content


# --- slash commands ------------------------------------------------------------------------


async def test_define_answers_with_an_embed_buttons_and_the_same_text_as_the_console(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    answer = await ask(fake, fake.slash("define", AMARA, term="structural racism"))

    assert answer["type"] == 4
    [embed] = answer["data"]["embeds"]
    console = await app.router.handle_command(
        Command(Actor(Platform.CONSOLE, "amara"), "define structural racism")
    )
    assert embed["title"] == "Structural racism"
    assert embed["description"] == console[0].text
    assert not answer["data"].get("flags", 0) & EPHEMERAL
    buttons = [b for row in answer["data"]["components"] for b in row["components"]]
    read_more = {"label": "Read more", "url": console[0].link.url}  # type: ignore[union-attr]
    assert read_more.items() <= buttons[-1].items()
    assert buttons[0]["custom_id"] == f"larch:lookup.show:{console[0].buttons[0].value}"


async def test_define_autocompletes_from_knowledge_titles_and_aliases(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    answer = await ask(fake, fake.autocomplete("define", AMARA, term="wres"))
    assert answer["type"] == 8
    names = [choice["name"] for choice in answer["data"]["choices"]]
    assert "Workforce Race Equality Standard (WRES)" in names
    assert len(names) <= 25


async def test_a_private_reply_is_ephemeral(fake: FakeDiscord, bot: LarchClient) -> None:
    answer = await ask(fake, fake.slash("help", AMARA))
    assert answer["data"]["flags"] & EPHEMERAL
    assert "Here is what I can do" in answer["data"]["embeds"][0]["description"]


async def test_an_answer_longer_than_one_embed_goes_on_in_the_next_not_cut(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    grant(app, AMARA, Role.ADMIN)  # an admin's help is longer than an embed holds

    answer = await ask(fake, fake.slash("help", AMARA))

    [same] = await app.router.handle_command(Command(Actor(Platform.DISCORD, "101"), "help"))
    embeds = answer["data"]["embeds"]
    assert len(same.text) > 4096 and len(embeds) == 2
    assert "\n".join(e["description"] for e in embeds) == same.text


async def test_a_user_option_becomes_a_neutral_mention(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    grant(app, AMARA, Role.ADMIN)

    answer = await ask(fake, fake.slash("admin grant", AMARA, person=KWAME, role="curator"))

    assert "now has the curator role" in answer["data"]["embeds"][0]["description"]
    assert _roles_of(app, KWAME) == {Role.CURATOR}


async def test_link_on_discord_then_on_the_console_makes_one_member(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    given = await ask(fake, fake.slash("link", AMARA))
    assert given["data"]["flags"] & EPHEMERAL
    code = given["data"]["embeds"][0]["description"].split("code is ")[1][:11]

    console = Actor(Platform.CONSOLE, "amara")
    [asked] = await app.router.handle_command(Command(console, f"link {code}"))
    # Amara's Discord account is asked too, in a DM with its own Confirm button.
    dm = await fake.wait_for_call("POST", r"/channels/900101/messages")
    [confirm, _cancel] = buttons_of(dm.body)
    await ask(fake, fake.click(confirm["custom_id"], AMARA, fake.stored_message(dm.body, 900101)))
    [linked] = await app.router.handle_action(
        Action(console, asked.buttons[0].action_id, asked.buttons[0].value)
    )

    assert "discord (Amara)" in linked.text and "console (amara)" in linked.text


# --- buttons ---------------------------------------------------------------------------------


async def _message_withbuttons_of(fake: FakeDiscord) -> dict[str, Any]:
    """A message the bot sent, as Discord stores it: what a later click refers to."""
    answer = await ask(fake, fake.slash("define", AMARA, term="structural racism"))
    return {**fake.stored_message(answer["data"], CHANNEL_ID), "flags": 0}


async def test_a_button_runs_its_action(fake: FakeDiscord, bot: LarchClient) -> None:
    message = await _message_withbuttons_of(fake)
    first = buttons_of(message)[0]

    answer = await ask(fake, fake.click(first["custom_id"], KWAME, message))

    assert answer["type"] == 4
    assert answer["data"]["embeds"][0]["title"] == first["label"]


async def test_buttons_keep_working_after_the_bot_restarts(
    fake: FakeDiscord, running: Running
) -> None:
    await running.start()
    message = await _message_withbuttons_of(fake)
    await running.stop()
    await running.start()

    second = buttons_of(message)[1]
    answer = await ask(fake, fake.click(second["custom_id"], KWAME, message))

    assert answer["data"]["embeds"][0]["title"] == second["label"]


@pytest.mark.parametrize(
    "custom_id",
    [
        "somebody-elses-button",
        "larch:events.rsvp:deleted-event",
        "larch#:0123456789abcdef0123456789abcdef",
        "larch-form:privacy.forget:confirm",
    ],
)
async def test_an_unknown_or_forged_button_gets_a_clear_reply_and_changes_nothing(
    fake: FakeDiscord, bot: LarchClient, app: App, custom_id: str
) -> None:
    await ask(fake, fake.slash("help", KWAME))
    message = fake.stored_message(
        {
            "components": [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 2, "label": "Go", "custom_id": custom_id}],
                }
            ]
        },
        CHANNEL_ID,
    )

    answer = await ask(fake, fake.click(custom_id, KWAME, message))

    assert answer["data"]["flags"] & EPHEMERAL
    assert "That button no longer does anything" in answer["data"]["embeds"][0]["description"]
    with app.services.db.session() as session:
        assert members.find(session, Platform.DISCORD, "102") is not None


async def test_a_forged_id_missing_from_the_message_still_gets_a_reply(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    answer = await ask(fake, fake.click("larch:privacy.forget:confirm", KWAME))
    assert "That button no longer does anything" in answer["data"]["embeds"][0]["description"]


# --- reliability -----------------------------------------------------------------------------


async def _boom(request: Request, services: Services) -> Reply:
    raise RuntimeError("the database caught fire")


async def test_a_handler_that_raises_gets_a_kind_ephemeral_reply_and_a_logged_trace(
    fake: FakeDiscord, running: Running, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    _with_test_commands(app, [CommandSpec("boom", "Fails", _boom)], [])
    await running.start()

    with caplog.at_level(logging.ERROR):
        answer = await ask(fake, fake.slash("boom", AMARA))

    assert answer["data"]["flags"] & EPHEMERAL
    text = answer["data"]["embeds"][0]["description"]
    assert text.startswith("Sorry, something went wrong on my side while doing `boom`")
    assert "Traceback" not in text and "fire" not in text
    [failure] = [r for r in caplog.records if "handler boom failed" in r.getMessage()]
    assert failure.exc_info is not None


async def test_a_slow_handler_is_deferred_then_followed_up(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    release = threading.Event()

    async def slow(request: Request, services: Services) -> Reply:
        # Handlers run on a worker thread, in a loop of their own: the test's signal is a
        # thread's.
        release.wait(timeout=READY_SECONDS)
        return Reply("Here is your export.", title="Export", private=True)

    _with_test_commands(app, [CommandSpec("export", "Slow", slow)], [])
    await running.start(defer_after=0.05)
    payload = fake.slash("export", AMARA)

    deferred = await ask(fake, payload)
    release.set()
    followup = await fake.followup_to(payload)

    assert deferred == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert followup.body["embeds"][0]["description"] == "Here is your export."


async def test_a_handler_stuck_in_the_database_delays_no_other_interaction(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    """A handler blocked in a synchronous call (a lock wait, a slow commit) holds its own
    worker thread, not the gateway's loop: someone else's command is answered meanwhile."""
    release = threading.Event()

    async def stuck(request: Request, services: Services) -> Reply:
        release.wait(timeout=READY_SECONDS)
        return Reply("Done at last.", private=True)

    _with_test_commands(app, [CommandSpec("stuck", "Blocks", stuck)], [])
    # Never deferred here, so the stuck command's one answer comes when it is released.
    await running.start(defer_after=READY_SECONDS * 2)
    blocked = fake.slash("stuck", AMARA)
    try:
        await fake.dispatch("INTERACTION_CREATE", blocked)
        answer = await ask(fake, fake.slash("help", KWAME))
        assert answer["type"] == 4
        assert "Here is what I can do" in answer["data"]["embeds"][0]["description"]
        callback = f"/interactions/{blocked['id']}/{blocked['token']}/callback"
        assert fake.calls_to("POST", callback) == []
    finally:
        release.set()
    late = (await fake.answer_to(blocked)).body
    assert late["data"]["embeds"][0]["description"] == "Done at last."


async def test_a_gateway_close_is_resumed(fake: FakeDiscord, bot: LarchClient) -> None:
    await fake.close_gateway(4000)
    resume = await fake.wait_for_gateway(6)
    assert resume["d"]["session_id"] == "fake-session"
    assert resume["d"]["seq"] == 2  # READY and GUILD_CREATE were seen before the close
    answer = await ask(fake, fake.slash("remi stages", AMARA))
    assert "6. Championing" in answer["data"]["embeds"][0]["description"]
    assert len([p for p in fake.gateway_received if p["op"] == 2]) == 1


async def test_a_dropped_connection_is_resumed(fake: FakeDiscord, bot: LarchClient) -> None:
    await fake.drop_gateway()
    await fake.wait_for_gateway(6)
    answer = await ask(fake, fake.slash("remi stages", AMARA))
    assert "6. Championing" in answer["data"]["embeds"][0]["description"]


async def test_a_rate_limited_interaction_answer_is_retried(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    fake.rate_limit_next("POST", r"/interactions/\d+/[^/]+/callback", retry_after=0.05)
    answer = await ask(fake, fake.slash("remi stages", AMARA))
    assert answer["type"] == 4
    assert [c.status for c in fake.calls_to("POST", r"/interactions/.*")] == [429, 200]


async def test_a_rate_limited_channel_post_is_retried(fake: FakeDiscord, bot: LarchClient) -> None:
    fake.rate_limit_next("POST", f"/channels/{CHANNEL_ID}/messages", retry_after=0.05)
    ref = await bot.messenger.post_to_channel(str(CHANNEL_ID), Reply("Conference opens soon."))
    posts = fake.calls_to("POST", f"/channels/{CHANNEL_ID}/messages")
    assert [c.status for c in posts] == [429, 200]
    assert ref.channel_id == str(CHANNEL_ID)


# --- forms -------------------------------------------------------------------------------------

FEEDBACK = Form(
    title="Event feedback",
    action_id="feedback.save",
    value="conference-2026",
    fields=(
        FormField("rating", "How was it?", choices=("great", "fine", "poor")),
        FormField("topics", "Which sessions?", choices=("REMI", "data"), multiple=True),
        FormField("comment", "Anything else?", multiline=True, required=False),
    ),
)


async def _ask_feedback(request: Request, services: Services) -> Reply:
    return Reply("Tell us about the conference.", form=FEEDBACK)


async def _save_feedback(request: Request, services: Services) -> Reply:
    fields = ", ".join(f"{k}={v}" for k, v in sorted(request.fields.items()))
    return Reply(f"Thanks, {request.member.display_name}: {request.args}: {fields}", private=True)


@pytest.fixture
def feedback_app(app: App) -> App:
    _with_test_commands(
        app,
        [CommandSpec("feedback", "Give feedback", _ask_feedback)],
        [ActionSpec("feedback.save", _save_feedback)],
    )
    return app


async def test_a_form_opens_as_a_modal_and_its_submission_reaches_the_handler_after_a_restart(
    fake: FakeDiscord, running: Running, feedback_app: App
) -> None:
    await running.start()
    opened = await ask(fake, fake.slash("feedback", AMARA))
    assert opened["type"] == 9
    modal = opened["data"]
    labels = [(c["label"], c["component"]["type"]) for c in modal["components"]]
    assert modal["title"] == "Event feedback"
    assert labels == [("How was it?", 3), ("Which sessions?", 3), ("Anything else?", 4)]
    assert modal["components"][1]["component"]["max_values"] == 2
    await running.stop()
    await running.start()

    answer = await ask(
        fake,
        fake.submit(
            modal["custom_id"],
            AMARA,
            {"rating": ["great"], "topics": ["REMI", "data"], "comment": "More please"},
        ),
    )

    assert answer["data"]["flags"] & EPHEMERAL
    assert answer["data"]["embeds"][0]["description"] == (
        "Thanks, Amara: conference-2026: comment=More please, rating=great, topics=REMI,data"
    )


async def test_a_form_asked_for_in_a_message_is_offered_as_a_button(
    fake: FakeDiscord, running: Running, feedback_app: App
) -> None:
    await running.start()
    await fake.dispatch("MESSAGE_CREATE", fake.message(f"<@{BOT_ID}> feedback", AMARA))
    posted = await fake.wait_for_call("POST", f"/channels/{CHANNEL_ID}/messages")
    [opener] = buttons_of(posted.body)
    assert opener["label"] == "Event feedback"
    message = fake.stored_message(posted.body, CHANNEL_ID)

    opened = await ask(fake, fake.click(opener["custom_id"], AMARA, message))

    assert opened["type"] == 9 and opened["data"]["title"] == "Event feedback"


# --- messages ----------------------------------------------------------------------------------


async def test_a_mention_in_a_channel_is_answered_there(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    await fake.dispatch("MESSAGE_CREATE", fake.message(f"<@!{BOT_ID}> what is WRES?", AMARA))
    posted = await fake.wait_for_call("POST", f"/channels/{CHANNEL_ID}/messages")
    assert posted.body["embeds"][0]["title"] == "Workforce Race Equality Standard (WRES)"
    assert posted.body["message_reference"]["channel_id"] == CHANNEL_ID


async def test_a_direct_message_is_answered_in_the_dm(fake: FakeDiscord, bot: LarchClient) -> None:
    await fake.dispatch("MESSAGE_CREATE", fake.message("remi stages", AMARA, direct=True))
    posted = await fake.wait_for_call("POST", r"/channels/900101/messages")
    assert "1. Awareness" in posted.body["embeds"][0]["description"]


async def test_a_private_answer_to_a_mention_goes_to_the_dm(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    await fake.dispatch("MESSAGE_CREATE", fake.message(f"<@{BOT_ID}> my data", AMARA))
    opened = await fake.wait_for_call("POST", "/users/@me/channels")
    sent = await fake.wait_for_call("POST", r"/channels/900101/messages")
    note = await fake.wait_for_call("POST", f"/channels/{CHANNEL_ID}/messages")
    assert opened.body == {"recipient_id": 101}
    assert sent.body["embeds"][0]["title"] == "Your data"
    assert '"display_name": "Amara"' in sent.files["larch-my-data.json"].decode()
    assert note.body["content"] == "I've sent you the answer in a direct message."


async def test_bots_and_messages_not_for_the_bot_are_ignored(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    await fake.dispatch("MESSAGE_CREATE", fake.message(f"<@{BOT_ID}> what is WRES?", ROBOT))
    await fake.dispatch("MESSAGE_CREATE", fake.message("what is WRES?", KWAME))
    await fake.dispatch("MESSAGE_CREATE", fake.message(f"<@{BOT_ID}> remi stages", AMARA))
    await fake.wait_for_call("POST", f"/channels/{CHANNEL_ID}/messages")
    [answered] = fake.calls_to("POST", f"/channels/{CHANNEL_ID}/messages")
    assert "1. Awareness" in answered.body["embeds"][0]["description"]


async def test_a_mentioned_person_reaches_the_handler_as_a_neutral_mention(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    grant(app, AMARA, Role.ADMIN)
    text = f"<@{BOT_ID}> admin grant <@!102> organiser"
    await fake.dispatch("MESSAGE_CREATE", fake.message(text, AMARA, mentions=[KWAME]))
    await fake.wait_for_call("POST", r"/channels/900101/messages")
    assert _roles_of(app, KWAME) == {Role.ORGANISER}


# --- the messenger -----------------------------------------------------------------------------


async def test_the_messenger_sends_dms_opens_private_threads_and_edits(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    messenger = app.services.messengers[Platform.DISCORD]
    reminder = Reply("The steering group meets tomorrow at 10:00.", title="Reminder")

    direct = await messenger.send_direct("101", reminder)
    group = await messenger.open_group(["101", "102"], Reply("Meet your peers.", title="Intro"))
    await messenger.update(direct, Reply("Moved to 11:00.", title="Reminder"))

    assert direct.channel_id == "900101"
    thread = await fake.wait_for_call("POST", f"/channels/{GROUPS_CHANNEL_ID}/threads")
    assert {"name": "Intro", "type": 12, "invitable": False}.items() <= thread.body.items()
    added = fake.calls_to("PUT", rf"/channels/{group.channel_id}/thread-members/\d+")
    assert [c.path.rsplit("/", 1)[1] for c in added] == ["101", "102"]
    posted = await fake.wait_for_call("POST", f"/channels/{group.channel_id}/messages")
    assert posted.body["embeds"][0]["description"] == "Meet your peers."
    edit = await fake.wait_for_call("PATCH", f"/channels/900101/messages/{direct.message_id}")
    assert edit.body["embeds"][0]["description"] == "Moved to 11:00."
    assert group == MessageRef(Platform.DISCORD, group.channel_id, group.message_id)


async def test_a_long_button_value_survives_the_round_trip(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    long_value = "event:" + "x" * 200

    async def offer(request: Request, services: Services) -> Reply:
        return Reply(
            "Pick one.", buttons=(Button("Choose", action_id="test.echo", value=long_value),)
        )

    async def echo(request: Request, services: Services) -> Reply:
        return Reply(f"got {len(request.args)} characters: {request.args == long_value}")

    _with_test_commands(
        app, [CommandSpec("offer", "Offer", offer)], [ActionSpec("test.echo", echo)]
    )
    await running.start()
    answer = await ask(fake, fake.slash("offer", AMARA))
    [button] = buttons_of(answer["data"])
    assert len(button["custom_id"]) <= 100
    message = fake.stored_message(answer["data"], CHANNEL_ID)

    clicked = await ask(fake, fake.click(button["custom_id"], AMARA, message))

    assert clicked["data"]["embeds"][0]["description"] == "got 206 characters: True"
