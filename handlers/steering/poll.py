"""Finding a time. The chair types `steering poll` and fills a form: two to eight candidate
times, one per line, and when the poll closes. Every member gets a DM with a row of
buttons per time (Available / If need be / Not available) and can change an answer until
the poll closes. Members who have not answered every time are nudged once halfway through
and once a day before it closes.

At the closing time (or earlier, with `steering poll close`) the bot proposes the best
time: the most available, then the fewest not available, then the earliest. The chair
confirms with a button and the meeting is created (see `meetings.py`).
"""

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from contract.params import Choice, Flag, Number
from contract.specs import ActionSpec, CommandSpec, DueJob, JobSpec, Request
from contract.vocabulary import Button, ButtonStyle, Form, FormField, Reply, Role
from contract.when import WhenError, format_when, parse_when, shown_span, shown_when
from handlers.services import Services
from handlers.steering import meetings, roster
from storage import due, steering
from storage.steering import AVAILABLE, IF_NEED_BE, NOT_AVAILABLE, Poll, SlotTally

OPEN_ACTION = "steering.poll_open"
ANSWER_ACTION = "steering.answer"
CONFIRM_ACTION = "steering.confirm"
NUDGE_KIND = "steering.poll_nudge"
CLOSE_KIND = "steering.poll_close"
MIN_SLOTS, MAX_SLOTS = 2, 8
MAX_LINK_CHARS = 500
ANSWER_LABELS = {AVAILABLE: "Available", IF_NEED_BE: "If need be", NOT_AVAILABLE: "Not available"}
CLOSE = Flag("close", "Close the open poll now")
POLL = Number("poll", "The poll's number")
SLOT = Number("slot", "The candidate time's number")
ANSWER = Choice("answer", "Your answer for that time", choices=tuple(ANSWER_LABELS))
# A candidate time needs a time of day: "Tue 8 Dec" alone would be a meeting at midnight.
_TIME_OF_DAY = re.compile(r"\d\s*(am|pm)\b|\d[:.]\d\d(?![\d.])|\bnoon\b|\bmidday\b", re.IGNORECASE)

POLL_FORM = Form(
    title="Find a time for the steering group",
    action_id=OPEN_ACTION,
    fields=(
        FormField(
            "slots",
            f"Candidate times, one per line ({MIN_SLOTS} to {MAX_SLOTS})",
            multiline=True,
            placeholder="Tue 8 Dec 10:00\nWed 9 Dec 14:00",
        ),
        FormField("closes", "The poll closes at", placeholder="Fri 4 Dec 17:00"),
        FormField(
            "link",
            "Joining link for the meeting",
            required=False,
            placeholder="https://…",
            max_length=MAX_LINK_CHARS,
        ),
    ),
    submit_label="Send the poll",
)


async def poll_command(request: Request, services: Services) -> Reply:
    """`steering poll`: the open poll with your answers, or (for the chair, when none is
    open) the form for a new one; `steering poll close` closes it now."""
    if request.value(CLOSE):
        return await close_now(request, services)
    with services.db.session() as session:
        poll = steering.current_poll(session)
        if poll is not None:
            return _poll_reply(
                session,
                poll,
                request.member.id,
                services,
                "The steering group is finding a time for its next meeting.",
                with_progress=True,
            )
        if not roster.may_chair(session, request.member):
            return Reply(
                "No poll is open. The chair starts one with `steering poll`.", private=True
            )
    return Reply(
        f"Let's find a time. Give {MIN_SLOTS} to {MAX_SLOTS} candidate times, one per line "
        "(on the console, separate them with ;), and when the poll should close.",
        form=POLL_FORM,
        private=True,
    )


async def open_poll(request: Request, services: Services) -> Reply:
    """The form came back: check everything, then store the poll and ask every member."""
    now, tz = services.clock.now(), services.timezone
    read = _read_form(request.fields, now, tz)
    if isinstance(read, str):
        return Reply(
            f"I couldn't open the poll: {read} Nothing was saved; type `steering poll` to try "
            "again.",
            private=True,
        )
    starts, closes_at, link = read
    with services.db.session() as session:
        if not roster.may_chair(session, request.member):
            return roster.CHAIR_ONLY
        poll = steering.open_poll(
            session,
            opened_by=request.member.id,
            now=now,
            closes_at=closes_at,
            starts=starts,
            link=link,
        )
        if poll is None:
            return Reply(
                "A poll is already open: close it with `steering poll close` before starting "
                "another.",
                private=True,
            )
        _schedule_nudges_and_close(session, poll, now)
        everyone = roster.roster_ids(session)
        asks = {
            member_id: _poll_reply(
                session,
                poll,
                member_id,
                services,
                f"{request.member.display_name} is finding a time for the next steering "
                "group meeting. When can you make it?",
            )
            for member_id in everyone
        }
    reached = await roster.send_to_each(services, asks)
    return Reply(
        f"The poll is open: {len(starts)} times, closing {format_when(closes_at, tz)}. I've "
        f"sent it to {len(reached)} of {len(everyone)} members.",
        private=True,
        times=(shown_when(closes_at, tz),),
    )


