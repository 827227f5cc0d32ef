"""Answers learn. Under an answer the asker finds "Helpful" and "Not what I needed"; a
question nothing answered, and an answer marked not what was needed, are kept, and
`kb gaps` shows the curators this month's most frequent, so they know what to write next.

Questions nothing answered are kept without a name. A mark on an answer is kept once per
member, question and month, so clicking twice counts once. Questions are kept without the
greeting, the thanks or a stray button number around them, and grouped by the words that
carry their meaning, whatever their order, case, spelling variant or plural: "hi, how do I
book the Lambeth hall?" and "how to book Lambeth halls" are one question.
"""

import re
from dataclasses import replace

from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import Button, Reply, Role
from handlers.kb.library import local_day
from handlers.services import Services
from knowledge.normalise import words
from storage import kb
from storage.kb import HELPFUL, UNANSWERED, UNHELPFUL

HELPFUL_ACTION = "kb.helpful"
UNHELPFUL_ACTION = "kb.unhelpful"
# A question as kept and carried in the buttons: enough to recognise it, never a document.
MAX_QUERY_CHARS = 200
MAX_GAPS = 10
SEPARATOR = "|"

_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|morning|good (?:morning|afternoon|evening)|dear|please)\b"
    r"(?:\s+(?:there|bot|larch|all|team|everyone)\b)?[\s,!.:;-]*)+",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"[\s,!.:;-]*\b(?:thanks|thank you|thx|cheers|please|pls|ta)\b[\s,!.]*$", re.IGNORECASE
)
# "3 what is wres": a button number typed before the question, on the console.
_NUMBERED = re.compile(r"^[0-9]{1,2}\s*[.):]?\s+(?=[^0-9\s])")
# Words that do not change what was asked.
FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "be",
        "do",
        "does",
        "did",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "can",
        "could",
        "would",
        "should",
        "please",
        "tell",
        "about",
        "of",
        "for",
        "on",
        "in",
        "to",
        "and",
        "or",
        "what",
        "whats",
        "how",
        "who",
        "where",
        "when",
        "which",
        "any",
        "there",
        "it",
        "this",
        "that",
        "with",
        "some",
        "know",
    ]
)

STALE_BUTTON = Reply(
    "That button belongs to an answer I no longer have, so nothing was noted.", private=True
)


def with_feedback_buttons(reply: Reply, query: str, entry_id: str) -> Reply:
    """`reply` (an answer from `entry_id` to `query`) with the two feedback buttons."""
    value = f"{entry_id}{SEPARATOR}{query.strip()[:MAX_QUERY_CHARS]}"
    return replace(
        reply,
        buttons=(
            *reply.buttons,
            Button("Helpful", action_id=HELPFUL_ACTION, value=value),
            Button("Not what I needed", action_id=UNHELPFUL_ACTION, value=value),
        ),
    )


def note_unanswered(services: Services, query: str, member_id: int) -> None:
    """Keep a question the knowledge base had no answer for. Curators see it without who
    asked; the asker is kept so that `forget me` can take their words away."""
    _keep(services, UNANSWERED, query, member_id=member_id)


async def helpful(request: Request, services: Services) -> Reply:
    query = _mark(request, services, HELPFUL)
    if query is None:
        return STALE_BUTTON
    return Reply("Thank you: glad that helped.", private=True)


async def unhelpful(request: Request, services: Services) -> Reply:
    query = _mark(request, services, UNHELPFUL)
    if query is None:
        return STALE_BUTTON
    return Reply(
        f"Thank you for telling me. I've noted “{query}” for the curators, so they know what "
        "to add next. If you know a good source, `suggest <link> <title>` sends it to them.",
        private=True,
    )


async def show_gaps(request: Request, services: Services) -> Reply:
    today = local_day(services.clock.now(), services.timezone)
    with services.db.session() as session:
        gaps = kb.gaps(session, f"{today:%Y-%m}")
    month = f"{today:%B %Y}"
    if not gaps:
        return Reply(
            f"No gaps so far in {month}: every question found an answer, and nobody marked "
            "one as not what they needed.",
            private=True,
        )
    shown = gaps[:MAX_GAPS]
    lines = [
        f"What members asked in {month} that the knowledge base did not answer, or answered "
        "with something that was not what they needed; most asked first:",
        *(f"• “{gap.query}”: {_times(gap.count)}" for gap in shown),
    ]
    if len(gaps) > len(shown):
        lines.append(f"…and {len(gaps) - len(shown)} more, asked less often.")
    lines.append("Write an entry, or `suggest` a resource, for the top ones.")
    return Reply("\n".join(lines), title=f"Knowledge gaps, {month}", private=True)


def cleaned(query: str) -> str:
    """The question without a greeting, thanks or a button number around it."""
    text = " ".join(query.split())
    text = _THANKS.sub("", _GREETING.sub("", _NUMBERED.sub("", text)))
    return text[:MAX_QUERY_CHARS]


def query_key(query: str) -> str:
    """The words that carry the question's meaning, in one order: the same question in
    other words is one key. Empty for no question (a greeting, a lone number)."""
    said = cleaned(query)
    if said.strip(" ?!.").isdigit():
        return ""
    meaning = sorted({word for word in words(said) if word not in FILLER})
    return " ".join(meaning)[:MAX_QUERY_CHARS]


def _mark(request: Request, services: Services, outcome: str) -> str | None:
    """Keep the member's mark on the answer a button's untrusted value names; the
    question, or None when the value names no answer we have."""
    entry_id, separator, query = request.args.partition(SEPARATOR)
    query = cleaned(query)
    if not separator or not query_key(query) or services.knowledge.get(entry_id) is None:
        return None
    _keep(services, outcome, query, entry_id=entry_id, member_id=request.member.id)
    return query


def _keep(
    services: Services,
    outcome: str,
    query: str,
    *,
    entry_id: str | None = None,
    member_id: int | None = None,
) -> None:
    key = query_key(query)
    if not key:
        return
    now = services.clock.now()
    with services.db.session() as session:
        kb.record_feedback(
            session,
            outcome,
            cleaned(query),
            key,
            f"{local_day(now, services.timezone):%Y-%m}",
            now,
            member_id=member_id,
            entry_id=entry_id,
        )


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


COMMANDS = [
    CommandSpec(
        name="kb gaps",
        summary="This month's questions the knowledge base could not answer well (curators)",
        handler=show_gaps,
        role=Role.CURATOR,
    ),
]

ACTIONS = [
    ActionSpec(HELPFUL_ACTION, helpful),
    ActionSpec(UNHELPFUL_ACTION, unhelpful),
]
