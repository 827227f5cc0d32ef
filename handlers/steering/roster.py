"""Who is on the steering group, who chairs it, and how many make a quorum.

Admins keep the roster (`steering add @person`, `steering remove @person`); being on it is
holding the steering role. The chair (set by an admin) runs the meetings: opens polls,
confirms dates and orders the agenda. Admins can always step in for the chair.
"""

from collections.abc import Mapping

from sqlmodel import Session

from contract.params import Number, Person
from contract.specs import CommandSpec, Request
from contract.vocabulary import MemberProfile, Reply, Role
from handlers.notify import send_to_member
from handlers.services import Services
from storage import members, steering

CHAIR_ONLY = Reply(
    "Only the steering group's chair (or an admin) can do that.",
    private=True,
)
MAX_QUORUM = 100


# --- who is on the group --------------------------------------------------------------


def roster(session: Session) -> list[MemberProfile]:
    return members.holders_of(session, Role.STEERING)


def roster_ids(session: Session) -> list[int]:
    return [person.id for person in roster(session)]


def may_chair(session: Session, member: MemberProfile) -> bool:
    if Role.ADMIN in member.roles:
        return True
    return steering.group_settings(session).chair_id == member.id


def chair_or_admins(session: Session) -> list[int]:
    """Who receives what is meant for the chair: the chair, or every admin while there is none."""
    chair_id = steering.group_settings(session).chair_id
    if chair_id is not None:
        return [chair_id]
    return [admin.id for admin in members.holders_of(session, Role.ADMIN)]


def quorum(session: Session) -> int:
    """The configured quorum, or a majority of the roster while none is set."""
    configured = steering.group_settings(session).quorum
    return configured if configured is not None else len(roster(session)) // 2 + 1


def display_name(session: Session, member_id: int | None) -> str:
    return "nobody" if member_id is None else members.profile(session, member_id).display_name


async def send_to_each(services: Services, replies: Mapping[int, Reply]) -> list[int]:
    """DM each member their reply (by member id); those who were reached."""
    reached = []
    for member_id, reply in replies.items():
        if await send_to_member(services, member_id, reply) is not None:
            reached.append(member_id)
    return reached


PERSON = Person("person", "The member, named with @")
QUORUM = Number("number", "How many members must attend", maximum=MAX_QUORUM)


# --- the commands ---------------------------------------------------------------------


async def add(request: Request, services: Services) -> Reply:
    person = request.value(PERSON)
    now = services.clock.now()
    with services.db.session() as session:
        profile = members.identify(session, person.platform, person.user_id, "", now)
        added = members.grant_role(session, profile.id, Role.STEERING, now, request.member.id)
    if not added:
        return Reply(f"{profile.display_name} is already on the steering group.", private=True)
    return Reply(f"Done: {profile.display_name} is now on the steering group.", private=True)


async def remove(request: Request, services: Services) -> Reply:
    person = request.value(PERSON)
    with services.db.session() as session:
        profile = members.find(session, person.platform, person.user_id)
        if profile is None or not members.revoke_role(session, profile.id, Role.STEERING):
            return Reply("They aren't on the steering group, so nothing changed.", private=True)
        was_chair = steering.group_settings(session).chair_id == profile.id
        if was_chair:
            steering.set_chair(session, None)
    note = " They were the chair: set a new one with `steering chair @person`." if was_chair else ""
    return Reply(
        f"Done: {profile.display_name} is no longer on the steering group.{note}", private=True
    )


async def list_members(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        people = roster(session)
        settings = steering.group_settings(session)
        needed = quorum(session)
    if not people:
        return Reply(
            "Nobody is on the steering group yet. An admin adds people with "
            "`steering add @person`.",
            private=True,
        )
    lines = [
        f"• {person.display_name}{' (chair)' if person.id == settings.chair_id else ''}"
        for person in people
    ]
    quorum_note = (
        f"Quorum: {needed}."
        if settings.quorum is not None
        else f"Quorum: {needed} (a majority, until set with `steering quorum <n>`)."
    )
    if settings.chair_id is None:
        quorum_note += " No chair yet: an admin sets one with `steering chair @person`."
    return Reply(
        "\n".join([f"The steering group ({len(people)}):", *lines, quorum_note]),
        title="Steering group",
        private=True,
    )


async def set_chair(request: Request, services: Services) -> Reply:
    person = request.value(PERSON)
    with services.db.session() as session:
        profile = members.find(session, person.platform, person.user_id)
        if profile is None or Role.STEERING not in profile.roles:
            return Reply(
                "The chair must be on the steering group: add them first with "
                "`steering add @person`.",
                private=True,
            )
        steering.set_chair(session, profile.id)
    return Reply(f"Done: {profile.display_name} now chairs the steering group.", private=True)


async def set_quorum(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        if not may_chair(session, request.member):
            return CHAIR_ONLY
        wanted = request.value(QUORUM)
        size = len(roster(session))
        if wanted > size:
            return Reply(
                f"The steering group has {size} member{'' if size == 1 else 's'}, so a quorum "
                f"of {wanted} could never be met. Give a number from 1 to {size}.",
                private=True,
            )
        steering.set_quorum(session, wanted)
    return Reply(
        f"Done: the chair will be warned two days before a meeting if fewer than "
        f"{wanted} members have said they will attend.",
        private=True,
    )


COMMANDS = [
    CommandSpec(
        name="steering add",
        summary="Put someone on the steering group (admins only)",
        handler=add,
        params=(PERSON,),
        role=Role.ADMIN,
        examples=("steering add @amara",),
    ),
    CommandSpec(
        name="steering remove",
        summary="Take someone off the steering group (admins only)",
        handler=remove,
        params=(PERSON,),
        role=Role.ADMIN,
        examples=("steering remove @amara",),
    ),
    CommandSpec(
        name="steering chair",
        summary="Set who chairs the steering group (admins only)",
        handler=set_chair,
        params=(PERSON,),
        role=Role.ADMIN,
        examples=("steering chair @amara",),
    ),
    CommandSpec(
        name="steering members",
        summary="Who is on the steering group, its chair and quorum",
        handler=list_members,
        role=Role.STEERING,
    ),
    CommandSpec(
        name="steering quorum",
        summary="How many members make a quorum (chair)",
        handler=set_quorum,
        params=(QUORUM,),
        role=Role.STEERING,
        examples=("steering quorum 5",),
    ),
]
