"""Approved suggestions outlive a restart, and `larch-bot kb export` writes them as content
files that pass `kb check` with the curated set; once a file exists, the bot serves the
file and skips the database row."""

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from contract.vocabulary import Command
from knowledge.check import check_directory, load_entries
from knowledge.entries import CONTENT_DIR, parse_entry
from knowledge.search import SearchIndex
from tests.conftest import Bot
from tests.kb_world import (
    CURATOR,
    NEW_DESCRIPTION,
    NEW_LINK,
    NEW_TITLE,
    approved,
    curators,
    knowledge,  # noqa: F401
    suggested,
)
from tests.test_console import larch_bot

ENTRY_ID = "ethnic-inequalities-in-healthcare-a-rapid-evidence-review"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the curated content, to export into."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


Restart = Callable[..., App]


@pytest.fixture
def restarted(bot: Bot) -> Iterator[Restart]:
    """Start the bot again on the same database, with the content in a given folder."""
    started: list[App] = []

    def start(folder: Path = CONTENT_DIR) -> App:
        app = build_app(
            bot.app.settings, clock=bot.clock, knowledge=SearchIndex(load_entries(folder))
        )
        started.append(app)
        return app

    yield start
    for app in started:
        app.services.db.dispose()


async def approve_one(bot: Bot, **given: str) -> None:
    curators(bot)
    submission_id = await suggested(bot, tags="evidence, NHS", **given)
    [done] = await bot.click("kb.approve", str(submission_id), as_=CURATOR)
    assert done.text.startswith("Approved"), done.text


async def test_an_approved_entry_is_searchable_after_a_restart(
    bot: Bot, restarted: Restart
) -> None:
    await approve_one(bot)

    app = restarted()

    entry = app.services.knowledge.get(ENTRY_ID)
    assert entry is not None and entry.path is None
    assert (entry.title, entry.url, entry.summary) == (NEW_TITLE, NEW_LINK, NEW_DESCRIPTION)
    assert "member-submitted" in entry.tags
    assert "Amara" in entry.body


async def test_export_writes_content_files_that_pass_the_checks(
    bot: Bot, content: Path, tmp_path: Path
) -> None:
    await approve_one(bot)
    bot.clock.set(bot.clock.now().replace(year=2027, month=5, day=20))
    await bot.click("kb.still_accurate", ENTRY_ID, as_=CURATOR)
    environment = {"DATABASE_URL": bot.app.settings.database_url}

    first = larch_bot(tmp_path, "kb", "export", "--out", str(content), env=environment)
    again = larch_bot(tmp_path, "kb", "export", "--out", str(content), env=environment)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        f"wrote {content / ENTRY_ID}.md",
        f"1 written, 0 already in {content}.",
    ]
    assert check_directory(content) == []
    entry = parse_entry(content / f"{ENTRY_ID}.md")
    assert (entry.title, entry.url, entry.summary, entry.kind) == (
        NEW_TITLE,
        NEW_LINK,
        NEW_DESCRIPTION,
        "resource",
    )
    assert entry.tags == ("evidence", "nhs", "member-submitted")
    assert (str(entry.last_reviewed), str(entry.review_by)) == ("2027-05-20", "2027-11-20")
    assert entry.owner == "curators"
    assert entry.body == (
        "Suggested by a member on 23 November 2026, and approved by the curators."
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [f"0 written, 1 already in {content}."]


async def test_once_exported_the_file_wins_and_the_entry_is_not_doubled(
    bot: Bot, content: Path, tmp_path: Path, restarted: Restart
) -> None:
    await approve_one(bot)
    result = larch_bot(
        tmp_path,
        "kb",
        "export",
        "--out",
        str(content),
        env={"DATABASE_URL": bot.app.settings.database_url},
    )
    assert result.returncode == 0, result.stderr

    app = restarted(content)

    found = [e for e in app.services.knowledge.entries if e.url == NEW_LINK]
    assert len(found) == 1 and found[0].path == content / f"{ENTRY_ID}.md"
    [answer] = await app.router.handle_command(
        Command(bot.actor("bola"), "ethnic inequalities in healthcare rapid evidence review")
    )
    assert answer.title == NEW_TITLE


async def test_a_row_whose_link_a_file_already_has_is_skipped(
    bot: Bot, content: Path, restarted: Restart
) -> None:
    await approve_one(bot)
    curated = content / "core20plus5.md"
    curated.write_text(re.sub(r"^url: .*$", f"url: {NEW_LINK}", curated.read_text(), flags=re.M))

    app = restarted(content)

    assert app.services.knowledge.get(ENTRY_ID) is None
    assert len(approved(bot)) == 1
