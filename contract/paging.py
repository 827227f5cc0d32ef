"""Long lists, a page at a time: a listing shows one page and a "Next" button that runs the
listing again from where the page ended, so the last item is always a click or two away
and no message outgrows what a platform can show."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from contract.params import Number
from contract.vocabulary import Button

PAGE_SIZE = 10

# The value a "Next" button carries: the position (from 0) of the page's first item. It
# comes back untrusted; a position past the end shows the last page.
START = Number("start", "Where the page starts", minimum=0)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    start: int
    total: int
    size: int = PAGE_SIZE

    @property
    def end(self) -> int:
        return self.start + len(self.items)

    @property
    def range_words(self) -> str:
        """Where the page sits in the list: "11–20 of 52"; "" when the list is one page."""
        if self.start == 0 and self.end == self.total:
            return ""
        return f"{self.start + 1}–{self.end} of {self.total}"

    def next_button(self, action_id: str, *listing: str) -> tuple[Button, ...]:
        """The button to the next page, if there is one; `listing` are the rest of the
        listing's arguments (a tag it was narrowed to), after the start in its value."""
        left = self.total - self.end
        if left <= 0:
            return ()
        value = ":".join([str(self.end), *listing])
        return (Button(f"Next {min(left, self.size)}", action_id=action_id, value=value),)


def page_of(items: Sequence[T], start: int = 0, size: int = PAGE_SIZE) -> Page[T]:
    last_start = max(0, (len(items) - 1) // size * size)
    start = min(max(0, start), last_start)
    return Page(items[start : start + size], start, len(items), size)
