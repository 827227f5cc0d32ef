"""Custom ids: what a Discord button or modal carries, so that a click or a submission finds
its action from the id alone, after any restart, with no callback kept in memory.

    larch:<action_id>:<value>        a button
    larch-form:<action_id>:<value>   a modal
    larch-page:<draft key>:<page>    a page of a form longer than one modal: the modal, and
                                     the Continue button that opens it (see form_pages.py)
    larch-pick:<n>                   a picker's menu (the nth of a message), whose options
                                     carry button ids

Discord allows 100 characters. A longer payload is kept in the database and the id carries
its key instead (`larch#:<key>`, `larch-form#:<key>`); so is every form that a button has to
open (`larch-open#:<key>`), which happens when a form cannot be opened straight away. Ids
come back from Discord untrusted: anything that does not read as one of these is None.
"""

import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from contract.vocabulary import Clock, Form, FormField
from storage import button_payloads
from storage.db import Database

CUSTOM_ID_LIMIT = 100
STORED = "#"


class Kind(StrEnum):
    BUTTON = "larch"
    FORM = "larch-form"
    OPEN_FORM = "larch-open"
    FORM_PAGE = "larch-page"


# Every id a button of ours can carry; discord.py matches clicks against it.
BUTTON_ID = re.compile(r"larch(?:-open|-page)?#?:.*", re.DOTALL)
# A picker's menu; the option picked carries a button's id.
PICK_MENU = "larch-pick:"
PICK_ID = re.compile(rf"{PICK_MENU}\d{{1,2}}")
_PAGE = re.compile(r"(?P<draft>[\w-]{1,64}):(?P<page>[1-9])")


@dataclass(frozen=True)
class Target:
    """What a custom id asks for: an action (with its untrusted value) or a form to open."""

    kind: Kind
    action_id: str = ""
    value: str = ""
    form: Form | None = None
    # A page of a long form: the draft that keeps its answers so far, and which page.
    draft: str = ""
    page: int = 0


class CustomIds:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def button(self, action_id: str, value: str) -> str:
        return self._action_id(Kind.BUTTON, action_id, value)

    def modal(self, form: Form) -> str:
        return self._action_id(Kind.FORM, form.action_id, form.value)

    def form_opener(self, form: Form) -> str:
        return f"{Kind.OPEN_FORM}{STORED}:{self._keep({'form': asdict(form)})}"

    def form_page(self, draft: str, page: int) -> str:
        return f"{Kind.FORM_PAGE}:{draft}:{page}"

    def read(self, custom_id: str) -> Target | None:
        prefix, colon, rest = custom_id.partition(":")
        stored = prefix.endswith(STORED)
        try:
            kind = Kind(prefix.removesuffix(STORED))
        except ValueError:
            return None
        if not colon:
            return None
        if kind == Kind.FORM_PAGE:
            page = _PAGE.fullmatch(rest)
            if stored or page is None:
                return None
            return Target(kind, draft=page["draft"], page=int(page["page"]))
        if not stored:
            action_id, colon, value = rest.partition(":")
            if kind == Kind.OPEN_FORM or not colon or not action_id:
                return None
            return Target(kind, action_id, value)
        with self.db.session() as session:
            payload = button_payloads.fetch(session, rest)
        try:
            if kind == Kind.OPEN_FORM:
                return Target(kind, form=form_from(payload["form"]))  # type: ignore[index]
            return Target(kind, str(payload["action_id"]), str(payload["value"]))  # type: ignore[index]
        except (KeyError, TypeError):
            return None

    def _action_id(self, kind: Kind, action_id: str, value: str) -> str:
        inline = f"{kind}:{action_id}:{value}"
        if len(inline) <= CUSTOM_ID_LIMIT and ":" not in action_id:
            return inline
        return f"{kind}{STORED}:{self._keep({'action_id': action_id, 'value': value})}"

    def _keep(self, payload: dict[str, Any]) -> str:
        with self.db.session() as session:
            return button_payloads.keep(session, payload, self.clock.now())


def form_from(data: dict[str, Any]) -> Form:
    """A form as `asdict` left it."""
    fields = tuple(
        FormField(**{**field, "choices": tuple(field["choices"])}) for field in data["fields"]
    )
    return Form(**{**data, "fields": fields})
