"""Typed command arguments, declared once per command.

A command lists what it takes (`agenda move <item> <position>`: two numbers; `admin grant
@person <role>`: a member and a choice of words). The router reads them before the handler
runs and hands it values of the right type; a wrong or missing one is answered with the
command's usage, naming what was wrong. The same declaration gives the usage line and
`help`, and Discord's typed slash-command options (see `bot/discord/slash.py`).

Arguments arrive in two shapes. Typed text (console, Slack, a mention) is split here:
flags are their own word anywhere, a keyword argument follows its word (`due <date>`), and
the positional ones take words in order, with the one free-text argument taking what the
others leave (several free texts are separated by `|`). Discord sends each option on its
own, so each is read alone. Either way a value goes through its parameter's `read`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar
from zoneinfo import ZoneInfo

from contract.vocabulary import MENTION, Platform, said
from contract.when import WEEKDAYS, WhenError, parse_when

T = TypeVar("T")

# The largest value an INTEGER column holds on every database the bot runs on: a bigger
# "id" cannot name a row, so it is refused as a bad id before any query.
MAX_ID = 2**31 - 1
# A typed number longer than this is not worth converting.
_MAX_DIGITS = 12
# Between several free-text arguments in typed text: `remi org add Camden | council | Camden`.
TEXT_SEPARATOR = "|"


class ArgumentError(ValueError):
    """An argument that could not be read; the message says what was wrong, for a member."""


@dataclass(frozen=True)
class ReadContext:
    """What reading an argument may depend on: dates are relative to now, in the hub's zone."""

    now: datetime
    timezone: ZoneInfo


class OptionKind(StrEnum):
    """How a platform with typed options (Discord) asks for the argument."""

    TEXT = "text"
    INTEGER = "integer"
    PERSON = "person"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Param(Generic[T]):
    """One argument: `name` is how it is shown (`<name>`) and the option's name on Discord;
    `description` is its hint there and in `help`."""

    name: str
    description: str
    _: KW_ONLY
    required: bool = True
    # Written after this word in typed text ("due <date>", "until <date>").
    keyword: str | None = None
    # What to offer as a member types it, where a platform can (Discord's autocomplete):
    # given the services and the text so far, the values, best first.
    complete: Callable[[Any, str], Sequence[str]] | None = field(default=None, compare=False)

    option_kind: ClassVar[OptionKind] = OptionKind.TEXT
    # How many words the argument takes in typed text; None: as many as it is given.
    words: ClassVar[int | None] = None

    def read(self, text: str, context: ReadContext) -> T:
        raise NotImplementedError

    def placeholder(self) -> str:
        return f"<{self.name}>"

    def usage(self) -> str:
        shown = self.placeholder()
        if self.keyword:
            shown = f"{self.keyword} {shown}"
        return shown if self.required else f"[{shown}]"


@dataclass(frozen=True)
class Number(Param[int]):
    """A whole number in a range; by default an id (1 up to what the database can hold)."""

    _: KW_ONLY
    minimum: int = 1
    maximum: int = MAX_ID
    # A word that may follow the number: "for 4 weeks".
    unit: str | None = None
    option_kind: ClassVar[OptionKind] = OptionKind.INTEGER
    words: ClassVar[int | None] = 1

    def read(self, text: str, context: ReadContext) -> int:
        cleaned = text.strip().removeprefix("#")
        if self.unit:
            cleaned = re.sub(rf"\s*\b{re.escape(self.unit)}s?$", "", cleaned, flags=re.I)
        # ASCII digits only: `str.isdigit` also accepts "²" and "٣", which `int` refuses.
        if not re.fullmatch(rf"[0-9]{{1,{_MAX_DIGITS}}}", cleaned):
            raise ArgumentError(
                f"`{self.placeholder()}` should be {_lowered(self.description)}: "
                f"{quoted(text)} is not a number"
            )
        value = int(cleaned)
        if self.maximum == MAX_ID and value > MAX_ID:
            raise ArgumentError(f"there is nothing numbered {value}")
        if self.maximum == MAX_ID and value < self.minimum:
            raise ArgumentError(f"the {self.name} must be {self.minimum} or more")
        if not self.minimum <= value <= self.maximum:
            raise ArgumentError(f"the {self.name} must be from {self.minimum} to {self.maximum}")
        return value

    def placeholder(self) -> str:
        return f"<{self.name}> {self.unit}s" if self.unit else f"<{self.name}>"


