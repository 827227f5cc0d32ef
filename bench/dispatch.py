"""Is every reminder sent exactly once, however many dispatchers share the work?

For 1, 2 and 4 dispatchers running at once (each in its own thread with its own event
loop, as separate `clock` processes would be), and for 4 of which one is killed in the
middle of a pass, schedules `--reminders` reminders due now and lets the dispatchers send
them through a slow platform: each send moves the shared clock on by `--send-seconds`, so
a pass of one batch outlasts the 5-minute lease it was claimed with. A dispatcher whose
pass finds nothing waits for the next tick (the clock moves on 30 s), as under the
scheduler, until every reminder is sent or `--give-up-after` of clock time has passed.

Prints, per database, sends per reminder (target: exactly 1 for every reminder), how
many reminders were sent twice or more, and how many were lost (never sent). Runs on
SQLite (a fresh file) and on PostgreSQL (a fresh database on the server at
LARCH_TEST_POSTGRES_URL, dropped afterwards; skipped with a note when none answers).

    python bench/dispatch.py [--reminders 200] [--send-seconds 20]
"""

import argparse
import asyncio
import sys
import threading
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import databases
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from contract.specs import DueJob
from handlers.clock import ManualClock
from scheduler.dispatcher import Dispatcher
from scheduler.service import DISPATCH_EVERY_SECONDS
from storage import due, migrate
from storage.db import Database
from storage.due import DueWork

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KIND = "bench.remind"
# (dispatchers, of which killed mid-pass)
RUNS = ((1, 0), (2, 0), (4, 0), (4, 1))
# The one killed dies after this many sends of its pass, before the next.
KILLED_AFTER = 7


class Killed(BaseException):
    """The process died: not an error the dispatcher could catch and record."""


@dataclass
class Result:
    dispatchers: int
    killed: int
    sends: Counter[str]
    reminders: list[str]
    seconds: float

    @property
    def twice(self) -> int:
        return sum(1 for key in self.reminders if self.sends[key] > 1)

    @property
    def lost(self) -> int:
        return sum(1 for key in self.reminders if self.sends[key] == 0)

    def line(self) -> str:
        per = Counter(self.sends[key] for key in self.reminders)
        spread = ", ".join(f"{n}×: {count}" for n, count in sorted(per.items()))
        who = f"{self.dispatchers} dispatcher{'s' if self.dispatchers > 1 else ''}"
        if self.killed:
            who += f", {self.killed} killed mid-pass"
        verdict = "ok" if self.twice == self.lost == 0 else "WRONG"
        return (
            f"  {who:<36} sends per reminder {spread:<22} sent twice+ {self.twice:>4}"
            f"  lost {self.lost:>4}  {self.seconds:5.1f} s  {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=200)
    parser.add_argument("--send-seconds", type=float, default=20)
    parser.add_argument("--give-up-after", type=float, default=24 * 3600)
    args = parser.parse_args()
    print(
        f"{args.reminders} reminders, each send {args.send_seconds:g} s of clock time, "
        f"batch 50, lease 5 min"
    )
    wrong = False
    for name, database in (("SQLite", databases.sqlite), ("PostgreSQL", databases.postgres)):
        with database() as url:
            if url is None:
                print(f"{name}: skipped, no server at {make_url(databases.POSTGRES_URL).host}")
                continue
            print(name)
            for dispatchers, killed in RUNS:
                result = _run(url, dispatchers, killed, args)
                wrong |= bool(result.twice or result.lost)
                print(result.line(), flush=True)
    sys.exit(1 if wrong else 0)


def _run(url: str, dispatchers: int, killed: int, args: argparse.Namespace) -> Result:
    migrate.upgrade(url)
    db = Database(url)
    try:
        with db.session() as session:
            session.exec(text("DELETE FROM due_work"))  # type: ignore[call-overload]
            reminders = [f"event:{n:04d}:reminder:24h" for n in range(args.reminders)]
            for key in reminders:
                due.schedule(session, key, KIND, START, {})
        clock = ManualClock(START)
        sends: Counter[str] = Counter()
        lock = threading.Lock()
        give_up_at = START + timedelta(seconds=args.give_up_after)

        def dispatching(dies: bool) -> None:
            sent_here = 0

            async def send(job: DueJob) -> str:
                nonlocal sent_here
                if dies and sent_here == KILLED_AFTER:
                    raise Killed
                # The platform takes its time; other dispatchers' threads run meanwhile.
                await asyncio.sleep(0.001)
                clock.advance(timedelta(seconds=args.send_seconds))
                with lock:
                    sends[job.key] += 1
                sent_here += 1
                return "sent"

            dispatcher = Dispatcher(db, clock, {KIND: send}, {})

            async def tick_until_done() -> None:
                while _unsent(db) and clock.now() < give_up_at:
                    if not await dispatcher.run_once():
                        # Nothing free this pass: the scheduler ticks again later.
                        clock.advance(timedelta(seconds=DISPATCH_EVERY_SECONDS))
                        await asyncio.sleep(0.001)

            # The killed one's thread just ends, leaving its claim to run out.
            with suppress(Killed):
                asyncio.run(tick_until_done())

        threads = [
            threading.Thread(target=dispatching, args=(n < killed,)) for n in range(dispatchers)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return Result(dispatchers, killed, sends, reminders, time.perf_counter() - started)
    finally:
        db.dispose()


def _unsent(db: Database) -> int:
    with db.session() as session:
        return session.exec(
            select(func.count()).select_from(DueWork).where(col(DueWork.sent_at).is_(None))
        ).one()


if __name__ == "__main__":
    main()
