"""Reaching people about an event: the announcement on every platform and its live count,
and DMs to the members an RSVP, an edit or a cancellation concerns.

A platform that fails (rate limit, deleted message) is logged and skipped: the RSVP or edit
behind the message is already committed and must not be reported as failed.
"""

import logging
from collections.abc import Iterable, Sequence

from sqlmodel import Session

from contract.vocabulary import MessageRef, Reply
from handlers.events import views
from handlers.notify import Posted, announce, send_to_member
from handlers.services import Services
from storage import events
from storage.events import Event

log = logging.getLogger(__name__)

EVENTS_CHANNEL = "events"


async def post_announcement(services: Services, event: Event) -> Posted:
    """Post to the events channel on every connected platform."""
    with services.db.session() as session:
        reply = views.announcement(event, events.counts(session, event.id), services.timezone)
    posted = await announce(services, EVENTS_CHANNEL, reply)
    with services.db.session() as session:
        events.add_announcements(session, event.id, posted.refs)
    return posted


def current_announcement(
    session: Session, event_id: int, services: Services
) -> tuple[Reply, list[MessageRef]]:
    """The announcement as it should read now, and where it was posted. Read inside an RSVP's
    own transaction, the count is exactly what that RSVP left."""
    event = events.get_event(session, event_id)
    if event is None:
        return Reply(""), []
    reply = views.announcement(event, events.counts(session, event_id), services.timezone)
    return reply, events.announcements(session, event_id)


async def update_announcements(
    services: Services, reply: Reply, refs: Sequence[MessageRef]
) -> None:
    for ref in refs:
        messenger = services.messengers.get(ref.platform)
        if messenger is None:
            continue
        try:
            await messenger.update(ref, reply)
        except Exception:
            log.exception("could not update the announcement %s", ref)


async def refresh_announcements(services: Services, event_id: int) -> None:
    """Re-render every stored announcement of the event with the current count."""
    with services.db.session() as session:
        reply, refs = current_announcement(session, event_id, services)
    await update_announcements(services, reply, refs)


async def tell(services: Services, member_ids: Iterable[int], reply: Reply) -> int:
    """DM each member; how many were reached."""
    reached = 0
    for member_id in member_ids:
        try:
            reached += await send_to_member(services, member_id, reply) is not None
        except Exception:
            log.exception("could not message member %s", member_id)
    return reached
