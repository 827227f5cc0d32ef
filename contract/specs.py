"""What a feature declares, and the registry that holds every declaration.

A feature is a handler module (or folder) that exports one `Feature`: its commands with
their typed arguments, its buttons and forms, the scheduled work it sends, and what it
adds to the adapters (an App Home section, a command-line export, a web download). The
registry's assembly (`handlers/registry.py`) is the one place that lists every feature;
adapters, the router and the scheduler read the registry, never a feature module.

Handlers are given the request and the services; the services' type is a parameter here
(`S`), so this module, on the ground floor, needs no import of the layers that build them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from contract.params import Param, usage_of
from contract.vocabulary import Action, Actor, Command, Form, MemberProfile, Place, Reply, Role

S = TypeVar("S")
T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """A command or action, with the member behind it already looked up.

    For a command, `values` holds its typed arguments by name (read them with `value`) and
    `args` the text as typed; for a button, `values` holds what its declared parameters
    read from the button's value and `args` the raw value; for a form, `fields` holds what
    was submitted.
    """

    actor: Actor
    member: MemberProfile
    name: str
    args: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    place: Place = field(default_factory=Place)
    values: Mapping[str, Any] = field(default_factory=dict)

    def value(self, param: Param[T]) -> T:
        """A required argument: the router has already refused the request without it."""
        return self.values[param.name]  # type: ignore[no-any-return]

    def optional(self, param: Param[T]) -> T | None:
        return self.values.get(param.name)


Handler = Callable[[Request, S], Awaitable[Reply | Sequence[Reply]]]


@dataclass(frozen=True)
class CommandSpec(Generic[S]):
    """A command members type (`agenda move 3 1`) or pick from Discord's slash menu.
    Its usage line and help come from `params`, in the order they are typed."""

    name: str
    summary: str
    handler: Handler[S]
    params: tuple[Param[Any], ...] = ()
    role: Role = Role.MEMBER
    examples: tuple[str, ...] = ()
    # Its answer asks for a form to be opened at once (see `ActionSpec.opens_form`).
    opens_form: bool = False

    @property
    def usage(self) -> str:
        arguments = usage_of(self.params)
        return f"{self.name} {arguments}" if arguments else self.name

    @property
    def needs_arguments(self) -> bool:
        return any(param.required for param in self.params)


# Between the parts of a button's value (`3:yes`); parts are read by the action's params.
VALUE_SEPARATOR = ":"


@dataclass(frozen=True)
class ActionSpec(Generic[S]):
    """A button or a form submission. A button's value comes back from the platform
    untrusted: when `params` are declared, its `:`-separated parts are read by them before
    the handler runs, and a value that does not read gets `forged`, changing nothing."""

    action_id: str
    handler: Handler[S]
    role: Role = Role.MEMBER
    params: tuple[Param[Any], ...] = ()
    # What a click gets when its value does not read; the router's "stale button" when None.
    forged: Reply | None = None
    # Its answer asks for a form to be opened at once. A platform that allows only a moment
    # for that (a Slack trigger lasts 3 seconds) answers it where the request arrives,
    # ahead of the queue other requests wait in.
    opens_form: bool = False


@dataclass(frozen=True)
class DueJob:
    """One piece of due work as its sender is handed it (see `storage/due.py`)."""

    id: int
    key: str
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    attempts: int


# Scheduled work (see `scheduler/dispatcher.py`). A job handler sends one due row's message
# and returns a line saying what it sent, or None when the work turned out to be moot.
JobHandler = Callable[[DueJob, S], Awaitable[str | None]]
# A planner turns a cadence ("every other Monday at 10:00") into due rows, as of an instant.
Planner = Callable[[S, datetime], Awaitable[None]]


@dataclass(frozen=True)
class JobSpec(Generic[S]):
    kind: str
    handler: JobHandler[S]


# Something a feature shows on a member's home screen (Slack's App Home), built when shown.
HomeSection = Callable[[S, MemberProfile], Reply | None]


@dataclass(frozen=True)
class ExportSpec(Generic[S]):
    """An operator's export: `larch-bot <group> <name> --<param> …`. `run` returns the lines
    to print; it raises `ExportFailed` when the result needs the operator's attention."""

    group: str
    name: str
    summary: str
    run: Callable[[S, Mapping[str, Any]], Sequence[str]]
    params: tuple[Param[Any], ...] = ()


class ExportFailed(Exception):
    """An export ran but left something to fix; the message says what."""


@dataclass(frozen=True)
class WebResource(Generic[S]):
    """A document served over HTTP (a calendar feed). `path` is an aiohttp route pattern;
    `produce` gets its match and returns the body, or None for a plain 404."""

    path: str
    media_type: str
    produce: Callable[[S, Mapping[str, str]], bytes | None]
    cache_control: str = "no-store"


