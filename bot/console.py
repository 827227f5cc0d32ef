"""The console adapter: the whole bot in a terminal, or driven by a pipe.

Lines typed are commands; buttons are shown as numbered choices and picked by typing the
number; a form asks for its fields one line at a time. Messages the bot sends to other
people (DMs, channel posts) are printed with who they were for.
"""

import asyncio
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.app import App
from contract.vocabulary import (
    Action,
    Actor,
    Button,
    Command,
    Form,
    MessageRef,
    Platform,
    Reply,
    mention,
)


class ConsoleMessenger:
    """Prints what would be sent to people and channels on a chat platform."""

    def __init__(self, out: TextIO, downloads: Path) -> None:
        self.out = out
        self.downloads = downloads
        self._ids = itertools.count(1)

    async def send_direct(self, user_id: str, reply: Reply) -> MessageRef:
        return self._print(f"direct message to {user_id}", user_id, reply)

    async def post_to_channel(self, channel_id: str, reply: Reply) -> MessageRef:
        return self._print(f"post in #{channel_id}", channel_id, reply)

    async def open_group(self, user_ids: Sequence[str], reply: Reply) -> MessageRef:
        return self._print(f"group message to {', '.join(user_ids)}", "group", reply)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        self._print(f"update of message {ref.message_id}", ref.channel_id, reply)

    def _print(self, heading: str, channel_id: str, reply: Reply) -> MessageRef:
        self.out.write(f"--- {heading} ---\n{render(reply, self.downloads)}\n")
        self.out.flush()
        return MessageRef(Platform.CONSOLE, channel_id, str(next(self._ids)))


def render(reply: Reply, downloads: Path, choices: Sequence[Button] = (), start: int = 1) -> str:
    """A reply as terminal text; `choices` are its action buttons, numbered from `start`."""
    lines = [reply.text]
    if reply.link and reply.link.url and reply.link.url not in reply.text:
        lines.append(f"{reply.link.label}: {reply.link.url}")
    lines += [f"  {b.label}: {b.url}" for b in reply.buttons if b.is_link]
    lines += [f"  [{n}] {button.label}" for n, button in enumerate(choices, start=start)]
    for attachment in reply.attachments:
        downloads.mkdir(parents=True, exist_ok=True)
        path = downloads / attachment.filename
        path.write_bytes(attachment.content)
        lines.append(f"  (file saved: {path})")
    return "\n".join(lines)


class Console:
    """One person talking to the bot through a text stream."""

    def __init__(
        self, app: App, actor: Actor, out: TextIO, downloads: Path, echo: bool = False
    ) -> None:
        self.app = app
        self.actor = actor
        self.out = out
        self.downloads = downloads
        self.echo = echo
        self._choices: list[Button] = []

    async def run(self, source: TextIO, prompt: bool = False) -> None:
        """Answer every line until end of input."""
        while True:
            if prompt:
                self.out.write("> ")
                self.out.flush()
            line = await asyncio.to_thread(source.readline)
            if not line:
                return
            await self.say(line.rstrip("\n"), source)

    async def say(self, line: str, source: TextIO | None = None) -> None:
        if self.echo:
            self.out.write(f"> {line}\n")
        picked = self._picked(line)
        if picked is not None:
            replies = await self.app.router.handle_action(
                Action(self.actor, picked.action_id, picked.value)
            )
        else:
            text = _console_mentions(line)
            replies = await self.app.router.handle_command(Command(self.actor, text))
        await self._show(replies, source)

    def _picked(self, line: str) -> Button | None:
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            return self._choices[int(text) - 1]
        return None

    async def _show(self, replies: Sequence[Reply], source: TextIO | None) -> None:
        self._choices = []
        for reply in replies:
            picks = reply.picker.as_buttons() if reply.picker else ()
            choices = [b for b in (*reply.buttons, *picks) if not b.is_link]
            text = render(reply, self.downloads, choices, start=len(self._choices) + 1)
            self._choices += choices
            self.out.write(text + "\n\n")
            if reply.form is not None and source is not None:
                await self._fill(reply.form, source)
        self.out.flush()

    async def _fill(self, form: Form, source: TextIO) -> None:
        """Ask each field on its own line; an empty line keeps the value shown in brackets
        (a form filled in for editing), or leaves the field blank."""
        self.out.write(f"{form.title} (one line per answer)\n")
        fields: dict[str, str] = {}
        for field in form.fields:
            options = f" [{' / '.join(field.choices)}]" if field.choices else ""
            optional = "" if field.required else " (optional)"
            current = f" [{field.initial}]" if field.initial else ""
            self.out.write(f"{field.label}{options}{optional}{current}: ")
            self.out.flush()
            answer = await asyncio.to_thread(source.readline)
            if not answer:
                self.out.write("\n(form abandoned)\n")
                return
            fields[field.name] = answer.rstrip("\n") or field.initial
            if self.echo:
                self.out.write(fields[field.name] + "\n")
        replies = await self.app.router.handle_action(
            Action(self.actor, form.action_id, form.value, fields)
        )
        await self._show(replies, source)


def _console_mentions(text: str) -> str:
    """`@alice` on the console means the console user alice."""
    words = [
        mention(Platform.CONSOLE, word[1:]) if word.startswith("@") and len(word) > 1 else word
        for word in text.split(" ")
    ]
    return " ".join(words)
