"""Forms that could not be opened when they were asked for, kept for the button that opens
them later.

Slack opens a modal only with a trigger_id from the member's own click or command, and
accepts it for 3 seconds. An answer that comes later (a busy worker, a request taken
again after a lease), or in answer to a mention or a DM, which carry no trigger at all,
offers the form behind an "Open the form" button instead. Its click brings a fresh
trigger, and the web process opens the form at once from what is kept here: the same
fields, the same initial values, the same words above them.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

from contract.vocabulary import Clock, Form
from storage import button_payloads, stored_replies
from storage.db import Database


@dataclass(frozen=True)
class ShelvedForm:
    form: Form
    intro: str


class FormShelf:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def keep(self, user_id: str, form: Form, intro: str) -> str:
        """Keep the form for `user_id`; the key its button carries."""
        payload = {"user_id": user_id, "form": stored_replies.form_to_json(form), "intro": intro}
        return await asyncio.to_thread(self._keep, payload)

    def _keep(self, payload: dict[str, Any]) -> str:
        with self._db.session() as session:
            return button_payloads.keep(session, payload, self._clock.now())

    async def find(self, key: str, user_id: str) -> ShelvedForm | None:
        """The form kept under `key` for `user_id`; None for a key that names none, or one
        kept for someone else (a button's value is untrusted)."""
        payload = await asyncio.to_thread(self._find, key)
        if payload is None or payload.get("user_id") != user_id:
            return None
        return ShelvedForm(stored_replies.form_from_json(payload["form"]), payload["intro"])

    def _find(self, key: str) -> dict[str, Any] | None:
        with self._db.session() as session:
            return button_payloads.fetch(session, key)
