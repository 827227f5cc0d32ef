"""Putting the bot together: settings → database, knowledge base, services, router."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.config import ConfigError, Settings
from contract.specs import Registry
from contract.vocabulary import Clock, Messenger, Platform
from handlers.clock import SystemClock
from handlers.registry import build_dispatcher, build_registry
from handlers.router import Router
from handlers.services import Services
from knowledge.check import load_entries
from knowledge.search import SearchIndex
from knowledge.semantic import Model
from scheduler.dispatcher import Dispatcher
from storage import members, migrate
from storage.db import Database


@dataclass
class App:
    settings: Settings
    services: Services
    registry: Registry[Services]
    router: Router
    dispatcher: Dispatcher


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    messengers: Mapping[Platform, Messenger] | None = None,
    knowledge: SearchIndex | None = None,
) -> App:
    prepare_database(settings.database_url)
    database = Database(settings.database_url)
    services = Services(
        db=database,
        knowledge=knowledge or SearchIndex(load_entries(), model=search_model(settings)),
        clock=clock or SystemClock(),
        timezone=settings.timezone,
        messengers=dict(messengers or {}),
        channels=settings.channels,
        public_url=settings.larch_public_url,
    )
    with database.session() as session:
        members.seed_admins(session, settings.larch_admins, services.clock.now())
    registry = build_registry()
    for start in registry.on_start:
        start(services)
    return App(
        settings,
        services,
        registry,
        Router(registry, services),
        build_dispatcher(registry, services),
    )


def search_model(settings: Settings) -> Model | None:
    """The semantic search's model, loading in the background from the first call: the
    bot answers lexically until it is ready. One per process, however many apps it builds."""
    if not settings.semantic_search:
        return None
    return _shared_model(settings.larch_search_model, settings.larch_cache_dir.resolve())


@cache
def _shared_model(name: str, cache_dir: Path) -> Model:
    return Model(name, cache_dir).start()


def prepare_database(url: str) -> None:
    """An embedded SQLite file is created and migrated on first run. A shared PostgreSQL
    database is migrated by the operator (`larch-bot db upgrade`), so that several
    processes starting at once never race to change the schema."""
    if url.startswith("sqlite"):
        migrate.upgrade(url)
    elif not migrate.is_current(url):
        raise ConfigError(
            "DATABASE_URL: the database is not at the newest schema; run `larch-bot db upgrade`"
        )


# Libraries that narrate routine work at INFO; their news matters only when it is bad.
CHATTY_LIBRARIES = ("alembic", "apscheduler", "slack_sdk.socket_mode")


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if settings.log_level != "DEBUG":
        for name in CHATTY_LIBRARIES:
            logging.getLogger(name).setLevel(logging.WARNING)
