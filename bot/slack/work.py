"""The work behind an answer runs off the event loop that acknowledges Slack.

Handlers and storage use a synchronous database session: on the loop, one slow commit
or lock wait would hold up every other request's ack past Slack's 3 seconds. So the
router runs on a worker thread, in an event loop of its own. The platform clients
(aiohttp sessions, gateway connections) belong to the main loop, so the messengers the
handlers are given there make each call back on the main loop.
"""

import asyncio
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, TypeVar

from bot.app import App
from handlers.router import Router
from handlers.vocabulary import Action, Command, MessageRef, Messenger, Reply

T = TypeVar("T")

# One pool for the process. A few threads, so that one slow handler (a lock wait) does
# not hold up the others; more would only contend for the interpreter lock with the
# loop that acknowledges Slack.
WORKERS = ThreadPoolExecutor(4, thread_name_prefix="larch-slack-work")


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
        # adapter may connect after Slack has started answering.
        services = self.app.services
        messengers = {
            platform: HomeLoopMessenger(messenger, home)
            for platform, messenger in services.messengers.items()
        }
        return Router(self.app.registry, replace(services, messengers=messengers))
