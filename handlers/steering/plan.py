"""`steering plan`: the series at a glance. The group meets every two months; the plan shows
the next six months a meeting is expected in, and the meetings the chair has actually set.

The cadence keeps step with the meetings held: it runs two months on from the last one
(or from the first one set, before any has been held), never starting in the past.
"""

from datetime import datetime

from contract.specs import CommandSpec, Request
from contract.vocabulary import Reply, Role
from contract.when import format_when, shown_when
from handlers.services import Services
from storage import steering
from storage.steering import Meeting

CADENCE_MONTHS = 2
EXPECTED_SHOWN = 6


async def show_plan(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    with services.db.session() as session:
        held = steering.past_meetings(session, now, limit=1)
        upcoming = steering.upcoming_meetings(session, now)
    tz = services.timezone
    this_month = _month_number(now.astimezone(tz))
    if held:
        first = _month_number(held[0].starts_at.astimezone(tz)) + CADENCE_MONTHS
    elif upcoming:
        first = _month_number(upcoming[0].starts_at.astimezone(tz))
    else:
        first = this_month
    while first < this_month:
        first += CADENCE_MONTHS
    expected = [first + CADENCE_MONTHS * n for n in range(EXPECTED_SHOWN)]

    by_month: dict[int, list[Meeting]] = {}
    for meeting in upcoming:
        by_month.setdefault(_month_number(meeting.starts_at.astimezone(tz)), []).append(meeting)
    lines = ["The steering group meets every two months. The next six expected:"]
    for month in expected:
        set_then = by_month.pop(month, [])
        status = (
            "set for " + " and ".join(format_when(m.starts_at, tz) for m in set_then)
            if set_then
            else "not set yet"
        )
        lines.append(f"• {_month_name(month)}: {status}")
    others = [meeting for meetings in by_month.values() for meeting in meetings]
    if others:
        lines.append("Also set: " + ", ".join(format_when(m.starts_at, tz) for m in others) + ".")
    lines.append("The chair sets a meeting by finding a time with `steering poll`.")
    return Reply(
        "\n".join(lines),
        title="Steering group plan",
        private=True,
        times=tuple(shown_when(m.starts_at, tz) for m in upcoming),
    )


def _month_number(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


def _month_name(number: int) -> str:
    year, month = divmod(number, 12)
    return datetime(year, month + 1, 1).strftime("%B %Y")


COMMANDS = [
    CommandSpec(
        name="steering plan",
        summary="The meeting series: expected months and the meetings set",
        handler=show_plan,
        role=Role.STEERING,
    ),
]
