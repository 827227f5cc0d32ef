"""Actions keep the group's decisions moving: `action add @owner <text> due <date>`,
`actions` for what is open, `action done <id>` when it is, and `action reassign <id> @owner`
(the chair or an admin) for an action whose owner stepped back or asked to be forgotten.
The owner is reminded three days before the due date and on the day, at nine in the
morning London time; an action still open after its date is listed on the next meeting's
agenda (see `agenda.py`).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from contract.params import Day, Number, Person, Text
from contract.specs import CommandSpec, DueJob, JobSpec, Request
from contract.vocabulary import Reply, Role
from handlers.notify import send_to_member
from handlers.services import Services
from handlers.steering import roster
from handlers.timeliness import days_words, superseded
from storage import due, members, steering
from storage.models import Member
from storage.steering import ActionItem

REMINDER_KIND = "steering.action_reminder"
REMINDER_TIME = time(9, 0)
REMIND_DAYS_BEFORE = 3
MAX_ACTION_CHARS = 300
OWNER = Person("owner", "Who will do it (a steering group member)")
WHAT = Text("text", "What is to be done", max_length=MAX_ACTION_CHARS)
DUE = Day("date", "When it is due, e.g. Fri 4 Dec", keyword="due")
ACTION = Number("number", "The action's number, as `actions` lists it")


NOT_ON_THE_GROUP = Reply(
    "Actions go to steering group members, and they aren't one. See who is with "
    "`steering members`.",
    private=True,
)


async def add_action(request: Request, services: Services) -> Reply:
    named, text, due_on = request.value(OWNER), request.value(WHAT), request.value(DUE)
    now, tz = services.clock.now(), services.timezone
    if due_on < now.astimezone(tz).date():
        return Reply(f"{_day(due_on)} has passed: give a due date from today on.", private=True)
    with services.db.session() as session:
        owner = members.find(session, named.platform, named.user_id)
        if owner is None or Role.STEERING not in owner.roles:
            return NOT_ON_THE_GROUP
        action = steering.add_action(
            session,
            text=text,
            owner_id=owner.id,
            due_on=due_on,
            created_by=request.member.id,
            now=now,
        )
        promised = _schedule_reminders(session, action, now, tz)
    if owner.id != request.member.id:
        await _tell_new_owner(services, request, action, owner)
    reminding = (
        f"I'll remind {owner.display_name} {' and '.join(promised)}."
        if promised
        else "It's due too soon for a reminder."
    )
    return Reply(f"Noted: {action_line(action, owner.display_name)}. {reminding}", private=True)


async def list_actions(request: Request, services: Services) -> Reply:
    today = services.clock.now().astimezone(services.timezone).date()
    with services.db.session() as session:
        lines = [
            action_line(action, roster.display_name(session, action.owner_id), today)
            for action in steering.open_actions(session)
        ]
    if not lines:
        return Reply(
            "No open actions. Add one with `action add @owner <text> due <date>`.", private=True
        )
    return Reply(
        "\n".join(["Open actions, soonest due first:", *(f"• {line}" for line in lines)]),
        title="Steering group actions",
        private=True,
    )


async def mark_done(request: Request, services: Services) -> Reply:
    number = request.value(ACTION)
    now = services.clock.now()
    with services.db.session() as session:
        action = steering.get_action(session, number)
        if action is None:
            return Reply(
                f"There is no action #{number}. See the open ones with `actions`.", private=True
            )
        if action.owner_id != request.member.id and not roster.may_chair(session, request.member):
            return Reply(
                f"Action #{number} belongs to {roster.display_name(session, action.owner_id)}; "
                "only they or the chair can mark it done.",
                private=True,
            )
        if not steering.mark_action_done(session, action.id, request.member.id, now):
            return Reply(f"Action #{number} was already done.", private=True)
        due.cancel(session, _key_prefix(action), now)
    return Reply(f"Done: action #{number} “{action.text}” is marked done. Thank you!")


async def reassign(request: Request, services: Services) -> Reply:
    number, named = request.value(ACTION), request.value(OWNER)
    with services.db.session() as session:
        if not roster.may_chair(session, request.member):
            return Reply(
                "Only the chair or an admin can give an action to someone else.", private=True
            )
        action = steering.get_action(session, number)
        if action is None:
            return Reply(
                f"There is no action #{number}. See the open ones with `actions`.", private=True
            )
        owner = members.find(session, named.platform, named.user_id)
        if owner is None or Role.STEERING not in owner.roles:
            return NOT_ON_THE_GROUP
        if not steering.reassign_action(session, action.id, owner.id):
            return Reply(f"Action #{number} is already done.", private=True)
    # The reminders already due read the owner when they are sent: they follow the action.
    if owner.id != request.member.id:
        await _tell_new_owner(services, request, action, owner)
    return Reply(f"Done: action #{number} now belongs to {owner.display_name}.", private=True)


# --- reminders ------------------------------------------------------------------------


def _schedule_reminders(
    session: Session, action: ActionItem, now: datetime, tz: ZoneInfo
) -> list[str]:
    """Due rows for the reminders still to come, and how the reply may promise them."""
    promised = []
    for label, at, words in _reminder_times(action, tz):
        if at > now:
            due.schedule(
                session,
                f"{_key_prefix(action)}remind:{label}",
                REMINDER_KIND,
                at,
                {"action_id": action.id},
            )
            promised.append(words)
    return promised


def _reminder_times(action: ActionItem, tz: ZoneInfo) -> list[tuple[str, datetime, str]]:
    """(key label, when, how a reply promises it), earliest first."""
    return [
        (
            "3d",
            _morning(action.due_on - timedelta(days=REMIND_DAYS_BEFORE), tz),
            f"{REMIND_DAYS_BEFORE} days before",
        ),
        ("day", _morning(action.due_on, tz), "on the day"),
    ]


async def remind_owner(job: DueJob, services: Services) -> str | None:
    now, tz = services.clock.now(), services.timezone
    with services.db.session() as session:
        action = steering.get_action(session, job.payload["action_id"])
        if action is None or action.done_at is not None or action.owner_id is None:
            return None
        # The three-day reminder found after the day's one is due gives way to it.
        later = (at for _, at, _ in _reminder_times(action, tz) if at > job.due_at)
        if superseded(later, now):
            return None
        owner = roster.display_name(session, action.owner_id)
    when = _due_words(action.due_on, now.astimezone(tz).date())
    await send_to_member(
        services,
        action.owner_id,
        Reply(
            f"A reminder: your steering group action #{action.id} “{action.text}” {when}. "
            f"When it's finished, type `action done {action.id}`."
        ),
    )
    return f"reminded {owner} of action #{action.id}: it {when}"


def _due_words(due_on: date, today: date) -> str:
    """As true on the day the reminder is sent: "is due in 3 days, on …", "is due today",
    "was due on … and is overdue"."""
    if due_on < today:
        return f"was due on {_day(due_on)} and is overdue"
    if due_on == today:
        return "is due today"
    return f"is due {days_words(due_on, today)}, on {_day(due_on)}"


def action_line(action: ActionItem, owner: str, today: date | None = None) -> str:
    """`#4 Draft the annual report (Cara, due Fri 4 Dec 2026)`, flagged when still open after
    its due date as of `today`."""
    overdue = today is not None and action.done_at is None and action.due_on < today
    late = " (overdue)" if overdue else ""
    return f"#{action.id} {action.text} ({owner}, due {_day(action.due_on)}){late}"


def overdue_lines(session: Session, today: date) -> list[str]:
    return [
        action_line(action, roster.display_name(session, action.owner_id))
        for action in steering.overdue_actions(session, today)
    ]


def _key_prefix(action: ActionItem) -> str:
    return f"steering:action:{action.id}:"


def _morning(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, REMINDER_TIME, tzinfo=tz)


def _day(day: date) -> str:
    return day.strftime("%a %-d %b %Y")


COMMANDS = [
    CommandSpec(
        name="action add",
        summary="Give someone a steering group action with a due date",
        handler=add_action,
        params=(OWNER, WHAT, DUE),
        role=Role.STEERING,
        examples=("action add @cara Draft the annual report due Fri 4 Dec",),
    ),
    CommandSpec(
        name="actions",
        summary="The steering group's open actions",
        handler=list_actions,
        role=Role.STEERING,
    ),
    CommandSpec(
        name="action done",
        summary="Mark an action done (its owner or the chair)",
        handler=mark_done,
        params=(ACTION,),
        role=Role.STEERING,
        examples=("action done 4",),
    ),
    CommandSpec(
        name="action reassign",
        summary="Give an open action to another owner (the chair or an admin)",
        handler=reassign,
        params=(ACTION, OWNER),
        role=Role.STEERING,
        examples=("action reassign 4 @cara",),
    ),
]

JOBS = [JobSpec(REMINDER_KIND, remind_owner)]


async def _tell_new_owner(
    services: Services, request: Request, action: ActionItem, owner: Member
) -> None:
    await send_to_member(
        services,
        owner.id,
        Reply(
            f"{request.member.display_name} gave you a steering group action: "
            f"{action_line(action, owner.display_name)}. Mark it done with "
            f"`action done {action.id}`."
        ),
    )
