"""Organisers look after an event once it is announced: edit it (the form, filled in),
cancel it (after a confirm button), message everyone going, see and export who is coming.

Attendees hear about what concerns them: a new time or place, or a cancellation, reaches
everyone who answered Going, Maybe or the waitlist, with a calendar file that updates
(or removes) the entry in their calendar. Reminders follow the new time; a cancelled event
sends none.
"""

import csv
import io
from collections.abc import Sequence

from contract.params import Text
from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import Attachment, Button, ButtonStyle, Reply, Role
from contract.when import format_span
from handlers.events import arguments, views
from handlers.events.broadcast import refresh_announcements, tell
from handlers.events.create import event_form, problems_reply, read_event_form
from handlers.events.reminders import cancel_event_work, reschedule_event
from handlers.ics import ics_attachment
from handlers.services import Services
from storage import events
from storage.events import Attendee, Event, RsvpStatus

UPDATE_ACTION = "events.update"
MESSAGE = Text("text", "What to tell everyone going", max_length=1500)
CANCEL_ACTION = "events.cancel"
CONCERNED = (RsvpStatus.GOING, RsvpStatus.WAITLIST, RsvpStatus.MAYBE)
STATUS_WORDS = {
    RsvpStatus.GOING: "going",
    RsvpStatus.WAITLIST: "waitlist",
    RsvpStatus.MAYBE: "maybe",
    RsvpStatus.NOT_GOING: "can't go",
}


async def edit_event(request: Request, services: Services) -> Reply:
    """`event edit 3`: the event's form, filled in."""
    found = _changeable(services, request.value(arguments.EVENT))
    if isinstance(found, Reply):
        return found
    return Reply(
        f"Editing event {found.id}, {found.title}. Change what you need and save.",
        form=event_form(UPDATE_ACTION, f"Edit event {found.id}", found, services.timezone),
        private=True,
    )


async def update_event(request: Request, services: Services) -> Reply:
    """The edit form submitted."""
    before = _changeable(services, request.value(arguments.EVENT))
    if isinstance(before, Reply):
        return before
    details, problems = read_event_form(
        request.fields, services.clock.now(), services.timezone, previous=before
    )
    if problems:
        form = event_form(UPDATE_ACTION, f"Edit event {before.id}", before, services.timezone)
        return problems_reply(problems, form)
    with services.db.session() as session:
        updated = events.update_event(session, before.id, details, services.clock.now())
        if updated is None:
            return _no_longer_changeable(before)
        event, promoted = updated
        reschedule_event(session, event, services)
        going = events.members_with_status(session, event.id, [RsvpStatus.GOING])
        concerned = events.members_with_status(session, event.id, CONCERNED)
    told = 0
    if _moved(before, event):
        without_seat = [m for m in concerned if m not in going]
        told = await tell(services, going, _change_notice(event, services, has_seat=True))
        told += await tell(services, without_seat, _change_notice(event, services, has_seat=False))
    await tell(services, promoted, _promotion_notice(event, services))
    await refresh_announcements(services, event.id)
    lines = [f"Saved event {event.id}, {event.title}."]
    if told:
        lines.append(f"I told {_people(told)} about the new time or place.")
    if promoted:
        lines.append(f"{len(promoted)} from the waitlist got a seat and were told.")
    if event.capacity is not None and len(going) > event.capacity:
        lines.append(
            f"Already going: {_people(len(going))}, more than the {event.capacity} seats "
            "now offered; nobody was moved off the list."
        )
    return Reply("\n".join(lines), private=True)


async def ask_to_cancel(request: Request, services: Services) -> Reply:
    """`event cancel 3`: a confirm button first; cancelling cannot be undone."""
    found = _changeable(services, request.value(arguments.EVENT))
    if isinstance(found, Reply):
        return found
    with services.db.session() as session:
        concerned = len(events.members_with_status(session, found.id, CONCERNED))
    return Reply(
        f"Cancel {found.title} ({format_span(found.starts_at, found.ends_at, services.timezone)})? "
        f"I'll tell the {_people(concerned)} who answered and stop all reminders. "
        "This can't be undone.",
        buttons=(
            Button(
                "Yes, cancel the event",
                action_id=CANCEL_ACTION,
                value=str(found.id),
                style=ButtonStyle.DANGER,
            ),
        ),
        private=True,
        times=views.event_times(found, services.timezone),
    )


