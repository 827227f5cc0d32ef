"""Reminders and feedback prompts as due work for the shared dispatcher.

Each member who is going has one row per reminder offset, keyed
`event:{id}:reminder:{member_id}:{offset}:{start}`, and one feedback prompt row keyed
`event:{id}:feedback:{member_id}:{end}`. They are written in the same transaction as the RSVP
that earns them, so an RSVP and its reminders commit together.

- Changing to Maybe or Can't go cancels the member's rows.
- An edit cancels the event's unsent rows and writes them afresh. Rows for an unchanged
  start come back as they were; a reminder already sent for that start is not sent again.
  A moved event gets new keys (the start is in the key), so a member reminded of the old
  time is reminded again before the new one.
- Cancelling the event cancels every row.
- Offsets already past when a member gets their seat are skipped: a "starts in 24 hours"
  sent 3 hours before the start would be wrong.

The job handler re-reads the event and the RSVP before sending, so a row that slipped past
a cancellation (or a reminder for someone no longer going) sends nothing. A reminder sent
late follows `handlers/timeliness.py`: it says how far off the start really is, and stays
silent once a shorter one has fallen due rather than say "tomorrow" an hour before the start.
"""

from datetime import datetime

from sqlmodel import Session

from contract.specs import DueJob, JobSpec
from handlers.events import views
from handlers.events.timing import offset_label, reminder_due_at, reminders_ahead
from handlers.notify import send_to_member
from handlers.services import Services
from handlers.timeliness import superseded
from storage import due, events, members
from storage.events import Event, RsvpStatus

REMINDER_KIND = "events.reminder"
FEEDBACK_KIND = "events.feedback_prompt"


def _stamp(instant: datetime) -> str:
    return f"{instant:%Y%m%dT%H%MZ}"


def reminder_key(event_id: int, member_id: int, minutes: int, starts_at: datetime) -> str:
    return f"event:{event_id}:reminder:{member_id}:{offset_label(minutes)}:{_stamp(starts_at)}"


def feedback_key(event_id: int, member_id: int, ends_at: datetime) -> str:
    return f"event:{event_id}:feedback:{member_id}:{_stamp(ends_at)}"


def schedule_member(session: Session, event: Event, member_id: int, services: Services) -> None:
    """Due rows for a member who now has a seat."""
    for minutes in reminders_ahead(event, services.clock.now(), services.timezone):
        at = reminder_due_at(event.starts_at, minutes, services.timezone)
        due.schedule(
            session,
            reminder_key(event.id, member_id, minutes, event.starts_at),
            REMINDER_KIND,
            at,
            {
                "event_id": event.id,
                "member_id": member_id,
                "minutes": minutes,
                "starts_at": event.starts_at.isoformat(),
            },
        )
    due.schedule(
        session,
        feedback_key(event.id, member_id, event.ends_at),
        FEEDBACK_KIND,
        event.ends_at,
        {"event_id": event.id, "member_id": member_id},
    )


def unschedule_member(session: Session, event_id: int, member_id: int, now: datetime) -> None:
    due.cancel(session, f"event:{event_id}:reminder:{member_id}:", now)
    due.cancel(session, f"event:{event_id}:feedback:{member_id}:", now)


def reschedule_event(session: Session, event: Event, services: Services) -> None:
    """After an edit: every going member's rows follow the event's new time and offsets."""
    cancel_event_work(session, event.id, services.clock.now())
    for member_id in events.members_with_status(session, event.id, [RsvpStatus.GOING]):
        schedule_member(session, event, member_id, services)


def cancel_event_work(session: Session, event_id: int, now: datetime) -> None:
    due.cancel(session, f"event:{event_id}:", now)


async def send_reminder(job: DueJob, services: Services) -> str | None:
    event_id, member_id, minutes = (
        int(job.payload[k]) for k in ("event_id", "member_id", "minutes")
    )
    now = services.clock.now()
    with services.db.session() as session:
        event = events.get_event(session, event_id)
        if (
            event is None
            or not events.is_going(session, event, member_id)
            or event.starts_at.isoformat() != job.payload["starts_at"]
            or minutes not in event.reminder_minutes
            or now >= event.starts_at
            or superseded(
                (
                    reminder_due_at(event.starts_at, shorter, services.timezone)
                    for shorter in event.reminder_minutes
                    if shorter < minutes
                ),
                now,
            )
        ):
            return None
        name = members.profile(session, member_id).display_name
    reply = views.reminder(event, services.timezone, now)
    if await send_to_member(services, member_id, reply) is None:
        return None
    return f"reminded {name} of “{event.title}” ({offset_label(minutes)} before)"


JOBS = [JobSpec(REMINDER_KIND, send_reminder)]
