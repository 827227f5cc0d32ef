"""The dispatcher: plan what has become due, claim it, send it, mark it sent.

It is given planners, which turn cadences ("every other Monday at 10:00") into due rows
with stable keys, and a sender per kind of work, which sends one row's message after
re-reading the current state (an event edited or cancelled since the row was written is
seen there). Both come from the features through the registry, already bound to what they
need; the dispatcher itself knows only the database and the clock.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from contract.specs import DueJob
from contract.vocabulary import Clock
from storage import due
from storage.db import Database

log = logging.getLogger(__name__)

# Sends one row's message; returns a line saying what was sent, for `larch-bot dispatch` and
# the logs, or None when the work turned out to be moot (the event was cancelled).
Send = Callable[[DueJob], Awaitable[str | None]]
# Writes the due rows a cadence calls for, as of an instant.
Plan = Callable[[datetime], Awaitable[None]]


@dataclass(frozen=True)
class Outcome:
    key: str
    sent: str | None
    error: str | None = None


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        senders: Mapping[str, Send],
        planners: Mapping[str, Plan],
        *,
        batch: int = 50,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 5,
    ) -> None:
        self.db = db
        self.clock = clock
        self.senders = dict(senders)
        self.planners = dict(planners)
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts

    async def run_once(self) -> list[Outcome]:
        """One pass as of the clock: plan, then send everything due."""
        now = self.clock.now()
        for name, plan in self.planners.items():
            try:
                await plan(now)
            except Exception:
                log.exception("planner %s failed", name)
        outcomes: list[Outcome] = []
        while True:
            with self.db.session() as session:
                jobs = due.claim_due(session, now, self.batch, self.lease)
            if not jobs:
                return outcomes
            for job in jobs:
                outcomes.append(await self._run(job, now))

    async def _run(self, job: DueJob, now: datetime) -> Outcome:
        send = self.senders.get(job.kind)
        try:
            if send is None:
                raise LookupError(f"no sender for work of kind {job.kind!r}")
            sent = await send(job)
        except Exception as error:
            log.exception("sending %s failed (attempt %d)", job.key, job.attempts)
            retry_at = (
                now + timedelta(minutes=2**job.attempts)
                if job.attempts < self.max_attempts and send is not None
                else None
            )
            with self.db.session() as session:
                due.mark_failed(session, job.id, repr(error), now, retry_at)
            return Outcome(job.key, None, repr(error))
        with self.db.session() as session:
            due.mark_sent(session, job.id, now)
        return Outcome(job.key, sent)
