"""Keeping entries true. Every entry has a review date and an owner: the curator who
approved it, or the curators together (the content files' `owner: curators`). Each week,
on the morning of its first working day (Monday, or Tuesday after a bank holiday), every
curator gets the entries they look after that are due within the week or
overdue, with two buttons each: "Still accurate" moves the review date on six months, and
"Needs change" asks what, and puts the note in the curators' queue. `kb stale` lists
everything due, whoever owns it.

The planner writes one due row per curator per week (`kb:stale:2026-W48:7`), so it may run
every pass; the job reads the entries when it sends, and sends nothing when none is due.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from contract.specs import ActionSpec, CommandSpec, DueJob, JobSpec, Request
from contract.vocabulary import Button, ButtonStyle, Form, FormField, Reply, Role
from handlers.kb.library import (
    REVIEW_EVERY_MONTHS,
    local_day,
    member_name,
    months_after,
    review_dates,
)
from handlers.kb.weeks import at_local, monday_of, week_key
from handlers.notify import send_to_member
from handlers.services import Services
from handlers.working_days import first_working_day_from
from knowledge.entries import Entry
from knowledge.search import SearchIndex
from storage import due, kb, members

STILL_ACCURATE = "kb.still_accurate"
NEEDS_CHANGE = "kb.needs_change"
CHANGE_NOTE = "kb.change_note"
REMINDER_KIND = "kb.review_reminder"
# Reminders go at 10:00, London time, on the week's first working day, and cover what falls
# due before the next.
REMIND_AT = time(10, 0)
DUE_WITHIN = timedelta(days=7)
MAX_LISTED = 15
WITH_BUTTONS = 5
MAX_NOTE_CHARS = 500

GONE = Reply(
    "That entry is no longer in the knowledge base, so there is nothing to review.",
    private=True,
)


@dataclass(frozen=True)
class Due:
    entry: Entry
    review_by: date
    # None: the curators together.
    owner_id: int | None
    note: str | None


def due_for_review(session: Session, knowledge: SearchIndex, today: date) -> list[Due]:
    """Entries due for review within the week or overdue, soonest first."""
    states = kb.review_states(session)
    found = []
    for entry in knowledge.entries:
        state = states.get(entry.id)
        _, review_by = review_dates(entry, state)
        if review_by is not None and review_by <= today + DUE_WITHIN:
            owner = state.owner_id if state is not None else None
            note = state.change_note if state is not None else None
            found.append(Due(entry, review_by, owner, note))
    return sorted(found, key=lambda d: (d.review_by, d.entry.title))


def looks_after(due_entry: Due, curator_id: int, curator_ids: set[int]) -> bool:
    """Whether the entry is this curator's to review: theirs, or the curators' together
    (which is also where an entry goes whose owner is no longer a curator)."""
    return due_entry.owner_id == curator_id or due_entry.owner_id not in curator_ids


async def plan_reminders(services: Services, now: datetime) -> None:
    """Make sure every curator has this week's reminder due (sent at once to a curator
    who joins mid-week)."""
    monday = monday_of(now, services.timezone)
    remind_at = at_local(first_working_day_from(monday), REMIND_AT, services.timezone)
    with services.db.session() as session:
        for curator in members.holders_of(session, Role.CURATOR):
            key = f"kb:stale:{week_key(monday)}:{curator.id}"
            if due.find(session, key) is None:
                due.schedule(
                    session, key, REMINDER_KIND, max(remind_at, now), {"member_id": curator.id}
                )


async def send_reminder(job: DueJob, services: Services) -> str | None:
    member_id = job.payload["member_id"]
    today = local_day(services.clock.now(), services.timezone)
    with services.db.session() as session:
        curator_ids = {p.id for p in members.holders_of(session, Role.CURATOR)}
        if member_id not in curator_ids:
            return None
        theirs = [
            d
            for d in due_for_review(session, services.knowledge, today)
            if looks_after(d, member_id, curator_ids)
        ]
    if not theirs:
        return None
    count = "one entry" if len(theirs) == 1 else f"{len(theirs)} entries"
    reply = _review_list(
        theirs,
        today,
        f"Time to check the knowledge base: {count} you look after "
        f"{'is' if len(theirs) == 1 else 'are'} due for review. Is each still accurate?",
    )
    if await send_to_member(services, member_id, reply) is None:
        return None
    return f"review reminder to member {member_id}: {count}"


async def show_stale(request: Request, services: Services) -> Reply:
    today = local_day(services.clock.now(), services.timezone)
    with services.db.session() as session:
        listed = due_for_review(session, services.knowledge, today)
        owners = {d.owner_id: member_name(session, d.owner_id) for d in listed if d.owner_id}
    if not listed:
        return Reply(
            "Nothing is due for review this week: every entry has been checked recently.",
            private=True,
        )
    return _review_list(
        listed,
        today,
        f"Due for review within the week, or overdue ({len(listed)}):",
        owners,
    )


async def still_accurate(request: Request, services: Services) -> Reply:
    entry = services.knowledge.get(request.args)
    if entry is None:
        return GONE
    today = local_day(services.clock.now(), services.timezone)
    with services.db.session() as session:
        state = kb.review_states(session).get(entry.id)
        last_reviewed, review_by = review_dates(entry, state)
        if review_by is not None and review_by > today + DUE_WITHIN:
            who = member_name(session, state.confirmed_by) if state and state.confirmed_by else None
            by = f" by {who}" if who else ""
            checked = f", checked{by} on {last_reviewed:%-d %B %Y}" if last_reviewed else ""
            return Reply(
                f"“{entry.title}” is not due yet{checked}: its next review is by "
                f"{review_by:%-d %B %Y}. Nothing changed.",
                private=True,
            )
        next_review = months_after(today, REVIEW_EVERY_MONTHS)
        kb.confirm(session, entry.id, request.member.id, today, next_review)
    return Reply(
        f"Thank you: “{entry.title}” is marked accurate as of today; its next review is by "
        f"{next_review:%-d %B %Y}.",
        private=True,
    )


async def needs_change(request: Request, services: Services) -> Reply:
    entry = services.knowledge.get(request.args)
    if entry is None:
        return GONE
    return Reply(
        f"What needs changing in “{entry.title}”? Your note goes in the curators' queue.",
        form=Form(
            title="What needs changing?",
            action_id=CHANGE_NOTE,
            value=entry.id,
            fields=(
                FormField(
                    "note",
                    "What needs changing",
                    multiline=True,
                    placeholder="The link has moved to …",
                    max_length=MAX_NOTE_CHARS,
                ),
            ),
            submit_label="Add to the queue",
        ),
        private=True,
    )


async def note_change(request: Request, services: Services) -> Reply:
    entry = services.knowledge.get(request.args)
    if entry is None:
        return GONE
    note = " ".join(request.fields.get("note", "").split())
    if not note or len(note) > MAX_NOTE_CHARS:
        return Reply(
            f"Say what needs changing, in under {MAX_NOTE_CHARS} characters. Nothing was noted.",
            private=True,
        )
    with services.db.session() as session:
        kb.note_change(session, entry.id, note, request.member.id, services.clock.now())
    return Reply(
        f"Noted: “{entry.title}” is in the curators' queue (`kb queue`) as needing a change. "
        "Once it is fixed, “Still accurate” clears the note.",
        private=True,
    )


def _review_list(
    listed: list[Due], today: date, opening: str, owners: dict[int, str] | None = None
) -> Reply:
    lines = [opening]
    for item in listed[:MAX_LISTED]:
        when = (
            f"overdue since {item.review_by:%-d %b %Y}"
            if item.review_by < today
            else f"due {item.review_by:%-d %b %Y}"
        )
        owner = ""
        if owners is not None:
            owner = f", looked after by {owners.get(item.owner_id or 0, 'the curators')}"
        lines.append(f"• “{item.entry.title}” ({item.entry.id}): {when}{owner}")
        if item.note:
            lines.append(f"  Needs change: {item.note}")
    if len(listed) > MAX_LISTED:
        lines.append(f"…and {len(listed) - MAX_LISTED} more after these, soonest due first.")
    buttons = tuple(
        button
        for item in listed[:WITH_BUTTONS]
        for button in (
            Button(
                f"Still accurate: {item.entry.title}",
                action_id=STILL_ACCURATE,
                value=item.entry.id,
                style=ButtonStyle.PRIMARY,
            ),
            Button(
                f"Needs change: {item.entry.title}", action_id=NEEDS_CHANGE, value=item.entry.id
            ),
        )
    )
    return Reply("\n".join(lines), title="Knowledge base review", buttons=buttons, private=True)


COMMANDS = [
    CommandSpec(
        name="kb stale",
        summary="Entries due for review within the week, or overdue (curators)",
        handler=show_stale,
        role=Role.CURATOR,
    ),
]

ACTIONS = [
    ActionSpec(STILL_ACCURATE, still_accurate, role=Role.CURATOR),
    ActionSpec(NEEDS_CHANGE, needs_change, role=Role.CURATOR, opens_form=True),
    ActionSpec(CHANGE_NOTE, note_change, role=Role.CURATOR),
]
JOBS = [JobSpec(REMINDER_KIND, send_reminder)]
PLANNERS = [plan_reminders]
