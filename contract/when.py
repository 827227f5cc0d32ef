"""Times as people type and read them: parsed and shown in London time, stored in UTC.

dateparser reads the natural forms ("Tue 3 Mar 10:30", "next Thursday 2pm"); this module
adds what a scheduling bot needs on top: a weekday that contradicts the date is queried
rather than silently dropped, and a time that does not exist on the day the clocks go
forward is refused instead of shifted.
"""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dateparser

from contract.vocabulary import Moment

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_WORD = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun)(day|sday|nesday|rsday|urday|s|rs|r|t)?\b", re.I
)
_DAY_NUMBER = re.compile(r"\b\d{1,2}(st|nd|rd|th)?\b")


class WhenError(ValueError):
    """A time that cannot be used; the message is written for the person who typed it."""


def parse_when(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The instant `text` names, read in `tz` relative to `now`, returned in UTC."""
    local_now = now.astimezone(tz).replace(tzinfo=None)
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": local_now,
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise WhenError(
            f"I couldn't read “{_cut(text)}” as a date and time. Try e.g. “Tue 3 Mar 10:30” or "
            "“next Thursday 2pm”."
        )
    _check_weekday(text, parsed)
    local = parsed.replace(tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != parsed:
        raise WhenError(
            f"{parsed:%H:%M} doesn't exist on {parsed:%A %-d %B %Y}: the clocks go forward "
            "that night. Please pick another time."
        )
    return local.astimezone(UTC)


def _cut(text: str) -> str:
    cleaned = " ".join(text.split())
    return cleaned if len(cleaned) <= 40 else cleaned[:39] + "…"


def format_when(instant: datetime, tz: ZoneInfo) -> str:
    """`Tue 3 Mar 2026, 10:30` in London time."""
    return instant.astimezone(tz).strftime("%a %-d %b %Y, %H:%M")


def format_span(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """`Tue 3 Mar 2026, 10:30–12:00`, or both full times when the span crosses midnight."""
    return shown_span(start, end, tz).words


def shown_when(instant: datetime, tz: ZoneInfo) -> Moment:
    """`format_when`'s words, for a reply's `times`."""
    return Moment(instant, format_when(instant, tz))


def shown_span(start: datetime, end: datetime, tz: ZoneInfo) -> Moment:
    """`format_span`'s words, for a reply's `times`."""
    local_end = end.astimezone(tz)
    if start.astimezone(tz).date() == local_end.date():
        return Moment(start, format_when(start, tz), end, f"{local_end:%H:%M}", end_same_day=True)
    return Moment(start, format_when(start, tz), end, format_when(end, tz))


def _check_weekday(text: str, parsed: datetime) -> None:
    named = _WEEKDAY_WORD.search(text)
    if named is None or _DAY_NUMBER.search(_WEEKDAY_WORD.sub("", text)) is None:
        return
    weekday = next(day for day in WEEKDAYS if day.startswith(named.group(1).lower()[:3]))
    if WEEKDAYS[parsed.weekday()] != weekday:
        raise WhenError(
            f"{parsed:%-d %B %Y} is a {parsed:%A}, not a {weekday.title()}. Which did you mean?"
        )
