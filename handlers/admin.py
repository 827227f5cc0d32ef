"""Roles, granted and revoked in chat by admins: `admin grant @person organiser`."""

from handlers.registry import CommandSpec, Request
from handlers.services import Services
from handlers.vocabulary import MENTION, Platform, Reply, Role
from storage import members

ROLE_WORDS = {
    "member": Role.MEMBER,
    "organiser": Role.ORGANISER,
    "organizer": Role.ORGANISER,
    "curator": Role.CURATOR,
    "steering": Role.STEERING,
    "equality lead": Role.EQUALITY_LEAD,
    "equality_lead": Role.EQUALITY_LEAD,
    "lead": Role.EQUALITY_LEAD,
    "admin": Role.ADMIN,
}
GRANTABLE = "organiser, curator, steering, equality lead, admin"


async def grant(request: Request, services: Services) -> Reply:
    parsed = _person_and_role(request.args, "grant")
    if isinstance(parsed, Reply):
        return parsed
    platform, user_id, role = parsed
    with services.db.session() as session:
        person = members.identify(session, platform, user_id, "", services.clock.now())
        added = members.grant_role(
            session, person.id, role, services.clock.now(), granted_by=request.member.id
        )
    if not added:
        return Reply(f"{person.display_name} already has the {role.value} role.", private=True)
    return Reply(f"Done: {person.display_name} now has the {role.value} role.", private=True)


async def revoke(request: Request, services: Services) -> Reply:
    parsed = _person_and_role(request.args, "revoke")
    if isinstance(parsed, Reply):
        return parsed
    platform, user_id, role = parsed
    with services.db.session() as session:
        person = members.find(session, platform, user_id)
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


def _person_and_role(args: str, verb: str) -> tuple[Platform, str, Role] | Reply:
    usage = Reply(
        f"Name the person with @ and then the role, for example `admin {verb} @alice "
        f"organiser`. Roles: {GRANTABLE}.",
        private=True,
    )
    found = MENTION.search(args)
    if found is None:
        return usage
    role_word = (args[: found.start()] + args[found.end() :]).strip().lower()
    role = ROLE_WORDS.get(role_word)
    if role is None or role == Role.MEMBER:
        return usage
    return Platform(found["platform"]), found["user_id"], role


COMMANDS = [
    CommandSpec(
        name="admin grant",
        summary="Give someone a role (admins only)",
        usage="admin grant @person <role>",
        handler=grant,
        role=Role.ADMIN,
        examples=("admin grant @alice organiser",),
    ),
    CommandSpec(
        name="admin revoke",
        summary="Take a role away (admins only)",
        usage="admin revoke @person <role>",
        handler=revoke,
        role=Role.ADMIN,
        examples=("admin revoke @alice organiser",),
    ),
    CommandSpec(
        name="admin roles",
        summary="Who holds which role (admins only)",
        usage="admin roles",
        handler=list_roles,
        role=Role.ADMIN,
    ),
]
