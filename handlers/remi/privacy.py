"""Who may see what of REMI.

An organisation's check-ins and action points belong to it: its equality leads answer for
it and read them, the hub's admins read them, and nobody else does. Everyone else, steering
members included, sees only network aggregates (see `handlers/network/disclosure.py`).
"""

from sqlmodel import Session

from contract.vocabulary import MemberProfile, Role
from storage import remi
from storage.remi import Organisation


def may_read(session: Session, member: MemberProfile, organisation_id: int) -> bool:
    return Role.ADMIN in member.roles or remi.is_lead(session, organisation_id, member.id)


def may_answer(session: Session, member: MemberProfile, organisation_id: int) -> bool:
    # Admins read everything but answer for no one: a check-in is the organisation's own view.
    return remi.is_lead(session, organisation_id, member.id)


def readable_organisation(
    session: Session, member: MemberProfile, name: str
) -> Organisation | None:
    """The organisation called `name` if the member may read it. An unknown name and one the
    member may not read look the same, so a refusal does not confirm who takes part."""
    found = remi.find_organisation(session, name)
    if found is None or not may_read(session, member, found.id):
        return None
    return found
