"""Slash commands, generated from the registry's declarations: `/define term`,
`/remi lead add person organisation`, `/agenda move item position` …

A command's words become Discord's nesting: one word is a top-level command, two a
subcommand of a group, three a subcommand of a subgroup (`/remi lead add`). A command whose
name is also a group (`remi lead` beside `remi lead add`) becomes that group's `show`
subcommand, because Discord cannot run a group itself.

Each declared parameter becomes a typed option: a number an INTEGER with its limits, a
member a USER picker, a choice of words Discord's fixed choices, a flag a BOOLEAN, the rest
text with its length limit, and a parameter with a completion source autocompletes from it.
Required options come first, as Discord wants. What is picked goes to the router as the
command's options, read by the same declarations as typed text.

A top-level command whose every subcommand needs one staff role carries that role's
default member permission (`STAFF_PERMISSIONS`), so Discord offers it only to members who
have the permission, or whose roles a server admin allowed in Server Settings →
Integrations. The bot still checks its own roles: the permission only hides the command.
"""

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Optional

import discord
from discord import app_commands

from bot.discord.translate import cut
from contract.params import Choice, Flag, Number, OptionKind, Param, Text, Word
from contract.specs import CommandSpec, Registry
from contract.vocabulary import Platform, Role, mention

DESCRIPTION_LIMIT = 100
CHOICES_LIMIT = 25
CHOICE_LIMIT = 100
STRING_OPTION_LIMIT = 6000
SHOW = "show"

# The Discord permission closest to each staff role, held by the people who would do that
# work on a Discord server anyway: the server's managers run the hub (admin), the people
# who schedule server events post ours (organiser), moderators keep content true
# (curator). Steering members and equality leads have no such permission: their commands
# stay visible, and the bot's own role check answers anyone else.
STAFF_PERMISSIONS = {
    Role.ADMIN: discord.Permissions(manage_guild=True),
    Role.ORGANISER: discord.Permissions(manage_events=True),
    Role.CURATOR: discord.Permissions(manage_messages=True),
}

# A slash command's options, by parameter name, as the text the router reads.
RunOptions = Callable[[discord.Interaction, CommandSpec[Any], dict[str, str]], Awaitable[None]]
# A parameter's completion source, given what is typed so far (run off the event loop).
Suggest = Callable[[Param[Any], str], Awaitable[Sequence[str]]]


@dataclass(frozen=True)
class SlashCommand:
    spec: CommandSpec[Any]
    # ("define",), ("remi", "status"), ("remi", "lead", "add"), ("remi", "lead", "show")
    path: tuple[str, ...]

    @property
    def options(self) -> tuple[Param[Any], ...]:
        """The parameters in the order Discord shows them: required ones first."""
        params = self.spec.params
        return (*[p for p in params if p.required], *[p for p in params if not p.required])


def plan(registry: Registry[Any]) -> list[SlashCommand]:
    """Where each registry command sits in Discord's tree."""
    names = [tuple(spec.name.split()) for spec in registry.commands]
    groups = {words[:size] for words in names for size in range(1, len(words))}
    return [
        SlashCommand(spec, (*words, SHOW) if words in groups else words)
        for spec, words in zip(registry.commands, names, strict=True)
    ]


def add_to_tree(
    tree: app_commands.CommandTree[Any],
    registry: Registry[Any],
    run: RunOptions,
    suggest: Suggest,
    guild: discord.abc.Snowflake | None,
) -> None:
    """Add every registry command to `tree` (for `guild`, or everywhere when None)."""
    planned = plan(registry)
    groups: dict[tuple[str, ...], app_commands.Group] = {}
    for slash in planned:
        parent = None
        for size in range(1, len(slash.path)):
            where = slash.path[:size]
            if where not in groups:
                # A subgroup adds itself to the parent it is given.
                groups[where] = app_commands.Group(
                    name=where[-1],
                    description=_group_description(where, planned),
                    parent=parent,
                    default_permissions=_default_permissions(where, planned)
                    if parent is None
                    else None,
                )
                if parent is None:
                    tree.add_command(groups[where], guild=guild)
            parent = groups[where]
        command = app_commands.Command(
            name=slash.path[-1],
            description=_cut(slash.spec.summary),
            callback=_callback(slash, run),
            parent=parent,
        )
        for position, param in enumerate(slash.options):
            source = _completion(param, suggest)
            if source is not None:
                command.autocomplete(_python_name(position))(source)
        if parent is None:
            command.default_permissions = _default_permissions(slash.path, planned)
            tree.add_command(command, guild=guild)
        else:
            parent.add_command(command)