@dataclass(frozen=True)
class PersonRef:
    """A member named in a command: their account on a platform."""

    platform: Platform
    user_id: str


@dataclass(frozen=True)
class Person(Param[PersonRef]):
    """A member, named with @ (adapters turn each platform's mention into one form)."""

    option_kind: ClassVar[OptionKind] = OptionKind.PERSON
    words: ClassVar[int | None] = 1

    def read(self, text: str, context: ReadContext) -> PersonRef:
        found = MENTION.fullmatch(text.strip())
        if found is None:
            raise ArgumentError(f"name the {self.name} with @, like @alice")
        return PersonRef(Platform(found["platform"]), found["user_id"])

    def placeholder(self) -> str:
        return f"@{self.name}"


@dataclass(frozen=True)
class Choice(Param[str]):
    """One of a few words (`monthly|quarterly`); `aliases` maps other spellings a member may
    type to the word they mean (`organizer` → `organiser`). The value is the chosen word."""

    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict, hash=False)
    # A fixed number of words: those of the longest spelling that matches (see `_take`).
    words: ClassVar[int | None] = 1

    def read(self, text: str, context: ReadContext) -> str:
        for typed in (text.strip().casefold(), " ".join(text.casefold().replace("_", " ").split())):
            if typed in self.choices:
                return typed
            if typed in self.aliases:
                return self.aliases[typed]
        raise ArgumentError(f"{quoted(text)} is not one of {_or_list(self.choices)}")

    def placeholder(self) -> str:
        if all(" " not in choice for choice in self.choices) and len(self.choices) <= 4:
            return "|".join(self.choices)
        return f"<{self.name}>"

    def spellings(self) -> tuple[str, ...]:
        """Every way of typing a choice, longest first (so "equality lead" beats "lead")."""
        return tuple(sorted({*self.choices, *self.aliases}, key=len, reverse=True))


def weekday(name: str, description: str, *, required: bool = True) -> Choice:
    """A day of the week, as people shorten it ("mon", "Thurs", "fridays")."""
    aliases = {
        spelling: day
        for day in WEEKDAYS
        for spelling in {day[:3], day[:4], f"{day}s", "thurs" if day == "thursday" else day}
        if spelling != day
    }
    return Choice(name, description, required=required, choices=WEEKDAYS, aliases=aliases)


@dataclass(frozen=True)
class Duration:
    """A length of time as people say it: 4 weeks, 10 days, 2 months."""

    count: int
    unit: str  # "day", "week" or "month"


_DURATION = re.compile(r"(?P<count>[0-9]{1,3})\s*(?P<unit>day|week|month)s?", re.I)


@dataclass(frozen=True)
class Length(Param[Duration]):
    """How long: a number of days, weeks or months."""

    def read(self, text: str, context: ReadContext) -> Duration:
        found = _DURATION.fullmatch(text.strip())
        if found is None or int(found["count"]) == 0:
            raise ArgumentError(f"{quoted(text)} is not a length like 4 weeks or 10 days")
        return Duration(int(found["count"]), found["unit"].lower())


@dataclass(frozen=True)
class Text(Param[str]):
    """Free text: what the other arguments leave, with any mention in it as plain text."""

    _: KW_ONLY
    max_length: int = 2000

    def read(self, text: str, context: ReadContext) -> str:
        value = said(text.strip())
        if not value:
            raise ArgumentError(f"the {self.name} is missing")
        if len(value) > self.max_length:
            raise ArgumentError(
                f"the {self.name} is too long ({self.max_length:,} characters at most)"
            )
        return value


@dataclass(frozen=True)
class Word(Param[str]):
    """One word with no spaces: a code, a link, a tag, a period name."""

    _: KW_ONLY
    max_length: int = 200
    words: ClassVar[int | None] = 1

    def read(self, text: str, context: ReadContext) -> str:
        value = text.strip()
        if not value or any(ch.isspace() for ch in value):
            raise ArgumentError(f"the {self.name} should be one word, with no spaces")
        if len(value) > self.max_length:
            raise ArgumentError(f"{quoted(value)} is too long for a {self.name}")
        return value


