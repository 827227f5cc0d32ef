"""Members and events: `events` lists what is coming up, `event <id>` opens one with the
member's own answer, and one click on Going / Maybe / Can't go answers (or changes the
answer). A full event puts "Going" on the waitlist; a seat given back goes to the head of
the waitlist, who is told by DM. Every change updates the announcement's live count."""

from contract.paging import START, page_of
from contract.params import Word
from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import MemberProfile, MessageRef, Reply
from contract.when import shown_when
from handlers.events import arguments, views
from handlers.events.arguments import NO_SUCH_EVENT
from handlers.events.broadcast import current_announcement, tell, update_announcements
from handlers.events.reminders import schedule_member, unschedule_member
from handlers.services import Services
from storage import events
from storage.events import Answer, Event, Refusal, RsvpOutcome, RsvpStatus

MAX_LISTED = 10
EVENTS_PAGE = "events.page"
# Beside a member's own events, how many of the next events still taking answers to show.
MAX_OPEN_SUGGESTED = 5
ANSWERED = (RsvpStatus.GOING, RsvpStatus.WAITLIST, RsvpStatus.MAYBE)


AUDIENCE = Word("tag", "an audience tag such as remi", required=False)


async def list_events(request: Request, services: Services) -> Reply:
    """`events`, or `events remi` for one audience tag, a page at a time: the "Next" button
    runs it again from where the page ended."""
    typed = request.optional(AUDIENCE)
    audience = typed.lower() if typed else None
    now = services.clock.now()
    with services.db.session() as session:
        upcoming = events.upcoming_events(session, now, audience, limit=None)
        page = page_of(upcoming, request.optional(START) or 0, size=MAX_LISTED)
        ids = [e.id for e in page.items]
        mine = events.statuses_of(session, request.member.id, ids)
        lines = [
            views.listing_line(e, events.counts(session, e.id), mine.get(e.id), services.timezone)
            for e in page.items
        ]
    if not upcoming:
        tagged = f" tagged “{typed}”" if typed else ""
        return Reply(f"There are no upcoming events{tagged} yet.", private=True)
    shown = f" ({page.range_words})" if page.range_words else ""
    return Reply(
        "\n".join(
            [
                f"Coming up{shown}:",
                *lines,
                "",
                "Type `event <number>` or press a button to open one.",
            ]
        ),
        title="Upcoming events",
        buttons=(
            *(views.show_button(e) for e in page.items),
            *page.next_button(EVENTS_PAGE, audience or ""),
        ),
        private=True,
        times=tuple(t for e in upcoming for t in views.event_times(e, services.timezone)),
    )


def upcoming_for(services: Services, member: MemberProfile) -> Reply:
    """The member's own upcoming events (going, waiting or maybe), then the next few still
    taking answers, each with the member's status: the home screen's events section."""
    member_id = member.id
    now, tz = services.clock.now(), services.timezone
    with services.db.session() as session:
        answered = events.events_of_member(session, member_id, ANSWERED, now)
        all_yours = [e for e in answered if e.cancelled_at is None]
        yours = all_yours[:MAX_LISTED]
        taken = {e.id for e in all_yours}
        nearest = events.upcoming_events(session, now, limit=len(taken) + MAX_LISTED)
        suggested = [e for e in nearest if e.id not in taken and events.takes_answers(e, now)]
        listed = [*yours, *suggested[:MAX_OPEN_SUGGESTED]]
        counts = {e.id: events.counts(session, e.id) for e in listed}
        mine = events.statuses_of(session, member_id, list(counts))
    if not listed:
        return Reply(
            "No upcoming events yet: they are announced in the events channel.",
            title="Upcoming events",
            private=True,
        )
    lines = []
    for heading, group in (("Yours:", yours), ("Open for answers:", listed[len(yours) :])):
        if group:
            lines.append(heading)
            lines += [views.listing_line(e, counts[e.id], mine.get(e.id), tz) for e in group]
            if group is yours and len(all_yours) > len(yours):
                more = len(all_yours) - len(yours)
                lines.append(f"…and {more} more of yours: type `events` to page through them.")
    return Reply(
        "\n".join(lines),
        title="Upcoming events",
        buttons=tuple(views.show_button(e) for e in listed),
        private=True,
        times=tuple(t for e in listed for t in views.event_times(e, tz)),
    )


async def show_event(request: Request, services: Services) -> Reply:
    """`event 3`, or the Open button from `events`."""
    found = arguments.find_event(services, request.value(arguments.EVENT))
    if isinstance(found, Reply):
        return found
    with services.db.session() as session:
        counts = events.counts(session, found.id)
        mine = events.rsvp_of(session, found.id, request.member.id)
    return views.event_card(found, counts, mine, services.timezone, services.clock.now())


async def going(request: Request, services: Services) -> Reply:
    return await _answer(request, services, Answer.GOING)


async def maybe(request: Request, services: Services) -> Reply:
    return await _answer(request, services, Answer.MAYBE)


