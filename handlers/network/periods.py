"""Check-in periods: a quarter ("2026Q4") or a month ("2026-11"), read in London time.

An organisation answers once per period of its cadence. The network picture is drawn for a
quarter or a month, and a check-in counts in the periods it belongs to: a quarter counts
its quarterly check-ins and the monthly ones of its three months; a month counts its own
monthly check-ins and the quarterly ones first given in that month, so a quarterly answer
counts in one month, never in the months either side of it. Monthly and quarterly
organisations sit in one picture, each organisation with its latest answer.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from contract.params import ArgumentError, Param, ReadContext, quoted
from handlers.working_days import first_working_day_from

QUARTER = re.compile(r"^(?P<year>\d{4})\s*[Qq](?P<quarter>[1-4])$")
MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Prompts go out at a civil hour on the first working day of the period.
PROMPT_AT = time(10, 0)


class PeriodError(ValueError):
    """A period that cannot be read; the message is written for the person who typed it."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    first_month: int
    months: int  # 3 for a quarter, 1 for a month

    @property
    def is_quarter(self) -> bool:
        return self.months == 3

    @property
    def key(self) -> str:
        if self.is_quarter:
            return f"{self.year}Q{(self.first_month - 1) // 3 + 1}"
        return f"{self.year}-{self.first_month:02d}"

    @property
    def label(self) -> str:
        first = MONTH_NAMES[self.first_month - 1]
        if not self.is_quarter:
            return f"{first} {self.year}"
        last = MONTH_NAMES[self.first_month + 1]
        return f"{first} to {last} {self.year} ({self.key})"

    def previous(self) -> "Period":
        month = self.year * 12 + self.first_month - 1 - self.months
        return Period(month // 12, month % 12 + 1, self.months)

    def start(self, tz: ZoneInfo) -> datetime:
        """The period's first instant, in UTC."""
        return datetime(self.year, self.first_month, 1, tzinfo=tz).astimezone(UTC)

    def end(self, tz: ZoneInfo) -> datetime:
        """The first instant after the period, in UTC."""
        month = self.year * 12 + self.first_month - 1 + self.months
        return datetime(month // 12, month % 12 + 1, 1, tzinfo=tz).astimezone(UTC)

    def overlapping_keys(self) -> tuple[str, ...]:
        """The check-in periods that fall within this one or contain it (see `counts_in`)."""
        if self.is_quarter:
            months = (Period(self.year, self.first_month + n, 1).key for n in range(3))
            return (self.key, *months)
        quarter = Period(self.year, (self.first_month - 1) // 3 * 3 + 1, 3)
        return (self.key, quarter.key)

    def counts_in(self, checkin_period: str, answered_at: datetime, tz: ZoneInfo) -> bool:
        """Whether a check-in for `checkin_period`, first given at `answered_at`, counts in
        this period's picture."""
        if checkin_period not in self.overlapping_keys():
            return False
        if self.is_quarter or checkin_period == self.key:
            return True
        given = answered_at.astimezone(tz)
        return (given.year, given.month) == (self.year, self.first_month)


def parse_period(text: str) -> Period:
    cleaned = text.strip()
    if found := QUARTER.match(cleaned):
        quarter = int(found["quarter"])
        return Period(int(found["year"]), (quarter - 1) * 3 + 1, 3)
    if (found := MONTH.match(cleaned)) and 1 <= int(found["month"]) <= 12:
        return Period(int(found["year"]), int(found["month"]), 1)
    raise PeriodError(
        f"I couldn't read {quoted(text)} as a period. Use a quarter like `2026Q4` or a month like "
        "`2026-11`."
    )


def current_period(cadence: str, now: datetime, tz: ZoneInfo) -> Period:
    local = now.astimezone(tz)
    if cadence == "monthly":
        return Period(local.year, local.month, 1)
    return Period(local.year, (local.month - 1) // 3 * 3 + 1, 3)


def first_prompt_time(period: Period, tz: ZoneInfo) -> datetime:
    """10:00 London time on the period's first working day (no weekend, no bank holiday in
    England), in UTC."""
    day = first_working_day_from(date(period.year, period.first_month, 1))
    return datetime.combine(day, PROMPT_AT, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class PeriodArgument(Param[Period]):
    """A period typed as an argument: `remi report 2026Q3`, `--period 2026-11`."""

    def read(self, text: str, context: ReadContext) -> Period:
        try:
            return parse_period(text)
        except PeriodError as error:
            raise ArgumentError(str(error)) from None
