"""An organiser creates an event: `event new` opens a form (a modal on Slack and Discord,
one question a line on the console); the submission is checked whole, and either every
problem is listed with the form open again, or the event is stored and announced in the
events channel on every connected platform with its RSVP buttons and live count."""

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import Form, FormField, Reply, Role
from contract.when import WhenError, format_when, parse_when
from handlers.events import views
from handlers.events.broadcast import post_announcement
from handlers.events.timing import OffsetError, offset_label, parse_offsets
from handlers.services import Services
from storage import events
from storage.events import Event

CREATE_ACTION = "events.create"
MAX_CAPACITY = 100_000
_AUDIENCE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_LINK = re.compile(r"https?://\S+", re.I)


def event_form(action_id: str, title: str, event: Event | None, tz: ZoneInfo) -> Form:
    """The form, empty for a new event or filled with `event` for an edit."""

    def initial(attribute: str) -> str:
        value = None if event is None else getattr(event, attribute)
        if isinstance(value, datetime):
            return format_when(value, tz)
        return "" if value is None else str(value)

    offsets = (
        "24h, 1h"
        if event is None
        else (", ".join(offset_label(m) for m in event.reminder_minutes) or "off")
    )
    return Form(
        title=title,
        action_id=action_id,
        value="" if event is None else str(event.id),
        submit_label="Save" if event is not None else "Create and announce",
        fields=(
            FormField("title", "Title", max_length=200, initial=initial("title")),
            FormField(
                "description",
                "Description",
                multiline=True,
                required=False,
                max_length=3000,
                initial=initial("description"),
            ),
            FormField(
                "start",
                "Starts (London time)",
                placeholder="Tue 3 Mar 10:30, or next Thursday 2pm",
                initial=initial("starts_at"),
            ),
            FormField(
                "end",
                "Ends",
                placeholder="12:00, or a date and time",
                initial=initial("ends_at"),
            ),
            FormField(
                "venue",
                "Venue, if in person",
                required=False,
                max_length=300,
                initial=initial("venue"),
            ),
            FormField(
                "online_link",
                "Online joining link, if online",
                required=False,
                max_length=500,
                placeholder="https://…",
                initial=initial("online_link"),
            ),
            FormField(
                "capacity",
                "Seats (blank for no limit)",
                required=False,
                max_length=10,
                initial=initial("capacity"),
            ),
            FormField(
                "rsvp_deadline",
                "RSVP deadline",
                required=False,
                initial=initial("rsvp_deadline"),
            ),
            FormField(
                "audience",
                "Audience tag",
                required=False,
                max_length=40,
                placeholder="remi, steering, all",
                initial=initial("audience"),
            ),
            FormField(
                "reminders",
                "Reminders before the start",
                required=False,
                placeholder="24h, 1h — or off",
                initial=offsets,
            ),
        ),
    )


