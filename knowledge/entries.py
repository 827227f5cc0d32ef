"""Read the curated knowledge base: one Markdown file with YAML front matter per entry.

Pure: reads files, returns values, touches nothing else. `parse_entry` reports what is wrong
with one file; the rules that span entries, and loading a knowledge base that keeps them
all, are in `check.py`.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import frontmatter
import yaml

KINDS = ("definition", "resource", "organisation")
CONTENT_DIR = Path(__file__).parent / "content"

REQUIRED_FIELDS = ("id", "kind", "title", "summary", "review_by")
TEXT_FIELDS = ("id", "kind", "title", "summary", "url", "source", "owner")
LIST_FIELDS = ("aliases", "tags", "related", "questions")
DATE_FIELDS = ("last_reviewed", "review_by")
KNOWN_FIELDS = frozenset((*TEXT_FIELDS, *LIST_FIELDS, *DATE_FIELDS))


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    title: str
    summary: str
    body: str
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    url: str | None = None
    source: str | None = None
    related: tuple[str, ...] = ()
    # How members ask about it, in their own words: read by the semantic search.
    questions: tuple[str, ...] = ()
    last_reviewed: date | None = None
    review_by: date | None = None
    owner: str | None = None
    path: Path | None = None


class ContentError(Exception):
    """The knowledge base cannot be used as it is; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_entry(path: Path) -> Entry:
    """The entry in `path`; ContentError naming the file and each bad field otherwise."""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"), handler=_YAMLDatesAsText())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContentError([f"{path.name}: cannot be read: {error}"]) from error
    fields = post.metadata
    problems = [
        f"{path.name}: unknown field '{name}'" for name in fields if name not in KNOWN_FIELDS
    ]
    problems += [
        f"{path.name}: {name} is missing" for name in REQUIRED_FIELDS if _is_blank(fields.get(name))
    ]
    # An answer a member cannot check is not one the hub can stand behind.
    if _is_blank(fields.get("url")):
        problems.append(f"{path.name}: needs a url, a source a member can open")
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{path.name}: {name} should be text, not {value!r}")
        values[name] = value.strip() if isinstance(value, str) and value.strip() else None
    for name in LIST_FIELDS:
        value = fields.get(name) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            problems.append(f"{path.name}: {name} should be a list of words, not {value!r}")
            value = []
        values[name] = tuple(item.strip() for item in value)
    for name in DATE_FIELDS:
        try:
            values[name] = _as_date(fields.get(name))
        except ValueError:
            problems.append(f"{path.name}: {name} is not a date (YYYY-MM-DD): {fields[name]!r}")
    if values["kind"] is not None and values["kind"] not in KINDS:
        problems.append(
            f"{path.name}: kind must be one of {', '.join(KINDS)}, not {values['kind']!r}"
        )
    if problems:
        raise ContentError(problems)
    return Entry(body=post.content.strip(), path=path, **values)


def entry_files(directory: Path) -> list[Path]:
    """The entry files in `directory`: every Markdown file but its README."""
    return sorted(path for path in directory.glob("*.md") if path.name != "README.md")


def read_directory(directory: Path) -> tuple[list[Entry], list[str]]:
    """The entries that parse, sorted by id, and the problems of those that do not."""
    entries: list[Entry] = []
    problems: list[str] = []
    for path in entry_files(directory):
        try:
            entries.append(parse_entry(path))
        except ContentError as error:
            problems += error.problems
    if not entries and not problems:
        problems.append(f"{directory}: no entries found")
    return sorted(entries, key=lambda entry: entry.id), problems


class _TextDatesLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad one is reported against its field."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _YAMLDatesAsText(frontmatter.YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_TextDatesLoader)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_date(value: object) -> date | None:
    if _is_blank(value):
        return None
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise ValueError(value)
