"""No REMI output lets a reader work out a count from fewer than 5 organisations: not the
report's text, chart or CSV, not the digest, not a nudge; not one alone, nor all of them
set side by side with those of the period before. The search (tests/published_figures.py)
runs over the issue's examples and over many generated networks of 5 to 12 organisations,
monthly and quarterly, and every published range must still hold the true count."""

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import delete

from contract.vocabulary import Platform
from handlers.kb import digest
from handlers.network.chart import stage_chart
from handlers.network.needs import NEEDS
from handlers.network.periods import Period, parse_period
from handlers.network.remi_picture import network_picture
from handlers.remi.report import as_csv, as_text
from handlers.remi.schedule import network_progress
from handlers.services import Services
from knowledge.remi import STAGES
from storage import members, remi
from storage.remi import CheckIn, Details, Organisation
from tests.conftest import Bot
from tests.published_figures import Figure, csv_figures, read_figures, small_counts

LONDON = ZoneInfo("Europe/London")
JOINED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ASKED_FOR = tuple(need.key for need in NEEDS if need.key != "nothing")
# Each period is searched beside the one before it.
PERIODS = ("2026Q3", "2026Q4", "2026-10", "2026-11", "2026-12")
NEIGHBOURS = (("2026Q3", "2026Q4"), ("2026-10", "2026-11"), ("2026-11", "2026-12"))


@dataclass(frozen=True)
class Answer:
    period: str
    stage: int
    at: datetime
    needs: tuple[str, ...] = ("nothing",)


@dataclass
class Participant:
    """One organisation of a generated network, with everything it answered."""

    cadence: str = "quarterly"
    joined: datetime = JOINED
    answers: list[Answer] = field(default_factory=list)


def _quarterly(*stages: tuple[str, int, datetime]) -> Participant:
    return Participant(answers=[Answer(period, stage, at) for period, stage, at in stages])


# --- what is published -----------------------------------------------------------------


def _set_up(services: Services, network: Sequence[Participant]) -> None:
    with services.db.session() as session:
        session.exec(delete(CheckIn))
        session.exec(delete(Organisation))
        lead = members.identify(session, Platform.CONSOLE, "lead", "Lead", JOINED)
        for n, member in enumerate(network):
            org = remi.add_organisation(session, f"Org {n}", "NHS trust", "Camden", member.joined)
            assert org is not None and org.id is not None
            remi.set_cadence(session, org.id, member.cadence)
            for a in member.answers:
                remi.record_stage(session, org.id, a.period, a.stage, lead.id, a.at)
                remi.record_details(
                    session, org.id, a.period, Details(None, a.needs, None), lead.id, a.at
                )


@dataclass(frozen=True)
class Outputs:
    text: str
    csv: str
    figures: list[Figure]


def _published(services: Services, period: Period) -> Outputs:
    """Every figure a reader sees for `period`: report text, CSV, chart, digest, nudge."""
    labels = (period.label, period.key, period.previous().label, period.previous().key)
    week_end = period.end(LONDON) - timedelta(days=1)
    week = digest.DigestWeek(week_end - timedelta(days=7), week_end, week_end.date())
    with services.db.session() as session:
        picture = network_picture(session, period, LONDON)
        nudge = network_progress(session, period, LONDON) or ""
        digest_lines = digest.remi_checkins(session, week, services) if period.is_quarter else []
    text, exported = as_text(picture), as_csv(picture)
    chart = stage_chart(picture)
    [axes] = chart.axes
    chart_words = " ".join(
        [axes.get_title(), chart.get_supxlabel(), *(t.get_text() for t in axes.texts)]
    )
    # A hidden count is never drawn as a bar: only shown ranges are.
    assert len(axes.patches) == sum(not count.is_hidden for _, count in picture.stages)
    bars = [Figure(int(b.get_height()), int(b.get_height()), "chart bar") for b in axes.patches]
    return Outputs(
        text,
        exported,
        [
            *read_figures(f"{period.key} report", text, labels),
            *csv_figures(f"{period.key} CSV", exported),
            *read_figures(f"{period.key} chart", chart_words, labels),
            *bars,
            *read_figures(f"{period.key} digest", " ".join(digest_lines), labels),
            *read_figures(f"{period.key} nudge", nudge, labels),
        ],
    )


