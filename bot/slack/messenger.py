"""The Slack side of the `Messenger`: everything the bot says on Slack goes through here,
whether it answers someone (`answer`) or reaches out on its own (DMs, channel posts,
group DMs, updates).

All calls share one Web API client, whose retry handlers wait out a 429 for as long as
Slack's `Retry-After` says, and one HTTP session, so connections are reused.

A form opens as a modal when the answer comes with a trigger Slack still takes; otherwise
(no trigger, or one gone stale) the answer carries an "Open the form" button instead, whose
click opens the same form (see `form_shelf.py`).
"""

import logging
from collections.abc import Sequence
from dataclasses import replace

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack import translate
from bot.slack.form_shelf import FormShelf
from bot.slack.translate import Block, Origin
from contract.vocabulary import (
    Attachment,
    ChannelUnreachable,
    Form,
    MessageRef,
    Platform,
    Reply,
)

log = logging.getLogger(__name__)

FILES_IN_DM = "(The file is in your direct messages with me.)"
FORM_GONE = Reply(
    "That form isn't one I kept for you, so I can't open it. Please ask for it again.",
    private=True,
)
# What views.open answers when the trigger came too late, was never Slack's, or has opened
# a modal already: the form can still be opened, from a fresh click.
TRIGGER_GONE = frozenset({"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"})

# What Slack's refusals of a channel mean to the person who asked for the post, and what
# they can do about it. With `chat:write.public` the bot may post in any public channel
# without being invited, so these are private channels, and ids that are wrong.
_CHANNEL_REFUSALS = {
    "not_in_channel": (
        "Slack says I'm not a member of it",
        "Invite me there (type `/invite @LARCH` in that channel).",
    ),
    "channel_not_found": (
        "Slack can't find it, or it is private and I'm not in it",
        "Invite me there, or ask an admin to check the channel id in `SLACK_CHANNELS`.",
    ),
    "is_archived": (
        "it is archived",
        "Ask an admin to name another channel in `SLACK_CHANNELS`.",
    ),
}


