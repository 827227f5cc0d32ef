"""The annual impact report and the quarterly REMI infographic, against a seeded year
(tests/impact_world.py) whose figures are worked out here by hand: the figures, the CSV
of every figure, the page (accessible and printable), the files `larch-bot report` writes,
and the disclosure rule on every REMI figure, a quarter of fewer than 5 organisations
included."""

import csv
import io
import itertools
import os
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from PIL import Image

from bot.cli import cli
from bot.impact_report import render_impact_html
from contract.vocabulary import Platform
from handlers.impact.charts import charts, report_charts
from handlers.impact.figures import ImpactReport, impact_report
from handlers.impact.infographic import alt_text, remi_infographic
from handlers.impact.published import report_csv, rows
from handlers.impact.year import ReportPeriodError, latest_quarter, parse_quarter, parse_year
from handlers.network.periods import parse_period
from handlers.network.remi_picture import network_picture
from storage import members, remi
from tests.conftest import Bot
from tests.impact_world import BEFORE_THE_YEAR, seed_year
from tests.published_figures import Figure, read_figures, small_counts

LONDON = ZoneInfo("Europe/London")
YEAR = parse_year("2026-27")
PERIODS = ("2026-27", "2026Q2", "2026Q3", "2026Q4", "2027Q1")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


async def _report(bot: Bot) -> ImpactReport:
    await seed_year(bot)
    return impact_report(bot.app.services, YEAR)


def _published(report: ImpactReport) -> dict[tuple[str, str], tuple[str, ...]]:
    """Each figure's values as shown, for the year and its quarters in order."""
    found: dict[tuple[str, str], list[str]] = {}
    for row in rows(report):
        found.setdefault((row.section, row.figure), []).append(row.value.shown)
    return {key: tuple(values) for key, values in found.items()}


# --- the figures ----------------------------------------------------------------------


async def test_the_years_figures_are_those_worked_out_by_hand(any_bot: Bot) -> None:
    bot = any_bot
    published = _published(await _report(bot))
    # Per period: the year, 2026Q2, 2026Q3, 2026Q4, 2027Q1.
    assert published[("events", "events held")] == ("4", "1", "1", "1", "1")
    # 4 + 6 + 2 + 4 seats; a maybe, a can't-go, a cancelled event and next year's do not count.
    assert published[("events", "attendance (members with a seat)")] == ("16", "4", "6", "2", "4")
    assert published[("events", "mean attendance per event")] == ("4.0", "4.0", "6.0", "2.0", "4.0")
    # Scores 5, 4 | 5, 5, 3 | none | 2: 24 / 6 = 4.0 for the year; 13 / 3 = 4.3.
    assert published[("feedback", "feedback answers")] == ("6", "2", "3", "0", "1")
    assert published[("feedback", "mean score out of 5")] == ("4.0", "4.5", "4.3", "–", "2.0")
    assert published[("feedback", "answers scoring 5")] == ("3", "1", "2", "0", "0")
    assert published[("feedback", "answers scoring 2")] == ("1", "0", "0", "0", "1")
    assert published[("feedback", "answers scoring 1")] == ("0",) * 5
    assert published[("intros", "introductions made")] == ("5", "2", "2", "1", "0")
    # Met: 1 of 2, 2 of 2, 0 of 1: 3 of 5 for the year.
    assert published[("intros", "share that met")] == ("60%", "50%", "100%", "0%", "–")
    # Pairs across sectors (case aside): 1 of 2, 3 of 4 (the trio), 1 of 1: 5 of 7.
    assert published[("intros", "pairs introduced")] == ("7", "2", "4", "1", "0")
    assert published[("intros", "share of pairs across sectors")] == (
        "71%",
        "50%",
        "75%",
        "100%",
        "–",
    )
    assert published[("remi", "organisations taking part")] == ("5–9",) * 5
    # 7 in the year; 6, 6, 3 and 7 by quarter: 2026Q4's 3 is hidden.
    assert published[("remi", "organisations checked in")] == (
        "5–9",
        "5–9",
        "5–9",
        "fewer than 5",
        "5–9",
    )
    # The year: 6 checked in twice, all 6 moved up. 2026Q3 against 2026Q2: 6 compared,
    # 5 up, 1 the same. 2027Q1 against 2026Q4: 3 compared, 3 up.
    assert published[("remi", "checked in twice, stages compared")] == (
        "5–9",
        "fewer than 5",
        "5–9",
        "fewer than 5",
        "fewer than 5",
    )
    assert published[("remi", "moved up a stage")] == (
        "5–9",
        "fewer than 5",
        "5–9",
        "fewer than 5",
        "fewer than 5",
    )
    assert published[("remi", "same stage")] == ("fewer than 5",) * 5
    assert published[("knowledge", "entries added from members' suggestions")] == (
        "3",
        "0",
        "2",
        "0",
        "1",
    )
    # "wres" changed in 2026Q2 and again in 2026Q4 counts once, at its latest change.
    assert published[("knowledge", "entries changed in chat")] == ("2", "1", "0", "1", "0")
    assert published[("knowledge", "entries retired")] == ("1", "0", "0", "1", "0")
    # "hello bot" is no question; the hall and the pharmacy were each asked twice.
    assert published[("knowledge", "questions it could not answer")] == ("5", "1", "2", "1", "1")
    assert published[("knowledge", "different questions among them")] == (
        "3",
        "1",
        "2",
        "1",
        "1",
    )
    gaps = [(row.figure, row.value.shown) for row in rows(await _fresh(bot))][-3:]
    assert gaps == [
        ("asked: how to book lambeth community halls?", "2"),
        ("asked: Where is the nearest pharmacy to Brixton?", "2"),
        ("asked: what time does the Croydon food bank open", "1"),
    ]


