"""Reaching people about an event: the announcement on every platform and its live count,
and DMs to the members an RSVP, an edit or a cancellation concerns.

A platform that fails (rate limit, deleted message) is logged and skipped: the RSVP or edit
behind the message is already committed and must not be reported as failed.
"""

import logging
from collections.abc import Iterable

from handlers.events import views
from handlers.notify import announce, send_to_member
from handlers.services import Services
from handlers.vocabulary import Reply
from storage import events
from storage.events import Event

log = logging.getLogger(__name__)

EVENTS_CHANNEL = "events"


async def post_announcement(services: Services, event: Event) -> int:
    """Post to the events channel on every connected platform; how many posts were made."""
    with services.db.session() as session:
        reply = views.announcement(event, events.counts(session, event.id), services.timezone)
    refs = await announce(services, EVENTS_CHANNEL, reply)
    with services.db.session() as session:
        events.add_announcements(session, event.id, refs)
    return len(refs)


async def refresh_announcements(services: Services, event_id: int) -> None:
    """Re-render every stored announcement of the event with the current count."""
    with services.db.session() as session:
        event = events.get_event(session, event_id)
        if event is None:
            return
        reply = views.announcement(event, events.counts(session, event_id), services.timezone)
        refs = events.announcements(session, event_id)
    for ref in refs:
        messenger = services.messengers.get(ref.platform)
        if messenger is None:
            continue
        try:
            await messenger.update(ref, reply)
        except Exception:
            log.exception("could not update the announcement of event %s on %s", event_id, ref)


async def tell(services: Services, member_ids: Iterable[int], reply: Reply) -> int:
    """DM each member; how many were reached."""
    reached = 0
    for member_id in member_ids:
        try:
            reached += await send_to_member(services, member_id, reply) is not None
        except Exception:
            log.exception("could not message member %s", member_id)
    return reached