@dataclass(frozen=True)
class WebFormAnswer:
    """What a web form's sender is shown: `thanks` when it was taken, else the `problem`
    and the form `field` it is about (None for the form as a whole)."""

    thanks: str | None = None
    problem: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class WebForm(Generic[S]):
    """A form anyone may send from the web pages, signed in or not (a suggested resource).
    The web server shows `form` at `/<name>`, guards it (a CSRF token, a honeypot, a rate
    limit per client) and hands what was sent to `receive`, with the signed-in member or
    None for a visitor."""

    name: str
    heading: str
    introduction: str
    form: Form
    receive: Callable[[S, Mapping[str, str], MemberProfile | None], Awaitable[WebFormAnswer]]


@dataclass(frozen=True)
class Feature(Generic[S]):
    """Everything one feature adds to the bot."""

    commands: Sequence[CommandSpec[S]] = ()
    actions: Sequence[ActionSpec[S]] = ()
    jobs: Sequence[JobSpec[S]] = ()
    planners: Sequence[Planner[S]] = ()
    home_sections: Sequence[HomeSection[S]] = ()
    exports: Sequence[ExportSpec[S]] = ()
    web_resources: Sequence[WebResource[S]] = ()
    web_forms: Sequence[WebForm[S]] = ()
    # Run once as a process starts, before it answers anyone.
    on_start: Sequence[Callable[[S], object]] = ()
    # Run before every request and every job: cheap checks that keep a process in step
    # with what other processes changed.
    before_each: Sequence[Callable[[S], object]] = ()
    # Run when a member has asked to be forgotten, before their rows go: what the feature
    # owes others on their behalf (a seat handed to the waitlist), given the member's id.
    on_forget: Sequence[Callable[[S, int], Awaitable[object]]] = ()


# The longest command name, in words (`remi lead add`).
MAX_NAME_WORDS = 3


class Registry(Generic[S]):
    """Every feature's declarations, merged; commands matched by their leading words."""

    def __init__(self, features: Iterable[Feature[S]], question: Handler[S]) -> None:
        merged = list(features)
        self.features = tuple(merged)
        self.commands = tuple(c for f in merged for c in f.commands)
        self.actions = tuple(a for f in merged for a in f.actions)
        self.jobs = tuple(j for f in merged for j in f.jobs)
        self.planners = tuple(p for f in merged for p in f.planners)
        self.home_sections = tuple(h for f in merged for h in f.home_sections)
        self.exports = tuple(e for f in merged for e in f.exports)
        self.web_resources = tuple(w for f in merged for w in f.web_resources)
        self.web_forms = tuple(w for f in merged for w in f.web_forms)
        self.on_start = tuple(s for f in merged for s in f.on_start)
        self.before_each = tuple(b for f in merged for b in f.before_each)
        self.question = question
        self._by_name = {spec.name: spec for spec in self.commands}
        self._actions = {spec.action_id: spec for spec in self.actions}
        _unique("command", [spec.name for spec in self.commands])
        _unique("action", [spec.action_id for spec in self.actions])
        _unique("job kind", [spec.kind for spec in self.jobs])
        _unique("export", [f"{spec.group} {spec.name}" for spec in self.exports])
        _unique("web form", [spec.name for spec in self.web_forms])
        too_long = [s.name for s in self.commands if len(s.name.split()) > MAX_NAME_WORDS]
        if too_long:
            raise ValueError(f"command names of more than {MAX_NAME_WORDS} words: {too_long}")

    def match(self, text: str) -> tuple[CommandSpec[S], str] | None:
        """The command a line of text starts with (longest name first), and the rest."""
        words = text.split(maxsplit=MAX_NAME_WORDS)
        for size in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
            spec = self._by_name.get(" ".join(words[:size]).lower())
            if spec is not None:
                rest = text.split(maxsplit=size)
                return spec, rest[size] if len(rest) > size else ""
        return None

    def command(self, name: str) -> CommandSpec[S] | None:
        return self._by_name.get(" ".join(name.lower().split()))

    def action(self, action_id: str) -> ActionSpec[S] | None:
        return self._actions.get(action_id)

    def opens_form(self, request: Command | Action) -> bool:
        """Whether the request is for a command or button declared to answer with a form."""
        spec: CommandSpec[S] | ActionSpec[S] | None
        if isinstance(request, Action):
            spec = self.action(request.action_id)
        else:
            matched = self.match(request.text.strip())
            spec = matched[0] if matched else None
        return spec is not None and spec.opens_form


def _unique(what: str, names: Sequence[str]) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"two of each {what}: {', '.join(repeated)}")
