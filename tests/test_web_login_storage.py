"""One-time login links in storage, on SQLite and PostgreSQL: only a digest is kept, a link
works once, and not after 15 minutes."""

from datetime import timedelta

from sqlmodel import select

from contract.vocabulary import Platform
from storage import members, web_login
from storage.db import Database
from storage.web_login import SignedIn, WebLoginToken
from tests.conftest import START

TOKEN = "a-long-random-token-of-forty-three-chars-xx"


def _issued(database: Database) -> int:
    with database.session() as session:
        member = members.identify(session, Platform.SLACK, "U1", "Amara", START)
        web_login.issue(session, TOKEN, member.id, Platform.SLACK, "U1", START)
        return member.id


def test_a_link_signs_its_account_in_once(database: Database) -> None:
    member_id = _issued(database)
    with database.session() as session:
        stored = session.exec(select(WebLoginToken)).one()
        assert TOKEN not in stored.token_hash
        first = web_login.redeem(session, TOKEN, START + timedelta(minutes=1))
    with database.session() as session:
        again = web_login.redeem(session, TOKEN, START + timedelta(minutes=2))
    assert first == SignedIn(member_id, Platform.SLACK, "U1")
    assert again is None


def test_a_link_does_not_work_after_15_minutes(database: Database) -> None:
    _issued(database)
    with database.session() as session:
        late = web_login.redeem(session, TOKEN, START + timedelta(minutes=15))
    with database.session() as session:
        unknown = web_login.redeem(session, "x" * 43, START)
    assert (late, unknown) == (None, None)
