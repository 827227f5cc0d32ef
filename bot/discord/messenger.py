"""The outgoing side of Discord: DMs, channel posts, private threads for groups, edits."""

from collections.abc import Sequence

import discord

from bot.discord.custom_ids import CustomIds
from bot.discord.translate import Outgoing, messages, outgoing
from bot.offloop import off_loop
from contract.vocabulary import MessageRef, Platform, Reply

# The channel (by purpose, in DISCORD_CHANNELS) whose private threads hold group messages:
# a bot cannot start a group DM, so a group is a private thread its members are added to.
GROUPS_PURPOSE = "groups"
THREAD_NAME_LIMIT = 100


class DiscordMessenger:
    def __init__(
        self, client: discord.Client, ids: CustomIds, groups_channel_id: str | None
    ) -> None:
        self.client = client
        self.ids = ids
        self.groups_channel_id = groups_channel_id

    async def send_direct(self, user_id: str, reply: Reply) -> MessageRef:
        channel = await self.client.create_dm(discord.Object(int(user_id)))
        message = await _send_all(channel, await self._messages(reply))
        return _ref(channel.id, message.id)

    async def post_to_channel(self, channel_id: str, reply: Reply) -> MessageRef:
        channel = self.client.get_partial_messageable(int(channel_id))
        message = await _send_all(channel, await self._messages(reply))
        return _ref(channel.id, message.id)

    async def open_group(self, user_ids: Sequence[str], reply: Reply) -> MessageRef:
        if self.groups_channel_id is None:
            raise LookupError(
                "group messages on Discord need a channel for their private threads: "
                f"set DISCORD_CHANNELS={GROUPS_PURPOSE}:<channel id>"
            )
        parent_id = int(self.groups_channel_id)
        parent = self.client.get_channel(parent_id) or await self.client.fetch_channel(parent_id)
        if not isinstance(parent, discord.TextChannel):
            raise LookupError(f"channel {parent_id} cannot hold private threads")
        thread = await parent.create_thread(
            name=(reply.title or "LARCH")[:THREAD_NAME_LIMIT],
            type=discord.ChannelType.private_thread,
            invitable=False,
        )
        for user_id in user_ids:
            await thread.add_user(discord.Object(int(user_id)))
        message = await _send_all(thread, await self._messages(reply))
        return _ref(thread.id, message.id)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        """Rewrite one message (a live count): the reply must fit one."""
        channel = self.client.get_partial_messageable(int(ref.channel_id))
        sent = await off_loop(outgoing, reply, self.ids, form_as_button=reply.form is not None)
        await channel.get_partial_message(int(ref.message_id)).edit(
            embeds=sent.embeds,
            view=sent.view,
            attachments=sent.files,
            allowed_mentions=sent.allowed_mentions,
        )

    async def _messages(self, reply: Reply) -> list[Outgoing]:
        # Nobody clicked anything, so a form can only be offered as a button. Off the loop:
        # a long button value or a form is kept in the database.
        return await off_loop(messages, reply, self.ids, form_as_button=reply.form is not None)


async def _send_all(channel: discord.abc.Messageable, parts: Sequence[Outgoing]) -> discord.Message:
    """Send a reply's messages in order; the last carries the buttons, and so is the one a
    live count updates."""
    for part in parts:
        message = await channel.send(**part.kwargs())
    return message


def _ref(channel_id: int, message_id: int) -> MessageRef:
    return MessageRef(Platform.DISCORD, str(channel_id), str(message_id))
