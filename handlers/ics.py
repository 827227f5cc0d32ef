"""Calendar files (`.ics`) so events and meetings land in Outlook or Google Calendar."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event

from contract.vocabulary import Attachment

PRODUCT_ID = "-//LARCH Hub//larch-bot//EN"


@dataclass(frozen=True)
class CalendarItem:
    uid: str
    title: str
    start: datetime
    end: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    # Calendar apps replace an item they already hold only when the sequence grows.
    sequence: int = 0
    cancelled: bool = False


def calendar_bytes(items: Sequence[CalendarItem], stamp: datetime, name: str = "LARCH") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if items and all(i.cancelled for i in items) else "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.title)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    return calendar.to_ical()


def ics_attachment(item: CalendarItem, stamp: datetime) -> Attachment:
    filename = "".join(c if c.isalnum() else "-" for c in item.title.lower()).strip("-")[:40]
    return Attachment(f"{filename or 'event'}.ics", calendar_bytes([item], stamp), "text/calendar")
