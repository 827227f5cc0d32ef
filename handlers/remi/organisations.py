"""Admins register the organisations taking part in REMI, their equality leads and how
often each checks in: `remi org add`, `remi lead add @person <organisation>`, `remi cadence`.

A lead may serve several organisations and an organisation may have several leads; being
made a lead grants the equality lead role, and stepping down from the last organisation
takes it away again.
"""

from handlers.registry import CommandSpec, Request
from handlers.remi.periods import current_period
from handlers.services import Services
from handlers.vocabulary import MENTION, Platform, Reply, Role
from storage import due, members, remi
from storage.remi import CADENCES

MAX_NAME_CHARS = 200
MAX_PLACE_CHARS = 100

ORG_USAGE = Reply(
    "Register an organisation with its name, sector and borough or ICS area, separated by "
    "`|`: `remi org add Whittington Health | NHS trust | North Central London`. "
    "`remi org list` shows those registered.",
    private=True,
)
LEAD_USAGE = Reply(
    "Name the person with @ and then the organisation: `remi lead add @alice Whittington "
    "Health`, or `remi lead remove @alice Whittington Health`.",
    private=True,
)
CADENCE_USAGE = Reply(
    "Name the organisation and how often it checks in: `remi cadence Whittington Health "
    "monthly` (or `quarterly`, the default).",
    private=True,
)


async def organisation_command(request: Request, services: Services) -> Reply:
    verb, _, rest = request.args.partition(" ")
    if verb.lower() == "add":
        return await _add_organisation(rest, services)
    if verb.lower() == "list" and not rest:
        return await _list_organisations(services)
    return ORG_USAGE


async def _add_organisation(args: str, services: Services) -> Reply:
    parts = [part.strip() for part in args.split("|")]
    if len(parts) != 3 or not all(parts):
        return ORG_USAGE
    name, sector, area = parts
    if len(name) > MAX_NAME_CHARS or len(sector) > MAX_PLACE_CHARS or len(area) > MAX_PLACE_CHARS:
        return Reply(
            f"Please keep the name under {MAX_NAME_CHARS} characters and the sector and area "
            f"under {MAX_PLACE_CHARS} each. Nothing was registered.",
            private=True,
        )
    with services.db.session() as session:
        added = remi.add_organisation(session, name, sector, area, services.clock.now())
    if added is None:
        return Reply(f"{name} is already registered, so nothing changed.", private=True)
    return Reply(
        f"Registered {added.name} ({added.sector}, {added.area}), checking in "
        f"{added.cadence}. Add its equality leads with `remi lead add @person {added.name}`.",
        private=True,
    )


async def _list_organisations(services: Services) -> Reply:
    with services.db.session() as session:
        registered = remi.organisations(session)
        leads = remi.all_leads(session)
    if not registered:
        return Reply("No organisation is registered yet: `remi org add` adds one.", private=True)
    lines = [
        f"• {o.name} ({o.sector}, {o.area}): {o.cadence}, {len(leads.get(o.id, ()))} lead(s)"
        for o in registered
    ]
    return Reply(
        "\n".join(["Organisations taking part in REMI:", *lines]),
        title="REMI organisations",
        private=True,
    )


async def lead_command(request: Request, services: Services) -> Reply:
    verb, _, rest = request.args.partition(" ")
    found = MENTION.search(rest)
    if verb.lower() not in ("add", "remove") or found is None:
        return LEAD_USAGE
    name = (rest[: found.start()] + rest[found.end() :]).strip()
    if not name:
        return LEAD_USAGE
    platform, user_id = Platform(found["platform"]), found["user_id"]
    now = services.clock.now()
    with services.db.session() as session:
        organisation = remi.find_organisation(session, name)
        if organisation is None:
            return _unknown_organisation(name)
        if verb.lower() == "remove":
            person = members.find(session, platform, user_id)
            if person is None or not remi.remove_lead(session, organisation.id, person.id):
                return Reply(
                    f"They aren't a lead for {organisation.name}, so nothing changed.",
                    private=True,
                )
            if not remi.organisations_led_by(session, person.id):
                members.revoke_role(session, person.id, Role.EQUALITY_LEAD)
            return Reply(
                f"Done: {person.display_name} is no longer a lead for {organisation.name}.",
                private=True,
            )
        person = members.identify(session, platform, user_id, "", now)
        added = remi.add_lead(session, organisation.id, person.id, now)
        members.grant_role(session, person.id, Role.EQUALITY_LEAD, now)
    if not added:
        return Reply(
            f"{person.display_name} is already a lead for {organisation.name}.", private=True
        )
    period = current_period(organisation.cadence, now, services.timezone)
    return Reply(
        f"Done: {person.display_name} is now an equality lead for {organisation.name}. "
        f"They'll be asked by DM for the check-in for {period.label}, unless it is done.",
        private=True,
    )


async def set_cadence(request: Request, services: Services) -> Reply:
    name, _, cadence = request.args.rpartition(" ")
    cadence = cadence.lower()
    if cadence not in CADENCES or not name.strip():
        return CADENCE_USAGE
    now = services.clock.now()
    with services.db.session() as session:
        organisation = remi.find_organisation(session, name)
        if organisation is None:
            return _unknown_organisation(name.strip())
        if organisation.cadence == cadence:
            return Reply(f"{organisation.name} already checks in {cadence}.", private=True)
        remi.set_cadence(session, organisation.id, cadence)
        # Prompts waiting for the old period's key are moot; the planner writes new ones.
        for kind in ("prompt", "nudge"):
            due.cancel(session, f"remi:{kind}:{organisation.id}:", now)
    period = current_period(cadence, now, services.timezone)
    return Reply(
        f"Done: {organisation.name} now checks in {cadence}, starting with {period.label}.",
        private=True,
    )


def _unknown_organisation(name: str) -> Reply:
    return Reply(
        f"I don't know an organisation called “{name}”, so nothing changed. `remi org list` "
        "shows those registered; `remi org add` registers one.",
        private=True,
    )


COMMANDS = [
    CommandSpec(
        name="remi org",
        summary="Register an organisation for REMI check-ins, or list them (admins)",
        usage="remi org add <name> | <sector> | <area>",
        handler=organisation_command,
        role=Role.ADMIN,
        examples=(
            "remi org add Whittington Health | NHS trust | North Central London",
            "remi org list",
        ),
    ),
    CommandSpec(
        name="remi lead",
        summary="Make someone an equality lead of an organisation, or remove them (admins)",
        usage="remi lead add|remove @person <organisation>",
        handler=lead_command,
        role=Role.ADMIN,
        examples=("remi lead add @alice Whittington Health",),
    ),
    CommandSpec(
        name="remi cadence",
        summary="How often an organisation checks in: monthly or quarterly (admins)",
        usage="remi cadence <organisation> monthly|quarterly",
        handler=set_cadence,
        role=Role.ADMIN,
        examples=("remi cadence Whittington Health monthly",),
    ),
]
