"""Every Slack listener, registered in one place.

Each listener acknowledges first and works after, so Slack hears back within its 3
seconds however slow the work is (the app runs with `process_before_response=False`, so
Bolt answers the HTTP request as soon as `ack()` is called). The work is: translate the
payload, let the router answer (on a worker thread, see `work.py`), send the answers back
where the request came from. Any failure on the way is logged with its trace and the
member gets a kind word instead.
"""

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.app import App
from bot.slack import home, translate
from bot.slack.messenger import SlackMessenger
from bot.slack.translate import Origin, Payload
from bot.slack.work import OffLoopRouter
from handlers.vocabulary import Action, Command, Reply
from storage import slack_events

log = logging.getLogger(__name__)

SLASH_COMMAND = "/larch"

ADAPTER_APOLOGY = Reply(
    "Sorry, something went wrong on my side and I couldn't finish that. The problem has "
    "been logged for the admins; please try again in a minute.",
    private=True,
)

Translated = tuple[Command | Action, Origin] | None


def register(bolt: AsyncApp, app: App, messenger: SlackMessenger) -> None:
    listeners = SlackListeners(app, messenger)
    bolt.middleware(listeners.drop_retried_events)
    bolt.command(SLASH_COMMAND)(listeners.slash_command)
    bolt.event("app_mention")(listeners.app_mention)
    bolt.event("message")(listeners.message)
    bolt.event("app_home_opened")(listeners.app_home_opened)
    bolt.action(re.compile(".+"))(listeners.block_action)
    bolt.view(translate.FORM_CALLBACK_ID)(listeners.view_submission)


class SlackListeners:
    """Bolt calls these with the arguments their parameter names ask for."""

    def __init__(self, app: App, messenger: SlackMessenger) -> None:
        self.app = app
        self.messenger = messenger
        self.router = OffLoopRouter(app)

    async def drop_retried_events(
        self, body: Payload, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """An Events API delivery whose event was already taken, by this process or
        another, is acknowledged and goes no further."""
        event_id = body.get("event_id")
        is_event = body.get("type") == "event_callback" and isinstance(event_id, str)
        # Off the loop: a slow commit here must not delay other requests' acks.
        if is_event and not await asyncio.to_thread(self._take_event, event_id):
            log.info("dropped a repeated delivery of Slack event %s", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    def _take_event(self, event_id: str) -> bool:
        services = self.app.services
        with services.db.session() as session:
            return slack_events.take_event(session, event_id, services.clock.now())

    async def slash_command(self, ack: AsyncAck, body: Payload) -> None:
        await ack()
        await self._serve(lambda: translate.slash_command(body))

    async def app_mention(self, event: Payload, context: AsyncBoltContext) -> None:
        await self._serve(lambda: translate.mention(event, context.bot_user_id))

    async def message(self, event: Payload) -> None:
        await self._serve(lambda: translate.direct_message(event))

    async def block_action(self, ack: AsyncAck, body: Payload) -> None:
        await ack()
        await self._serve(lambda: translate.block_action(body))

    async def view_submission(self, ack: AsyncAck, body: Payload) -> None:
        await ack()
        await self._serve(lambda: translate.view_submission(body))

    async def app_home_opened(self, event: Payload) -> None:
        if event.get("tab") != "home":
            return
        user_id = event["user"]
        try:
            name = await self.messenger.display_name(user_id)
            view = await asyncio.to_thread(home.home_view, self.app, user_id, name)
            await self.messenger.publish_home(user_id, view)
        except Exception:
            log.exception("could not publish the App Home of Slack user %s", user_id)

    async def _serve(self, read: Callable[[], Translated]) -> None:
        origin: Origin | None = None
        try:
            translated = read()
            if translated is None:
                return
            request, origin = translated
            for reply in await self._route(request):
                await self.messenger.answer(origin, reply)
        except Exception:
            log.exception("Slack request failed (origin %s)", origin)
            if origin is not None:
                await self._apologise(origin)

    async def _route(self, request: Command | Action) -> list[Reply]:
        if not request.actor.is_bot:
            name = await self.messenger.display_name(request.actor.user_id)
            actor = replace(request.actor, display_name=name or request.actor.display_name)
            request = replace(request, actor=actor)
        return await self.router.handle(request)

    async def _apologise(self, origin: Origin) -> None:
        try:
            await self.messenger.answer(replace(origin, trigger_id=None), ADAPTER_APOLOGY)
        except Exception:
            log.exception("could not apologise to Slack user %s either", origin.user_id)