async def cancel_event(request: Request, services: Services) -> Reply:
    """The confirm button."""
    found = _changeable(services, request.value(arguments.EVENT))
    if isinstance(found, Reply):
        return found
    now = services.clock.now()
    with services.db.session() as session:
        event = events.cancel_event(session, found.id, now)
        if event is None:
            return Reply(f"{found.title} was already cancelled.", private=True)
        cancel_event_work(session, event.id, now)
        concerned = events.members_with_status(session, event.id, CONCERNED)
    notice = Reply(
        f"{event.title} ({format_span(event.starts_at, event.ends_at, services.timezone)}) has "
        "been cancelled. Sorry for the change of plans. The attached file removes it from "
        "your calendar.",
        title=f"Cancelled: {event.title}",
        attachments=(ics_attachment(views.calendar_item(event, with_link=False), now),),
        times=views.event_times(event, services.timezone),
    )
    told = await tell(services, concerned, notice)
    await refresh_announcements(services, event.id)
    return Reply(
        f"Cancelled {event.title}. I told {_people(told)} and stopped every reminder.",
        private=True,
    )


async def message_attendees(request: Request, services: Services) -> Reply:
    """`event message 3 The room has moved to 4B`: a DM to everyone going."""
    found = _changeable(services, request.value(arguments.EVENT))
    if isinstance(found, Reply):
        return found
    text = request.value(MESSAGE)
    with services.db.session() as session:
        going = events.members_with_status(session, found.id, [RsvpStatus.GOING])
    if not going:
        return Reply(f"Nobody is going to {found.title} yet, so nothing was sent.", private=True)
    told = await tell(
        services,
        going,
        Reply(
            f"From {request.member.display_name}, about {found.title}:\n{text}",
            title=found.title,
        ),
    )
    unreached = len(going) - told
    missed = f" ({unreached} I couldn't reach on a connected platform)" if unreached else ""
    return Reply(f"Sent to {told} of the {_people(len(going))} going{missed}.", private=True)


async def show_attendees(request: Request, services: Services) -> Reply:
    """`event attendees 3`: who answered what, the waitlist in order."""
    found = arguments.find_event(services, request.value(arguments.EVENT))
    if isinstance(found, Reply):
        return found
    with services.db.session() as session:
        people = events.attendees(session, found.id)
        counts = events.counts(session, found.id)
    lines = [f"{found.title} (event {found.id}): {views.count_line(found, counts)}"]
    for status in events.STATUS_ORDER:
        group = [a for a in people if a.status == status]
        if group:
            lines.append(f"{STATUS_WORDS[status].capitalize()} ({len(group)}):")
            lines += [f"  {_attendee_line(a)}" for a in group]
    if not people:
        lines.append("Nobody has answered yet.")
    return Reply("\n".join(lines), title=f"Attendees: {found.title}", private=True)


async def export_attendees(request: Request, services: Services) -> Reply:
    """`event export 3`: a CSV of everyone who answered, RSVP times in London time."""
    found = arguments.find_event(services, request.value(arguments.EVENT))
    if isinstance(found, Reply):
        return found
    with services.db.session() as session:
        people = events.attendees(session, found.id)
    return Reply(
        f"The attendee list of {found.title}, as a spreadsheet file.",
        attachments=(
            Attachment(
                f"event-{found.id}-attendees.csv", attendee_csv(people, services), "text/csv"
            ),
        ),
        private=True,
    )


