"""Curators decide on members' suggestions. Each arrives in the curators' channel with
Approve, Edit and Reject; `kb queue` lists those still waiting, and the entries a curator
has flagged as needing a change.

Approve puts the suggestion in the knowledge base at once: stored in the database, marked
as member-submitted with who suggested it and when, searchable from the next question.
Edit opens the suggestion in a form and approves it as corrected. Reject asks for a reason,
which reaches the member with thanks. A decision is a conditional update of a suggestion
still waiting, so a second click, by the same curator or another at the same moment, is
told who decided first and changes nothing.
"""

import logging
import re
import unicodedata
from collections.abc import Awaitable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from contract.paging import START, page_of
from contract.params import Number
from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import Button, ButtonStyle, Form, FormField, Reply, Role
from handlers.kb.library import (
    MEMBER_SUBMITTED,
    REVIEW_EVERY_MONTHS,
    as_entry,
    local_day,
    member_name,
    months_after,
    serve_current,
    suggester,
)
from handlers.kb.suggestion import as_fields, read_suggestion, suggestion_form
from handlers.notify import announce, send_to_member
from handlers.services import Services
from knowledge.normalise import normalise
from storage import kb
from storage.kb import APPROVED, REJECTED, ApprovedEntry, Submission, Suggested

APPROVE = "kb.approve"
EDIT = "kb.edit"
SAVE_AND_APPROVE = "kb.edit_save"
REJECT = "kb.reject"
REJECT_WITH_REASON = "kb.reject_reason"
QUEUE_PAGE = "kb.queue_page"
SUGGESTION = Number("suggestion", "The suggestion's number")
MAX_REASON_CHARS = 500
MAX_ID_CHARS = 60
# Submissions of a `kb queue` page shown with their own buttons; the rest are listed.
QUEUE_WITH_BUTTONS = 3

log = logging.getLogger(__name__)

NO_SUCH = Reply(
    "I can't find that suggestion, so nothing changed. `kb queue` lists those waiting.",
    private=True,
)


async def post_suggestion(services: Services, submission: Submission, suggested_by: str) -> None:
    """A new suggestion, posted in the curators' channel on every platform."""
    await _after_the_fact(
        announce(services, "curators", _suggestion_post(submission, suggested_by)),
        f"post suggestion {submission.id} to the curators",
    )


def _suggestion_post(submission: Submission, suggested_by: str) -> Reply:
    return Reply(
        "\n".join(
            [
                f"{suggested_by} suggests {_a(submission.kind)} for the knowledge base: "
                f"“{submission.title}” (suggestion #{submission.id}).",
                *_described(submission),
                "Approve adds it now; Edit lets you correct it first; Reject asks for a "
                "reason, which I pass on kindly.",
            ]
        ),
        title=f"Suggestion #{submission.id}: {submission.title}",
        link=Button("Open the link", url=submission.url),
        buttons=_decision_buttons(submission),
    )


async def approve(request: Request, services: Services) -> Reply:
    submission = _waiting(request.value(SUGGESTION), services)
    if isinstance(submission, Reply):
        return submission
    suggested = _as_suggested(submission)
    if not suggested.description:
        return Reply(
            "Before it goes in, it needs a sentence on what it is, to show in answers: add it "
            "here.",
            form=_edit_form(submission),
            private=True,
        )
    return await _approve(request, services, submission, suggested)


async def edit(request: Request, services: Services) -> Reply:
    submission = _waiting(request.value(SUGGESTION), services)
    if isinstance(submission, Reply):
        return submission
    return Reply(
        "Correct what needs it; saving approves it.", form=_edit_form(submission), private=True
    )


async def save_and_approve(request: Request, services: Services) -> Reply:
    submission = _waiting(request.value(SUGGESTION), services)
    if isinstance(submission, Reply):
        return submission
    suggested = read_suggestion(request.fields)
    if isinstance(suggested, str):
        return Reply(f"I couldn't approve it: {suggested} Nothing changed.", private=True)
    if not suggested.description:
        return Reply(
            "It needs a sentence on what it is, to show in answers. Nothing changed.",
            private=True,
        )
    return await _approve(request, services, submission, suggested)


