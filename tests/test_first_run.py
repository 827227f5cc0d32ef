"""First run on a fresh checkout: the embedded database's folder does not exist yet, and
`db upgrade` says whether it created the database, upgraded it or found it up to date."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from storage import migrate


def test_db_upgrade_creates_the_var_folder_of_a_fresh_checkout(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'larch.db'}"
    migrate.upgrade(url)
    assert (tmp_path / "var" / "larch.db").exists()
    assert migrate.is_current(url)


def test_db_upgrade_says_it_created_a_new_database_and_then_that_it_is_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'larch.db'}")
    monkeypatch.delenv("LARCH_ADMINS", raising=False)
    first = CliRunner().invoke(cli, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert first.output == "Created a new database with the newest schema.\n"
    again = CliRunner().invoke(cli, ["db", "upgrade"])
    assert again.output == "Database is up to date.\n"


def test_db_upgrade_says_it_upgraded_an_older_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'larch.db'}"
    migrate.upgrade(url, "0009")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("LARCH_ADMINS", raising=False)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.output == "Upgraded the database to the newest schema.\n"
