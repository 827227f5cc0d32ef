"""How many RSVPs a second, for a burst of 5,000 members clicking Going at once?

Runs on SQLite (a fresh file) and on PostgreSQL (a fresh database on the server at
LARCH_TEST_POSTGRES_URL, dropped afterwards; skipped with a note when none answers). Each
database is measured two ways, with `--workers` threads clicking at once:

- click: the whole path a button press takes, through the router: the member looked up,
  the RSVP and its reminder rows in one transaction, the announcement's count refreshed;
- storage: `storage.events.rsvp` alone, the part members contend for.

Members exist beforehand, so member creation is not counted. The event has `--seats`
seats, so most of the burst lands on the waitlist; the counts are checked afterwards.

    python bench/rsvp.py [--rsvps 5000] [--seats 1000] [--workers 8]
"""

import argparse
import asyncio
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty, SimpleQueue

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import databases
from sqlalchemy.engine import make_url

from bot.app import App, build_app
from bot.config import Settings
from contract.vocabulary import Action, Actor, MessageRef, Platform, Reply, Role
from handlers.clock import ManualClock
from knowledge.search import SearchIndex
from storage import events, members, migrate

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
EVENT_FORM = {
    "title": "Annual conference",
    "start": "Thu 3 Dec 2026 09:00",
    "end": "17:00",
    "venue": "City Hall",
}


class DiscardingMessenger:
    """A platform that accepts everything instantly, so only the bot's own work is timed."""

    async def send_direct(self, user_id: str, reply: Reply) -> MessageRef:
        return MessageRef(Platform.CONSOLE, user_id, "0")

    async def post_to_channel(self, channel_id: str, reply: Reply) -> MessageRef:
        return MessageRef(Platform.CONSOLE, channel_id, "1")

    async def open_group(self, user_ids: Sequence[str], reply: Reply) -> MessageRef:
        return MessageRef(Platform.CONSOLE, "group", "0")

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rsvps", type=int, default=5000)
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    threads = "1 thread" if args.workers == 1 else f"{args.workers} threads"
    print(f"{args.rsvps} members click Going, {args.seats} seats, {threads} at once")
    for name, database in (("SQLite", databases.sqlite), ("PostgreSQL", databases.postgres)):
        with database() as url:
            if url is None:
                print(f"{name}: skipped, no server at {make_url(databases.POSTGRES_URL).host}")
                continue
            for path in ("click", "storage"):
                _measure(name, path, url, args)


def _measure(name: str, path: str, url: str, args: argparse.Namespace) -> None:
    app = _app(url)
    event_id = _event(app, args.seats)
    people = _members(app, args.rsvps)
    click = _clicker(app, event_id) if path == "click" else _storage_rsvp(app, event_id)
    wall, timings = _burst(people, click, args.workers)
    with app.services.db.session() as session:
        counts = events.counts(session, event_id)
    expected = events.Counts(going=args.seats, waitlist=args.rsvps - args.seats)
    check = "ok" if counts == expected else f"WRONG: {counts}"
    timings.sort()
    print(
        f"{name:10} {path:7}: {len(people) / wall:7.0f} RSVPs/s "
        f"({wall:.1f} s; per click p50 {timings[len(timings) // 2] * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms); "
        f"{counts.going} going, {counts.waitlist} waiting: {check}"
    )
    app.services.db.dispose()


def _app(url: str) -> App:
    migrate.upgrade(url)
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    return build_app(
        settings,
        clock=ManualClock(NOW),
        messengers={Platform.CONSOLE: DiscardingMessenger()},
        knowledge=SearchIndex([]),
    )


def _event(app: App, seats: int) -> int:
    organiser = Actor(Platform.CONSOLE, f"organiser-{uuid.uuid4().hex[:6]}", "Organiser")
    with app.services.db.session() as session:
        member = members.identify(session, organiser.platform, organiser.user_id, "Organiser", NOW)
        members.grant_role(session, member.id, Role.ORGANISER, NOW)
    fields = {**EVENT_FORM, "capacity": str(seats)}
    [reply] = asyncio.run(app.router.handle_action(Action(organiser, "events.create", "", fields)))
    return int(reply.text.split()[1].rstrip(","))


def _members(app: App, count: int) -> list[tuple[Actor, int]]:
    prefix = uuid.uuid4().hex[:6]
    people = []
    with app.services.db.session() as session:
        for n in range(count):
            actor = Actor(Platform.CONSOLE, f"{prefix}-{n}", f"Member {n}")
            member = members.identify(
                session, actor.platform, actor.user_id, actor.display_name, NOW
            )
            people.append((actor, member.id))
    return people


def _clicker(
    app: App, event_id: int
) -> Callable[[tuple[Actor, int], asyncio.AbstractEventLoop], None]:
    def click(person: tuple[Actor, int], loop: asyncio.AbstractEventLoop) -> None:
        action = Action(person[0], "events.going", str(event_id))
        [reply] = loop.run_until_complete(app.router.handle_action(action))
        if "going" not in reply.text and "waitlist" not in reply.text:
            raise RuntimeError(reply.text)

    return click


def _storage_rsvp(
    app: App, event_id: int
) -> Callable[[tuple[Actor, int], asyncio.AbstractEventLoop], None]:
    def click(person: tuple[Actor, int], loop: asyncio.AbstractEventLoop) -> None:
        with app.services.db.session() as session:
            events.rsvp(session, event_id, person[1], events.Answer.GOING, NOW)

    return click


def _burst(
    people: list[tuple[Actor, int]],
    click: Callable[[tuple[Actor, int], asyncio.AbstractEventLoop], None],
    workers: int,
) -> tuple[float, list[float]]:
    """Every member clicks once, `workers` at a time: the burst's wall time and each
    click's latency, in seconds."""
    queue: SimpleQueue[tuple[Actor, int]] = SimpleQueue()
    for person in people:
        queue.put(person)
    timings: list[float] = []
    guard = threading.Lock()
    start = threading.Barrier(workers + 1)

    def work() -> None:
        loop = asyncio.new_event_loop()
        mine = []
        start.wait()
        while True:
            try:
                person = queue.get_nowait()
            except Empty:
                break
            began = time.perf_counter()
            click(person, loop)
            mine.append(time.perf_counter() - began)
        loop.close()
        with guard:
            timings.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, timings


if __name__ == "__main__":
    main()
