"""Shared by the events tests: an event created the way an organiser does it, and members
created straight in storage for the race and storage tests."""

import re
from datetime import UTC, datetime
from typing import Any

from contract.vocabulary import Platform, Reply, Role
from storage import events, members
from storage.db import Database
from storage.events import Event
from tests.conftest import Bot

# The fixtures' clock starts on Monday 23 November 2026, 09:00 UTC (GMT).
WORKSHOP = {
    "title": "REMI drop-in workshop",
    "description": "Bring your progress sheet and your questions.",
    "start": "Tue 1 Dec 2026 10:30",
    "end": "12:00",
    "venue": "City Hall, Room 4",
    "online_link": "https://meet.example.org/remi",
    "capacity": "",
    "rsvp_deadline": "",
    "audience": "remi",
    "reminders": "",
}
WORKSHOP_START = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
WORKSHOP_END = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def create_event(bot: Bot, as_: str = "olu", **changes: str) -> int:
    """Submit the new-event form as an organiser; the new event's number."""
    bot.grant(as_, Role.ORGANISER)
    [reply] = await bot.click("events.create", as_=as_, **{**WORKSHOP, **changes})
    found = re.search(r"Event (\d+),", reply.text)
    assert found, reply.text
    return int(found[1])


async def edit_event(bot: Bot, event_id: int, **changes: str) -> Reply:
    """Open the edit form as the organiser, change some fields, submit it."""
    [form_reply] = await bot.say(f"event edit {event_id}", as_="olu")
    assert form_reply.form is not None
    fields = {f.name: f.initial for f in form_reply.form.fields}
    [saved] = await bot.click("events.update", str(event_id), as_="olu", **{**fields, **changes})
    return saved


def direct_messages(bot: Bot, to: str) -> list[Reply]:
    return [s.reply for s in bot.messenger.sent if s.kind == "direct" and s.to == to]


def announcement_updates(bot: Bot) -> list[str]:
    return [s.reply.text for s in bot.messenger.sent if s.kind == "update"]


def count_lines(bot: Bot) -> list[str]:
    """The live count line of each announcement update, in order."""
    return [text.splitlines()[-1] for text in announcement_updates(bot)]


def stored_event(db: Database, **overrides: Any) -> Event:
    """An event written straight to storage, for tests below the handlers."""
    details: dict[str, Any] = {
        "title": "Learning event",
        "description": "",
        "starts_at": datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
        "venue": "City Hall",
        "online_link": None,
        "capacity": 2,
        "rsvp_deadline": None,
        "audience": None,
        "reminder_minutes": [1440, 60],
    }
    details.update(overrides)
    with db.session() as session:
        organiser = members.identify(session, Platform.CONSOLE, "organiser", "Organiser", NOW)
        return events.create_event(session, details, organiser.id, NOW)


def new_members(db: Database, count: int, prefix: str = "m") -> list[int]:
    with db.session() as session:
        return [
            members.identify(session, Platform.CONSOLE, f"{prefix}{n}", f"Member {n}", NOW).id
            for n in range(count)
        ]