def attendee_csv(people: Sequence[Attendee], services: Services) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "organisation", "status", "rsvp time (London)"])
    for person in people:
        status = STATUS_WORDS[person.status]
        if person.position is not None:
            status += f" {person.position}"
        writer.writerow(
            [
                _spreadsheet_safe(person.name),
                _spreadsheet_safe(person.organisation or ""),
                status,
                person.responded_at.astimezone(services.timezone).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    # With a byte-order mark Excel reads the names' accents as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def _spreadsheet_safe(value: str) -> str:
    """A name starting with = + - @ would run as a formula when the CSV is opened."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _attendee_line(person: Attendee) -> str:
    place = f"{person.position}. " if person.position is not None else "• "
    organisation = f" ({person.organisation})" if person.organisation else ""
    return f"{place}{person.name}{organisation}"


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _changeable(services: Services, event_id: int) -> Event | Reply:
    found = arguments.find_event(services, event_id)
    if isinstance(found, Reply):
        return found
    if found.cancelled_at is not None:
        return _no_longer_changeable(found)
    if services.clock.now() >= found.ends_at:
        return Reply(f"{found.title} is over, so it can't be changed.", private=True)
    return found


def _no_longer_changeable(event: Event) -> Reply:
    return Reply(f"{event.title} has been cancelled, so it can't be changed.", private=True)


def _moved(before: Event, after: Event) -> bool:
    return (before.starts_at, before.ends_at, before.venue, before.online_link) != (
        after.starts_at,
        after.ends_at,
        after.venue,
        after.online_link,
    )


def _change_notice(event: Event, services: Services, *, has_seat: bool) -> Reply:
    """The joining link goes only to those with a seat, not to the waitlist or the maybes."""
    details = views.going_details if has_seat else views.when_and_where
    lines = [f"{event.title} has changed. The details now:", *details(event, services.timezone)]
    if event.online_link and not has_seat:
        lines.append("The joining link comes with a seat.")
    lines.append("The attached file updates it in your calendar.")
    item = views.calendar_item(event, with_link=has_seat)
    return Reply(
        "\n".join(lines),
        title=f"Changed: {event.title}",
        attachments=(ics_attachment(item, services.clock.now()),),
        times=views.event_times(event, services.timezone),
    )


def _promotion_notice(event: Event, services: Services) -> Reply:
    return views.seat_reply(
        event,
        f"Good news: {event.title} has more seats now, and one is yours. You're going.",
        services.timezone,
        services.clock.now(),
    )


COMMANDS = [
    CommandSpec(
        name="event edit",
        summary="Change an event; attendees hear of a new time or place (organisers)",
        handler=edit_event,
        opens_form=True,
        params=(arguments.EVENT,),
        role=Role.ORGANISER,
        examples=("event edit 3",),
    ),
    CommandSpec(
        name="event cancel",
        summary="Cancel an event and tell everyone who answered (organisers)",
        handler=ask_to_cancel,
        params=(arguments.EVENT,),
        role=Role.ORGANISER,
        examples=("event cancel 3",),
    ),
    CommandSpec(
        name="event message",
        summary="Message everyone going to an event (organisers)",
        handler=message_attendees,
        params=(arguments.EVENT, MESSAGE),
        role=Role.ORGANISER,
        examples=("event message 3 The room has moved to 4B",),
    ),
    CommandSpec(
        name="event attendees",
        summary="Who is going, waiting, maybe or not (organisers)",
        handler=show_attendees,
        params=(arguments.EVENT,),
        role=Role.ORGANISER,
        examples=("event attendees 3",),
    ),
    CommandSpec(
        name="event export",
        summary="The attendee list as a CSV file (organisers)",
        handler=export_attendees,
        params=(arguments.EVENT,),
        role=Role.ORGANISER,
        examples=("event export 3",),
    ),
]

ACTIONS = [
    ActionSpec(UPDATE_ACTION, update_event, role=Role.ORGANISER, params=(arguments.EVENT,)),
    ActionSpec(CANCEL_ACTION, cancel_event, role=Role.ORGANISER, params=(arguments.EVENT,)),
]
