"""Answering a Slack request: translate what Slack sent, let the router answer (on a worker
thread, see `work.py`), send the answers back where the request came from. Any failure on
the way is logged with its trace and the member gets a kind word instead, never silence
and never a trace.

A request whose answer opens a form carries a trigger Slack takes for 3 seconds. Those
declared to open one are answered where they arrive, not through the inbox (see
listeners.py); an answer that is ready only after TRIGGER_WINDOW offers its form behind
a button rather than try a trigger that has gone or is about to.
"""

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.app import App
from bot.offloop import OffLoopRouter
from bot.slack import translate
from bot.slack.inbox import Delivery
from bot.slack.messenger import SlackMessenger
from bot.slack.translate import Origin, Payload
from contract.vocabulary import Action, Command, Reply
from storage.slack_inbox import Waiting

log = logging.getLogger(__name__)

ADAPTER_APOLOGY = Reply(
    "Sorry, something went wrong on my side and I couldn't finish that. The problem has "
    "been logged for the admins; please try again in a minute.",
    private=True,
)

Translated = tuple[Command | Action, Origin] | None

# Out of the 3 seconds Slack takes a trigger_id for, counted from the acknowledgement:
# the rest is for the views.open call to reach Slack.
TRIGGER_WINDOW = timedelta(seconds=2.5)

# Each kind of request the listeners write to the inbox, and how to read it. A mention's
# payload carries the bot's own user id beside the event, to take the mention off.
READERS: dict[str, Callable[[Payload], Translated]] = {
    "slash_command": translate.slash_command,
    "app_mention": lambda payload: translate.mention(payload["event"], payload["bot_user_id"]),
    "message": translate.direct_message,
    "block_action": translate.block_action,
}


class SlackAnswers:
    def __init__(self, app: App, messenger: SlackMessenger) -> None:
        self.messenger = messenger
        self.registry = app.registry
        self.clock = app.services.clock
        self.router = OffLoopRouter(app)

    def opens_form(self, request: Waiting) -> bool:
        """Whether the request is for a command or button declared to answer with a form."""
        translated = READERS[request.kind](request.payload)
        return translated is not None and self.registry.opens_form(translated[0])

    async def answer(self, request: Waiting, delivery: Delivery) -> None:
        """Answer a request from the inbox; after a process died with it, post only what
        that process had not."""
        await self._answer(request, delivery.received_at, delivery)

    async def answer_at_once(self, request: Waiting, received_at: datetime) -> None:
        """Answer a request that was not written to the inbox: if this process dies with
        it, nobody takes it over, and the member asks again."""
        await self._answer(request, received_at, None)

    async def _answer(
        self, request: Waiting, received_at: datetime, delivery: Delivery | None
    ) -> None:
        origin: Origin | None = None
        try:
            translated = READERS[request.kind](request.payload)
            if translated is None:
                return
            command_or_action, origin = translated
            if delivery is None:
                replies = await self.route(command_or_action)
            else:
                if delivery.left is None:
                    delivery.answered_with(await self.route(command_or_action))
                replies = delivery.left or []
            if self.clock.now() - received_at > TRIGGER_WINDOW:
                origin = replace(origin, trigger_id=None)
            for reply in replies:
                await self.messenger.answer(origin, reply)
                if delivery is not None:
                    await delivery.posted()
        except Exception as error:
            await self.failed(origin, error)

    async def route(self, request: Command | Action) -> list[Reply]:
        if not request.actor.is_bot:
            name = await self.messenger.display_name(request.actor.user_id)
            actor = replace(request.actor, display_name=name or request.actor.display_name)
            request = replace(request, actor=actor)
        return await self.router.handle(request)

    async def deliver(self, origin: Origin, replies: list[Reply]) -> None:
        for reply in replies:
            await self.messenger.answer(origin, reply)

    async def failed(self, origin: Origin | None, error: BaseException) -> None:
        """The trace is logged, the member apologised to."""
        log.error("Slack request failed (origin %s)", origin, exc_info=error)
        if origin is None:
            return
        try:
            await self.messenger.answer(replace(origin, trigger_id=None), ADAPTER_APOLOGY)
        except Exception:
            log.exception("could not apologise to Slack user %s either", origin.user_id)
