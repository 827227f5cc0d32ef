"""The impact report's charts, one per section, each with alt text that gives the same
figures in words (the page shows the figures in tables too). Drawn as `remi report`'s
chart is, on an Agg canvas of their own; REMI counts are drawn as their bands, a hidden
one as no bar at all (see handlers/network/chart.py)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from handlers.impact.figures import SCORES, ImpactReport
from handlers.impact.published import Section, sections
from handlers.network.chart import SHOWN_COLOUR, draw_bands, new_figure, png
from handlers.network.disclosure import Band

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Chart:
    name: str  # also the file name, without ".png"
    title: str
    alt: str
    draw: Callable[[], "Figure"]


def report_charts(report: ImpactReport) -> dict[str, bytes]:
    """Each chart as PNG, by name."""
    return {name: png(chart.draw()) for name, chart in charts(report).items()}


def charts(report: ImpactReport) -> dict[str, Chart]:
    """Each chart's name, title and alt text, drawn only when asked."""
    published = {section.key: section for section in sections(report)}
    quarters = [span.span.key for span in report.quarters]
    found = [
        _bars(
            "events",
            f"Attendance at events, {report.year.key}",
            quarters,
            [span.events.attendance for span in report.quarters],
            "Members with a seat",
            _alt_by_quarter(
                f"Attendance at events by quarter, {report.year.key}",
                report,
                published["events"],
                ("attendance (members with a seat)", "events held"),
            ),
        ),
        _bars(
            "feedback",
            f"Feedback scores, {report.year.key}",
            [str(score) for score in SCORES],
            list(report.whole_year.events.scores),
            "Answers",
            f"Feedback scores for {report.year.key}, from 1 (poor) to 5 (excellent): "
            + "; ".join(
                f"score {score}: {report.whole_year.events.scores[score - 1]}"
                for score in reversed(SCORES)
            )
            + f". {report.whole_year.events.responses} answers, mean "
            f"{published['feedback'].figures['mean score out of 5'][0].shown} out of 5.",
            xlabel="Score",
        ),
        _bars(
            "intros",
            f"Peer introductions, {report.year.key}",
            quarters,
            [span.intros.made for span in report.quarters],
            "Introductions made",
            _alt_by_quarter(
                f"Peer introductions by quarter, {report.year.key}",
                report,
                published["intros"],
                ("introductions made", "share that met", "share of pairs across sectors"),
            ),
        ),
        _remi(report, quarters, published["remi"]),
        _bars(
            "knowledge",
            f"Questions the knowledge base could not answer, {report.year.key}",
            quarters,
            [span.knowledge.unanswered for span in report.quarters],
            "Questions",
            _alt_by_quarter(
                f"Questions the knowledge base could not answer, by quarter, {report.year.key}",
                report,
                published["knowledge"],
                ("questions it could not answer", "entries added from members' suggestions"),
            ),
        ),
    ]
    return {chart.name: chart for chart in found}


def _bars(
    name: str,
    title: str,
    labels: Sequence[str],
    heights: Sequence[int],
    ylabel: str,
    alt: str,
    xlabel: str = "Quarter",
) -> Chart:
    draw = partial(_draw_bars, title, labels, heights, ylabel, xlabel)
    return Chart(name, title, alt, draw)


def _draw_bars(
    title: str, labels: Sequence[str], heights: Sequence[int], ylabel: str, xlabel: str
) -> "Figure":
    from matplotlib.ticker import MaxNLocator

    figure = new_figure(7, 3.6)
    axes = figure.subplots()
    bars = axes.bar(range(len(labels)), heights, color=SHOWN_COLOUR)
    axes.bar_label(bars, padding=2)
    axes.set_xticks(range(len(labels)), labels)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max(1, *heights) * 1.2)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _remi(report: ImpactReport, quarters: Sequence[str], section: Section) -> Chart:
    title = f"Organisations checking in for REMI, {report.year.key}"
    alt = _alt_by_quarter(
        f"Organisations checking in for REMI by quarter, {report.year.key}, as ranges "
        "(a count from fewer than 5 organisations is hidden)",
        report,
        section,
        ("organisations checked in", "moved up a stage"),
    )
    checked_in = [span.remi.checked_in for span in report.quarters]
    return Chart("remi", title, alt, partial(_draw_remi, title, quarters, checked_in))


def _draw_remi(title: str, quarters: Sequence[str], checked_in: Sequence[Band]) -> "Figure":
    figure = new_figure(7, 3.6)
    axes = figure.subplots()
    draw_bands(axes, quarters, checked_in)
    axes.set_xlabel("Quarter")
    axes.set_title(title)
    return figure


def _alt_by_quarter(
    opening: str, report: ImpactReport, section: Section, names: Sequence[str]
) -> str:
    """`opening`, then each quarter's figures `names` as published."""
    parts = [
        f"{span.span.label}: "
        + ", ".join(f"{name} {section.figures[name][n].shown}" for name in names)
        for n, span in enumerate(report.spans)
        if n
    ]
    return f"{opening}. " + "; ".join(parts) + "."
