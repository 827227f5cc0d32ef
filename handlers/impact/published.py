"""Every figure of the impact report as it is published: the web page's tables, the CSV
and the charts' alt text all read these values, so the same figure never reads two ways.

A REMI count is published as its band, "5–9" or "fewer than 5" on the page and "5-9" or
"<5" in files, exactly as `remi report` and `remi export` publish it.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from handlers.impact.figures import SCORES, ImpactReport, SpanFigures
from handlers.network.disclosure import HIDDEN, SMALLEST_SHOWN, Band, band
from handlers.network.introductions import NO_SHARE, percent

CSV_HEADER = ("section", "figure", "period", "value")


@dataclass(frozen=True)
class Value:
    shown: str  # on the page
    in_file: str  # in the CSV


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    # Figure name → one value per span: the year first, then its quarters.
    figures: dict[str, tuple[Value, ...]]


@dataclass(frozen=True)
class Row:
    section: str
    figure: str
    period: str
    value: Value


Measure = Callable[[SpanFigures], Value]


def _count(n: int) -> Value:
    return Value(str(n), str(n))


def _mean(x: float | None) -> Value:
    text = NO_SHARE if x is None else f"{x:.1f}"
    return Value(text, text)


def _share(x: float | None) -> Value:
    return Value(percent(x), percent(x))


def _band(n: Band) -> Value:
    return Value(str(n), n.in_files)


COMPARED = "checked in twice, stages compared"
MEASURES: tuple[tuple[str, str, tuple[tuple[str, Measure], ...]], ...] = (
    (
        "events",
        "Events and attendance",
        (
            ("events held", lambda f: _count(f.events.held)),
            ("attendance (members with a seat)", lambda f: _count(f.events.attendance)),
            ("mean attendance per event", lambda f: _mean(f.events.mean_attendance)),
        ),
    ),
    (
        "feedback",
        "Feedback scores",
        (
            ("feedback answers", lambda f: _count(f.events.responses)),
            ("mean score out of 5", lambda f: _mean(f.events.mean_score)),
            *(
                (f"answers scoring {score}", lambda f, s=score: _count(f.events.scores[s - 1]))
                for score in reversed(SCORES)
            ),
        ),
    ),
    (
        "intros",
        "Peer introductions",
        (
            ("rounds", lambda f: _count(f.intros.rounds)),
            ("introductions made", lambda f: _count(f.intros.made)),
            ("share that met", lambda f: _share(f.intros.met_share)),
            ("pairs introduced", lambda f: _count(f.intros.pairs)),
            ("share of pairs across sectors", lambda f: _share(f.intros.cross_sector_share)),
        ),
    ),
    (
        "remi",
        "REMI participation and stage movement",
        (
            ("organisations taking part", lambda f: _band(f.remi.taking_part)),
            ("organisations checked in", lambda f: _band(f.remi.checked_in)),
            (COMPARED, lambda f: _band(f.remi.compared)),
            ("moved up a stage", lambda f: _band(f.remi.moved_up)),
            ("same stage", lambda f: _band(f.remi.stayed)),
            ("moved down a stage", lambda f: _band(f.remi.moved_down)),
        ),
    ),
    (
        "knowledge",
        "The knowledge base",
        (
            ("entries added from members' suggestions", lambda f: _count(f.knowledge.added)),
            ("entries changed in chat", lambda f: _count(f.knowledge.changed)),
            ("entries retired", lambda f: _count(f.knowledge.retired)),
            ("questions it could not answer", lambda f: _count(f.knowledge.unanswered)),
            ("different questions among them", lambda f: _count(f.knowledge.distinct_unanswered)),
        ),
    ),
)
# What a reader needs to know to read a section's figures right.
NOTES = {
    "events": "Attendance counts the members who had a seat when the event took place: the "
    "bot records seats, not who came through the door.",
    "feedback": "After each event, everyone who had a seat is asked how it was, from 1 (poor) "
    "to 5 (excellent).",
    "intros": "An introduction met when its members answered “Did you meet?” with yes. "
    "Sectors are compared pair by pair within each introduction (a trio is three pairs).",
    "remi": f"Counts are shown as ranges such as “{band(SMALLEST_SHOWN)}”, and a count from "
    f"fewer than {SMALLEST_SHOWN} organisations as “{HIDDEN}”, exactly as in the chat's REMI "
    "report, so no organisation can be picked out, not even by setting figures side by side. "
    "A quarter compares each organisation's stage with its check-in the quarter before; the "
    "year compares its first check-in of the year with its latest.",
    "knowledge": "The bot keeps each entry's latest change, so an entry changed twice counts "
    "once, in the period of its latest change.",
}
GAPS_SECTION = "gaps"
GAPS_TITLE = "The questions it could not answer, most asked first"


def sections(report: ImpactReport) -> list[Section]:
    """The report's sections with each figure for the year and every quarter."""
    return [
        Section(
            key,
            title,
            {name: tuple(measure(span) for span in report.spans) for name, measure in measures},
        )
        for key, title, measures in MEASURES
    ]


def rows(report: ImpactReport) -> list[Row]:
    """One row per figure and period, the year's most asked unanswered questions last."""
    periods = [span.span.key for span in report.spans]
    found = [
        Row(section.key, name, period, value)
        for section in sections(report)
        for name, values in section.figures.items()
        for period, value in zip(periods, values, strict=True)
    ]
    found += [
        Row(GAPS_SECTION, f"asked: {gap.query}", report.year.key, _count(gap.count))
        for gap in report.top_gaps
    ]
    return found


def report_csv(report: ImpactReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows(report):
        writer.writerow([row.section, row.figure, row.period, row.value.in_file])
    return out.getvalue().encode("utf-8")
