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

from sqlmodel import Session

from contract.specs import DueJob
from contract.vocabulary import Clock
from storage import due, leases
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
        """One pass as of the clock: plan, then send everything due.

        Each batch is leased from the moment it is claimed, and the rest of it is leased
        again after every send, so however long the pass, no other dispatcher finds these
        rows free while this one is still going to send them."""
        for name, plan in self.planners.items():
            try:
                await plan(self.clock.now())
            except Exception:
                log.exception("planner %s failed", name)
        outcomes: list[Outcome] = []
        while True:
            holder = leases.new_holder()
            with self.db.session() as session:
                jobs = due.claim_due(session, self.clock.now(), self.batch, self.lease, holder)
            if not jobs:
                return outcomes
            held = {job.id for job in jobs}
            for job in jobs:
                if job.id not in held:
                    # This process stalled past the lease and another has taken the row.
                    log.warning("left %s to the dispatcher that took it over", job.key)
                    continue
                outcome = await self._send(job)
                with self.db.session() as session:
                    self._record(session, job, outcome)
                    held = due.renew(session, holder, self.clock.now(), self.lease)
                outcomes.append(outcome)

    async def _send(self, job: DueJob) -> Outcome:
        send = self.senders.get(job.kind)
        try:
            if send is None:
                raise LookupError(f"no sender for work of kind {job.kind!r}")
            return Outcome(job.key, await send(job))
        except Exception as error:
            log.exception("sending %s failed (attempt %d)", job.key, job.attempts)
            return Outcome(job.key, None, repr(error))

    def _record(self, session: Session, job: DueJob, outcome: Outcome) -> None:
        """Before the next send: a crash after this sends nothing twice."""
        now = self.clock.now()
        if outcome.error is None:
            due.mark_sent(session, job.id, now)
            return
        retry_at = (
            now + timedelta(minutes=2**job.attempts)
            if job.attempts < self.max_attempts and job.kind in self.senders
            else None
        )
        due.mark_failed(session, job.id, outcome.error, now, retry_at)
