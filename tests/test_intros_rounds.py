"""Rounds end to end: made once, introduced on the right platform, paused members skipped
and back on time, no repeats while avoidable, the follow-up and the report."""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.app import build_app
from bot.config import Settings
from contract.vocabulary import Action, Actor, MessageRef, Platform, Reply, Role
from handlers.clock import ManualClock
from handlers.intros import cadence, rounds
from handlers.registry import build_dispatcher, build_registry
from handlers.services import Services
from knowledge.search import SearchIndex
from scheduler.dispatcher import Dispatcher
from storage import due
from storage import intros as store
from storage.db import Database
from storage.models import Identity
from tests.conftest import Bot, RecordingMessenger
from tests.intros_support import (
    FIRST_FOLLOW_UP,
    FIRST_ROUND,
    SECOND_ROUND,
    add_participant,
    join,
    latest_groups,
    run_until,
)


async def test_each_pair_is_introduced_with_organisations_topics_and_a_first_question(
    bot: Bot,
) -> None:
    await join(bot, "alice", "Camden Council", "local authority", "data,REMI")
    await join(bot, "bob", "Barts Health", "NHS trust", "REMI,data,workforce")
    await run_until(bot, FIRST_ROUND)
    [sent] = bot.messenger.sent
    assert sent.kind == "group" and set(sent.to.split(",")) == {"alice", "bob"}
    text = sent.reply.text
    assert "• Alice, Camden Council (local authority)" in text
    assert "• Bob, Barts Health (NHS trust)" in text
    assert "You both want to talk about data and REMI." in text
    assert "A first question: “Which ethnicity data do you trust" in text
    assert "before the next round (Mon 7 Dec 2026, 10:00)" in text


