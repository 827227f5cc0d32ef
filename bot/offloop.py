"""The work behind an answer runs off the event loop that talks to the platform.

Handlers and storage use a synchronous database session: on the loop, one slow commit or
lock wait would hold up every other request's acknowledgement (Slack's 3 seconds,
Discord's interactions and its gateway heartbeat). So both adapters run the router on a
worker thread, in an event loop of its own, and any other database work (a stored button
payload, a form draft) through `off_loop`. The platform clients (aiohttp sessions,
gateway connections) belong to the main loop, so the messengers the handlers are given
there make each call back on the main loop.
"""

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import Any, ParamSpec, TypeVar

from bot.app import App
from contract.vocabulary import Action, Command, MessageRef, Messenger, Reply
from handlers.router import Router

T = TypeVar("T")
P = ParamSpec("P")

# One pool for the process. A few threads, so that one slow handler (a lock wait) does
# not hold up the others; more would only contend for the interpreter lock with the
# loop that acknowledges the platform.
WORKERS = ThreadPoolExecutor(4, thread_name_prefix="larch-work")


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work(*args, **kwargs)`, synchronous database work, on a worker thread."""
    return await asyncio.get_running_loop().run_in_executor(WORKERS, partial(work, *args, **kwargs))


class HomeLoopMessenger:
    """A messenger for code on a worker thread: every call runs on `home`, the loop
    that owns the wrapped messenger's connections."""

    def __init__(self, inner: Messenger, home: asyncio.AbstractEventLoop) -> None:
        self.inner = inner
        self.home = home

    async def send_direct(self, user_id: str, reply: Reply) -> MessageRef:
        return await self._at_home(self.inner.send_direct(user_id, reply))

    async def post_to_channel(self, channel_id: str, reply: Reply) -> MessageRef:
        return await self._at_home(self.inner.post_to_channel(channel_id, reply))

    async def open_group(self, user_ids: Sequence[str], reply: Reply) -> MessageRef:
        return await self._at_home(self.inner.open_group(user_ids, reply))

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        await self._at_home(self.inner.update(ref, reply))

    async def _at_home(self, call: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call, self.home))


class OffLoopRouter:
    """The app's router, run on a worker thread."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def handle(self, request: Command | Action) -> list[Reply]:
        router = self._router(asyncio.get_running_loop())
        work = (
            router.handle_command(request)
            if isinstance(request, Command)
            else router.handle_action(request)
        )
        return await asyncio.get_running_loop().run_in_executor(WORKERS, asyncio.run, work)

    def _router(self, home: asyncio.AbstractEventLoop) -> Router:
        # Built per request (it is cheap) from the messengers connected now: another
        # adapter may connect after this one has started answering.
        services = self.app.services
        messengers = {
            platform: HomeLoopMessenger(messenger, home)
            for platform, messenger in services.messengers.items()
        }
        return Router(self.app.registry, replace(services, messengers=messengers))
