"""The knowledge base as the bot serves it: the curated files, and the suggestions curators
approved since, which live in the database until someone exports them into files.

An approved suggestion joins the search index the moment it is approved and again at every
start-up. Once exported, the file and the database row describe the same entry; the file
wins, and the row is skipped by its id or its link.
"""

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.services import Services
from knowledge.entries import Entry
from storage import kb, members
from storage.kb import ApprovedEntry, ReviewState

# Marks an entry that came from a member's suggestion; `find member-submitted` lists them.
MEMBER_SUBMITTED = "member-submitted"
REVIEW_EVERY_MONTHS = 6


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


def load_approved(services: Services) -> int:
    """Add approved suggestions to the search index, skipping those now in files; how many
    were added."""
    with services.db.session() as session:
        rows = [(row, suggester(session, row)) for row in kb.approved_entries(session)]
    known_links = {url_key(entry.url) for entry in services.knowledge.entries if entry.url}
    added = 0
    for row, name in rows:
        if services.knowledge.get(row.id) is not None or row.url_key in known_links:
            continue
        services.knowledge.add(as_entry(row, services.timezone, name))
        known_links.add(row.url_key)
        added += 1
    return added


def suggester(session: Session, row: ApprovedEntry) -> str | None:
    """Who suggested the entry, unless they have asked to be forgotten."""
    return None if row.suggested_by is None else member_name(session, row.suggested_by)
