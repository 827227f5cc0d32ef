"""The neutral vocabulary every adapter speaks and every handler understands.

Adapters turn platform input into a `Command` or an `Action` and render a `Reply` or a
`Form` back; handlers never see a platform payload. Nothing here imports a platform
library or another part of the project, so every layer (storage included) can import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Platform(StrEnum):
    CONSOLE = "console"
    SLACK = "slack"
    DISCORD = "discord"


class Role(StrEnum):
    MEMBER = "member"
    ORGANISER = "organiser"
    CURATOR = "curator"
    STEERING = "steering"
    EQUALITY_LEAD = "equality_lead"
    ADMIN = "admin"


@dataclass(frozen=True)
class MemberProfile:
    """A member of the hub as every feature sees them: one person, whatever the platform."""

    id: int
    display_name: str
    organisation: str | None
    roles: frozenset[Role]

    def has_role(self, role: Role) -> bool:
        # Admins can do everything a role allows, so one admin can run a small network.
        return role == Role.MEMBER or role in self.roles or Role.ADMIN in self.roles


@dataclass(frozen=True)
class Actor:
    """Who is speaking: one account on one platform."""

    platform: Platform
    user_id: str
    display_name: str = ""
    is_bot: bool = False

    @property
    def key(self) -> str:
        return f"{self.platform.value}:{self.user_id}"


# Adapters rewrite platform mentions (Slack `<@U1>`, Discord `<@1>`, console `@alice`)
# into this one form, so handlers can read `@person` arguments without knowing the platform.
# A user id is letters, digits and `_ . -` on every platform: nothing a member could use to
# smuggle markup (`<@x<!channel>`) into a message that names them.
MENTION = re.compile(r"<@(?P<platform>console|slack|discord):(?P<user_id>[A-Za-z0-9_.-]{1,64})>")


def mention(platform: Platform, user_id: str) -> str:
    """The bot naming someone so that they are notified: the one way a mention gets into
    a message, since `said` takes them out of what members type."""
    return f"<@{platform.value}:{user_id}>"


def said(text: str) -> str:
    """Free text a member typed (an event's title, a question, an agenda item), as the bot
    keeps it and shows it to others: a mention in it is plain `@name` text, so words typed
    by one member never notify another. Adapters escape the rest of their platform's markup
    (`<!channel>`, `@everyone`, `**`) in every text they render."""
    return MENTION.sub(lambda found: f"@{found['user_id']}", text)


# Half of a UTF-16 surrogate pair, alone: JSON and some terminals let one through, but it
# cannot be encoded as UTF-8, so no database stores it and no platform accepts it. NUL is
# valid UTF-8, but PostgreSQL keeps no NUL in text.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """Text from outside, as every database can store it and every platform send it: each
    lone surrogate (and NUL) is U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


@dataclass(frozen=True)
class Place:
    """Where a message was said, so a reply can go back to the same place."""

    channel_id: str | None = None
    thread_id: str | None = None
    is_direct: bool = False


@dataclass(frozen=True)
class Command:
    """A line of text addressed to the bot: `define wres`, `admin grant <@slack:U1> curator`.

    A platform with typed options (Discord's slash commands) sends the command's name as
    `text` and each argument on its own in `options`, by parameter name, as text
    (a person as a mention, a flag as "true").
    """

    actor: Actor
    text: str
    place: Place = field(default_factory=Place)
    options: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Action:
    """A button click or a form submission.

    `action_id` names the handler (`lookup.show`), `value` is the button's payload as sent
    back by the platform and therefore untrusted, and `fields` holds a submitted form.
    """

    actor: Actor
    action_id: str
    value: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    place: Place = field(default_factory=Place)


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    """Either an action button (`action_id` + `value`) or a link button (`url`)."""

    label: str
    action_id: str = ""
    value: str = ""
    url: str | None = None
    style: ButtonStyle = ButtonStyle.DEFAULT

    @property
    def is_link(self) -> bool:
        return self.url is not None


@dataclass(frozen=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True)
class Picker:
    """One pick among many alike (which organisation, which event), each pick an `Action`
    with `action_id` and the choice's value. Adapters show it as buttons while the platform
    has room for them, and as a menu beyond, so no choice is ever out of reach."""

    action_id: str
    placeholder: str
    options: tuple[Option, ...]

    def as_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(c.label, action_id=self.action_id, value=c.value) for c in self.options)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    multiline: bool = False
    required: bool = True
    placeholder: str = ""
    initial: str = ""
    choices: tuple[str, ...] = ()
    # With choices: may several be picked? The submitted value is then comma-separated.
    multiple: bool = False
    max_length: int = 3000


