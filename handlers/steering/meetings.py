"""A confirmed meeting: every member gets the invite (with an `.ics` file and Attending /
Can't attend buttons), then reminders: a week before with a call for agenda items, the day
before with the agenda so far, an hour before with the joining link. Two days before, the
chair is warned if fewer than the quorum have said they will attend.

"A week before" and "the day before" mean the same wall-clock time in London on that
earlier day, so a 10:00 meeting is called for at 10:00 even when the clocks changed in
between; "an hour before" is sixty minutes. Sent late, a reminder follows
`handlers/timeliness.py`: it says how far off the meeting is when it goes, gives way to the
next reminder once that one is due, and is not sent once the meeting has started.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from contract.params import Choice, Number
from contract.specs import ActionSpec, CommandSpec, DueJob, JobSpec, Request
from contract.vocabulary import Button, ButtonStyle, Reply, Role
from contract.when import format_span, shown_span
from handlers.ics import CalendarItem, ics_attachment
from handlers.services import Services
from handlers.steering import agenda, roster
from handlers.timeliness import shown_until, superseded
from storage import due, steering
from storage.steering import Meeting

MEETING_TITLE = "LARCH steering group"
MEETING_LENGTH = timedelta(minutes=90)
ATTEND_ACTION = "steering.attend"
MEETING = Number("meeting", "The meeting's number")
ATTENDING = Choice("attending", "Whether you will attend", choices=("yes", "no"))
CALL_FOR_AGENDA_KIND = "steering.call_for_agenda"
AGENDA_SO_FAR_KIND = "steering.agenda_so_far"
JOINING_LINK_KIND = "steering.joining_link"
QUORUM_KIND = "steering.quorum_check"


async def set_meeting(
    services: Services, *, starts_at: datetime, link: str, created_by: int, poll_id: int
) -> tuple[Meeting, int] | None:
    """Create the meeting a poll settled on, plan its reminders and invite every member:
    the meeting and how many were reached; None when the poll already made its meeting."""
    now = services.clock.now()
    with services.db.session() as session:
        meeting = steering.create_meeting(
            session,
            starts_at=starts_at,
            ends_at=starts_at + MEETING_LENGTH,
            link=link,
            created_by=created_by,
            now=now,
            poll_id=poll_id,
        )
        if meeting is None:
            return None
        for suffix, kind, at in _reminder_times(meeting.starts_at, services.timezone):
            if at > now:
                due.schedule(
                    session,
                    f"steering:meeting:{meeting.id}:{suffix}",
                    kind,
                    at,
                    {"meeting_id": meeting.id},
                )
        everyone = roster.roster_ids(session)
    invite = _meeting_reply(
        meeting,
        services,
        f"You're invited: the {MEETING_TITLE} meets "
        f"{format_span(meeting.starts_at, meeting.ends_at, services.timezone)}.",
    )
    reached = await roster.send_to_each(services, dict.fromkeys(everyone, invite))
    return meeting, len(reached)


def _reminder_times(start: datetime, tz: ZoneInfo) -> list[tuple[str, str, datetime]]:
    return [
        ("remind:7d", CALL_FOR_AGENDA_KIND, same_time_days_before(start, 7, tz)),
        ("quorum", QUORUM_KIND, same_time_days_before(start, 2, tz)),
        ("remind:1d", AGENDA_SO_FAR_KIND, same_time_days_before(start, 1, tz)),
        ("agenda", agenda.POST_KIND, same_time_days_before(start, 1, tz)),
        ("remind:1h", JOINING_LINK_KIND, start - timedelta(hours=1)),
    ]


def same_time_days_before(start: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The same London wall-clock time `days` calendar days earlier."""
    local = start.astimezone(tz)
    return datetime.combine(local.date() - timedelta(days=days), local.time(), tzinfo=tz)


