"""Every Slack listener, registered in one place.

A listener acknowledges within Slack's 3 seconds however slow the answer is: it writes
the request to the inbox (see `inbox.py`), acks once the write has committed and
returns, and the answering happens where an `Answerer` runs. So an acknowledged request
is a kept one: a crash after the ack loses nothing. Bolt answers Slack's HTTP request
when the listener returns (`process_before_response=True`), so anything slower runs as a
task. Some are answered here instead: a form submission, whose answer may have to go in
the ack; a command or click declared to open a form, whose trigger Slack takes for only
3 seconds, too short to wait behind other requests for an answering process; an "Open the
form" click, which opens a form kept for later; and the App Home, which is only read.

A request Slack sends twice is taken once, whether Slack retried an event or the same
signed request was replayed (a slash command, a form submission): each has a key that
the database remembers (`storage/slack_events.py`).
"""

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.app import App
from bot.slack import home, translate
from bot.slack.answers import READERS, SlackAnswers
from bot.slack.inbox import Inbox
from bot.slack.messenger import SlackMessenger
from bot.slack.translate import Origin, Payload
from contract.vocabulary import Reply
from storage import slack_events
from storage.slack_inbox import Waiting

log = logging.getLogger(__name__)

SLASH_COMMAND = "/larch"

# How long a form submission's ack may wait for the answer, out of the 3 seconds Slack
# allows, leaving room for the network.
SUBMISSION_ANSWER_SECONDS = 2.0


def register(bolt: AsyncApp, app: App, messenger: SlackMessenger, inbox: Inbox) -> None:
    listeners = SlackListeners(app, messenger, inbox)
    bolt.middleware(listeners.drop_repeats)
    bolt.command(SLASH_COMMAND)(listeners.slash_command)
    bolt.event("app_mention")(listeners.app_mention)
    bolt.event("message")(listeners.message)
    bolt.event("app_home_opened")(listeners.app_home_opened)
    bolt.action(re.compile(".+"))(listeners.block_action)
    bolt.view(translate.FORM_CALLBACK_ID)(listeners.view_submission)