async def _fresh(bot: Bot) -> ImpactReport:
    return impact_report(bot.app.services, YEAR)


async def test_the_csv_has_one_row_per_figure_and_period_as_published(bot: Bot) -> None:
    report = await _report(bot)
    table = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8"))))
    assert table[0] == ["section", "figure", "period", "value"]
    body = table[1:]
    figures = {(section, figure) for section, figure, _, _ in body if section != "gaps"}
    assert len(body) == len(figures) * len(PERIODS) + 3
    assert ["events", "attendance (members with a seat)", "2026-27", "16"] in body
    assert ["intros", "share that met", "2027Q1", "–"] in body
    # REMI counts as `remi export` writes them.
    assert ["remi", "organisations checked in", "2026Q3", "5-9"] in body
    assert ["remi", "organisations checked in", "2026Q4", "<5"] in body
    assert ["gaps", "asked: what time does the Croydon food bank open", "2026-27", "1"] in body


# --- the page -------------------------------------------------------------------------


class _Page(HTMLParser):
    """What a reader and a screen reader meet: headings in order, images, tables, and the
    text of each section."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.images: list[dict[str, str]] = []
        self.captions = 0
        self.tables = 0
        self.header_cells: list[str | None] = []
        self.section_text: dict[str, list[str]] = {}
        self._sections: list[str] = []
        self._heading: int | None = None
        self._in_style = False
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "section":
            self._sections.append(attributes["id"])
        if tag in {"h1", "h2", "h3", "h4"}:
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        if tag == "img":
            self.images.append(attributes)
            self._text(attributes.get("alt", ""))
        self.tables += tag == "table"
        self.captions += tag == "caption"
        if tag == "th":
            self.header_cells.append(attributes.get("scope"))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._sections.pop()
        if tag.startswith("h") and tag[1:].isdigit():
            self._heading = None
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
            return
        if self._heading is not None:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)
        self._text(data)

    def _text(self, data: str) -> None:
        for section in self._sections:
            self.section_text.setdefault(section, []).append(data)


def _page(report: ImpactReport) -> tuple[str, _Page]:
    html = render_impact_html(report, lambda name: f"/impact/2026-27/{name}.png")
    page = _Page()
    page.feed(html)
    return html, page


async def test_the_page_reads_in_order_with_tables_and_described_charts(bot: Bot) -> None:
    html, page = _page(await _report(bot))

    assert page.headings[0] == (1, "LARCH Hub impact report, April 2026 to March 2027")
    levels = [level for level, _ in page.headings]
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))
    assert [text for level, text in page.headings if level == 2] == [
        "Contents",
        "Events and attendance",
        "Feedback scores",
        "Peer introductions",
        "REMI participation and stage movement",
        "The knowledge base",
        "The questions it could not answer, most asked first",
    ]
    assert page.tables == page.captions == 6
    assert set(page.header_cells) == {"col", "row"}
    sources = [image["src"] for image in page.images]
    assert sources == [f"/impact/2026-27/{n}.png" for n in charts(await _fresh(bot))]
    alts = {image["src"]: image["alt"] for image in page.images}
    assert alts["/impact/2026-27/events.png"].startswith(
        "Attendance at events by quarter, 2026-27. April to June 2026 (2026Q2): attendance "
        "(members with a seat) 4, events held 1;"
    )
    assert (
        "October to December 2026 (2026Q4): organisations checked in fewer than 5"
        in (alts["/impact/2026-27/remi.png"])
    )
    assert (
        "score 5: 3; score 4: 1; score 3: 1; score 2: 1; score 1: 0"
        in (alts["/impact/2026-27/feedback.png"])
    )
    # The quarter-by-quarter tables: one column per quarter, after the year's.
    assert (
        '<th scope="col">April 2026 to March 2027</th><th scope="col">April to June 2026 '
        "(2026Q2)</th>"
    ) in html
    assert (
        '<th scope="row">share of pairs across sectors</th><td>71%</td><td>50%</td>'
        "<td>75%</td><td>100%</td><td>–</td>"
    ) in html
    assert '<th scope="row">how to book lambeth community halls?</th><td>2</td>' in html
    assert "@media print" in page.style
    assert "fewer than 5 organisations" in " ".join(page.section_text["remi"])


async def test_a_members_question_on_the_page_is_text_not_markup(bot: Bot) -> None:
    bot.clock.set(datetime(2026, 6, 2, 12, tzinfo=UTC))
    await bot.say("where can I find <script>alert(1)</script> help", as_="mallory")
    html, _ = _page(await _fresh(bot))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


async def test_every_chart_is_a_png(bot: Bot) -> None:
    images = report_charts(await _report(bot))
    assert sorted(images) == ["events", "feedback", "intros", "knowledge", "remi"]
    for image in images.values():
        assert image.startswith(PNG_SIGNATURE)
        assert Image.open(io.BytesIO(image)).size == (700, 360)


# --- the disclosure rule --------------------------------------------------------------


def _labels(report: ImpactReport) -> list[str]:
    """Names that carry numbers of their own."""
    spans = [span.span for span in report.spans]
    previous = [parse_period(span.key).previous() for span in spans[1:]]
    return [
        *(span.label for span in spans),
        *(span.key for span in spans),
        *(period.key for period in previous),
        *(period.label for period in previous),
    ]


def _svg_words(image: bytes) -> str:
    root = ElementTree.fromstring(image)
    return " ".join("".join(text.itertext()) for text in root.iter(f"{SVG}text"))


def _remi_figures(bot: Bot, report: ImpactReport) -> list[Figure]:
    """Every REMI figure a reader can see: the CSV's, the page's (text and alt text), and
    every quarter's infographic."""
    labels = _labels(report)
    exported = csv.DictReader(io.StringIO(report_csv(report).decode("utf-8")))
    figures = [
        figure
        for row in exported
        if row["section"] == "remi"
        for figure in read_figures(f"CSV {row['figure']} {row['period']}", row["value"])
    ]
    _, page = _page(report)
    figures += read_figures("page", " ".join(page.section_text["remi"]), labels)
    for span in report.quarters:
        quarter = parse_period(span.span.key)
        words = _svg_words(remi_infographic(bot.app.services, quarter, "svg"))
        figures += read_figures(f"{quarter.key} infographic", words, labels)
    return figures