def _search(services: Services, network: Sequence[Participant]) -> dict[str, Outputs]:
    """Publish every period and fail on any small count found beside a neighbour."""
    _set_up(services, network)
    outputs = {key: _published(services, parse_period(key)) for key in PERIODS}
    for earlier, later in NEIGHBOURS:
        found = small_counts([*outputs[earlier].figures, *outputs[later].figures])
        assert not found, f"{earlier} beside {later}: " + "; ".join(found[:5])
    return outputs


# --- what is true ----------------------------------------------------------------------


def _counts_in(period: Period, answer: Answer) -> bool:
    """The rule the issue asks for: a check-in counts in the period it belongs to."""
    if period.is_quarter:
        months = {f"{period.year}-{period.first_month + n:02d}" for n in range(3)}
        return answer.period == period.key or answer.period in months
    quarter = f"{period.year}Q{(period.first_month - 1) // 3 + 1}"
    given = answer.at.astimezone(LONDON)
    in_month = (given.year, given.month) == (period.year, period.first_month)
    return answer.period == period.key or (answer.period == quarter and in_month)


def _latest(network: Sequence[Participant], period: Period) -> dict[int, Answer]:
    found = {}
    for n, member in enumerate(network):
        counted = [a for a in member.answers if _counts_in(period, a)]
        if counted:
            found[n] = max(counted, key=lambda a: a.at)
    return found


def _truth(network: Sequence[Participant], period: Period) -> dict[tuple[str, str], int]:
    """Each CSV row's true count, worked out from the network itself."""
    now, before = _latest(network, period), _latest(network, period.previous())
    both = [(before[n], now[n]) for n in now if n in before]
    movement = f"movement since {period.previous().key}"
    return {
        ("organisations taking part", ""): sum(m.joined < period.end(LONDON) for m in network),
        ("organisations checked in", ""): len(now),
        **{
            ("organisations at stage", f"{s.number} {s.name}"): sum(
                a.stage == s.number for a in now.values()
            )
            for s in STAGES
        },
        (movement, "checked in both periods"): len(both),
        (movement, "moved up"): sum(new.stage > old.stage for old, new in both),
        (movement, "same stage"): sum(new.stage == old.stage for old, new in both),
        (movement, "moved down"): sum(new.stage < old.stage for old, new in both),
        **{
            ("organisations asking for support", need.label): sum(
                need.key in a.needs for a in now.values()
            )
            for need in NEEDS
            if need.key != "nothing"
        },
    }


def _assert_true_to(network: Sequence[Participant], outputs: dict[str, Outputs]) -> None:
    """Every CSV cell's range holds the true count, for every period."""
    for key, published in outputs.items():
        truth = _truth(network, parse_period(key))
        cells = {}
        for _, measure, category, value in list(csv.reader(io.StringIO(published.csv)))[1:]:
            [figure] = read_figures("", value)
            cells[(measure, category)] = (figure.low, figure.high)
        assert set(cells) == set(truth), key
        for cell, count in truth.items():
            low, high = cells[cell]
            assert low <= count <= high, f"{key} {cell}: {count} published as {low}..{high}"


# --- the issue's examples --------------------------------------------------------------

