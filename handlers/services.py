"""What a handler is given besides the request: nothing here reaches a network or a clock
that the caller did not choose."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from contract.vocabulary import Clock, Messenger, Platform
from knowledge.search import SearchIndex
from storage.db import Database


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
