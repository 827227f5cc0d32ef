"""The knowledge base as the bot serves it: the curated files, and the suggestions curators
approved since, which live in the database until someone exports them into files.

An approved suggestion joins the search index the moment it is approved and again at every
start-up. Once exported, the file and the database row describe the same entry; the file
wins, and the row is skipped by its id or its link. A curator's `kb edit` or `kb retire`
is kept in the database too, applied over the file or the row.

Every change counts up the knowledge base's version in the database. Each process (a
Slack worker, the Discord client, the clock) looks at it before a request or job, at most
every REFRESH_EVERY, and rebuilds its index when it moved: a change made in one process is
answered by all of them within a minute, with no restart.
"""

from dataclasses import replace
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.services import Services
from knowledge.entries import Entry
from knowledge.search import SearchIndex
from storage import kb, members
from storage.kb import ApprovedEntry, EntryChange, ReviewState

# Marks an entry that came from a member's suggestion; `find member-submitted` lists them.
MEMBER_SUBMITTED = "member-submitted"
REVIEW_EVERY_MONTHS = 6
# How often a process asks the database whether another one changed the knowledge base: a
# change anywhere is answered everywhere within this, plus the time to rebuild the index.
REFRESH_EVERY = timedelta(seconds=30)


def url_key(url: str) -> str:
    """A link as compared for duplicates: `https://www.x.org/a/` and `http://x.org/a` are
    one resource. Scheme, a leading "www.", a trailing slash and a #fragment do not count."""
    parts = urlsplit(url.strip())
    host = parts.netloc.rpartition("@")[2].lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, last_day)
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def local_day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def review_dates(entry: Entry, state: ReviewState | None) -> tuple[date | None, date | None]:
    """When an entry was last reviewed and is next due: its file's dates, or the later
    ones a curator gave with "Still accurate" (files are not rewritten at run time)."""
    if state is None:
        return entry.last_reviewed, entry.review_by
    return _later(entry.last_reviewed, state.last_reviewed), _later(
        entry.review_by, state.review_by
    )


def _later(first: date | None, second: date | None) -> date | None:
    return max((d for d in (first, second) if d is not None), default=None)


def as_entry(row: ApprovedEntry, tz: ZoneInfo, suggested_by: str | None = None) -> Entry:
    """An approved row as the entry search and answers use; `suggested_by` names the
    member (content files written for the repository leave the name out)."""
    who = f"a member, {suggested_by}," if suggested_by else "a member"
    return Entry(
        id=row.id,
        kind=row.kind,
        title=row.title,
        summary=row.summary,
        body=(
            f"Suggested by {who} on {local_day(row.suggested_at, tz):%-d %B %Y}, and approved "
            "by the curators."
        ),
        tags=tuple(row.tags),
        url=row.url,
        last_reviewed=row.last_reviewed,
        review_by=row.review_by,
        owner="curators",
    )


def member_name(session: Session, member_id: int | None) -> str:
    """Who suggested, decided or noted something, by name, unless they have asked to be
    forgotten."""
    if member_id is None:
        return "someone who has since left"
    try:
        return members.profile(session, member_id).display_name
    except LookupError:
        return "someone who has since left"


def serve_current(services: Services) -> int:
    """Serve the knowledge base as it is now: the content files, the approved suggestions
    not yet exported into files, and what curators changed in chat; how many entries."""
    source = services.knowledge_source
    with services.db.session() as session:
        version = kb.knowledge_version(session)
        rows = [(row, suggester(session, row)) for row in kb.approved_entries(session)]
        changes = kb.entry_changes(session)
    entries = list(source.files)
    ids = {entry.id for entry in entries}
    known_links = {url_key(entry.url) for entry in entries if entry.url}
    for row, name in rows:
        if row.id in ids or row.url_key in known_links:
            continue
        entries.append(as_entry(row, services.timezone, name))
        ids.add(row.id)
        known_links.add(row.url_key)
    served = [_changed(entry, changes.get(entry.id)) for entry in entries]
    live = [entry for entry in served if entry is not None]
    # At start-up with nothing in the database, the index built from the files is this.
    if live != list(services.knowledge.entries):
        services.knowledge = SearchIndex(live, model=services.knowledge.model)
    source.version, source.checked_at = version, services.clock.now()
    return len(live)


def keep_current(services: Services) -> None:
    """Before a request or a job: when another process changed the knowledge base since this
    one last looked (looking at most every REFRESH_EVERY), serve it as it is now."""
    source = services.knowledge_source
    now = services.clock.now()
    if source.checked_at is not None and now - source.checked_at < REFRESH_EVERY:
        return
    with services.db.session() as session:
        version = kb.knowledge_version(session)
    if version == source.version:
        source.checked_at = now
        return
    serve_current(services)


def _changed(entry: Entry, change: EntryChange | None) -> Entry | None:
    """The entry as a curator left it in chat; None once retired."""
    if change is None:
        return entry
    if change.retired:
        return None
    return replace(
        entry,
        title=change.title or entry.title,
        summary=change.summary or entry.summary,
        url=change.url or entry.url,
    )


def suggester(session: Session, row: ApprovedEntry) -> str | None:
    """Who suggested the entry, unless they have asked to be forgotten."""
    return None if row.suggested_by is None else member_name(session, row.suggested_by)
