"""Events on the console, driven through stdin as an operator would: an organiser fills the
form line by line, members press numbered buttons, and `larch-bot dispatch --now` sends the
reminders that are due at that instant."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.test_console import larch_bot

LONDON = ZoneInfo("Europe/London")


def test_create_rsvp_and_dispatch_reminders_on_the_console(tmp_path: Path) -> None:
    # The console runs on the real clock: the event is ten days from today, at 10:30.
    day = datetime.now(LONDON).date() + timedelta(days=10)
    start = datetime(day.year, day.month, day.day, 10, 30, tzinfo=LONDON)
    form_answers = [
        "Console launch",
        "A first look at events on the console.",
        start.strftime("%d %b %Y 10:30"),
        "12:00",
        "City Hall",
        "https://meet.example.org/launch",
        "1",
        "",
        "remi",
        "",
    ]
    session = larch_bot(
        tmp_path,
        "console",
        "--user",
        "olu",
        "--role",
        "organiser",
        # The form; the listing; the event card and its button [1], Going; then the edit
        # form, where an empty line keeps the value shown.
        stdin="\n".join(
            [
                "event new",
                *form_answers,
                "events",
                "event 1",
                "1",
                "event edit 1",
                "",
                "",
                "",
                "",
                "Room 4B",
            ]
            + [""] * 5
        )
        + "\n",
    )
    assert session.returncode == 0, session.stderr
    out = session.stdout
    assert "Reminders before the start (optional) [24h, 1h]: " in out
    assert "Event 1, Console launch, is announced in the events channel" in out
    assert "--- post in #events ---\nConsole launch (event 1)" in out
    assert "0 going · 0 on the waitlist · 1 seat left" in out
    assert "• 1. Console launch" in out
    assert "[1] Going" in out
    assert "You're going to Console launch." in out
    assert "(file saved: var/downloads/console-launch.ics)" in out
    assert "--- update of message 1 ---" in out
    assert "1 going · 0 on the waitlist · 0 seats left" in out
    assert "Venue, if in person (optional) [City Hall]: Room 4B" in out
    assert "I told 1 person about the new time or place." in out
    assert "--- direct message to olu ---\nConsole launch has changed." in out

    day_before = start.astimezone(UTC) - timedelta(days=1)
    dispatched = larch_bot(tmp_path, "dispatch", "--now", day_before.isoformat())
    assert dispatched.returncode == 0, dispatched.stderr
    assert "--- direct message to olu ---\nReminder: Console launch starts tomorrow." in (
        dispatched.stdout
    )
    assert "reminded olu of “Console launch” (24h before)" in dispatched.stdout
    assert "1 sent, 0 failed" in dispatched.stdout
    assert "Traceback" not in session.stderr + dispatched.stderr
