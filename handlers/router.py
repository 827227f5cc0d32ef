"""From a `Command` or an `Action` to the replies, with the rules every feature shares:
bots are ignored, oversized or empty input is answered kindly, roles are checked and typed
arguments read before a handler runs (a wrong one is answered with the command's usage),
and a handler that fails becomes an apology, never a stack trace in chat.

This is also where text from every platform enters: it is made storable here, and what a
member types as free text (a question, a form, a command's words) has its mentions taken
out, so that handlers keep and show only what cannot notify anyone (see `said`)."""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from contract.params import ArgumentError, Person, ReadContext, read_options, read_text
from contract.specs import VALUE_SEPARATOR, ActionSpec, CommandSpec, Handler, Registry, Request
from contract.vocabulary import (
    Action,
    Actor,
    Command,
    MemberProfile,
    Place,
    Reply,
    Role,
    said,
    storable,
)
from handlers.services import Services
from storage import members

log = logging.getLogger(__name__)

# Longer than any question a person types; a pasted document gets a kind refusal instead of
# a slow fuzzy search over 40 kB of text.
MAX_MESSAGE_CHARS = 2000

ROLE_NAMES = {
    Role.MEMBER: "member",
    Role.ORGANISER: "organiser",
    Role.CURATOR: "curator",
    Role.STEERING: "steering group",
    Role.EQUALITY_LEAD: "equality lead",
    Role.ADMIN: "admin",
}

EMPTY_REPLY = Reply(
    "Hello! Ask me about a term (`define structural racism`), look for a resource "
    "(`find co-production toolkit`), or type `help` to see everything I can do.",
    private=True,
)

TOO_LONG_REPLY = Reply(
    f"That message is longer than I can read ({MAX_MESSAGE_CHARS:,} characters at most). "
    "Could you ask in a sentence or two? Type `help` to see what I can do.",
    private=True,
)

STALE_ACTION_REPLY = Reply(
    "That button no longer does anything: it may belong to an older message. "
    "Type `help` to see what I can do now.",
    private=True,
)

# Reads a request's typed arguments, given what they are relative to (now, the zone).
ReadValues = Callable[[ReadContext], dict[str, Any]]


class Router:
    def __init__(self, registry: Registry[Services], services: Services) -> None:
        self.registry = registry
        self.services = services

    async def handle_command(self, command: Command) -> list[Reply]:
        if command.actor.is_bot:
            return []
        command = _entered_command(command)
        text = command.text.strip()
        if not text:
            return [EMPTY_REPLY]
        if len(text) > MAX_MESSAGE_CHARS or _too_long(command.options or {}):
            return [TOO_LONG_REPLY]
        matched = self.registry.match(text)
        if matched is None:
            group = self._group_of(text)
            if group:
                return [_unknown_in_group(text, group)]
            return await self._run(
                self.registry.question,
                "question",
                Role.MEMBER,
                command.actor,
                command.place,
                said(text),
            )
        spec, args = matched
        options = command.options
        if options is not None:
            args = " ".join(value for value in options.values() if value)
        if not any(isinstance(param, Person) for param in spec.params):
            args = said(args)

        def read(context: ReadContext) -> dict[str, Any]:
            if options is not None:
                return read_options(spec.params, options, context)
            return read_text(spec.params, args, context)

        return await self._run(
            spec.handler,
            spec.name,
            spec.role,
            command.actor,
            command.place,
            args,
            read=read,
            misread=lambda problem: usage_reply(spec, problem, self._related(spec)),
        )

    def refusal(self, actor: Actor, role: Role, name: str) -> Reply | None:
        """What `actor` is told when asking for `name`, which needs `role`; None when they
        may. The one role check, for adapters that show pages as well as answer requests."""
        with self.services.db.session() as session:
            member = members.find(session, actor.platform, actor.user_id)
            if member is not None and member.has_role(role):
                return None
            return _refusal(name, role, members.holders_of(session, Role.ADMIN))

    def _group_of(self, text: str) -> list[CommandSpec[Services]]:
        """The commands named by the first two words typed (`remi lead …`), when they only
        begin command names: a word after them that is no command is a slip, not a question."""
        first_two = " ".join(text.lower().split()[:2])
        return [c for c in self.registry.commands if c.name.startswith(first_two + " ")]

    def _related(self, spec: CommandSpec[Services]) -> list[CommandSpec[Services]]:
        """Commands under this one (`intros join` for `intros`), for a member who typed a
        word the command does not take: likely one of these, misspelt."""
        if spec.params:
            return []
        return [c for c in self.registry.commands if c.name.startswith(spec.name + " ")]

    async def handle_action(self, action: Action) -> list[Reply]:
        if action.actor.is_bot:
            return []
        action = _entered_action(action)
        spec = self.registry.action(action.action_id)
        if spec is None:
            log.info("unknown action %r", action.action_id)
            return [STALE_ACTION_REPLY]
        if len(action.value) > MAX_MESSAGE_CHARS or _too_long(action.fields, 10):
            return [TOO_LONG_REPLY]
        return await self._run(
            spec.handler,
            spec.action_id,
            spec.role,
            action.actor,
            action.place,
            action.value,
            action.fields,
            read=lambda context: _button_values(spec, action.value, context),
            misread=lambda problem: spec.forged or STALE_ACTION_REPLY,
        )

    async def _run(
        self,
        handler: Handler[Services],
        name: str,
        role: Role,
        actor: Actor,
        place: Place,
        args: str,
        fields: Mapping[str, str] | None = None,
        *,
        read: ReadValues | None = None,
        misread: Callable[[str], Reply] | None = None,
    ) -> list[Reply]:
        try:
            for keep_current in self.registry.before_each:
                keep_current(self.services)
            with self.services.db.session() as session:
                member = members.identify(
                    session,
                    actor.platform,
                    actor.user_id,
                    actor.display_name,
                    self.services.clock.now(),
                    speaking=True,
                )
                if not member.has_role(role):
                    admins = members.holders_of(session, Role.ADMIN)
                    return [_refusal(name, role, admins)]
            values: dict[str, Any] = {}
            if read is not None:
                context = ReadContext(self.services.clock.now(), self.services.timezone)
                try:
                    values = read(context)
                except ArgumentError as problem:
                    assert misread is not None
                    return [misread(str(problem))]
            request = Request(
                actor=actor,
                member=member,
                name=name,
                args=args.strip(),
                fields=dict(fields or {}),
                place=place,
                values=values,
            )
            replies = await handler(request, self.services)
        except Exception:
            log.exception("handler %s failed for %s", name, actor.key)
            return [_apology(name)]
        return [replies] if isinstance(replies, Reply) else list(replies)


