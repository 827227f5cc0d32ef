"""How an event reads: the channel announcement with its live count line, the card a member
opens, the reminder DM, the calendar entry. Rendering only: nothing here writes or sends."""

from datetime import datetime
from zoneinfo import ZoneInfo

from contract.vocabulary import Button, ButtonStyle, Moment, Reply
from contract.when import format_span, format_when, shown_span, shown_when
from handlers.events.timing import describe_offsets, reminders_ahead
from handlers.ics import CalendarItem, ics_attachment
from handlers.timeliness import shown_until, until_words
from storage.events import Counts, Event, MyRsvp, RsvpStatus

GOING_ACTION = "events.going"
MAYBE_ACTION = "events.maybe"
CANT_GO_ACTION = "events.cant_go"
SHOW_ACTION = "events.show"


def count_line(event: Event, counts: Counts) -> str:
    """ "23 going · 4 on the waitlist · 7 seats left", or "23 going · 2 maybe" when the
    event has no seat limit."""
    if event.capacity is None:
        return f"{counts.going} going · {counts.maybe} maybe"
    left = max(event.capacity - counts.going, 0)
    return (
        f"{counts.going} going · {counts.waitlist} on the waitlist · "
        f"{left} seat{'' if left == 1 else 's'} left"
    )


def where(event: Event) -> str:
    places = [p for p in (event.venue, "online" if event.online_link else None) if p]
    return " and ".join(places)


def event_times(event: Event, tz: ZoneInfo) -> tuple[Moment, ...]:
    """The times any reply about `event` shows: when it is, and the RSVP deadline."""
    span = shown_span(event.starts_at, event.ends_at, tz)
    if event.rsvp_deadline is None:
        return (span,)
    return span, shown_when(event.rsvp_deadline, tz)


def rsvp_buttons(event_id: int) -> tuple[Button, ...]:
    value = str(event_id)
    return (
        Button("Going", action_id=GOING_ACTION, value=value, style=ButtonStyle.PRIMARY),
        Button("Maybe", action_id=MAYBE_ACTION, value=value),
        Button("Can't go", action_id=CANT_GO_ACTION, value=value),
    )


def announcement(event: Event, counts: Counts, tz: ZoneInfo) -> Reply:
    """The channel post. The joining link is not in it: it goes to those who are going,
    so an open channel does not invite strangers into an online session."""
    if event.cancelled_at is not None:
        return Reply(
            f"Cancelled: {event.title} ({format_span(event.starts_at, event.ends_at, tz)}). "
            "Sorry to everyone who planned to come.",
            title=f"Cancelled: {event.title}",
            times=event_times(event, tz),
        )
    lines = [
        f"{event.title} (event {event.id})",
        f"When: {format_span(event.starts_at, event.ends_at, tz)} (London time)",
        f"Where: {where(event)}",
    ]
    if event.online_link:
        lines.append("The joining link comes with your confirmation and reminders.")
    if event.audience:
        lines.append(f"For: {event.audience}")
    if event.description:
        lines += ["", event.description, ""]
    if event.rsvp_deadline is not None:
        lines.append(f"RSVP by {format_when(event.rsvp_deadline, tz)}")
    lines.append(count_line(event, counts))
    return Reply(
        "\n".join(lines),
        title=event.title,
        buttons=rsvp_buttons(event.id),
        times=event_times(event, tz),
    )


def status_sentence(mine: MyRsvp | None) -> str:
    if mine is None:
        return "You haven't answered yet."
    if mine.status == RsvpStatus.WAITLIST:
        return f"You're number {mine.position} on the waitlist."
    return {
        RsvpStatus.GOING: "You're going.",
        RsvpStatus.MAYBE: "You said maybe.",
        RsvpStatus.NOT_GOING: "You said you can't go.",
    }[mine.status]


def event_card(
    event: Event, counts: Counts, mine: MyRsvp | None, tz: ZoneInfo, now: datetime
) -> Reply:
    """One event as a member sees it, with their own answer."""
    if event.cancelled_at is not None:
        cancelled = announcement(event, counts, tz)
        return Reply(cancelled.text, title=event.title, private=True, times=cancelled.times)
    lines = [
        f"{event.title} (event {event.id})",
        f"When: {format_span(event.starts_at, event.ends_at, tz)} (London time)",
        f"Where: {where(event)}",
    ]
    link = None
    if event.online_link and mine is not None and mine.status == RsvpStatus.GOING:
        lines.append(f"Join online: {event.online_link}")
        link = Button("Join online", url=event.online_link)
    if event.description:
        lines += ["", event.description, ""]
    if event.rsvp_deadline is not None:
        lines.append(f"RSVP by {format_when(event.rsvp_deadline, tz)}")
    lines += [count_line(event, counts), status_sentence(mine)]
    return Reply(
        "\n".join(lines),
        title=event.title,
        link=link,
        buttons=() if now >= event.starts_at else rsvp_buttons(event.id),
        private=True,
        times=event_times(event, tz),
    )


