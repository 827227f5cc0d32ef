"""The features through Discord: the real discord.py client against the local fake Discord,
clicking and filling in what a member would, checking what Discord received and what was
stored. The fake refuses anything beyond Discord's limits, so each flow also shows that its
messages and modals render."""

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import App
from contract.vocabulary import Platform, Role
from storage import events, intros, members, remi
from storage.events import Event
from tests.discord_support import Running, ask, buttons_of, grant
from tests.fake_discord import CHANNEL_ID, EPHEMERAL, EVENTS_CHANNEL_ID, FakeDiscord, user

AMARA = user(101, "Amara")  # organiser, admin
KWAME = user(102, "Kwame")
CHIDI = user(103, "Chidi")

FIRST_PAGE = {
    "title": "REMI drop-in workshop",
    "description": "Bring your progress sheet and your questions.",
    "start": "Tue 1 Dec 2026 10:30",
    "end": "12:00",
    "venue": "City Hall, Room 4",
}
SECOND_PAGE = {
    "online_link": "https://meet.example.org/remi",
    "capacity": "1",
    "rsvp_deadline": "Mon 30 Nov 2026 17:00",
    "audience": "remi",
    "reminders": "2h",
}


def _text(message: dict[str, Any]) -> str:
    """What a message (or an interaction answer's data) says, all its embeds together."""
    return "\n".join(e.get("description", "") for e in message["embeds"])


