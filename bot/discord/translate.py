"""Discord ↔ the neutral vocabulary, in one place.

In: a message or an interaction gives an `Actor`, a `Place` and a command's text; a modal
submission gives an action's fields. Out: a `Reply` becomes embeds (title, text, link), a
view of buttons and files; a `Form` becomes a modal, or several when it has more fields than
one modal holds. Mentions are rewritten both ways: Discord's `<@123>` and `<@!123>` to the
neutral `<@discord:123>` and back.
"""

import io
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import discord

from bot.discord.custom_ids import BUTTON_ID, PICK_ID, PICK_MENU, CustomIds
from contract.splitting import split_reply
from contract.vocabulary import (
    MENTION,
    Actor,
    Button,
    ButtonStyle,
    Form,
    FormField,
    Moment,
    Picker,
    Place,
    Platform,
    Reply,
    mention,
    rewrite_times,
)

log = logging.getLogger(__name__)

DISCORD_MENTION = re.compile(r"<@!?(\d+)>")

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits
# and https://discord.com/developers/docs/components/reference); discord.py names none of
# them. A label or title beyond them is cut; a reply's text never is: it is spread over
# several embeds, and over several messages beyond what one message holds.
EMBED_TITLE_LIMIT = 256
EMBED_TEXT_LIMIT = 4096
# All the embeds of one message together.
MESSAGE_EMBEDS_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
BUTTONS_PER_MESSAGE = ACTION_ROWS * BUTTONS_PER_ROW
MODAL_TITLE_LIMIT = 45
MODAL_INPUTS = 5
FIELD_LABEL_LIMIT = 45
PLACEHOLDER_LIMIT = 100
TEXT_INPUT_LIMIT = 4000
SELECT_OPTIONS = 25
SELECT_OPTION_LIMIT = 100

BUTTON_STYLES = {
    ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}

# --- in ---------------------------------------------------------------------------------


def actor_of(user: discord.abc.User) -> Actor:
    return Actor(Platform.DISCORD, str(user.id), display_name=user.display_name, is_bot=user.bot)


def place_of(channel: object | None) -> Place:
    if isinstance(channel, discord.DMChannel | discord.GroupChannel):
        return Place(channel_id=str(channel.id), is_direct=True)
    if isinstance(channel, discord.Thread):
        return Place(channel_id=str(channel.parent_id), thread_id=str(channel.id))
    channel_id = getattr(channel, "id", None)
    return Place(channel_id=None if channel_id is None else str(channel_id))


def addressed_text(content: str, in_server: bool, bot_id: int) -> str | None:
    """What a message says to the bot, with the bot's own mention taken out and other
    mentions made neutral; None when it is not for the bot (a server message that does
    not mention it)."""
    own = {f"<@{bot_id}>", f"<@!{bot_id}>"}
    if in_server and not any(token in content for token in own):
        return None
    text = DISCORD_MENTION.sub(lambda m: "" if m[0] in own else m[0], content)
    return neutral_mentions(" ".join(text.split()))


def neutral_mentions(text: str) -> str:
    return DISCORD_MENTION.sub(lambda m: mention(Platform.DISCORD, m[1]), text)


def submitted_fields(components: Sequence[dict[str, Any]]) -> dict[str, str]:
    """A modal submission's values by field name. Inputs come wrapped in labels (type 18) or
    action rows (type 1); a select's picks are joined with commas."""
    fields: dict[str, str] = {}
    for component in components:
        inner = component.get("components") or (
            [component["component"]] if "component" in component else []
        )
        fields |= submitted_fields(inner)
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        if "values" in component:
            fields[custom_id] = ",".join(str(v) for v in component["values"])
        elif "value" in component:
            fields[custom_id] = str(component["value"] or "")
    return fields


# --- out --------------------------------------------------------------------------------


# Kept as they are: the mentions the bot writes, and code spans (the bot writes commands as
# `code`; nothing inside one is markup, so a member's backticks are harmless).
_VERBATIM = re.compile(rf"{MENTION.pattern}|`[^`\n]+`")
_DISCORD_ID = re.compile(r"\d{1,20}")


