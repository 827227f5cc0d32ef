"""Settings: defaults, then `.env`, then environment variables, checked at start-up.

Secrets are `SecretStr`, so printing or logging the settings never shows them.
"""

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from contract.vocabulary import Platform
from knowledge.semantic import DEFAULT_MODEL as DEFAULT_SEARCH_MODEL

DEFAULT_DATABASE_URL = "sqlite:///var/larch.db"


class ConfigError(Exception):
    """Start-up cannot go on; the message names each bad or missing setting."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str = DEFAULT_DATABASE_URL
    larch_admins: Annotated[tuple[tuple[Platform, str], ...], NoDecode] = ()
    larch_timezone: str = "Europe/London"
    log_level: str = "INFO"
    # Where the HTTP server is reachable from outside, for links the bot hands out
    # (a member's calendar feed); unset when no HTTP server runs.
    larch_public_url: str | None = None
    # Signs the web pages' session cookies, login sessions and form tokens. Required when
    # LARCH_PUBLIC_URL is https (a real deployment); elsewhere a random one per process.
    larch_web_secret: SecretStr | None = None
    # The sentence-embedding model of semantic search: an installed model package or a
    # directory of a sentence-transformers model; "off" answers with lexical search alone.
    larch_search_model: str = DEFAULT_SEARCH_MODEL
    # Entry vectors kept between runs, so a restart embeds only what changed.
    larch_cache_dir: Path = Path("var/cache")

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    slack_channels: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)

    discord_token: SecretStr | None = None
    discord_guild_id: int | None = Field(default=None, gt=0)
    discord_api_base: str | None = None
    discord_channels: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as error:
            raise ValueError(
                "is not a database URL (sqlite:///path or postgresql+psycopg://…)"
            ) from error
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"uses {backend!r}; LARCH runs on sqlite or postgresql")
        return value

    @field_validator("larch_admins", mode="before")
    @classmethod
    def _parse_admins(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        accounts = []
        for item in filter(None, (part.strip() for part in value.split(","))):
            platform, _, user_id = item.partition(":")
            if platform not in Platform.__members__.values() or not user_id:
                raise ValueError(
                    f"{item!r} should be platform:user_id with platform console, slack or discord"
                )
            accounts.append((Platform(platform), user_id))
        return tuple(accounts)

    @field_validator("slack_channels", "discord_channels", mode="before")
    @classmethod
    def _parse_channels(cls, value: object) -> object:
        """`events:C0123,steering:C0456`: which channel serves each purpose."""
        if not isinstance(value, str):
            return value
        channels = {}
        for item in filter(None, (part.strip() for part in value.split(","))):
            purpose, _, channel_id = item.partition(":")
            if not purpose or not channel_id:
                raise ValueError(f"{item!r} should be purpose:channel_id, e.g. events:C0123")
            channels[purpose.strip()] = channel_id.strip()
        return channels

    @field_validator("larch_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"{value!r} is not a known time zone") from error
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("should be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.larch_timezone)

    @property
    def channels(self) -> dict[Platform, dict[str, str]]:
        return {Platform.SLACK: self.slack_channels, Platform.DISCORD: self.discord_channels}

    @property
    def semantic_search(self) -> bool:
        return self.larch_search_model.strip().lower() not in ("", "off", "none")

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in e['loc']).upper() or 'settings'}: {e['msg']}"
            for e in error.errors()
        ]
        raise ConfigError("Bad settings:\n  " + "\n  ".join(problems)) from None
