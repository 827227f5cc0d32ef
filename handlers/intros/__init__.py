"""Peer introductions: every round, each participant meets someone from another
organisation. The story, module by module: `profile` and `membership` (joining, pausing,
leaving, private exclusions), `cadence` (when rounds happen), `rounds` and `matching` (who
meets whom), `introductions` (the messages), `follow_up` ("Did you meet?") and `report`."""

from contract.specs import ActionSpec, CommandSpec, Feature, JobSpec, Request
from contract.vocabulary import Reply, Role
from handlers.intros import cadence, follow_up, introductions, membership, report, rounds
from handlers.intros.profile import JOIN_FORM
from handlers.services import Services

OVERVIEW = (
    "Peer introductions pair you with someone from another organisation every round.\n"
    "• `intros join`: take part (or update your details)\n"
    "• `intros pause until 2027-01-15` or `intros pause for 4 weeks`: take a break\n"
    "• `intros status`, `intros history`: where you are, whom you've met\n"
    "• `intros never @person`: never be paired with them (only you will know)\n"
    "• `intros leave`: stop"
)


async def overview(request: Request, services: Services) -> Reply:
    return Reply(OVERVIEW, title="Peer introductions", private=True)


COMMANDS: list[CommandSpec[Services]] = [
    CommandSpec(
        name="intros",
        summary="Peer introductions: what you can do",
        handler=overview,
    ),
    CommandSpec(
        name="intros join",
        summary="Meet someone from another organisation every round",
        handler=membership.ask_to_join,
        opens_form=True,
    ),
    CommandSpec(
        name="intros leave",
        summary="Stop taking part in peer introductions",
        handler=membership.leave,
    ),
    CommandSpec(
        name="intros pause",
        summary="Take a break from peer introductions",
        handler=membership.pause,
        params=(membership.UNTIL, membership.LENGTH),
        examples=("intros pause until 2027-01-15", "intros pause for 4 weeks"),
    ),
    CommandSpec(
        name="intros status",
        summary="Your peer introductions: details, next round, pause",
        handler=membership.status,
    ),
    CommandSpec(
        name="intros history",
        summary="Whom you've been introduced to",
        handler=membership.history,
    ),
    CommandSpec(
        name="intros never",
        summary="Never be paired with someone (private: they are not told)",
        handler=membership.never,
        params=(membership.PERSON,),
        examples=("intros never @alex",),
    ),
    CommandSpec(
        name="intros cadence",
        summary="How often rounds run, on which day and time (admins only)",
        handler=cadence.set_cadence,
        params=(cadence.EVERY_PARAM, cadence.DAY, cadence.AT),
        role=Role.ADMIN,
        examples=("intros cadence fortnightly monday 10:00", "intros cadence monthly thursday 2pm"),
    ),
    CommandSpec(
        name="intros report",
        summary="Per round: participants, introductions, who met (admins only)",
        handler=report.report,
        role=Role.ADMIN,
    ),
]

FEATURE: Feature[Services] = Feature(
    commands=COMMANDS,
    actions=[
        ActionSpec(JOIN_FORM, membership.join),
        ActionSpec(follow_up.ANSWER_ACTION, follow_up.record_answer),
    ],
    jobs=[
        JobSpec(cadence.ROUND_JOB, rounds.run_round),
        JobSpec(rounds.INTRODUCE_JOB, introductions.introduce),
        JobSpec(rounds.FOLLOW_UP_JOB, follow_up.ask_whether_met),
    ],
    planners=[cadence.plan_next_round],
)
