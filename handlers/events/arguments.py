"""Event numbers, typed (`event 3`) or carried by a button. The router has read the number
(a whole number that fits the id column) before a handler runs; what is left here is the
kind reply when no event has that number."""

from contract.params import Number
from contract.vocabulary import Reply
from handlers.services import Services
from storage import events
from storage.events import Event

EVENT = Number("number", "The event's number, as `events` lists it")


NO_SUCH_EVENT = Reply(
    "I can't find an event with that number. Type `events` to see what's coming up, "
    "then `event <number>` to open one.",
    private=True,
)


def not_an_event(event_id: int) -> Reply:
    return Reply(
        f"I can't find an event numbered {event_id}. Type `events` to see what's coming up, "
        "then `event <number>` to open one.",
        private=True,
    )


def find_event(services: Services, event_id: int) -> Event | Reply:
    """The event numbered `event_id`, or the reply explaining there is none."""
    with services.db.session() as session:
        event = events.get_event(session, event_id)
    return event if event is not None else not_an_event(event_id)
