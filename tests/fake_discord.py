"""A local Discord for tests: the REST routes and the gateway websocket the bot uses, served
on 127.0.0.1 and recording everything the bot sends, so tests drive the real discord.py
client and assert on what Discord would have received.

The gateway speaks the real protocol: HELLO with a heartbeat interval, IDENTIFY answered by
READY (with a session id and a resume URL) and GUILD_CREATE, heartbeats acknowledged, RESUME
answered by RESUMED, then whatever the test dispatches. Builders make the payloads Discord
sends for slash commands, autocomplete, clicks, modal submissions and messages.

Like Discord, it refuses (400 Invalid Form Body) a message or a modal beyond Discord's limits
(embed sizes, five buttons to a row, five rows, five inputs to a modal, label lengths…), so
every test that goes through it also checks that Discord would have taken what was sent.
"""

import asyncio
import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
TOKEN = "fake-bot-token"
APPLICATION_ID = 7000
BOT_ID = 7001
GUILD_ID = 8000
CHANNEL_ID = 8001
GROUPS_CHANNEL_ID = 8002
EVENTS_CHANNEL_ID = 8003
TIMESTAMP = "2026-11-23T09:00:00+00:00"
WAIT_SECONDS = 5.0
EPHEMERAL = 1 << 6


@dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str  # without the /api/v10 prefix
    body: Any = None
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200
    # What the fake returned: for a message sent or edited, the message as Discord stores
    # it, which is what a later click on its buttons refers to.
    response: Any = None


