"""What a lead gets back: `remi status` (their organisation's stage over time, what changed,
what would help, its action points) and `remi action add <text>` to write the next action
point. Only the organisation's own leads, and admins, may read it."""

import re

from sqlmodel import Session

from contract.params import Number, Text
from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import Reply, Role
from handlers.network.periods import current_period
from handlers.remi.checkin import NOT_A_LEAD, answer_lines
from handlers.remi.organisations import ONE_YOU_LEAD, organisation_picker
from handlers.remi.privacy import may_read, readable_organisation
from handlers.services import Services
from handlers.wording import possessive
from knowledge.remi import STAGES
from storage import remi
from storage.remi import Organisation

MAX_ACTION_POINT_CHARS = 500
STATUS_ACTION = "remi.status"

ACTION_POINT = Text("text", "The action point", max_length=MAX_ACTION_POINT_CHARS)
ORGANISATION_ID = Number("organisation", "The organisation's number")


async def show_status(request: Request, services: Services) -> Reply:
    named = request.optional(ONE_YOU_LEAD)
    with services.db.session() as session:
        if named is not None:
            organisation = readable_organisation(session, request.member, named)
            if organisation is None:
                return _cannot_show(f"“{named}”")
            return _status(session, organisation, services)
        led = remi.organisations_led_by(session, request.member.id)
        if len(led) == 1:
            return _status(session, led[0], services)
    if len(led) > 1:
        return Reply(
            "Which organisation?",
            picker=organisation_picker(led, STATUS_ACTION),
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
    with services.db.session() as session:
        organisation = remi.organisation(session, request.value(ORGANISATION_ID))
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
    named, text = request.optional(ONE_YOU_LEAD), request.value(ACTION_POINT)
    now = services.clock.now()
    with services.db.session() as session:
        led = remi.organisations_led_by(session, request.member.id)
        if not led:
            return NOT_A_LEAD
        if named is None:
            named, text = _organisation_named_first(session, text)
        if named is not None:
            led = [o for o in led if o.name_key == remi.name_key(named)]
            if not led:
                return Reply(
                    f"You aren't an equality lead for “{named}”, so nothing was added. "
                    "`remi status` shows the organisations you lead.",
                    private=True,
                )
        elif len(led) > 1:
            return Reply(
                f"You lead {', '.join(o.name for o in led)}: name one first, e.g. "
                f"`remi action add {led[0].name} | <text>`. Nothing was added.",
                private=True,
            )
        organisation = led[0]
        period = current_period(organisation.cadence, now, services.timezone)
        remi.add_action_point(session, organisation.id, period.key, text, request.member.id, now)
    return Reply(
        f"Added to {possessive(organisation.name)} action points for {period.label}: {text}\n"
        "`remi status` shows them all.",
        private=True,
    )


def _organisation_named_first(session: Session, text: str) -> tuple[str | None, str]:
    """ "Barts Health Publish the pay gap" names Barts Health as surely as "Barts Health |
    Publish the pay gap" does, so it goes to Barts Health or is refused, never onto the
    lead's own organisation. The longest registered name the text starts with, and the rest;
    a name later in the text ("… with Barts Health") is a partner, not a choice."""
    for organisation in sorted(remi.organisations(session), key=lambda o: -len(o.name)):
        starts = re.match(
            rf"\s*{re.escape(organisation.name)}(?=[\s:,;–—-])[\s:,;–—-]*", text, re.I
        )
        if starts and text[starts.end() :].strip():
            return organisation.name, text[starts.end() :].strip()
    return None, text


COMMANDS = [
    CommandSpec(
        name="remi status",
        summary="Your organisation's REMI history and action points (equality leads)",
        handler=show_status,
        params=(ONE_YOU_LEAD,),
        role=Role.EQUALITY_LEAD,
    ),
    CommandSpec(
        name="remi action add",
        summary="Add an action point for your organisation (equality leads)",
        handler=add_action_point,
        params=(ONE_YOU_LEAD, ACTION_POINT),
        role=Role.EQUALITY_LEAD,
        examples=("remi action add Publish our ethnicity pay gap by March",),
    ),
]

ACTIONS = [
    ActionSpec(
        STATUS_ACTION,
        show_status_of,
        role=Role.EQUALITY_LEAD,
        params=(ORGANISATION_ID,),
        forged=_cannot_show("that organisation"),
    )
]
