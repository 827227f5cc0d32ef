"""Working days in England: Monday to Friday, less England's bank holidays.

The bank holidays come from the maintained `holidays` calendar rather than a list kept
here: it knows the substitute days (1 January on a Saturday moves to Monday 3 January),
Easter's moving dates and one-off holidays such as a coronation, which a hand-kept list
would miss the year they happen."""

from datetime import date, timedelta

import holidays

# Years are filled in on first lookup, so one calendar serves every year asked about.
_ENGLAND = holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _ENGLAND


def first_working_day_from(day: date) -> date:
    """`day` itself if it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
