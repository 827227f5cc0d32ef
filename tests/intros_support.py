"""Shared steps for the peer-introduction tests: people joining, rounds coming due."""

from datetime import UTC, datetime

from sqlmodel import Session

from contract.vocabulary import Platform
from storage import intros as store
from storage import members
from tests.conftest import Bot

# The fixtures' clock starts on Monday 23 November 2026 at 09:00 UTC; with the default
# cadence (fortnightly, Mondays 10:00 London) that day has a round at 10:00.
FIRST_ROUND = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SECOND_ROUND = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
FIRST_FOLLOW_UP = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


async def join(
    bot: Bot, name: str, organisation: str, sector: str = "NHS trust", topics: str = ""
) -> None:
    [reply] = await bot.click(
        "intros.join", as_=name, organisation=organisation, sector=sector, topics=topics
    )
    assert "You're in" in reply.text, reply.text


async def run_until(bot: Bot, instant: datetime) -> None:
    """Let the scheduler plan now, then run everything due up to `instant`."""
    await bot.app.dispatcher.run_once()
    bot.clock.set(instant)
    await bot.app.dispatcher.run_once()


def latest_groups(bot: Bot) -> list[set[str]]:
    """The latest round's groups, as sets of display names."""
    with bot.app.services.db.session() as session:
        rounds = store.rounds_with_groups(session, 1)
    if not rounds:
        return []
    return [{m.name for m in group.members} for group in rounds[0][1]]


def add_participant(
    session: Session,
    platform: Platform,
    user_id: str,
    organisation: str,
    now: datetime,
    sector: str = "NHS trust",
    topics: tuple[str, ...] = (),
) -> int:
    member = members.identify(session, platform, user_id, user_id.title(), now, speaking=True)
    store.join(session, member.id, organisation, sector, topics, now)
    return member.id
