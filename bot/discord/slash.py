"""Slash commands, generated from the registry: `/define term`, `/remi stages`,
`/admin grant person role` …

A one-word command is a top-level slash command; a two-word one is a subcommand of a group
named by its first word. Should a one-word command share its name with a group, it becomes
that group's `show` subcommand. The options come from the usage text: each `@person` is a
user picker, each bare choice of words (`add|remove`) a required pick among them, and the
rest (`<term>`, `[kind or tag] <words>`) is one text option named after its last part,
required when any part is in angle brackets. Descriptions are the commands' summaries.
Whatever is picked is put back together as the text the command would have been typed as,
and goes through the router like any other message.
"""

import inspect
import keyword
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Optional

import discord
from discord import app_commands

from bot.discord.translate import cut
from handlers.registry import CommandSpec, Registry
from handlers.vocabulary import Platform, mention
from knowledge.search import SearchIndex

DESCRIPTION_LIMIT = 100
CHOICES_LIMIT = 25
OPTION_NAME_LIMIT = 32
SHOW = "show"

RunText = Callable[[discord.Interaction, str], Awaitable[None]]
Complete = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


@dataclass(frozen=True)
class Option:
    name: str
    hint: str
    is_user: bool
    required: bool
    # A pick among these words (`add|remove`), when set.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlashCommand:
    spec: CommandSpec
    group: str | None
    name: str
    # In usage order; the typed text is rebuilt in the same order.
    options: tuple[Option, ...]

    def text(self, values: Mapping[str, Any]) -> str:
        parts = [self.spec.name]
        for option in self.options:
            value = values.get(option.name)
            if value is None:
                continue
            parts.append(mention(Platform.DISCORD, str(value.id)) if option.is_user else value)
        return " ".join(parts)


def plan(registry: Registry) -> list[SlashCommand]:
    """Which slash command each registry command becomes."""
    names = [spec.name.split() for spec in registry.commands]
    groups = {words[0] for words in names if len(words) == 2}
    planned = []
    for spec, words in zip(registry.commands, names, strict=True):
        if len(words) == 2:
            group, name = words
        elif words[0] in groups:
            group, name = words[0], SHOW
        else:
            group, name = None, words[0]
        planned.append(SlashCommand(spec, group, name, options_for(spec)))
    return planned


def options_for(spec: CommandSpec) -> tuple[Option, ...]:
    rest = spec.usage[len(spec.name) :] if spec.usage.startswith(spec.name) else spec.usage
    tokens = re.findall(r"@\w+|<[^>]*>|\[[^\]]*\]|\b\w+(?:\|\w+)+\b", rest)
    texts = [t for t in tokens if t.startswith(("<", "["))]
    words = {word for t in tokens if "|" in t and t[0].isalnum() for word in t.split("|")}
    options = []
    text_placed = False
    for token in tokens:
        if token.startswith("@"):
            options.append(Option(_option_name(token), "Pick a person", True, True))
        elif token[0].isalnum():
            choices = tuple(token.split("|"))
            name = _option_name("_or_".join(choices))
            options.append(Option(name, " or ".join(choices), False, True, choices))
        elif not text_placed:
            text_placed = True
            hint = " ".join(texts) + _example(spec, words)
            required = any(t.startswith("<") for t in texts)
            options.append(Option(_option_name(texts[-1]), hint, False, required))
    return tuple(options)


def term_choices(knowledge: SearchIndex, typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for `/define`: entry titles and aliases starting with what is typed,
    then those containing it, then what a search finds (for a typo)."""
    names = sorted(
        {name for entry in knowledge.entries for name in (entry.title, *entry.aliases)},
        key=str.lower,
    )
    wanted = typed.strip().lower()
    starting = [n for n in names if n.lower().startswith(wanted)]
    containing = [n for n in names if wanted in n.lower() and n not in starting]
    picked = starting + containing
    if not picked:
        picked = [match.entry.title for match in knowledge.search(typed)]
    return [
        app_commands.Choice(name=_cut(name), value=_cut(name)) for name in picked[:CHOICES_LIMIT]
    ]


def _example(spec: CommandSpec, picked: set[str]) -> str:
    """`, e.g. structural racism` from the first example, when it shows nothing but text;
    the `picked` words have options of their own and are left out."""
    for example in spec.examples[:1]:
        typed = " ".join(w for w in example[len(spec.name) :].split() if w not in picked)
        if typed and "@" not in typed:
            return f", e.g. {typed}"
    return ""


def add_to_tree(
    tree: app_commands.CommandTree[Any],
    registry: Registry,
    run: RunText,
    completions: Mapping[str, Complete],
    guild: discord.abc.Snowflake | None,
) -> None:
    """Add every registry command to `tree` (for `guild`, or everywhere when None).
    `completions` maps a command's name to the autocomplete of its text option."""
    planned = plan(registry)
    groups: dict[str, app_commands.Group] = {}
    for slash in planned:
        parent = None
        if slash.group is not None:
            parent = groups.get(slash.group)
            if parent is None:
                members = [s for s in planned if s.group == slash.group]
                parent = groups[slash.group] = app_commands.Group(
                    name=slash.group, description=_group_description(slash.group, members)
                )
                tree.add_command(parent, guild=guild)
        command = app_commands.Command(
            name=slash.name,
            description=_cut(slash.spec.summary),
            callback=_callback(slash, run),
            parent=parent,
        )
        complete = completions.get(slash.spec.name)
        text_options = [o.name for o in slash.options if not o.is_user]
        if complete is not None and text_options:
            command.autocomplete(text_options[0])(complete)
        if parent is None:
            tree.add_command(command, guild=guild)
        else:
            parent.add_command(command)


def _callback(slash: SlashCommand, run: RunText) -> Callable[..., Awaitable[None]]:
    async def invoke(interaction: discord.Interaction, **values: Any) -> None:
        await run(interaction, slash.text(values))

    # discord.py reads a command's options from its callback's signature; these commands
    # are only known at run time, so the signature is built from the usage.
    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for option in slash.options:
        kind: Any = discord.User if option.is_user else str
        if option.choices:
            # discord.py offers a Literal's values as the option's choices.
            kind = Literal[option.choices]
        parameters.append(
            inspect.Parameter(
                option.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=kind if option.required else Optional[kind],  # noqa: UP045
                default=inspect.Parameter.empty if option.required else None,
            )
        )
    invoke.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return app_commands.describe(**{o.name: _cut(o.hint) for o in slash.options})(invoke)


def _group_description(group: str, members: Sequence[SlashCommand]) -> str:
    if len(members) == 1:
        return _cut(members[0].spec.summary)
    return _cut(f"{group.title()}: {', '.join(m.name for m in members)}")


def _option_name(token: str) -> str:
    """`<kind or tag>` → `kind_or_tag`: a Discord option name that is also a Python
    parameter name (see `_callback`)."""
    name = "_".join(re.findall(r"[a-z0-9]+", token.lower()))[: OPTION_NAME_LIMIT - 2] or "text"
    if not name.isidentifier():
        name = f"n_{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def _cut(text: str) -> str:
    return cut(text, DESCRIPTION_LIMIT)
