"""Admins register the organisations taking part in REMI, their equality leads and how
often each checks in: `remi org add`, `remi lead add @person <organisation>`, `remi cadence`.

A lead may serve several organisations and an organisation may have several leads; being
made a lead grants the equality lead role, and stepping down from the last organisation
takes it away again.
"""

from collections.abc import Sequence

from contract.params import Choice, Person, Text
from contract.specs import CommandSpec, Request
from contract.vocabulary import Option, Picker, Reply, Role
from handlers.network.periods import current_period
from handlers.services import Services
from storage import due, members, remi
from storage.remi import CADENCES, Organisation

MAX_NAME_CHARS = 200
MAX_PLACE_CHARS = 100


def organisation_picker(organisations: Sequence[Organisation], action_id: str) -> Picker:
    """A lead of several organisations picks one; the pick's value is its id."""
    return Picker(
        action_id,
        "Choose an organisation",
        tuple(Option(o.name, str(o.id)) for o in organisations),
    )


def organisation_names(services: Services, typed: str) -> list[str]:
    """Registered organisations whose name has what is typed, for autocomplete."""
    wanted = typed.strip().casefold()
    with services.db.session() as session:
        names = [o.name for o in remi.organisations(session)]
    return [name for name in names if wanted in name.casefold()]


NAME = Text("name", "The organisation's name", max_length=MAX_NAME_CHARS)
SECTOR = Text("sector", "Its sector, e.g. NHS trust, local authority", max_length=MAX_PLACE_CHARS)
AREA = Text("area", "Its borough or ICS area", max_length=MAX_PLACE_CHARS)
PERSON = Person("person", "The member, named with @")
ORGANISATION = Text(
    "organisation",
    "A registered organisation",
    max_length=MAX_NAME_CHARS,
    complete=organisation_names,
)
CADENCE = Choice("cadence", "How often it checks in", choices=CADENCES)
# For a lead of several organisations: which one they mean.
ONE_YOU_LEAD = Text(
    "organisation",
    "One of the organisations you lead",
    required=False,
    max_length=MAX_NAME_CHARS,
    complete=organisation_names,
)


async def add_organisation(request: Request, services: Services) -> Reply:
    name, sector, area = request.value(NAME), request.value(SECTOR), request.value(AREA)
    with services.db.session() as session:
        added = remi.add_organisation(session, name, sector, area, services.clock.now())
    if added is None:
        return Reply(f"{name} is already registered, so nothing changed.", private=True)
    return Reply(
        f"Registered {added.name} ({added.sector}, {added.area}), checking in "
        f"{added.cadence}. Add its equality leads with `remi lead add @person {added.name}`.",
        private=True,
    )


async def list_organisations(request: Request, services: Services) -> Reply:
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


async def add_lead(request: Request, services: Services) -> Reply:
    named, name = request.value(PERSON), request.value(ORGANISATION)
    now = services.clock.now()
    with services.db.session() as session:
        organisation = remi.find_organisation(session, name)
        if organisation is None:
            return _unknown_organisation(name)
        person = members.identify(session, named.platform, named.user_id, "", now)
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


async def remove_lead(request: Request, services: Services) -> Reply:
    named, name = request.value(PERSON), request.value(ORGANISATION)
    with services.db.session() as session:
        organisation = remi.find_organisation(session, name)
        if organisation is None:
            return _unknown_organisation(name)
        person = members.find(session, named.platform, named.user_id)
        if person is None or not remi.remove_lead(session, organisation.id, person.id):
            return Reply(
                f"They aren't a lead for {organisation.name}, so nothing changed.", private=True
            )
        if not remi.organisations_led_by(session, person.id):
            members.revoke_role(session, person.id, Role.EQUALITY_LEAD)
    return Reply(
        f"Done: {person.display_name} is no longer a lead for {organisation.name}.",
        private=True,
    )


async def set_cadence(request: Request, services: Services) -> Reply:
    name, cadence = request.value(ORGANISATION), request.value(CADENCE)
    now = services.clock.now()
    with services.db.session() as session:
        organisation = remi.find_organisation(session, name)
        if organisation is None:
            return _unknown_organisation(name)
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
        name="remi org add",
        summary="Register an organisation for REMI check-ins (admins)",
        handler=add_organisation,
        params=(NAME, SECTOR, AREA),
        role=Role.ADMIN,
        examples=("remi org add Whittington Health | NHS trust | North Central London",),
    ),
    CommandSpec(
        name="remi org list",
        summary="The organisations taking part in REMI (admins)",
        handler=list_organisations,
        role=Role.ADMIN,
    ),
    CommandSpec(
        name="remi lead add",
        summary="Make someone an equality lead of an organisation (admins)",
        handler=add_lead,
        params=(PERSON, ORGANISATION),
        role=Role.ADMIN,
        examples=("remi lead add @alice Whittington Health",),
    ),
    CommandSpec(
        name="remi lead remove",
        summary="Remove an equality lead from an organisation (admins)",
        handler=remove_lead,
        params=(PERSON, ORGANISATION),
        role=Role.ADMIN,
        examples=("remi lead remove @alice Whittington Health",),
    ),
    CommandSpec(
        name="remi cadence",
        summary="How often an organisation checks in: monthly or quarterly (admins)",
        handler=set_cadence,
        params=(ORGANISATION, CADENCE),
        role=Role.ADMIN,
        examples=("remi cadence Whittington Health monthly",),
    ),
]
