"""The impact report as a web page (a Jinja2 template under bot/web/templates), and the
report and the REMI infographic written to a directory for the steering group's papers
(`larch-bot report impact`, `larch-bot report infographic`). The figures, charts and CSV
come from handlers/impact; this module only lays them out."""

from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from handlers.impact.charts import charts, report_charts
from handlers.impact.figures import ImpactReport, impact_report
from handlers.impact.infographic import FORMATS, remi_infographic
from handlers.impact.published import GAPS_TITLE, NOTES, report_csv, sections
from handlers.impact.year import ReportYear
from handlers.network.periods import Period
from handlers.services import Services

TEMPLATES = Path(__file__).parent / "web" / "templates"
INDEX = "index.html"

_templates = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), keep_trailing_newline=True
)


def render_impact_html(report: ImpactReport, chart_src: Callable[[str], str]) -> str:
    """The report's page; `chart_src` gives the address of a chart from its name."""
    return _templates.get_template("impact.html").render(
        report=report,
        sections=sections(report),
        spans=[span.span for span in report.spans],
        charts=charts(report),
        notes=NOTES,
        gaps_title=GAPS_TITLE,
        made=f"{report.made_at:%-d %B %Y}",
        chart_src=chart_src,
    )


def csv_name(year: ReportYear) -> str:
    return f"impact-{year.key}.csv"


def write_impact_report(services: Services, year: ReportYear, out: Path) -> list[Path]:
    """index.html, a PNG per chart and the CSV of every figure, in `out`; the files."""
    report = impact_report(services, year)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, image in report_charts(report).items():
        written.append(_write(out / f"{name}.png", image))
    written.append(_write(out / csv_name(year), report_csv(report)))
    page = render_impact_html(report, lambda name: f"{name}.png")
    written.append(_write(out / INDEX, page.encode("utf-8")))
    return written


def infographic_name(quarter: Period, fmt: str) -> str:
    return f"remi-{quarter.key}.{fmt}"


def write_infographic(services: Services, quarter: Period, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [
        _write(out / infographic_name(quarter, fmt), remi_infographic(services, quarter, fmt))
        for fmt in FORMATS
    ]


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
