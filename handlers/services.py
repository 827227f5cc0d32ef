"""What a handler is given besides the request: nothing here reaches a network or a clock
that the caller did not choose."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from contract.vocabulary import Clock, Messenger, Platform
from knowledge.entries import Entry
from knowledge.search import SearchIndex
from storage.db import Database


@dataclass
class KnowledgeSource:
    """What the served index was built from: the content files, read once at start, and
    the database's knowledge-base version at the last look (see handlers/kb/library.py)."""

    files: Sequence[Entry]
    version: int | None = None
    checked_at: datetime | None = None


@dataclass
class Services:
    db: Database
    knowledge: SearchIndex
    clock: Clock
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    messengers: Mapping[Platform, Messenger] = field(default_factory=dict)
    # Channel ids per platform by purpose, e.g. {SLACK: {"events": "C0123"}}.
    channels: Mapping[Platform, Mapping[str, str]] = field(default_factory=dict)
    # Where the HTTP server is reachable from outside (settings.larch_public_url), for links
    # the bot hands out; None when no HTTP server runs.
    public_url: str | None = None
    # The entries `knowledge` starts with are the content files.
    knowledge_source: KnowledgeSource = field(init=False)

    def __post_init__(self) -> None:
        self.knowledge_source = KnowledgeSource(tuple(self.knowledge.entries))
