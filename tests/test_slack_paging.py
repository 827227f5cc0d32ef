"""Long lists on Slack, through the real Bolt app over HTTP against the local mock of
Slack's Web API: a listing's "Next" button reaches its last item, and a lead of more
organisations than fit as buttons picks one from a menu."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from contract.vocabulary import Button, Platform, Reply, Role
from handlers.clock import ManualClock
from knowledge.search import SearchIndex
from storage import members, remi
from tests.events_support import stored_event
from tests.slack_support import (
    MockSlackApi,
    SlackHarness,
    buttons,
    click,
    serving,
    slack_app,
    slash,
)

# Slack refuses a message whose blocks hold about this much text (`msg_blocks_too_long`,
# slackapi/bolt-js#2509).
BLOCKS_TOO_LONG = 13_000


@pytest.fixture
async def slack(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> AsyncIterator[SlackHarness]:
    async with slack_app(sqlite_url, mock, knowledge, clock) as app:
        for n in range(1, 13):
            stored_event(app.services.db, title=f"Learning event {n:02d}")
        with app.services.db.session() as session:
            lead = members.identify(session, Platform.SLACK, "U0AMARA", "Amara", clock.now())
            for n in range(1, 31):
                added = remi.add_organisation(
                    session, f"Organisation {n:02d}", "NHS trust", "NCL", clock.now()
                )
                assert added is not None and added.id is not None
                remi.add_lead(session, added.id, lead.id, clock.now())
            members.grant_role(session, lead.id, Role.EQUALITY_LEAD, clock.now())
        async with serving(app, mock) as harness:
            yield harness


def _text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


async def test_next_pages_through_the_events_to_the_last(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(slash(mock, "events"))
    [first] = await mock.wait_for("response_url")
    assert "Learning event 10" in _text(first.body["blocks"])
    assert "Learning event 11" not in _text(first.body["blocks"])
    [more] = [b for b in buttons(first.body["blocks"]) if b["text"]["text"] == "Next 2"]

    await slack.post(click(mock, more))

    _, second = await mock.wait_for("response_url", count=2)
    assert "Learning event 12" in _text(second.body["blocks"])
    assert "(11–12 of 12)" in _text(second.body["blocks"])
    assert not [b for b in buttons(second.body["blocks"]) if b["text"]["text"].startswith("Next")]


async def test_a_lead_of_30_organisations_picks_the_last_from_a_menu(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(slash(mock, "remi status"))
    [asked] = await mock.wait_for("response_url")
    [menu] = [e for e in buttons(asked.body["blocks"]) if e["type"] == "static_select"]
    last = menu["options"][-1]
    assert last["text"]["text"] == "Organisation 30"

    picked = click(mock, menu)
    picked["actions"][0] = {
        "type": "static_select",
        "action_id": menu["action_id"],
        "block_id": "b1",
        "selected_option": last,
        "action_ts": "1764000310.123456",
    }
    await slack.post(picked)

    _, status = await mock.wait_for("response_url", count=2)
    assert _text(status.body["blocks"]).startswith("Organisation 30 (NHS trust, NCL)")


async def test_a_channel_post_too_long_for_one_message_is_sent_whole_in_several(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    items = [
        f"{n}. " + ("what the network learned from this quarter's check-ins " * 5).strip()
        for n in range(55)
    ]
    reply = Reply("\n".join(items), title="Agenda", buttons=(Button("Add an item", "a.add"),))

    await slack.app.services.messengers[Platform.SLACK].post_to_channel("C0STEERING", reply)

    posts = [c.body for c in mock.calls_to("chat.postMessage")]
    assert len(posts) > 1
    for post in posts:
        for block in post["blocks"]:
            Block.parse(block).to_dict()  # type: ignore[union-attr]  # raises beyond a limit
        assert len(_text(post["blocks"])) < BLOCKS_TOO_LONG
    shown = "\n".join(_text(post["blocks"]) for post in posts)
    assert shown.splitlines() == items
    assert [bool(buttons(post["blocks"])) for post in posts] == [False] * (len(posts) - 1) + [True]