def _default_permissions(
    top: tuple[str, ...], planned: Sequence[SlashCommand]
) -> discord.Permissions | None:
    """The permission that hides the top-level command `top`, when everything in it needs
    the same staff role; None (shown to everyone) when any of it is for others."""
    roles = {s.spec.role for s in planned if s.path[: len(top)] == top}
    return STAFF_PERMISSIONS.get(roles.pop()) if len(roles) == 1 else None


def typed_value(param: Param[Any], value: Any) -> str:
    """An option's value as the text the parameter reads: a user as a neutral mention."""
    if param.option_kind == OptionKind.PERSON:
        return mention(Platform.DISCORD, str(value.id))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _callback(slash: SlashCommand, run: RunOptions) -> Callable[..., Awaitable[None]]:
    options = slash.options

    async def invoke(interaction: discord.Interaction, **values: Any) -> None:
        picked = {
            param.name: typed_value(param, values[_python_name(n)])
            for n, param in enumerate(options)
            if values.get(_python_name(n)) is not None
        }
        await run(interaction, slash.spec, picked)

    # discord.py reads a command's options from its callback's signature; these commands
    # are only known at run time, so the signature is built from the declarations. The
    # Python names are positional (`p0`, `p1`) and renamed to the parameters' own names,
    # which need not be Python identifiers.
    signature = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for n, param in enumerate(options):
        kind = _annotation(param)
        signature.append(
            inspect.Parameter(
                _python_name(n),
                inspect.Parameter.KEYWORD_ONLY,
                annotation=kind if param.required else Optional[kind],  # noqa: UP045
                default=inspect.Parameter.empty if param.required else None,
            )
        )
    invoke.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    named = app_commands.rename(**{_python_name(n): p.name for n, p in enumerate(options)})
    described = app_commands.describe(
        **{_python_name(n): _cut(p.description) for n, p in enumerate(options)}
    )
    fixed = {
        _python_name(n): [app_commands.Choice(name=c, value=c) for c in p.choices]
        for n, p in enumerate(options)
        if isinstance(p, Choice) and len(p.choices) <= CHOICES_LIMIT
    }
    return app_commands.choices(**fixed)(described(named(invoke)))


def _annotation(param: Param[Any]) -> Any:
    if isinstance(param, Number):
        return app_commands.Range[int, param.minimum, param.maximum]
    if param.option_kind == OptionKind.PERSON:
        return discord.User
    if isinstance(param, Flag):
        return bool
    if isinstance(param, Text | Word):
        return app_commands.Range[str, 1, min(param.max_length, STRING_OPTION_LIMIT)]
    return str


def _completion(
    param: Param[Any], suggest: Suggest
) -> Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]] | None:
    many_choices = isinstance(param, Choice) and len(param.choices) > CHOICES_LIMIT
    if param.complete is None and not many_choices:
        return None

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if isinstance(param, Choice):
            wanted = current.strip().casefold()
            found: Sequence[str] = [c for c in param.choices if wanted in c]
        else:
            found = await suggest(param, current)
        # A value longer than Discord allows could not be picked whole: leave it out.
        usable = [value for value in found if len(value) <= CHOICE_LIMIT]
        return [app_commands.Choice(name=v, value=v) for v in usable[:CHOICES_LIMIT]]

    return complete


def _python_name(position: int) -> str:
    return f"p{position}"


def _group_description(where: tuple[str, ...], planned: Sequence[SlashCommand]) -> str:
    inside = [s for s in planned if s.path[: len(where)] == where]
    if len(inside) == 1:
        return _cut(inside[0].spec.summary)
    below = dict.fromkeys(s.path[len(where)] for s in inside)
    return _cut(f"{' '.join(where).title()}: {', '.join(below)}")


def _cut(text: str) -> str:
    return cut(text, DESCRIPTION_LIMIT)