_YOURS = {
    RsvpStatus.GOING: " · you're going",
    RsvpStatus.WAITLIST: " · you're on the waitlist",
    RsvpStatus.MAYBE: " · you said maybe",
    RsvpStatus.NOT_GOING: " · you can't go",
}


def listing_line(event: Event, counts: Counts, status: str | None, tz: ZoneInfo) -> str:
    yours = _YOURS.get(status or "", "")
    return (
        f"• {event.id}. {event.title}: {format_span(event.starts_at, event.ends_at, tz)}, "
        f"{where(event)} · {count_line(event, counts)}{yours}"
    )


def show_button(event: Event) -> Button:
    return Button(
        f"Open {event.id}. {event.title}"[:75], action_id=SHOW_ACTION, value=str(event.id)
    )


def calendar_item(event: Event, *, with_link: bool) -> CalendarItem:
    """The event for a calendar; `with_link` only for someone with a seat."""
    return CalendarItem(
        uid=f"larch-event-{event.id}@larch-hub",
        title=event.title,
        start=event.starts_at,
        end=event.ends_at,
        description=event.description,
        location=event.venue or ("Online" if event.online_link else ""),
        url=event.online_link if with_link and event.online_link else "",
        sequence=event.sequence,
        cancelled=event.cancelled_at is not None,
    )


def when_and_where(event: Event, tz: ZoneInfo) -> list[str]:
    """What anyone who answered may know; the joining link is only for those with a seat."""
    lines = [f"When: {format_span(event.starts_at, event.ends_at, tz)} (London time)"]
    if event.venue:
        lines.append(f"Where: {event.venue}")
    return lines


def going_details(event: Event, tz: ZoneInfo) -> list[str]:
    """What someone with a seat needs: when, where, the joining link."""
    lines = when_and_where(event, tz)
    if event.online_link:
        lines.append(f"Join online: {event.online_link}")
    return lines


def seat_reply(event: Event, opening: str, tz: ZoneInfo, stamp: datetime) -> Reply:
    """Going (straight away or promoted): the details, the .ics, a way to give the seat back."""
    lines = [
        opening,
        *going_details(event, tz),
        _reminders_promised(event, tz, stamp),
        "The calendar file adds it to Outlook or Google Calendar. If your plans change, "
        "press Can't go so your seat goes to the next person.",
    ]
    return Reply(
        "\n".join(lines),
        title=event.title,
        link=_join_button(event),
        buttons=(Button("Can't go", action_id=CANT_GO_ACTION, value=str(event.id)),),
        attachments=(ics_attachment(calendar_item(event, with_link=True), stamp),),
        private=True,
        times=event_times(event, tz),
    )


def reminder(event: Event, tz: ZoneInfo, stamp: datetime) -> Reply:
    lines = [
        f"Reminder: {event.title} starts {until_words(event.starts_at, stamp, tz)}.",
        *going_details(event, tz),
        "The calendar file is attached. Can't make it after all? Press Can't go to free your seat.",
    ]
    return Reply(
        "\n".join(lines),
        title=f"Reminder: {event.title}",
        link=_join_button(event),
        buttons=(Button("Can't go", action_id=CANT_GO_ACTION, value=str(event.id)),),
        attachments=(ics_attachment(calendar_item(event, with_link=True), stamp),),
        times=(shown_until(event.starts_at, stamp, tz), *event_times(event, tz)),
    )


def _reminders_promised(event: Event, tz: ZoneInfo, now: datetime) -> str:
    """Only reminders whose time is still to come: one 24 hours before an event tomorrow
    morning will not be sent, so it is not promised."""
    if not event.reminder_minutes:
        return "The organiser has switched reminders off for this event."
    ahead = reminders_ahead(event, now, tz)
    if not ahead:
        return "It starts too soon for any of its reminders, so none will come."
    return f"I'll remind you {describe_offsets(ahead)}."


def _join_button(event: Event) -> Button | None:
    return Button("Join online", url=event.online_link) if event.online_link else None