async def test_no_remi_figure_anywhere_lets_a_small_count_be_worked_out(bot: Bot) -> None:
    report = await _report(bot)
    figures = _remi_figures(bot, report)
    assert len(figures) > 100
    assert small_counts(figures) == []
    # The search does find an exact count had one been published beside the rest.
    exact = Figure(3, 3, "2026Q4 organisations checked in, exactly")
    assert small_counts([*figures, exact]) != []


async def test_a_quarter_of_fewer_than_five_organisations_publishes_nothing_countable(
    bot: Bot,
) -> None:
    with bot.app.services.db.session() as session:
        lead = members.identify(session, Platform.CONSOLE, "lead", "Lead", BEFORE_THE_YEAR)
        for n in range(3):
            org = remi.add_organisation(session, f"Small {n}", "NHS", "Camden", BEFORE_THE_YEAR)
            assert org is not None and org.id is not None
            at = datetime(2026, 8, 14 + n, 10, tzinfo=UTC)
            remi.record_stage(session, org.id, "2026Q3", 2, lead.id, at)
    report = await _fresh(bot)
    published = _published(report)
    assert {values[2] for (section, _), values in published.items() if section == "remi"} == {
        "fewer than 5"
    }
    words = _svg_words(remi_infographic(bot.app.services, parse_quarter("2026Q3"), "svg"))
    assert "fewer than 5" in words
    assert "3" not in words.replace("2026Q3", "").replace("2026Q2", "")
    assert small_counts(_remi_figures(bot, report)) == []


# --- the infographic ------------------------------------------------------------------


