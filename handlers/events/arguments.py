"""Event numbers as typed (`event 3`) or carried by a button, which is untrusted: anything
that is not a plausible event id gets a kind reply, never a database error."""

import re

from handlers.services import Services
from handlers.vocabulary import Reply
from storage import events
from storage.events import Event

# Nine digits stay inside a 32-bit integer column on every database.
_EVENT_ID = re.compile(r"\d{1,9}")


def event_id(text: str) -> int | None:
    cleaned = text.strip().lstrip("#")
    return int(cleaned) if _EVENT_ID.fullmatch(cleaned) and int(cleaned) > 0 else None


def not_an_event(text: str) -> Reply:
    named = f" “{text.strip()[:40]}”" if text.strip() else ""
    return Reply(
        f"I can't find an event{named}. Type `events` to see what's coming up, "
        "then `event <number>` to open one.",
        private=True,
    )


def which_event(usage: str) -> Reply:
    return Reply(
        f"Which event? Type `{usage}` with the event's number, e.g. `{usage.split('<')[0]}3`. "
        "`events` lists them.",
        private=True,
    )


def find_event(services: Services, text: str, usage: str) -> Event | Reply:
    """The event `text` names, or the reply explaining why there is none."""
    if not text.strip():
        return which_event(usage)
    wanted = event_id(text)
    if wanted is None:
        return not_an_event(text)
    with services.db.session() as session:
        event = events.get_event(session, wanted)
    return event if event is not None else not_an_event(text)


def split_id(text: str) -> tuple[str, str]:
    """`3 the room has moved` → ("3", "the room has moved")."""
    first, _, rest = text.strip().partition(" ")
    return first, rest.strip()
