"""The impact report's figures for a year and for each of its quarters, worked out from
what the bot keeps:

- events: those held (not cancelled, over by the time of the report), and their
  attendance, counted as the members who had a seat when the event took place (the bot
  records seats, not who came through the door); feedback scores from 1 to 5;
- peer introductions: the rounds' groups, the share whose members said they met, and the
  share of pairs across sectors (see handlers/network/introductions.py);
- REMI: organisations taking part and checking in, and how their stages moved, each
  banded (see handlers/network/remi_picture.py); a quarter compares with the quarter
  before, the year an organisation's first answer in it with its latest;
- the knowledge base: entries added from members' suggestions, and entries changed or
  retired in chat (the database keeps each entry's latest change, so an entry counts in
  the period of its latest change); and the questions it could not answer (nothing
  answered them, or the answer was "not what I needed"), grouped as `kb gaps` groups them.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.impact.year import ReportYear
from handlers.network.disclosure import Band
from handlers.network.introductions import crosses, met, pairs, share
from handlers.network.periods import Period
from handlers.network.remi_picture import network_picture, year_picture
from handlers.services import Services
from storage import events, intros, kb
from storage.kb import Gap

SCORES = (1, 2, 3, 4, 5)
TOP_GAPS = 10


@dataclass(frozen=True)
class Span:
    """A year or a quarter of it, as the report names it."""

    key: str
    label: str
    start: datetime
    end: datetime
    months: tuple[str, ...]  # London calendar months, "2026-04"


@dataclass(frozen=True)
class EventFigures:
    held: int
    attendance: int
    # How many answers gave each score, 1 to 5.
    scores: tuple[int, ...]

    @property
    def mean_attendance(self) -> float | None:
        return self.attendance / self.held if self.held else None

    @property
    def responses(self) -> int:
        return sum(self.scores)

    @property
    def mean_score(self) -> float | None:
        if not self.responses:
            return None
        return sum(s * n for s, n in zip(SCORES, self.scores, strict=True)) / self.responses


@dataclass(frozen=True)
class IntroFigures:
    rounds: int
    made: int
    met_share: float | None
    pairs: int
    cross_sector_share: float | None


@dataclass(frozen=True)
class RemiFigures:
    """Every count banded; `compared` are those whose stages could be set side by side: in
    a quarter, with the quarter before; in the year, first and latest check-in of it."""

    taking_part: Band
    checked_in: Band
    compared: Band
    moved_up: Band
    stayed: Band
    moved_down: Band


@dataclass(frozen=True)
class KnowledgeFigures:
    added: int
    changed: int
    retired: int
    # Every time a question went unanswered, and the distinct questions among them.
    unanswered: int
    distinct_unanswered: int


@dataclass(frozen=True)
class SpanFigures:
    span: Span
    events: EventFigures
    intros: IntroFigures
    remi: RemiFigures
    knowledge: KnowledgeFigures


@dataclass(frozen=True)
class ImpactReport:
    year: ReportYear
    made_at: datetime
    whole_year: SpanFigures
    quarters: tuple[SpanFigures, ...]
    # The year's most asked questions nothing answered, most asked first.
    top_gaps: tuple[Gap, ...]

    @property
    def spans(self) -> tuple[SpanFigures, ...]:
        """The year first, then its quarters in order."""
        return (self.whole_year, *self.quarters)


def impact_report(services: Services, year: ReportYear) -> ImpactReport:
    tz, now = services.timezone, services.clock.now()
    quarters = [_quarter_span(quarter, tz) for quarter in year.quarters]
    months = tuple(month for quarter in quarters for month in quarter.months)
    whole = Span(year.key, year.label, year.start(tz), year.end(tz), months)
    with services.db.session() as session:
        year_remi = year_picture(session, year.quarters, tz)
        whole_year = SpanFigures(
            whole,
            _events(session, whole, now),
            _intros(session, whole),
            RemiFigures(
                year_remi.taking_part,
                year_remi.checked_in,
                year_remi.compared,
                year_remi.moved_up,
                year_remi.stayed,
                year_remi.moved_down,
            ),
            _knowledge(session, whole),
        )
        by_quarter = tuple(
            SpanFigures(
                span,
                _events(session, span, now),
                _intros(session, span),
                _quarter_remi(session, quarter, tz),
                _knowledge(session, span),
            )
            for span, quarter in zip(quarters, year.quarters, strict=True)
        )
        top_gaps = tuple(kb.gaps(session, *whole.months)[:TOP_GAPS])
    return ImpactReport(year, now, whole_year, by_quarter, top_gaps)


def _quarter_span(quarter: Period, tz: ZoneInfo) -> Span:
    months = tuple(f"{quarter.year}-{quarter.first_month + n:02d}" for n in range(3))
    return Span(quarter.key, quarter.label, quarter.start(tz), quarter.end(tz), months)


def _events(session: Session, span: Span, now: datetime) -> EventFigures:
    held = events.held_between(session, span.start, span.end, now)
    attendance = sum(events.counts(session, event.id).going for event in held)  # type: ignore[arg-type]
    given = Counter(
        answer.score
        for event in held
        for answer in events.feedback_for(session, event.id)  # type: ignore[arg-type]
    )
    return EventFigures(len(held), attendance, tuple(given[score] for score in SCORES))


def _intros(session: Session, span: Span) -> IntroFigures:
    rounds = intros.rounds_between(session, span.start, span.end)
    groups = [group for _, groups in rounds for group in groups]
    paired = pairs(groups)
    return IntroFigures(
        rounds=len(rounds),
        made=len(groups),
        met_share=share(groups, met),
        pairs=len(paired),
        cross_sector_share=share(paired, lambda pair: crosses(pair, "sector")),
    )


def _quarter_remi(session: Session, quarter: Period, tz: ZoneInfo) -> RemiFigures:
    picture = network_picture(session, quarter, tz)
    return RemiFigures(
        picture.taking_part,
        picture.checked_in,
        picture.compared,
        picture.moved_up,
        picture.stayed,
        picture.moved_down,
    )


def _knowledge(session: Session, span: Span) -> KnowledgeFigures:
    changes = kb.changes_between(session, span.start, span.end)
    gaps = kb.gaps(session, *span.months)
    return KnowledgeFigures(
        added=len(kb.approved_between(session, span.start, span.end)),
        changed=sum(1 for change in changes if not change.retired),
        retired=sum(1 for change in changes if change.retired),
        unanswered=sum(gap.count for gap in gaps),
        distinct_unanswered=len(gaps),
    )
