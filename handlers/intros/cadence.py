"""When rounds happen: the admin sets a cadence (weekly, fortnightly or monthly, a weekday
and a time in London), and a planner turns it into the next round's due row.

The due row's key is the round's London date (`intros:round:2026-11-30`), so planning the
same round twice, or on two processes, leaves one row. Occurrences come from APScheduler's
CronTrigger in the configured time zone, so 10:00 stays 10:00 in London across the clock
changes.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from contract.params import Choice, TimeOfDay, weekday
from contract.specs import Request
from contract.vocabulary import Reply
from contract.when import WEEKDAYS, shown_when
from handlers.services import Services
from storage import due
from storage import intros as store

ROUND_JOB = "intros.round"
ROUND_KEY_PREFIX = "intros:round:"
EVERY = ("weekly", "fortnightly", "monthly")
_CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

EVERY_PARAM = Choice("every", "How often rounds run", required=False, choices=EVERY)
DAY = weekday("day", "The weekday rounds fall on", required=False)
AT = TimeOfDay("time", "The London time rounds start, e.g. 10:00", required=False)

USAGE = (
    "Set the cadence like `intros cadence fortnightly monday 10:00`: weekly, fortnightly "
    "or monthly (the first of that weekday in the month), then a weekday and a time in "
    "London. Day and time are optional."
)


@dataclass(frozen=True)
class Cadence:
    every: str
    weekday: int
    at: time
    # Fortnightly rounds fall in weeks an even number of weeks from this day.
    anchor: date

    def next_after(self, instant: datetime, tz: ZoneInfo) -> datetime:
        """The first round strictly after `instant`, in UTC."""
        day = _CRON_DAYS[self.weekday]
        fields = {"day": f"1st {day}"} if self.every == "monthly" else {"day_of_week": day}
        trigger = CronTrigger(hour=self.at.hour, minute=self.at.minute, timezone=tz, **fields)
        fire = trigger.get_next_fire_time(None, instant + timedelta(seconds=1))
        while self.every == "fortnightly" and ((fire.date() - self.anchor).days // 7) % 2:
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return fire.astimezone(UTC)

    def describe(self) -> str:
        day = WEEKDAYS[self.weekday].title()
        if self.every == "monthly":
            return f"monthly, on the first {day} of the month at {self.at:%H:%M}"
        return f"{self.every} on {day}s at {self.at:%H:%M}"


# Until an admin chooses: every other Monday at 10:00.
DEFAULT = Cadence("fortnightly", 0, time(10, 0), date(2026, 1, 5))


def current(services: Services) -> Cadence:
    with services.db.session() as session:
        row = store.cadence(session)
    if row is None:
        return DEFAULT
    hour, minute = (int(part) for part in row.time_of_day.split(":"))
    return Cadence(row.every, row.weekday, time(hour, minute), row.anchor)


def next_round(services: Services, after: datetime) -> datetime:
    return current(services).next_after(after, services.timezone)


def round_key(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).date().isoformat()


async def plan_next_round(services: Services, now: datetime) -> None:
    """Planner: make sure the next round has its due row."""
    at = next_round(services, now)
    key = round_key(at, services.timezone)
    with services.db.session() as session:
        due.schedule(session, ROUND_KEY_PREFIX + key, ROUND_JOB, at, {"round": key})


async def set_cadence(request: Request, services: Services) -> Reply:
    """`intros cadence [weekly|fortnightly|monthly] [weekday] [time]` (admins)."""
    every = request.optional(EVERY_PARAM)
    if every is None and request.optional(DAY) is None and request.optional(AT) is None:
        cadence = current(services)
        at = shown_when(next_round(services, services.clock.now()), services.timezone)
        return Reply(
            f"Rounds run {cadence.describe()} (London time). Next round: {at.words}.\n{USAGE}",
            private=True,
            times=(at,),
        )
    if every is None:
        return Reply(USAGE, private=True)
    day, at_time = request.optional(DAY), request.optional(AT) or DEFAULT.at
    weekday = DEFAULT.weekday if day is None else WEEKDAYS.index(day)
    now = services.clock.now()
    # Fortnightly weeks count from the first such weekday from now, so the next round is
    # the nearest one rather than possibly a fortnight away.
    anchor = Cadence("weekly", weekday, at_time, date.min).next_after(now, services.timezone)
    cadence = Cadence(every, weekday, at_time, anchor.astimezone(services.timezone).date())
    next_at = cadence.next_after(now, services.timezone)
    key = round_key(next_at, services.timezone)
    with services.db.session() as session:
        store.set_cadence(session, every, weekday, f"{at_time:%H:%M}", cadence.anchor, now)
        due.cancel(session, ROUND_KEY_PREFIX, now)
        due.schedule(session, ROUND_KEY_PREFIX + key, ROUND_JOB, next_at, {"round": key})
    shown = shown_when(next_at, services.timezone)
    return Reply(
        f"Done: rounds now run {cadence.describe()} (London time). Next round: {shown.words}.",
        private=True,
        times=(shown,),
    )
