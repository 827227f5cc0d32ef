"""What peer introductions achieved, counted one way wherever it is published (the intros
report, the impact report): a group met when its answer to "Did you meet?" is yes, and
sectors and organisations are compared pair by pair within a group (a trio is three pairs),
as they were at the round."""

import itertools
from collections.abc import Callable, Sequence
from typing import TypeVar

from storage.intros import GroupMember, GroupView

T = TypeVar("T")
Pair = tuple[GroupMember, GroupMember]
NO_SHARE = "–"


def pairs(groups: Sequence[GroupView]) -> list[Pair]:
    return [pair for group in groups for pair in itertools.combinations(group.members, 2)]


def met(group: GroupView) -> bool:
    return group.met == "yes"


def crosses(pair: Pair, attribute: str) -> bool:
    """Whether the two come from different sectors (`"sector"`) or organisations."""
    first, second = (getattr(m, attribute).casefold() for m in pair)
    return first != second


def share(items: Sequence[T], test: Callable[[T], bool]) -> float | None:
    """The share of `items` that pass `test`; None when there are none."""
    if not items:
        return None
    return sum(1 for item in items if test(item)) / len(items)


def percent(fraction: float | None) -> str:
    return NO_SHARE if fraction is None else f"{fraction:.0%}"
