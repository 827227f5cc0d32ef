"""First run on a fresh checkout: the embedded database's folder does not exist yet."""

from pathlib import Path

from storage import migrate


def test_db_upgrade_creates_the_var_folder_of_a_fresh_checkout(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'larch.db'}"
    migrate.upgrade(url)
    assert (tmp_path / "var" / "larch.db").exists()
    assert migrate.is_current(url)
