"""The network's REMI picture: counts per stage, check-ins, movement and requested support,
each shown as a range ("5–9") and hidden below 5, as text, as a chart and as CSV; a
check-in counts in the period it belongs to; nothing in the picture names an organisation
or repeats an answer."""

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import matplotlib.image
import pytest
from click.testing import CliRunner

from bot.cli import cli
from contract.vocabulary import Platform, Role
from handlers.network.chart import png, stage_chart
from handlers.network.periods import parse_period
from handlers.network.remi_picture import network_picture
from handlers.remi.report import as_csv, as_text
from knowledge.remi import STAGES
from storage import members, remi
from storage.db import Database
from storage.remi import Details
from tests.conftest import Bot
from tests.published_figures import read_figures, small_counts
from tests.remi_world import ADMIN, check_in, register

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _network(
    database: Database, answers: dict[str, Sequence[int]], needs: Sequence[str] = ()
) -> None:
    """Organisations "Org 0", "Org 1", … with the stages given per period (0: no answer);
    each completed answer asks for `needs` and says something only its leads may read."""
    size = max(len(stages) for stages in answers.values())
    with database.session() as session:
        lead = members.identify(session, Platform.CONSOLE, "lead", "Lead", T0)
        orgs = [
            remi.add_organisation(session, f"Org {n}", "NHS trust", "North Central London", T0)
            for n in range(size)
        ]
        for period, stages in answers.items():
            for org, stage in zip(orgs, stages, strict=False):
                if not stage:
                    continue
                assert org is not None and org.id is not None
                remi.record_stage(session, org.id, period, stage, lead.id, T0)
                details = Details(f"secret change at {org.name}", tuple(needs), "secret need")
                remi.record_details(session, org.id, period, details, lead.id, T0)


def _report(database: Database, period: str = "2026Q4") -> str:
    with database.session() as session:
        return as_text(network_picture(session, parse_period(period), LONDON))


def test_four_organisations_are_all_hidden(database: Database) -> None:
    _network(database, {"2026Q3": [2, 2, 2, 2], "2026Q4": [3, 3, 3, 3]}, needs=["training"])
    text = _report(database)
    assert "Organisations taking part: fewer than 5" in text
    assert "Checked in: fewer than 5 of fewer than 5\n" in text
    for stage in STAGES:
        assert f"• {stage.number} {stage.name}: fewer than 5" in text
    assert "of fewer than 5 organisations that checked in both times" in text
    assert "• moved up: fewer than 5" in text
    assert "Most requested support: each kind was asked for by fewer than 5" in text


def test_five_organisations_are_counted(database: Database) -> None:
    _network(
        database,
        {"2026Q3": [2, 2, 2, 2, 2], "2026Q4": [3, 3, 3, 3, 3]},
        needs=["training", "data"],
    )
    text = _report(database)
    assert "Organisations taking part: 5–9" in text
    assert "Checked in: 5–9 of 5–9\n" in text
    assert "• 3 Implementation: 5–9" in text
    assert "• 2 Commitment: fewer than 5" in text
    assert "Since July to September 2026 (2026Q3), of 5–9 organisations" in text
    assert "• moved up: 5–9" in text
    assert "• same stage: fewer than 5" in text
    assert (
        "Most requested support: training (5–9), data (5–9); any other kind by fewer than 5."
        in text
    )


def test_counts_are_ranges_so_no_total_gives_away_a_hidden_part(database: Database) -> None:
    _network(database, {"2026Q4": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0]})
    text = _report(database)
    assert "Organisations taking part: 10–14" in text
    assert "Checked in: 10–14 of 10–14\n" in text
    assert "• 1 Awareness: 10–14" in text
    assert "• 2 Commitment: fewer than 5" in text
    assert "%" not in text
    periods = [parse_period("2026Q4").label, parse_period("2026Q3").label]
    assert not small_counts(read_figures("report", text, periods))


def test_nothing_in_the_picture_names_an_organisation_or_repeats_an_answer(
    database: Database,
) -> None:
    _network(database, {"2026Q4": [1, 2, 3, 4, 5, 6, 6]}, needs=["leadership"])
    with database.session() as session:
        picture = network_picture(session, parse_period("2026Q4"), LONDON)
    for output in (as_text(picture), as_csv(picture)):
        assert "Org " not in output and "secret" not in output
        assert "North Central London" not in output


def test_a_month_counts_the_quarterly_answers_given_in_it(database: Database) -> None:
    _network(database, {"2026Q4": [4, 4, 4, 4, 4]})  # answered on 23 November
    assert "• 4 Embedding: 5–9" in _report(database, "2026-11")
    assert "• 4 Embedding: 5–9" in _report(database, "2026Q4")
    for other_month in ("2026-10", "2026-12", "2026-09"):
        assert "• 4 Embedding: fewer than 5" in _report(database, other_month)


