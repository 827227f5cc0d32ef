"""The bot on Discord: a discord.py client whose slash commands come from the registry, and
whose every message, slash command, click and form submission goes through the router.

Nothing here touches the database on the gateway's event loop: the router runs on a worker
thread (`bot/offloop.py`), and so do reading a stored custom id, a form's pages and the
completion sources, so that a slow commit delays neither another interaction's answer
nor the heartbeat.

Interactions arrive four ways, all answered through `Answerer`: slash commands through the
app-command tree, button clicks through `ActionButton` and picks from a menu through
`PickMenu` (matched by custom id, so they survive restarts), modal submissions read from
their custom id in `on_interaction`, and a click on anything else gets the router's "this
button no longer works" reply. A form longer than one modal goes page by page through
`FormPages` before its handler sees it.
"""

import logging
from typing import Any

import discord
from discord import app_commands

from bot.app import App
from bot.discord import slash
from bot.discord.answer import DEFER_AFTER_SECONDS, Answerer
from bot.discord.custom_ids import BUTTON_ID, PICK_ID, CustomIds, Kind, Target
from bot.discord.form_pages import Finished, FormPages
from bot.discord.messenger import GROUPS_PURPOSE, DiscordMessenger
from bot.discord.translate import (
    ActionButton,
    PickMenu,
    actor_of,
    addressed_text,
    neutral_mentions,
    place_of,
    submitted_fields,
)
from bot.offloop import OffLoopRouter, off_loop
from contract.params import Param
from contract.specs import CommandSpec
from contract.vocabulary import Action, Command, Place, Platform, Reply
from handlers.router import STALE_ACTION_REPLY

log = logging.getLogger(__name__)

STALE_COMMAND_REPLY = Reply(
    "That command is no longer available. Type `/help` to see what I can do now.", private=True
)


def intents() -> discord.Intents:
    """Servers (for GUILD_CREATE and the channel list) and messages in servers and DMs.
    Not the privileged message-content intent: Discord sends the text of DMs and of messages
    that mention the bot without it, and the bot reads no other messages."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    return wanted


class LarchTree(app_commands.CommandTree["LarchClient"]):
    async def on_error(
        self, interaction: discord.Interaction["LarchClient"], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandNotFound):
            await interaction.client.answerer.apologise(interaction, STALE_COMMAND_REPLY)
            return
        name = getattr(interaction.command, "qualified_name", "?")
        log.error("slash command /%s failed", name, exc_info=error)
        await interaction.client.answerer.apologise(interaction)


class LarchClient(discord.AutoShardedClient):
    """Sharded, which is also how discord.py dials the gateway URL that `GET /gateway/bot`
    returns (a plain `discord.Client` dials Discord's fixed address)."""

    def __init__(self, app: App, *, defer_after: float = DEFER_AFTER_SECONDS, **options: Any):
        # Each message says whom it may notify (see translate.markup); anything sent
        # without saying notifies nobody.
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(intents=intents(), **options)
        self.app = app
        self.ids = CustomIds(app.services.db, app.services.clock)
        self.forms = FormPages(self.ids)
        self.answerer = Answerer(self.ids, self.forms, defer_after)
        self.tree = LarchTree(self)
        self.router = OffLoopRouter(app)
        channels = app.services.channels.get(Platform.DISCORD, {})
        self.messenger = DiscordMessenger(self, self.ids, channels.get(GROUPS_PURPOSE))

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ActionButton, PickMenu)
        guild_id = self.app.settings.discord_guild_id
        # Commands synced to one server show up at once; global ones can take an hour.
        guild = discord.Object(guild_id) if guild_id else None
        slash.add_to_tree(self.tree, self.app.registry, self.run_options, self.suggest, guild)
        await self.tree.sync(guild=guild)

    async def run_options(
        self, interaction: discord.Interaction, spec: CommandSpec[Any], options: dict[str, str]
    ) -> None:
        """A slash command: its name, and each option as the text its parameter reads."""
        command = Command(
            actor_of(interaction.user),
            spec.name,
            _place(interaction),
            options={name: neutral_mentions(value) for name, value in options.items()},
        )
        await self.answerer.interaction(interaction, self.router.handle(command))

    async def suggest(self, param: Param[Any], typed: str) -> list[str]:
        assert param.complete is not None
        return list(await off_loop(param.complete, self.app.services, typed))

    async def take_button(self, interaction: discord.Interaction, custom_id: str) -> None:
        target = await off_loop(self.ids.read, custom_id)
        if target is None or target.kind == Kind.FORM:
            await self.answerer.apologise(interaction, STALE_ACTION_REPLY)
        elif target.kind == Kind.FORM_PAGE:
            page = await off_loop(self.forms.open, target, str(interaction.user.id))
            if isinstance(page, Reply):
                await self.answerer.apologise(interaction, page)
            else:
                await interaction.response.send_modal(page)
        elif target.form is not None:
            await self.answerer.open_form(interaction, target.form)
        else:
            await self._act(interaction, target.action_id, target.value, {})

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type == discord.InteractionType.modal_submit:
            await self._take_form(interaction)
        elif interaction.type == discord.InteractionType.component and not _reaches_a_button(
            interaction
        ):
            await self.answerer.apologise(interaction, STALE_ACTION_REPLY)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        text = addressed_text(message.content, message.guild is not None, self.user.id)
        if text is None:
            return
        command = Command(actor_of(message.author), text, place_of(message.channel))
        await self.answerer.message(message, await self.router.handle(command))

    async def _take_form(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        target = await off_loop(self.ids.read, str(data.get("custom_id", "")))
        fields = submitted_fields(data.get("components", []))
        if target is not None and target.kind == Kind.FORM_PAGE:
            await self._take_page(interaction, target, fields)
        elif target is not None and target.kind == Kind.FORM:
            await self._act(interaction, target.action_id, target.value, fields)
        else:
            await self.answerer.apologise(interaction, STALE_ACTION_REPLY)

    async def _take_page(
        self, interaction: discord.Interaction, target: Target, fields: dict[str, str]
    ) -> None:
        step = await off_loop(self.forms.submit, target, str(interaction.user.id), fields)
        if isinstance(step, Finished):
            await self._act(interaction, step.form.action_id, step.form.value, step.fields)
        elif isinstance(step, Reply):
            await self.answerer.apologise(interaction, step)
        else:
            await self.answerer.deliver(interaction, step, private=True)

    async def _act(
        self, interaction: discord.Interaction, action_id: str, value: str, fields: dict[str, str]
    ) -> None:
        action = Action(actor_of(interaction.user), action_id, value, fields, _place(interaction))
        await self.answerer.interaction(interaction, self.router.handle(action))


def _place(interaction: discord.Interaction) -> Place:
    channel = interaction.channel
    if channel is None and interaction.channel_id is not None:
        channel = discord.Object(interaction.channel_id)
    return place_of(channel)


def _reaches_a_button(interaction: discord.Interaction) -> bool:
    """Whether discord.py will hand this click to an `ActionButton` or a `PickMenu`: it does
    so only for an id of ours that is on the message clicked (see
    `ViewStore.schedule_dynamic_item_call`)."""
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    message = interaction.message
    if message is None or not (BUTTON_ID.fullmatch(custom_id) or PICK_ID.fullmatch(custom_id)):
        return False
    return any(
        getattr(child, "custom_id", None) == custom_id
        for row in message.components
        for child in getattr(row, "children", ())
    )
