"""Answering a Slack request: translate what Slack sent, let the router answer (on a worker
thread, see `work.py`), send the answers back where the request came from. Any failure on
the way is logged with its trace and the member gets a kind word instead, never silence
and never a trace.
"""

import logging
from collections.abc import Callable
from dataclasses import replace

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
        self.router = OffLoopRouter(app)

    async def answer(self, request: Waiting, delivery: Delivery) -> None:
        """Answer a request from the inbox; after a process died with it, post only what
        that process had not."""
        origin: Origin | None = None
        try:
            translated = READERS[request.kind](request.payload)
            if translated is None:
                return
            command_or_action, origin = translated
            if delivery.left is None:
                delivery.answered_with(await self.route(command_or_action))
            for reply in delivery.left or []:
                await self.messenger.answer(origin, reply)
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