@dataclass(frozen=True)
class Markup:
    """Our text as Discord markdown, and the people it is meant to notify."""

    text: str
    users: frozenset[int] = frozenset()

    @property
    def allowed_mentions(self) -> discord.AllowedMentions:
        """Only the people the bot named: never @everyone, @here or a role, whatever the
        text holds."""
        return discord.AllowedMentions(
            everyone=False,
            roles=False,
            replied_user=False,
            users=[discord.Object(user) for user in sorted(self.users)],
        )


def markup(text: str, times: Sequence[Moment] = ()) -> Markup:
    """Neutral text on Discord: Discord's markdown and mentions escaped, so that nothing in it
    is markup, `<@discord:123>` a real mention (a person on another platform is named by
    id), and `times` as timestamps each reader sees in their own zone and language."""
    parts = []
    users = set()
    last = 0
    for found in _VERBATIM.finditer(text):
        parts.append(_escape(text[last : found.start()]))
        last = found.end()
        if found["platform"] is None:
            parts.append(found[0])
        elif found["platform"] == Platform.DISCORD and _DISCORD_ID.fullmatch(found["user_id"]):
            parts.append(f"<@{found['user_id']}>")
            users.add(int(found["user_id"]))
        else:
            parts.append(_escape(f"@{found['user_id']}"))
    parts.append(_escape(text[last:]))
    return Markup(rewrite_times("".join(parts), times, _escape, _timestamp), frozenset(users))


def _timestamp(moment: Moment) -> str:
    # https://discord.com/developers/docs/reference#message-formatting-timestamp-styles:
    # F is "Tuesday, 3 March 2026 10:30", t the time alone, R "in 3 hours", counting down.
    if moment.relative:
        return f"<t:{int(moment.start.timestamp())}:R>"
    start = f"<t:{int(moment.start.timestamp())}:F>"
    if moment.end is None:
        return start
    style = "t" if moment.end_same_day else "F"
    return f"{start}{moment.separator}<t:{int(moment.end.timestamp())}:{style}>"


def _escape(text: str) -> str:
    # escape_mentions spoils @everyone, @here and long ids; an escaped `<` spoils the rest
    # of Discord's `<…>` markup (a short `<@102>`, `<@&role>`, `<t:…>`).
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return escaped.replace("<", "\\<")


@dataclass
class Outgoing:
    """A reply as the keyword arguments of discord.py's send functions."""

    embeds: list[discord.Embed]
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)
    allowed_mentions: discord.AllowedMentions = field(default_factory=discord.AllowedMentions.none)

    def kwargs(self) -> dict[str, Any]:
        sent: dict[str, Any] = {"embeds": self.embeds, "allowed_mentions": self.allowed_mentions}
        if self.view is not None:
            sent["view"] = self.view
        if self.files:
            sent["files"] = self.files
        return sent


def messages(reply: Reply, ids: CustomIds, *, form_as_button: bool = False) -> list[Outgoing]:
    """The reply as the messages Discord will take: one, or several when its text is longer
    than one message's embeds hold, broken between lines. See `outgoing`."""
    room = MESSAGE_EMBEDS_LIMIT - len(markup(reply.title or "").text)
    parts = split_reply(reply, room, lambda text: len(markup(text, reply.times).text))
    return [outgoing(part, ids, form_as_button=form_as_button) for part in parts]


