"""What would help an organisation move on, and the knowledge-base resources that match.

The choices are the check-in form's; each names the words and tag that find its resources,
so "what would help: training" is answered with the hub's training entries.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.entries import Entry
from knowledge.search import SearchIndex

RESOURCES_PER_NEED = 3


@dataclass(frozen=True)
class Need:
    key: str
    label: str
    query: str = ""
    tag: str | None = None


NEEDS: tuple[Need, ...] = (
    Need("training", "training", "training", "training"),
    Need("peer-support", "peer support", "peer support"),
    Need("data", "data", "ethnicity data", "data"),
    Need("leadership", "leadership buy-in", "leadership", "leadership"),
    Need("resources", "resources", "toolkit", "toolkit"),
    Need("nothing", "nothing right now"),
)
BY_KEY = {need.key: need for need in NEEDS}
_BY_WORDS = {word: need for need in NEEDS for word in (need.key, need.label)}
LABELS = tuple(need.label for need in NEEDS)


class NeedsError(ValueError):
    """Form choices that are not ours; the message is written for the person who sent them."""


def parse_needs(submitted: str) -> tuple[str, ...]:
    """The need keys in a submitted choice field ("training, data"), in the form's order."""
    picked = [part.strip().casefold() for part in submitted.split(",") if part.strip()]
    if not picked:
        raise NeedsError(
            "Please pick at least one thing that would help, or “nothing right now”. "
            "Your stage is saved."
        )
    unknown = [part for part in picked if part not in _BY_WORDS]
    if unknown:
        raise NeedsError(
            f"I don't have “{unknown[0]}” among the choices ({', '.join(LABELS)}), so nothing "
            "was changed. Your stage is saved."
        )
    keys = {_BY_WORDS[part].key for part in picked}
    if len(keys) > 1:
        keys.discard("nothing")
    return tuple(need.key for need in NEEDS if need.key in keys)


def labels(keys: Sequence[str]) -> str:
    return ", ".join(BY_KEY[key].label for key in keys if key in BY_KEY)


def resources_for(keys: Sequence[str], knowledge: SearchIndex) -> list[tuple[Need, list[Entry]]]:
    """For each need that has any, the entries that speak to it, best first."""
    found = []
    for key in keys:
        need = BY_KEY[key]
        if not need.query:
            continue
        entries = [m.entry for m in knowledge.search(need.query, tag=need.tag)]
        if entries:
            found.append((need, entries[:RESOURCES_PER_NEED]))
    return found
