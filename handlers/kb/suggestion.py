"""What a suggestion is made of, and how one is read from what a member (or a curator
correcting it) typed: every field arrives untrusted, from a command, a form or a button."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from contract.vocabulary import Form, FormField
from handlers.kb.library import url_key
from knowledge.check import url_problem
from knowledge.entries import KINDS
from storage.kb import Suggested

MAX_TITLE_CHARS = 200
MAX_URL_CHARS = 500
MAX_WHY_CHARS = 300
MAX_DESCRIPTION_CHARS = 400
MAX_TAGS = 6
MAX_TAG_CHARS = 30
DEFAULT_KIND = "resource"


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with a suggestion, and the field it is about (for a form that shows
    the problem beside the field)."""

    field: str
    text: str


def read_suggestion(fields: Mapping[str, str]) -> Suggested | str:
    """The suggestion in `fields` (title, link, kind, description, why, tags), or what is
    wrong with it, written to finish the sentence "I couldn't take that suggestion: …"."""
    checked = check_suggestion(fields)
    return checked.text if isinstance(checked, FieldProblem) else checked


def check_suggestion(fields: Mapping[str, str]) -> Suggested | FieldProblem:
    """`read_suggestion`, saying which field a problem is in."""
    link = fields.get("link", "").strip()
    title = " ".join(fields.get("title", "").split())
    kind = fields.get("kind", "").strip().lower() or DEFAULT_KIND
    why = " ".join(fields.get("why", "").split())
    description = " ".join(fields.get("description", "").split())
    problem = link_problem(link)
    if problem is not None:
        return FieldProblem("link", problem)
    if not title:
        return FieldProblem("title", "it needs a title.")
    if len(title) > MAX_TITLE_CHARS:
        return FieldProblem(
            "title",
            f"the title is {len(title):,} characters long; please keep it under {MAX_TITLE_CHARS}.",
        )
    if kind not in KINDS:
        return FieldProblem("kind", f"say what it is with one of: {', '.join(KINDS)}.")
    if len(description) > MAX_DESCRIPTION_CHARS:
        return FieldProblem(
            "description", f"please say what it is in under {MAX_DESCRIPTION_CHARS} characters."
        )
    if len(why) > MAX_WHY_CHARS:
        return FieldProblem("why", f"please say why it helps in under {MAX_WHY_CHARS} characters.")
    tags = read_tags(fields.get("tags", ""))
    if isinstance(tags, str):
        return FieldProblem("tags", tags)
    return Suggested(link, url_key(link), title, kind, why, tags, description)


def link_problem(link: str) -> str | None:
    if not link:
        return "it needs a link, starting with https://."
    if len(link) > MAX_URL_CHARS:
        return f"the link is over {MAX_URL_CHARS} characters; please give a shorter one."
    problem = url_problem(link)
    if problem is not None:
        return f"“{link}” is not a web link I can use (it {problem})."
    return None


def read_tags(text: str) -> tuple[str, ...] | str:
    """Comma-separated topics as the knowledge base writes tags: `Data, Co production`
    becomes `data`, `co-production`."""
    tags = []
    for part in text.split(","):
        tag = "-".join(re.findall(r"[a-z0-9]+", part.lower()))
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            return f"a tag is a word or two (under {MAX_TAG_CHARS} characters), not “{tag}”."
        tags.append(tag)
    tags = list(dict.fromkeys(tags))
    if len(tags) > MAX_TAGS:
        return f"please give at most {MAX_TAGS} tags."
    return tuple(tags)


def as_fields(suggested: Suggested) -> dict[str, str]:
    return {
        "title": suggested.title,
        "link": suggested.url,
        "kind": suggested.kind,
        "description": suggested.description,
        "why": suggested.why,
        "tags": ", ".join(suggested.tags),
    }


def suggestion_form(
    action_id: str,
    *,
    title: str = "Suggest a resource",
    value: str = "",
    initial: Mapping[str, str] | None = None,
    curating: bool = False,
    submit_label: str = "Send to the curators",
) -> Form:
    """The member's form asks why it helps (for the curators); the curators' asks what kind
    of entry it becomes. Five fields either way: one Discord modal holds no more."""
    given = initial or {}
    description = FormField(
        "description",
        "What it is: the summary shown in answers" if curating else "What it is, in a sentence",
        multiline=True,
        placeholder="A toolkit from … that shows how to …",
        initial=given.get("description", ""),
        max_length=MAX_DESCRIPTION_CHARS,
    )
    if curating:
        middle = (
            FormField(
                "kind", "What is it?", choices=KINDS, initial=given.get("kind", DEFAULT_KIND)
            ),
            description,
        )
    else:
        why = FormField(
            "why",
            "Why it helps, in one line",
            required=False,
            multiline=True,
            initial=given.get("why", ""),
            max_length=MAX_WHY_CHARS,
        )
        middle = (description, why)
    return Form(
        title=title,
        action_id=action_id,
        value=value,
        fields=(
            FormField("title", "Title", initial=given.get("title", ""), max_length=MAX_TITLE_CHARS),
            FormField(
                "link",
                "Link",
                placeholder="https://…",
                initial=given.get("link", ""),
                max_length=MAX_URL_CHARS,
            ),
            *middle,
            FormField(
                "tags",
                "Tags, separated by commas",
                required=False,
                placeholder="toolkit, workforce",
                initial=given.get("tags", ""),
                max_length=MAX_TAGS * (MAX_TAG_CHARS + 2),
            ),
        ),
        submit_label=submit_label,
    )