def _read_form(
    values: Mapping[str, str], now: datetime, tz: ZoneInfo
) -> tuple[list[datetime], datetime, str] | str:
    """The candidate times, closing time and link, or what is wrong with them."""
    lines = [line.strip() for line in re.split(r"[\n;]", values.get("slots", ""))]
    typed = [line for line in lines if line]
    if not MIN_SLOTS <= len(typed) <= MAX_SLOTS:
        return f"give between {MIN_SLOTS} and {MAX_SLOTS} candidate times (you gave {len(typed)})."
    starts = []
    for text in typed:
        if _TIME_OF_DAY.search(text) is None:
            return f"“{text}” has no time of day; add one, like “{text} 10:00”."
        try:
            start = parse_when(text, now, tz)
        except WhenError as error:
            return str(error)
        if start <= now:
            return f"“{text}” ({format_when(start, tz)}) has already passed."
        if start in starts:
            return f"“{text}” is the same time as another candidate."
        starts.append(start)
    try:
        closes_at = parse_when(values.get("closes", "").strip() or "?", now, tz)
    except WhenError as error:
        return f"the closing time: {error}"
    if closes_at <= now:
        return f"the closing time ({format_when(closes_at, tz)}) has already passed."
    if closes_at >= min(starts):
        return (
            f"the poll must close before the first candidate time, {format_when(min(starts), tz)}."
        )
    link = values.get("link", "").strip()
    if len(link) > MAX_LINK_CHARS:
        return f"the joining link is longer than {MAX_LINK_CHARS} characters."
    return starts, closes_at, link


def _schedule_nudges_and_close(session: Session, poll: Poll, now: datetime) -> None:
    halfway = poll.opened_at + (poll.closes_at - poll.opened_at) / 2
    due.schedule(session, f"{_key(poll.id)}nudge:half", NUDGE_KIND, halfway, {"poll_id": poll.id})
    day_before = poll.closes_at - timedelta(days=1)
    # A poll shorter than two days gets only the halfway nudge: two close together would nag.
    if day_before > halfway:
        due.schedule(
            session, f"{_key(poll.id)}nudge:day", NUDGE_KIND, day_before, {"poll_id": poll.id}
        )
    due.schedule(session, f"{_key(poll.id)}close", CLOSE_KIND, poll.closes_at, {"poll_id": poll.id})


def _key(poll_id: int | None) -> str:
    return f"steering:poll:{poll_id}:"


def _poll_reply(
    session: Session,
    poll: Poll,
    member_id: int,
    services: Services,
    intro: str,
    *,
    with_progress: bool = False,
) -> Reply:
    """The poll as one member sees it: each time with their answer, and a button per answer."""
    tz = services.timezone
    slots = steering.poll_slots(session, poll.id)
    mine = steering.member_answers(session, poll.id, member_id)
    lines = [intro]
    for n, slot in enumerate(slots, start=1):
        answer = ANSWER_LABELS.get(mine.get(slot.id), "not answered yet")
        lines.append(f"{n}. {format_when(slot.starts_at, tz)}: {answer}")
    lines.append(
        f"You can change your answers until the poll closes, {format_when(poll.closes_at, tz)}."
    )
    if with_progress:
        everyone = roster.roster_ids(session)
        missing = steering.members_missing_answers(session, poll.id, everyone)
        lines.append(
            f"{len(everyone) - len(missing)} of {len(everyone)} members have answered every time."
        )
    buttons = tuple(
        Button(
            f"{_short(slot.starts_at, tz)}: {label}",
            ANSWER_ACTION,
            f"{slot.id}:{answer}",
            style=ButtonStyle.PRIMARY if mine.get(slot.id) == answer else ButtonStyle.DEFAULT,
        )
        for slot in slots
        for answer, label in ANSWER_LABELS.items()
    )
    return Reply(
        "\n".join(lines),
        title="Steering group: find a time",
        buttons=buttons,
        private=True,
        times=(
            *(shown_when(slot.starts_at, tz) for slot in slots),
            shown_when(poll.closes_at, tz),
        ),
    )