def user(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name.lower(),
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


BOT_USER = user(BOT_ID, "LARCH", bot=True)


# Discord's option types for the Python values a test passes.
_OPTION_TYPES = {str: 3, int: 4, bool: 5}


class FakeDiscord:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.gateway_received: list[dict[str, Any]] = []
        self.command_ids: dict[str, str] = {}
        self._changed = asyncio.Condition()
        self._ids = itertools.count(10_000)
        self._sequence = 0
        self._session_id = "fake-session"
        self._socket: web.WebSocketResponse | None = None
        self._live = asyncio.Event()
        self._rate_limited: list[tuple[str, re.Pattern[str], float]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- running ---------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{path:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- waiting for the bot -----------------------------------------------------------

    async def wait_for_call(self, method: str, path: str, *, seconds: float = WAIT_SECONDS) -> Call:
        """The first successful call matching `method` and the `path` regular expression."""

        def found() -> list[Call]:
            return [c for c in self.calls_to(method, path) if c.status == 200]

        await self._wait(lambda: bool(found()), f"{method} {path}", seconds)
        return found()[0]

    def calls_to(self, method: str, path: str) -> list[Call]:
        pattern = re.compile(path)
        return [c for c in self.calls if c.method == method and pattern.fullmatch(c.path)]

    async def wait_for_gateway(self, op: int) -> dict[str, Any]:
        """The first payload with opcode `op` the bot sent on the gateway."""

        def found() -> list[dict[str, Any]]:
            return [p for p in self.gateway_received if p.get("op") == op]

        await self._wait(lambda: bool(found()), f"gateway op {op}")
        return found()[0]

    async def answer_to(self, interaction: Mapping[str, Any]) -> Call:
        """The bot's answer to an interaction: its callback to Discord."""
        return await self.wait_for_call(
            "POST", f"/interactions/{interaction['id']}/{interaction['token']}/callback"
        )

    async def followup_to(self, interaction: Mapping[str, Any]) -> Call:
        return await self.wait_for_call(
            "POST", f"/webhooks/{APPLICATION_ID}/{interaction['token']}"
        )

    async def _wait(
        self, condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS
    ) -> None:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(condition), seconds)
            except TimeoutError:
                seen = "\n".join(f"  {c.method} {c.path} {c.status}" for c in self.calls)
                raise AssertionError(f"the bot never sent {what}; it sent:\n{seen}") from None

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # --- REST ----------------------------------------------------------------------------

    def rate_limit_next(self, method: str, path: str, retry_after: float) -> None:
        """Answer the next matching request with 429 and `retry_after`, as Discord does."""
        self._rate_limited.append((method, re.compile(path), retry_after))

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body, files = await _read_body(request)
        # Interaction callbacks and followups are authorised by their token in the path.
        by_token = path.startswith(("/interactions/", "/webhooks/"))
        if not by_token and request.headers.get("Authorization") != f"Bot {TOKEN}":
            await self._record(Call(request.method, path, body, files, status=401))
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        for limit in self._rate_limited:
            method, pattern, retry_after = limit
            if method == request.method and pattern.fullmatch(path):
                self._rate_limited.remove(limit)
                await self._record(Call(request.method, path, body, files, status=429))
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": retry_after,
                        "global": False,
                    },
                    status=429,
                    headers={"Via": "1.1 google", "X-RateLimit-Scope": "user"},
                )
        problems = refused(request.method, path, body)
        if problems:
            await self._record(Call(request.method, path, body, files, status=400))
            errors = {"_errors": [{"code": "INVALID", "message": p} for p in problems]}
            return _json(
                {"message": "Invalid Form Body", "code": 50035, "errors": errors}, status=400
            )
        answer = self._route(request.method, path, body, files)
        status = 404 if answer is None else 200
        await self._record(Call(request.method, path, body, files, status, answer))
        if answer is None:
            return _json({"message": "404: Not Found", "code": 0}, status=404)
        if answer is NO_CONTENT:
            return web.Response(status=204)
        return _json(answer)

    def _route(self, method: str, path: str, body: Any, files: dict[str, bytes]) -> Any:
        for route_method, pattern, handler in self._routes():
            matched = re.fullmatch(pattern, path)
            if route_method == method and matched:
                return handler(body, files, *matched.groups())
        return None

    def _routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("GET", r"/gateway/bot", lambda *_: self._gateway_bot()),
            ("GET", r"/users/@me", lambda *_: BOT_USER),
            ("GET", r"/oauth2/applications/@me", lambda *_: self._application()),
            ("PUT", r"/applications/\d+/guilds/\d+/commands", self._sync_commands),
            ("PUT", r"/applications/\d+/commands", self._sync_commands),
            ("POST", r"/interactions/(\d+)/[^/]+/callback", self._interaction_callback),
            ("POST", r"/webhooks/\d+/[^/]+", self._message_from),
            ("PATCH", r"/webhooks/\d+/[^/]+/messages/[^/]+", self._message_from),
            ("DELETE", r"/webhooks/\d+/[^/]+/messages/[^/]+", lambda *_: NO_CONTENT),
            ("POST", r"/users/@me/channels", self._dm_channel),
            ("POST", r"/channels/(\d+)/messages", self._message_from),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edited_message),
            ("GET", r"/channels/(\d+)", lambda _b, _f, cid: self._text_channel(int(cid))),
            ("POST", r"/channels/(\d+)/threads", self._thread),
            ("PUT", r"/channels/\d+/thread-members/\d+", lambda *_: NO_CONTENT),
        ]

    def _gateway_bot(self) -> dict[str, Any]:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(APPLICATION_ID),
            "name": "LARCH",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": user(1, "Owner"),
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _sync_commands(self, body: list[dict[str, Any]], _files: Any) -> list[dict[str, Any]]:
        synced = []
        for command in body:
            command_id = self.command_ids.setdefault(command["name"], str(next(self._ids)))
            synced.append(
                {
                    **command,
                    "id": command_id,
                    "application_id": str(APPLICATION_ID),
                    "version": "1",
                    "guild_id": str(GUILD_ID),
                }
            )
        return synced

    def _interaction_callback(self, body: dict[str, Any], _files: Any, interaction_id: str) -> Any:
        data = body.get("data") or {}
        callback: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": body["type"] == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            }
        }
        if body["type"] == 4:
            callback["resource"] = {"type": 4, "message": self.stored_message(data, CHANNEL_ID)}
        return callback

    def _message_from(self, body: dict[str, Any], files: dict[str, bytes], *ids: str) -> Any:
        return self.stored_message(body, int(ids[0]) if ids else CHANNEL_ID, files)

    def _edited_message(self, body: dict[str, Any], files: Any, cid: str, mid: str) -> Any:
        return {**self.stored_message(body, int(cid), files), "id": mid}

    def stored_message(
        self, body: Mapping[str, Any], channel_id: int, files: Mapping[str, bytes] = {}
    ) -> dict[str, Any]:
        """A message as Discord stores it, made from what the bot sent: what a click on one
        of its buttons refers to."""
        return {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "author": BOT_USER,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [
                {
                    "id": str(n),
                    "filename": name,
                    "size": len(content),
                    "url": f"{self.api_base}/files/{name}",
                    "proxy_url": "",
                }
                for n, (name, content) in enumerate(files.items())
            ],
            "flags": body.get("flags", 0),
            "type": 0,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
        }

    def _dm_channel(self, body: dict[str, Any], _files: Any) -> dict[str, Any]:
        recipient = body["recipient_id"]
        return {
            "id": str(900_000 + int(recipient)),
            "type": 1,
            "recipients": [user(int(recipient), f"user{recipient}")],
        }

    def _text_channel(self, channel_id: int) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(GUILD_ID),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }

    def _thread(self, body: dict[str, Any], _files: Any, parent_id: str) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "type": body.get("type", 12),
            "guild_id": str(GUILD_ID),
            "parent_id": parent_id,
            "owner_id": str(BOT_ID),
            "name": body["name"],
            "message_count": 0,
            "member_count": 1,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": TIMESTAMP,
                "locked": False,
                "invitable": body.get("invitable", True),
            },
        }

    # --- gateway -----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45_000}})
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            await self._gateway_record(payload)
            await self._answer_gateway(socket, payload)
        if self._socket is socket:
            self._live.clear()
        return socket

    async def _gateway_record(self, payload: dict[str, Any]) -> None:
        async with self._changed:
            self.gateway_received.append(payload)
            self._changed.notify_all()

    async def _answer_gateway(self, socket: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d") or {}
        if op == 1:
            await socket.send_json({"op": 11})
        elif op == 2:
            if data.get("token") != TOKEN:
                await socket.close(code=4004, message=b"Authentication failed.")
                return
            await self._send(
                socket,
                "READY",
                {
                    "v": 10,
                    "user": BOT_USER,
                    "session_id": self._session_id,
                    "resume_gateway_url": self.gateway_url,
                    "shard": data.get("shard", [0, 1]),
                    "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                    "application": {"id": str(APPLICATION_ID), "flags": 0},
                },
            )
            await self._send(socket, "GUILD_CREATE", self._guild())
            self._live.set()
        elif op == 6:
            if data.get("session_id") != self._session_id or data.get("token") != TOKEN:
                await socket.send_json({"op": 9, "d": False})
                return
            await self._send(socket, "RESUMED", {})
            self._live.set()

    def _guild(self) -> dict[str, Any]:
        return {
            "id": str(GUILD_ID),
            "name": "LARCH Hub",
            "unavailable": False,
            "owner_id": "1",
            "member_count": 3,
            "large": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                {
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": "0",
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [
                {**self._text_channel(channel_id), "name": name}
                for channel_id, name in (
                    (CHANNEL_ID, "general"),
                    (GROUPS_CHANNEL_ID, "groups"),
                    (EVENTS_CHANNEL_ID, "events"),
                )
            ],
            "members": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "joined_at": TIMESTAMP,
        }

    async def _send(self, socket: web.WebSocketResponse, event: str, data: Any) -> None:
        self._sequence += 1
        await socket.send_json({"op": 0, "t": event, "s": self._sequence, "d": data})

    async def dispatch(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send an event to the bot once it is connected (identified or resumed)."""
        await asyncio.wait_for(self._live.wait(), WAIT_SECONDS)
        assert self._socket is not None
        await self._send(self._socket, event, data)
        return data

    async def close_gateway(self, code: int) -> None:
        """Close the gateway connection as Discord does when it restarts a node."""
        assert self._socket is not None
        self._live.clear()
        await self._socket.close(code=code)

    async def drop_gateway(self) -> None:
        """Lose the connection with no close frame, as a network failure would."""
        assert self._socket is not None
        self._live.clear()
        transport = self._socket._req.transport  # type: ignore[union-attr]
        assert transport is not None
        transport.abort()

    # --- what Discord sends the bot ------------------------------------------------------

    def slash(
        self, command: str, by: dict[str, Any], /, guild: bool = True, **options: Any
    ) -> dict[str, Any]:
        """A slash command: `slash("admin grant", amara, person=kwame, role="curator")`;
        a user option's value is the user payload, a number an int, a flag a bool."""
        resolved: dict[str, Any] = {"users": {}}
        values = []
        for name, value in options.items():
            if isinstance(value, dict):
                resolved["users"][value["id"]] = value
                values.append({"type": 6, "name": name, "value": value["id"]})
            else:
                values.append({"type": _OPTION_TYPES[type(value)], "name": name, "value": value})
        data = {**self._invoked(command, values), "resolved": resolved}
        if guild:
            # Discord names the guild of a guild command in its data.
            data["guild_id"] = str(GUILD_ID)
        return self._interaction(2, data, by, guild)

    def autocomplete(self, command: str, by: dict[str, Any], /, **typed: str) -> dict[str, Any]:
        [(name, value)] = typed.items()
        focused = [{"type": 3, "name": name, "value": value, "focused": True}]
        data = {**self._invoked(command, focused), "guild_id": str(GUILD_ID)}
        return self._interaction(4, data, by, True)

    def _invoked(self, command: str, values: list[dict[str, Any]]) -> dict[str, Any]:
        """`remi lead add` as Discord nests it: a subcommand (type 1) inside a subcommand
        group (type 2) inside the top-level command."""
        top, *below = command.split()
        options = values
        for depth, word in reversed(list(enumerate(below))):
            kind = 1 if depth == len(below) - 1 else 2
            options = [{"type": kind, "name": word, "options": options}]
        return {"id": self.command_ids.get(top, "1"), "name": top, "type": 1, "options": options}

    def click(
        self, custom_id: str, person: dict[str, Any], message: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A button click on `message` (a message the bot sent, as the fake recorded it)."""
        on = message or self.stored_message({"components": []}, CHANNEL_ID)
        data = {"custom_id": custom_id, "component_type": 2}
        return {**self._interaction(3, data, person, True), "message": on}

    def pick(
        self, custom_id: str, value: str, person: dict[str, Any], message: dict[str, Any]
    ) -> dict[str, Any]:
        """A pick of `value` from a select menu on `message`."""
        data = {"custom_id": custom_id, "component_type": 3, "values": [value]}
        return {**self._interaction(3, data, person, True), "message": message}

    def submit(
        self, custom_id: str, person: dict[str, Any], values: Mapping[str, str | Sequence[str]]
    ) -> dict[str, Any]:
        """A modal submission; a list value is a select's picks."""
        components = [
            {"type": 18, "component": {"type": 3, "custom_id": name, "values": list(value)}}
            if not isinstance(value, str)
            else {"type": 18, "component": {"type": 4, "custom_id": name, "value": value}}
            for name, value in values.items()
        ]
        return self._interaction(
            5, {"custom_id": custom_id, "components": components}, person, True
        )

    def message(
        self,
        content: str,
        author: dict[str, Any],
        *,
        direct: bool = False,
        mentions: Sequence[dict[str, Any]] = (),
    ) -> dict[str, Any]:
        """A MESSAGE_CREATE payload: in the server channel, or a DM."""
        payload = {
            **self.stored_message({"content": content}, CHANNEL_ID),
            "author": author,
            "mentions": list(mentions),
        }
        if direct:
            payload["channel_id"] = str(900_000 + int(author["id"]))
        else:
            payload["guild_id"] = str(GUILD_ID)
            payload["member"] = {"roles": [], "joined_at": TIMESTAMP, "flags": 0}
        return payload

    def _interaction(
        self, kind: int, data: dict[str, Any], person: dict[str, Any], guild: bool
    ) -> dict[str, Any]:
        interaction_id = next(self._ids)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APPLICATION_ID),
            "type": kind,
            "token": f"token-{interaction_id}",
            "version": 1,
            "data": data,
            "locale": "en-GB",
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if guild:
            payload |= {
                "guild_id": str(GUILD_ID),
                "guild_locale": "en-GB",
                "channel_id": str(CHANNEL_ID),
                "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID)},
                "member": {
                    "user": person,
                    "roles": [],
                    "joined_at": TIMESTAMP,
                    "permissions": "0",
                    "flags": 0,
                    "deaf": False,
                    "mute": False,
                },
                "context": 0,
            }
        else:
            dm_channel = str(900_000 + int(person["id"]))
            payload |= {
                "channel_id": dm_channel,
                "channel": {"id": dm_channel, "type": 1},
                "user": person,
                "context": 1,
            }
        return payload


NO_CONTENT = object()

# --- what Discord refuses ---------------------------------------------------------------

_MESSAGE_PATHS = re.compile(r"/channels/\d+/messages(/\d+)?|/webhooks/\d+/[^/]+(/messages/[^/]+)?")
_CALLBACK_PATH = re.compile(r"/interactions/\d+/[^/]+/callback")


def refused(method: str, path: str, body: Any) -> list[str]:
    """Why Discord would refuse this request's message or modal; empty when it would not."""
    if not isinstance(body, dict) or method not in ("POST", "PATCH"):
        return []
    if _MESSAGE_PATHS.fullmatch(path):
        return message_problems(body)
    if _CALLBACK_PATH.fullmatch(path):
        data = body.get("data") or {}
        return modal_problems(data) if body.get("type") == 9 else message_problems(data)
    return []


def message_problems(message: Mapping[str, Any]) -> list[str]:
    embeds = message.get("embeds") or []
    problems = [f"{len(embeds)} embeds: 10 at most"] if len(embeds) > 10 else []
    for embed in embeds:
        problems += _too_long(embed, "title", 256) + _too_long(embed, "description", 4096)
    total = sum(len(e.get("title") or "") + len(e.get("description") or "") for e in embeds)
    if total > 6000:
        problems.append(f"the embeds hold {total} characters: 6000 at most")
    rows = message.get("components") or []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows: 5 at most")
    custom_ids: list[str] = []
    for row in rows:
        buttons = row.get("components") or []
        if not 1 <= len(buttons) <= 5:
            problems.append(f"an action row holds {len(buttons)} components: 1 to 5")
        for button in buttons:
            problems += _too_long(button, "label", 80) + _too_long(button, "custom_id", 100)
            if button.get("type") == 3:
                problems += _select_problems(button)
                if len(buttons) > 1:
                    problems.append("a select shares its action row")
            if ("url" in button) == ("custom_id" in button):
                problems.append(f"button {button.get('label')!r}: a custom id or a url, not both")
            custom_ids += [button["custom_id"]] if "custom_id" in button else []
    if len(set(custom_ids)) < len(custom_ids):
        problems.append("a custom id is used twice in one message")
    return problems


def modal_problems(modal: Mapping[str, Any]) -> list[str]:
    inputs = modal.get("components") or []
    problems = _too_long(modal, "title", 45) + _too_long(modal, "custom_id", 100)
    if not 1 <= len(inputs) <= 5:
        problems.append(f"a modal holds {len(inputs)} components: 1 to 5")
    for label in inputs:
        problems += _too_long(label, "label", 45)
        field = label.get("component") or {}
        if field.get("type") == 4:
            limit = field.get("max_length", 4000)
            problems += _too_long(field, "placeholder", 100) + _too_long(field, "value", limit)
            if limit > 4000:
                problems.append(f"input {field.get('custom_id')}: max_length {limit} > 4000")
        elif field.get("type") == 3:
            problems += _select_problems(field)
            defaults = [o for o in field.get("options") or [] if o.get("default")]
            if len(defaults) > field.get("max_values", 1):
                problems.append(f"select {field.get('custom_id')}: more defaults than picks")
    return problems


def _select_problems(select: Mapping[str, Any]) -> list[str]:
    options = select.get("options") or []
    problems = _too_long(select, "placeholder", 150)
    if not 1 <= len(options) <= 25:
        problems.append(f"select {select.get('custom_id')}: {len(options)} options")
    for option in options:
        problems += _too_long(option, "label", 100) + _too_long(option, "value", 100)
    return problems


def _too_long(part: Mapping[str, Any], key: str, limit: int) -> list[str]:
    value = part.get(key) or ""
    return [f"{key} of {len(value)} characters: {limit} at most"] if len(value) > limit else []


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    # Exactly "application/json", no charset: discord.py reads nothing else as JSON.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


async def _read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        files = {
            part.filename: part.file.read()
            for name, part in form.items()
            if name.startswith("files[") and hasattr(part, "file")
        }
        return json.loads(str(form.get("payload_json", "{}"))), files
    if not request.can_read_body:
        return None, {}
    return await request.json(), {}
