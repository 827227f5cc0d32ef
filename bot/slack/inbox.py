"""Between acknowledging Slack and answering: the inbox (see `storage/slack_inbox.py`).

The web process only verifies, writes the request down and acknowledges, so it keeps up
with Slack however slow an answer is; the answering runs where the `Answerer` runs.
Rows are written in batches, one commit for every request that arrived while the last
commit was under way, so a burst costs a few commits rather than one each.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

from contract.vocabulary import Clock, Reply
from storage import leases, slack_events, slack_inbox
from storage.db import Database
from storage.slack_inbox import Taken, Waiting

log = logging.getLogger(__name__)

# A process that holds a request this long without renewing its lease is presumed dead,
# and its requests (and the member's next ones, which wait behind them) are taken by
# another. A live process renews the leases of what it is answering every RENEW_EVERY,
# however long an answer (a form, a CSV export) takes.
LEASE = timedelta(minutes=1)
RENEW_EVERY = LEASE / 4
# A request that has been in the hands of this many processes that died is dropped:
# something in it is killing them.
MAX_ATTEMPTS = 3
# How many requests one process answers at once.
CONCURRENCY = 16
# How often an answering process looks for requests that other processes wrote.
POLL_SECONDS = 0.1
# A request waiting this long means no answering process is keeping up, or none is
# running at all; the web process says so in its log, as often as this.
OVERDUE = timedelta(minutes=1)


class Inbox:
    """The web side: requests written as they are acknowledged."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        # Set after each commit, so an answerer in this process starts at once.
        self.arrived = asyncio.Event()
        self._unwritten: list[tuple[Waiting, str | None, asyncio.Future[bool]]] = []
        self._writing: asyncio.Task[None] | None = None

    def put(self, request: Waiting, repeat_key: str | None = None) -> "asyncio.Future[bool]":
        """Start writing `request`; the future is done once it is committed, and holds
        the error if it could not be. With a `repeat_key` (see `storage/slack_events.py`)
        a request already taken under that key is not written again, and the future says
        False."""
        written = asyncio.get_running_loop().create_future()
        self._unwritten.append((request, repeat_key, written))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write())
        return written

    async def _write(self) -> None:
        while self._unwritten:
            batch, self._unwritten = self._unwritten, []
            try:
                taken = await asyncio.to_thread(
                    self._commit, [(request, key) for request, key, _ in batch]
                )
            except Exception as error:
                for *_, written in batch:
                    written.set_exception(error)
                continue
            for (*_, written), first in zip(batch, taken, strict=True):
                written.set_result(first)
            self.arrived.set()

    def _commit(self, batch: list[tuple[Waiting, str | None]]) -> list[bool]:
        """One transaction for the batch: the repeats found and every new request kept."""
        now = self.clock.now()
        with self.db.session() as session:
            taken = [key is None or slack_events.take_event(session, key, now) for _, key in batch]
            new = [request for (request, _), first in zip(batch, taken, strict=True) if first]
            slack_inbox.put(session, new, now)
        return taken

    async def watch_for_overdue(self) -> None:
        """Until cancelled, warn whenever requests wait too long for an answer."""
        while True:
            await asyncio.sleep(OVERDUE.total_seconds())
            await asyncio.to_thread(self.warn_if_overdue)

    def warn_if_overdue(self) -> None:
        with self.db.session() as session:
            since = slack_inbox.oldest(session)
        if since is not None and self.clock.now() - since > OVERDUE:
            log.warning(
                "Slack requests have waited for an answer since %s: is a "
                "`larch-bot serve slack-worker` process running?",
                since.isoformat(timespec="seconds"),
            )


class Delivery:
    """A request's answer on its way to the member. Each reply is recorded as delivered as
    soon as it is posted, before the next is attempted, so a process that takes the
    request over from one that died posts only the replies that had not been."""

    def __init__(self, db: Database, taken: Taken) -> None:
        self._db = db
        self._id = taken.id
        self.received_at = taken.received_at
        self._replies = taken.replies
        self._delivered = taken.delivered

    @property
    def left(self) -> list[Reply] | None:
        """The replies still to post; None until the answer has been worked out."""
        return None if self._replies is None else self._replies[self._delivered :]

    def answered_with(self, replies: list[Reply]) -> None:
        self._replies, self._delivered = list(replies), 0

    async def posted(self) -> None:
        """The next reply has reached the member."""
        assert self._replies is not None, "answered_with comes first"
        self._delivered += 1
        await asyncio.to_thread(self._record, self._replies, self._delivered)

    def _record(self, replies: list[Reply], count: int) -> None:
        with self._db.session() as session:
            slack_inbox.delivered(session, self._id, replies, count)