async def test_an_odd_count_makes_one_trio_introduced_together(bot: Bot) -> None:
    for name, organisation in [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D"), ("e", "E")]:
        await join(bot, name, organisation)
    await run_until(bot, FIRST_ROUND)
    assert sorted(len(g) for g in latest_groups(bot)) == [2, 3]
    recipients = sorted(len(sent.to.split(",")) for sent in bot.messenger.sent)
    assert recipients == [2, 3]
    trio_message = next(s for s in bot.messenger.sent if len(s.to.split(",")) == 3)
    # Nobody picked topics, so none are "different".
    assert "picked different topics" not in trio_message.reply.text
    assert "Not everyone picked topics, so start with the question below." in (
        trio_message.reply.text
    )


@pytest.mark.parametrize(
    ("alice_topics", "bob_topics", "expected"),
    [
        ("data", "workforce", "You picked different topics: a good reason to compare notes."),
        ("data", "", "Not everyone picked topics, so start with the question below."),
    ],
)
async def test_different_topics_are_mentioned_only_when_both_picked_some(
    bot: Bot, alice_topics: str, bob_topics: str, expected: str
) -> None:
    await join(bot, "alice", "Camden Council", "local authority", alice_topics)
    await join(bot, "bob", "Barts Health", "NHS trust", bob_topics)
    await run_until(bot, FIRST_ROUND)
    [sent] = bot.messenger.sent
    assert expected in sent.reply.text


async def test_a_round_reached_after_the_next_one_was_due_introduces_nobody_to_a_past_round(
    bot: Bot,
) -> None:
    for name, organisation in [("alice", "A"), ("bob", "B")]:
        await join(bot, name, organisation)
    await bot.app.dispatcher.run_once()  # plans the first round
    # The dispatcher was down from before the first round until after the second was due.
    bot.clock.set(SECOND_ROUND + timedelta(hours=1))
    await bot.app.dispatcher.run_once()
    assert not [s for s in bot.messenger.sent if "next round" in s.reply.text]
    # The next round after the outage introduces them, naming a round still to come.
    await run_until(bot, SECOND_ROUND + timedelta(days=14))
    [intro, *_] = [s.reply.text for s in bot.messenger.sent if "next round" in s.reply.text]
    assert "before the next round (Mon 4 Jan 2027" in intro


async def test_a_did_you_meet_reached_after_the_next_round_is_not_asked(bot: Bot) -> None:
    for name, organisation in [("alice", "A"), ("bob", "B")]:
        await join(bot, name, organisation)
    await run_until(bot, FIRST_ROUND)
    # Down from before the halfway follow-up until the second round.
    await run_until(bot, SECOND_ROUND + timedelta(hours=1))
    assert not [s for s in bot.messenger.sent if "Did you meet" in s.reply.text]


async def test_paused_members_are_skipped_and_back_on_time(bot: Bot) -> None:
    for name, organisation in [("alice", "A"), ("bob", "B"), ("carol", "C"), ("dan", "D")]:
        await join(bot, name, organisation)
    await bot.say("intros pause until 2026-12-01", as_="carol")
    await bot.say("intros pause for 4 weeks", as_="dan")
    await run_until(bot, FIRST_ROUND)
    assert latest_groups(bot) == [{"Alice", "Bob"}]
    await run_until(bot, SECOND_ROUND)
    assert sorted(name for g in latest_groups(bot) for name in g) == ["Alice", "Bob", "Carol"]
    await run_until(bot, SECOND_ROUND + timedelta(days=14))
    assert len([name for g in latest_groups(bot) for name in g]) == 4


async def test_nobody_meets_the_same_person_again_while_anyone_new_is_free(bot: Bot) -> None:
    for name, organisation in [("alice", "A"), ("bob", "B"), ("carol", "C"), ("dan", "D")]:
        await join(bot, name, organisation)
    seen: list[frozenset[str]] = []
    at = FIRST_ROUND
    for _ in range(3):
        await run_until(bot, at)
        seen += [frozenset(g) for g in latest_groups(bot)]
        at += timedelta(days=14)
    assert len(seen) == len(set(seen)) == 6  # all six possible pairs, none twice
    # A fourth round: everyone has met everyone recently, so they meet again rather
    # than sit out.
    await run_until(bot, at)
    assert sorted(len(g) for g in latest_groups(bot)) == [2, 2]


async def test_did_you_meet_goes_to_each_person_halfway_and_only_they_can_answer(
    bot: Bot,
) -> None:
    await join(bot, "alice", "Camden Council", "local authority")
    await join(bot, "bob", "Barts Health", "NHS trust")
    await run_until(bot, FIRST_ROUND)
    bot.messenger.sent.clear()
    await run_until(bot, FIRST_FOLLOW_UP - timedelta(minutes=1))
    assert bot.messenger.sent == []
    await run_until(bot, FIRST_FOLLOW_UP)
    asked = {sent.to: sent.reply for sent in bot.messenger.sent}
    assert set(asked) == {"alice", "bob"}
    assert "Did you meet Bob (Barts Health)" in asked["alice"].text
    assert [b.label for b in asked["alice"].buttons] == ["Yes", "Not yet", "We won't"]
    yes = asked["bob"].buttons[0]

    [reply] = await bot.click(yes.action_id, yes.value, as_="mallory")
    assert "That question was for the people in that introduction" in reply.text
    group_id = yes.value.split(":")[0]
    for forged in (f"{group_id}:maybe", "x:yes", f"{group_id}", "99999999999:yes"):
        [reply] = await bot.click(yes.action_id, forged, as_="bob")
        assert "couldn't read that answer" in reply.text
    [reply] = await bot.click(yes.action_id, "999:yes", as_="bob")
    assert "That question was for the people" in reply.text
    with bot.app.services.db.session() as session:
        assert store.group(session, int(group_id)).met is None  # type: ignore[union-attr]

    [reply] = await bot.click(yes.action_id, f"{group_id}:not_yet", as_="alice")
    assert "There's still time" in reply.text
    [reply] = await bot.click(yes.action_id, yes.value, as_="bob")
    assert "Great" in reply.text
    [history] = await bot.say("intros history")
    assert "Mon 23 Nov 2026: Bob (Barts Health) (you met)" in history.text


async def test_the_report_counts_every_pair_in_a_trio_for_admins(bot: Bot) -> None:
    bot.grant("zoe", Role.ADMIN)
    people = [
        ("alice", "Camden Council", "local authority"),
        ("bob", "Barts Health", "NHS trust"),
        ("carol", "Camden Council", "local authority"),
        ("dan", "Barts Health", "NHS trust"),
    ]
    for name, organisation, sector in people:
        await join(bot, name, organisation, sector)
    await run_until(bot, FIRST_ROUND)
    await run_until(bot, FIRST_FOLLOW_UP)
    answer = next(s.reply.buttons[0] for s in bot.messenger.sent if s.to == "alice")
    await bot.click(answer.action_id, answer.value, as_="alice")
    await bot.say("intros leave", as_="dan")
    await run_until(bot, SECOND_ROUND)
    [reply] = await bot.say("intros report", as_="zoe")
    lines = reply.text.splitlines()
    assert lines[0] == "Peer introductions, the latest 2 round(s):"
    assert lines[1] == (
        "• Mon 7 Dec 2026: 3 participants, 1 introduction (including 1 trio); met 0%; "
        "of 3 pairs: cross-sector 67%, cross-organisation 67%, 1 met in the 6 rounds before"
    )
    assert lines[2] == (
        "• Mon 23 Nov 2026: 4 participants, 2 introductions; met 50%; of 2 pairs: "
        "cross-sector 100%, cross-organisation 100%, 0 met in the 6 rounds before"
    )


# --- platforms --------------------------------------------------------------------------


@pytest.fixture
def two_platforms(sqlite_url: str, clock: ManualClock, knowledge: SearchIndex) -> Iterator[Bot]:
    """The bot with Slack and Discord connected; `messenger` is unused, see `sent_on`."""
    messengers = {
        Platform.SLACK: RecordingMessenger(Platform.SLACK),
        Platform.DISCORD: RecordingMessenger(Platform.DISCORD),
    }
    settings = Settings(database_url=sqlite_url, _env_file=None)  # type: ignore[call-arg]
    app = build_app(settings, clock=clock, messengers=messengers, knowledge=knowledge)
    yield Bot(app, clock, RecordingMessenger())
    app.services.db.dispose()


def sent_on(bot: Bot, platform: Platform) -> RecordingMessenger:
    return bot.app.services.messengers[platform]  # type: ignore[return-value]


async def alice_on_slack_and_bob_on_discord(bot: Bot) -> None:
    for platform, user_id, name, organisation in (
        (Platform.SLACK, "U1", "Alice", "Camden Council"),
        (Platform.DISCORD, "42", "Bob", "Barts Health"),
    ):
        [reply] = await bot.app.router.handle_action(
            Action(
                Actor(platform, user_id, display_name=name),
                "intros.join",
                fields={"organisation": organisation, "sector": "NHS trust", "topics": "data"},
            )
        )
        assert "You're in" in reply.text


async def test_people_on_different_platforms_each_get_a_message_saying_where_to_find_the_other(
    two_platforms: Bot,
) -> None:
    bot = two_platforms
    await alice_on_slack_and_bob_on_discord(bot)
    await run_until(bot, FIRST_ROUND)
    [to_alice] = sent_on(bot, Platform.SLACK).sent
    [to_bob] = sent_on(bot, Platform.DISCORD).sent
    assert (to_alice.kind, to_alice.to, to_bob.kind, to_bob.to) == ("direct", "U1", "direct", "42")
    assert "• Bob from Barts Health (NHS trust)." in to_alice.reply.text
    assert "They're on Discord: find Bob in the LARCH Hub there" in to_alice.reply.text
    assert "• Alice from Camden Council (NHS trust)." in to_bob.reply.text
    assert "They're on Slack" in to_bob.reply.text
    for sent in (to_alice, to_bob):
        assert "both want to talk about data" in sent.reply.text
        assert "A first question: “Which ethnicity data" in sent.reply.text


async def test_a_member_on_both_platforms_is_reached_where_they_last_were(
    two_platforms: Bot,
) -> None:
    bot = two_platforms
    await alice_on_slack_and_bob_on_discord(bot)
    with bot.app.services.db.session() as session:
        alice = session.exec(select(Identity).where(Identity.platform_user_id == "U1")).one()
        session.add(
            Identity(
                platform="discord",
                platform_user_id="7",
                member_id=alice.member_id,
                display_name="Alice",
                last_seen_at=bot.clock.now() + timedelta(minutes=1),
            )
        )
    await run_until(bot, FIRST_ROUND)
    assert sent_on(bot, Platform.SLACK).sent == []
    [group] = sent_on(bot, Platform.DISCORD).sent
    assert group.kind == "group" and set(group.to.split(",")) == {"7", "42"}


# --- made once, finished after a restart (SQLite and PostgreSQL) --------------------------


class FailingAfter(RecordingMessenger):
    """A platform that goes down after `working` messages."""

    def __init__(self, working: int) -> None:
        super().__init__()
        self.working = working

    async def open_group(self, user_ids: Sequence[str], reply: Reply) -> MessageRef:
        if len(self.sent) >= self.working:
            raise ConnectionError("platform unreachable")
        return await super().open_group(user_ids, reply)


def services_on(database: Database, clock: ManualClock, messenger: RecordingMessenger) -> Services:
    return Services(
        db=database,
        knowledge=SearchIndex([]),
        clock=clock,
        messengers={Platform.CONSOLE: messenger},
    )


def dispatcher(services: Services) -> Dispatcher:
    return build_dispatcher(build_registry(), services)


def introduced(messengers: Sequence[RecordingMessenger]) -> list[frozenset[str]]:
    return [frozenset(s.to.split(",")) for m in messengers for s in m.sent if s.kind == "group"]


def add_people(database: Database, count: int) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with database.session() as session:
        for n in range(count):
            add_participant(session, Platform.CONSOLE, f"p{n}", f"Org {n}", now)


async def test_the_round_is_made_once_however_often_the_scheduler_fires(
    database: Database,
) -> None:
    add_people(database, 6)
    clock = ManualClock(FIRST_ROUND - timedelta(hours=1))
    messenger = RecordingMessenger()
    services = services_on(database, clock, messenger)
    first, second = dispatcher(services), dispatcher(services)
    await first.run_once()
    await second.run_once()
    clock.set(FIRST_ROUND)
    await first.run_once()
    await second.run_once()
    # The same round's job delivered again (a lease that ran out mid-send) does nothing.
    key = "intros:round:2026-11-23"
    job = due.DueJob(0, key, cadence.ROUND_JOB, {"round": "2026-11-23"}, FIRST_ROUND, 2)
    assert await rounds.run_round(job, services) is None
    with database.session() as session:
        made = store.rounds_with_groups(session, 10)
        round_rows = due.keys_starting(session, "intros:round:")
    assert len(made) == 1 and len(made[0][1]) == 3
    assert [r.key for r in round_rows] == ["intros:round:2026-11-23", "intros:round:2026-12-07"]
    assert len(introduced([messenger])) == 3 == len(set(introduced([messenger])))


async def test_a_restart_midway_sends_the_rest_and_nothing_twice(database: Database) -> None:
    add_people(database, 10)
    clock = ManualClock(FIRST_ROUND - timedelta(hours=1))
    before = FailingAfter(working=2)
    await dispatcher(services_on(database, clock, before)).run_once()
    clock.set(FIRST_ROUND)
    outcomes = await dispatcher(services_on(database, clock, before)).run_once()
    assert len(before.sent) == 2
    assert sum(1 for o in outcomes if o.error) == 3

    # A new process, the platform back; the failed sends are retried after their backoff.
    after = RecordingMessenger()
    clock.advance(timedelta(minutes=3))
    await dispatcher(services_on(database, clock, after)).run_once()
    pairs = introduced([before, after])
    assert len(pairs) == 5 == len(set(pairs))
    assert len(after.sent) == 3
    with database.session() as session:
        [(_, groups)] = store.rounds_with_groups(session, 10)
    assert {frozenset(m.name.lower() for m in g.members) for g in groups} == set(pairs)
