"""One full cycle through the real command line, as an operator would see it: a poll, its
nudges and close, the chair's confirmation, the reminders, the agenda, an action, and the
next meeting's agenda listing that action once it is overdue.

People act through `larch-bot console` (on the real clock, so every date here is weeks
ahead of today); time moves through `larch-bot dispatch --now` at successive instants.
"""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.test_console import larch_bot

LONDON = ZoneInfo("Europe/London")
ADMIN_ENV = {"LARCH_ADMINS": "console:chair"}


def london(days_ahead: int, hour: int) -> datetime:
    day = datetime.now(LONDON).date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def typed(moment: datetime) -> str:
    return moment.strftime("%-d %b %Y %H:%M")


def shown(moment: datetime) -> str:
    return moment.strftime("%a %-d %b %Y, %H:%M")


def act(tmp_path: Path, user: str, *lines: str) -> str:
    result = larch_bot(
        tmp_path, "console", "--user", user, stdin="\n".join(lines) + "\n", env=ADMIN_ENV
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def dispatch(tmp_path: Path, at: datetime) -> str:
    # Python keeps the wall-clock time when adding days to a London time, so `at` can be
    # "a week before" across a clock change; isoformat gives the right offset for that day.
    result = larch_bot(tmp_path, "dispatch", "--now", at.isoformat(), env=ADMIN_ENV)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_poll_confirm_remind_agenda_actions_and_the_next_meeting(tmp_path: Path) -> None:
    meeting, other_slot = london(21, 10), london(22, 14)
    closes = london(7, 17)
    action_due = london(40, 9)
    next_meeting, next_other = london(63, 10), london(64, 10)

    out = act(
        tmp_path,
        "chair",
        "steering add @chair",
        "steering add @bob",
        "steering add @cara",
        "steering chair @chair",
        "steering quorum 2",
        "steering poll",
        f"{typed(meeting)}; {typed(other_slot)}",
        typed(closes),
        "https://meet.example/larch",
        "steering poll",
        "1",
        "4",
    )
    assert f"The poll is open: 2 times, closing {shown(closes)}. I've sent it to 3 of 3" in out
    assert out.count("When can you make it?") == 3

    out = act(tmp_path, "bob", "steering poll", "1", "6")
    assert f"1. {shown(meeting)}: Available\n2. {shown(other_slot)}: Not available" in out

    out = dispatch(tmp_path, closes - timedelta(days=1))
    assert "sent steering:poll:1:nudge:half: nudged 1 member(s) about poll 1: cara" in out
    assert "sent steering:poll:1:nudge:day: nudged 1 member(s) about poll 1: cara" in out
    assert "--- direct message to bob ---" not in out

    out = dispatch(tmp_path, closes)
    assert "sent steering:poll:1:close: closed poll 1; sent the proposal to 1 (chair)" in out
    assert f"Best time: {shown(meeting)} (2 available, 0 if need be, 0 not available)." in out

    out = act(tmp_path, "chair", "steering poll close", "1")
    assert out.count("You're invited: the LARCH steering group meets") == 3
    assert "(file saved: var/downloads/larch-steering-group.ics)" in out
    assert f"Confirmed: the steering group meets {shown(meeting)}–11:30." in out

    out = dispatch(tmp_path, meeting - timedelta(days=7))
    assert "sent the call for agenda items for meeting 1 to 3 member(s)" in out

    out = act(
        tmp_path,
        "bob",
        "agenda add Budget for the annual conference",
        f"action add @cara Draft the annual report due {action_due:%-d %b %Y}",
        "steering next",
        "1",
    )
    assert "Added as item 1 on the agenda" in out
    assert "--- direct message to cara ---\nbob gave you a steering group action: #1" in out
    assert "Thank you: noted that you'll attend" in out

    out = dispatch(tmp_path, meeting - timedelta(days=2))
    assert "warned the chair (1): 1 of 2 needed for meeting 1" in out
    assert "Not answered yet: cara, chair." in out

    out = dispatch(tmp_path, meeting - timedelta(days=1))
    assert "sent the agenda so far for meeting 1 to 3 member(s)" in out
    assert "--- post in #steering ---" in out
    assert "1. Budget for the annual conference (added by bob)" in out

    out = dispatch(tmp_path, meeting - timedelta(hours=1))
    assert "sent the joining link for meeting 1 to 3 member(s)" in out
    assert "Join here: https://meet.example/larch" in out

    out = act(
        tmp_path,
        "chair",
        "steering poll",
        f"{typed(next_meeting)}; {typed(next_other)}",
        typed(london(30, 17)),
        "https://meet.example/larch",
        "steering poll close",
        "1",
    )
    assert f"Confirmed: the steering group meets {shown(next_meeting)}–11:30." in out

    out = dispatch(tmp_path, next_meeting - timedelta(days=1))
    # The dispatcher last ran before both reminders fell due, and now runs after the due
    # date: one reminder, worded as things stand.
    assert out.count("reminded cara of action #1") == 1
    assert f"reminded cara of action #1: it was due on {action_due:%a %-d %b %Y}" in out
    post = out.split("--- post in #steering ---\n", 1)[1]
    assert post.startswith(f"Agenda for the steering group meeting, {shown(next_meeting)}–11:30:")
    assert (
        "Overdue actions:\n• #1 Draft the annual report "
        f"(cara, due {action_due:%a %-d %b %Y})" in post
    )
