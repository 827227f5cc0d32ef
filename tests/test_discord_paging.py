"""Long lists on Discord, through the real discord.py client against the local fake: a
listing's "Next" button reaches its last item, and a lead of more organisations than a
message has buttons for picks the last one from a select menu."""

from typing import Any

import pytest

from bot.app import App
from bot.discord.client import LarchClient
from bot.discord.translate import markup
from contract.vocabulary import Button, Platform, Reply, Role
from storage import members, remi
from tests.discord_support import Running, ask, buttons_of, grant
from tests.events_support import stored_event
from tests.fake_discord import CHANNEL_ID, FakeDiscord, message_problems, user

AMARA = user(101, "Amara")


@pytest.fixture
async def bot(running: Running) -> LarchClient:
    return await running.start()


def _stored(fake: FakeDiscord, answer: dict[str, Any]) -> dict[str, Any]:
    return {**fake.stored_message(answer["data"], CHANNEL_ID), "flags": 0}


async def test_next_pages_through_the_events_to_the_last(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    for n in range(1, 13):
        stored_event(app.services.db, title=f"Learning event {n:02d}")

    first = await ask(fake, fake.slash("events", AMARA))
    [embed] = first["data"]["embeds"]
    assert "Learning event 10" in embed["description"]
    assert "Learning event 11" not in embed["description"]
    [more] = [b for b in buttons_of(first["data"]) if b["label"] == "Next 2"]

    second = await ask(fake, fake.click(more["custom_id"], AMARA, _stored(fake, first)))

    [embed] = second["data"]["embeds"]
    assert "Learning event 12" in embed["description"]
    assert "(11–12 of 12)" in embed["description"]
    assert not [b for b in buttons_of(second["data"]) if b["label"].startswith("Next")]


async def test_a_lead_of_27_organisations_picks_the_last_from_a_menu(
    fake: FakeDiscord, bot: LarchClient, app: App
) -> None:
    grant(app, AMARA, Role.MEMBER)
    now = app.services.clock.now()
    with app.services.db.session() as session:
        lead = members.find(session, Platform.DISCORD, AMARA["id"])
        assert lead is not None
        for n in range(1, 28):
            added = remi.add_organisation(session, f"Organisation {n:02d}", "NHS trust", "NCL", now)
            assert added is not None and added.id is not None
            remi.add_lead(session, added.id, lead.id, now)
        members.grant_role(session, lead.id, Role.EQUALITY_LEAD, now)

    ask_which = await ask(fake, fake.slash("remi status", AMARA))

    menus = [c for c in buttons_of(ask_which["data"]) if c["type"] == 3]
    assert [len(m["options"]) for m in menus] == [25, 2]
    last = menus[-1]["options"][-1]
    assert last["label"] == "Organisation 27"
    picked = fake.pick(menus[-1]["custom_id"], last["value"], AMARA, _stored(fake, ask_which))
    status = await ask(fake, picked)
    [embed] = status["data"]["embeds"]
    assert embed["description"].startswith("Organisation 27 (NHS trust, NCL)")


async def test_a_channel_post_too_long_for_one_message_is_sent_whole_in_several(
    fake: FakeDiscord, bot: LarchClient
) -> None:
    items = [
        f"{n}. " + ("what the network learned from this quarter's check-ins " * 5).strip()
        for n in range(55)
    ]
    reply = Reply("\n".join(items), title="Agenda", buttons=(Button("Add an item", "a.add"),))

    await bot.messenger.post_to_channel(str(CHANNEL_ID), reply)

    posts = [c.body for c in fake.calls_to("POST", f"/channels/{CHANNEL_ID}/messages")]
    assert len(posts) > 1
    assert all(message_problems(post) == [] for post in posts)
    shown = "\n".join(e["description"] for post in posts for e in post["embeds"])
    assert shown.splitlines() == [markup(item).text for item in items]
    assert [bool(post.get("components")) for post in posts] == [False] * (len(posts) - 1) + [True]
