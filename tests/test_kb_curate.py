"""Curators change live entries from chat, and every process answers with the change:
`kb edit`, `kb retire`, a "Needs change" note resolved by the edit, an approval in one
process answered by another within a minute, and `larch-bot kb search` seeing it too."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build_app
from bot.config import Settings
from contract.vocabulary import Platform, Reply
from handlers.clock import ManualClock
from knowledge.check import load_entries
from knowledge.search import SearchIndex
from storage import kb
from tests.conftest import Bot, RecordingMessenger, bot_environment
from tests.kb_world import (
    CURATOR,
    MEMBER,
    NEW_DESCRIPTION,
    NEW_TITLE,
    curators,
    knowledge,  # noqa: F401
    suggested,
)

NEW_SUMMARY = "The WRES compares White and ethnic minority staff on nine indicators."


async def _edit(bot: Bot, entry_id: str, **changes: str) -> Reply:
    [opened] = await bot.say(f"kb edit {entry_id}", as_=CURATOR)
    assert opened.form is not None, opened.text
    fields = {f.name: f.initial for f in opened.form.fields} | changes
    [saved] = await bot.click(opened.form.action_id, opened.form.value, as_=CURATOR, **fields)
    return saved


async def test_an_edit_is_answered_at_once_and_resolves_the_needs_change_note(bot: Bot) -> None:
    curators(bot)
    [asked] = await bot.click("kb.change_note", "wres", as_=CURATOR, note="Say nine indicators")
    assert "Noted" in asked.text

    saved = await _edit(bot, "wres", summary=NEW_SUMMARY)

    assert saved.text.startswith("Saved:")
    assert "This resolves the note “Say nine indicators”." in saved.text
    [answer, *_] = await bot.say("what is WRES?", as_=MEMBER)
    assert answer.text.split("\n")[1] == NEW_SUMMARY
    with bot.app.services.db.session() as session:
        assert kb.flagged(session) == []
        assert kb.entry_changes(session)["wres"].summary == NEW_SUMMARY


async def test_an_edit_is_checked_before_it_is_saved(bot: Bot) -> None:
    curators(bot)
    refused = await _edit(bot, "wres", title="Workforce Disability Equality Standard (WDES)")
    assert "is already called that" in refused.text and "Nothing changed" in refused.text
    refused = await _edit(bot, "wres", link="ftp://example.org")
    assert "Nothing changed" in refused.text
    [answer, *_] = await bot.say("what is WRES?", as_=MEMBER)
    assert answer.title == "Workforce Race Equality Standard (WRES)"


async def test_only_curators_edit_or_retire(bot: Bot) -> None:
    [refused] = await bot.say("kb retire wres", as_=MEMBER)
    assert "needs the curator role" in refused.text
    [refused] = await bot.click("kb.entry_retire", "wres", as_=MEMBER)
    assert "needs the curator role" in refused.text
    assert bot.app.services.knowledge.get("wres") is not None


async def test_a_retired_entry_is_no_longer_an_answer(bot: Bot) -> None:
    curators(bot)
    [confirm] = await bot.say("kb retire bame", as_=CURATOR)
    [retire] = confirm.buttons
    assert retire.label == "Retire “BAME (Black, Asian and minority ethnic)”"

    [done] = await bot.click(retire.action_id, retire.value, as_=CURATOR)

    assert (
        done.text
        == "Retired: “BAME (Black, Asian and minority ethnic)” is no longer in the answers."
    )
    [answer, *_] = await bot.say("is BAME still ok to use?", as_=MEMBER)
    assert answer.title != "BAME (Black, Asian and minority ethnic)"
    [again] = await bot.say("kb retire bame", as_=CURATOR)
    assert "No live entry has the id `bame`" in again.text


def _second_process(bot: Bot, clock: ManualClock) -> Bot:
    """Another process on the same database: its own app, index and clock."""
    url = str(bot.app.services.db.engine.url)
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    messenger = RecordingMessenger()
    app = build_app(
        settings,
        clock=clock,
        messengers={Platform.CONSOLE: messenger},
        knowledge=SearchIndex(load_entries()),
    )
    return Bot(app, clock, messenger)


async def test_an_approval_in_one_process_is_answered_by_another_within_a_minute(
    bot: Bot,
) -> None:
    curators(bot)
    other_clock = ManualClock(bot.clock.now())
    other = _second_process(bot, other_clock)
    submission = await suggested(bot)
    [approved] = await bot.click("kb.approve", str(submission), as_=CURATOR)
    assert approved.text.startswith("Approved by Cara")

    other_clock.advance(timedelta(seconds=31))
    [answer, *_] = await other.say(f"define {NEW_TITLE}", as_=MEMBER)

    assert answer.title == NEW_TITLE
    assert NEW_DESCRIPTION in answer.text
    other.app.services.db.dispose()


async def test_a_retirement_in_one_process_reaches_another(bot: Bot) -> None:
    curators(bot)
    other_clock = ManualClock(bot.clock.now())
    other = _second_process(bot, other_clock)
    [confirm] = await bot.say("kb retire wres", as_=CURATOR)
    await bot.click(confirm.buttons[0].action_id, "wres", as_=CURATOR)

    other_clock.advance(timedelta(seconds=31))
    [answer, *_] = await other.say("define WRES", as_=MEMBER)

    assert answer.title != "Workforce Race Equality Standard (WRES)"
    assert other.app.services.knowledge.get("wres") is None
    other.app.services.db.dispose()


@pytest.mark.timeout(120)
async def test_kb_search_answers_with_approved_suggestions(bot: Bot, tmp_path: Path) -> None:
    curators(bot)
    await bot.click("kb.approve", str(await suggested(bot)), as_=CURATOR)
    database = Path(str(bot.app.services.db.engine.url).removeprefix("sqlite:///"))

    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "search", NEW_TITLE, "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=bot_environment(database),
        timeout=100,
    )

    assert result.returncode == 0, result.stderr
    [found, *_] = json.loads(result.stdout)
    assert (found["title"], found["kind"]) == (NEW_TITLE, "resource")
