"""A question in a member's words, and a near miss, on the console and both adapters, with
the semantic search on: the right entry as the answer; "I don't have that" and "Did you
mean" buttons that show an entry in one click."""

import io
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.console import Console
from contract.vocabulary import Actor, Platform, Role
from knowledge.check import load_entries
from knowledge.search import SearchIndex
from knowledge.semantic import Model
from tests.conftest import Bot
from tests.discord_support import Running, ask, buttons_of
from tests.discord_support import grant as discord_grant
from tests.fake_discord import CHANNEL_ID, FakeDiscord, user
from tests.slack_support import MockSlackApi, SlackHarness, buttons, click, payload
from tests.slack_support import grant as slack_grant

PARAPHRASE = "small comments that put people down because of their race"
NEAR_MISS = "what is the Race Disparity Unit"
AMARA = user(101, "Amara")


@pytest.fixture
def knowledge(semantic_model: Model) -> SearchIndex:
    index = SearchIndex(load_entries(), model=semantic_model)
    assert index.wait_for_semantic(timeout=60)
    return index


async def test_on_the_console(bot: Bot, tmp_path: Path) -> None:
    out = io.StringIO()
    console = Console(bot.app, Actor(Platform.CONSOLE, "amara", "Amara"), out, tmp_path)
    await console.run(io.StringIO(f"{PARAPHRASE}\n{NEAR_MISS}\n1\n"))
    answer, refusal, picked = out.getvalue().strip().split("\n\n")
    assert answer.startswith("Microaggression\n")
    assert refusal.startswith("I don't have that yet")
    assert "Did you mean one of these? Race Equality Foundation" in refusal
    assert "[1] Did you mean: Race Equality Foundation" in refusal
    # Typing the button's number shows the entry.
    assert picked.startswith("Race Equality Foundation\nThe Race Equality Foundation is")


async def test_on_slack(slack: SlackHarness, mock: MockSlackApi) -> None:
    await slack.post(payload("slash_command", mock, text=f"define {PARAPHRASE}"))
    [answer] = await mock.wait_for("response_url")
    assert answer.body["blocks"][0]["text"]["text"] == "Microaggression"

    await slack.post(payload("slash_command", mock, text=f"define {NEAR_MISS}"))
    [_, refusal] = await mock.wait_for("response_url", count=2)
    assert refusal.body["text"].startswith("I don't have that yet")
    offered = [b for b in buttons(refusal.body["blocks"]) if "Did you mean" in b["text"]["text"]]
    assert offered[0]["text"]["text"] == "Did you mean: Race Equality Foundation"

    await slack.post(click(mock, offered[0]))
    [*_, shown] = await mock.wait_for("response_url", count=3)
    assert shown.body["blocks"][0]["text"]["text"] == "Race Equality Foundation"


async def test_on_discord(fake: FakeDiscord, running: Running) -> None:
    await running.start()
    answer = await ask(fake, fake.slash("define", AMARA, term=PARAPHRASE))
    assert answer["data"]["embeds"][0]["title"] == "Microaggression"

    refusal = await ask(fake, fake.slash("define", AMARA, term=NEAR_MISS))
    assert refusal["data"]["embeds"][0]["description"].startswith("I don't have that yet")
    offered = [b for b in buttons_of(refusal["data"]) if "Did you mean" in b.get("label", "")]
    assert offered[0]["label"] == "Did you mean: Race Equality Foundation"

    message = fake.stored_message(refusal["data"], CHANNEL_ID)
    shown: dict[str, Any] = await ask(fake, fake.click(offered[0]["custom_id"], AMARA, message))
    assert shown["data"]["embeds"][0]["title"] == "Race Equality Foundation"


# --- curators change a live entry from either platform --------------------------------------

NEW_SUMMARY = "The WRES compares White and ethnic minority staff on nine indicators."


async def test_kb_retire_on_slack(slack: SlackHarness, mock: MockSlackApi) -> None:
    slack_grant(slack.app, "U0AMARA", Role.CURATOR)
    await slack.post(payload("slash_command", mock, text="kb retire bame"))
    [asked] = await mock.wait_for("response_url")
    [retire] = [b for b in buttons(asked.body["blocks"]) if b["text"]["text"].startswith("Retire")]

    await slack.post(click(mock, retire))
    [_, done] = await mock.wait_for("response_url", count=2)

    assert done.body["text"].startswith("Retired: “BAME (Black, Asian and minority ethnic)”")
    await slack.post(payload("slash_command", mock, text="define BAME"))
    [*_, answer] = await mock.wait_for("response_url", count=3)
    assert answer.body["blocks"][0]["text"]["text"] != "BAME (Black, Asian and minority ethnic)"


async def test_kb_edit_on_discord(fake: FakeDiscord, running: Running, app: App) -> None:
    await running.start()
    discord_grant(app, AMARA, Role.CURATOR)
    opened = await ask(fake, fake.slash("kb edit", AMARA, entry="wres"))
    assert opened["type"] == 9, opened
    modal = opened["data"]
    initial = {
        c["component"]["custom_id"]: c["component"].get("value", "") for c in modal["components"]
    }
    assert initial["title"] == "Workforce Race Equality Standard (WRES)"

    saved = await ask(
        fake, fake.submit(modal["custom_id"], AMARA, initial | {"summary": NEW_SUMMARY})
    )

    assert saved["data"]["embeds"][0]["description"].startswith("Saved:")
    answer = await ask(fake, fake.slash("define", AMARA, term="WRES"))
    assert NEW_SUMMARY in answer["data"]["embeds"][0]["description"]