async def reject(request: Request, services: Services) -> Reply:
    submission = _waiting(request.value(SUGGESTION), services)
    if isinstance(submission, Reply):
        return submission
    with services.db.session() as session:
        name = member_name(session, submission.submitted_by)
    return Reply(
        f"Why is it not one to add? I'll pass your reason on to {name}, with thanks.",
        form=Form(
            title="Reason for not adding it",
            action_id=REJECT_WITH_REASON,
            value=str(submission.id),
            fields=(
                FormField(
                    "reason",
                    "The reason (sent to the member)",
                    multiline=True,
                    placeholder="We already cover this in …",
                    max_length=MAX_REASON_CHARS,
                ),
            ),
            submit_label="Reject",
        ),
        private=True,
    )


async def reject_with_reason(request: Request, services: Services) -> Reply:
    reason = " ".join(request.fields.get("reason", "").split())
    if not reason:
        return Reply(
            "Please give a reason: the member will want to know. Nothing changed.", private=True
        )
    if len(reason) > MAX_REASON_CHARS:
        return Reply(
            f"Please keep the reason under {MAX_REASON_CHARS} characters. Nothing changed.",
            private=True,
        )
    submission = _waiting(request.value(SUGGESTION), services)
    if isinstance(submission, Reply):
        return submission
    with services.db.session() as session:
        if not kb.decide(
            session, submission, REJECTED, request.member.id, services.clock.now(), reason
        ):
            return _not_waiting(session, submission, services.timezone)
        name = member_name(session, submission.submitted_by)
    await _tell_submitter(
        services,
        submission,
        Reply(
            f"Thank you for suggesting “{submission.title}” for the LARCH knowledge base. The "
            f"curators have decided not to add it this time. Their reason: {reason}\n"
            "Please keep the suggestions coming: every one is read."
        ),
    )
    return Reply(
        f"Not added: “{submission.title}” (suggestion #{submission.id}), by "
        f"{request.member.display_name}. I've let {name} know why, with thanks."
    )


async def show_queue(request: Request, services: Services) -> Reply:
    """`kb queue`, a page at a time: its "Next" button runs it again from where it ended."""
    with services.db.session() as session:
        waiting = [
            (s, member_name(session, s.submitted_by)) for s in kb.pending_submissions(session)
        ]
        notes = [
            (state, member_name(session, state.change_noted_by)) for state in kb.flagged(session)
        ]
    if not waiting and not notes:
        return Reply(
            "Nothing waiting: no suggestions to review and no entries flagged as needing a change.",
            private=True,
        )
    entries: list[tuple[str, Submission | None, str]] = []
    for submission, name in waiting:
        day = local_day(submission.submitted_at, services.timezone)
        line = (
            f"• #{submission.id} “{submission.title}” ({submission.kind}) from {name}, "
            f"{day:%-d %b}: {submission.url}"
        )
        entries.append(
            (f"Suggestions waiting for review ({len(waiting)}), oldest first:", submission, line)
        )
    for state, name in notes:
        entry = services.knowledge.get(state.entry_id)
        title = entry.title if entry is not None else state.entry_id
        line = f"• “{title}” ({state.entry_id}), from {name}: {state.change_note}"
        entries.append(("Entries flagged as needing a change:", None, line))
    page = page_of(entries, request.optional(START) or 0)
    lines = [f"Showing {page.range_words}."] if page.range_words else []
    heading = None
    for entry_heading, _, line in page.items:
        if entry_heading != heading:
            lines.append(entry_heading)
            heading = entry_heading
        lines.append(line)
    shown = [submission for _, submission, _ in page.items if submission is not None]
    buttons = tuple(
        button
        for submission in shown[:QUEUE_WITH_BUTTONS]
        for button in _decision_buttons(submission, numbered=True)
    )
    return Reply(
        "\n".join(lines),
        title="The curators' queue",
        buttons=(*buttons, *page.next_button(QUEUE_PAGE)),
        private=True,
    )