def _meeting_reply(meeting: Meeting, services: Services, intro: str) -> Reply:
    """The invite: when, where, an .ics file and the attendance buttons."""
    lines = [intro]
    if meeting.link:
        lines.append(f"Joining link: {meeting.link}")
    lines.append("Will you attend? You can change your answer until the meeting starts.")
    item = CalendarItem(
        uid=f"steering-meeting-{meeting.id}@larch",
        title=MEETING_TITLE,
        start=meeting.starts_at,
        end=meeting.ends_at,
        location=meeting.link,
        description="Add agenda items with `agenda add <item>`.",
    )
    return Reply(
        "\n".join(lines),
        title=MEETING_TITLE,
        buttons=(
            Button("Attending", ATTEND_ACTION, f"{meeting.id}:yes", style=ButtonStyle.PRIMARY),
            Button("Can't attend", ATTEND_ACTION, f"{meeting.id}:no"),
        ),
        attachments=(ics_attachment(item, services.clock.now()),),
        times=(shown_span(meeting.starts_at, meeting.ends_at, services.timezone),),
    )


# --- the next meeting and who will attend ---------------------------------------------


async def show_next(request: Request, services: Services) -> Reply:
    """`steering next`: the next meeting again, with the calendar file and attendance."""
    with services.db.session() as session:
        meeting = steering.next_meeting(session, services.clock.now())
        if meeting is None:
            return Reply(
                "No meeting is set yet. See `steering plan` for when one is expected.",
                private=True,
            )
        answers = steering.attendance(session, meeting.id)
        everyone = roster.roster_ids(session)
    coming = sum(1 for m in everyone if answers.get(m) is True)
    mine = {True: "You said you'll attend.", False: "You said you can't attend."}.get(
        answers.get(request.member.id),
        "You haven't said whether you'll attend.",
    )
    when = format_span(meeting.starts_at, meeting.ends_at, services.timezone)
    return _meeting_reply(
        meeting,
        services,
        f"The next {MEETING_TITLE} meeting is {when}. {coming} of {len(everyone)} members "
        f"have said they'll attend. {mine}",
    )


async def answer_attendance(request: Request, services: Services) -> Reply:
    meeting_id, answer = request.value(MEETING), request.value(ATTENDING)
    now = services.clock.now()
    if Role.STEERING not in request.member.roles:
        return Reply("Only steering group members answer for its meetings.", private=True)
    with services.db.session() as session:
        meeting = steering.get_meeting(session, meeting_id)
        if meeting is None:
            return _not_a_meeting_button()
        if meeting.starts_at <= now:
            return Reply("That meeting has already started, so nothing changed.", private=True)
        steering.record_attendance(session, meeting.id, request.member.id, answer == "yes", now)
    when = format_span(meeting.starts_at, meeting.ends_at, services.timezone)
    said = "you'll attend" if answer == "yes" else "you can't attend"
    return Reply(
        f"Thank you: noted that {said} on {when}.",
        private=True,
        times=(shown_span(meeting.starts_at, meeting.ends_at, services.timezone),),
    )


def _not_a_meeting_button() -> Reply:
    return Reply(
        "That button doesn't match a steering group meeting, so nothing changed. "
        "`steering next` shows the next one.",
        private=True,
    )


# --- reminders ------------------------------------------------------------------------


# The reminders every member gets, one series: each gives way to the next once it is due.
_MEMBER_REMINDERS = (CALL_FOR_AGENDA_KIND, AGENDA_SO_FAR_KIND, JOINING_LINK_KIND)


async def call_for_agenda(job: DueJob, services: Services) -> str | None:
    def compose(session: Session, meeting: Meeting, when: str) -> Reply:
        count = len(steering.agenda(session, meeting.id))
        return Reply(
            f"The {MEETING_TITLE} meets {when}. What should it discuss? Add an "
            f"item with `agenda add <item>` ({count} on the agenda so far; `agenda` shows them)."
        )

    return await _remind_members(job, services, "call for agenda items", compose)


async def agenda_so_far(job: DueJob, services: Services) -> str | None:
    def compose(session: Session, meeting: Meeting, when: str) -> Reply:
        return Reply(
            f"The {MEETING_TITLE} meets {when}.\n\n"
            + agenda.agenda_text(session, meeting, services)
        )

    return await _remind_members(job, services, "agenda so far", compose)


