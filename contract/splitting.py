"""One reply as several messages, when a platform's message cannot hold all of its text.

Each line of a reply's text is one item, so the text is broken only between lines: the
first message carries the title and link, the last the buttons, picker, form and files,
and every line is in one of them. Adapters say how long a message may be and how they
measure text (escaping makes their text longer than ours).
"""

from collections.abc import Callable
from dataclasses import replace

from contract.vocabulary import Reply

Measure = Callable[[str], int]


def split_reply(reply: Reply, limit: int, measure: Measure = len) -> list[Reply]:
    """`reply` as replies whose text measures at most `limit` each."""
    texts = _pieces(reply.text, limit, measure)
    if len(texts) == 1:
        return [reply]
    first, *middle, last = texts
    bare = Reply("", private=reply.private, times=reply.times)
    return [
        replace(bare, text=first, title=reply.title, link=reply.link),
        *(replace(bare, text=text) for text in middle),
        replace(reply, text=last, title=None, link=None),
    ]


def _pieces(text: str, limit: int, measure: Measure) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    for line in _fitting_lines(text, limit, measure):
        if current and measure("\n".join([*current, line])) > limit:
            pieces.append("\n".join(current).strip("\n"))
            current = []
        current.append(line)
    pieces.append("\n".join(current).strip("\n"))
    return [piece for piece in pieces if piece] or [""]


def _fitting_lines(text: str, limit: int, measure: Measure) -> list[str]:
    """The text's lines; one too long for a message on its own is broken between words
    (no item is that long, but a member's pasted paragraph could be)."""
    lines = []
    for line in text.split("\n"):
        while measure(line) > limit:
            cut = _longest_fit(line, limit, measure)
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return lines


def _longest_fit(line: str, limit: int, measure: Measure) -> int:
    low, high = 1, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(line[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    space = line.rfind(" ", 0, low)
    return space if space > 0 else low
