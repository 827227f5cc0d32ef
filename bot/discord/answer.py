"""Answering on Discord: in time, in the right place, privately when the reply is private.

Discord drops an interaction that is not answered within three seconds. A handler that is
quick (almost all are) is answered directly, so each reply can be public or ephemeral as it
asks; one still running after `defer_after` seconds is deferred (Discord shows "thinking…")
and followed up when done. Discord fixes a deferred answer's visibility when deferring and
it cannot know the reply yet, so it defers privately: a slow public answer is seen by the
asker only, never the other way round.

Messages (mentions and DMs) have no deadline. A private reply to a message in a server
channel goes to the author's DMs instead.
"""

import asyncio
import logging
from collections.abc import Awaitable, Sequence

import discord

from bot.discord.custom_ids import CustomIds
from bot.discord.form_pages import FormPages
from bot.discord.translate import Outgoing, messages
from bot.offloop import off_loop
from contract.vocabulary import Form, Reply

log = logging.getLogger(__name__)

DEFER_AFTER_SECONDS = 1.5

APOLOGY = Reply(
    "Sorry, something went wrong on my side. The problem has been logged for the admins; "
    "please try again in a minute.",
    private=True,
)
SENT_PRIVATELY = "I've sent you the answer in a direct message."
DMS_CLOSED = (
    "I couldn't send you a direct message (your privacy settings may block them). Use the "
    "slash command instead: its answer is shown only to you."
)


class Answerer:
    def __init__(
        self, ids: CustomIds, forms: FormPages, defer_after: float = DEFER_AFTER_SECONDS
    ) -> None:
        self.ids = ids
        self.forms = forms
        self.defer_after = defer_after

    async def interaction(
        self, interaction: discord.Interaction, work: Awaitable[Sequence[Reply]]
    ) -> None:
        """Answer `interaction` with the replies `work` produces."""
        try:
            task = asyncio.ensure_future(work)
            done, _ = await asyncio.wait({task}, timeout=self.defer_after)
            if not done:
                await interaction.response.defer(thinking=True, ephemeral=True)
            for reply in await task:
                await self._send(interaction, reply)
        except Exception:
            log.exception("answering a Discord interaction failed")
            await self.apologise(interaction)

    async def open_form(self, interaction: discord.Interaction, form: Form) -> None:
        modal = await off_loop(self.forms.first_modal, form, str(interaction.user.id))
        await interaction.response.send_modal(modal)

    async def apologise(self, interaction: discord.Interaction, reply: Reply = APOLOGY) -> None:
        try:
            await self._send(interaction, reply)
        except discord.HTTPException:
            log.exception("could not tell the user something went wrong")

    async def message(self, message: discord.Message, replies: Sequence[Reply]) -> None:
        for reply in replies:
            parts = await off_loop(messages, reply, self.ids, form_as_button=reply.form is not None)
            if reply.private and message.guild is not None:
                await self._send_privately(message, parts)
            else:
                for sent in parts:
                    await message.reply(**sent.kwargs(), mention_author=False)

    async def _send(self, interaction: discord.Interaction, reply: Reply) -> None:
        # A modal can only be the first answer, and never the answer to a modal.
        can_open_form = not interaction.response.is_done() and (
            interaction.type != discord.InteractionType.modal_submit
        )
        if reply.form is not None and can_open_form:
            await self.open_form(interaction, reply.form)
            return
        parts = await off_loop(messages, reply, self.ids, form_as_button=reply.form is not None)
        for sent in parts:
            await self.deliver(interaction, sent, private=reply.private)

    async def deliver(
        self, interaction: discord.Interaction, sent: Outgoing, *, private: bool
    ) -> None:
        if interaction.response.is_done():
            await interaction.followup.send(**sent.kwargs(), ephemeral=private)
        else:
            await interaction.response.send_message(**sent.kwargs(), ephemeral=private)

    async def _send_privately(self, message: discord.Message, parts: Sequence[Outgoing]) -> None:
        try:
            for sent in parts:
                await message.author.send(**sent.kwargs())
        except discord.Forbidden:
            await message.reply(DMS_CLOSED, mention_author=False)
            return
        await message.reply(SENT_PRIVATELY, mention_author=False)
