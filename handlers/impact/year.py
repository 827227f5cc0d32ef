"""Report years: the hub's year runs from 1 April to 31 March, London time, and is named
"2026-27". Its quarters are the REMI check-in periods (see handlers/network/periods.py),
April to June 2026 being 2026Q2, so a quarter's REMI figures are the `remi report`'s."""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.network.periods import Period, current_period, parse_period

YEAR = re.compile(r"^(?P<first>\d{4})-(?P<second>\d{2})$")
FIRST_MONTH = 4


class ReportPeriodError(ValueError):
    """A year or quarter that cannot be read; the message is written for whoever typed it."""


@dataclass(frozen=True)
class ReportYear:
    first: int  # the calendar year in which it starts

    @property
    def key(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"April {self.first} to March {self.first + 1}"

    @property
    def quarters(self) -> tuple[Period, ...]:
        months = (self.first * 12 + FIRST_MONTH - 1 + 3 * n for n in range(4))
        return tuple(Period(month // 12, month % 12 + 1, 3) for month in months)

    def start(self, tz: ZoneInfo) -> datetime:
        return self.quarters[0].start(tz)

    def end(self, tz: ZoneInfo) -> datetime:
        return self.quarters[-1].end(tz)


def parse_year(text: str) -> ReportYear:
    found = YEAR.match(text.strip())
    if not found or (int(found["first"]) + 1) % 100 != int(found["second"]):
        raise ReportPeriodError(
            f"I couldn't read “{text}” as a report year. Use the year's two calendar years, "
            "like 2026-27 (1 April 2026 to 31 March 2027)."
        )
    return ReportYear(int(found["first"]))


def year_of(now: datetime, tz: ZoneInfo) -> ReportYear:
    """The report year `now` falls in."""
    local = now.astimezone(tz)
    return ReportYear(local.year if local.month >= FIRST_MONTH else local.year - 1)


def parse_quarter(text: str) -> Period:
    """A quarter as `remi report` names it: 2026Q3."""
    try:
        period = parse_period(text)
    except ValueError:
        period = None
    if period is None or not period.is_quarter:
        raise ReportPeriodError(
            f"I couldn't read “{text}” as a quarter. Use a quarter like 2026Q3 (July to "
            "September 2026)."
        )
    return period


def latest_quarter(now: datetime, tz: ZoneInfo) -> Period:
    """The last quarter that is over: the one the infographic publishes."""
    return current_period("quarterly", now, tz).previous()