def read_event_form(
    fields: Mapping[str, str], now: datetime, tz: ZoneInfo, previous: Event | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The event details a submitted form describes, and every problem with it. A time the
    edit leaves unchanged may be in the past; a new or changed one may not."""
    problems: list[str] = []

    def text(name: str, limit: int) -> str | None:
        typed = fields.get(name, "")
        # Single-line fields lose stray line breaks; the description keeps its paragraphs.
        value = typed.strip() if name == "description" else " ".join(typed.split())
        if len(value) > limit:
            problems.append(
                f"The {name.replace('_', ' ')} is too long ({limit} characters at most)."
            )
        return value or None

    def instant(name: str, label: str, base: datetime, before: datetime | None) -> datetime | None:
        typed = fields.get(name, "").strip()
        if not typed:
            return None
        try:
            value = parse_when(typed, base, tz)
        except WhenError as error:
            problems.append(f"{label}: {error}")
            return None
        if value <= now and value != before:
            problems.append(f"{label}: {format_when(value, tz)} is in the past.")
            return None
        return value

    title = text("title", 200)
    if title is None:
        problems.append("The event needs a title.")
    description = text("description", 3000) or ""
    starts_at = instant("start", "Start", now, previous and previous.starts_at)
    if starts_at is None and not fields.get("start", "").strip():
        problems.append("When does it start? For example “Tue 3 Mar 10:30”.")
    ends_at = None
    if starts_at is not None:
        ends_at = _end(fields.get("end", "").strip(), starts_at, now, tz, problems)
    venue = text("venue", 300)
    online_link = text("online_link", 500)
    if online_link is not None and not _LINK.fullmatch(online_link):
        problems.append("The online link should be a web address starting with https://.")
    if venue is None and online_link is None:
        problems.append("Where is it? Give a venue, an online link, or both.")
    capacity = _capacity(fields.get("capacity", ""), problems)
    deadline = instant("rsvp_deadline", "RSVP deadline", now, previous and previous.rsvp_deadline)
    if deadline is not None and starts_at is not None and deadline > starts_at:
        problems.append("The RSVP deadline should be before the event starts.")
    audience = (fields.get("audience") or "").strip().lower() or None
    if audience is not None and not _AUDIENCE.fullmatch(audience):
        problems.append("The audience tag should be one word, like remi or steering.")
    try:
        reminder_minutes = parse_offsets(fields.get("reminders", ""))
    except OffsetError as error:
        problems.append(str(error))
        reminder_minutes = []
    details = {
        "title": title,
        "description": description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue": venue,
        "online_link": online_link,
        "capacity": capacity,
        "rsvp_deadline": deadline,
        "audience": audience,
        "reminder_minutes": reminder_minutes,
    }
    return details, problems


def _end(
    typed: str, starts_at: datetime, now: datetime, tz: ZoneInfo, problems: list[str]
) -> datetime | None:
    """The end is the earliest reading of what was typed that falls after the start: a bare
    "12:00" is on the start's day, and "next Thursday 3pm" means the same Thursday the
    start's "next Thursday 2pm" did, not the one after it."""
    if not typed:
        problems.append("When does it end? A time like “12:00” is read on the start's day.")
        return None
    start_day = starts_at.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    readings = []
    for base in (now, start_day):
        try:
            readings.append(parse_when(typed, base, tz))
        except WhenError as error:
            problem = f"End: {error}"
    after_start = [reading for reading in readings if reading > starts_at]
    if after_start:
        return min(after_start)
    if readings:
        problem = (
            f"The end ({format_when(max(readings), tz)}) should be after the start "
            f"({format_when(starts_at, tz)})."
        )
    problems.append(problem)
    return None


def _capacity(typed: str, problems: list[str]) -> int | None:
    cleaned = typed.strip().replace(",", "")
    if not cleaned:
        return None
    if not cleaned.isdigit() or not 0 < int(cleaned) <= MAX_CAPACITY:
        problems.append(
            "Seats should be a whole number from 1 up, or blank for no limit "
            f"(you wrote “{typed.strip()[:20]}”)."
        )
        return None
    return int(cleaned)


def problems_reply(problems: list[str], form: Form) -> Reply:
    return Reply(
        "\n".join(["Nothing was saved yet. Please fix:", *(f"• {p}" for p in problems)]),
        form=form,
        private=True,
    )


async def new_event(request: Request, services: Services) -> Reply:
    """`event new`: the form."""
    return Reply(
        "Tell me about the event. Times are read in London time.",
        form=event_form(CREATE_ACTION, "New event", None, services.timezone),
        private=True,
    )


async def create_event(request: Request, services: Services) -> Reply:
    """The submitted form: stored and announced, or every problem listed."""
    now = services.clock.now()
    details, problems = read_event_form(request.fields, now, services.timezone)
    if problems:
        filled = event_form(CREATE_ACTION, "New event", None, services.timezone)
        return problems_reply(problems, _refilled(filled, request.fields))
    with services.db.session() as session:
        event = events.create_event(session, details, request.member.id, now)
    posted = await post_announcement(services, event)
    posts = len(posted.refs)
    if posts:
        where_posted = (
            f"announced in the events channel ({posts} platform{'s' if posts != 1 else ''})"
        )
    elif posted.unreachable:
        where_posted = "saved, but not announced"
    else:
        where_posted = "saved, but no events channel is configured, so nothing was posted"
    refused = [
        f"I couldn't post it in the events channel on {r.platform.value.title()} "
        f"({r.channel_id}): {r.problem}. {r.remedy} Until then, share `event {event.id}` "
        "with members yourself."
        for r in posted.unreachable
    ]
    return Reply(
        "\n".join(
            [
                f"Event {event.id}, {event.title}, is {where_posted}. Members can open it with "
                f"`event {event.id}`; `event attendees {event.id}` shows who is coming.",
                *refused,
                views.count_line(event, events.Counts()),
            ]
        ),
        private=True,
    )


def _refilled(form: Form, fields: Mapping[str, str]) -> Form:
    """The form again with what was typed, so one mistake doesn't cost the whole form."""
    return replace(
        form,
        fields=tuple(replace(f, initial=fields.get(f.name, f.initial)) for f in form.fields),
    )


COMMANDS = [
    CommandSpec(
        name="event new",
        summary="Create and announce an event (organisers)",
        handler=new_event,
        opens_form=True,
        role=Role.ORGANISER,
    ),
]

ACTIONS = [ActionSpec(CREATE_ACTION, create_event, role=Role.ORGANISER)]
