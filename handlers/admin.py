"""Roles, granted and revoked in chat by admins: `admin grant @person organiser`."""

from contract.params import Choice, Person
from contract.specs import CommandSpec, Feature, Request
from contract.vocabulary import Reply, Role
from handlers.services import Services
from storage import members

# The roles an admin can hand out, as members type them.
ROLE_WORDS = {
    "organiser": Role.ORGANISER,
    "curator": Role.CURATOR,
    "steering": Role.STEERING,
    "equality lead": Role.EQUALITY_LEAD,
    "admin": Role.ADMIN,
}
PERSON = Person("person", "The member, named with @")
ROLE = Choice(
    "role",
    "Which role",
    choices=tuple(ROLE_WORDS),
    aliases={"organizer": "organiser", "lead": "equality lead", "equality_lead": "equality lead"},
)


async def grant(request: Request, services: Services) -> Reply:
    named, role = request.value(PERSON), ROLE_WORDS[request.value(ROLE)]
    with services.db.session() as session:
        person = members.identify(session, named.platform, named.user_id, "", services.clock.now())
        added = members.grant_role(
            session, person.id, role, services.clock.now(), granted_by=request.member.id
        )
    if not added:
        return Reply(f"{person.display_name} already has the {role.value} role.", private=True)
    return Reply(f"Done: {person.display_name} now has the {role.value} role.", private=True)


async def revoke(request: Request, services: Services) -> Reply:
    named, role = request.value(PERSON), ROLE_WORDS[request.value(ROLE)]
    with services.db.session() as session:
        person = members.find(session, named.platform, named.user_id)
        if person is None or role not in person.roles:
            return Reply("They don't have that role, so nothing changed.", private=True)
        if role == Role.ADMIN and person.id == request.member.id:
            return Reply(
                "You can't remove your own admin role: ask another admin to do it.", private=True
            )
        members.revoke_role(session, person.id, role)
    return Reply(f"Done: {person.display_name} no longer has the {role.value} role.", private=True)


async def list_roles(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        holders = members.members_with_roles(session)
    if not holders:
        return Reply("Nobody holds a role yet beyond membership.", private=True)
    lines = [f"• {p.display_name}: {', '.join(sorted(r.value for r in p.roles))}" for p in holders]
    return Reply("\n".join(["Who holds which role:", *lines]), title="Roles", private=True)


COMMANDS: list[CommandSpec[Services]] = [
    CommandSpec(
        name="admin grant",
        summary="Give someone a role (admins only)",
        handler=grant,
        params=(PERSON, ROLE),
        role=Role.ADMIN,
        examples=("admin grant @alice organiser",),
    ),
    CommandSpec(
        name="admin revoke",
        summary="Take a role away (admins only)",
        handler=revoke,
        params=(PERSON, ROLE),
        role=Role.ADMIN,
        examples=("admin revoke @alice organiser",),
    ),
    CommandSpec(
        name="admin roles",
        summary="Who holds which role (admins only)",
        handler=list_roles,
        role=Role.ADMIN,
    ),
]

FEATURE: Feature[Services] = Feature(commands=COMMANDS)
