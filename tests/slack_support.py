"""What the Slack tests run against: a local mock of Slack's Web API (with a Socket Mode
websocket), recorded-style payloads, signed requests, and the real Bolt app served over
HTTP on 127.0.0.1. Nothing leaves the machine."""

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest
from aiohttp import web

from bot.app import App, build_app
from bot.config import Settings
from bot.slack.app import build_bolt_app, connect
from bot.slack.inbox import Answerer, Inbox
from bot.slack.runner import EVENTS_PATH, answering, mount, signing_secret
from bot.web import build_web_app, serve
from contract.specs import Registry
from contract.vocabulary import Platform, Role
from handlers.clock import ManualClock
from handlers.router import Router
from knowledge.search import SearchIndex
from storage import members
from tests.conftest import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
APP_TOKEN = "xapp-1-A0LARCH-1234-abcdef"
BOT_USER_ID = "U0LARCHBOT"
BOT_ID = "B0LARCHBOT"
USERS = {"U0AMARA": "Amara Okafor", "U0KWAME": "Kwame Mensah", "U0NGOZI": "Ngozi Eze"}


# --- the mock Web API -----------------------------------------------------------------


@dataclass
class Call:
    """One request the bot made to "Slack": the Web API method (or `response_url`,
    `upload`), and its arguments however they were sent (JSON, form or query)."""

    method: str
    body: dict[str, Any]
    raw: bytes
    headers: Mapping[str, str]


@dataclass
class Failure:
    status: int = 200
    error: str = "ratelimited"
    retry_after: int | None = None


