"""`larch-bot db backup` and `db restore` as an operator runs them, on a live SQLite file."""

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import select

from bot.cli import cli
from contract.vocabulary import Platform
from storage import members
from storage.db import Database
from storage.models import Member

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def live(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("LARCH_ADMINS", raising=False)
    database = Database(sqlite_url)
    yield database
    database.dispose()


def larch_bot(*args: str, answer: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["db", *args], input=answer)


def join(database: Database, user_id: str, name: str) -> None:
    with database.session() as session:
        members.identify(session, Platform.SLACK, user_id, name, NOW)


def names_in(path: Path) -> set[str]:
    """The members a database file holds, read as the bot would read it."""
    database = Database(f"sqlite:///{path}")
    try:
        with database.session() as session:
            return set(session.exec(select(Member.display_name)))
    finally:
        database.dispose()


def live_file(database: Database) -> Path:
    return Path(database.engine.url.database or "")


def test_a_backup_taken_while_the_bot_writes_holds_what_was_committed(
    live: Database, tmp_path: Path
) -> None:
    join(live, "U0AMARA", "Amara")
    copy = tmp_path / "backups" / "larch-monday.db"
    copy.parent.mkdir()
    with live.session() as session:
        # Another connection is half-way through a transaction: written, not committed.
        members.identify(session, Platform.SLACK, "U0KWAME", "Kwame", NOW)
        session.flush()
        backed_up = larch_bot("backup", str(copy))
    assert backed_up.exit_code == 0, backed_up.output
    assert f"Backed up the database to {copy}." in backed_up.output
    assert names_in(copy) == {"Amara"}
    assert names_in(live_file(live)) == {"Amara", "Kwame"}
    with sqlite3.connect(copy) as opened:
        assert opened.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_backup_never_overwrites_a_file(live: Database, tmp_path: Path) -> None:
    existing = tmp_path / "keep.db"
    existing.write_text("an older backup")
    refused = larch_bot("backup", str(existing))
    assert refused.exit_code == 1
    assert "already exists" in refused.output
    assert existing.read_text() == "an older backup"


def test_a_round_trip_puts_the_rows_back_and_keeps_what_it_replaced(
    live: Database, tmp_path: Path
) -> None:
    join(live, "U0AMARA", "Amara")
    copy = tmp_path / "larch-backup.db"
    assert larch_bot("backup", str(copy)).exit_code == 0
    join(live, "U0LIN", "Lin")

    declined = larch_bot("restore", str(copy), answer="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    assert names_in(live_file(live)) == {"Amara", "Lin"}

    restored = larch_bot("restore", str(copy), answer="y\n")
    assert restored.exit_code == 0, restored.output
    assert f"Restored {copy}." in restored.output
    assert names_in(live_file(live)) == {"Amara"}
    [kept] = live_file(live).parent.glob("larch.db.before-restore-*")
    assert f"The database as it was is kept at {kept}." in restored.output
    assert names_in(kept) == {"Amara", "Lin"}
    # The bot carries on writing to the restored database.
    join(live, "U0KWAME", "Kwame")
    assert names_in(live_file(live)) == {"Amara", "Kwame"}


def test_restoring_a_file_that_is_not_a_database_is_refused(live: Database, tmp_path: Path) -> None:
    join(live, "U0AMARA", "Amara")
    notes = tmp_path / "notes.db"
    notes.write_text("minutes of the steering group\n" * 100)
    refused = larch_bot("restore", "--yes", str(notes))
    assert refused.exit_code == 1
    assert f"{notes} is not a SQLite database; nothing was changed." in refused.output
    assert names_in(live_file(live)) == {"Amara"}


def test_restoring_a_damaged_backup_is_refused(live: Database, tmp_path: Path) -> None:
    join(live, "U0AMARA", "Amara")
    copy = tmp_path / "damaged.db"
    assert larch_bot("backup", str(copy)).exit_code == 0
    data = bytearray(copy.read_bytes())
    # Past the header and the first pages: the tables' own pages, overwritten.
    data[8192:] = b"\xff" * (len(data) - 8192)
    copy.write_bytes(bytes(data))
    refused = larch_bot("restore", "--yes", str(copy))
    assert refused.exit_code == 1
    assert "nothing was changed" in refused.output
    assert "damaged" in refused.output or "cannot be read" in refused.output
    assert names_in(live_file(live)) == {"Amara"}


def test_restoring_another_applications_database_is_refused(live: Database, tmp_path: Path) -> None:
    foreign = tmp_path / "other-app.db"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
    refused = larch_bot("restore", "--yes", str(foreign))
    assert refused.exit_code == 1
    assert f"{foreign} is not a LARCH Hub database; nothing was changed." in refused.output


def test_restoring_a_database_from_a_newer_version_is_refused(
    live: Database, tmp_path: Path
) -> None:
    copy = tmp_path / "from-the-future.db"
    assert larch_bot("backup", str(copy)).exit_code == 0
    with sqlite3.connect(copy) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '0099'")
    refused = larch_bot("restore", "--yes", str(copy))
    assert refused.exit_code == 1
    assert "schema 0099, which this version of the bot does not know" in refused.output


def test_on_postgresql_backup_points_to_pg_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://127.0.0.1:5432/test")
    told = larch_bot("backup", "larch.db")
    assert told.exit_code == 1
    assert "pg_dump -Fc" in told.output
    told = larch_bot("restore", "--yes", "larch.db")
    assert "pg_restore" in told.output


def test_a_backup_restores_onto_a_new_machine_with_no_database_yet(
    live: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    join(live, "U0AMARA", "Amara")
    copy = tmp_path / "larch-backup.db"
    assert larch_bot("backup", str(copy)).exit_code == 0
    fresh = tmp_path / "new-machine" / "larch.db"
    fresh.parent.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{fresh}")
    restored = larch_bot("restore", "--yes", str(copy))
    assert restored.exit_code == 0, restored.output
    assert "kept at" not in restored.output
    assert names_in(fresh) == {"Amara"}