class SlackListeners:
    """Bolt calls these with the arguments their parameter names ask for."""

    def __init__(self, app: App, messenger: SlackMessenger, inbox: Inbox) -> None:
        self.app = app
        self.messenger = messenger
        self.inbox = inbox
        self.answers = SlackAnswers(app, messenger)
        self._later_tasks: set[asyncio.Task[None]] = set()

    async def drop_repeats(
        self, body: Payload, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """A request already taken, by this process or another, is acknowledged and goes
        no further."""
        key = _event_or_submission_key(body)
        # Off the loop: a slow commit here must not delay other requests' acks.
        if key is not None and not await asyncio.to_thread(self._first_delivery, key):
            log.info("dropped a repeated Slack request (%s)", key)
            return BoltResponse(status=200, body="")
        await next()
        return None

    def _first_delivery(self, key: str) -> bool:
        services = self.app.services
        with services.db.session() as session:
            return slack_events.take_event(session, key, services.clock.now())

    async def slash_command(self, ack: AsyncAck, body: Payload) -> None:
        """A command is the same command again when its trigger_id is (Slack gives each
        its own), and is then found in the same commit that writes it down."""
        trigger_id = body.get("trigger_id")
        key = f"command:{trigger_id}" if isinstance(trigger_id, str) else None
        await self._take_or_answer(Waiting("slash_command", body["user_id"], dict(body)), ack, key)

    async def block_action(self, ack: AsyncAck, body: Payload) -> None:
        request = Waiting("block_action", body["user"]["id"], dict(body))
        kept_form = translate.kept_form_key(body)
        if kept_form is None:
            await self._take_or_answer(request, ack)
        else:
            await ack()
            self._later(self._open_kept_form(request, kept_form))

    async def _take_or_answer(
        self, request: Waiting, ack: AsyncAck, repeat_key: str | None = None
    ) -> None:
        """To the inbox, unless its answer opens a form: then it is answered here and now,
        while its trigger lasts."""
        try:
            opens_form = self.answers.opens_form(request)
        except Exception:
            log.exception("could not tell whether a Slack %s opens a form", request.kind)
            opens_form = False
        if not opens_form:
            await self._take(request, ack, repeat_key)
            return
        received_at = self.app.services.clock.now()
        first = repeat_key is None or await asyncio.to_thread(self._first_delivery, repeat_key)
        await ack()
        if first:
            self._later(self.answers.answer_at_once(request, received_at))
        else:
            log.info("dropped a repeated Slack request (%s)", repeat_key)

    async def _open_kept_form(self, request: Waiting, key: str) -> None:
        origin = _origin(request)
        if origin is None:
            return
        try:
            await self.messenger.open_kept_form(origin, key)
        except Exception as error:
            await self.answers.failed(origin, error)

    async def app_mention(self, event: Payload, context: AsyncBoltContext) -> None:
        payload = {"event": event, "bot_user_id": context.bot_user_id}
        await self._take_event(Waiting("app_mention", event.get("user", ""), payload))

    async def message(self, event: Payload) -> None:
        await self._take_event(Waiting("message", event.get("user", ""), dict(event)))

    async def view_submission(self, ack: AsyncAck, body: Payload) -> None:
        """A submitted form. A plain ack closes the modal, and Slack's desktop app does not
        open another from the submission's trigger, so an answer that is the form again
        (with what to fix) goes back in the ack, replacing the open modal. The work gets
        SUBMISSION_ANSWER_SECONDS of Slack's 3 to say so; slower work is acknowledged
        first and answered like any other, the form's text without the form."""
        action, origin = translate.view_submission(body)
        answering = asyncio.ensure_future(self.answers.route(action))
        await asyncio.wait([answering], timeout=SUBMISSION_ANSWER_SECONDS)
        again = _form_to_show_again(answering)
        if again is None:
            await ack()
        else:
            await ack(response_action="update", view=translate.modal_view(again.form, again.text))
        self._later(self._deliver_the_rest(origin, answering, again))

    async def _deliver_the_rest(
        self, origin: Origin, answering: "asyncio.Future[list[Reply]]", shown: Reply | None
    ) -> None:
        try:
            await self.answers.deliver(origin, [r for r in await answering if r is not shown])
        except Exception as error:
            await self.answers.failed(origin, error)

    async def app_home_opened(self, event: Payload) -> None:
        if event.get("tab") == "home":
            self._later(self._publish_home(event["user"]))

    async def _publish_home(self, user_id: str) -> None:
        try:
            name = await self.messenger.display_name(user_id)
            view = await asyncio.to_thread(home.home_view, self.app, user_id, name)
            await self.messenger.publish_home(user_id, view)
        except Exception:
            log.exception("could not publish the App Home of Slack user %s", user_id)

    async def _take(
        self, request: Waiting, ack: AsyncAck | None = None, repeat_key: str | None = None
    ) -> None:
        """Acknowledge once the request is committed (in a group commit with every other
        request that arrived meanwhile); if it cannot be written, apologise."""
        try:
            if not await self.inbox.put(request, repeat_key):
                log.info("dropped a repeated Slack request (%s)", repeat_key)
        except Exception as error:
            self._later(self.answers.failed(_origin(request), error))
        if ack is not None:
            await ack()

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` after the listener has returned (and Slack has its ack)."""
        task = asyncio.create_task(work)
        self._later_tasks.add(task)
        task.add_done_callback(self._later_tasks.discard)

    async def _take_event(self, request: Waiting) -> None:
        """An event (Bolt acks it when the listener returns). Most messages the bot hears
        (its own answers in a DM, edits) are not for it and are not written down."""
        try:
            for_us = READERS[request.kind](request.payload) is not None
        except Exception:
            log.exception("could not read a Slack %s event", request.kind)
            return
        if for_us:
            await self._take(request)


def _origin(request: Waiting) -> Origin | None:
    try:
        translated = READERS[request.kind](request.payload)
    except Exception:
        return None
    return translated[1] if translated else None


def _form_to_show_again(answering: "asyncio.Future[list[Reply]]") -> Reply | None:
    """The answer that asks for a form, if the work has finished and gave one."""
    if not answering.done() or answering.exception() is not None:
        return None
    return next((reply for reply in answering.result() if reply.form is not None), None)


def _event_or_submission_key(body: Payload) -> str | None:
    """What makes a request the same request when Slack sends it again: an event's id, a
    form submission's view and what was filled in. None for other requests: a command is
    checked as it is written down, and a button is decided by the database."""
    kind = body.get("type")
    if kind == "event_callback":
        event_id = body.get("event_id")
        return event_id if isinstance(event_id, str) else None
    if kind == "view_submission":
        view = body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("id"), str):
            return None
        # Hashed whole, so the key fits the column however long Slack's ids grow.
        submitted = [view["id"], view.get("hash"), view.get("state")]
        digest = hashlib.sha256(json.dumps(submitted, sort_keys=True, default=str).encode())
        return f"view:{digest.hexdigest()}"
    return None
