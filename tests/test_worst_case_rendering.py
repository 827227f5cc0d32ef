"""Every list at its longest, rendered by the real Slack and Discord translators: each
message keeps within the platform's documented limits, and nothing is dropped on the way
(every line, every button and every choice is in some message, and the last item of each
list is reached by paging)."""

from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.discord import translate as discord_translate
from bot.discord.custom_ids import CustomIds, Kind
from bot.slack import translate as slack_translate
from contract.vocabulary import Reply
from tests.conftest import Bot
from tests.fake_discord import message_problems
from tests.worst_case import Shown, worst_case_replies


@pytest.fixture
async def worst_case(bot: Bot) -> list[Shown]:
    return await worst_case_replies(bot)


def _picks(reply: Reply) -> set[tuple[str, str]]:
    """What the reply lets its reader do: each button's and each choice's action."""
    picks = reply.picker.as_buttons() if reply.picker else ()
    return {(b.action_id, b.value) for b in (*reply.buttons, *picks) if not b.is_link}


def _lines(reply: Reply) -> list[str]:
    return [line for line in reply.text.splitlines() if line.strip() and line != reply.title]


def _texts(part: Any) -> list[str]:
    """Every text Slack counts towards a message's length, anywhere in its blocks."""
    if isinstance(part, dict):
        own = [part["text"]] if isinstance(part.get("text"), str) else []
        return own + [text for value in part.values() for text in _texts(value)]
    if isinstance(part, list):
        return [text for value in part for text in _texts(value)]
    return []


async def test_slack_shows_every_worst_case_list_within_its_limits(
    worst_case: list[Shown],
) -> None:
    for shown in worst_case:
        seen_text, seen_picks = [], set()
        for reply in shown.replies:
            for part in slack_translate.messages(reply):
                blocks = slack_translate.message_blocks(part)
                assert len(blocks) <= 50, shown.name
                for block in blocks:
                    Block.parse(block).to_dict()  # type: ignore[union-attr]  # raises beyond a limit
                total = sum(len(text) for text in _texts(blocks))
                assert total <= slack_translate.MESSAGE_TEXT_CHARS, (shown.name, total)
                assert len(slack_translate.fallback_text(part)) <= 3000
                seen_text += [b["text"]["text"] for b in blocks if b["type"] == "section"]
                for element in (e for b in blocks if b["type"] == "actions" for e in b["elements"]):
                    action_id = element["action_id"].rpartition("#")[0]
                    options = element.get("options") or [element]
                    seen_picks |= {(action_id, option["value"]) for option in options}
            shown_text = "\n".join(seen_text)
            for line in _lines(reply):
                assert slack_translate.mrkdwn(line, reply.times) in shown_text, (shown.name, line)
            assert _picks(reply) <= seen_picks, shown.name
        assert shown.last_item in shown_text or any(
            shown.last_item in o.label for r in shown.replies if r.picker for o in r.picker.options
        ), shown.name


async def test_discord_shows_every_worst_case_list_within_its_limits(
    worst_case: list[Shown], bot: Bot
) -> None:
    ids = CustomIds(bot.app.services.db, bot.clock)
    for shown in worst_case:
        seen_text, seen_picks = [], set()
        for reply in shown.replies:
            for sent in discord_translate.messages(reply, ids):
                message = {
                    "embeds": [e.to_dict() for e in sent.embeds],
                    "components": sent.view.to_components() if sent.view else [],
                }
                assert message_problems(message) == [], shown.name
                seen_text += [e.description or "" for e in sent.embeds]
                for row in message["components"]:
                    for component in row["components"]:
                        carried = [o["value"] for o in component.get("options", [])]
                        for custom_id in carried or [component.get("custom_id", "")]:
                            target = ids.read(custom_id)
                            if target is not None and target.kind == Kind.BUTTON:
                                seen_picks.add((target.action_id, target.value))
            shown_text = "\n".join(seen_text)
            for line in _lines(reply):
                rendered = discord_translate.markup(line, reply.times).text
                assert rendered in shown_text, (shown.name, line)
            assert _picks(reply) <= seen_picks, shown.name
