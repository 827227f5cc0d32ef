"""Weeks as the weekly jobs count them: ISO weeks of the London calendar, Monday first,
so a job keyed by its week (`2026-W48`) runs once that week however often it is planned."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def monday_of(instant: datetime, tz: ZoneInfo) -> date:
    local = instant.astimezone(tz).date()
    return local - timedelta(days=local.weekday())


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def at_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in London (or `tz`), as a UTC instant; the offset is that day's, so
    09:00 stays 09:00 across the clock changes."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