def outgoing(reply: Reply, ids: CustomIds, *, form_as_button: bool = False) -> Outgoing:
    """A reply whose text fits one message (`messages` makes sure of it).

    `form_as_button`: the reply's form cannot be opened now (a modal only opens in answer
    to a click or a slash command), so it is offered as a button that opens it."""
    title = cut(markup(reply.title).text, EMBED_TITLE_LIMIT) if reply.title else None
    body = markup(reply.text, reply.times)
    text = cut(body.text, MESSAGE_EMBEDS_LIMIT - len(title or ""))
    first, *more = _chunks(text, EMBED_TEXT_LIMIT)
    embeds = [
        discord.Embed(
            title=title,
            description=first,
            url=reply.link.url if reply.link is not None and reply.title else None,
        ),
        *(discord.Embed(description=chunk) for chunk in more),
    ]
    buttons = list(reply.buttons)
    if reply.link is not None:
        buttons.append(reply.link)
    items = [_button(b, ids) for b in buttons]
    if form_as_button and reply.form is not None:
        opener = discord.ui.Button(
            label=cut(reply.form.title, BUTTON_LABEL_LIMIT),
            style=discord.ButtonStyle.primary,
            custom_id=ids.form_opener(reply.form),
        )
        items.insert(0, ActionButton(opener))
    picker = reply.picker
    if picker is not None and len(items) + len(picker.options) <= BUTTONS_PER_MESSAGE:
        items += [_button(b, ids) for b in picker.as_buttons()]
        picker = None
    if len(items) > BUTTONS_PER_MESSAGE:
        log.warning("reply has %d buttons; Discord shows %d", len(items), BUTTONS_PER_MESSAGE)
    items = items[:BUTTONS_PER_MESSAGE]
    if picker is not None:
        items += _menus(picker, ids, ACTION_ROWS - math.ceil(len(items) / BUTTONS_PER_ROW))
    view = None
    if items:
        view = discord.ui.View(timeout=None)
        for item in items:
            view.add_item(item)
    files = [discord.File(io.BytesIO(a.content), filename=a.filename) for a in reply.attachments]
    return Outgoing(embeds, view, files, body.allowed_mentions)


def _menus(picker: Picker, ids: CustomIds, rows: int) -> list[discord.ui.Item[Any]]:
    """More choices than buttons fit: menus of SELECT_OPTIONS choices, one to a row. Each
    option's value is the custom id the matching button would carry, so a pick is taken
    exactly as a click."""
    count = len(picker.options)
    if count > rows * SELECT_OPTIONS:
        log.warning("picker has %d choices; Discord shows %d", count, rows * SELECT_OPTIONS)
    menus: list[discord.ui.Item[Any]] = []
    for start in range(0, min(count, rows * SELECT_OPTIONS), SELECT_OPTIONS):
        stretch = picker.options[start : start + SELECT_OPTIONS]
        placeholder = picker.placeholder
        if count > SELECT_OPTIONS:
            placeholder += f" ({start + 1}–{start + len(stretch)} of {count})"
        menu: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"{PICK_MENU}{len(menus)}",
            placeholder=cut(placeholder, PLACEHOLDER_LIMIT),
            options=[
                discord.SelectOption(
                    label=cut(choice.label, SELECT_OPTION_LIMIT),
                    value=ids.button(picker.action_id, choice.value),
                )
                for choice in stretch
            ],
        )
        menus.append(PickMenu(menu))
    return menus