Answer = Callable[[Waiting, Delivery], Awaitable[None]]


class Answerer:
    """Takes requests from the inbox and answers them with `answer`, which deals with its
    own failures (an apology to the member) and records each reply it posts through the
    `Delivery`. The rows of answered requests are deleted in the same transaction that
    takes the next ones."""

    def __init__(
        self, db: Database, clock: Clock, answer: Answer, arrived: asyncio.Event | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.answer = answer
        self.holder = leases.new_holder()
        self._wake = arrived or asyncio.Event()
        self._answering: set[asyncio.Task[None]] = set()
        self._answered: list[int] = []
        self._idle = asyncio.Event()

    async def run(self) -> None:
        """Answer until cancelled."""
        renewing = asyncio.create_task(self._keep_leases())
        try:
            while True:
                self._wake.clear()
                taken = await self._finish_and_take()
                for one in taken:
                    task = asyncio.create_task(self._answer(one))
                    self._answering.add(task)
                    task.add_done_callback(self._answering.discard)
                if taken:
                    continue
                if not self._answering and not self._answered:
                    self._idle.set()
                await self._sleep()
        finally:
            renewing.cancel()
            for task in self._answering:
                task.cancel()
            self._finish_answered()

    async def _keep_leases(self) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY.total_seconds())
            if self._answering:
                try:
                    await asyncio.to_thread(self._renew)
                except Exception:
                    log.exception("could not renew the leases on Slack requests being answered")

    def _renew(self) -> None:
        with self.db.session() as session:
            slack_inbox.renew(session, self.holder, self.clock.now(), LEASE)

    def _finish_answered(self) -> None:
        """On the way out, so that a restart does not answer them again."""
        if not self._answered:
            return
        try:
            self._in_one_transaction(self._answered, 0)
        except Exception:
            log.exception("answered Slack requests %s will be answered again", self._answered)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator["Answerer"]:
        """Answer for the life of the block."""
        task = asyncio.create_task(self.run())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def drained(self) -> None:
        """Wait until nothing is waiting or being answered."""
        while True:
            self._idle.clear()
            self._wake.set()
            await self._idle.wait()
            # The pass that found nothing may have looked just before a commit.
            if not self._answering and await asyncio.to_thread(self._count) == 0:
                return

    async def _sleep(self) -> None:
        # Not wait_for: on Python 3.11 it can swallow a cancellation that arrives as the
        # wake-up does, and the answerer would then never stop.
        waking = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait([waking], timeout=POLL_SECONDS)
        finally:
            waking.cancel()

    async def _finish_and_take(self) -> list[Taken]:
        answered, self._answered = self._answered, []
        room = CONCURRENCY - len(self._answering)
        if not answered and not room:
            return []
        try:
            return await asyncio.to_thread(self._in_one_transaction, answered, room)
        except Exception:
            # The database is down or busy: the requests wait in it, so try again.
            log.exception("could not finish or take Slack requests in the inbox")
            self._answered.extend(answered)
            return []

    def _in_one_transaction(self, answered: list[int], room: int) -> list[Taken]:
        with self.db.session() as session:
            if answered:
                slack_inbox.finish(session, answered)
            if not room:
                return []
            return slack_inbox.take(session, self.clock.now(), room, LEASE, self.holder)

    def _count(self) -> int:
        with self.db.session() as session:
            return slack_inbox.count(session)

    async def _answer(self, taken: Taken) -> None:
        try:
            if taken.attempts > MAX_ATTEMPTS:
                log.error("dropped Slack request %s after %s attempts", taken.id, MAX_ATTEMPTS)
            else:
                await self.answer(taken.request, Delivery(self.db, taken))
        except Exception:
            log.exception("Slack request %s could not be answered", taken.id)
        self._answered.append(taken.id)
        self._wake.set()
