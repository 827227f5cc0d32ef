"""Members, identities and roles on SQLite and PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

from sqlmodel import func, select

from contract.vocabulary import Platform, Role
from storage import forgetting, members, personal_data
from storage.db import Database
from storage.models import Identity, Member, MemberRole

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def test_first_contact_creates_a_member_and_later_contact_finds_them(database: Database) -> None:
    with database.session() as session:
        first = members.identify(session, Platform.SLACK, "U1", "Amara", NOW)
    with database.session() as session:
        again = members.identify(session, Platform.SLACK, "U1", "Amara", NOW)
        other_platform = members.identify(session, Platform.DISCORD, "U1", "Amara", NOW)
    assert again.id == first.id
    assert other_platform.id != first.id
    assert first.display_name == "Amara" and first.roles == frozenset()


def test_instants_come_back_aware_and_in_utc(database: Database) -> None:
    bst = timezone(timedelta(hours=1))
    with database.session() as session:
        member = members.identify(session, Platform.CONSOLE, "kofi", "Kofi", NOW.astimezone(bst))
    with database.session() as session:
        stored = session.get(Member, member.id)
        assert stored is not None
        assert stored.created_at == NOW and stored.created_at.tzinfo is not None


def test_many_first_messages_at_once_make_one_member(database: Database) -> None:
    def first_contact(_: int) -> int:
        with database.session() as session:
            return members.identify(session, Platform.DISCORD, "42", "Priya", NOW).id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(first_contact, range(16)))
    with database.session() as session:
        count = session.exec(select(func.count()).select_from(Identity)).one()
    assert len(ids) == 1 and count == 1


def test_roles_are_granted_once_and_revoked(database: Database) -> None:
    with database.session() as session:
        member = members.identify(session, Platform.CONSOLE, "sam", "Sam", NOW)
        assert members.grant_role(session, member.id, Role.ORGANISER, NOW) is True
        assert members.grant_role(session, member.id, Role.ORGANISER, NOW) is False
    with database.session() as session:
        assert members.profile(session, member.id).roles == {Role.ORGANISER}
        assert members.revoke_role(session, member.id, Role.ORGANISER) is True
        assert members.revoke_role(session, member.id, Role.ORGANISER) is False
        assert members.profile(session, member.id).roles == frozenset()


def test_the_same_role_granted_twice_at_once_is_stored_once(database: Database) -> None:
    with database.session() as session:
        member = members.identify(session, Platform.CONSOLE, "lee", "Lee", NOW)

    def grant(_: int) -> bool:
        with database.session() as session:
            return members.grant_role(session, member.id, Role.CURATOR, NOW)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(grant, range(6)))
    assert results.count(True) == 1
    with database.session() as session:
        count = session.exec(select(func.count()).select_from(MemberRole)).one()
    assert count == 1


def test_admins_named_in_settings_are_seeded(database: Database) -> None:
    with database.session() as session:
        members.seed_admins(session, [(Platform.SLACK, "U9"), (Platform.CONSOLE, "root")], NOW)
        members.seed_admins(session, [(Platform.SLACK, "U9")], NOW)
    with database.session() as session:
        admins = members.holders_of(session, Role.ADMIN)
    assert len(admins) == 2


def test_a_member_can_read_and_delete_everything_held_on_them(database: Database) -> None:
    with database.session() as session:
        member = members.identify(session, Platform.SLACK, "U5", "Ngozi", NOW)
        members.set_organisation(session, member.id, "Lambeth Council")
        members.grant_role(session, member.id, Role.EQUALITY_LEAD, NOW)
    with database.session() as session:
        data = personal_data.gather(session, member.id)
    assert data["organisation"] == "Lambeth Council"
    assert data["roles"] == ["equality_lead"]
    assert data["accounts"] == [{"platform": "slack", "user_id": "U5", "name": "Ngozi"}]
    with database.session() as session:
        forgetting.forget_member(session, member.id, NOW)
    with database.session() as session:
        assert members.find(session, Platform.SLACK, "U5") is None
        assert session.exec(select(func.count()).select_from(MemberRole)).one() == 0


def test_last_seen_is_refreshed_only_when_it_has_gone_stale(database: Database) -> None:
    def seen() -> datetime | None:
        with database.session() as session:
            identity = session.exec(select(Identity)).one()
            return identity.last_seen_at

    with database.session() as session:
        members.identify(session, Platform.SLACK, "U1", "Amara", NOW, speaking=True)
    with database.session() as session:
        members.identify(
            session, Platform.SLACK, "U1", "Amara", NOW + timedelta(minutes=3), speaking=True
        )
    assert seen() == NOW
    later = NOW + members.SEEN_PRECISION
    with database.session() as session:
        members.identify(session, Platform.SLACK, "U1", "Amara", later, speaking=True)
    assert seen() == later
