"""The dispatcher: plan what has become due, claim it, send it, mark it sent.

Features give it two things through the registry: planners, which turn cadences ("every
other Monday at 10:00") into due rows with stable keys, and job handlers, which send one
row's message after re-reading the current state (an event edited or cancelled since the
row was written is seen here). The dispatcher itself knows no feature.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.services import Services
from storage import due
from storage.due import DueJob

log = logging.getLogger(__name__)

# Returns a line saying what was sent, for `larch-bot dispatch` and the logs; None when the
# work turned out to be moot (the event was cancelled) and nothing was sent.
JobHandler = Callable[[DueJob, Services], Awaitable[str | None]]
Planner = Callable[[Services, datetime], Awaitable[None]]


@dataclass(frozen=True)
class JobSpec:
    kind: str
    handler: JobHandler


@dataclass(frozen=True)
class Outcome:
    key: str
    sent: str | None
    error: str | None = None


class Dispatcher:
    def __init__(
        self,
        services: Services,
        jobs: Sequence[JobSpec],
        planners: Sequence[Planner] = (),
        *,
        batch: int = 50,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 5,
    ) -> None:
        self.services = services
        self.handlers = {spec.kind: spec.handler for spec in jobs}
        self.planners = tuple(planners)
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts

    async def run_once(self) -> list[Outcome]:
        """One pass as of the services' clock: plan, then send everything due."""
        now = self.services.clock.now()
        for plan in self.planners:
            try:
                await plan(self.services, now)
            except Exception:
                log.exception("planner %s failed", getattr(plan, "__qualname__", plan))
        outcomes: list[Outcome] = []
        while True:
            with self.services.db.session() as session:
                jobs = due.claim_due(session, now, self.batch, self.lease)
            if not jobs:
                return outcomes
            for job in jobs:
                outcomes.append(await self._run(job, now))

    async def _run(self, job: DueJob, now: datetime) -> Outcome:
        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for work of kind {job.kind!r}")
            sent = await handler(job, self.services)
        except Exception as error:
            log.exception("sending %s failed (attempt %d)", job.key, job.attempts)
            retry_at = (
                now + timedelta(minutes=2**job.attempts)
                if job.attempts < self.max_attempts and handler is not None
                else None
            )
            with self.services.db.session() as session:
                due.mark_failed(session, job.id, repr(error), now, retry_at)
            return Outcome(job.key, None, repr(error))
        with self.services.db.session() as session:
            due.mark_sent(session, job.id, now)
        return Outcome(job.key, sent)
