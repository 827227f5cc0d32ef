"""How fast does Slack over HTTP acknowledge `/larch define …`, against a bare slack-bolt app?

Starts, each in its own process: a local mock of Slack's Web API (the tests' mock), LARCH
exactly as the Procfile runs it (`larch-bot serve slack-http`, which verifies, writes to
the inbox and acks, and `larch-bot serve slack-worker`, which answers; SQLite database in
a temporary directory, migrated first), and a bare slack-bolt AsyncApp whose only
listener acks. Then, for a few rounds, fires N signed requests with C concurrent clients
from this process at the bare app and then at LARCH, and prints requests/s and p50/p99
ack latency for both and the ratio, per round and the median.
An ack is only a promise, so it also prints how long LARCH took to deliver every answer
to its response_url; the next round starts only once it has, so that LARCH's backlog
never competes with the bare app.

    python bench/slack_http.py [--requests 2000] [--concurrency 50] [--rounds 3]

Targets: p99 ack under 300 ms at 50 concurrent clients, and at least 70% of the bare
app's throughput.
"""

import argparse
import asyncio
import itertools
import logging
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_app
from bot.config import Settings
from bot.slack.runner import EVENTS_PATH, mount, run_answering, run_http
from bot.web import serve
from storage import migrate
from tests.slack_support import (
    BOT_TOKEN,
    SIGNING_SECRET,
    MockSlackApi,
    free_port,
    payload,
    running_mock,
    signed,
)

TERMS = (
    "wres",
    "structural racism",
    "co-production",
    "allyship",
    "intersectionality",
    "health inequalities",
    "microaggression",
    "lived experience",
)
MEMBERS = 50
WARM_UP = 20


# --- the two servers, each in its own process -----------------------------------------


def serve_mock(port: int) -> None:
    async def main() -> None:
        async with running_mock(port):
            await asyncio.Event().wait()

    asyncio.run(main())


def larch_settings(api_url: str, workdir: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{workdir}/larch.db",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
    )


def serve_larch(api_url: str, port: int, workdir: str) -> None:
    logging.basicConfig(level=logging.WARNING)
    app = build_app(larch_settings(api_url, workdir))
    asyncio.run(run_http(app, "127.0.0.1", port, answer_here=False))


def serve_larch_worker(api_url: str, workdir: str) -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run_answering(build_app(larch_settings(api_url, workdir))))


def serve_bare(api_url: str, port: int) -> None:
    logging.basicConfig(level=logging.WARNING)

    async def main() -> None:
        bolt = AsyncApp(
            client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url),
            signing_secret=SIGNING_SECRET,
        )

        @bolt.command("/larch")
        async def ack_only(ack: AsyncAck) -> None:
            await ack()

        web_app = web.Application()
        mount(web_app, bolt, SIGNING_SECRET)
        await serve(web_app, "127.0.0.1", port)
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the load ---------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    latencies_ms: list[float]
    failures: int

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1]


@dataclass
class Round:
    bare: Run
    larch: Run
    drained_seconds: float

    @property
    def ratio(self) -> float:
        return self.larch.per_second / self.bare.per_second


# Every command Slack sends has its own trigger_id, and LARCH takes a command once by it.
_triggers = itertools.count()


def requests_for(mock: MockSlackApi, count: int) -> list[dict[str, Any]]:
    terms, users = itertools.cycle(TERMS), itertools.cycle(range(MEMBERS))
    return [
        payload(
            "slash_command",
            mock,
            text=f"define {next(terms)}",
            user_id=f"U0BENCH{next(users):03d}",
            trigger_id=f"bench.{next(_triggers)}",
        )
        for _ in range(count)
    ]


async def fire(url: str, bodies: list[dict[str, Any]], concurrency: int) -> Run:
    """Each client sends its next request as soon as the last one is acknowledged."""
    queue = iter(bodies)
    latencies: list[float] = []
    failures = 0

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal failures
        for data in queue:
            body, headers = signed(data)
            started = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
                failures += response.status != 200
            latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        return Run(time.perf_counter() - started, latencies, failures)


