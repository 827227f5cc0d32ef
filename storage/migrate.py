"""Running the Alembic migrations from the bot's own CLI and from tests."""

from enum import Enum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from storage.db import ensure_sqlite_directory

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Upgrade(Enum):
    """What `upgrade` found and did, for the person who ran it."""

    CREATED = "created"  # no schema at all before: a new database
    MIGRATED = "migrated"
    CURRENT = "current"  # nothing to do


def upgrade(url: str, revision: str = "head") -> Upgrade:
    ensure_sqlite_directory(url)
    before = _applied(url)
    command.upgrade(alembic_config(url), revision)
    if not before:
        return Upgrade.CREATED
    return Upgrade.CURRENT if _applied(url) == before else Upgrade.MIGRATED


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def is_current(url: str) -> bool:
    """Whether the database is at the newest migration."""
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    return _applied(url) == heads


def _applied(url: str) -> set[str]:
    """The migrations the database is at; empty for a database with no schema yet."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
