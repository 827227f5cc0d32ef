"""Settings: defaults, environment, and start-up errors that name the bad setting."""

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, load_settings
from contract.vocabulary import Platform


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("DATABASE_URL", "LARCH_ADMINS", "LARCH_TIMEZONE", "DISCORD_GUILD_ID", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_run_on_embedded_sqlite() -> None:
    settings = load_settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.larch_admins == ()
    assert str(settings.timezone) == "Europe/London"
    assert not settings.slack_configured and not settings.discord_configured


def test_admins_are_read_from_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LARCH_ADMINS", "slack:U123, discord:456,console:alice")
    assert load_settings().larch_admins == (
        (Platform.SLACK, "U123"),
        (Platform.DISCORD, "456"),
        (Platform.CONSOLE, "alice"),
    )


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("LARCH_ADMINS", "teams:U1", "LARCH_ADMINS"),
        ("LARCH_ADMINS", "slack:", "LARCH_ADMINS"),
        ("DATABASE_URL", "mysql://localhost/larch", "DATABASE_URL"),
        ("DATABASE_URL", "not a url", "DATABASE_URL"),
        ("LARCH_TIMEZONE", "Europe/Atlantis", "LARCH_TIMEZONE"),
        ("DISCORD_GUILD_ID", "abc", "DISCORD_GUILD_ID"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, named: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert named in str(error.value)


def test_dot_env_is_read_and_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    (tmp_path / ".env").write_text("LARCH_ADMINS=console:dora\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    settings = load_settings()
    assert settings.larch_admins == ((Platform.CONSOLE, "dora"),)
    assert settings.log_level == "WARNING"


def test_secrets_never_show_when_settings_are_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    settings = load_settings()
    assert "xoxb-very-secret" not in repr(settings)
    assert "xoxb-very-secret" not in str(settings.model_dump())