async def joining_link(job: DueJob, services: Services) -> str | None:
    def compose(session: Session, meeting: Meeting, when: str) -> Reply:
        if not meeting.link:
            return Reply(
                f"The {MEETING_TITLE} meets {when}. No joining link was given; "
                "ask the chair where to join."
            )
        return Reply(
            f"The {MEETING_TITLE} meets {when}. Join here: {meeting.link}",
            link=Button("Join the meeting", url=meeting.link)
            if meeting.link.startswith(("https://", "http://"))
            else None,
        )

    return await _remind_members(
        job, services, "joining link", compose, skip_those_not_attending=True
    )


async def _remind_members(
    job: DueJob,
    services: Services,
    what: str,
    compose: Callable[[Session, Meeting, str], Reply],
    *,
    skip_those_not_attending: bool = False,
) -> str | None:
    """Send one reminder to the members on the roster now; None if the meeting is gone, has
    started, or the next reminder is already due. `compose` is given when the meeting is,
    as true at send time: "in a week: Thu 1 Apr 2027, 10:00–11:30"."""
    now, tz = services.clock.now(), services.timezone
    with services.db.session() as session:
        meeting = steering.get_meeting(session, job.payload["meeting_id"])
        if meeting is None or now >= meeting.starts_at:
            return None
        later = (
            at
            for _, kind, at in _reminder_times(meeting.starts_at, tz)
            if kind in _MEMBER_REMINDERS and at > job.due_at
        )
        if superseded(later, now):
            return None
        until = shown_until(meeting.starts_at, now, tz)
        span = shown_span(meeting.starts_at, meeting.ends_at, tz)
        reply = replace(
            compose(session, meeting, f"{until.words}: {span.words}"), times=(until, span)
        )
        recipients = roster.roster_ids(session)
        if skip_those_not_attending:
            answers = steering.attendance(session, meeting.id)
            recipients = [m for m in recipients if answers.get(m) is not False]
    reached = await roster.send_to_each(services, dict.fromkeys(recipients, reply))
    return f"sent the {what} for meeting {meeting.id} to {len(reached)} member(s)"


async def check_quorum(job: DueJob, services: Services) -> str | None:
    """Two days before: warn the chair when fewer than the quorum said they will attend."""
    with services.db.session() as session:
        meeting = steering.get_meeting(session, job.payload["meeting_id"])
        if meeting is None or services.clock.now() >= meeting.starts_at:
            return None
        people = roster.roster(session)
        answers = steering.attendance(session, meeting.id)
        needed = roster.quorum(session)
        chair = roster.chair_or_admins(session)
    coming = [p for p in people if answers.get(p.id) is True]
    if len(coming) >= needed:
        return None
    silent = [p.display_name for p in people if p.id not in answers]
    away = [p.display_name for p in people if answers.get(p.id) is False]
    when = format_span(meeting.starts_at, meeting.ends_at, services.timezone)
    lines = [
        f"Quorum warning: only {len(coming)} of {len(people)} members have said they will "
        f"attend the {MEETING_TITLE} on {when}; the quorum is {needed}.",
        f"Not answered yet: {', '.join(silent) or 'nobody'}.",
        f"Can't attend: {', '.join(away) or 'nobody'}.",
        "You might nudge those who haven't answered, or move the meeting.",
    ]
    warning = Reply(
        "\n".join(lines),
        times=(shown_span(meeting.starts_at, meeting.ends_at, services.timezone),),
    )
    reached = await roster.send_to_each(services, dict.fromkeys(chair, warning))
    return (
        f"warned the chair ({len(reached)}): {len(coming)} of {needed} needed "
        f"for meeting {meeting.id}"
    )


COMMANDS = [
    CommandSpec(
        name="steering next",
        summary="The next steering group meeting, its calendar file and who is coming",
        handler=show_next,
        role=Role.STEERING,
    ),
]

ACTIONS = [
    ActionSpec(
        ATTEND_ACTION,
        answer_attendance,
        role=Role.STEERING,
        params=(MEETING, ATTENDING),
        forged=_not_a_meeting_button(),
    )
]

JOBS = [
    JobSpec(CALL_FOR_AGENDA_KIND, call_for_agenda),
    JobSpec(AGENDA_SO_FAR_KIND, agenda_so_far),
    JobSpec(JOINING_LINK_KIND, joining_link),
    JobSpec(QUORUM_KIND, check_quorum),
]