def _chunks(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, broken between lines where it can."""
    chunks = [""]
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            chunks += [line[:limit], ""]
            line = line[limit:]
        if len(chunks[-1]) + len(line) > limit:
            chunks.append("")
        chunks[-1] += line
    return [chunk.rstrip("\n") for chunk in chunks if chunk] or [""]


def form_pages(form: Form) -> list[tuple[FormField, ...]]:
    """The form's fields as Discord modals hold them: at most five to a modal, the modals
    as even as they can be (six fields are three and three, not five and one)."""
    count = max(1, math.ceil(len(form.fields) / MODAL_INPUTS))
    size = max(1, math.ceil(len(form.fields) / count))
    return [form.fields[start : start + size] for start in range(0, len(form.fields), size)]


def modal_for(form: Form, custom_id: str, page: int = 1) -> discord.ui.Modal:
    """The modal for one page (from 1) of the form; its title says which when there are
    several."""
    pages = form_pages(form)
    of = f" ({page} of {len(pages)})" if len(pages) > 1 else ""
    title = cut(form.title, MODAL_TITLE_LIMIT - len(of)) + of
    # Kept in discord.py's memory only while open; the submission is read from its custom
    # id (see CustomIds), so one that arrives after a restart is still answered.
    modal = discord.ui.Modal(title=title, custom_id=custom_id, timeout=15 * 60)
    for form_field in pages[page - 1]:
        modal.add_item(
            discord.ui.Label(
                text=cut(form_field.label, FIELD_LABEL_LIMIT), component=_input(form_field)
            )
        )
    return modal


def continue_form(form: Form, page: int, custom_id: str) -> Outgoing:
    """The answer to one page of a long form: a button that opens page `page`. (A modal
    cannot be opened in answer to another modal.)"""
    pages = len(form_pages(form))
    embed = discord.Embed(
        title=cut(form.title, EMBED_TITLE_LIMIT),
        description=f"Part {page - 1} of {pages} is kept; nothing is sent until the last "
        "part. Press Continue for the rest.",
    )
    view = discord.ui.View(timeout=None)
    view.add_item(
        ActionButton(
            discord.ui.Button(
                label=f"Continue ({page} of {pages})",
                style=discord.ButtonStyle.primary,
                custom_id=custom_id,
            )
        )
    )
    return Outgoing([embed], view)


def _input(form_field: FormField) -> discord.ui.Item[Any]:
    if form_field.choices and len(form_field.choices) <= SELECT_OPTIONS:
        picked = _initial_choices(form_field)
        return discord.ui.Select(
            custom_id=form_field.name,
            options=[
                discord.SelectOption(
                    label=cut(choice, SELECT_OPTION_LIMIT),
                    value=cut(choice, SELECT_OPTION_LIMIT),
                    default=choice in picked,
                )
                for choice in form_field.choices
            ],
            min_values=1 if form_field.required else 0,
            max_values=len(form_field.choices) if form_field.multiple else 1,
            required=form_field.required,
            placeholder=cut(form_field.placeholder, PLACEHOLDER_LIMIT) or None,
        )
    # Too many choices for a select: a text input that lists them; the handler checks.
    placeholder = form_field.placeholder or (
        "One of: " + ", ".join(form_field.choices) if form_field.choices else ""
    )
    return discord.ui.TextInput(
        custom_id=form_field.name,
        style=discord.TextStyle.paragraph if form_field.multiline else discord.TextStyle.short,
        required=form_field.required,
        placeholder=cut(placeholder, PLACEHOLDER_LIMIT) or None,
        default=form_field.initial or None,
        max_length=min(form_field.max_length, TEXT_INPUT_LIMIT),
    )


def _initial_choices(form_field: FormField) -> set[str]:
    # Several picks are prefilled as they are submitted: joined with commas.
    if form_field.multiple:
        return {part.strip() for part in form_field.initial.split(",")}
    return {form_field.initial}


def _button(button: Button, ids: CustomIds) -> discord.ui.Item[Any]:
    label = cut(button.label, BUTTON_LABEL_LIMIT)
    if button.url is not None:
        return discord.ui.Button(label=label, url=button.url)
    return ActionButton(
        discord.ui.Button(
            label=label,
            style=BUTTON_STYLES[button.style],
            custom_id=ids.button(button.action_id, button.value),
        )
    )


def cut(text: str, limit: int) -> str:
    """`text`, shortened with an ellipsis to Discord's `limit`."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- buttons that survive a restart -----------------------------------------------------


class ButtonTaker(Protocol):
    async def take_button(self, interaction: discord.Interaction, custom_id: str) -> None: ...


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_ID):
    """Any button of ours. discord.py matches a click's custom id against the template,
    however old the message, so buttons keep working after the bot restarts; the custom id
    says what the click does."""

    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> "ActionButton":
        return cls(cast(discord.ui.Button[Any], item))

    async def callback(self, interaction: discord.Interaction) -> None:
        await cast(ButtonTaker, interaction.client).take_button(interaction, self.custom_id)


class PickMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=PICK_ID):
    """A picker's menu: like a button, it works however old the message; the option picked
    is the custom id of the button it stands for."""

    def __init__(self, menu: discord.ui.Select[Any]) -> None:
        super().__init__(menu)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> "PickMenu":
        return cls(cast(discord.ui.Select[Any], item))

    async def callback(self, interaction: discord.Interaction) -> None:
        picked = self.item.values[0] if self.item.values else ""
        await cast(ButtonTaker, interaction.client).take_button(interaction, picked)
