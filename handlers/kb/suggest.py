"""Members suggest resources: `suggest <link> <title>`, or `suggest` alone for a short form
(title, link, what it is, why it helps, tags).

A link that is not a web address, or an over-long title, gets a kind reply and
nothing is stored. When the knowledge base already has the link, or an entry whose name
reads almost the same, or the link is already waiting for review, the member is shown what
we have and asked before anything is sent. A suggestion sent goes to the curators (see
review.py) and the member is thanked.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlmodel import Session

from contract.params import Text, Word
from contract.specs import ActionSpec, CommandSpec, Request, WebForm, WebFormAnswer
from contract.vocabulary import Button, ButtonStyle, MemberProfile, Reply
from handlers.entry_buttons import entry_button
from handlers.kb import review
from handlers.kb.library import url_key
from handlers.kb.suggestion import (
    FieldProblem,
    as_fields,
    check_suggestion,
    link_problem,
    read_suggestion,
    suggestion_form,
)
from handlers.services import Services
from knowledge.normalise import normalise
from knowledge.search import SearchIndex
from storage import kb
from storage.kb import Suggested

SEND = "kb.suggest"
SEND_ANYWAY = "kb.suggest_anyway"
LEAVE_IT = "kb.suggest_leave"
# fuzz.ratio of two normalised names at or above which they are "very close": a typo or a
# plural apart ("Anti-racism toolkits" and "anti-racism toolkit"), not merely on one topic.
CLOSE_NAME = 90
MAX_SIMILAR = 3

# Who the curators are told suggested what a visitor to the web pages sent.
WEB_VISITOR = "A visitor to the web pages"

FORM_OPENING = (
    "Thank you for helping the knowledge base grow. Tell me about it: the curators read "
    "every suggestion."
)


LINK = Word("link", "https://example.org/page", required=False, max_length=2000)
TITLE = Text("title", "What the resource is called", required=False)


async def suggest(request: Request, services: Services) -> Reply:
    link, title = request.optional(LINK), request.optional(TITLE)
    if link is None:
        return Reply(FORM_OPENING, form=suggestion_form(SEND), private=True)
    if title is None:
        problem = link_problem(link)
        if problem is not None:
            return _cannot_take(problem)
        return Reply(
            "What is it called? The form has the link already.",
            form=suggestion_form(SEND, initial={"link": link}),
            private=True,
        )
    return await _offer(request, services, read_suggestion({"link": link, "title": title}))


async def send_form(request: Request, services: Services) -> Reply:
    return await _offer(request, services, read_suggestion(request.fields))


async def send_anyway(request: Request, services: Services) -> Reply:
    """ "Submit anyway": the button carries the suggestion, read and checked again here."""
    try:
        fields = json.loads(request.args)
    except ValueError:
        fields = None
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        return Reply(
            "That button no longer works, so nothing was sent. Try `suggest` again.", private=True
        )
    suggested = read_suggestion(fields)
    if isinstance(suggested, str):
        return _cannot_take(suggested)
    return await _send(request, services, suggested)


async def leave_it(request: Request, services: Services) -> Reply:
    return Reply("No problem: nothing was sent. Thank you for looking out.", private=True)


async def _offer(request: Request, services: Services, suggested: Suggested | str) -> Reply:
    if isinstance(suggested, str):
        return _cannot_take(suggested)
    with services.db.session() as session:
        similar = _already_have(session, services.knowledge, suggested)
    if not similar:
        return await _send(request, services, suggested)
    lines = [f"• “{s.title}” ({s.why})" for s in similar]
    return Reply(
        "\n".join(["Looks like we already have:", *lines, "Submit yours anyway?"]),
        buttons=(
            Button(
                "Submit anyway",
                action_id=SEND_ANYWAY,
                value=json.dumps(as_fields(suggested), ensure_ascii=False),
                style=ButtonStyle.PRIMARY,
            ),
            Button("No, leave it", action_id=LEAVE_IT),
            *(entry_button(s.entry_id, s.title) for s in similar if s.entry_id),
        ),
        private=True,
    )


async def _send(request: Request, services: Services, suggested: Suggested) -> Reply:
    waiting = await _send_to_curators(services, suggested, request.member)
    if waiting is not None:
        return Reply(
            f"You have suggested this link already (“{waiting}”), and it is waiting for the "
            "curators. Nothing new was sent.",
            private=True,
        )
    return Reply(
        f"Thank you, {request.member.display_name}! I've passed “{suggested.title}” to the "
        "curators to review, and I'll let you know what they decide.",
        private=True,
    )


async def _send_to_curators(
    services: Services, suggested: Suggested, member: MemberProfile | None
) -> str | None:
    """Into the curators' queue, and posted in their channel; a visitor to the web pages
    (no `member`) is nobody the curators can answer. Returns the title already waiting
    when the same sender suggested the link before, and sends nothing then."""
    now = services.clock.now()
    member_id = member.id if member is not None else None
    with services.db.session() as session:
        mine = [
            s
            for s in kb.pending_submissions(session)
            if s.submitted_by == member_id and s.url_key == suggested.url_key
        ]
        if mine:
            return mine[0].title
        submission = kb.add_submission(session, suggested, member_id, now)
    sender = member.display_name if member is not None else WEB_VISITOR
    await review.post_suggestion(services, submission, sender)
    return None


async def receive_from_web(
    services: Services, fields: Mapping[str, str], member: MemberProfile | None
) -> WebFormAnswer:
    """The web pages' "Submit a resource" form: read and sent as `suggest`'s form is. The
    page cannot offer "Submit anyway", so a link or title we have already is sent too, for
    the curators to judge."""
    checked = check_suggestion(fields)
    if isinstance(checked, FieldProblem):
        said = checked.text[0].upper() + checked.text[1:]
        return WebFormAnswer(problem=said, field=checked.field)
    waiting = await _send_to_curators(services, checked, member)
    if waiting is not None:
        return WebFormAnswer(
            thanks=f"You have suggested this link already (“{waiting}”), and it is waiting "
            "for the curators."
        )
    return WebFormAnswer(
        thanks=f"Thank you: “{checked.title}” is with the curators, who read every suggestion."
    )


def _cannot_take(problem: str) -> Reply:
    return Reply(
        f"I couldn't take that suggestion: {problem} Nothing was sent. Try "
        "`suggest <link> <title>`, or `suggest` on its own for a form.",
        private=True,
    )


@dataclass(frozen=True)
class Similar:
    title: str
    why: str
    entry_id: str | None = None


def _already_have(session: Session, knowledge: SearchIndex, suggested: Suggested) -> list[Similar]:
    """Entries and waiting suggestions with the same link, then entries whose title or
    alias reads almost like the suggested title."""
    found = [
        Similar(e.title, "the same link", e.id)
        for e in knowledge.entries
        if e.url and url_key(e.url) == suggested.url_key
    ]
    found += [
        Similar(s.title, "the same link, suggested already and waiting for review")
        for s in kb.pending_submissions(session)
        if s.url_key == suggested.url_key
    ]
    names = {
        (entry.id, name): normalise(name)
        for entry in knowledge.entries
        for name in (entry.title, *entry.aliases)
    }
    close = process.extract(
        normalise(suggested.title), names, scorer=fuzz.ratio, score_cutoff=CLOSE_NAME, limit=None
    )
    for _, _, (entry_id, name) in close:
        if all(s.entry_id != entry_id for s in found):
            entry = knowledge.get(entry_id)
            if entry is not None:
                why = "a very similar title" if name == entry.title else f"also called “{name}”"
                found.append(Similar(entry.title, why, entry_id))
    return found[:MAX_SIMILAR]


COMMANDS = [
    CommandSpec(
        name="suggest",
        summary="Suggest a resource for the knowledge base; on its own, opens a short form",
        handler=suggest,
        opens_form=True,
        params=(LINK, TITLE),
        examples=(
            "suggest https://www.nhsrho.org/research/ Ethnic inequalities in healthcare",
            "suggest",
        ),
    ),
]

ACTIONS = [
    ActionSpec(SEND, send_form),
    ActionSpec(SEND_ANYWAY, send_anyway),
    ActionSpec(LEAVE_IT, leave_it),
]

WEB_FORMS = [
    WebForm(
        name="submit",
        heading="Submit a resource",
        introduction=(
            "Know a toolkit, a piece of research or good practice that would help London's "
            "health and care organisations tackle racism? Tell the hub's curators: they "
            "read every suggestion, and approved ones join the library."
        ),
        form=suggestion_form(SEND),
        receive=receive_from_web,
    )
]
