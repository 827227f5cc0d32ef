"""When reminders fall, and how organisers write them ("24h, 1h", "2d", "30m", "off").

"24 hours before" means the same wall-clock time the day before, in London: an event at
10:00 on the Sunday the clocks change is reminded at 10:00 on the Saturday, which is 23 or
25 elapsed hours earlier. Every whole-day offset works that way; shorter ones ("1h",
"90m") are elapsed time. A wall-clock time the day before that does not exist (the
skipped hour in March) is read with the offset before the change, so 01:30 becomes 02:30
BST; one that happens twice (October) is its first occurrence.
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.events import Event

MINUTES_PER_DAY = 24 * 60
DEFAULT_REMINDER_MINUTES = (MINUTES_PER_DAY, 60)
MAX_REMINDERS = 4
LONGEST_REMINDER_MINUTES = 28 * MINUTES_PER_DAY
SWITCHED_OFF = {"off", "none", "no", "never"}

_OFFSET = re.compile(r"(\d{1,4})\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)", re.I)
_UNIT_MINUTES = {"m": 1, "h": 60, "d": MINUTES_PER_DAY, "w": 7 * MINUTES_PER_DAY}


class OffsetError(ValueError):
    """Reminder offsets that cannot be used; the message is for the organiser."""


def parse_offsets(text: str) -> list[int]:
    """Minutes before the start, longest first: "24h, 1h" → [1440, 60]; blank gives the
    defaults and "off" none."""
    cleaned = text.strip().lower()
    if not cleaned:
        return list(DEFAULT_REMINDER_MINUTES)
    if cleaned in SWITCHED_OFF:
        return []
    parts = [p for p in re.split(r"\s*(?:,|\band\b|\s)\s*", cleaned) if p]
    minutes: set[int] = set()
    for part in _joined_numbers(parts):
        found = _OFFSET.fullmatch(part)
        if found is None:
            raise OffsetError(
                f"I couldn't read “{part}” as a reminder time. Write them like “24h, 1h”, "
                "“2d”, “30m”, or “off” for no reminders."
            )
        value = int(found[1]) * _UNIT_MINUTES[found[2][0].lower()]
        if not 0 < value <= LONGEST_REMINDER_MINUTES:
            raise OffsetError("Reminders can be from 1 minute to 4 weeks before the start.")
        minutes.add(value)
    if len(minutes) > MAX_REMINDERS:
        raise OffsetError(f"At most {MAX_REMINDERS} reminders per event, please.")
    return sorted(minutes, reverse=True)


def _joined_numbers(parts: list[str]) -> list[str]:
    """ "24 h" was split into "24" and "h": put them back together."""
    joined: list[str] = []
    for part in parts:
        if joined and joined[-1].isdigit() and not part[0].isdigit():
            joined[-1] += part
        else:
            joined.append(part)
    return joined


def offset_label(minutes: int) -> str:
    """Compact, for keys and forms: 1440 → "24h", 90 → "90m"."""
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def describe_offsets(minutes: Sequence[int]) -> str:
    """ "24 hours and 1 hour before" for people; "no reminders" when switched off."""
    if not minutes:
        return "no reminders"
    words = [duration_words(m) for m in minutes]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"{listed} before"


def duration_words(minutes: int) -> str:
    if minutes % MINUTES_PER_DAY == 0 and minutes > MINUTES_PER_DAY:
        return _plural(minutes // MINUTES_PER_DAY, "day")
    if minutes % 60 == 0:
        return _plural(minutes // 60, "hour")
    return _plural(minutes, "minute")


def reminder_due_at(starts_at: datetime, minutes: int, tz: ZoneInfo) -> datetime:
    if minutes % MINUTES_PER_DAY:
        return starts_at - timedelta(minutes=minutes)
    local = starts_at.astimezone(tz)
    same_time_earlier = (local.replace(tzinfo=None) - timedelta(minutes=minutes)).replace(tzinfo=tz)
    return same_time_earlier.astimezone(UTC)


def reminders_ahead(event: Event, now: datetime, tz: ZoneInfo) -> list[int]:
    """The event's reminder offsets whose time is still to come: only these are scheduled,
    and only these are promised."""
    return [m for m in event.reminder_minutes if reminder_due_at(event.starts_at, m, tz) > now]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
