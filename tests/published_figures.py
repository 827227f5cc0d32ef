"""An attacker's search through published REMI figures, for the disclosure tests.

Every figure a reader can see (in report text, a CSV cell, a chart's labels and bars, the
digest, a nudge) is read as a range: "fewer than 5" and "<5" are 0..4, "5–9" is 5..9, a
bare number is exactly itself. Adding and subtracting figures gives a range whose width is
the sum of theirs, so a derived count can only be pinned down to between 1 and 4 by a sum of
figures whose widths add up to 3 or less: exact numbers, or a range narrower than a band.
The search therefore tries every signed sum of the exact figures (with every figure used
at most once: a single figure is such a sum too) and reports each that comes out between 1
and 4, with how it was worked out, as well as any range narrower than a band.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.remi import STAGES

BAND = 5
# "5–9", "5-9", "fewer than 5", "<5", or a bare whole number.
_FIGURE = re.compile(r"(?P<low>\d+)\s*[–-]\s*(?P<high>\d+)|fewer than 5|<5|(?P<exact>\d+)")


@dataclass(frozen=True)
class Figure:
    low: int
    high: int
    source: str


def read_figures(source: str, text: str, labels: Iterable[str] = ()) -> list[Figure]:
    """Every figure in `text`, once the names that carry numbers of their own (periods, stage
    numbers: `labels` and the stages) are taken out."""
    names = [*labels, *(f"{s.number} {s.name}" for s in STAGES)]
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    found = []
    for match in _FIGURE.finditer(text):
        if match["low"] is not None:
            low, high = int(match["low"]), int(match["high"])
        elif match["exact"] is not None:
            low = high = int(match["exact"])
        else:
            low, high = 0, BAND - 1
        found.append(Figure(low, high, f"{source}: {match[0]!r}"))
    return found


def csv_figures(source: str, text: str) -> list[Figure]:
    """The figures in a CSV export's value column, each named by its measure."""
    rows = list(csv.DictReader(io.StringIO(text)))
    return [
        figure
        for row in rows
        for figure in read_figures(f"{source} {row['measure']} {row['category']}", row["value"])
    ]


def small_counts(figures: Sequence[Figure]) -> list[str]:
    """How a count between 1 and 4 can be worked out from `figures`; empty when it cannot."""
    found = [
        f"{f.source} is a range narrower than {BAND}"
        for f in figures
        if 0 < f.high - f.low < BAND - 1
    ]
    sums: dict[int, str] = {0: ""}
    for figure in (f for f in figures if f.low == f.high):
        for value, how in list(sums.items()):
            for sign, said in ((1, "+"), (-1, "-")):
                sums.setdefault(value + sign * figure.low, f"{how} {said} {figure.source}")
    found += [f"{value} ={how}" for value, how in sums.items() if 1 <= value < BAND and how]
    return found
