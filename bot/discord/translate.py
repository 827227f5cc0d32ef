"""Discord ↔ the neutral vocabulary, in one place.

In: a message or an interaction gives an `Actor`, a `Place` and a command's text; a modal
submission gives an action's fields. Out: a `Reply` becomes an embed (title, text, link), a
view of buttons and files; a `Form` becomes a modal. Mentions are rewritten both ways:
Discord's `<@123>` and `<@!123>` to the neutral `<@discord:123>` and back.
"""

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import discord

from bot.discord.custom_ids import BUTTON_ID, CustomIds
from handlers.vocabulary import (
    MENTION,
    Actor,
    Button,
    ButtonStyle,
    Form,
    FormField,
    Place,
    Platform,
    Reply,
    mention,
)

log = logging.getLogger(__name__)

DISCORD_MENTION = re.compile(r"<@!?(\d+)>")

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits
# and the component reference): longer text is cut rather than refused by Discord.
EMBED_TITLE_LIMIT = 256
EMBED_TEXT_LIMIT = 4096
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_MESSAGE = 25
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


def native_mentions(text: str) -> str:
    """`<@discord:123>` pings on Discord; a person on another platform is named by id."""
    return MENTION.sub(
        lambda m: f"<@{m['user_id']}>" if m["platform"] == Platform.DISCORD else f"@{m['user_id']}",
        text,
    )


@dataclass
class Outgoing:
    """A reply as the keyword arguments of discord.py's send functions."""

    embed: discord.Embed
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        sent: dict[str, Any] = {"embed": self.embed}
        if self.view is not None:
            sent["view"] = self.view
        if self.files:
            sent["files"] = self.files
        return sent


def outgoing(reply: Reply, ids: CustomIds, *, form_as_button: bool = False) -> Outgoing:
    """`form_as_button`: the reply's form cannot be opened now (a modal only opens in answer
    to a click or a slash command), so it is offered as a button that opens it."""
    embed = discord.Embed(
        title=cut(reply.title, EMBED_TITLE_LIMIT) if reply.title else None,
        description=cut(native_mentions(reply.text), EMBED_TEXT_LIMIT),
        url=reply.link.url if reply.link is not None and reply.title else None,
    )
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
    if len(items) > BUTTONS_PER_MESSAGE:
        log.warning("reply has %d buttons; Discord shows %d", len(items), BUTTONS_PER_MESSAGE)
    view = None
    if items:
        view = discord.ui.View(timeout=None)
        for item in items[:BUTTONS_PER_MESSAGE]:
            view.add_item(item)
    files = [discord.File(io.BytesIO(a.content), filename=a.filename) for a in reply.attachments]
    return Outgoing(embed, view, files)


def modal_for(form: Form, custom_id: str) -> discord.ui.Modal:
    # Kept in discord.py's memory only while open; the submission is read from its custom
    # id (see CustomIds), so one that arrives after a restart is still answered.
    modal = discord.ui.Modal(
        title=cut(form.title, MODAL_TITLE_LIMIT), custom_id=custom_id, timeout=15 * 60
    )
    if len(form.fields) > MODAL_INPUTS:
        log.warning(
            "form %s has %d fields; a Discord modal holds 5", form.action_id, len(form.fields)
        )
    for form_field in form.fields[:MODAL_INPUTS]:
        modal.add_item(
            discord.ui.Label(
                text=cut(form_field.label, FIELD_LABEL_LIMIT), component=_input(form_field)
            )
        )
    return modal


def _input(form_field: FormField) -> discord.ui.Item[Any]:
    if form_field.choices and len(form_field.choices) <= SELECT_OPTIONS:
        return discord.ui.Select(
            custom_id=form_field.name,
            options=[
                discord.SelectOption(
                    label=cut(choice, SELECT_OPTION_LIMIT),
                    value=cut(choice, SELECT_OPTION_LIMIT),
                    default=choice == form_field.initial,
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
