"""Pages are Jinja2 templates (`templates/`, autoescaped) around one stylesheet
(`static/larch.css`), in the GOV.UK and NHS.UK manner: a skip link, a header and navigation,
one main landmark, a footer, plain words, large type, visible focus.

Every template extends `layout.html`, which renders with no context at all (the impact
report is rendered offline from it): what a page adds, it adds behind `{% if %}`.
"""

import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

STATIC_DIR = Path(__file__).parent / "static"

ENVIRONMENT = Environment(
    loader=PackageLoader("bot.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+\.)\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def prose(text: str) -> Markup:
    """An entry's Markdown body as HTML: paragraphs, lists, bold and links, all else
    escaped (the knowledge base's entries use no more than that)."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if lines and all(_LIST_ITEM.match(line) or line.startswith(" ") for line in lines):
            items = _list_items(lines)
            tag = "ol" if re.match(r"^\s*\d+\.", lines[0]) else "ul"
            blocks.append(f"<{tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>")
        elif block.strip():
            blocks.append(f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>")
    return Markup("\n".join(blocks))


def _list_items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        if _LIST_ITEM.match(line):
            items.append(_LIST_ITEM.sub("", line).strip())
        elif items:
            items[-1] += " " + line.strip()
    return [_inline(item) for item in items]


def _inline(text: str) -> str:
    html = str(escape(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _LINK.sub(r'<a href="\2">\1</a>', html)


def reply_lines(text: str) -> list[tuple[str, str]]:
    """A chat reply's lines as a page shows them: ("item", …) for a bullet, else ("para", …)."""
    shown = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("• "):
            shown.append(("item", line[2:]))
        else:
            shown.append(("para", line))
    return shown


def chat_text(text: str) -> Markup:
    """A reply's line as chat shows it: `a command` in code type, all else escaped."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


ENVIRONMENT.filters["prose"] = prose
ENVIRONMENT.filters["chat_text"] = chat_text
ENVIRONMENT.filters["reply_lines"] = reply_lines


def render(template: str, **context: object) -> str:
    return ENVIRONMENT.get_template(template).render(**context)
