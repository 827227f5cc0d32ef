"""What a lead gets back: `remi status` (their organisation's stage over time, what changed,
what would help, its action points) and `remi action add <text>` to write the next action
point. Only the organisation's own leads, and admins, may read it."""

from sqlmodel import Session

from handlers.registry import ActionSpec, CommandSpec, Request
from handlers.remi.checkin import NOT_A_LEAD, ORGANISATION_VALUE, answer_lines
from handlers.remi.periods import current_period
from handlers.remi.privacy import may_read, readable_organisation
from handlers.services import Services
from handlers.vocabulary import Button, Reply, Role
from knowledge.remi import STAGES
from storage import remi
from storage.remi import Organisation

MAX_ACTION_POINT_CHARS = 500

ACTION_USAGE = Reply(
    "Write the action point after `remi action add`, e.g. `remi action add Publish our "
    "ethnicity pay gap by March`. If you lead several organisations, name one first: "
    "`remi action add Whittington Health | Publish our ethnicity pay gap`.",
    private=True,
)


async def show_status(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        if request.args:
            organisation = readable_organisation(session, request.member, request.args)
            if organisation is None:
                return _cannot_show(request.args)
            return _status(session, organisation, services)
        led = remi.organisations_led_by(session, request.member.id)
        if len(led) == 1:
            return _status(session, led[0], services)
    if len(led) > 1:
        return Reply(
            "Which organisation?",
            buttons=tuple(Button(o.name, action_id="remi.status", value=str(o.id)) for o in led),
            private=True,
        )
    if Role.ADMIN in request.member.roles:
        return Reply(
            "Name the organisation: `remi status <organisation>` (`remi org list` shows them).",
            private=True,
        )
    return NOT_A_LEAD


async def show_status_of(request: Request, services: Services) -> Reply:
    """A button naming one organisation; its value is untrusted."""
    found = ORGANISATION_VALUE.fullmatch(request.args)
    with services.db.session() as session:
        organisation = remi.organisation(session, int(found["organisation"])) if found else None
        if organisation is None or not may_read(session, request.member, organisation.id):
            return _cannot_show("that organisation")
        return _status(session, organisation, services)


def _status(session: Session, organisation: Organisation, services: Services) -> Reply:
    checkins = remi.history(session, organisation.id)
    points = remi.action_points(session, organisation.id)
    period = current_period(organisation.cadence, services.clock.now(), services.timezone)
    lines = [
        f"{organisation.name} ({organisation.sector}, {organisation.area}), checking in "
        f"{organisation.cadence}.",
    ]
    if not checkins:
        lines.append("No check-in yet.")
    previous = None
    for checkin in checkins:
        stage = STAGES[checkin.stage - 1]
        movement = ""
        if previous is not None and previous.stage != checkin.stage:
            direction = "up" if checkin.stage > previous.stage else "down"
            movement = f" ({direction} from {STAGES[previous.stage - 1].name})"
        unfinished = "" if checkin.is_complete else " (check-in not finished)"
        lines.append(f"{checkin.period}: stage {stage.number}, {stage.name}{movement}{unfinished}")
        lines += [f"  {line}" for line in answer_lines(checkin)[1:]]
        previous = checkin
    lines.append("Action points:" if points else "No action points yet.")
    lines += [f"• {point.period}: {point.text}" for point in points]
    this_period = next((c for c in checkins if c.period == period.key), None)
    if this_period is None or not this_period.is_complete:
        lines.append(f"The check-in for {period.label} is open: `remi checkin`.")
    lines.append("Add an action point with `remi action add <text>`.")
    return Reply("\n".join(lines), title=f"REMI: {organisation.name}", private=True)


def _cannot_show(name: str) -> Reply:
    return Reply(
        f"I can't show {name}: you can see the REMI record only of an organisation you are "
        "an equality lead for.",
        private=True,
    )


async def add_action_point(request: Request, services: Services) -> Reply:
    verb, _, text = request.args.partition(" ")
    text = text.strip()
    if verb.lower() != "add" or not text:
        return ACTION_USAGE
    named, bar, rest = text.partition("|")
    now = services.clock.now()
    with services.db.session() as session:
        led = remi.organisations_led_by(session, request.member.id)
        if not led:
            return NOT_A_LEAD
        chosen = [o for o in led if bar and o.name_key == remi.name_key(named)]
        if chosen:
            led, text = chosen, rest.strip()
        elif len(led) > 1:
            return Reply(
                f"You lead {', '.join(o.name for o in led)}: name one first, e.g. "
                f"`remi action add {led[0].name} | <text>`. Nothing was added.",
                private=True,
            )
        if not text or len(text) > MAX_ACTION_POINT_CHARS:
            return Reply(
                f"An action point needs a few words, and at most {MAX_ACTION_POINT_CHARS} "
                "characters. Nothing was added.",
                private=True,
            )
        organisation = led[0]
        period = current_period(organisation.cadence, now, services.timezone)
        remi.add_action_point(session, organisation.id, period.key, text, request.member.id, now)
    return Reply(
        f"Added to {organisation.name}'s action points for {period.label}: {text}\n"
        "`remi status` shows them all.",
        private=True,
    )


COMMANDS = [
    CommandSpec(
        name="remi status",
        summary="Your organisation's REMI history and action points (equality leads)",
        usage="remi status [organisation]",
        handler=show_status,
        role=Role.EQUALITY_LEAD,
    ),
    CommandSpec(
        name="remi action",
        summary="Add an action point for your organisation (equality leads)",
        usage="remi action add <text>",
        handler=add_action_point,
        role=Role.EQUALITY_LEAD,
        examples=("remi action add Publish our ethnicity pay gap by March",),
    ),
]

ACTIONS = [ActionSpec("remi.status", show_status_of, role=Role.EQUALITY_LEAD)]
