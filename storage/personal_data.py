"""What `my data` gives a member: what is about them and theirs to see, nothing more.

Each table that points at a member is listed here once, either with the query that picks
the member's own rows or in WITHHELD with the reason it is not theirs to see. A test fails
when a table added later points at members without being placed in one or the other, so
no feature's data reaches (or misses) the download by accident.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage import members
from storage.events import CalendarFeed, Event, EventFeedback, Rsvp
from storage.intros import IntroExclusion, IntroGroupMember, IntroParticipant, IntroRound
from storage.kb import AnswerFeedback, ApprovedEntry, Submission
from storage.models import Member, MemberRole
from storage.remi import ActionPoint, CheckIn, Lead, Organisation
from storage.steering import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    PollAnswer,
    Slot,
    SteeringGroup,
)

# (table, column) pairs pointing at a member whose rows `my data` deliberately leaves out.
WITHHELD: dict[tuple[str, str], str] = {
    ("memberrole", "granted_by"): "roles the member granted are the other members' data",
    ("link_code", "member_id"): "only a digest of a short-lived code, meaningless to read",
    ("link_code", "joining_id"): "only a digest of a short-lived code, meaningless to read",
    ("web_login_token", "member_id"): "only a digest of a short-lived link, meaningless to read",
    ("intro_exclusion", "excluded_id"): "another member's choice; they were told it stays hidden",
    ("intro_group", "answered_by"): "shown as the group's answer, with the member's groups",
    ("kb_submission", "reviewed_by"): "curators' work on other members' suggestions",
    ("kb_entry", "approved_by"): "curators' work on the shared library",
    ("kb_review", "owner_id"): "curators' work on the shared library",
    ("kb_review", "confirmed_by"): "curators' work on the shared library",
    ("kb_review", "change_noted_by"): "curators' work on the shared library",
    ("kb_change", "changed_by"): "curators' work on the shared library",
    ("kb_digest_schedule", "set_by"): "a setting of the whole network",
    ("steering_poll", "opened_by"): "the steering group's record",
    ("steering_meeting", "created_by"): "the steering group's record",
    ("steering_action", "done_by"): "who ticked off another member's action is theirs",
    ("steering_minutes", "recorded_by"): "the steering group's record",
}

# (table, column) pairs whose rows for the member `gather` returns, under these headings.
SHOWN: dict[tuple[str, str], str] = {
    ("identity", "member_id"): "accounts",
    ("memberrole", "member_id"): "roles",
    ("steering_group", "chair_id"): "roles",
    ("remi_lead", "member_id"): "organisations_you_lead",
    ("event", "organiser_id"): "events_you_organise",
    ("rsvp", "member_id"): "rsvps",
    ("event_feedback", "member_id"): "event_feedback",
    ("calendar_feed", "member_id"): "calendar_feed",
    ("intro_participant", "member_id"): "introductions_profile",
    ("intro_exclusion", "member_id"): "never_introduce_to",
    ("intro_group_member", "member_id"): "introductions",
    ("kb_submission", "submitted_by"): "suggestions",
    ("kb_entry", "suggested_by"): "suggestions",
    ("kb_feedback", "member_id"): "questions",
    ("steering_poll_answer", "member_id"): "meeting_time_answers",
    ("steering_attendance", "member_id"): "attendance",
    ("steering_agenda_item", "added_by"): "agenda_items",
    ("steering_action", "owner_id"): "actions",
    ("steering_action", "created_by"): "actions",
    # The organisation's data: shown only while the member is one of its leads.
    ("remi_checkin", "answered_by"): "remi_checkins",
    ("remi_checkin", "updated_by"): "remi_checkins",
    ("remi_action_point", "added_by"): "remi_checkins",
}


def gather(session: Session, member_id: int) -> dict[str, Any]:
    """Everything `my data` shows the member, as plain data they can read or download."""
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    data: dict[str, Any] = {
        "display_name": member.display_name,
        "organisation": member.organisation,
        "first_seen": member.created_at.isoformat(),
        "accounts": members.accounts(session, member_id),
        "roles": _roles(session, member_id),
    }
    sections = {
        "organisations_you_lead": _organisations_led(session, member_id),
        "events_you_organise": _events_organised(session, member_id),
        "rsvps": _rsvps(session, member_id),
        "event_feedback": _event_feedback(session, member_id),
        "calendar_feed": _calendar_feed(session, member_id),
        "introductions_profile": _intro_profile(session, member_id),
        "never_introduce_to": _exclusions_made(session, member_id),
        "introductions": _introductions(session, member_id),
        "suggestions": _suggestions(session, member_id),
        "questions": _questions(session, member_id),
        "meeting_time_answers": _poll_answers(session, member_id),
        "attendance": _attendance(session, member_id),
        "agenda_items": _agenda_items(session, member_id),
        "actions": _actions(session, member_id),
        "remi_checkins": _checkins_of_led_organisations(session, member_id),
    }
    data["records"] = {name: rows for name, rows in sections.items() if rows}
    return data


def _roles(session: Session, member_id: int) -> list[str]:
    roles = set(session.exec(select(MemberRole.role).where(MemberRole.member_id == member_id)))
    group = session.get(SteeringGroup, 1)
    if group is not None and group.chair_id == member_id:
        roles.add("steering group chair")
    return sorted(roles)


def _organisations_led(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Organisation.name, Lead.added_at)
        .join(Lead, col(Lead.organisation_id) == col(Organisation.id))
        .where(Lead.member_id == member_id)
        .order_by(col(Organisation.name_key))
    ).all()
    return [{"organisation": name, "since": _plain(added_at)} for name, added_at in rows]


def _events_organised(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Event).where(Event.organiser_id == member_id).order_by(col(Event.starts_at))
    ).all()
    return [{"event": e.title, "starts_at": _plain(e.starts_at)} for e in rows]


def _rsvps(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Event.title, Event.starts_at, Rsvp.status, Rsvp.responded_at)
        .join(Rsvp, col(Rsvp.event_id) == col(Event.id))
        .where(Rsvp.member_id == member_id)
        .order_by(col(Event.starts_at))
    ).all()
    return [
        {"event": t, "starts_at": _plain(s), "answer": a, "answered_at": _plain(at)}
        for t, s, a, at in rows
    ]


def _event_feedback(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Event.title, EventFeedback)
        .join(EventFeedback, col(EventFeedback.event_id) == col(Event.id))
        .where(EventFeedback.member_id == member_id)
        .order_by(col(EventFeedback.given_at))
    ).all()
    return [
        {"event": title, "score": f.score, "comment": f.comment, "given_at": _plain(f.given_at)}
        for title, f in rows
    ]


def _calendar_feed(session: Session, member_id: int) -> list[dict[str, Any]]:
    feed = session.get(CalendarFeed, member_id)
    # The token is a secret address: saying the feed exists is enough.
    return [] if feed is None else [{"created_at": _plain(feed.created_at)}]


def _intro_profile(session: Session, member_id: int) -> list[dict[str, Any]]:
    row = session.get(IntroParticipant, member_id)
    if row is None:
        return []
    return [
        {
            "organisation": row.organisation,
            "sector": row.sector,
            "topics": list(row.topics),
            "taking_part": row.active,
            "paused_until": _plain(row.paused_until),
            "joined_at": _plain(row.joined_at),
        }
    ]


def _exclusions_made(session: Session, member_id: int) -> list[dict[str, Any]]:
    names = session.exec(
        select(Member.display_name)
        .join(IntroExclusion, col(IntroExclusion.excluded_id) == col(Member.id))
        .where(IntroExclusion.member_id == member_id)
        .order_by(col(Member.display_name))
    ).all()
    return [{"member": name} for name in names]


def _introductions(session: Session, member_id: int) -> list[dict[str, Any]]:
    mine = aliased(IntroGroupMember)
    rows = session.exec(
        select(IntroRound.scheduled_for, mine.group_id, Member.display_name)
        .join(mine, col(mine.round_id) == col(IntroRound.id))
        .join(IntroGroupMember, col(IntroGroupMember.group_id) == col(mine.group_id))
        .join(Member, col(Member.id) == col(IntroGroupMember.member_id))
        .where(mine.member_id == member_id, IntroGroupMember.member_id != member_id)
        .order_by(col(IntroRound.scheduled_for), col(Member.display_name))
    ).all()
    groups: dict[int, dict[str, Any]] = {}
    for at, group_id, name in rows:
        groups.setdefault(group_id, {"round": _plain(at), "with": []})["with"].append(name)
    return list(groups.values())


def _suggestions(session: Session, member_id: int) -> list[dict[str, Any]]:
    submitted = session.exec(
        select(Submission)
        .where(Submission.submitted_by == member_id)
        .order_by(col(Submission.submitted_at))
    ).all()
    approved = session.exec(
        select(ApprovedEntry)
        .where(ApprovedEntry.suggested_by == member_id, col(ApprovedEntry.submission_id).is_(None))
        .order_by(col(ApprovedEntry.suggested_at))
    ).all()
    return [
        *(
            {"title": s.title, "url": s.url, "why": s.why, "status": s.status}
            | {"suggested_at": _plain(s.submitted_at)}
            for s in submitted
        ),
        *(
            {"title": e.title, "url": e.url, "status": "approved"}
            | {"suggested_at": _plain(e.suggested_at)}
            for e in approved
        ),
    ]


def _questions(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(AnswerFeedback)
        .where(AnswerFeedback.member_id == member_id)
        .order_by(col(AnswerFeedback.at))
    ).all()
    return [{"question": r.query, "outcome": r.outcome, "at": _plain(r.at)} for r in rows]


def _poll_answers(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Slot.starts_at, PollAnswer.answer)
        .join(PollAnswer, col(PollAnswer.slot_id) == col(Slot.id))
        .where(PollAnswer.member_id == member_id)
        .order_by(col(Slot.starts_at))
    ).all()
    return [{"time": _plain(at), "answer": answer} for at, answer in rows]


def _attendance(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Meeting.starts_at, Attendance.attending)
        .join(Attendance, col(Attendance.meeting_id) == col(Meeting.id))
        .where(Attendance.member_id == member_id)
        .order_by(col(Meeting.starts_at))
    ).all()
    return [{"meeting": _plain(at), "attending": attending} for at, attending in rows]


def _agenda_items(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(AgendaItem).where(AgendaItem.added_by == member_id).order_by(col(AgendaItem.id))
    ).all()
    return [{"item": r.text, "added_at": _plain(r.added_at)} for r in rows]


def _actions(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(ActionItem)
        .where(or_(ActionItem.owner_id == member_id, ActionItem.created_by == member_id))
        .order_by(col(ActionItem.id))
    ).all()
    return [
        {
            "action": r.id,
            "text": r.text,
            "yours_to_do": r.owner_id == member_id,
            "due_on": _plain(r.due_on),
            "done_at": _plain(r.done_at),
        }
        for r in rows
    ]


def _checkins_of_led_organisations(session: Session, member_id: int) -> list[dict[str, Any]]:
    """The check-ins and action points the member wrote for an organisation they still lead:
    a lead who moves on no longer sees the organisation's answers, theirs or later ones."""
    led = select(Lead.organisation_id).where(Lead.member_id == member_id)
    checkins = session.exec(
        select(Organisation.name, CheckIn)
        .join(CheckIn, col(CheckIn.organisation_id) == col(Organisation.id))
        .where(
            col(CheckIn.organisation_id).in_(led),
            or_(CheckIn.answered_by == member_id, CheckIn.updated_by == member_id),
        )
        .order_by(col(CheckIn.period))
    ).all()
    points = session.exec(
        select(Organisation.name, ActionPoint)
        .join(ActionPoint, col(ActionPoint.organisation_id) == col(Organisation.id))
        .where(col(ActionPoint.organisation_id).in_(led), ActionPoint.added_by == member_id)
        .order_by(col(ActionPoint.id))
    ).all()
    return [
        *(
            {"organisation": name, "period": c.period, "stage": c.stage}
            | {"what_changed": c.changed, "needs": list(c.needs), "needs_text": c.needs_text}
            for name, c in checkins
        ),
        *({"organisation": name, "period": p.period, "action_point": p.text} for name, p in points),
    ]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value
