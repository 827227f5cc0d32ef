"""The one list of what the bot can do. Every adapter reads it: the console's prompt, Slack's
`/larch` sub-commands, Discord's slash commands and `help` are all generated from here.
A feature is added by writing its handler module and naming its specs below."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from handlers.services import Services
from handlers.vocabulary import Actor, Place, Reply, Role
from scheduler.dispatcher import JobSpec, Planner
from storage.members import MemberProfile


@dataclass(frozen=True)
class Request:
    """A command or action, with the member behind it already looked up.

    For a command `args` is the text after the command's name; for a button it is the
    button's value; for a form, `fields` holds what was submitted.
    """

    actor: Actor
    member: MemberProfile
    name: str
    args: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    place: Place = field(default_factory=Place)


Handler = Callable[[Request, Services], Awaitable[Reply | Sequence[Reply]]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str
    usage: str
    handler: Handler
    role: Role = Role.MEMBER
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    action_id: str
    handler: Handler
    role: Role = Role.MEMBER


class Registry:
    def __init__(
        self,
        commands: Sequence[CommandSpec],
        actions: Sequence[ActionSpec],
        question: Handler,
        jobs: Sequence[JobSpec] = (),
        planners: Sequence[Planner] = (),
    ) -> None:
        self.commands = tuple(commands)
        self.question = question
        self.jobs = tuple(jobs)
        self.planners = tuple(planners)
        self._by_name = {spec.name: spec for spec in self.commands}
        self._actions = {spec.action_id: spec for spec in actions}
        if len(self._by_name) != len(self.commands):
            raise ValueError("two commands share a name")
        if len(self._actions) != len(actions):
            raise ValueError("two actions share an id")

    def match(self, text: str) -> tuple[CommandSpec, str] | None:
        """The command a line of text starts with (longest name first), and its arguments."""
        words = text.split(maxsplit=2)
        for size in (2, 1):
            if len(words) < size:
                continue
            spec = self._by_name.get(" ".join(words[:size]).lower())
            if spec is not None:
                rest = text.split(maxsplit=size)
                return spec, rest[size] if len(rest) > size else ""
        return None

    def command(self, name: str) -> CommandSpec | None:
        return self._by_name.get(name.lower())

    def action(self, action_id: str) -> ActionSpec | None:
        return self._actions.get(action_id)


def build_registry() -> Registry:
    from handlers import (
        admin,
        events,
        intros,
        kb,
        linking,
        lookup,
        privacy,
        remi,
        remi_stages,
        steering,
    )
    from handlers import help as help_command

    features = [events, intros, kb, remi, steering]
    commands = [
        *lookup.COMMANDS,
        *remi_stages.COMMANDS,
        *(spec for feature in features for spec in feature.COMMANDS),
        *privacy.COMMANDS,
        *admin.COMMANDS,
        *linking.COMMANDS,
    ]
    commands.append(help_command.command_for(commands))
    actions = [
        *lookup.ACTIONS,
        *privacy.ACTIONS,
        *(spec for feature in features for spec in feature.ACTIONS),
    ]
    return Registry(
        commands,
        actions,
        question=lookup.answer_question,
        jobs=[spec for feature in features for spec in feature.JOBS],
        planners=[plan for feature in features for plan in feature.PLANNERS],
    )