async def test_the_infographic_is_a_png_and_an_svg_with_the_quarters_bands(bot: Bot) -> None:
    await seed_year(bot)
    quarter = parse_quarter("2026Q3")
    image = remi_infographic(bot.app.services, quarter, "png")
    assert image.startswith(PNG_SIGNATURE)
    opened = Image.open(io.BytesIO(image))
    opened.verify()
    assert opened.size == (900, 750)
    words = _svg_words(remi_infographic(bot.app.services, quarter, "svg"))
    assert "July to September 2026 (2026Q3)" in words
    # 7 taking part, 6 checked in, 5 moved up since 2026Q2; 5 at stage 2, 1 at stage 1.
    assert words.count("5–9") == 4
    assert "moved up a stage since 2026Q2" in words
    assert "hidden" in words
    with bot.app.services.db.session() as session:
        picture = network_picture(session, quarter, LONDON)
    assert alt_text(picture) == (
        "REMI implementation across the network, July to September 2026 (2026Q3). "
        "Organisations taking part: 5–9; checked in this quarter: 5–9; moved up a stage since "
        "2026Q2: 5–9. Organisations at each stage: stage 1 Awareness: fewer than 5; stage 2 "
        "Commitment: 5–9; stage 3 Implementation: fewer than 5; stage 4 Embedding: fewer than "
        "5; stage 5 Creating: fewer than 5; stage 6 Championing: fewer than 5. Counts are "
        "ranges; “fewer than 5” hides a small count."
    )
    with pytest.raises(ValueError, match="png or svg"):
        remi_infographic(bot.app.services, quarter, "gif")


def test_the_latest_quarter_is_the_last_one_over_in_london() -> None:
    assert latest_quarter(datetime(2026, 12, 4, 23, 0, tzinfo=UTC), LONDON).key == "2026Q3"
    # 00:30 on 1 January in London is already the new quarter.
    assert latest_quarter(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), LONDON).key == "2026Q3"
    assert latest_quarter(datetime(2027, 1, 1, 0, 30, tzinfo=UTC), LONDON).key == "2026Q4"
    assert latest_quarter(datetime(2027, 4, 1, 0, 30, tzinfo=UTC), LONDON).key == "2027Q1"


@pytest.mark.parametrize("text", ["2026", "2026-28", "2026/27", "26-27", ""])
def test_a_year_that_cannot_be_read_is_refused_kindly(text: str) -> None:
    with pytest.raises(ReportPeriodError, match="like 2026-27"):
        parse_year(text)


def test_report_years_run_april_to_march() -> None:
    assert [q.key for q in YEAR.quarters] == ["2026Q2", "2026Q3", "2026Q4", "2027Q1"]
    assert YEAR.start(LONDON) == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    assert YEAR.end(LONDON) == datetime(2027, 3, 31, 23, 0, tzinfo=UTC)
    assert parse_year("2099-00").key == "2099-00"


# --- the command line -----------------------------------------------------------------


async def test_the_cli_writes_the_report_and_the_infographic(
    bot: Bot, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_year(bot)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    out = tmp_path / "papers"

    written = CliRunner().invoke(cli, ["report", "impact", "--year", "2026-27", "--out", str(out)])

    assert written.exit_code == 0, written.output
    assert f"Wrote the impact report for 2026-27 to {out}: 7 files." in written.output
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        "events.png",
        "feedback.png",
        "impact-2026-27.csv",
        "index.html",
        "intros.png",
        "knowledge.png",
        "remi.png",
    ]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<img src="remi.png" alt="Organisations checking in for REMI by quarter' in page
    assert '<th scope="row">introductions made</th><td>5</td><td>2</td>' in page
    exported = (out / "impact-2026-27.csv").read_text(encoding="utf-8")
    assert "remi,organisations checked in,2026Q4,<5\n" in exported
    for chart in ("events", "remi"):
        Image.open(out / f"{chart}.png").verify()

    drawn = CliRunner().invoke(
        cli, ["report", "infographic", "--quarter", "2026Q3", "--out", str(out)]
    )
    assert drawn.exit_code == 0, drawn.output
    assert "Wrote remi-2026Q3.png, remi-2026Q3.svg" in drawn.output
    Image.open(out / "remi-2026Q3.png").verify()
    assert "5–9" in _svg_words((out / "remi-2026Q3.svg").read_bytes())


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["impact", "--year", "next year"], "like 2026-27"),
        (["infographic", "--quarter", "2026-11"], "like 2026Q3"),
    ],
)
def test_the_cli_refuses_a_period_it_cannot_read(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    said: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    result = CliRunner().invoke(cli, ["report", *arguments, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert said in result.output
    assert not (tmp_path / "out").exists()


async def test_the_readme_pictures_are_the_seeded_years_report(bot: Bot, tmp_path: Path) -> None:
    """Writes the README's pictures: `LARCH_SCREENSHOTS=docs/screenshots pytest -k readme`."""
    await seed_year(bot)
    out = Path(os.environ.get("LARCH_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    images = report_charts(await _fresh(bot))
    infographic = remi_infographic(bot.app.services, parse_quarter("2026Q3"), "png")
    for name, image in (
        ("impact-report-remi.png", images["remi"]),
        ("remi-2026Q3.png", infographic),
    ):
        (out / name).write_bytes(image)
        Image.open(out / name).verify()
