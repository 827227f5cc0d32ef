"""`calendar`: a member's events in their own calendar app.

With the HTTP server running (settings.larch_public_url set), the member gets a private
feed URL to subscribe to; its token is long and random, so the URL cannot be guessed, and
`calendar reset` replaces a link that was shared by mistake. Without the server there is no
feed to subscribe to, so the member gets a calendar file of their events instead.
"""

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from contract.params import Flag
from contract.specs import CommandSpec, Request, WebResource
from contract.vocabulary import Attachment, Button, Reply
from handlers.events import views
from handlers.ics import calendar_bytes
from handlers.services import Services
from storage import events
from storage.events import RsvpStatus

FEED_PATH = "/calendar/{token}.ics"
# One event for anyone's calendar: the web pages' "Add to calendar" link.
EVENT_FILE_PATH = "/events/{event_id:[0-9]{1,9}}.ics"
# secrets.token_urlsafe(32) gives 43 characters of A–Z, a–z, 0–9, - and _.
_TOKEN = r"[A-Za-z0-9_-]{20,64}"
# Past events stay in the feed a while, so a calendar does not lose last week's entries.
FEED_KEEPS_PAST = timedelta(days=90)
IN_FEED = (RsvpStatus.GOING,)


def feed_for_member(services: Services, member_id: int, stamp: datetime) -> bytes:
    """The iCalendar file of a member's events: those they have a seat at, and those since
    cancelled, so subscribed calendars drop them."""
    with services.db.session() as session:
        theirs = events.events_of_member(session, member_id, IN_FEED, stamp - FEED_KEEPS_PAST)
    return calendar_bytes(
        [views.calendar_item(e, with_link=True) for e in theirs], stamp, name="LARCH events"
    )


def feed_for_token(services: Services, match: Mapping[str, str]) -> bytes | None:
    """What the feed URL serves; None for a token nobody holds."""
    with services.db.session() as session:
        member_id = events.member_for_feed(session, match["token"])
    if member_id is None:
        return None
    return feed_for_member(services, member_id, services.clock.now())


def file_for_event(services: Services, match: Mapping[str, str]) -> bytes | None:
    """One upcoming event as a calendar file, without its joining link (that is only for
    those with a seat); None for an event that is not coming up."""
    now = services.clock.now()
    with services.db.session() as session:
        event = events.get_event(session, int(match["event_id"]))
    if event is None or event.cancelled_at is not None or event.ends_at <= now:
        return None
    return calendar_bytes([views.calendar_item(event, with_link=False)], now, name=event.title)


RESET = Flag("reset", "Replace your feed link with a new one (if the old one leaked)")


async def calendar(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    if services.public_url is None:
        return Reply(
            "A calendar feed you can subscribe to needs the bot's web server, which isn't "
            "running here. Meanwhile, the attached file holds the events you're going to: "
            "open it to add them to Outlook or Google Calendar.",
            attachments=(
                Attachment(
                    "larch-events.ics",
                    feed_for_member(services, request.member.id, now),
                    "text/calendar",
                ),
            ),
            private=True,
        )
    renew = request.value(RESET)
    with services.db.session() as session:
        store = events.replace_feed_token if renew else events.feed_token
        token = store(session, request.member.id, secrets.token_urlsafe(32), now)
    url = services.public_url.rstrip("/") + FEED_PATH.format(token=token)
    opening = (
        "Here is your new private calendar link; the old one no longer works."
        if renew
        else ("Here is your private calendar link.")
    )
    return Reply(
        f"{opening} Add it in Outlook or Google Calendar (“add calendar from URL”) and the "
        f"events you're going to appear and stay up to date:\n{url}\n"
        "Keep it to yourself: anyone with the link sees your events. `calendar reset` makes a "
        "new one.",
        link=Button("Subscribe", url=url),
        private=True,
    )


COMMANDS = [
    CommandSpec(
        name="calendar",
        summary="Your events in Outlook or Google Calendar (a private feed link)",
        params=(RESET,),
        handler=calendar,
        examples=("calendar", "calendar reset"),
    ),
]

# Calendar apps poll the feed; an unknown token is a plain 404, the same answer whether or
# not the token ever existed.
WEB_RESOURCES = [
    WebResource(
        FEED_PATH.replace("{token}", "{token:" + _TOKEN + "}"),
        "text/calendar",
        feed_for_token,
        cache_control="private, max-age=300",
    ),
    WebResource(EVENT_FILE_PATH, "text/calendar", file_for_event),
]
