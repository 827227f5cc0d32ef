"""The Slack app manifest asks for what the code uses, and the README's Slack section
tells an admin the same."""

import re
from pathlib import Path

import yaml

from bot.slack.listeners import SLASH_COMMAND
from bot.slack.runner import EVENTS_PATH

ROOT = Path(__file__).parent.parent
MANIFEST = yaml.safe_load((ROOT / "slack" / "manifest.yml").read_text())
README = (ROOT / "README.md").read_text()
SLACK_SECTION = README.split("## Connect to Slack", 1)[1].split("\n## ", 1)[0]


def test_the_manifest_sets_up_the_command_events_home_and_socket_mode() -> None:
    features, settings = MANIFEST["features"], MANIFEST["settings"]
    [command] = features["slash_commands"]
    assert command["command"] == SLASH_COMMAND
    assert command["should_escape"] is True  # mentions arrive as <@U…>
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "app_home_opened",
    }
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True


def test_the_manifest_asks_only_for_the_scopes_the_code_uses() -> None:
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "app_mentions:read",
        "chat:write",
        "chat:write.public",
        "im:history",
        "im:write",
        "mpim:write",
        "users:read",
        "files:write",
    }


def test_the_readme_tells_the_admin_what_the_manifest_sets_up() -> None:
    scopes_table = SLACK_SECTION.split("**What it may do", 1)[1]
    table_scopes = set(re.findall(r"^\| `([a-z_:.]+)` \|", scopes_table, flags=re.MULTILINE))
    assert table_scopes == set(MANIFEST["oauth_config"]["scopes"]["bot"])
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        assert f"`{event}`" in SLACK_SECTION
    for needed in (
        "slack/manifest.yml",
        SLASH_COMMAND,
        EVENTS_PATH,
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "connections:write",
        "larch-bot serve slack-http",
    ):
        assert needed in SLACK_SECTION, needed


def test_the_http_request_urls_are_manifest_fields_to_fill_in() -> None:
    """Socket Mode needs none, so they are commented out; each names its manifest field,
    and the README's table says what goes in it."""
    raw = (ROOT / "slack" / "manifest.yml").read_text()
    url = f"https://YOUR-HOST{EVENTS_PATH}"
    for field_path, key in (
        ("settings.event_subscriptions.request_url", "request_url"),
        ("settings.interactivity.request_url", "request_url"),
        ("features.slash_commands[0].url", "url"),
    ):
        assert f"# {key}: {url} # HTTP mode: {field_path}" in raw, field_path
        assert f"| `{field_path}`" in SLACK_SECTION and f"`{url}`" in SLACK_SECTION
    assert "| `settings.socket_mode_enabled` | `false` |" in SLACK_SECTION
