"""Shared fixtures: databases on SQLite and PostgreSQL, a manual clock, a recording
messenger, and a whole bot in memory that tests talk to as a member would."""

import os
import shutil
import socket
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import App, build_app
from bot.config import Settings
from contract.vocabulary import (
    Action,
    Actor,
    Command,
    MessageRef,
    Platform,
    Reply,
    Role,
)
from handlers.clock import ManualClock
from knowledge.check import load_entries
from knowledge.search import SearchIndex
from knowledge.semantic import DEFAULT_MODEL, Model
from storage import members, migrate
from storage.db import Database

POSTGRES_URL = os.environ.get(
    "LARCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# Adapter test support that provides fixtures: the Slack tests' `mock` Web API, and the
# fake Discord with the real client started against it.
pytest_plugins = ["tests.slack_support", "tests.discord_support", "tests.web_support"]


# Settings the bot reads from the environment: a test's subprocess gets only those it sets.
BOT_SETTINGS = ("SLACK_", "DISCORD_", "LARCH_", "DATABASE_URL", "PORT")


# The semantic search's model takes seconds and hundreds of megabytes to load: the tests of
# semantic search share one (the `semantic_model` fixture), and every other app, in this
# process or a subprocess, answers lexically, as a bot does while its model loads.
WITHOUT_MODEL = {"LARCH_SEARCH_MODEL": "off"}
os.environ.update(WITHOUT_MODEL)


def bot_environment(database: Path, **settings: str) -> dict[str, str]:
    """The environment for a `python -m bot` subprocess: this process's, without any bot
    setting, plus an SQLite file at `database`, no model unless asked, and the settings."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(BOT_SETTINGS)}
    return clean | {"DATABASE_URL": f"sqlite:///{database}"} | WITHOUT_MODEL | settings


@pytest.fixture(scope="session")
def semantic_model(tmp_path_factory: pytest.TempPathFactory) -> Model:
    """The default model, loaded once for the whole run, with its own vector cache."""
    model = Model(DEFAULT_MODEL, tmp_path_factory.mktemp("vectors"))
    model.load()
    assert model.ready.is_set(), model.failed
    return model


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- databases ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy, which is much faster than migrating."""
    path = tmp_path_factory.mktemp("template") / "larch.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "larch.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def _postgres_is_there(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), 2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh, migrated database on the PostgreSQL server for this test session.

    When the server is there (or this is CI) but cannot be used, the tests fail rather than
    skip: a green run must mean the PostgreSQL tests ran.
    """
    if not _postgres_is_there(POSTGRES_URL) and not os.environ.get("CI"):
        pytest.skip(f"no PostgreSQL server at {make_url(POSTGRES_URL).host}")
    name = f"larch_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        pytest.fail(f"PostgreSQL is there but unusable for tests ({POSTGRES_URL}): {error}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    yield postgres_server_url
    engine = create_engine(postgres_server_url)
    with engine.begin() as connection:
        tables = connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).scalars()
        names = ", ".join(f'"{t}"' for t in tables)
        if names:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Storage and race tests take this fixture to run once on each database."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


# --- the bot in memory ----------------------------------------------------------------


@dataclass
class Sent:
    kind: str
    to: str
    reply: Reply


@dataclass
class RecordingMessenger:
    """Stands in for a platform: keeps every message the bot sends on its own initiative."""

    platform: Platform = Platform.CONSOLE
    sent: list[Sent] = field(default_factory=list)

    async def send_direct(self, user_id: str, reply: Reply) -> MessageRef:
        return self._record("direct", user_id, reply)

    async def post_to_channel(self, channel_id: str, reply: Reply) -> MessageRef:
        return self._record("channel", channel_id, reply)

    async def open_group(self, user_ids: Sequence[str], reply: Reply) -> MessageRef:
        return self._record("group", ",".join(user_ids), reply)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        self._record("update", ref.message_id, reply)

    def _record(self, kind: str, to: str, reply: Reply) -> MessageRef:
        self.sent.append(Sent(kind, to, reply))
        return MessageRef(self.platform, to, str(len(self.sent)))


@pytest.fixture(scope="session")
def knowledge() -> SearchIndex:
    return SearchIndex(load_entries())


class Bot:
    """The whole bot in memory; `say` and `click` speak as a console member."""

    def __init__(self, app: App, clock: ManualClock, messenger: RecordingMessenger) -> None:
        self.app = app
        self.clock = clock
        self.messenger = messenger

    def actor(self, name: str = "alice") -> Actor:
        return Actor(Platform.CONSOLE, name, display_name=name.title())

    def grant(self, name: str, role: Role) -> None:
        with self.app.services.db.session() as session:
            member = members.identify(
                session, Platform.CONSOLE, name, name.title(), self.clock.now()
            )
            members.grant_role(session, member.id, role, self.clock.now())

    async def say(self, text: str, as_: str = "alice") -> list[Reply]:
        return await self.app.router.handle_command(Command(self.actor(as_), text))

    async def click(
        self, action_id: str, value: str = "", as_: str = "alice", **fields: str
    ) -> list[Reply]:
        return await self.app.router.handle_action(
            Action(self.actor(as_), action_id, value, fields)
        )

    async def verify_dialog(self, dialog: Sequence[tuple[str, str]], as_: str = "alice") -> None:
        """Each (said, expected) pair: the first reply contains the expected text."""
        for said, expected in dialog:
            replies = await self.say(said, as_)
            assert replies, f"no reply to {said!r}"
            assert expected in replies[0].text, f"{said!r} got {replies[0].text!r}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def _console_bot(database_url: str, clock: ManualClock, knowledge: SearchIndex) -> Iterator[Bot]:
    messenger = RecordingMessenger()
    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    app = build_app(
        settings, clock=clock, messengers={Platform.CONSOLE: messenger}, knowledge=knowledge
    )
    yield Bot(app, clock, messenger)
    app.services.db.dispose()


@pytest.fixture
def bot(sqlite_url: str, clock: ManualClock, knowledge: SearchIndex) -> Iterator[Bot]:
    """The whole bot in memory, on the console, on SQLite."""
    yield from _console_bot(sqlite_url, clock, knowledge)


@pytest.fixture
def any_bot(database_url: str, clock: ManualClock, knowledge: SearchIndex) -> Iterator[Bot]:
    """The whole bot in memory, on the console, once on each database."""
    yield from _console_bot(database_url, clock, knowledge)
