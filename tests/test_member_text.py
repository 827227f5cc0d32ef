"""What members type is shown to others as text, never as markup: no `<!channel>`, no
`@everyone`, no mention of someone else, on Slack or Discord; only the people the bot
names itself are mentioned. Through the real slack-bolt and discord.py, against the local
fake Slack Web API and fake Discord."""

import re
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from contract.vocabulary import Actor, Command, Platform, Reply, Role, mention
from handlers.clock import ManualClock
from knowledge.search import SearchIndex
from storage import members
from tests.conftest import Bot
from tests.discord_support import Running, ask, grant
from tests.events_support import WORKSHOP
from tests.fake_discord import FakeDiscord, user
from tests.slack_support import (
    Call,
    MockSlackApi,
    SlackHarness,
    payload,
    serving,
    slack_app,
    slash,
    submit,
)
from tests.slack_support import grant as grant_on_slack

EVENTS_CHANNEL = "C0EVENTS"
# Anything Slack would read as markup: a broadcast, a mention, a link, a channel. The
# bot's own dates (`<!date^…>`, times in the reader's zone) are the one markup it writes.
SLACK_MARKUP = re.compile(r"<[@#]|<!(?!date\^\d+\^)|<https?:")


def slack_texts(call: Call) -> list[str]:
    """Every piece of a Slack message that Slack reads as mrkdwn."""
    sections = [
        block["text"]["text"]
        for block in call.body.get("blocks") or []
        if block["type"] == "section" and block["text"]["type"] == "mrkdwn"
    ]
    return [call.body["text"], *sections]


@pytest.fixture
async def slack(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> AsyncIterator[SlackHarness]:
    async with (
        slack_app(
            sqlite_url, mock, knowledge, clock, slack_channels=f"events:{EVENTS_CHANNEL}"
        ) as app,
        serving(app, mock) as harness,
    ):
        grant_on_slack(app, "U0AMARA", Role.ORGANISER)
        yield harness


async def test_an_event_typed_with_broadcasts_and_mentions_reaches_the_channel_as_text(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(slash(mock, "event new"))
    [opened] = await mock.wait_for("views.open")
    typed = {
        "title": "<!channel> free food <@U123|x>",
        "description": "Ask <@slack:U0KWAME> or <!here> & bring friends",
    }
    await slack.post(submit(mock, opened.body["view"], {**WORKSHOP, **typed}))
    await slack.finish()

    [announced] = [
        c for c in mock.calls_to("chat.postMessage") if c.body["channel"] == EVENTS_CHANNEL
    ]
    shown = "\n".join(slack_texts(announced))
    assert SLACK_MARKUP.search(shown) is None, shown
    assert "&lt;!channel&gt; free food &lt;@U123|x&gt;" in shown
    assert "Ask @U0KWAME or &lt;!here&gt; &amp; bring friends" in shown


async def test_a_question_naming_someone_is_shown_to_curators_without_the_mention(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    grant_on_slack(slack.app, "U0KWAME", Role.CURATOR)
    await slack.post(payload("message_im", mock, text="who is <@U0LIN> <!channel>, zqxjv?"))
    await slack.finish()

    await slack.post(slash(mock, "kb gaps", user="U0KWAME"))
    await slack.finish()
    [gaps] = await mock.wait_for("response_url")
    shown = "\n".join(slack_texts(gaps))
    assert "zqxjv" in shown
    assert SLACK_MARKUP.search(shown) is None, shown
    assert "who is @U0LIN @channel" in shown


async def test_people_the_bot_names_itself_are_mentioned_on_slack(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    messenger = slack.app.services.messengers[Platform.SLACK]
    await messenger.send_direct(
        "U0AMARA",
        Reply(
            f"Meet {mention(Platform.SLACK, 'U0KWAME')} "
            f"(and {mention(Platform.SLACK, 'u0.x')}, not an id Slack has)."
        ),
    )
    [sent] = mock.calls_to("chat.postMessage")
    assert "Meet <@U0KWAME> (and @u0.x, not an id Slack has)." in slack_texts(sent)


# --- Discord ------------------------------------------------------------------------------

AMARA, KWAME = user(101, "Amara"), user(102, "Kwame")
CURATORS_CHANNEL_ID = 8050


async def test_a_suggestion_typed_with_everyone_reaches_the_curators_notifying_nobody(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    app.services.channels = {Platform.DISCORD: {"curators": str(CURATORS_CHANNEL_ID)}}
    grant(app, KWAME, Role.CURATOR)
    await running.start()
    opened = await ask(fake, fake.slash("suggest", AMARA))
    typed = {
        "title": "@everyone free food <@102> <@&555>",
        "link": "https://example.org/report",
        "description": "**Urgent** [click here](https://phish.example) @here",
        "why": "Ask <@discord:102> about it",
        "tags": "evidence",
    }
    await ask(fake, fake.submit(opened["data"]["custom_id"], AMARA, typed))

    posted = await fake.wait_for_call("POST", f"/channels/{CURATORS_CHANNEL_ID}/messages")
    allowed = posted.body["allowed_mentions"]
    assert allowed["parse"] == [] and not allowed.get("users") and not allowed.get("roles")
    shown = "\n".join(
        f"{embed.get('title', '')}\n{embed.get('description', '')}"
        for embed in posted.body["embeds"]
    )
    assert re.search(r"(?<!\\)<[@#&t]", shown) is None, shown
    assert re.search(r"@(everyone|here)", shown) is None, shown
    assert "\\*\\*Urgent\\*\\*" in shown and "\\[click here]" in shown
    assert "Ask @102 about it" in shown


async def test_people_the_bot_names_itself_are_mentioned_on_discord(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    await running.start()
    messenger = app.services.messengers[Platform.DISCORD]
    await messenger.send_direct(
        "101", Reply(f"Meet {mention(Platform.DISCORD, '102')}; type `intros report`.")
    )
    [sent] = [c for c in fake.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert sent.body["allowed_mentions"] == {"parse": [], "users": [102]}
    assert sent.body["embeds"][0]["description"] == "Meet <@102>; type `intros report`."


async def test_a_display_name_is_kept_without_a_mention_in_it(bot: Bot) -> None:
    """Names are typed by members too: one that reads like a mention is kept as text."""
    mallory = Actor(Platform.CONSOLE, "mallory", display_name="<@slack:U0KWAME> \ud800")
    await bot.app.router.handle_command(Command(mallory, "help"))
    with bot.app.services.db.session() as session:
        kept = members.find(session, Platform.CONSOLE, "mallory")
    assert kept is not None and kept.display_name == "@U0KWAME \ufffd"
