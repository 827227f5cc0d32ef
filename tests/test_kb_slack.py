"""A suggestion's journey on Slack, through the real Bolt app over HTTP against the local
mock of Slack's Web API: `/larch suggest` opens a modal, the suggestion reaches the
curators' channel with buttons, a member without the role cannot approve, a curator can."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from contract.vocabulary import Platform, Role
from handlers.clock import ManualClock
from knowledge.search import SearchIndex
from storage import kb, members
from tests.kb_world import NEW_DESCRIPTION, NEW_LINK, NEW_TITLE, NEW_WHY, knowledge  # noqa: F401
from tests.slack_support import (
    MockSlackApi,
    SlackHarness,
    buttons,
    click,
    payload,
    serving,
    slack_app,
)

CURATORS_CHANNEL = "C0CURATORS"


@pytest.fixture
async def slack(
    mock: MockSlackApi,
    sqlite_url: str,
    knowledge: SearchIndex,  # noqa: F811
    clock: ManualClock,
) -> AsyncIterator[SlackHarness]:
    channels = {"slack_channels": {"curators": CURATORS_CHANNEL}}
    async with slack_app(sqlite_url, mock, knowledge, clock, **channels) as app:
        with app.services.db.session() as session:
            kwame = members.identify(
                session, Platform.SLACK, "U0KWAME", "Kwame Mensah", clock.now()
            )
            members.grant_role(session, kwame.id, Role.CURATOR, clock.now())
        async with serving(app, mock) as harness:
            yield harness


def submitted(mock: MockSlackApi, metadata: str) -> dict[str, Any]:
    """Amara's view_submission of the suggestion form."""
    data = payload("view_submission", mock)
    data["view"]["private_metadata"] = metadata
    text = {"type": "plain_text_input"}
    data["view"]["state"]["values"] = {
        "title": {"title": {**text, "value": NEW_TITLE}},
        "link": {"link": {**text, "value": NEW_LINK}},
        "description": {"description": {**text, "value": NEW_DESCRIPTION}},
        "why": {"why": {**text, "value": NEW_WHY}},
        "tags": {"tags": {**text, "value": None}},
    }
    return data


def by(person: str, data: dict[str, Any]) -> dict[str, Any]:
    data["user"] = {**data["user"], "id": person, "username": person.lower()}
    return data


async def test_a_suggestion_is_sent_on_slack_and_approved_by_a_curator(
    slack: SlackHarness,
    mock: MockSlackApi,
) -> None:
    await slack.post(payload("slash_command", mock, text="suggest"))
    [opened] = await mock.wait_for("views.open")
    view = opened.body["view"]
    assert view["title"]["text"] == "Suggest a resource"
    assert json.loads(view["private_metadata"])["action_id"] == "kb.suggest"
    assert [block["block_id"] for block in view["blocks"] if block["type"] == "input"] == [
        "title",
        "link",
        "description",
        "why",
        "tags",
    ]

    await slack.post(submitted(mock, view["private_metadata"]))
    thanks, post = await mock.wait_for("chat.postMessage", count=2)
    [to_curators] = [c for c in (thanks, post) if c.body["channel"] == CURATORS_CHANNEL]
    [to_amara] = [c for c in (thanks, post) if c.body["channel"] == "D0U0AMARA"]
    assert to_amara.body["text"].startswith("Thank you")
    labels = {b["text"]["text"]: b for b in buttons(to_curators.body["blocks"])}
    assert {"Approve", "Edit", "Reject", "Open the link"} <= set(labels)
    approve = labels["Approve"]

    # One click at a time: Slack work runs on a pool, so answers could cross.
    await slack.post(by("U0NGOZI", click(mock, approve)))
    [refused] = await mock.wait_for("response_url")
    await slack.post(by("U0KWAME", click(mock, approve)))
    _, done = await mock.wait_for("response_url", count=2)

    assert "needs the curator role" in refused.body["text"]
    assert done.body["text"].startswith(f"Approved by Kwame Mensah: “{NEW_TITLE}”")
    told = await mock.wait_for("chat.postMessage", count=3)
    assert "which you suggested, is now in the LARCH knowledge base" in told[-1].body["text"]
    with slack.app.services.db.session() as session:
        assert [row.title for row in kb.approved_entries(session)] == [NEW_TITLE]
