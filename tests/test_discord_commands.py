"""The slash commands members found awkward, called the way a member would: each value in
an option of its own type, through the real discord.py client and the local fake Discord."""

from datetime import timedelta
from typing import Any

import pytest

from bot.app import App
from contract.vocabulary import Platform, Role
from storage import events, intros, members, remi, steering
from tests.conftest import START
from tests.discord_support import Running, ask, grant
from tests.events_support import stored_event
from tests.fake_discord import FakeDiscord, user

AMARA = user(101, "Amara")  # admin, organiser, chair
KWAME = user(102, "Kwame")


def _text(answer: dict[str, Any]) -> str:
    return "\n".join(e.get("description", "") for e in answer["data"]["embeds"])


async def _say(fake: FakeDiscord, command: str, by: dict[str, Any], **options: Any) -> str:
    return _text(await ask(fake, fake.slash(command, by, **options)))


def _member_id(app: App, person: dict[str, Any]) -> int:
    """The member a Discord user is (as the bot will know them when they first speak)."""
    now = app.services.clock.now()
    with app.services.db.session() as session:
        return members.identify(
            session, Platform.DISCORD, person["id"], person["global_name"], now
        ).id


@pytest.fixture
async def hub(fake: FakeDiscord, running: Running, app: App) -> FakeDiscord:
    await running.start()
    for role in (Role.ADMIN, Role.ORGANISER, Role.STEERING):
        grant(app, AMARA, role)
    return fake


async def test_remi_org_add_and_remi_action_add_take_their_values_one_by_one(
    hub: FakeDiscord, app: App
) -> None:
    added = await _say(
        hub, "remi org add", AMARA, name="Camden Council", sector="local authority", area="Camden"
    )
    assert "Registered Camden Council (local authority, Camden)" in added
    lead = await _say(hub, "remi lead add", AMARA, person=KWAME, organisation="Camden Council")
    assert "is now an equality lead" in lead

    # The text need not start with "add", and the one organisation is understood.
    noted = await _say(hub, "remi action add", KWAME, text="Run race equity training for HR")

    assert "Run race equity training for HR" in noted
    with app.services.db.session() as session:
        [organisation] = remi.organisations(session)
        [action] = remi.action_points(session, organisation.id)
    assert action.text == "Run race equity training for HR"


async def test_intros_pause_takes_a_date_in_its_own_option(hub: FakeDiscord, app: App) -> None:
    with app.services.db.session() as session:
        member_id = _member_id(app, KWAME)
        intros.join(session, member_id, "Camden Council", "local authority", [], START)
    paused = await _say(hub, "intros pause", KWAME, until="15 January 2027")
    assert paused.startswith("Paused until Fri 15 Jan 2027")


async def test_agenda_move_takes_two_numbers(hub: FakeDiscord, app: App) -> None:
    now = app.services.clock.now()
    with app.services.db.session() as session:
        meeting = steering.create_meeting(
            session,
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=1),
            link="https://meet.example/larch",
            created_by=_member_id(app, AMARA),
            now=now,
        )
        assert meeting is not None
        meeting_id = meeting.id
    for item in ("Terms of reference", "REMI progress"):
        assert "Added" in await _say(hub, "agenda add", AMARA, item=item)

    moved = await _say(hub, "agenda move", AMARA, number=2, position=1)

    assert "REMI progress" in moved
    with app.services.db.session() as session:
        titles = [item.text for item in steering.agenda(session, meeting_id)]
    assert titles == ["REMI progress", "Terms of reference"]


async def test_event_message_takes_the_event_and_the_text_apart(hub: FakeDiscord, app: App) -> None:
    event = stored_event(app.services.db)
    with app.services.db.session() as session:
        events.rsvp(
            session, event.id, _member_id(app, KWAME), events.Answer.GOING, app.services.clock.now()
        )

    sent = await _say(
        hub, "event message", AMARA, number=event.id, text="The room has changed to Room 5."
    )

    assert sent == "Sent to 1 of the 1 person going."
    posted = [c.body for c in hub.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert any("The room has changed to Room 5." in str(body) for body in posted)


async def test_action_add_takes_owner_text_and_date(hub: FakeDiscord, app: App) -> None:
    assert "is now on the steering group" in await _say(hub, "steering add", AMARA, person=KWAME)
    noted = await _say(
        hub, "action add", AMARA, owner=KWAME, text="Draft the terms", date="15 January 2027"
    )
    assert "Draft the terms" in noted
    with app.services.db.session() as session:
        [action] = steering.open_actions(session)
    assert (action.text, action.owner_id) == ("Draft the terms", _member_id(app, KWAME))


async def test_calendar_reset_true_replaces_the_feed_link(hub: FakeDiscord, app: App) -> None:
    app.services.public_url = "https://hub.example.org"
    first = await _say(hub, "calendar", KWAME)
    again = await _say(hub, "calendar", KWAME)
    reset = await _say(hub, "calendar", KWAME, reset=True)

    def link(text: str) -> str:
        return next(word for word in text.split() if "://" in word)

    assert link(first) == link(again)
    assert link(reset) != link(first)


async def test_steering_poll_close_true_is_understood(hub: FakeDiscord) -> None:
    closed = await _say(hub, "steering poll", AMARA, close=True)
    assert "No poll is open" in closed or "poll" in closed.lower()
    assert "Sorry, something went wrong" not in closed


async def test_a_number_too_big_for_the_database_is_a_bad_id_not_an_error(
    hub: FakeDiscord,
) -> None:
    answer = await _say(hub, "agenda drop", AMARA, number=123456789012)
    assert answer.startswith("There is nothing numbered 123456789012.")
    assert "Usage: `agenda drop <number>`" in answer
    assert "Sorry, something went wrong" not in answer