def usage_reply(
    spec: CommandSpec[Any], problem: str, related: Sequence[CommandSpec[Any]] = ()
) -> Reply:
    """What a member sees when a command's arguments don't read: what was wrong, then how
    the command is typed (and the commands under it, when it has some)."""
    said = problem[0].upper() + problem[1:]
    if not said.endswith((".", "?", "!")):
        said += "."
    lines = [said, f"Usage: `{spec.usage}`"]
    lines += [f"For example: `{example}`" for example in spec.examples[:1]]
    if related:
        lines.append("Or one of: " + ", ".join(f"`{c.usage}`" for c in related))
    return Reply("\n".join(lines), private=True)


def _unknown_in_group(text: str, group: Sequence[CommandSpec[Any]]) -> Reply:
    typed = " ".join(text.split()[:3])
    usages = ", ".join(f"`{spec.usage}`" for spec in group)
    return Reply(f"I don't know `{typed[:60]}`. Did you mean one of: {usages}?", private=True)


def _button_values(spec: ActionSpec[Any], value: str, context: ReadContext) -> dict[str, Any]:
    if not spec.params:
        return {}
    parts = value.split(VALUE_SEPARATOR, len(spec.params) - 1)
    if len(parts) != len(spec.params):
        raise ArgumentError(f"a button value of {len(parts)} parts for {len(spec.params)}")
    # An optional argument left empty ("10:" for a listing with no tag) is not given.
    return {
        param.name: param.read(part, context)
        for param, part in zip(spec.params, parts, strict=True)
        if part or param.required
    }


def _entered_command(command: Command) -> Command:
    options = command.options
    return replace(
        command,
        actor=_entered_actor(command.actor),
        text=storable(command.text),
        options=None if options is None else {k: storable(v) for k, v in options.items()},
    )


def _entered_action(action: Action) -> Action:
    """Every form field is free text (a person is named by a command, never in a form)."""
    return replace(
        action,
        actor=_entered_actor(action.actor),
        value=storable(action.value),
        fields={name: said(storable(value)) for name, value in action.fields.items()},
    )


def _entered_actor(actor: Actor) -> Actor:
    """A display name is typed by its member too (on Slack, it could read `<@slack:U…>`)."""
    return replace(actor, display_name=said(storable(actor.display_name)))


def _too_long(values: Mapping[str, str], times: int = 1) -> bool:
    return any(len(value) > times * MAX_MESSAGE_CHARS for value in values.values())


def _refusal(name: str, role: Role, admins: Sequence[MemberProfile]) -> Reply:
    ask = "Ask one of the hub's admins"
    if admins:
        ask += " (" + ", ".join(a.display_name for a in admins) + ")"
    return Reply(
        f"Sorry, `{name}` needs the {ROLE_NAMES[role]} role, which you don't have. "
        f"{ask} if you need it.",
        private=True,
    )


def _apology(name: str) -> Reply:
    return Reply(
        f"Sorry, something went wrong on my side while doing `{name}`. The problem has been "
        "logged for the admins; please try again in a minute.",
        private=True,
    )