@dataclass(frozen=True)
class Form:
    """A small form (Slack modal, Discord modal, console prompts) whose submission comes back
    as an `Action` with `action_id` and the filled `fields`."""

    title: str
    action_id: str
    fields: tuple[FormField, ...]
    value: str = ""
    submit_label: str = "Submit"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str


# What text that shows a time in London wording says after it where the wording is all a
# reader gets (modals, notification text, files); a platform that shows each reader their
# own zone drops it.
ZONE_NOTE = " (London time)"


@dataclass(frozen=True)
class Moment:
    """A time a reply's text shows in London wording, so that a platform that can show it in
    each reader's own zone and language puts its own markup in place of those words (and of
    a `ZONE_NOTE` after them); the console, modals and notification text keep the words.

    With an `end` it is a span: `start_words`, then `end_words`, which is a time alone when
    the span ends on the day it starts (`end_same_day`). A `relative` moment's words say how
    far ahead it is ("in 3 hours"), which a platform may keep counting down."""

    start: datetime
    start_words: str
    end: datetime | None = None
    end_words: str = ""
    end_same_day: bool = False
    relative: bool = False

    @property
    def separator(self) -> str:
        return "–" if self.end_same_day else " – "

    @property
    def words(self) -> str:
        if self.end is None:
            return self.start_words
        return f"{self.start_words}{self.separator}{self.end_words}"


def rewrite_times(
    text: str,
    times: Sequence[Moment],
    escape: Callable[[str], str],
    render: Callable[[Moment], str],
) -> str:
    """`text` (already escaped with `escape`) with each moment's words, and the `ZONE_NOTE`
    after them, replaced by `render(moment)`: the adapters' one way of showing times in
    the reader's zone. One pass, longest words first, so a span is never taken for the
    time it starts at, and nothing a render wrote is rewritten again."""
    if not times:
        return text
    by_words = {escape(moment.words): moment for moment in times}
    note = escape(ZONE_NOTE)
    pattern = re.compile(
        "|".join(
            f"{re.escape(words)}(?:{re.escape(note)})?"
            for words in sorted(by_words, key=len, reverse=True)
        )
    )
    return pattern.sub(lambda found: render(by_words[found[0].removesuffix(note)]), text)


@dataclass(frozen=True)
class Reply:
    """What the bot says. `text` is complete on its own (the console and notifications use
    it); `title`, `link` and `buttons` let richer platforms render the same answer better.

    `private` replies are shown only to the asker (Slack ephemeral, Discord ephemeral).
    `form`, when set, asks the platform to open that form instead of (or after) the text.
    Each line of `text` is one item (a list's entry, a paragraph): an adapter whose message
    cannot hold the whole text sends it as several messages, breaking only between lines.
    `times` are the times the text shows, for platforms that show them in the reader's zone.
    """

    text: str
    title: str | None = None
    link: Button | None = None
    buttons: tuple[Button, ...] = ()
    private: bool = False
    form: Form | None = None
    attachments: tuple[Attachment, ...] = ()
    picker: Picker | None = None
    times: tuple[Moment, ...] = ()


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message lives, so it can be updated later (a live RSVP count)."""

    platform: Platform
    channel_id: str
    message_id: str


class ChannelUnreachable(Exception):
    """The platform will not let the bot post in a channel (it is not a member, or there is
    no such channel). A `Messenger` raises it, with what is wrong and what would put it
    right in the platform's own words, so the person who asked for the post can be told."""

    def __init__(self, platform: Platform, channel_id: str, problem: str, remedy: str) -> None:
        super().__init__(f"{platform.value} channel {channel_id}: {problem}")
        self.platform = platform
        self.channel_id = channel_id
        self.problem = problem
        self.remedy = remedy


class Messenger(Protocol):
    """The outgoing side of a platform: what handlers and the scheduler use to reach people
    who did not just speak to the bot."""

    async def send_direct(self, user_id: str, reply: Reply) -> MessageRef: ...

    async def post_to_channel(self, channel_id: str, reply: Reply) -> MessageRef:
        """Raises `ChannelUnreachable` when the platform refuses the channel itself."""
        ...

    async def open_group(self, user_ids: Sequence[str], reply: Reply) -> MessageRef: ...

    async def update(self, ref: MessageRef, reply: Reply) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...