# --- approving -------------------------------------------------------------------------------


async def _approve(
    request: Request, services: Services, submission: Submission, suggested: Suggested
) -> Reply:
    clash = _title_taken(services, suggested.title)
    if clash is not None:
        return Reply(
            f"The knowledge base already has an entry called “{clash}”, and two entries must "
            "not share a name. Give this one a distinct title, or reject it. Nothing changed.",
            form=_edit_form(submission, suggested),
            private=True,
        )
    now = services.clock.now()
    today = local_day(now, services.timezone)
    with services.db.session() as session:
        if not kb.decide(session, submission, APPROVED, request.member.id, now):
            return _not_waiting(session, submission, services.timezone)
        # Retired entries keep their ids: a link to one must never show another.
        files = services.knowledge_source.files
        taken = {e.id for e in (*files, *services.knowledge.entries)}
        taken |= kb.approved_entry_ids(session)
        row = ApprovedEntry(
            id="",
            kind=suggested.kind,
            title=suggested.title,
            summary=suggested.description,
            url=suggested.url,
            url_key=suggested.url_key,
            tags=list(dict.fromkeys([*suggested.tags, MEMBER_SUBMITTED])),
            last_reviewed=today,
            review_by=months_after(today, REVIEW_EVERY_MONTHS),
            submission_id=submission.id,
            suggested_by=submission.submitted_by,
            suggested_at=submission.submitted_at,
            approved_by=request.member.id,
            approved_at=now,
        )
        row.id = kb.add_entry(session, row, _candidate_ids(suggested.title, submission, taken))
        # Whoever approves a suggestion looks after it: theirs are the review reminders.
        kb.set_owner(session, row.id, request.member.id)
        kb.bump_version(session)
        name = member_name(session, submission.submitted_by)
        suggested_by = suggester(session, row)
    entry = as_entry(row, services.timezone, suggested_by)
    serve_current(services)
    await _tell_submitter(
        services,
        submission,
        Reply(
            f"Good news: “{entry.title}”, which you suggested, is now in the LARCH knowledge "
            "base, and members will find it when they ask. Thank you!",
            title=entry.title,
            link=Button("Read more", url=entry.url) if entry.url else None,
        ),
    )
    return Reply(
        f"Approved by {request.member.display_name}: “{entry.title}” is in the knowledge base "
        f"now (id `{entry.id}`), marked as suggested by {name}. I've told them. "
        "`larch-bot kb export` writes it out as a content file."
    )


def _title_taken(services: Services, title: str) -> str | None:
    """The entry whose title or alias the new title would duplicate, if any."""
    key = normalise(title)
    for entry in services.knowledge.entries:
        if any(normalise(name) == key for name in (entry.title, *entry.aliases)):
            return entry.title
    return None


