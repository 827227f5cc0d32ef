"""The shared dispatcher: due rows are sent once, follow edits, survive crashes and races."""

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from contract.specs import DueJob
from handlers.clock import ManualClock
from handlers.services import Services
from knowledge.search import SearchIndex
from scheduler.dispatcher import Dispatcher
from storage import due
from storage.db import Database

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Outbox:
    """A job handler that records what it 'sent' and can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.failures_left = 0

    async def send(self, job: DueJob) -> str:
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionError("platform unreachable")
        await asyncio.sleep(0)  # let concurrent dispatchers interleave here
        self.sent.append(job.key)
        return f"said {job.payload.get('text', '')}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def services(database: Database, clock: ManualClock) -> Iterator[Services]:
    yield Services(db=database, knowledge=SearchIndex([]), clock=clock)


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


def dispatcher(services: Services, outbox: Outbox, **options: object) -> Dispatcher:
    return Dispatcher(services.db, services.clock, {"test.say": outbox.send}, {}, **options)  # type: ignore[arg-type]


def schedule(services: Services, key: str, at: datetime, text: str = "hi") -> None:
    with services.db.session() as session:
        due.schedule(session, key, "test.say", at, {"text": text})


async def test_work_is_sent_when_due_and_only_once(
    services: Services, clock: ManualClock, outbox: Outbox
) -> None:
    schedule(services, "a", T0 + timedelta(hours=1))
    d = dispatcher(services, outbox)
    assert await d.run_once() == []
    clock.advance(timedelta(hours=1))
    [outcome] = await d.run_once()
    assert (outcome.key, outcome.sent) == ("a", "said hi")
    assert await d.run_once() == []
    assert outbox.sent == ["a"]


async def test_rescheduling_moves_unsent_work_and_leaves_sent_work_alone(
    services: Services, clock: ManualClock, outbox: Outbox
) -> None:
    schedule(services, "moved", T0 + timedelta(minutes=5))
    schedule(services, "moved", T0 + timedelta(hours=2), "new time")
    clock.advance(timedelta(hours=1))
    assert await dispatcher(services, outbox).run_once() == []
    clock.advance(timedelta(hours=1))
    [outcome] = await dispatcher(services, outbox).run_once()
    assert outcome.sent == "said new time"
    schedule(services, "moved", T0 + timedelta(hours=3), "again")
    clock.advance(timedelta(hours=2))
    assert await dispatcher(services, outbox).run_once() == []
    assert outbox.sent == ["moved"]


async def test_cancelled_work_never_fires(
    services: Services, clock: ManualClock, outbox: Outbox
) -> None:
    schedule(services, "event:7:reminder:24h", T0 + timedelta(hours=1))
    schedule(services, "event:7:reminder:1h", T0 + timedelta(hours=2))
    schedule(services, "event:70:reminder:1h", T0 + timedelta(hours=2))
    with services.db.session() as session:
        assert due.cancel(session, "event:7:", clock.now()) == 2
    clock.advance(timedelta(days=1))
    await dispatcher(services, outbox).run_once()
    assert outbox.sent == ["event:70:reminder:1h"]


async def test_a_crash_after_claiming_is_recovered_when_the_lease_runs_out(
    services: Services, clock: ManualClock, outbox: Outbox
) -> None:
    schedule(services, "r", T0)
    with services.db.session() as session:
        [claimed] = due.claim_due(session, clock.now(), 10, timedelta(minutes=5), "died")
    # The process that claimed it died here. Another dispatcher waits for the lease.
    assert await dispatcher(services, outbox).run_once() == []
    clock.advance(timedelta(minutes=6))
    await dispatcher(services, outbox).run_once()
    assert outbox.sent == [claimed.key]


async def test_failures_are_retried_with_backoff_then_given_up(
    services: Services, clock: ManualClock, outbox: Outbox
) -> None:
    schedule(services, "flaky", T0)
    outbox.failures_left = 1
    [failed] = await dispatcher(services, outbox).run_once()
    assert "platform unreachable" in (failed.error or "")
    clock.advance(timedelta(minutes=2))
    [retried] = await dispatcher(services, outbox).run_once()
    assert retried.sent and outbox.sent == ["flaky"]

    schedule(services, "doomed", clock.now())
    outbox.failures_left = 99
    d = dispatcher(services, outbox, max_attempts=2)
    await d.run_once()
    clock.advance(timedelta(hours=1))
    await d.run_once()
    clock.advance(timedelta(days=1))
    assert await d.run_once() == []
    with services.db.session() as session:
        row = due.find(session, "doomed")
        assert row is not None and row.gave_up_at is not None and row.sent_at is None


async def test_concurrent_dispatchers_send_each_row_once(
    services: Services, clock: ManualClock, outbox: Outbox
) -> None:
    for n in range(60):
        schedule(services, f"bulk:{n:02d}", T0)
    dispatchers = [dispatcher(services, outbox, batch=7) for _ in range(4)]
    await asyncio.gather(*(asyncio.to_thread(asyncio.run, d.run_once()) for d in dispatchers))
    assert sorted(outbox.sent) == [f"bulk:{n:02d}" for n in range(60)]


class SlowOutbox(Outbox):
    """A platform that takes its time: every send moves the clock on, so one pass of a
    large batch outlasts the lease it was claimed with."""

    def __init__(self, clock: ManualClock, per_send: timedelta) -> None:
        super().__init__()
        self.clock = clock
        self.per_send = per_send

    async def send(self, job: DueJob) -> str:
        self.clock.advance(self.per_send)
        return await super().send(job)


async def test_two_dispatchers_with_a_slow_platform_send_every_reminder_exactly_once(
    services: Services, clock: ManualClock
) -> None:
    keys = [f"event:{n:03d}:reminder:24h" for n in range(200)]
    for key in keys:
        schedule(services, key, T0)
    lease = timedelta(minutes=5)
    # 20 s a send: a batch of 50 takes 1,000 s, more than three leases.
    outbox = SlowOutbox(clock, timedelta(seconds=20))

    async def tick_until_all_sent(d: Dispatcher, from_: datetime) -> None:
        # As the scheduler does: a fresh pass whenever the last one has finished.
        while clock.now() < from_:
            await asyncio.sleep(0)
        while len(set(outbox.sent)) < len(keys):
            await d.run_once()
            await asyncio.sleep(0)

    await asyncio.gather(
        tick_until_all_sent(dispatcher(services, outbox, lease=lease), T0),
        # The second comes in while the first's pass has outlasted its first lease.
        tick_until_all_sent(dispatcher(services, outbox, lease=lease), T0 + lease + lease / 5),
    )

    sends = Counter(outbox.sent)
    assert {key: sends[key] for key in keys if sends[key] != 1} == {}
    with services.db.session() as session:
        assert all(due.find(session, key).sent_at is not None for key in keys)  # type: ignore[union-attr]


def test_a_claim_that_lapsed_and_was_taken_over_is_no_longer_renewed(
    services: Services, clock: ManualClock
) -> None:
    schedule(services, "r", T0)
    lease = timedelta(minutes=5)
    with services.db.session() as session:
        [mine] = due.claim_due(session, clock.now(), 10, lease, "stalled")
    clock.advance(timedelta(minutes=6))
    with services.db.session() as session:
        [theirs] = due.claim_due(session, clock.now(), 10, lease, "live")
        assert due.renew(session, "stalled", clock.now(), lease) == set()
        assert due.renew(session, "live", clock.now(), lease) == {theirs.id}
    assert theirs.id == mine.id
