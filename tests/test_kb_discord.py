"""A suggestion's whole journey on Discord, driving the real discord.py client against the
local fake Discord: `/suggest` opens a modal, the suggestion is posted in the curators'
channel with buttons, a curator approves it, a member without the role cannot."""

from typing import Any

import pytest

from bot.app import App
from contract.vocabulary import Platform, Role
from storage import kb
from tests.discord_support import Running, ask, buttons_of, grant
from tests.fake_discord import EPHEMERAL, FakeDiscord, user
from tests.kb_world import NEW_DESCRIPTION, NEW_LINK, NEW_TITLE, NEW_WHY, knowledge  # noqa: F401

AMARA, KWAME, MALLORY = user(101, "Amara"), user(102, "Kwame"), user(103, "Mallory")
CURATORS_CHANNEL_ID = 8050


@pytest.fixture
async def curating(app: App, running: Running) -> App:
    """The Discord tests' app, running, with a curators' channel and Kwame a curator."""
    app.services.channels = {Platform.DISCORD: {"curators": str(CURATORS_CHANNEL_ID)}}
    grant(app, KWAME, Role.CURATOR)
    await running.start()
    return app


async def _suggest(server: FakeDiscord) -> dict[str, Any]:
    """Amara opens the form with `/suggest` and sends it; the curators' post."""
    opened = await ask(server, server.slash("suggest", AMARA))
    assert opened["type"] == 9, opened
    modal = opened["data"]
    assert [c["label"] for c in modal["components"]] == [
        "Title",
        "Link",
        "What it is, in a sentence",
        "Why it helps, in one line",
        "Tags, separated by commas",
    ]
    thanks = await ask(
        server,
        server.submit(
            modal["custom_id"],
            AMARA,
            {
                "title": NEW_TITLE,
                "link": NEW_LINK,
                "description": NEW_DESCRIPTION,
                "why": NEW_WHY,
                "tags": "evidence",
            },
        ),
    )
    assert thanks["data"]["flags"] & EPHEMERAL
    assert thanks["data"]["embeds"][0]["description"].startswith("Thank you, Amara!")
    posted = await server.wait_for_call("POST", f"/channels/{CURATORS_CHANNEL_ID}/messages")
    return server.stored_message(posted.body, CURATORS_CHANNEL_ID)


async def test_a_suggestion_is_sent_on_discord_and_approved_by_a_curator(
    fake: FakeDiscord,
    curating: App,
) -> None:
    post = await _suggest(fake)
    assert post["embeds"][0]["title"].endswith(NEW_TITLE)
    approve, edit, reject, link = buttons_of(post)
    assert [approve["label"], edit["label"], reject["label"]] == ["Approve", "Edit", "Reject"]
    assert link["url"] == NEW_LINK

    refused = await ask(fake, fake.click(approve["custom_id"], MALLORY, post))
    assert refused["data"]["flags"] & EPHEMERAL
    assert "needs the curator role" in refused["data"]["embeds"][0]["description"]
    assert approved_rows(curating) == []

    done = await ask(fake, fake.click(approve["custom_id"], KWAME, post))

    assert not done["data"].get("flags", 0) & EPHEMERAL  # the channel sees who approved
    assert done["data"]["embeds"][0]["description"].startswith(f"Approved by Kwame: “{NEW_TITLE}”")
    told = await fake.wait_for_call("POST", "/channels/900101/messages")
    assert (
        "which you suggested, is now in the LARCH knowledge base"
        in (told.body["embeds"][0]["description"])
    )
    answer = await ask(fake, fake.slash("find", AMARA, words="ethnic inequalities healthcare"))
    assert NEW_TITLE in str(answer["data"]["embeds"][0])
    again = await ask(fake, fake.click(approve["custom_id"], KWAME, post))
    assert "was already approved by Kwame" in again["data"]["embeds"][0]["description"]
    assert len(approved_rows(curating)) == 1


async def test_reject_on_discord_opens_a_modal_for_the_reason(
    fake: FakeDiscord,
    curating: App,
) -> None:
    post = await _suggest(fake)
    _, _, reject, _ = buttons_of(post)

    opened = await ask(fake, fake.click(reject["custom_id"], KWAME, post))
    assert opened["type"] == 9
    done = await ask(
        fake,
        fake.submit(opened["data"]["custom_id"], KWAME, {"reason": "We have this report already."}),
    )

    assert done["data"]["embeds"][0]["description"].startswith(f"Not added: “{NEW_TITLE}”")
    told = await fake.wait_for_call("POST", "/channels/900101/messages")
    assert "Their reason: We have this report already." in told.body["embeds"][0]["description"]
    assert approved_rows(curating) == []


def approved_rows(app: App) -> list[str]:
    with app.services.db.session() as session:
        return [row.id for row in kb.approved_entries(session)]
