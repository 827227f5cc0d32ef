"""Definitions and resources from the curated knowledge base.

A member asks (`define structural racism`, `find co-production toolkit`, or just "what is
WRES?"); the bot answers with the entry's summary and its source, or says plainly that it
does not have the answer yet. A weak match is offered as a suggestion, never as the answer.
"""

from collections.abc import Sequence

from contract.params import Text
from contract.specs import ActionSpec, CommandSpec, Feature, Request
from contract.vocabulary import Button, Reply
from handlers.entry_buttons import SHOW_ENTRY, entry_button
from handlers.kb import feedback
from handlers.services import Services
from knowledge.entries import Entry
from knowledge.search import Lookup, Match


def term_names(services: Services, typed: str) -> list[str]:
    """For autocomplete: entry titles and aliases starting with what is typed, then those
    containing it, then what a search finds (for a typo)."""
    names = sorted(
        {name for entry in services.knowledge.entries for name in (entry.title, *entry.aliases)},
        key=str.casefold,
    )
    wanted = typed.strip().casefold()
    starting = [n for n in names if n.casefold().startswith(wanted)]
    containing = [n for n in names if wanted in n.casefold() and n not in starting]
    return (starting + containing) or [m.entry.title for m in services.knowledge.search(typed)]


TERM = Text(
    "term",
    "The term to explain, e.g. structural racism",
    max_length=300,
    complete=term_names,
)
WORDS = Text(
    "words", "What to look for; a leading kind or tag narrows it, e.g. toolkit", max_length=300
)
MAX_RELATED_BUTTONS = 4
MAX_FIND_RESULTS = 5
# Score points within which a second answer is offered first under "See also".
ALSO_MARGIN = 10

HOW_TO_SUGGEST = (
    "If you know a good source on this, `suggest <link> <title>` sends it to the hub's "
    "curators so it can be added."
)


async def define(request: Request, services: Services) -> Reply:
    if not request.args:
        return Reply("Which term? For example: `define structural racism`.", private=True)
    found = services.knowledge.lookup(request.args, kind="definition")
    if not found.answers:
        found = services.knowledge.lookup(request.args)
    return _answer(request, found, services)


async def find(request: Request, services: Services) -> Reply:
    if not request.args:
        return Reply(
            "What are you looking for? For example: `find co-production toolkit`, or narrow "
            "by kind or tag: `find toolkit co-production`.",
            private=True,
        )
    kind, tag, query = _narrowing(request.args, services)
    # A lone kind or tag (`find toolkit`) is also what to rank by: toolkits first among the
    # resources, then the rest of that kind or tag, by title.
    ranked = services.knowledge.ranked(query or request.args, kind=kind, tag=tag)
    found = [m.entry for m in ranked]
    if not query:
        rest = [
            e
            for e in services.knowledge.entries
            if (kind is None or e.kind == kind) and (tag is None or tag in e.tags)
        ]
        found += sorted((e for e in rest if e not in found), key=lambda e: e.title.lower())
    if not found:
        return _not_found(request, services)
    if len(found) == 1:
        return entry_reply(found[0], services)
    shown = found[:MAX_FIND_RESULTS]
    lines = [f"• {e.title}: {e.summary}" for e in shown]
    if len(found) > len(shown):
        lines.append(f"…and {len(found) - len(shown)} more: add a word or two to narrow it.")
    return Reply(
        "\n".join([f"Here is what I found for “{request.args}”, most relevant first:", *lines]),
        title=f"Results for “{request.args}”",
        buttons=tuple(_show_button(e) for e in shown),
    )


async def answer_question(request: Request, services: Services) -> Reply:
    """Anything that is not a command is read as a question for the knowledge base."""
    return _answer(request, services.knowledge.lookup(request.args), services)


async def show_entry(request: Request, services: Services) -> Reply:
    """A related-entry or suggestion button: its value is an entry id, and untrusted."""
    entry = services.knowledge.get(request.args)
    if entry is None:
        return Reply(
            "That entry is no longer in the knowledge base. Try `find` with a few words.",
            private=True,
        )
    return entry_reply(entry, services)


def entry_reply(entry: Entry, services: Services, also: Sequence[Entry] = ()) -> Reply:
    """An entry as an answer: title, summary, source link, and what to read next."""
    related = [e for e in (services.knowledge.get(i) for i in entry.related) if e is not None]
    next_reads = list(dict.fromkeys([*also, *related]))[:MAX_RELATED_BUTTONS]
    lines = [entry.title, entry.summary]
    if entry.url or entry.source:
        lines.append("Source: " + " — ".join(part for part in (entry.source, entry.url) if part))
    if next_reads:
        lines.append("See also: " + ", ".join(e.title for e in next_reads))
    return Reply(
        "\n".join(lines),
        title=entry.title,
        link=Button("Read more", url=entry.url) if entry.url else None,
        buttons=tuple(_show_button(e) for e in next_reads),
    )


def _answer(request: Request, found: Lookup, services: Services) -> Reply:
    query = request.args
    if not found.answers:
        return _not_found(request, services, found.suggestions)
    best, *others = found.answers
    # A question naming two terms ("the difference between institutional and structural
    # racism") gets both: the best as the answer, the other near the top as the first button.
    also = [m.entry for m in others if m.score >= best.score - ALSO_MARGIN][:1]
    reply = entry_reply(best.entry, services, also=also)
    return feedback.with_feedback_buttons(reply, query, best.entry.id)


def _not_found(
    request: Request, services: Services, suggestions: Sequence[Match] | None = None
) -> Reply:
    """ "I don't have that", and, when some entries come close, those as "Did you mean"
    buttons: one click shows the entry. Never a guess presented as the answer."""
    query = request.args
    feedback.note_unanswered(services, query, request.member.id)
    if suggestions is None:
        suggestions = services.knowledge.closest(query)
    lines = [f"I don't have that yet: nothing in the LARCH knowledge base answers “{query}”."]
    if suggestions:
        lines.append("Did you mean one of these? " + "; ".join(m.entry.title for m in suggestions))
    lines.append(HOW_TO_SUGGEST)
    lines.append("Type `help` to see everything I can do.")
    return Reply(
        "\n".join(lines),
        buttons=tuple(_show_button(m.entry, "Did you mean: ") for m in suggestions),
        private=True,
    )


def _narrowing(args: str, services: Services) -> tuple[str | None, str | None, str]:
    """`find toolkit co-production` narrows by a leading word that names a kind or a tag;
    the rest, possibly nothing, is the query."""
    first, _, rest = args.partition(" ")
    kind = services.knowledge.kind_of(first)
    if kind is not None:
        return kind, None, rest.strip()
    if services.knowledge.is_tag(first):
        return None, first.lower(), rest.strip()
    return None, None, args


def _show_button(entry: Entry, prefix: str = "") -> Button:
    return entry_button(entry.id, f"{prefix}{entry.title}")


COMMANDS: list[CommandSpec[Services]] = [
    CommandSpec(
        name="define",
        summary="What a term means, in plain words, with its source",
        handler=define,
        params=(TERM,),
        examples=("define structural racism", "define WRES"),
    ),
    CommandSpec(
        name="find",
        summary="Find toolkits, training, evidence and organisations",
        handler=find,
        params=(WORDS,),
        examples=("find co-production toolkit", "find training leadership"),
    ),
]

ACTIONS = [ActionSpec(SHOW_ENTRY, show_entry)]

FEATURE: Feature[Services] = Feature(commands=COMMANDS, actions=ACTIONS)
