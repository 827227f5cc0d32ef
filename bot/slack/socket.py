"""Holding a Socket Mode connection to Slack through drops.

slack_sdk's own reconnect retries at a fixed interval (its ping interval) for as long as
Slack is unreachable, and logs every session it opens, abandons or fails to open. Here
that is turned off and one loop reconnects instead, waiting longer after each failed
attempt (exponential, with jitter so that many bots dropped at once do not come back at
once, capped), and logging each reconnect once (and, while an outage lasts past the cap,
once per capped wait).

No event sent during a short drop is lost: Slack sends an event it saw no ack for again,
over the next connection (with `retry_attempt` counted up; three times, over about five
minutes), and a redelivered event is taken once, by its event id
(`storage/slack_events.py`). A slash command or click during a drop is not retried: Slack
tells the member it failed, and they can try again.
"""

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)

# Where the SDK's per-session narration goes: bot/app.py keeps it at WARNING.
SDK_LOGGER = "slack_sdk.socket_mode"

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Backoff:
    """How long to wait before reconnect attempt `attempt` (0 for the first retry)."""

    first: float = 1.0
    factor: float = 2.0
    cap: float = 60.0

    def ceiling(self, attempt: int) -> float:
        """The longest wait before `attempt`: doubling from `first`, never past `cap`."""
        return min(self.cap, self.first * self.factor**attempt)

    def delay(self, attempt: int, jitter: Callable[[], float] = random.random) -> float:
        """Between half of and the whole of the attempt's ceiling: it grows with every
        failure, and differs between bots that dropped at the same moment."""
        ceiling = self.ceiling(attempt)
        return ceiling / 2 + jitter() * ceiling / 2


# From a second up to a minute between attempts.
RECONNECT_BACKOFF = Backoff()


class SocketModeConnection:
    """One Socket Mode connection for `bolt`, reconnected whenever it drops."""

    # A connection attempt that has not succeeded by then counts as failed (the SDK's
    # connect would otherwise keep retrying the same, soon stale, URL on its own).
    ATTEMPT_SECONDS = 30.0
    # How often to look at a connection that has not said it closed: one that stops
    # answering pings is only found this way.
    CHECK_SECONDS = 10.0

    def __init__(
        self,
        bolt: AsyncApp,
        app_token: str,
        backoff: Backoff = RECONNECT_BACKOFF,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.handler = AsyncSocketModeHandler(
            bolt, app_token, logger=logging.getLogger(SDK_LOGGER), ping_interval=self.CHECK_SECONDS
        )
        self.app_token = app_token
        self.client = self.handler.client
        # Only `hold` reconnects; the SDK's connect() resets the flag from the default.
        self.client.auto_reconnect_enabled = False
        self.client.default_auto_reconnect_enabled = False
        self._dropped = asyncio.Event()
        self.client.on_close_listeners.append(self._on_drop)
        self.client.on_error_listeners.append(self._on_drop)
        self.backoff = backoff
        self.sleep = sleep

    async def hold(self) -> None:
        """Connect, then reconnect after every drop, until cancelled."""
        await self._connect()
        log.info("Slack over Socket Mode: connected")
        while True:
            await self._until_dropped()
            dropped_at = time.monotonic()
            attempts = await self._connect()
            log.warning(
                "Slack Socket Mode connection dropped; reconnected after %.1f s (%d %s)",
                time.monotonic() - dropped_at,
                attempts,
                "attempt" if attempts == 1 else "attempts",
            )

    async def close(self) -> None:
        await self.handler.close_async()

    async def _on_drop(self, _message: object) -> None:
        self._dropped.set()

    async def _until_dropped(self) -> None:
        while True:
            # Cleared before looking, so a drop signalled in between is not missed.
            self._dropped.clear()
            if not await self.client.is_connected():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dropped.wait(), self.CHECK_SECONDS)

    async def _connect(self) -> int:
        """Open a fresh connection (a new URL from apps.connections.open each time),
        backing off between failures; how many attempts it took."""
        attempt = 0
        while True:
            attempt += 1
            problem: Exception | None = None
            try:
                await asyncio.wait_for(self._open(), self.ATTEMPT_SECONDS)
            except Exception as failed:
                problem = failed
            if await self.client.is_connected():
                return attempt
            # A short outage is told once it is over; a long one (or a revoked token)
            # once a minute or so while it lasts, not at every attempt.
            if self.backoff.ceiling(attempt - 1) >= self.backoff.cap:
                log.warning(
                    "Slack Socket Mode: still not connected after %d attempts (%r); "
                    "trying again within %.0f s",
                    attempt,
                    problem,
                    self.backoff.cap,
                )
            else:
                log.debug("Socket Mode connection attempt %d failed: %r", attempt, problem)
            await self.sleep(self.backoff.delay(attempt - 1))

    async def _open(self) -> None:
        # The SDK's connect_to_new_endpoint does this too, but logs every failure at ERROR;
        # the lock keeps it from racing the SDK's own handover when Slack asks for one.
        async with self.client.connect_operation_lock:
            if await self.client.is_connected():
                return
            opened = await self.client.web_client.apps_connections_open(app_token=self.app_token)
            self.client.wss_uri = opened["url"]
            await self.client.connect()
