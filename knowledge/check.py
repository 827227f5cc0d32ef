"""The rules a knowledge base must keep before the bot will serve it.

Each problem is one line, "file.md: what is wrong", so a curator can fix every one from a
single run of `larch-bot kb check`.
"""

import re
from collections import defaultdict
from collections.abc import Sequence, Set
from pathlib import Path
from urllib.parse import urlsplit

from knowledge.entries import CONTENT_DIR, ContentError, Entry, entry_files, read_directory
from knowledge.lexical import name_key
from knowledge.normalise import normalise

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A summary is the whole answer in chat; beyond two plain sentences it stops being one.
MAX_SUMMARY_CHARS = 400


def load_entries(directory: Path = CONTENT_DIR) -> list[Entry]:
    """Every entry in `directory`, sorted by id; ContentError listing every problem otherwise."""
    entries, problems = read_and_check(directory)
    if problems:
        raise ContentError(problems)
    return entries


def check_directory(directory: Path = CONTENT_DIR) -> list[str]:
    """Every problem with the knowledge base in `directory`; [] when it is good."""
    return read_and_check(directory)[1]


def read_and_check(directory: Path) -> tuple[list[Entry], list[str]]:
    """The entries in `directory` that parse, and every problem with the knowledge base."""
    entries, problems = read_directory(directory)
    # An entry that does not parse still exists: other entries may name it as related.
    unparsed = {path.stem for path in entry_files(directory)} - {e.id for e in entries}
    return entries, problems + check_entries(entries, unparsed_ids=unparsed)


def check_entries(entries: Sequence[Entry], *, unparsed_ids: Set[str] = frozenset()) -> list[str]:
    """Every problem with these parsed entries, alone and together."""
    problems: list[str] = []
    for entry in entries:
        problems += _check_one(entry)
    problems += _check_ids(entries)
    problems += _check_names(entries)
    problems += _check_related(entries, unparsed_ids)
    return problems


def url_problem(url: str) -> str | None:
    """Why `url` cannot be offered as a link, or None when it can."""
    if re.search(r"\s", url):
        return "contains a space"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "is not a well-formed link"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not host or "." not in host:
        return "has no host"
    return None


def _check_one(entry: Entry) -> list[str]:
    name = _file(entry)
    problems = []
    if not ID_PATTERN.fullmatch(entry.id):
        problems.append(f"{name}: id {entry.id!r} must be lower-case words joined by hyphens")
    if entry.path is not None and entry.path.stem != entry.id:
        problems.append(f"{name}: id {entry.id!r} must match the file name")
    if entry.url is not None and (why := url_problem(entry.url)):
        problems.append(f"{name}: url {entry.url!r} {why}")
    if entry.review_by and entry.last_reviewed and entry.review_by <= entry.last_reviewed:
        problems.append(f"{name}: review_by must be after last_reviewed")
    if len(entry.summary) > MAX_SUMMARY_CHARS:
        problems.append(
            f"{name}: summary is {len(entry.summary)} characters; keep it under "
            f"{MAX_SUMMARY_CHARS} (move the rest to the body)"
        )
    problems += [
        f"{name}: tag {tag!r} must be lower-case" for tag in entry.tags if tag != tag.lower()
    ]
    problems += [
        f"{name}: alias {alias!r} has no words to search by"
        for alias in entry.aliases
        if not normalise(alias)
    ]
    return problems


def _check_ids(entries: Sequence[Entry]) -> list[str]:
    files_by_id: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        files_by_id[entry.id].append(_file(entry))
    return [
        f"{name}: id {entry_id!r} is also used by {', '.join(f for f in files if f != name)}"
        for entry_id, files in files_by_id.items()
        if len(files) > 1
        for name in files
    ]


def _check_names(entries: Sequence[Entry]) -> list[str]:
    """A name a member types must lead to one entry, or search could not tell them apart.

    Names are compared as the search compares them with a question, without its question
    words: the alias "REMI help" is the name "REMI", since "help" frames a question."""
    titles: dict[str, list[Entry]] = defaultdict(list)
    aliases: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
    for entry in entries:
        titles[name_key(entry.title)].append(entry)
        for alias in dict.fromkeys(entry.aliases):
            if key := name_key(alias):
                aliases[key].append((entry, alias))
    problems = []
    for entry in entries:
        problems += [
            f"{_file(entry)}: title {entry.title!r} is also the title of {_file(other)}"
            for other in titles[name_key(entry.title)]
            if other.id != entry.id
        ]
    for key, claims in aliases.items():
        for entry, alias in claims:
            problems += [
                f"{_file(entry)}: alias {alias!r} is the title of {_file(other)}"
                for other in titles.get(key, ())
                if other.id != entry.id
            ]
            problems += [
                f"{_file(entry)}: alias {alias!r} is also claimed by {_file(other)}"
                for other in dict.fromkeys(other for other, _ in claims)
                if other.id != entry.id
            ]
    return problems


def _check_related(entries: Sequence[Entry], unparsed_ids: Set[str]) -> list[str]:
    ids = {entry.id for entry in entries} | unparsed_ids
    problems = []
    for entry in entries:
        for related in entry.related:
            if related == entry.id:
                problems.append(f"{_file(entry)}: related lists the entry itself")
            elif related not in ids:
                problems.append(f"{_file(entry)}: related id {related!r} does not exist")
    return problems


def _file(entry: Entry) -> str:
    return entry.path.name if entry.path is not None else f"{entry.id}.md"