def _candidate_ids(title: str, submission: Submission, taken: set[str]) -> list[str]:
    """Ids for the new entry in order of preference: its title as lower-case words joined
    by hyphens, then numbered, then one named after the suggestion."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = "-".join(re.findall(r"[a-z0-9]+", ascii_title.lower()))[:MAX_ID_CHARS].strip("-")
    base = base or "suggestion"
    candidates = [base, *(f"{base}-{n}" for n in range(2, 10)), f"suggestion-{submission.id}"]
    return [c for c in candidates if c not in taken]


# --- shared pieces ---------------------------------------------------------------------------


def _as_suggested(submission: Submission) -> Suggested:
    return Suggested(
        submission.url,
        submission.url_key,
        submission.title,
        submission.kind,
        submission.why,
        tuple(submission.tags),
        submission.description,
    )


def _edit_form(submission: Submission, suggested: Suggested | None = None) -> Form:
    return suggestion_form(
        SAVE_AND_APPROVE,
        title="Edit and approve",
        value=str(submission.id),
        initial=as_fields(suggested or _as_suggested(submission)),
        curating=True,
        submit_label="Save and approve",
    )


def _described(submission: Submission) -> list[str]:
    lines = [f"Link: {submission.url}"]
    if submission.description:
        lines.append(f"What it is: {submission.description}")
    if submission.why:
        lines.append(f"Why it helps: {submission.why}")
    if submission.tags:
        lines.append(f"Tags: {', '.join(submission.tags)}")
    return lines


def _decision_buttons(submission: Submission, numbered: bool = False) -> tuple[Button, ...]:
    suffix = f" #{submission.id}" if numbered else ""
    value = str(submission.id)
    return (
        Button(f"Approve{suffix}", action_id=APPROVE, value=value, style=ButtonStyle.PRIMARY),
        Button(f"Edit{suffix}", action_id=EDIT, value=value),
        Button(f"Reject{suffix}", action_id=REJECT, value=value, style=ButtonStyle.DANGER),
    )


def _waiting(wanted: int, services: Services) -> Submission | Reply:
    """The waiting suggestion a button or form names, or why there is none to decide."""
    with services.db.session() as session:
        submission = kb.submission(session, wanted)
        if submission is None or submission.status != kb.PENDING:
            return _not_waiting(session, submission, services.timezone)
    return submission


def _not_waiting(session: Session, submission: Submission | None, tz: ZoneInfo) -> Reply:
    """Why a decision cannot be made: no such suggestion, or one already decided (perhaps
    a moment ago, by another curator)."""
    if submission is None:
        return NO_SUCH
    session.add(submission)
    session.refresh(submission)
    decided = "approved" if submission.status == APPROVED else "not added"
    who = member_name(session, submission.reviewed_by)
    when = _day(submission.reviewed_at, tz)
    return Reply(
        f"“{submission.title}” was already {decided} by {who}{when}, so nothing changed.",
        private=True,
    )


async def _tell_submitter(services: Services, submission: Submission, reply: Reply) -> None:
    if submission.submitted_by is not None:
        await _after_the_fact(
            send_to_member(services, submission.submitted_by, reply),
            f"tell member {submission.submitted_by} the decision on suggestion {submission.id}",
        )


async def _after_the_fact(step: Awaitable[object], what: str) -> None:
    """Telling people about a decision already stored: a platform that fails is logged, and
    the member or curator is not told that the stored decision failed."""
    try:
        await step
    except Exception:
        log.exception("could not %s", what)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def _day(instant: datetime | None, tz: ZoneInfo) -> str:
    return "" if instant is None else f" on {local_day(instant, tz):%-d %B %Y}"


COMMANDS = [
    CommandSpec(
        name="kb queue",
        summary="Suggestions waiting for review, and entries flagged for a change (curators)",
        handler=show_queue,
        role=Role.CURATOR,
    ),
]

ACTIONS = [
    ActionSpec(QUEUE_PAGE, show_queue, role=Role.CURATOR, params=(START,)),
    ActionSpec(APPROVE, approve, role=Role.CURATOR, params=(SUGGESTION,), forged=NO_SUCH),
    ActionSpec(
        EDIT, edit, role=Role.CURATOR, params=(SUGGESTION,), forged=NO_SUCH, opens_form=True
    ),
    ActionSpec(
        SAVE_AND_APPROVE, save_and_approve, role=Role.CURATOR, params=(SUGGESTION,), forged=NO_SUCH
    ),
    ActionSpec(
        REJECT, reject, role=Role.CURATOR, params=(SUGGESTION,), forged=NO_SUCH, opens_form=True
    ),
    ActionSpec(
        REJECT_WITH_REASON,
        reject_with_reason,
        role=Role.CURATOR,
        params=(SUGGESTION,),
        forged=NO_SUCH,
    ),
]
