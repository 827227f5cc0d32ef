"""Peer introductions: every round, each participant meets someone from another
organisation. The story, module by module: `profile` and `membership` (joining, pausing,
leaving, private exclusions), `cadence` (when rounds happen), `rounds` and `matching` (who
meets whom), `introductions` (the messages), `follow_up` ("Did you meet?") and `report`."""

from handlers.intros import cadence, follow_up, introductions, membership, report, rounds
from handlers.intros.profile import JOIN_FORM
from handlers.registry import ActionSpec, CommandSpec, Request
from handlers.services import Services
from handlers.vocabulary import Reply, Role
from scheduler.dispatcher import JobSpec

OVERVIEW = (
    "Peer introductions pair you with someone from another organisation every round.\n"
    "• `intros join`: take part (or update your details)\n"
    "• `intros pause until 2027-01-15` or `intros pause for 4 weeks`: take a break\n"
    "• `intros status`, `intros history`: where you are, whom you've met\n"
    "• `intros never @person`: never be paired with them (only you will know)\n"
    "• `intros leave`: stop"
)


async def overview(request: Request, services: Services) -> Reply:
    if request.args:
        return Reply(f"I don't know `intros {request.args[:40]}`.\n{OVERVIEW}", private=True)
    return Reply(OVERVIEW, title="Peer introductions", private=True)


COMMANDS = [
    CommandSpec(
        name="intros",
        summary="Peer introductions: what you can do",
        usage="intros",
        handler=overview,
    ),
    CommandSpec(
        name="intros join",
        summary="Meet someone from another organisation every round",
        usage="intros join",
        handler=membership.ask_to_join,
    ),
    CommandSpec(
        name="intros leave",
        summary="Stop taking part in peer introductions",
        usage="intros leave",
        handler=membership.leave,
    ),
    CommandSpec(
        name="intros pause",
        summary="Take a break from peer introductions",
        usage="intros pause until <date> | for <n> weeks",
        handler=membership.pause,
        examples=("intros pause until 2027-01-15", "intros pause for 4 weeks"),
    ),
    CommandSpec(
        name="intros status",
        summary="Your peer introductions: details, next round, pause",
        usage="intros status",
        handler=membership.status,
    ),
    CommandSpec(
        name="intros history",
        summary="Whom you've been introduced to",
        usage="intros history",
        handler=membership.history,
    ),
    CommandSpec(
        name="intros never",
        summary="Never be paired with someone (private: they are not told)",
        usage="intros never @person",
        handler=membership.never,
        examples=("intros never @alex",),
    ),
    CommandSpec(
        name="intros cadence",
        summary="How often rounds run, on which day and time (admins only)",
        usage="intros cadence [weekly|fortnightly|monthly] [day] [time]",
        handler=cadence.set_cadence,
        role=Role.ADMIN,
        examples=("intros cadence fortnightly monday 10:00", "intros cadence monthly thursday 2pm"),
    ),
    CommandSpec(
        name="intros report",
        summary="Per round: participants, introductions, who met (admins only)",
        usage="intros report",
        handler=report.report,
        role=Role.ADMIN,
    ),
]

ACTIONS = [
    ActionSpec(JOIN_FORM, membership.join),
    ActionSpec(follow_up.ANSWER_ACTION, follow_up.record_answer),
]

JOBS = [
    JobSpec(cadence.ROUND_JOB, rounds.run_round),
    JobSpec(rounds.INTRODUCE_JOB, introductions.introduce),
    JobSpec(rounds.FOLLOW_UP_JOB, follow_up.ask_whether_met),
]

PLANNERS = [cadence.plan_next_round]
