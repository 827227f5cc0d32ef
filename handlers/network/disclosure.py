"""The one rule every published REMI count passes: it is shown as the band of five it falls
in ("5–9", "10–14", …), and a count from fewer than 5 organisations, zero included, as
"fewer than 5".

Why bands and not exact counts with the small ones hidden: a hidden cell can be worked out
by subtraction (a total of 7 beside "stage 2: 5" leaves 2 at the other stages; "7 of 8
checked in" leaves 1 who did not; "7 compared, 6 up" leaves 1 who stayed or fell), and the
same goes for the difference between two outputs or two adjacent periods. Every band but
"fewer than 5" starts at a multiple of five and every band spans five counts, so any sum
or difference of published figures, taken from one output or from several, spans at least
five counts too: it can never pin a count down to between 1 and 4. The rule needs no
knowledge of which figures will be set side by side, so every output (the report's text,
chart and CSV, the digest, the nudges) applies it to each count on its own and stays safe
beside every other.
"""

from dataclasses import dataclass

SMALLEST_SHOWN = 5
BAND_WIDTH = SMALLEST_SHOWN
HIDDEN = "fewer than 5"
HIDDEN_IN_FILES = "<5"


@dataclass(frozen=True)
class Band:
    """A published count: what is known of the true count is that it lies in
    `low`..`high`."""

    low: int

    @property
    def high(self) -> int:
        return self.low + BAND_WIDTH - 1

    @property
    def is_hidden(self) -> bool:
        return self.low < SMALLEST_SHOWN

    def __str__(self) -> str:
        return HIDDEN if self.is_hidden else f"{self.low}–{self.high}"

    @property
    def in_files(self) -> str:
        """The band in a CSV cell, in plain ASCII so spreadsheets keep it as text."""
        return HIDDEN_IN_FILES if self.is_hidden else f"{self.low}-{self.high}"


def band(count: int) -> Band:
    """The band a true count of organisations is published as."""
    return Band(count // BAND_WIDTH * BAND_WIDTH)
