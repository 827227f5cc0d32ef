"""Times typed naturally, read in London time, stored in UTC, across the clock changes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from contract.when import WhenError, format_span, format_when, parse_when
from handlers.ics import CalendarItem, calendar_bytes, ics_attachment

LONDON = ZoneInfo("Europe/London")
SATURDAY_EVENING = datetime(2026, 11, 21, 21, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected_utc"),
    [
        ("next Thursday 2pm", datetime(2026, 11, 26, 14, 0, tzinfo=UTC)),
        ("Wed 3 Mar 10:30", datetime(2027, 3, 3, 10, 30, tzinfo=UTC)),
        ("3 June 2027 10:30", datetime(2027, 6, 3, 9, 30, tzinfo=UTC)),  # BST
        ("tomorrow 9am", datetime(2026, 11, 22, 9, 0, tzinfo=UTC)),
        ("25 Oct 2026 01:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # first 01:30
    ],
)
def test_natural_times_are_read_in_london(typed: str, expected_utc: datetime) -> None:
    assert parse_when(typed, SATURDAY_EVENING, LONDON) == expected_utc


def test_a_weekday_that_contradicts_the_date_is_queried() -> None:
    with pytest.raises(WhenError, match="3 March 2027 is a Wednesday, not a Tuesday"):
        parse_when("Tue 3 Mar 10:30", SATURDAY_EVENING, LONDON)


def test_a_time_skipped_when_the_clocks_go_forward_is_refused() -> None:
    with pytest.raises(WhenError, match="clocks go forward"):
        parse_when("28 Mar 2027 01:30", SATURDAY_EVENING, LONDON)


def test_nonsense_gets_an_example_of_what_works() -> None:
    with pytest.raises(WhenError, match="next Thursday 2pm"):
        parse_when("whenever suits", SATURDAY_EVENING, LONDON)


def test_times_are_shown_in_london_time() -> None:
    summer = datetime(2027, 6, 3, 9, 30, tzinfo=UTC)
    assert format_when(summer, LONDON) == "Thu 3 Jun 2027, 10:30"
    end = datetime(2027, 6, 3, 11, 0, tzinfo=UTC)
    assert format_span(summer, end, LONDON) == "Thu 3 Jun 2027, 10:30–12:00"


def test_an_ics_file_holds_the_event_in_utc() -> None:
    item = CalendarItem(
        "event-7@larch",
        "REMI drop-in",
        datetime(2027, 3, 28, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 28, 10, 0, tzinfo=UTC),
        location="Online",
    )
    attachment = ics_attachment(item, SATURDAY_EVENING)
    assert attachment.filename == "remi-drop-in.ics"
    [event] = Calendar.from_ical(attachment.content).walk("VEVENT")
    assert event["SUMMARY"] == "REMI drop-in"
    assert event.decoded("DTSTART") == item.start
    assert str(event["LOCATION"]) == "Online"


def test_a_cancelled_item_tells_calendars_to_remove_it() -> None:
    item = CalendarItem(
        "e@larch", "Gone", SATURDAY_EVENING, SATURDAY_EVENING, sequence=2, cancelled=True
    )
    calendar = Calendar.from_ical(calendar_bytes([item], SATURDAY_EVENING))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2


def test_words_that_start_like_a_weekday_are_not_weekdays() -> None:
    # "months" begins with "mon"; it once made "in 2 months 10:00" look like a Monday.
    in_two_months = parse_when("in 2 months", SATURDAY_EVENING, LONDON)
    assert in_two_months.date().isoformat() == "2027-01-21"
