"""Members, their platform identities and their roles.

Every function takes the caller's session: the caller decides the unit of work. Rows
people can race for (the first message from a new account, a role granted twice) are
settled by the unique constraints, not by checking first.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from contract.vocabulary import MemberProfile, Platform, Role
from storage.models import Identity, Member, MemberRole

# How fresh "last seen" needs to be to pick the platform a member is using; writing it on
# every message would make each read-only question a database write.
SEEN_PRECISION = timedelta(minutes=10)
FORMER_MEMBER = "a former member"


def identify(
    session: Session,
    platform: Platform,
    user_id: str,
    display_name: str,
    now: datetime,
    *,
    speaking: bool = False,
) -> MemberProfile:
    """The member behind a platform account, created on first contact. `speaking` marks the
    account as the one the member is using now (not when someone merely mentions them)."""
    identity = _identity(session, platform, user_id)
    if identity is None:
        identity = _create_identity(session, platform, user_id, display_name, now)
    if speaking and (
        identity.last_seen_at is None or now - identity.last_seen_at >= SEEN_PRECISION
    ):
        identity.last_seen_at = now
    if display_name and identity.display_name != display_name:
        identity.display_name = display_name
        member = session.get(Member, identity.member_id)
        if member is not None and not member.display_name:
            member.display_name = display_name
    return profile(session, identity.member_id)


def find(session: Session, platform: Platform, user_id: str) -> MemberProfile | None:
    identity = _identity(session, platform, user_id)
    return None if identity is None else profile(session, identity.member_id)


def profile(session: Session, member_id: int) -> MemberProfile:
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    roles = session.exec(select(MemberRole.role).where(MemberRole.member_id == member_id)).all()
    return MemberProfile(
        id=member_id,
        display_name=member.display_name,
        organisation=member.organisation,
        roles=frozenset(Role(role) for role in roles),
    )


def grant_role(
    session: Session, member_id: int, role: Role, now: datetime, granted_by: int | None = None
) -> bool:
    """Give a role; False when the member already had it."""
    try:
        with session.begin_nested():
            session.add(
                MemberRole(
                    member_id=member_id, role=role.value, granted_at=now, granted_by=granted_by
                )
            )
    except IntegrityError:
        return False
    return True


def revoke_role(session: Session, member_id: int, role: Role) -> bool:
    """Take a role away; False when the member did not have it."""
    result = session.exec(
        delete(MemberRole).where(
            col(MemberRole.member_id) == member_id, col(MemberRole.role) == role.value
        )
    )
    return result.rowcount > 0


def members_with_roles(session: Session) -> list[MemberProfile]:
    """Everyone holding a role beyond plain membership, by name."""
    member_ids = session.exec(select(MemberRole.member_id).distinct()).all()
    profiles = [profile(session, member_id) for member_id in member_ids]
    return sorted(profiles, key=lambda p: (p.display_name.lower(), p.id))


def holders_of(session: Session, role: Role) -> list[MemberProfile]:
    return [p for p in members_with_roles(session) if role in p.roles]


def seed_admins(session: Session, accounts: Iterable[tuple[Platform, str]], now: datetime) -> None:
    """Make sure the accounts named in LARCH_ADMINS exist and hold the admin role."""
    for platform, user_id in accounts:
        member = identify(session, platform, user_id, "", now)
        grant_role(session, member.id, Role.ADMIN, now)


def reachable_accounts(session: Session, member_id: int) -> list[tuple[Platform, str]]:
    """A member's accounts, the one they used most recently first."""
    identities = session.exec(select(Identity).where(Identity.member_id == member_id)).all()
    ordered = sorted(
        identities, key=lambda i: (i.last_seen_at is not None, i.last_seen_at), reverse=True
    )
    return [(Platform(i.platform), i.platform_user_id) for i in ordered]


def set_organisation(session: Session, member_id: int, organisation: str) -> None:
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    member.organisation = organisation


def accounts(session: Session, member_id: int) -> list[dict[str, Any]]:
    """A member's platform accounts as plain data, in the order they were first seen."""
    identities = session.exec(
        select(Identity).where(Identity.member_id == member_id).order_by(col(Identity.id))
    ).all()
    return [
        {"platform": i.platform, "user_id": i.platform_user_id, "name": i.display_name}
        for i in identities
    ]


def add_stand_in(session: Session, now: datetime) -> int:
    """A member with no account, role or name of their own, shown as "a former member"
    where history needs someone in a forgotten member's place."""
    stand_in = Member(display_name=FORMER_MEMBER, created_at=now)
    session.add(stand_in)
    session.flush()
    return stand_in.id  # type: ignore[return-value]


def remove(session: Session, member_id: int) -> None:
    """Delete a member and, through the foreign keys, everything that hangs off them (see
    `storage.forgetting` for what the keys cannot reach)."""
    session.exec(delete(Member).where(col(Member.id) == member_id))  # type: ignore[call-overload]


def _identity(session: Session, platform: Platform, user_id: str) -> Identity | None:
    return session.exec(
        select(Identity).where(
            Identity.platform == platform.value, Identity.platform_user_id == user_id
        )
    ).first()


def _create_identity(
    session: Session, platform: Platform, user_id: str, display_name: str, now: datetime
) -> Identity:
    try:
        with session.begin_nested():
            member = Member(display_name=display_name or user_id, created_at=now)
            session.add(member)
            session.flush()
            identity = Identity(
                platform=platform.value,
                platform_user_id=user_id,
                member_id=member.id,
                display_name=display_name,
            )
            session.add(identity)
            session.flush()
            return identity
    except IntegrityError:
        # Another process created this account at the same moment: use theirs.
        existing = _identity(session, platform, user_id)
        if existing is None:
            raise
        return existing
