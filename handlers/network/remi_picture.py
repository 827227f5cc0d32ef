"""The network's REMI picture for a quarter or a month: organisations taking part, how many
checked in, how many are at each stage, movement since the period before, and the support
most asked for. Every output that publishes REMI figures draws them from here.

Only counts leave this module, and each has passed the small-number rule (see
disclosure.py): no answer, name or free text of any organisation reaches the picture.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.network import needs
from handlers.network.disclosure import shown
from handlers.network.needs import Need
from handlers.network.periods import Period
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
    answers = _answers(session, period, tz)
    before = _answers(session, period.previous(), tz)
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


def _answers(session: Session, period: Period, tz: ZoneInfo) -> dict[int, CheckIn]:
    """Each organisation's latest answer among the check-ins that count in `period`."""
    latest: dict[int, CheckIn] = {}
    for checkin in remi.checkins_in(session, period.overlapping_keys()):
        if not period.counts_in(checkin.period, checkin.answered_at, tz):
            continue
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
