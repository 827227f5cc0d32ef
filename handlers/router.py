"""From a `Command` or an `Action` to the replies, with the rules every feature shares:
bots are ignored, oversized or empty input is answered kindly, roles are checked before a
handler runs, and a handler that fails becomes an apology, never a stack trace in chat."""

import logging
from collections.abc import Sequence

from handlers.registry import Handler, Registry, Request
from handlers.services import Services
from handlers.vocabulary import Action, Actor, Command, Place, Reply, Role
from storage import members
from storage.members import MemberProfile

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


class Router:
    def __init__(self, registry: Registry, services: Services) -> None:
        self.registry = registry
        self.services = services

    async def handle_command(self, command: Command) -> list[Reply]:
        if command.actor.is_bot:
            return []
        text = command.text.strip()
        if not text:
            return [EMPTY_REPLY]
        if len(text) > MAX_MESSAGE_CHARS:
            return [TOO_LONG_REPLY]
        matched = self.registry.match(text)
        if matched is None:
            return await self._run(
                self.registry.question, "question", Role.MEMBER, command.actor, command.place, text
            )
        spec, args = matched
        return await self._run(
            spec.handler, spec.name, spec.role, command.actor, command.place, args
        )

    async def handle_action(self, action: Action) -> list[Reply]:
        if action.actor.is_bot:
            return []
        spec = self.registry.action(action.action_id)
        if spec is None:
            log.info("unknown action %r", action.action_id)
            return [STALE_ACTION_REPLY]
        if len(action.value) > MAX_MESSAGE_CHARS or any(
            len(value) > 10 * MAX_MESSAGE_CHARS for value in action.fields.values()
        ):
            return [TOO_LONG_REPLY]
        return await self._run(
            spec.handler,
            spec.action_id,
            spec.role,
            action.actor,
            action.place,
            action.value,
            action.fields,
        )

    async def _run(
        self,
        handler: Handler,
        name: str,
        role: Role,
        actor: Actor,
        place: Place,
        args: str,
        fields: dict[str, str] | None = None,
    ) -> list[Reply]:
        try:
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
            request = Request(
                actor=actor,
                member=member,
                name=name,
                args=args.strip(),
                fields=fields or {},
                place=place,
            )
            replies = await handler(request, self.services)
        except Exception:
            log.exception("handler %s failed for %s", name, actor.key)
            return [_apology(name)]
        return [replies] if isinstance(replies, Reply) else list(replies)


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
