"""Who may see what of REMI, and how small numbers are hidden.

An organisation's check-ins and action points belong to it: its equality leads answer for
it and read them, the hub's admins read them, and nobody else does. Everyone else, steering
members included, sees only network aggregates, in which any count below SMALLEST_SHOWN is
replaced by "fewer than 5": with so few organisations behind a number, it could point to one.
"""

from sqlmodel import Session

from handlers.vocabulary import Role
from storage import remi
from storage.members import MemberProfile
from storage.remi import Organisation

SMALLEST_SHOWN = 5
HIDDEN = "fewer than 5"
HIDDEN_IN_FILES = "<5"


def shown(count: int) -> int | None:
    """The count if it may be shown, None if it must be hidden."""
    return count if count >= SMALLEST_SHOWN else None


def say(count: int | None) -> str:
    return HIDDEN if count is None else str(count)


def may_read(session: Session, member: MemberProfile, organisation_id: int) -> bool:
    return Role.ADMIN in member.roles or remi.is_lead(session, organisation_id, member.id)


def may_answer(session: Session, member: MemberProfile, organisation_id: int) -> bool:
    # Admins read everything but answer for no one: a check-in is the organisation's own view.
    return remi.is_lead(session, organisation_id, member.id)


def area_is_large_enough(organisations_in_area: int) -> bool:
    """Whether progress within an area may be mentioned to its leads at all."""
    return organisations_in_area >= SMALLEST_SHOWN


def readable_organisation(
    session: Session, member: MemberProfile, name: str
) -> Organisation | None:
    """The organisation called `name` if the member may read it. An unknown name and one the
    member may not read look the same, so a refusal does not confirm who takes part."""
    found = remi.find_organisation(session, name)
    if found is None or not may_read(session, member, found.id):
        return None
    return found
