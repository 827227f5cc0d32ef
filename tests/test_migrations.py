"""The schema moves only by migration, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (every table the code declares)
from storage import migrate


def test_migrating_an_empty_sqlite_file_creates_every_table(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate.upgrade(url)
    tables = set(inspect(create_engine(url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert migrate.is_current(url)


def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_empty_and_back(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    assert set(inspect(create_engine(url)).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert migrate.is_current(url)