async def wait_until_up(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            try:
                async with http.get(url):
                    return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    raise SystemExit(f"nothing answered at {url}")


async def answers_delivered(mock: MockSlackApi, count: int) -> None:
    """Wait until the mock, in its own process, has had `count` response_url answers."""
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(f"{mock.base_url}/calls/response_url") as response:
                if (await response.json())["count"] >= count:
                    return
            await asyncio.sleep(0.05)


async def rounds(
    mock: MockSlackApi, bare_url: str, larch_url: str, count: int, concurrency: int, times: int
) -> list[Round]:
    for url in (bare_url, larch_url):
        await wait_until_up(url)
        await fire(url, requests_for(mock, WARM_UP), concurrency=1)
    await answers_delivered(mock, WARM_UP)
    done = []
    for n in range(1, times + 1):
        bare = await fire(bare_url, requests_for(mock, count), concurrency)
        larch = await fire(larch_url, requests_for(mock, count), concurrency)
        acked = time.perf_counter()
        await answers_delivered(mock, WARM_UP + n * count)
        done.append(Round(bare, larch, time.perf_counter() - acked))
    return done


def report(done: list[Round], count: int, concurrency: int) -> None:
    print(f"{count} signed `/larch define …` requests, {concurrency} concurrent clients")
    print(
        f"{'round':>5}  {'app':15} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
        f" {'non-200':>7}"
    )
    for n, one in enumerate(done, start=1):
        for name, run in (("bare slack-bolt", one.bare), ("LARCH", one.larch)):
            print(
                f"{n:5}  {name:15} {run.per_second:7.0f} {run.percentile(50):7.1f}"
                f" {run.percentile(99):7.1f} {max(run.latencies_ms):7.1f} {run.failures:7d}"
            )
        print(
            f"{'':5}  LARCH / bare throughput {one.ratio:.0%}; every answer delivered "
            f"{one.drained_seconds:.1f} s after the last ack "
            f"({count / (one.larch.seconds + one.drained_seconds):.0f} answers/s)"
        )
    ratio = statistics.median(one.ratio for one in done)
    p99 = statistics.median(one.larch.percentile(99) for one in done)
    print(f"\nmedian LARCH / bare throughput: {ratio:.0%} (target at least 70%)")
    print(f"median LARCH p99 ack: {p99:.0f} ms (target under 300 ms)")


async def main(count: int, concurrency: int, times: int) -> None:
    spawn = multiprocessing.get_context("spawn")
    mock_port, bare_port, larch_port = free_port(), free_port(), free_port()
    # Only its address is used here: the mock itself runs in its own process.
    mock = MockSlackApi(base_url=f"http://127.0.0.1:{mock_port}")
    with tempfile.TemporaryDirectory() as workdir:
        # As `make run` does, so that the two LARCH processes do not race to migrate.
        migrate.upgrade(larch_settings(mock.api_url, workdir).database_url)
        servers = [
            spawn.Process(target=serve_mock, args=(mock_port,)),
            spawn.Process(target=serve_bare, args=(mock.api_url, bare_port)),
            spawn.Process(target=serve_larch, args=(mock.api_url, larch_port, workdir)),
            spawn.Process(target=serve_larch_worker, args=(mock.api_url, workdir)),
        ]
        for server in servers:
            server.start()
        try:
            await wait_until_up(f"{mock.base_url}/calls/auth.test")
            done = await rounds(
                mock,
                f"http://127.0.0.1:{bare_port}{EVENTS_PATH}",
                f"http://127.0.0.1:{larch_port}{EVENTS_PATH}",
                count,
                concurrency,
                times,
            )
        finally:
            for server in servers:
                server.terminate()
                server.join()
    report(done, count, concurrency)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.concurrency, arguments.rounds))