@dataclass(frozen=True)
class Day(Param[date]):
    """A calendar day, as people write one: "15 January 2027", "2027-01-15", "next Friday"."""

    def read(self, text: str, context: ReadContext) -> date:
        if len(text) > _LONGEST_DATE:
            raise ArgumentError(f"{quoted(text)} is too long to be a date")
        try:
            instant = parse_when(text, context.now, context.timezone)
        except WhenError as error:
            raise ArgumentError(str(error)) from None
        return instant.astimezone(context.timezone).date()

    def placeholder(self) -> str:
        return "<date>"


# Longer than any date as people write one; a longer text is not worth parsing.
_LONGEST_DATE = 60

_CLOCK = re.compile(
    r"(?:at\s+)?(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?\s*(?P<half>am|pm)?", re.I
)


@dataclass(frozen=True)
class TimeOfDay(Param[time]):
    """A time of day on a 24-hour or 12-hour clock: "09:00", "at 9.30", "2pm"."""

    def read(self, text: str, context: ReadContext) -> time:
        found = _CLOCK.fullmatch(text.strip())
        if found is None or (found["minute"] is None and found["half"] is None):
            raise ArgumentError(f"{quoted(text)} is not a time like 09:00 or 2pm")
        hour, minute = int(found["hour"]), int(found["minute"] or 0)
        if found["half"]:
            if not 1 <= hour <= 12:
                raise ArgumentError(f"{quoted(text)} is not a time like 09:00 or 2pm")
            hour = hour % 12 + (12 if found["half"].lower() == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ArgumentError(f"{quoted(text)} is not a time like 09:00 or 2pm")
        return time(hour, minute)

    def placeholder(self) -> str:
        return "<HH:MM>"


_YES = frozenset({"true", "yes", "y", "1", "on"})
_NO = frozenset({"false", "no", "n", "0", "off", ""})


@dataclass(frozen=True)
class Flag(Param[bool]):
    """A switch: in typed text, the word `name` itself (`calendar reset`); on Discord a
    true/false option. Absent means False."""

    _: KW_ONLY
    required: bool = False
    option_kind: ClassVar[OptionKind] = OptionKind.BOOLEAN
    words: ClassVar[int | None] = 1

    def read(self, text: str, context: ReadContext) -> bool:
        typed = text.strip().casefold()
        if typed in _YES or typed == self.name:
            return True
        if typed in _NO:
            return False
        raise ArgumentError(f"{quoted(text)} is neither yes nor no")

    def usage(self) -> str:
        return f"[{self.name}]"


def usage_of(params: Sequence[Param[Any]]) -> str:
    """The arguments part of a usage line: `@person <role>`, `<name> | <sector> | <area>`."""
    free = [p for p in _positional(params) if p.words is None]
    parts = []
    for param in params:
        if parts and param in free[1:]:
            parts.append(TEXT_SEPARATOR)
        parts.append(param.usage())
    return " ".join(parts)


def read_options(
    params: Sequence[Param[Any]], options: Mapping[str, str], context: ReadContext
) -> dict[str, Any]:
    """Arguments sent one by one (Discord's options), by parameter name."""
    values: dict[str, Any] = {}
    for param in params:
        raw = options.get(param.name)
        if raw is None or not raw.strip():
            _missing(param)
            values[param.name] = False if isinstance(param, Flag) else None
        else:
            values[param.name] = param.read(raw, context)
    return values


def read_text(params: Sequence[Param[Any]], text: str, context: ReadContext) -> dict[str, Any]:
    """Arguments typed as one line of text after the command's name."""
    words = [_Token(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    values: dict[str, Any] = {}
    for flag in (p for p in params if isinstance(p, Flag)):
        found = next((w for w in words if w.text.casefold() == flag.name), None)
        values[flag.name] = found is not None
        if found is not None:
            words.remove(found)
    words = _read_keywords(params, words, text, context, values)
    positional = _positional(params)
    free = [p for p in positional if p.words is None]
    if len(free) > 1:
        _read_separated(positional, _span(text, words), context, values)
    else:
        _read_positional(positional, words, text, context, values)
    return values


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str


def _positional(params: Sequence[Param[Any]]) -> list[Param[Any]]:
    return [p for p in params if not p.keyword and not isinstance(p, Flag)]


def _read_keywords(
    params: Sequence[Param[Any]],
    words: list[_Token],
    text: str,
    context: ReadContext,
    values: dict[str, Any],
) -> list[_Token]:
    """Read each keyword argument from after its word (the last time the word appears, so
    "review due diligence due Friday" is due Friday) up to the next keyword; return the words
    before the first keyword, which are the positional arguments'."""
    keyed = [p for p in params if p.keyword]
    found: list[tuple[int, Param[Any]]] = []
    for param in keyed:
        assert param.keyword is not None
        places = [i for i, w in enumerate(words) if w.text.casefold() == param.keyword]
        if places:
            found.append((places[-1], param))
    found.sort(key=lambda pair: pair[0])
    for n, (place, param) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(words)
        values[param.name] = param.read(_span(text, words[place + 1 : end]), context)
    for param in keyed:
        if param.name not in values:
            _missing(param)
            values[param.name] = None
    return words[: found[0][0]] if found else words


def _read_positional(
    params: Sequence[Param[Any]],
    words: list[_Token],
    text: str,
    context: ReadContext,
    values: dict[str, Any],
) -> None:
    """Fixed-width arguments from the left up to the free text, then from the right after
    it; the free text takes the words between. An optional argument that does not read as
    its type is taken to be absent."""
    middle = next((i for i, p in enumerate(params) if p.words is None), len(params))
    remaining = list(words)
    # Why optional arguments were taken to be absent: when the rest then does not read
    # either, the first of these is what the member got wrong ("daily" is not a cadence).
    passed_over: list[ArgumentError] = []
    try:
        for param in params[:middle]:
            remaining = _take(param, remaining, text, context, values, passed_over, left=True)
        for param in reversed(params[middle + 1 :]):
            remaining = _take(param, remaining, text, context, values, passed_over, left=False)
        if middle < len(params):
            free = params[middle]
            if remaining:
                values[free.name] = free.read(_span(text, remaining), context)
            else:
                _missing(free)
                values[free.name] = None
        elif remaining:
            raise ArgumentError(f"I didn't expect {quoted(_span(text, remaining))}")
    except ArgumentError:
        if passed_over:
            raise passed_over[0] from None
        raise


def _take(
    param: Param[Any],
    words: list[_Token],
    text: str,
    context: ReadContext,
    values: dict[str, Any],
    passed_over: list[ArgumentError],
    *,
    left: bool,
) -> list[_Token]:
    """Read `param` from the left or right end of `words`; return the words left."""
    widths = [len(s.split()) for s in param.spellings()] if isinstance(param, Choice) else [1]
    for width in sorted(set(widths), reverse=True):
        if width > len(words):
            continue
        taken = words[:width] if left else words[-width:]
        try:
            values[param.name] = param.read(_span(text, taken), context)
        except ArgumentError as problem:
            if width == min(widths):
                if param.required:
                    raise
                passed_over.append(problem)
            continue
        return words[width:] if left else words[:-width]
    _missing(param)
    values[param.name] = None
    return words


def _read_separated(
    params: Sequence[Param[Any]], text: str, context: ReadContext, values: dict[str, Any]
) -> None:
    """Free texts separated by `|`. With fewer parts than arguments, the optional ones
    from the left are left out: `remi action add <text>` or `<organisation> | <text>`."""
    parts = [part.strip() for part in text.split(TEXT_SEPARATOR)] if text.strip() else []
    if len(parts) > len(params):
        raise ArgumentError(
            f"that is {len(parts)} parts separated by “{TEXT_SEPARATOR}”; "
            f"I expected at most {len(params)}"
        )
    skip = len(params) - len(parts)
    for param in params:
        if skip and not param.required:
            skip -= 1
            values[param.name] = None
            continue
        part = parts.pop(0) if parts else ""
        if part:
            values[param.name] = param.read(part, context)
        else:
            _missing(param)
            values[param.name] = None


def _span(text: str, words: Sequence[_Token]) -> str:
    """The original text the words cover, with its inner spacing and line breaks."""
    return text[words[0].start : words[-1].end] if words else ""


def _missing(param: Param[Any]) -> None:
    if param.required:
        raise ArgumentError(f"`{param.usage()}` is missing: {_lowered(param.description)}")


def _lowered(description: str) -> str:
    return description[:1].lower() + description[1:]


def quoted(text: str) -> str:
    """Typed text quoted back, “cut” so that a pasted page does not come back whole."""
    cleaned = " ".join(text.split())
    return f"“{cleaned if len(cleaned) <= 40 else cleaned[:39] + '…'}”"


def _or_list(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
