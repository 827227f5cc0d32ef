"""The network's REMI picture for a quarter or a month: organisations taking part, how many
checked in, how many are at each stage, movement since the period before, and the support
most asked for, as text and as a chart (`remi report`), or as CSV (`larch-bot remi export`).

Only counts leave this module, and each has passed the small-number rule (see privacy.py):
no answer, name or free text of any organisation reaches the picture.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.registry import CommandSpec, Request
from handlers.remi import needs
from handlers.remi.chart import png, stage_chart
from handlers.remi.needs import Need
from handlers.remi.periods import Period, PeriodError, current_period, parse_period
from handlers.remi.privacy import HIDDEN, HIDDEN_IN_FILES, SMALLEST_SHOWN, say, shown
from handlers.services import Services
from handlers.vocabulary import Attachment, Reply, Role
from knowledge.remi import STAGES, Stage
from storage import remi
from storage.remi import CheckIn

# A count: the number, or None where fewer than SMALLEST_SHOWN organisations are behind it.
Count = int | None


@dataclass(frozen=True)
class NetworkPicture:
    period: Period
    taking_part: Count
    checked_in: Count
    # Percent of organisations taking part that checked in; None when either count is hidden.
    response_rate: Count
    stages: tuple[tuple[Stage, Count], ...]
    # Organisations that checked in in both this period and the one before, and how they moved.
    compared: Count
    moved_up: Count
    stayed: Count
    moved_down: Count
    # Every kind of support, most asked for first; hidden counts after shown ones.
    support: tuple[tuple[Need, Count], ...]


def network_picture(session: Session, period: Period, tz: ZoneInfo) -> NetworkPicture:
    taking_part = [o for o in remi.organisations(session) if o.created_at < period.end(tz)]
    answers = _answers(session, period)
    before = _answers(session, period.previous())
    both = [(before[o], answers[o]) for o in answers if o in before]
    stage_counts = [sum(1 for a in answers.values() if a.stage == s.number) for s in STAGES]
    asked = {
        need.key: sum(1 for a in answers.values() if need.key in a.needs)
        for need in needs.NEEDS
        if need.key != "nothing"
    }
    support = sorted(
        ((need, shown(asked[need.key])) for need in needs.NEEDS if need.key in asked),
        key=lambda item: -(item[1] or 0),
    )
    checked_in, part = shown(len(answers)), shown(len(taking_part))
    return NetworkPicture(
        period=period,
        taking_part=part,
        checked_in=checked_in,
        response_rate=round(100 * len(answers) / len(taking_part))
        if checked_in is not None and part is not None
        else None,
        stages=tuple(zip(STAGES, map(shown, stage_counts), strict=True)),
        compared=shown(len(both)),
        moved_up=shown(sum(1 for old, new in both if new.stage > old.stage)),
        stayed=shown(sum(1 for old, new in both if new.stage == old.stage)),
        moved_down=shown(sum(1 for old, new in both if new.stage < old.stage)),
        support=tuple(support),
    )


def _answers(session: Session, period: Period) -> dict[int, CheckIn]:
    """Each organisation's latest answer from a check-in period overlapping `period`."""
    latest: dict[int, CheckIn] = {}
    for checkin in remi.checkins_in(session, period.overlapping_keys()):
        held = latest.get(checkin.organisation_id)
        if held is None or checkin.updated_at > held.updated_at:
            latest[checkin.organisation_id] = checkin
    return latest


def picture_rows(picture: NetworkPicture) -> list[tuple[str, str, Count]]:
    """The picture as (measure, category, count) rows: the report's text and CSV both."""
    rows: list[tuple[str, str, Count]] = [
        ("organisations taking part", "", picture.taking_part),
        ("organisations checked in", "", picture.checked_in),
        ("response rate (%)", "", picture.response_rate),
    ]
    rows += [("organisations at stage", f"{s.number} {s.name}", n) for s, n in picture.stages]
    previous = picture.period.previous().key
    rows += [
        (f"movement since {previous}", "checked in both periods", picture.compared),
        (f"movement since {previous}", "moved up", picture.moved_up),
        (f"movement since {previous}", "same stage", picture.stayed),
        (f"movement since {previous}", "moved down", picture.moved_down),
    ]
    rows += [("organisations asking for support", need.label, n) for need, n in picture.support]
    return rows


def as_csv(picture: NetworkPicture) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "measure", "category", "value"])
    for measure, category, count in picture_rows(picture):
        value = HIDDEN_IN_FILES if count is None else str(count)
        writer.writerow([picture.period.key, measure, category, value])
    return out.getvalue()


def as_text(picture: NetworkPicture) -> str:
    rate = "" if picture.response_rate is None else f" ({picture.response_rate}%)"
    lines = [
        f"REMI check-ins across the network, {picture.period.label}",
        f"Organisations taking part: {say(picture.taking_part)}",
        f"Checked in: {say(picture.checked_in)} of {say(picture.taking_part)}{rate}",
        "Organisations at each stage:",
        *(f"• {s.number} {s.name}: {say(n)}" for s, n in picture.stages),
        f"Since {picture.period.previous().label}, of {say(picture.compared)} organisations "
        "that checked in both times:",
        f"• moved up: {say(picture.moved_up)}",
        f"• same stage: {say(picture.stayed)}",
        f"• moved down: {say(picture.moved_down)}",
        f"Most requested support: {_most_requested(picture.support)}",
        f"Counts from fewer than {SMALLEST_SHOWN} organisations are shown as “{HIDDEN}”, so "
        "no organisation can be picked out.",
    ]
    return "\n".join(lines)


def _most_requested(support: Sequence[tuple[Need, Count]]) -> str:
    named = [f"{need.label} ({count})" for need, count in support if count is not None]
    if not named:
        return f"each kind was asked for by {HIDDEN} organisations."
    return ", ".join(named) + f"; any other kind by {HIDDEN}."


async def show_report(request: Request, services: Services) -> Reply:
    try:
        period = (
            parse_period(request.args)
            if request.args
            else current_period("quarterly", services.clock.now(), services.timezone)
        )
    except PeriodError as error:
        return Reply(str(error), private=True)
    with services.db.session() as session:
        picture = network_picture(session, period, services.timezone)
    return Reply(
        as_text(picture),
        title=f"REMI: the network, {period.key}",
        attachments=(Attachment(f"remi-{period.key}.png", png(stage_chart(picture)), "image/png"),),
    )


COMMANDS = [
    CommandSpec(
        name="remi report",
        summary="The network's REMI picture, with a chart (admins and steering group)",
        usage="remi report [period]",
        handler=show_report,
        role=Role.STEERING,
        examples=("remi report", "remi report 2026Q3"),
    ),
]