async def cant_go(request: Request, services: Services) -> Reply:
    return await _answer(request, services, Answer.NOT_GOING)


async def _answer(request: Request, services: Services, answer: Answer) -> Reply:
    event_id = request.value(arguments.EVENT)
    outcome = await _record(services, event_id, request.member.id, answer)
    if outcome.refusal is not None or outcome.event is None:
        return _refusal(outcome, event_id, services)
    return _confirmation(outcome, outcome.event, services)


async def give_up_seats(services: Services, member_id: int) -> None:
    """Before a member is forgotten: their seats at events still to come go to the
    waitlist, who are told, as if they had pressed Can't go."""
    now = services.clock.now()
    with services.db.session() as session:
        held = events.events_of_member(
            session, member_id, [RsvpStatus.GOING, RsvpStatus.WAITLIST], now
        )
    for event_id in [e.id for e in held if e.starts_at > now]:
        await _record(services, event_id, member_id, Answer.NOT_GOING)


async def _record(services: Services, event_id: int, member_id: int, answer: Answer) -> RsvpOutcome:
    """Take one answer: the member's reminders, the seats it frees for the waitlist (who
    are told), and the announcements' live count."""
    now = services.clock.now()
    announcement: tuple[Reply, list[MessageRef]] | None = None
    with services.db.session() as session:
        outcome = events.rsvp(session, event_id, member_id, answer, now)
        event = outcome.event
        if outcome.changed and event is not None:
            if outcome.status == RsvpStatus.GOING:
                schedule_member(session, event, member_id, services)
            elif outcome.previous == RsvpStatus.GOING:
                unschedule_member(session, event_id, member_id, now)
            for promoted_id in outcome.promoted:
                schedule_member(session, event, promoted_id, services)
            announcement = current_announcement(session, event_id, services)
    if outcome.refusal is None and event is not None and outcome.promoted:
        await tell(services, outcome.promoted, _promotion(event, services))
    if announcement is not None:
        await update_announcements(services, *announcement)
    return outcome


def _confirmation(outcome: RsvpOutcome, event: Event, services: Services) -> Reply:
    if outcome.status == RsvpStatus.GOING:
        opening = (
            f"You're already going to {event.title}."
            if not outcome.changed
            else f"You're going to {event.title}. See you there!"
        )
        return views.seat_reply(event, opening, services.timezone, services.clock.now())
    if outcome.status == RsvpStatus.WAITLIST:
        return Reply(
            f"{event.title} is full, so you're number {outcome.position} on the waitlist. "
            "If a seat comes free I'll give it to the first in line and message you.",
            private=True,
        )
    if outcome.status == RsvpStatus.MAYBE:
        return Reply(
            f"Noted: maybe for {event.title}. Maybe doesn't hold a seat; press Going when "
            "you know.",
            private=True,
        )
    gave_back = " Your seat goes to the next person waiting." if outcome.promoted else ""
    return Reply(f"Noted: you can't go to {event.title}.{gave_back}", private=True)


def _promotion(event: Event, services: Services) -> Reply:
    return views.seat_reply(
        event,
        f"Good news: a seat came free at {event.title} and it's yours. You're going.",
        services.timezone,
        services.clock.now(),
    )


def _refusal(outcome: RsvpOutcome, event_id: int, services: Services) -> Reply:
    event = outcome.event
    if event is None:
        return arguments.not_an_event(event_id)
    if outcome.refusal == Refusal.CANCELLED:
        text = f"{event.title} has been cancelled, so it isn't taking RSVPs."
    elif outcome.refusal == Refusal.STARTED:
        text = f"{event.title} has already started, so RSVPs are closed."
    else:
        closed = shown_when(event.rsvp_deadline or event.starts_at, services.timezone)
        text = (
            f"RSVPs for {event.title} closed on {closed.words}. If you can no longer come, "
            "Can't go still works."
        )
        return Reply(text, private=True, times=(closed,))
    return Reply(text, private=True)


COMMANDS = [
    CommandSpec(
        name="events",
        summary="Upcoming events, with your answer to each",
        handler=list_events,
        params=(AUDIENCE,),
        examples=("events", "events remi"),
    ),
    CommandSpec(
        name="event",
        summary="One event, with your RSVP and buttons to answer",
        handler=show_event,
        params=(arguments.EVENT,),
        examples=("event 3",),
    ),
]

ACTIONS = [
    ActionSpec(EVENTS_PAGE, list_events, params=(START, AUDIENCE)),
    ActionSpec(views.GOING_ACTION, going, params=(arguments.EVENT,), forged=NO_SUCH_EVENT),
    ActionSpec(views.MAYBE_ACTION, maybe, params=(arguments.EVENT,), forged=NO_SUCH_EVENT),
    ActionSpec(views.CANT_GO_ACTION, cant_go, params=(arguments.EVENT,), forged=NO_SUCH_EVENT),
    ActionSpec(views.SHOW_ACTION, show_event, params=(arguments.EVENT,), forged=NO_SUCH_EVENT),
]