class SlackMessenger:
    def __init__(
        self,
        client: AsyncWebClient,
        shelf: FormShelf,
        session: aiohttp.ClientSession | None = None,
        retry_handlers: Sequence[AsyncRetryHandler] = (),
    ) -> None:
        self.client = client
        self.shelf = shelf
        self._session = session
        self._retry_handlers = list(retry_handlers)
        self._names: dict[str, str] = {}
        self._direct_channels: dict[str, str] = {}

    # --- reaching out (the Messenger protocol) -----------------------------------------

    async def send_direct(self, user_id: str, reply: Reply) -> MessageRef:
        return await self._post(await self._direct_channel(user_id), reply)

    async def post_to_channel(self, channel_id: str, reply: Reply) -> MessageRef:
        try:
            return await self._post(channel_id, reply)
        except SlackApiError as error:
            refusal = _CHANNEL_REFUSALS.get(error.response.get("error", ""))
            if refusal is None:
                raise
            raise ChannelUnreachable(Platform.SLACK, channel_id, *refusal) from error

    async def open_group(self, user_ids: Sequence[str], reply: Reply) -> MessageRef:
        opened = await self.client.conversations_open(users=",".join(user_ids))
        return await self._post(opened["channel"]["id"], reply)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        await self.client.chat_update(
            channel=ref.channel_id,
            ts=ref.message_id,
            text=translate.fallback_text(reply),
            blocks=translate.message_blocks(reply),
        )

    # --- answering someone who just spoke to the bot -----------------------------------

    async def answer(self, origin: Origin, reply: Reply) -> None:
        if reply.form is not None:
            # The modal says what the reply said, unless the reply has buttons, which a
            # form cannot carry: then they come with its text beside the modal, so that
            # closing the form loses nothing (the REMI stage picker).
            intro = "" if reply.buttons else reply.text
            if origin.trigger_id and await self.open_form(origin.trigger_id, reply.form, intro):
                if not reply.buttons:
                    return
                reply = replace(reply, form=None)
            else:
                key = await self.shelf.keep(origin.user_id, reply.form, intro)
                opener = translate.open_form_button(key)
                reply = replace(reply, form=None, buttons=(opener, *reply.buttons))
        if reply.private or origin.ephemeral:
            await self._whisper(origin, reply)
        else:
            channel = origin.channel_id or await self._direct_channel(origin.user_id)
            await self._post(channel, reply, origin.thread_ts)

    async def open_form(self, trigger_id: str, form: Form, intro: str = "") -> bool:
        """Open the form as a modal; False when Slack no longer takes the trigger."""
        try:
            await self.client.views_open(
                trigger_id=trigger_id, view=translate.modal_view(form, intro)
            )
        except SlackApiError as error:
            refusal = error.response.get("error")
            if refusal not in TRIGGER_GONE:
                raise
            log.info("form %s not opened (%s); offered behind a button", form.action_id, refusal)
            return False
        return True

    async def open_kept_form(self, origin: Origin, key: str) -> None:
        """A click on "Open the form": the form kept under `key`, opened with the click's
        own trigger."""
        kept = await self.shelf.find(key, origin.user_id)
        reply = FORM_GONE if kept is None else Reply(kept.intro, form=kept.form, private=True)
        await self.answer(origin, reply)

    async def publish_home(self, user_id: str, view: Block) -> None:
        await self.client.views_publish(user_id=user_id, view=view)

    async def display_name(self, user_id: str) -> str:
        """The member's name as Slack shows it, asked once per process; "" when Slack
        will not say (a name is nice to have, never a reason to fail a request)."""
        if user_id not in self._names:
            try:
                user = (await self.client.users_info(user=user_id))["user"]
            except Exception:
                log.warning("could not look up the name of Slack user %s", user_id, exc_info=True)
                return ""
            profile = user.get("profile") or {}
            self._names[user_id] = (
                profile.get("display_name")
                or profile.get("real_name")
                or user.get("real_name")
                or user.get("name")
                or ""
            )
        return self._names[user_id]

    async def _whisper(self, origin: Origin, reply: Reply) -> None:
        """Only the asker sees it. Files cannot be ephemeral, so they go to the asker's
        direct messages with the bot, and the answer says so."""
        files = reply.attachments
        if files and not origin.is_direct:
            reply = replace(reply, text=f"{reply.text}\n{FILES_IN_DM}", attachments=())
        if origin.response_url:
            await self._respond(origin.response_url, replace(reply, attachments=()))
        elif origin.is_direct and origin.channel_id:
            await self._post(origin.channel_id, replace(reply, attachments=()), origin.thread_ts)
        elif origin.channel_id:
            for part in translate.messages(reply):
                await self.client.chat_postEphemeral(
                    channel=origin.channel_id,
                    user=origin.user_id,
                    text=translate.fallback_text(part),
                    blocks=translate.message_blocks(part),
                    thread_ts=origin.thread_ts,
                )
        else:
            await self.send_direct(origin.user_id, replace(reply, attachments=()))
        if files:
            if origin.is_direct and origin.channel_id:
                await self._upload(origin.channel_id, files, origin.thread_ts)
            else:
                await self._upload(await self._direct_channel(origin.user_id), files)

    async def _post(self, channel: str, reply: Reply, thread_ts: str | None = None) -> MessageRef:
        """Post the reply, in several messages if it is long; the reference is to the last,
        which carries the buttons (and so the live counts an update rewrites)."""
        for part in translate.messages(reply):
            posted = await self.client.chat_postMessage(
                channel=channel,
                text=translate.fallback_text(part),
                blocks=translate.message_blocks(part),
                thread_ts=thread_ts,
                unfurl_links=False,
            )
        if reply.attachments:
            await self._upload(channel, reply.attachments, thread_ts)
        return MessageRef(Platform.SLACK, posted["channel"], posted["ts"])

    async def _respond(self, response_url: str, reply: Reply) -> None:
        webhook = AsyncWebhookClient(
            response_url, session=self._session, retry_handlers=self._retry_handlers
        )
        for part in translate.messages(reply):
            sent = await webhook.send(
                text=translate.fallback_text(part),
                blocks=translate.message_blocks(part),
                response_type="ephemeral",
                replace_original=False,
            )
            if sent.status_code != 200:
                raise RuntimeError(f"response_url answered {sent.status_code}: {sent.body[:200]}")

    async def _upload(
        self, channel: str, files: Sequence[Attachment], thread_ts: str | None = None
    ) -> None:
        await self.client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            file_uploads=[
                {"content": f.content, "filename": f.filename, "title": f.filename} for f in files
            ],
        )

    async def _direct_channel(self, user_id: str) -> str:
        if user_id not in self._direct_channels:
            opened = await self.client.conversations_open(users=user_id)
            self._direct_channels[user_id] = opened["channel"]["id"]
        return self._direct_channels[user_id]
