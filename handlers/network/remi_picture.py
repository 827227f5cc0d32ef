"""The network's REMI picture for a quarter or a month: organisations taking part, how many
checked in, how many are at each stage, movement since the period before, and the support
most asked for. Every output that publishes REMI figures draws them from here.

Only counts leave this module, each as the band the one disclosure rule publishes it as
(see disclosure.py): no answer, name or free text of any organisation reaches the picture,
and no exact count does either.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.network import needs
from handlers.network.disclosure import Band, band
from handlers.network.needs import Need
from handlers.network.periods import Period
from knowledge.remi import STAGES, Stage
from storage import remi
from storage.remi import CheckIn


@dataclass(frozen=True)
class NetworkPicture:
    period: Period
    taking_part: Band
    checked_in: Band
    stages: tuple[tuple[Stage, Band], ...]
    # Organisations that checked in in both this period and the one before, and how they moved.
    compared: Band
    moved_up: Band
    stayed: Band
    moved_down: Band
    # Every kind of support, most asked for first by range; kinds in one range keep the form's
    # order, so the order tells no more than the ranges do.
    support: tuple[tuple[Need, Band], ...]


def network_picture(session: Session, period: Period, tz: ZoneInfo) -> NetworkPicture:
    taking_part = [o for o in remi.organisations(session) if o.created_at < period.end(tz)]
    answers = _answers(session, period, tz)
    before = _answers(session, period.previous(), tz)
    both = [(before[o], answers[o]) for o in answers if o in before]
    stage_counts = [sum(1 for a in answers.values() if a.stage == s.number) for s in STAGES]
    asked = {
        need.key: band(sum(1 for a in answers.values() if need.key in a.needs))
        for need in needs.NEEDS
        if need.key != "nothing"
    }
    support = sorted(
        ((need, asked[need.key]) for need in needs.NEEDS if need.key in asked),
        key=lambda item: -item[1].low,
    )
    return NetworkPicture(
        period=period,
        taking_part=band(len(taking_part)),
        checked_in=band(len(answers)),
        stages=tuple(zip(STAGES, map(band, stage_counts), strict=True)),
        compared=band(len(both)),
        moved_up=band(sum(1 for old, new in both if new.stage > old.stage)),
        stayed=band(sum(1 for old, new in both if new.stage == old.stage)),
        moved_down=band(sum(1 for old, new in both if new.stage < old.stage)),
        support=tuple(support),
    )


@dataclass(frozen=True)
class YearPicture:
    """A year of quarters: organisations taking part at its end, those that checked in at
    least once, and, of those that checked in in two quarters or more, how their latest
    stage compares with their first."""

    taking_part: Band
    checked_in: Band
    compared: Band
    moved_up: Band
    stayed: Band
    moved_down: Band


def year_picture(session: Session, quarters: Sequence[Period], tz: ZoneInfo) -> YearPicture:
    end = max(quarter.end(tz) for quarter in quarters)
    taking_part = [o for o in remi.organisations(session) if o.created_at < end]
    answered: dict[int, list[CheckIn]] = {}
    for quarter in sorted(quarters):
        for organisation, answer in _answers(session, quarter, tz).items():
            answered.setdefault(organisation, []).append(answer)
    both = [(answers[0], answers[-1]) for answers in answered.values() if len(answers) > 1]
    return YearPicture(
        taking_part=band(len(taking_part)),
        checked_in=band(len(answered)),
        compared=band(len(both)),
        moved_up=band(sum(1 for first, last in both if last.stage > first.stage)),
        stayed=band(sum(1 for first, last in both if last.stage == first.stage)),
        moved_down=band(sum(1 for first, last in both if last.stage < first.stage)),
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


def picture_rows(picture: NetworkPicture) -> list[tuple[str, str, Band]]:
    """The picture as (measure, category, count) rows: the report's text and CSV both."""
    rows: list[tuple[str, str, Band]] = [
        ("organisations taking part", "", picture.taking_part),
        ("organisations checked in", "", picture.checked_in),
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