def _short(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%a %-d %b %H:%M")


# --- answers --------------------------------------------------------------------------


async def answer(request: Request, services: Services) -> Reply:
    """A poll button. Its value (`slot:answer`) comes back from the platform, so it is
    checked: a real slot, a known answer, a poll still open, a member of the group."""
    slot_id, choice = request.value(SLOT), request.value(ANSWER)
    if Role.STEERING not in request.member.roles:
        return Reply("Only steering group members answer its polls.", private=True)
    now = services.clock.now()
    with services.db.session() as session:
        slot = steering.get_slot(session, slot_id)
        if slot is None:
            return _not_a_poll_button()
        if not steering.record_answer(session, slot.id, request.member.id, choice, now):
            return Reply(
                "That poll has closed, so your answer wasn't changed. The chair will confirm "
                "the date soon.",
                private=True,
            )
        poll = steering.get_poll(session, slot.poll_id)
        return _poll_reply(
            session,
            poll,
            request.member.id,
            services,
            f"Noted: {ANSWER_LABELS[choice]} for {format_when(slot.starts_at, services.timezone)}.",
        )


def _not_a_poll_button() -> Reply:
    return Reply(
        "That button doesn't match a time in a steering group poll, so nothing changed. "
        "`steering poll` shows the open poll.",
        private=True,
    )


async def nudge(job: DueJob, services: Services) -> str | None:
    """Nudge the members who have not answered every time, and only them."""
    now = services.clock.now()
    with services.db.session() as session:
        poll = steering.get_poll(session, job.payload["poll_id"])
        if poll is None or not steering.is_open(poll, now):
            return None
        slot_count = len(steering.poll_slots(session, poll.id))
        missing = steering.members_missing_answers(session, poll.id, roster.roster_ids(session))
        nudges = {
            member_id: _poll_reply(
                session,
                poll,
                member_id,
                services,
                f"A reminder: the steering group poll closes "
                f"{format_when(poll.closes_at, services.timezone)}, and I don't have your "
                f"answer for {left} of the {slot_count} times yet.",
            )
            for member_id, left in missing.items()
        }
        names = [roster.display_name(session, member_id) for member_id in nudges]
    await roster.send_to_each(services, nudges)
    return f"nudged {len(nudges)} member(s) about poll {poll.id}: {', '.join(names) or 'none'}"


# --- closing and confirming -----------------------------------------------------------


async def close_on_time(job: DueJob, services: Services) -> str | None:
    closed = _close(services, job.payload["poll_id"], early=False)
    if closed is None:
        return None  # the chair closed it early
    reply, chair = closed
    reached = await roster.send_to_each(services, dict.fromkeys(chair, reply))
    return f"closed poll {job.payload['poll_id']}; sent the proposal to {len(reached)} (chair)"


async def close_now(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        if not roster.may_chair(session, request.member):
            return roster.CHAIR_ONLY
        poll = steering.current_poll(session)
        if poll is None:
            latest = steering.latest_poll(session)
            if latest is None or steering.meeting_for_poll(session, latest.id) is not None:
                return Reply("No poll is open. Start one with `steering poll`.", private=True)
            # Closed on time but not confirmed yet: show the proposal again.
            return _proposal(session, latest, services)
    closed = _close(services, poll.id, early=True)
    if closed is None:
        return Reply(
            "The poll closed a moment ago; type `steering poll close` to see it.", private=True
        )
    reply, chair = closed
    await roster.send_to_each(services, {m: reply for m in chair if m != request.member.id})
    return reply


def _close(services: Services, poll_id: int, *, early: bool) -> tuple[Reply, list[int]] | None:
    """Close the poll and pick the best time; the proposal and who should confirm it, or None
    when it had closed already. Closing early calls off the closing row too; on time, that
    row is the one running, and must stay retryable until the proposal is sent."""
    now = services.clock.now()
    with services.db.session() as session:
        if not steering.close_poll(session, poll_id, now):
            return None
        due.cancel(session, _key(poll_id) + ("" if early else "nudge:"), now)
        poll = steering.get_poll(session, poll_id)
        counts = steering.tallies(session, poll_id, roster.roster_ids(session))
        steering.set_proposal(session, poll_id, best_slot(counts).slot.id)
        return _proposal(session, poll, services), roster.chair_or_admins(session)


def best_slot(counts: Sequence[SlotTally]) -> SlotTally:
    """Most available, then fewest not available, then the earliest."""
    return min(counts, key=lambda t: (-t.available, t.not_available, t.slot.starts_at))


def _proposal(session: Session, poll: Poll, services: Services) -> Reply:
    tz = services.timezone
    everyone = roster.roster_ids(session)
    counts = steering.tallies(session, poll.id, everyone)
    best = next(t for t in counts if t.slot.id == poll.proposed_slot_id)
    answered = len(everyone) - len(steering.members_missing_answers(session, poll.id, everyone))
    lines = [
        f"The steering group poll has closed; {answered} of {len(everyone)} members answered "
        "every time.",
        f"Best time: {format_when(best.slot.starts_at, tz)} ({_counts(best)}).",
        "All times:",
        *(f"• {format_when(t.slot.starts_at, tz)}: {_counts(t)}" for t in counts),
        "Confirm it and I'll send every member the invite.",
    ]
    others = [t for t in counts if t is not best]
    buttons = (
        Button(
            f"Confirm {_short(best.slot.starts_at, tz)}",
            CONFIRM_ACTION,
            f"{poll.id}:{best.slot.id}",
            style=ButtonStyle.PRIMARY,
        ),
        *(
            Button(
                f"Choose {_short(t.slot.starts_at, tz)} instead",
                CONFIRM_ACTION,
                f"{poll.id}:{t.slot.id}",
            )
            for t in others
        ),
    )
    return Reply(
        "\n".join(lines),
        title="Steering group: the best time",
        buttons=buttons,
        private=True,
        times=tuple(shown_when(t.slot.starts_at, tz) for t in counts),
    )


def _counts(tally: SlotTally) -> str:
    return (
        f"{tally.available} available, {tally.if_need_be} if need be, "
        f"{tally.not_available} not available"
    )


async def confirm(request: Request, services: Services) -> Reply:
    """The chair's confirm button; its value (`poll:slot`) is checked like any other."""
    poll_id, slot_id = request.value(POLL), request.value(SLOT)
    with services.db.session() as session:
        if not roster.may_chair(session, request.member):
            return roster.CHAIR_ONLY
        poll = steering.get_poll(session, poll_id)
        slot = steering.get_slot(session, slot_id)
        if poll is None or slot is None or slot.poll_id != poll.id:
            return _not_a_poll_button()
        if poll.closed_at is None:
            return Reply(
                "That poll is still open: close it first with `steering poll close`.",
                private=True,
            )
        if slot.starts_at <= services.clock.now():
            return Reply(
                "That time has already passed: start a new poll with `steering poll`.",
                private=True,
            )
    made = await meetings.set_meeting(
        services,
        starts_at=slot.starts_at,
        link=poll.link,
        created_by=request.member.id,
        poll_id=poll.id,
    )
    if made is None:
        with services.db.session() as session:
            meeting = steering.meeting_for_poll(session, poll.id)
        when = shown_span(meeting.starts_at, meeting.ends_at, services.timezone)
        return Reply(
            f"That poll is already settled: the meeting is {when.words}.",
            private=True,
            times=(when,),
        )
    meeting, reached = made
    when = shown_span(meeting.starts_at, meeting.ends_at, services.timezone)
    return Reply(
        f"Confirmed: the steering group meets {when.words}. I've sent the invite to "
        f"{reached} member(s), with reminders to follow.",
        private=True,
        times=(when,),
    )


COMMANDS = [
    CommandSpec(
        name="steering poll",
        summary="Find a time: see the open poll, or start one (chair); `close` ends it now",
        handler=poll_command,
        opens_form=True,
        params=(CLOSE,),
        role=Role.STEERING,
        examples=("steering poll", "steering poll close"),
    ),
]

ACTIONS = [
    ActionSpec(OPEN_ACTION, open_poll, role=Role.STEERING),
    ActionSpec(
        ANSWER_ACTION,
        answer,
        role=Role.STEERING,
        params=(SLOT, ANSWER),
        forged=_not_a_poll_button(),
    ),
    ActionSpec(
        CONFIRM_ACTION,
        confirm,
        role=Role.STEERING,
        params=(POLL, SLOT),
        forged=_not_a_poll_button(),
    ),
]

JOBS = [JobSpec(NUDGE_KIND, nudge), JobSpec(CLOSE_KIND, close_on_time)]
