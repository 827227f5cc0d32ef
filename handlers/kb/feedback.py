"""Answers learn. Under an answer the asker finds "Helpful" and "Not what I needed"; a
question nothing answered, and an answer marked not what was needed, are kept, and
`kb gaps` shows the curators this month's most frequent, so they know what to write next.

Questions nothing answered are kept without a name. A mark on an answer is kept once per
member, question and month, so clicking twice counts once. Questions are grouped by their
words, whatever the case, spacing or closing question mark.
"""

from dataclasses import replace

from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import Button, Reply, Role
from handlers.kb.library import local_day
from handlers.services import Services
from storage import kb
from storage.kb import HELPFUL, UNANSWERED, UNHELPFUL

HELPFUL_ACTION = "kb.helpful"
UNHELPFUL_ACTION = "kb.unhelpful"
# A question as kept and carried in the buttons: enough to recognise it, never a document.
MAX_QUERY_CHARS = 200
MAX_GAPS = 10
SEPARATOR = "|"

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


def note_unanswered(services: Services, query: str) -> None:
    """Keep a question the knowledge base had no answer for, without who asked."""
    _keep(services, UNANSWERED, query)


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
        gaps = kb.gaps(session, f"{today:%Y-%m}", MAX_GAPS)
    month = f"{today:%B %Y}"
    if not gaps:
        return Reply(
            f"No gaps so far in {month}: every question found an answer, and nobody marked "
            "one as not what they needed.",
            private=True,
        )
    lines = [
        f"What members asked in {month} that the knowledge base did not answer, or answered "
        "with something that was not what they needed; most asked first:",
        *(f"• “{gap.query}”: {_times(gap.count)}" for gap in gaps),
        "Write an entry, or `suggest` a resource, for the top ones.",
    ]
    return Reply("\n".join(lines), title=f"Knowledge gaps, {month}", private=True)


def query_key(query: str) -> str:
    """`What is WRES?` and `what is  wres` are one question."""
    return " ".join(query.casefold().split()).rstrip(" ?!.")[:MAX_QUERY_CHARS]


def _mark(request: Request, services: Services, outcome: str) -> str | None:
    """Keep the member's mark on the answer a button's untrusted value names; the
    question, or None when the value names no answer we have."""
    entry_id, separator, query = request.args.partition(SEPARATOR)
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
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
            " ".join(query.split())[:MAX_QUERY_CHARS],
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
