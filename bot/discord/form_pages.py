"""Forms longer than one Discord modal (five inputs): one modal per page, and between pages an
ephemeral Continue button that opens the next, because a modal can be opened in answer to a
click or a command but never in answer to another modal.

The answers so far are a draft in the database (storage/button_payloads.py), so a restart
between pages loses nothing, and the draft belongs to the Discord user who started it:
nobody else can continue or send it. The form's handler hears nothing until the last page
is sent, and then once, with every field.
"""

from dataclasses import asdict, dataclass
from typing import Any

import discord

from bot.discord.custom_ids import CustomIds, Target, form_from
from bot.discord.translate import Outgoing, continue_form, form_pages, modal_for
from contract.vocabulary import Form, Reply
from storage import button_payloads

NOT_YOURS = Reply(
    "Someone else started this form, so only they can go on with it. Nothing was changed; "
    "run the command yourself to fill in your own.",
    private=True,
)
GONE = Reply(
    "That form is no longer open: it was sent already, or left unfinished for a day. "
    "Nothing was changed; please start it again.",
    private=True,
)


@dataclass(frozen=True)
class Finished:
    """The last page is in: the whole form's answers, for its handler."""

    form: Form
    fields: dict[str, str]


class FormPages:
    def __init__(self, ids: CustomIds) -> None:
        self.ids = ids

    def first_modal(self, form: Form, user_id: str) -> discord.ui.Modal:
        """The modal that opens `form` for `user_id`: the whole form when it fits in one,
        else its first page, with a new draft behind it."""
        if len(form_pages(form)) == 1:
            return modal_for(form, self.ids.modal(form))
        draft = {"form": asdict(form), "user_id": user_id, "answers": {}}
        with self.ids.db.session() as session:
            key = button_payloads.start_draft(session, draft, self.ids.clock.now())
        return modal_for(form, self.ids.form_page(key, 1), 1)

    def open(self, target: Target, user_id: str) -> discord.ui.Modal | Reply:
        """A Continue click: the page's modal, or why it cannot open."""
        with self.ids.db.session() as session:
            draft = button_payloads.draft(session, target.draft)
        read = _read(draft, user_id, target.page)
        if isinstance(read, Reply):
            return read
        form, _ = read
        return modal_for(form, self.ids.form_page(target.draft, target.page), target.page)

    def submit(
        self, target: Target, user_id: str, fields: dict[str, str]
    ) -> Finished | Outgoing | Reply:
        """A page sent: the Continue button for the next page, the whole form after the last
        one, or why the page was not taken."""
        with self.ids.db.session() as session:
            draft = button_payloads.draft(session, target.draft, lock=True)
            read = _read(draft, user_id, target.page)
            if isinstance(read, Reply):
                return read
            form, answers = read
            pages = form_pages(form)
            asked = {form_field.name for form_field in pages[target.page - 1]}
            answers |= {name: value for name, value in fields.items() if name in asked}
            if target.page < len(pages):
                button_payloads.save_draft(session, target.draft, {**draft, "answers": answers})
                following = self.ids.form_page(target.draft, target.page + 1)
                return continue_form(form, target.page + 1, following)
            if not button_payloads.finish_draft(session, target.draft):
                return GONE
        return Finished(form, answers)


def _read(
    draft: dict[str, Any] | None, user_id: str, page: int
) -> tuple[Form, dict[str, str]] | Reply:
    """The draft's form and its answers so far, if `user_id` may fill in page `page`."""
    if draft is None:
        return GONE
    try:
        form = form_from(draft["form"])
        owner, answers = draft["user_id"], dict(draft["answers"])
    except (KeyError, TypeError):
        return GONE
    if owner != user_id:
        return NOT_YOURS
    if page > len(form_pages(form)):
        return GONE
    return form, answers