def _inputs(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A modal's inputs by field name."""
    return {c["component"]["custom_id"]: c["component"] for c in modal["components"]}


def _on_screen(fake: FakeDiscord, answer: dict[str, Any]) -> dict[str, Any]:
    """The message an interaction answer shows, as a later click refers to it."""
    return fake.stored_message(answer["data"], CHANNEL_ID)


def _events(app: App) -> list[Event]:
    with app.services.db.session() as session:
        return events.upcoming_events(session, app.services.clock.now(), None, limit=10)


async def _first_page(fake: FakeDiscord, person: dict[str, Any]) -> dict[str, Any]:
    """`/event new`, first page filled in and sent: the answer with the Continue button."""
    opened = await ask(fake, fake.slash("event new", person))
    assert opened["type"] == 9, opened
    return await ask(fake, fake.submit(opened["data"]["custom_id"], person, FIRST_PAGE))


async def _continue(
    fake: FakeDiscord, person: dict[str, Any], kept: dict[str, Any]
) -> dict[str, Any]:
    """A click on the Continue button of `kept`, the answer to a first page; the answer."""
    [go_on] = buttons_of(kept["data"])
    return await ask(fake, fake.click(go_on["custom_id"], person, _on_screen(fake, kept)))


async def _second_page(
    fake: FakeDiscord, person: dict[str, Any], kept: dict[str, Any], **changes: str
) -> dict[str, Any]:
    opened = await _continue(fake, person, kept)
    assert opened["type"] == 9, opened
    fields = {**SECOND_PAGE, **changes}
    return await ask(fake, fake.submit(opened["data"]["custom_id"], person, fields))


@pytest.fixture
async def kept(fake: FakeDiscord, running: Running, app: App) -> dict[str, Any]:
    """The bot running, and the first page of Amara's `/event new` sent."""
    await running.start()
    grant(app, AMARA, Role.ORGANISER)
    return await _first_page(fake, AMARA)


async def _announced_event(
    fake: FakeDiscord, app: App, kept: dict[str, Any]
) -> tuple[Event, dict[str, Any]]:
    """The event `kept` began, finished; and its announcement as the events channel holds it."""
    done = await _second_page(fake, AMARA, kept)
    assert "announced in the events channel" in _text(done["data"])
    [event] = _events(app)
    posted = await fake.wait_for_call("POST", f"/channels/{EVENTS_CHANNEL_ID}/messages")
    return event, posted.response


# --- a form longer than one modal: `event new` -------------------------------------------


async def test_event_new_opens_as_two_modals_and_creates_the_event_with_every_field(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    await running.start()
    grant(app, AMARA, Role.ORGANISER)

    opened = await ask(fake, fake.slash("event new", AMARA))
    assert opened["data"]["title"] == "New event (1 of 2)"
    assert list(_inputs(opened["data"])) == list(FIRST_PAGE)
    kept = await ask(fake, fake.submit(opened["data"]["custom_id"], AMARA, FIRST_PAGE))

    assert kept["data"]["flags"] & EPHEMERAL
    assert [b["label"] for b in buttons_of(kept["data"])] == ["Continue (2 of 2)"]
    assert _events(app) == []
    await running.restart()

    second = await _continue(fake, AMARA, kept)
    assert second["data"]["title"] == "New event (2 of 2)"
    inputs = _inputs(second["data"])
    assert list(inputs) == list(SECOND_PAGE)
    assert inputs["reminders"]["value"] == "24h, 1h"  # the form's prefilled value
    assert _events(app) == []
    done = await ask(fake, fake.submit(second["data"]["custom_id"], AMARA, SECOND_PAGE))

    assert "Event 1, REMI drop-in workshop, is announced in the events channel" in _text(
        done["data"]
    )
    [event] = _events(app)
    assert (event.title, event.description, event.venue) == (
        "REMI drop-in workshop",
        "Bring your progress sheet and your questions.",
        "City Hall, Room 4",
    )
    assert (event.starts_at, event.ends_at) == (
        datetime(2026, 12, 1, 10, 30, tzinfo=UTC),
        datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
    )
    assert (event.online_link, event.capacity, event.audience) == (
        "https://meet.example.org/remi",
        1,
        "remi",
    )
    assert event.rsvp_deadline == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert event.reminder_minutes == [120]


async def test_only_the_person_who_started_a_long_form_can_continue_or_send_it(
    fake: FakeDiscord, app: App, kept: dict[str, Any]
) -> None:
    grant(app, KWAME, Role.ORGANISER)
    [go_on] = buttons_of(kept["data"])

    refused = await _continue(fake, KWAME, kept)

    assert refused["type"] == 4 and refused["data"]["flags"] & EPHEMERAL
    assert "Someone else started this form, so only they can go on with it" in _text(
        refused["data"]
    )
    forged = fake.submit(go_on["custom_id"], KWAME, SECOND_PAGE)
    assert "Someone else started this form" in _text((await ask(fake, forged))["data"])
    assert _events(app) == []
    done = await _second_page(fake, AMARA, kept)
    assert "Event 1, REMI drop-in workshop" in _text(done["data"])


async def test_a_long_form_is_sent_once_however_often_its_last_page_comes(
    fake: FakeDiscord, app: App, kept: dict[str, Any]
) -> None:
    last_page = (await _continue(fake, AMARA, kept))["data"]["custom_id"]

    await ask(fake, fake.submit(last_page, AMARA, SECOND_PAGE))
    again = await ask(fake, fake.submit(last_page, AMARA, SECOND_PAGE))
    late = await _continue(fake, AMARA, kept)

    assert "That form is no longer open: it was sent already" in _text(again["data"])
    assert "That form is no longer open" in _text(late["data"])
    assert len(_events(app)) == 1


async def test_a_mistake_offers_the_form_again_with_what_was_typed(
    fake: FakeDiscord, app: App, kept: dict[str, Any]
) -> None:
    mistaken = await _second_page(fake, AMARA, kept, capacity="lots")

    assert "Seats should be a whole number" in _text(mistaken["data"])
    assert _events(app) == []
    [again] = buttons_of(mistaken["data"])
    reopened = await ask(fake, fake.click(again["custom_id"], AMARA, _on_screen(fake, mistaken)))
    assert reopened["data"]["title"] == "New event (1 of 2)"
    assert {name: i["value"] for name, i in _inputs(reopened["data"]).items()} == FIRST_PAGE


async def test_an_edit_opens_in_parts_filled_in_and_saves_the_event_it_names(
    fake: FakeDiscord, app: App, kept: dict[str, Any]
) -> None:
    await _second_page(fake, AMARA, kept)

    first = await ask(fake, fake.slash("event edit", AMARA, number="1"))
    typed = {name: i.get("value", "") for name, i in _inputs(first["data"]).items()}
    assert typed == {
        **FIRST_PAGE,
        "start": "Tue 1 Dec 2026, 10:30",
        "end": "Tue 1 Dec 2026, 12:00",
    }
    moved = await ask(
        fake, fake.submit(first["data"]["custom_id"], AMARA, {**typed, "venue": "Room 5"})
    )
    second = await _continue(fake, AMARA, moved)
    unchanged = {name: i.get("value", "") for name, i in _inputs(second["data"]).items()}
    assert unchanged == {**SECOND_PAGE, "rsvp_deadline": "Mon 30 Nov 2026, 17:00"}
    saved = await ask(fake, fake.submit(second["data"]["custom_id"], AMARA, unchanged))

    assert "Saved event 1, REMI drop-in workshop." in _text(saved["data"])
    [event] = _events(app)
    assert (event.venue, event.capacity, event.reminder_minutes) == ("Room 5", 1, [120])


# --- events: the announcement and RSVPs ---------------------------------------------------


async def test_a_going_click_updates_the_announcement_and_a_full_event_gives_a_waitlist_place(
    fake: FakeDiscord, app: App, kept: dict[str, Any]
) -> None:
    event, announcement = await _announced_event(fake, app, kept)

    assert [b["label"] for b in buttons_of(announcement)] == ["Going", "Maybe", "Can't go"]
    assert announcement["embeds"][0]["title"] == "REMI drop-in workshop"
    assert _text(announcement).endswith("0 going · 0 on the waitlist · 1 seat left")
    going = buttons_of(announcement)[0]["custom_id"]

    seat = await ask(fake, fake.click(going, KWAME, announcement))

    assert seat["data"]["flags"] & EPHEMERAL
    assert "You're going to REMI drop-in workshop" in _text(seat["data"])
    assert "Join online: https://meet.example.org/remi" in _text(seat["data"])
    edited = f"/channels/{EVENTS_CHANNEL_ID}/messages/{announcement['id']}"
    first_edit = await fake.wait_for_call("PATCH", edited)
    assert _text(first_edit.body).endswith("1 going · 0 on the waitlist · 0 seats left")

    waiting = await ask(fake, fake.click(going, CHIDI, announcement))

    assert "REMI drop-in workshop is full, so you're number 1 on the waitlist" in _text(
        waiting["data"]
    )
    assert waiting["data"]["flags"] & EPHEMERAL
    *_, last_edit = fake.calls_to("PATCH", edited)
    assert _text(last_edit.body).endswith("1 going · 1 on the waitlist · 0 seats left")
    assert [b["label"] for b in buttons_of(last_edit.body)] == ["Going", "Maybe", "Can't go"]
    with app.services.db.session() as session:
        assert events.counts(session, event.id) == events.Counts(going=1, waitlist=1)


async def test_the_announcement_shows_each_reader_the_times_in_their_own_zone(
    fake: FakeDiscord, app: App, kept: dict[str, Any]
) -> None:
    _, announcement = await _announced_event(fake, app, kept)

    # Discord writes <t:…> in each reader's zone and language; nothing says "London" there.
    lines = _text(announcement).splitlines()
    assert "When: <t:1796121000:F>–<t:1796126400:t>" in lines
    assert "RSVP by <t:1796058000:F>" in lines
    assert "London" not in _text(announcement)
    reopened = await ask(fake, fake.slash("event edit", AMARA, number="1"))
    # A modal shows no timestamps: it keeps the London wording and says so.
    assert reopened["data"]["title"].startswith("Edit event")
    labels = [c["label"] for c in reopened["data"]["components"]]
    assert "Starts (London time)" in labels
    assert _inputs(reopened["data"])["start"]["value"] == "Tue 1 Dec 2026, 10:30"


# --- REMI: a check-in -------------------------------------------------------------------


async def test_an_equality_lead_checks_in_with_a_stage_button_and_the_short_form(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    await running.start()
    grant(app, AMARA, Role.ADMIN)
    added = await ask(
        fake,
        fake.slash(
            "remi org add",
            AMARA,
            name="Whittington Health",
            sector="NHS trust",
            area="North Central",
        ),
    )
    assert "Registered Whittington Health" in _text(added["data"])
    lead = await ask(
        fake,
        fake.slash("remi lead add", AMARA, person=KWAME, organisation="Whittington Health"),
    )
    assert "is now an equality lead" in _text(lead["data"])

    asked = await ask(fake, fake.slash("remi checkin", KWAME))

    assert asked["data"]["flags"] & EPHEMERAL
    stages = buttons_of(asked["data"])
    assert [b["label"] for b in stages] == [
        "1 Awareness",
        "2 Commitment",
        "3 Implementation",
        "4 Embedding",
        "5 Creating",
        "6 Championing",
    ]
    assert [len(row["components"]) for row in asked["data"]["components"]] == [5, 1]
    form = await ask(fake, fake.click(stages[2]["custom_id"], KWAME, _on_screen(fake, asked)))
    assert form["type"] == 9 and form["data"]["title"] == "REMI check-in"
    inputs = _inputs(form["data"])
    assert (inputs["changed"]["type"], inputs["needs"]["type"]) == (4, 3)
    assert [o["label"] for o in inputs["needs"]["options"]][:2] == ["training", "peer support"]
    done = await ask(
        fake,
        fake.submit(
            form["data"]["custom_id"],
            KWAME,
            {"changed": "Board adopted the plan", "needs": ["training", "data"], "needs_other": ""},
        ),
    )

    assert "Whittington Health's check-in for" in _text(done["data"]) and "is complete" in _text(
        done["data"]
    )
    with app.services.db.session() as session:
        organisation = remi.find_organisation(session, "Whittington Health")
        assert organisation is not None and organisation.id is not None
        [checkin] = remi.history(session, organisation.id)
    assert (checkin.stage, checkin.changed, checkin.needs) == (
        3,
        "Board adopted the plan",
        ["training", "data"],
    )
    assert checkin.is_complete


# --- peer introductions: joining --------------------------------------------------------


async def test_intros_join_opens_a_form_with_selects_and_stores_the_profile(
    fake: FakeDiscord, running: Running, app: App
) -> None:
    await running.start()

    opened = await ask(fake, fake.slash("intros join", KWAME))

    assert opened["type"] == 9 and opened["data"]["title"] == "Peer introductions"
    inputs = _inputs(opened["data"])
    assert (inputs["organisation"]["type"], inputs["sector"]["type"]) == (4, 3)
    assert inputs["topics"]["max_values"] == len(inputs["topics"]["options"]) == 12
    joined = await ask(
        fake,
        fake.submit(
            opened["data"]["custom_id"],
            KWAME,
            {
                "organisation": "Camden Council",
                "sector": ["local authority"],
                "topics": ["data", "REMI"],
            },
        ),
    )

    assert "You're in! Next round:" in _text(joined["data"])
    with app.services.db.session() as session:
        member = members.find(session, Platform.DISCORD, KWAME["id"])
        assert member is not None
        row = intros.participant(session, member.id)
    assert row is not None
    assert (row.organisation, row.sector, row.topics) == (
        "Camden Council",
        "local authority",
        ["data", "REMI"],
    )

    again = await ask(fake, fake.slash("intros join", KWAME))

    prefilled = _inputs(again["data"])
    assert prefilled["organisation"]["value"] == "Camden Council"
    assert [o["value"] for o in prefilled["sector"]["options"] if o.get("default")] == [
        "local authority"
    ]
    assert [o["value"] for o in prefilled["topics"]["options"] if o.get("default")] == [
        "data",
        "REMI",
    ]
