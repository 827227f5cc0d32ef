"""Curators change live entries from chat: `kb edit <id>` corrects an entry's title,
summary or link, and `kb retire <id>` takes one out of the answers.

Content files are not rewritten while the bot runs; the change is kept in the database,
applied over the file (see library.py), and reaches every process within a minute. An
edit or a retirement is what a "Needs change" note asked for, so it resolves the note, and
the reply quotes it so the curator can see it was the change asked for.
"""

from contract.params import Word
from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import Button, ButtonStyle, Form, FormField, Reply, Role
from handlers.kb.library import serve_current
from handlers.kb.suggestion import MAX_TITLE_CHARS, MAX_URL_CHARS, link_problem
from handlers.services import Services
from knowledge.entries import Entry
from knowledge.normalise import normalise
from storage import kb

SAVE_EDIT = "kb.entry_save"
RETIRE = "kb.entry_retire"
MAX_SUMMARY_CHARS = 400


def entry_ids(services: Services, typed: str) -> list[str]:
    """For autocomplete: the ids of live entries starting with what is typed."""
    wanted = typed.strip().lower()
    return sorted(e.id for e in services.knowledge.entries if e.id.startswith(wanted))


ENTRY = Word("entry", "The entry's id, as `kb stale` and `kb queue` show it", complete=entry_ids)


async def edit(request: Request, services: Services) -> Reply:
    entry = _live(services, request.value(ENTRY))
    if isinstance(entry, Reply):
        return entry
    return Reply(
        f"Correct “{entry.title}”; members get the new version as soon as you save.",
        form=_edit_form(entry),
        private=True,
    )


async def save_edit(request: Request, services: Services) -> Reply:
    entry = _live(services, request.args)
    if isinstance(entry, Reply):
        return entry
    title = " ".join(request.fields.get("title", "").split())
    summary = " ".join(request.fields.get("summary", "").split())
    link = request.fields.get("link", "").strip()
    problem = _problem(services, entry, title, summary, link)
    if problem is not None:
        return Reply(
            f"I couldn't save it: {problem} Nothing changed.", form=_edit_form(entry), private=True
        )
    with services.db.session() as session:
        kb.change_entry(
            session,
            entry.id,
            request.member.id,
            services.clock.now(),
            title=title,
            summary=summary,
            url=link or None,
        )
        note = kb.resolve_change_note(session, entry.id)
    serve_current(services)
    return Reply(
        f"Saved: members asking about it now get “{title}” as you wrote it." + _resolved(note),
        private=True,
    )


async def retire(request: Request, services: Services) -> Reply:
    entry = _live(services, request.value(ENTRY))
    if isinstance(entry, Reply):
        return entry
    return Reply(
        f"Retire “{entry.title}”? Members will no longer be given it as an answer; its file "
        "stays in the repository for the curators to delete or rewrite.",
        buttons=(
            Button(
                f"Retire “{entry.title}”",
                action_id=RETIRE,
                value=entry.id,
                style=ButtonStyle.DANGER,
            ),
        ),
        private=True,
    )


async def confirm_retire(request: Request, services: Services) -> Reply:
    entry = _live(services, request.args)
    if isinstance(entry, Reply):
        return entry
    with services.db.session() as session:
        kb.change_entry(session, entry.id, request.member.id, services.clock.now(), retired=True)
        note = kb.resolve_change_note(session, entry.id)
    serve_current(services)
    return Reply(
        f"Retired: “{entry.title}” is no longer in the answers." + _resolved(note),
        private=True,
    )


def _live(services: Services, entry_id: str) -> Entry | Reply:
    entry = services.knowledge.get(entry_id.strip().lower())
    if entry is None:
        return Reply(
            f"No live entry has the id `{entry_id}`, so nothing changed. `kb stale` and "
            "`find` show entries with their ids.",
            private=True,
        )
    return entry


def _problem(services: Services, entry: Entry, title: str, summary: str, link: str) -> str | None:
    if not title or len(title) > MAX_TITLE_CHARS:
        return f"the title should be between 1 and {MAX_TITLE_CHARS} characters."
    if not summary or len(summary) > MAX_SUMMARY_CHARS:
        return f"the summary should be between 1 and {MAX_SUMMARY_CHARS} characters."
    if link:
        problem = link_problem(link)
        if problem is not None:
            return problem
    wanted = normalise(title)
    for other in services.knowledge.entries:
        names = (other.title, *other.aliases)
        if other.id != entry.id and any(normalise(name) == wanted for name in names):
            return f"“{other.title}” is already called that, and two entries must not share a name."
    return None


def _edit_form(entry: Entry) -> Form:
    return Form(
        title="Edit the entry",
        action_id=SAVE_EDIT,
        value=entry.id,
        fields=(
            FormField("title", "Title", initial=entry.title, max_length=MAX_TITLE_CHARS),
            FormField(
                "summary",
                "Summary shown in answers",
                initial=entry.summary,
                multiline=True,
                max_length=MAX_SUMMARY_CHARS,
            ),
            FormField(
                "link",
                "Source link",
                initial=entry.url or "",
                required=False,
                max_length=MAX_URL_CHARS,
            ),
        ),
        submit_label="Save",
    )


def _resolved(note: str | None) -> str:
    return f" This resolves the note “{note}”." if note else ""


COMMANDS = [
    CommandSpec(
        name="kb edit",
        summary="Correct a live entry's title, summary or link (curators)",
        handler=edit,
        opens_form=True,
        params=(ENTRY,),
        role=Role.CURATOR,
        examples=("kb edit wres",),
    ),
    CommandSpec(
        name="kb retire",
        summary="Take an entry out of the answers (curators)",
        handler=retire,
        params=(ENTRY,),
        role=Role.CURATOR,
        examples=("kb retire bame",),
    ),
]

ACTIONS = [
    ActionSpec(SAVE_EDIT, save_edit, role=Role.CURATOR),
    ActionSpec(RETIRE, confirm_retire, role=Role.CURATOR),
]
