"""What a scheduled message may say when it is sent, which may be later than planned.

The dispatcher can run behind (a restart, an outage, a long queue), so a message planned
for one moment goes out at another. Event reminders set the rule, and every scheduled
message follows it through this module:
- its words about time are worked out at send time from the moment it is about, never
  from the offset it was planned at: "in 3 days" sent two days late says "tomorrow", and
  a due date that has passed says so (`until_words`, `days_words`);
- it is not sent when a later message of the same series is already due
  (`superseded`): that one speaks instead, so the end of an outage brings one message
  that is true, not a burst of old ones;
- it is not sent when it is so late that it no longer helps (`too_late`); each feature
  says how late that is, and why.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from contract.vocabulary import Moment

# Within this, "in 3 hours" says more than "tomorrow" (an event at 00:30 reminded at 23:30).
_HOURS_NOT_DAYS = timedelta(hours=12)


def superseded(later_in_series: Iterable[datetime], now: datetime) -> bool:
    """Whether a later message of the same series is already due, and so speaks instead."""
    return any(at <= now for at in later_in_series)


def too_late(meant_for: datetime, now: datetime, useful_for: timedelta) -> bool:
    return now - meant_for > useful_for


def until_words(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """How far ahead `moment` is, from `now`: "in 40 minutes", "in 3 hours", "tomorrow",
    "in 4 days", "in a week". Whole days count London calendar days, so a reminder at the
    same time the day before says "tomorrow" across a clock change."""
    left = moment - now
    if left < _HOURS_NOT_DAYS:
        minutes = max(1, round(left.total_seconds() / 60))
        if minutes % 60 == 0 or minutes >= 180:
            return f"in {_plural(round(minutes / 60), 'hour')}"
        return f"in {_plural(minutes, 'minute')}"
    return days_words(moment.astimezone(tz).date(), now.astimezone(tz).date())


def shown_until(moment: datetime, now: datetime, tz: ZoneInfo) -> Moment:
    """`until_words`, for a reply's `times`."""
    return Moment(moment, until_words(moment, now, tz), relative=True)


def days_words(day: date, today: date) -> str:
    """ "today", "tomorrow", "in 4 days", "in a week", "yesterday", "4 days ago"."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == 7:
        return "in a week"
    if days > 1:
        return f"in {days} days"
    if days == -1:
        return "yesterday"
    return f"{-days} days ago"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