AUGUST = datetime(2026, 8, 14, 10, 0, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
DECEMBER_1, DECEMBER_2 = (datetime(2026, 12, day, 10, 0, tzinfo=UTC) for day in (1, 2))

EXAMPLES: dict[str, tuple[list[Participant], str, list[str]]] = {
    "7 of 8 checked in, 5 at stage 2, 7 compared, 6 up": (
        [
            *(_quarterly(("2026Q3", 1, AUGUST), ("2026Q4", 2, NOVEMBER)) for _ in range(5)),
            _quarterly(("2026Q3", 1, AUGUST), ("2026Q4", 3, NOVEMBER)),
            _quarterly(("2026Q3", 3, AUGUST), ("2026Q4", 3, NOVEMBER)),
            Participant(),
        ],
        "2026Q4",
        [
            "Checked in: 5–9 of 5–9\n",
            "• 2 Commitment: 5–9\n",
            "• 3 Implementation: fewer than 5\n",
            "of 5–9 organisations that checked in both times",
            "• moved up: 5–9\n• same stage: fewer than 5\n",
        ],
    ),
    "5 of 6 at stage 2": (
        [
            *(_quarterly(("2026Q4", 2, NOVEMBER)) for _ in range(5)),
            _quarterly(("2026Q4", 4, NOVEMBER)),
        ],
        "2026Q4",
        ["Checked in: 5–9 of 5–9\n", "• 2 Commitment: 5–9\n", "• 4 Embedding: fewer than 5\n"],
    ),
    "five quarterly check-ins on 2 December": (
        [
            Participant(joined=DECEMBER_1, answers=[Answer("2026Q4", 3, DECEMBER_2)])
            for _ in range(5)
        ],
        "2026-12",
        [
            "Checked in: 5–9 of 5–9\n",
            "• 3 Implementation: 5–9\n",
            "of fewer than 5 organisations that checked in both times",
        ],
    ),
}


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_issues_examples_reveal_no_small_count(bot: Bot, example: str) -> None:
    network, period, lines = EXAMPLES[example]
    outputs = _search(bot.app.services, network)
    for line in lines:
        assert line in outputs[period].text
    _assert_true_to(network, outputs)


# --- generated networks ----------------------------------------------------------------

MONTHS = tuple(f"2026-{month:02d}" for month in range(7, 13))
WORLDS = 30


def _generated(rng: random.Random) -> list[Participant]:
    """5 to 12 organisations: most at one favourite stage, checking in at one rate, moving
    the same way; a few joining late; monthly and quarterly cadences mixed."""
    rate = rng.choice((0.5, 0.75, 0.9, 1.0))
    favourite = rng.randint(1, 6)
    moves = rng.choice(((0,), (1,), (0, 1), (-1, 0, 1)))
    network = []
    for _ in range(rng.randint(5, 12)):
        late = datetime(2026, rng.randint(10, 12), rng.randint(1, 20), 9, 0, tzinfo=UTC)
        member = Participant(
            "monthly" if rng.random() < 0.4 else "quarterly",
            JOINED if rng.random() < 0.8 else late,
        )
        stage = favourite if rng.random() < 0.6 else rng.randint(1, 6)
        for key in MONTHS if member.cadence == "monthly" else ("2026Q3", "2026Q4"):
            period = parse_period(key)
            opens = max(member.joined, datetime(period.year, period.first_month, 1, 9, tzinfo=UTC))
            closes = period.end(LONDON) - timedelta(hours=3)
            if opens >= closes or rng.random() > rate:
                continue
            stage = min(6, max(1, stage + rng.choice(moves)))
            needs = tuple(key for key in ASKED_FOR if rng.random() < 0.4) or ("nothing",)
            member.answers.append(
                Answer(key, stage, opens + (closes - opens) * rng.random(), needs)
            )
        network.append(member)
    return network


def test_no_generated_network_reveals_a_small_count_and_every_range_is_true(bot: Bot) -> None:
    rng = random.Random(15)
    for world in range(WORLDS):
        network = _generated(rng)
        try:
            _assert_true_to(network, _search(bot.app.services, network))
        except AssertionError as failure:
            raise AssertionError(f"world {world} of {len(network)} organisations") from failure
