"""The record: `minutes <link or text>` files the minutes against the latest meeting that has
taken place (replacing them is for the chair or an admin), and `steering history` lists
past meetings with their minutes and the actions that came out of them.
"""

from contract.params import Text
from contract.specs import CommandSpec, Request
from contract.vocabulary import Reply, Role
from contract.when import shown_when
from handlers.services import Services
from handlers.steering import roster
from handlers.steering.actions import action_line
from storage import steering

HISTORY_SHOWN = 6
MINUTES = Text(
    "text", "A link to the minutes, or the minutes themselves", required=False, max_length=2000
)


async def record(request: Request, services: Services) -> Reply:
    now, tz = services.clock.now(), services.timezone
    with services.db.session() as session:
        held = steering.past_meetings(session, now, limit=1)
        if not held:
            return Reply(
                "No steering group meeting has taken place yet, so there is nothing to file "
                "minutes against.",
                private=True,
            )
        meeting = held[0]
        moment = shown_when(meeting.starts_at, tz)
        when = moment.words
        minutes = request.optional(MINUTES)
        if minutes is None:
            filed = steering.minutes_for(session, meeting.id)
            if filed is None:
                return Reply(
                    f"No minutes yet for the meeting on {when}. File them with "
                    "`minutes <link or text>`.",
                    private=True,
                    times=(moment,),
                )
            return Reply(
                f"Minutes of the meeting on {when}:\n{filed.text}", private=True, times=(moment,)
            )
        # Anyone on the group may file the minutes; only the chair (or an admin) may
        # overwrite what someone else filed.
        if roster.may_chair(session, request.member):
            replaced = steering.record_minutes(session, meeting.id, minutes, request.member.id, now)
        elif steering.file_first_minutes(session, meeting.id, minutes, request.member.id, now):
            replaced = False
        else:
            return Reply(
                f"The minutes of the meeting on {when} are already filed, and only the chair "
                "(or an admin) can replace them. `minutes` shows them.",
                private=True,
                times=(moment,),
            )
    verb = "Replaced the earlier minutes" if replaced else "Filed the minutes"
    return Reply(
        f"{verb} of the meeting on {when}. `steering history` shows them.",
        private=True,
        times=(moment,),
    )


async def history(request: Request, services: Services) -> Reply:
    now, tz = services.clock.now(), services.timezone
    today = now.astimezone(tz).date()
    lines = []
    times = []
    with services.db.session() as session:
        for meeting in steering.past_meetings(session, now, limit=HISTORY_SHOWN):
            filed = steering.minutes_for(session, meeting.id)
            times.append(shown_when(meeting.starts_at, tz))
            lines.append(times[-1].words)
            lines.append(f"  Minutes: {filed.text if filed else 'not filed yet'}")
            for action in steering.actions_from_meeting(session, meeting.id):
                state = "done" if action.done_at else "open"
                owner = roster.display_name(session, action.owner_id)
                lines.append(f"  Action {action_line(action, owner, today)}: {state}")
    if not lines:
        return Reply("No steering group meeting has taken place yet.", private=True)
    return Reply(
        "\n".join(["Past steering group meetings, the latest first:", *lines]),
        title="Steering group history",
        private=True,
        times=tuple(times),
    )


COMMANDS = [
    CommandSpec(
        name="minutes",
        summary="File (or read) the minutes of the latest steering group meeting",
        handler=record,
        params=(MINUTES,),
        role=Role.STEERING,
        examples=("minutes https://docs.example/steering-2026-12",),
    ),
    CommandSpec(
        name="steering history",
        summary="Past steering group meetings with their minutes and actions",
        handler=history,
        role=Role.STEERING,
    ),
]