@dataclass
class MockSlackApi:
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    _failures: dict[str, deque[Failure]] = field(default_factory=lambda: defaultdict(deque))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    socket: "FakeSocketMode" = field(default_factory=lambda: FakeSocketMode())

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def fail_next(self, method: str, failure: Failure) -> None:
        self._failures[method].append(failure)

    def calls_to(self, *methods: str) -> list[Call]:
        return [call for call in self.calls if call.method in methods]

    def said(self) -> list[Call]:
        """Every call that put words in front of someone."""
        speaking = {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
        return [call for call in self.calls if call.method in speaking]

    async def wait_for(self, *methods: str, count: int = 1, timeout: float = 10) -> list[Call]:
        """The first `count` calls to any of `methods`, once they have been made. The timeout
        only stops a broken test from hanging; a passing test never reaches it."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.calls_to(*methods)) >= count), timeout
            )
        return self.calls_to(*methods)[:count]

    def app(self) -> web.Application:
        mock = web.Application()
        mock.router.add_route("*", "/api/{method}", self._web_api)
        mock.router.add_post("/response/{path:.*}", self._response_url)
        mock.router.add_post("/upload/{file_id}", self._upload)
        mock.router.add_get("/socket", self.socket.handle)
        mock.router.add_get("/calls/{method}", self._count)
        return mock

    async def _count(self, request: web.Request) -> web.Response:
        """How many calls a method has had, for a mock running in another process."""
        return web.json_response({"count": len(self.calls_to(request.match_info["method"]))})

    async def _record(self, method: str, request: web.Request) -> Call:
        raw = await request.read()
        body: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body.update(json.loads(raw or b"{}"))
        elif request.content_type == "application/x-www-form-urlencoded":
            body.update(parse_qsl(raw.decode()))
        call = Call(method, body, raw, dict(request.headers))
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        return call

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = await self._record(method, request)
        if self._failures[method]:
            failure = self._failures[method].popleft()
            headers = (
                {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            )
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        return web.json_response({"ok": True, **self._answer(method, call.body)})

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        n = next(self._numbers)
        ts = f"1764000000.{n:06d}"
        if method == "auth.test":
            return {
                "url": "https://larch-hub.slack.com/",
                "team": "LARCH Hub",
                "user": "larch",
                "team_id": "T0LARCH",
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            return {
                "channel": body.get("channel"),
                "ts": ts,
                "message": {"text": body.get("text"), "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {"message_ts": ts}
        if method == "chat.update":
            return {"channel": body.get("channel"), "ts": body.get("ts")}
        if method == "conversations.open":
            users = str(body.get("users", ""))
            prefix = "G" if "," in users else "D"
            return {"channel": {"id": f"{prefix}0{users.replace(',', '')}"}}
        if method == "users.info":
            user_id = str(body.get("user"))
            name = USERS.get(user_id, user_id)
            return {
                "user": {
                    "id": user_id,
                    "name": name.split()[0].lower(),
                    "real_name": name,
                    "profile": {"display_name": name, "real_name": name},
                }
            }
        if method in ("views.open", "views.publish"):
            view = body.get("view") or {}
            return {
                "view": {"id": f"V0{n}", **(json.loads(view) if isinstance(view, str) else view)}
            }
        if method == "files.getUploadURLExternal":
            return {"upload_url": f"{self.base_url}/upload/F0{n}", "file_id": f"F0{n}"}
        if method == "files.completeUploadExternal":
            return {
                "files": [
                    {"id": f["id"], "title": f.get("title")} for f in json.loads(body["files"])
                ]
            }
        if method == "apps.connections.open":
            ticket = self.socket.issue_ticket()
            return {"url": self.base_url.replace("http://", "ws://") + f"/socket?ticket={ticket}"}
        return {}

    async def _response_url(self, request: web.Request) -> web.Response:
        await self._record("response_url", request)
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        call = await self._record("upload", request)
        return web.Response(text=f"OK - {len(call.raw)}")


class FakeSocketMode:
    """Slack's Socket Mode server: it sends envelopes and reads the acknowledgements.

    As on Slack, each URL from apps.connections.open opens one connection, and an event
    envelope not acknowledged (sent while no connection was open, or whose ack was lost)
    is sent again, `retry_attempt` counted up, when the next connection opens."""

    def __init__(self) -> None:
        self.connected = asyncio.Event()
        self.connections = 0
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        # Acks read but not counted, as if lost with the connection they came over.
        self.losing_acks = False
        self._socket: web.WebSocketResponse | None = None
        self._tickets: set[str] = set()
        self._issued = itertools.count(1)
        self._unacknowledged: dict[str, dict[str, Any]] = {}
        self._changed = asyncio.Condition()

    def issue_ticket(self) -> str:
        ticket = str(next(self._issued))
        self._tickets.add(ticket)
        return ticket

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="this URL is not (or no longer) valid")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1})
        for envelope in list(self._unacknowledged.values()):
            await self.send(envelope | {"retry_attempt": envelope["retry_attempt"] + 1})
        async with self._changed:
            self.connections += 1
            self._changed.notify_all()
        self.connected.set()
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                ack = json.loads(message.data)
                if not self.losing_acks:
                    self._unacknowledged.pop(ack.get("envelope_id"), None)
                await self.received.put(ack)
        return ws

    async def send(self, envelope: dict[str, Any]) -> None:
        """Send `envelope` now, or (an event, while no connection is open) when one opens."""
        if envelope.get("type") == "events_api":
            self._unacknowledged[envelope["envelope_id"]] = envelope
        if self._socket is not None and not self._socket.closed:
            await self._socket.send_json(envelope)
        else:
            assert envelope.get("type") == "events_api", "Slack does not keep this for later"

    async def wait_for_connections(self, count: int, timeout: float = 10) -> None:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: self.connections >= count), timeout
            )

    async def close(self) -> None:
        """Close the open connection, as Slack does now and then, or as a network drop
        would; `send` then keeps events for the next connection."""
        socket, self._socket = self._socket, None
        if socket is not None:
            await socket.close()


@pytest.fixture
async def mock() -> AsyncIterator[MockSlackApi]:
    """A fresh mock Slack for a test; test modules import this fixture."""
    async with running_mock() as api:
        yield api


@asynccontextmanager
async def running_mock(port: int | None = None) -> AsyncIterator[MockSlackApi]:
    mock = MockSlackApi()
    port = port or free_port()
    mock.base_url = f"http://127.0.0.1:{port}"
    runner = await serve(mock.app(), "127.0.0.1", port)
    try:
        yield mock
    finally:
        await mock.socket.close()
        await runner.cleanup()


# --- payloads and signatures ----------------------------------------------------------


def payload(name: str, mock: MockSlackApi, **changes: Any) -> dict[str, Any]:
    """A recorded-style payload from tests/fixtures/slack, its URLs pointing at the mock;
    `changes` replace top-level fields (or, for events, fields of the event). Each slash
    command has its own trigger_id, as on Slack, which takes a command once by it."""
    text = (FIXTURES / f"{name}.json").read_text().replace("{mock}", mock.base_url)
    data = json.loads(text)
    if name == "slash_command":
        data["trigger_id"] = f"{next(_triggers)}.17653672481.command"
    target = data.get("event", data)
    target.update(changes)
    return data


def encode(data: Mapping[str, Any]) -> tuple[str, str]:
    """The body and content type Slack would send this payload with."""
    if "command" in data:
        return urlencode(data), "application/x-www-form-urlencoded"
    if data.get("type") in ("block_actions", "view_submission"):
        return urlencode({"payload": json.dumps(data)}), "application/x-www-form-urlencoded"
    return json.dumps(data), "application/json"


def signed(
    data: Mapping[str, Any], *, timestamp: int | None = None, signature: str | None = None
) -> tuple[str, dict[str, str]]:
    """The body and headers Slack would post `data` with: signed with the app's secret
    at the current time unless told otherwise."""
    body, content_type = encode(data)
    timestamp = int(time.time()) if timestamp is None else timestamp
    return body, {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature or sign(body, timestamp),
    }


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every button in a message's or a view's blocks."""
    return [
        element for block in blocks if block["type"] == "actions" for element in block["elements"]
    ]


def slash(mock: MockSlackApi, text: str, user: str = "U0AMARA") -> dict[str, Any]:
    """`/larch <text>` typed by `user` in #general."""
    return payload("slash_command", mock, text=text, user_id=user, user_name=_handle(user))


def click(mock: MockSlackApi, button: Mapping[str, Any], user: str = "U0AMARA") -> dict[str, Any]:
    """The block_actions payload Slack sends when `user` clicks `button` in a channel
    message; each click has its own trigger_id, as on Slack."""
    data = payload("block_actions", mock)
    data["user"].update(id=user, username=_handle(user), name=_handle(user))
    data["trigger_id"] = f"{next(_triggers)}.17653672481.click"
    data["actions"][0].update(action_id=button["action_id"], value=button.get("value"))
    return data


def click_on_home(mock: MockSlackApi, button: Mapping[str, Any]) -> dict[str, Any]:
    """A click on the App Home tab: no channel, no message, no response_url."""
    data = click(mock, button)
    for key in ("channel", "message", "response_url"):
        del data[key]
    data["container"] = {"type": "view", "view_id": "V0HOME"}
    return data


def submit(
    mock: MockSlackApi,
    view: Mapping[str, Any],
    answers: Mapping[str, str | list[str]],
    user: str = "U0AMARA",
) -> dict[str, Any]:
    """The view_submission payload Slack sends when `user` fills the modal `view` (as the
    bot opened it) with `answers` by block id: text for a text input or a select, a list
    for a multi-select. Inputs not answered are sent empty, as Slack does."""
    data = payload("view_submission", mock)
    data["user"].update(id=user, username=_handle(user), name=_handle(user))
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        answer = answers.get(block["block_id"])
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "plain_text_input":
            state["value"] = answer
        elif element["type"] == "static_select":
            state["selected_option"] = _option(answer) if answer else None
        else:
            state["selected_options"] = [_option(choice) for choice in answer or []]
        values[block["block_id"]] = {element["action_id"]: state}
    data["view"].update(
        blocks=view["blocks"],
        private_metadata=view["private_metadata"],
        title=view["title"],
        state={"values": values},
    )
    return data


_triggers = itertools.count(7000000001)


def _handle(user_id: str) -> str:
    return USERS.get(user_id, user_id).split()[0].lower()


def _option(choice: Any) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": choice, "emoji": True}, "value": choice}


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return f"v0={digest.hexdigest()}"


def grant(app: App, user_id: str, role: Role) -> None:
    """Give a Slack user a role, as an admin would."""
    services = app.services
    with services.db.session() as session:
        member = members.identify(session, Platform.SLACK, user_id, "", services.clock.now())
        members.grant_role(session, member.id, role, services.clock.now())


# --- the bot over HTTP ----------------------------------------------------------------


def slack_settings(database_url: str, mock: MockSlackApi, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": mock.api_url,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class SlackHarness:
    app: App
    mock: MockSlackApi
    url: str
    http: aiohttp.ClientSession
    listeners: "ListenerTasks"
    answerer: Answerer | None

    async def post(
        self,
        data: Mapping[str, Any],
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str]:
        """Post as Slack would: signed with the app's secret and the current time unless
        told otherwise."""
        body, sent_headers = signed(data, timestamp=timestamp, signature=signature)
        sent_headers |= headers or {}
        async with self.http.post(self.url, data=body.encode(), headers=sent_headers) as response:
            return response.status, await response.text()

    async def finish(self) -> int:
        """Wait for the listeners and then for the answers to what they acknowledged; how
        many listeners ran since the last call, so a test can tell "ignored" from "never
        reached"."""
        ran = await self.listeners.finish()
        if self.answerer is not None:
            await self.answerer.drained()
        return ran


class ListenerTasks:
    """What the Slack side does after Slack has its answer: the inbox's writes, and work
    listeners leave running (a form's answers, the Home tab). This task factory notes
    those tasks, so a test can wait for them instead of sleeping. As Bolt middleware
    after the app's own, it also counts the requests that reach a listener."""

    WATCHED = ("SlackListeners.", "Inbox.")

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[Any]] = []
        self._reached = 0

    def __call__(
        self, loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any
    ) -> asyncio.Task[Any]:
        task = asyncio.Task(coro, loop=loop, **kwargs)
        if getattr(coro, "__qualname__", "").startswith(self.WATCHED):
            self._tasks.append(task)
        return task

    async def count(self, next: Callable[[], Awaitable[None]]) -> None:
        self._reached += 1
        await next()

    async def finish(self) -> int:
        """Wait for the noted tasks; how many requests reached a listener since the last
        call."""
        while self._tasks:
            tasks, self._tasks = self._tasks, []
            await asyncio.gather(*tasks)
        reached, self._reached = self._reached, 0
        return reached

    @classmethod
    @asynccontextmanager
    async def watching(cls) -> AsyncIterator["ListenerTasks"]:
        """One watcher per event loop: two apps served side by side share it."""
        loop = asyncio.get_running_loop()
        previous = loop.get_task_factory()
        if isinstance(previous, ListenerTasks):
            yield previous
            return
        tasks = cls()
        loop.set_task_factory(tasks)
        try:
            yield tasks
            await tasks.finish()
        finally:
            loop.set_task_factory(previous)


@asynccontextmanager
async def slack_app(
    database_url: str,
    mock: MockSlackApi,
    knowledge: SearchIndex,
    clock: ManualClock,
    registry: Registry | None = None,
    **settings: Any,
) -> AsyncIterator[App]:
    """The whole bot, its Slack messenger talking to the mock; `registry` swaps in
    test-only commands."""
    config = slack_settings(database_url, mock, **settings)
    app = build_app(config, clock=clock, knowledge=knowledge)
    if registry is not None:
        app = App(config, app.services, registry, Router(registry, app.services), app.dispatcher)
    try:
        yield app
    finally:
        app.services.db.dispose()


@asynccontextmanager
async def serving(
    app: App, mock: MockSlackApi, *, answer_here: bool = True
) -> AsyncIterator[SlackHarness]:
    """`app` behind the real Bolt app on the real web app, over HTTP on 127.0.0.1, and
    answering what it acknowledges unless told otherwise (as `serve slack-http` does)."""
    async with (
        connect(app) as messenger,
        contextlib.AsyncExitStack() as answers,
        ListenerTasks.watching() as listeners,
    ):
        inbox = Inbox(app.services.db, app.services.clock)
        bolt = build_bolt_app(app, messenger, inbox)
        bolt.middleware(listeners.count)
        web_app = build_web_app(app)
        mount(web_app, bolt, signing_secret(app.settings))
        port = free_port()
        runner = await serve(web_app, "127.0.0.1", port)
        answerer = (
            await answers.enter_async_context(answering(app, messenger, inbox))
            if answer_here
            else None
        )
        try:
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
                yield SlackHarness(app, mock, url, http, listeners, answerer)
        finally:
            await runner.cleanup()


@pytest.fixture
async def slack(
    mock: MockSlackApi, sqlite_url: str, knowledge: SearchIndex, clock: ManualClock
) -> AsyncIterator[SlackHarness]:
    """The whole bot behind the real Bolt app over HTTP, Slack played by `mock`."""
    async with slack_app(sqlite_url, mock, knowledge, clock) as app, serving(app, mock) as harness:
        yield harness