async def test_quarterly_check_ins_given_in_december_count_in_december_only(
    bot: Bot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    orgs = [await register(bot, f"Trust {n}", f"lead{n}") for n in range(5)]
    bot.clock.set(datetime(2026, 12, 2, 11, 0, tzinfo=UTC))
    for n, org in enumerate(orgs):
        await check_in(bot, f"lead{n}", org, 3)
    bot.grant("stella", Role.STEERING)
    [november] = await bot.say("remi report 2026-11", as_="stella")
    assert "Checked in: fewer than 5 of fewer than 5\n" in november.text
    assert "• 3 Implementation: fewer than 5" in november.text
    [december] = await bot.say("remi report 2026-12", as_="stella")
    assert "Checked in: 5–9 of 5–9\n" in december.text
    assert "• 3 Implementation: 5–9" in december.text
    assert "of fewer than 5 organisations that checked in both times" in december.text

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("LARCH_ADMINS", raising=False)
    exported = {
        period: CliRunner().invoke(cli, ["remi", "export", "--period", period]).output
        for period in ("2026-11", "2026-12")
    }
    assert "2026-11,organisations checked in,,<5" in exported["2026-11"].splitlines()
    assert "2026-12,organisations checked in,,5-9" in exported["2026-12"].splitlines()
    both = "2026-12,movement since 2026-11,checked in both periods,<5"
    assert both in exported["2026-12"].splitlines()


def test_the_chart_draws_no_bar_for_a_hidden_count(database: Database) -> None:
    _network(database, {"2026Q4": [3, 3, 3, 3, 3, 3, 1]})
    with database.session() as session:
        picture = network_picture(session, parse_period("2026Q4"), LONDON)
    figure = stage_chart(picture)
    [axes] = figure.axes
    assert [label.get_text() for label in axes.get_xticklabels()] == [s.name for s in STAGES]
    [(x, height)] = [(bar.get_x() + bar.get_width() / 2, bar.get_height()) for bar in axes.patches]
    assert (x, height) == (2, 5)
    assert [text.get_text() for text in axes.texts] == ["5–9", *["hidden"] * 5]
    hidden_at = [text.get_position()[0] for text in axes.texts if text.get_text() == "hidden"]
    assert hidden_at == [0, 1, 3, 4, 5]
    assert "“hidden” means fewer than 5 organisations" in figure.get_supxlabel()
    image = png(figure)
    assert image.startswith(PNG_SIGNATURE)
    pixels = matplotlib.image.imread(io.BytesIO(image), format="png")
    assert pixels.shape[:2] == (450, 800)


async def test_remi_report_in_chat_comes_with_the_chart(bot: Bot) -> None:
    orgs = [await register(bot, f"Trust {n}", f"lead{n}") for n in range(5)]
    for n, org in enumerate(orgs):
        await check_in(bot, f"lead{n}", org, 2, needs="training", changed=f"secret {n}")
    bot.grant("stella", Role.STEERING)
    [reply] = await bot.say("remi report", as_="stella")
    assert "REMI check-ins across the network, October to December 2026" in reply.text
    assert "• 2 Commitment: 5–9" in reply.text
    assert "Most requested support: training (5–9)" in reply.text
    assert "Trust" not in reply.text and "secret" not in reply.text
    [chart] = reply.attachments
    assert (chart.filename, chart.media_type) == ("remi-2026Q4.png", "image/png")
    assert chart.content.startswith(PNG_SIGNATURE)
    assert not reply.private


async def test_remi_report_needs_the_steering_role_and_a_readable_period(bot: Bot) -> None:
    await register(bot, "Whittington Health", "lee")
    for who in ("lee", "mallory"):
        [refused] = await bot.say("remi report", as_=who)
        assert "needs the steering group role" in refused.text
        assert not refused.attachments
    [bad] = await bot.say("remi report next spring", as_=ADMIN)
    assert "couldn't read “next spring” as a period" in bad.text
    [earlier] = await bot.say("remi report 2026q3", as_=ADMIN)
    assert "July to September 2026" in earlier.text


async def test_the_cli_exports_the_same_picture_as_csv(
    bot: Bot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    orgs = [await register(bot, f"Trust {n}", f"lead{n}") for n in range(6)]
    for n, org in enumerate(orgs[:5]):
        await check_in(bot, f"lead{n}", org, 3, needs="data")
    bot.clock.advance(timedelta(days=1))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("LARCH_ADMINS", raising=False)
    result = CliRunner().invoke(cli, ["remi", "export", "--period", "2026Q4", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "period,measure,category,value"
    assert "2026Q4,organisations taking part,,5-9" in lines
    assert "2026Q4,organisations checked in,,5-9" in lines
    assert not any("rate" in line for line in lines)
    assert "2026Q4,organisations at stage,3 Implementation,5-9" in lines
    assert "2026Q4,organisations at stage,1 Awareness,<5" in lines
    assert "2026Q4,organisations asking for support,data,5-9" in lines
    assert "2026Q4,movement since 2026Q3,moved up,<5" in lines
    assert "Trust" not in result.output

    bad = CliRunner().invoke(cli, ["remi", "export", "--period", "soon"])
    assert bad.exit_code == 2 and "couldn't read “soon” as a period" in bad.output
