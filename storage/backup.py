"""Copies of the embedded (SQLite) database, taken and put back while the bot may be running.

Both ways go through SQLite's online backup API rather than copying the file: a copy of
the file taken mid-write (or without its `-wal` file) can be torn, whereas the backup API
copies one consistent snapshot of the committed data, and writing a restore into the live
database through it takes SQLite's locks, so a running process never reads half of it.
PostgreSQL has its own tools for this (`pg_dump -Fc`, `pg_restore`); see the README.
"""

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from storage.migrate import alembic_config

SQLITE_HEADER = b"SQLite format 3\x00"
# Seconds a backup or restore waits for a writer to let go before it gives up.
BUSY_TIMEOUT_SECONDS = 30

POSTGRES_BACKUP = (
    "This bot runs on PostgreSQL, whose own tools make the backup: "
    'pg_dump -Fc -f larch.dump "$DATABASE_URL" (restore with pg_restore; see the README).'
)
POSTGRES_RESTORE = (
    "This bot runs on PostgreSQL: restore a pg_dump file with "
    'pg_restore --clean --if-exists -d "$DATABASE_URL" larch.dump (see the README).'
)


class BackupError(Exception):
    """Why a backup or a restore was not made, in words for the operator."""


@dataclass(frozen=True)
class Candidate:
    """A file checked and found fit to restore over the database `live`."""

    path: Path
    live: Path
    revision: str
    is_newest: bool


def sqlite_file(url: str, elsewhere: str = POSTGRES_BACKUP) -> Path:
    """The file behind the database URL; refused, with `elsewhere` as the reason, for a
    database that is not a SQLite file."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(elsewhere)
    if parsed.database in (None, "", ":memory:"):
        raise BackupError("An in-memory database has nothing to back up.")
    return Path(parsed.database)


def backup(url: str, target: Path) -> None:
    """A consistent copy of the live database at `target`, which must not exist yet. It is
    written beside the target first and renamed when complete, so an interrupted backup
    never leaves a file that looks like a good one."""
    source = sqlite_file(url)
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up.")
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file for the backup.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    _copy(source, partial)
    partial.rename(target)


def check(url: str, path: Path) -> Candidate:
    """Whether `path` can replace the database: a SQLite file, intact, made by this bot at
    a schema this code knows (an older one is brought up to date by `db upgrade`)."""
    live = sqlite_file(url, POSTGRES_RESTORE)
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database; nothing was changed.")
    try:
        # Read-only and immutable: checking a file must not change it, nor need its folder.
        with _connect(_uri(path, "?mode=ro&immutable=1")) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            revision = _revision(connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{path} cannot be read as a database ({error}); nothing was changed."
        ) from error
    if problems != ["ok"]:
        raise BackupError(
            f"{path} is damaged (integrity check: {'; '.join(problems[:3])}); nothing was changed."
        )
    if revision is None:
        raise BackupError(f"{path} is not a LARCH Hub database; nothing was changed.")
    scripts = ScriptDirectory.from_config(alembic_config(url))
    if revision not in {script.revision for script in scripts.walk_revisions()}:
        raise BackupError(
            f"{path} is at schema {revision}, which this version of the bot does not know "
            "(it may come from a newer version); nothing was changed."
        )
    return Candidate(path, live, revision, revision in scripts.get_heads())


def restore(candidate: Candidate, now: datetime) -> Path | None:
    """Put `candidate` in place of its database, after keeping a copy of the database as it
    was beside it; the kept copy's path, or None when there was no database to keep."""
    live = candidate.live
    kept = None
    if live.is_file():
        kept = live.with_name(f"{live.name}.before-restore-{now:%Y%m%dT%H%M%S}")
        _copy(live, kept)
    _copy(candidate.path, live)
    return kept


def _copy(source: Path, target: Path) -> None:
    try:
        with _connect(_uri(source)) as reading, _connect(_uri(target)) as writing:
            reading.backup(writing)
    except sqlite3.OperationalError as error:
        raise BackupError(f"Could not copy {source} to {target}: {error}.") from error


def _uri(path: Path, query: str = "") -> str:
    return path.resolve().as_uri() + query


def _connect(uri: str) -> closing[sqlite3.Connection]:
    # A sqlite3 connection's own `with` only ends a transaction; this one closes it.
    return closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS))


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else str(row[0])
