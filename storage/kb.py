"""The knowledge base's records that live in the database: members' suggestions and the
curators' decisions on them, approved entries, each entry's review state, what members
said about answers (and the questions nothing answered), and when the weekly digest goes.

Curated content stays in files (`knowledge/content/`); these tables hold what changes at
run time. Every function takes the caller's session. A decision on a suggestion is a
conditional update (`WHERE status = 'pending'`), so two curators clicking at once cannot
both decide it; a member's feedback on one question is kept once a month by a unique key.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, delete, select, update

from storage.types import UTCDateTime

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
HELPFUL, UNHELPFUL, UNANSWERED = "helpful", "unhelpful", "unanswered"
GAP_OUTCOMES = (UNHELPFUL, UNANSWERED)


class Submission(SQLModel, table=True):
    """A member's suggestion, from `suggest` to a curator's decision."""

    __tablename__ = "kb_submission"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=500)
    # The link as compared for duplicates: no scheme, no "www.", no trailing slash.
    url_key: str = Field(max_length=500, index=True)
    title: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    why: str = Field(default="", max_length=300)
    # What the resource is, in the member's words: the summary an approved entry answers with.
    description: str = Field(default="", max_length=400)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    submitted_by: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="SET NULL"
    )
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(default=PENDING, max_length=10, index=True)
    reviewed_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    reason: str | None = Field(default=None, max_length=500)
    entry_id: str | None = Field(default=None, max_length=80)


class ApprovedEntry(SQLModel, table=True):
    """An approved suggestion, shaped like a content file's entry, so it is searchable at
    once and survives restarts until a curator exports it into `knowledge/content/`."""

    __tablename__ = "kb_entry"

    id: str = Field(primary_key=True, max_length=80)
    kind: str = Field(max_length=20)
    title: str = Field(max_length=200)
    summary: str = Field(max_length=400)
    url: str = Field(max_length=500)
    url_key: str = Field(max_length=500, index=True)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    last_reviewed: date
    review_by: date
    submission_id: int | None = Field(
        default=None, foreign_key="kb_submission.id", unique=True, ondelete="SET NULL"
    )
    suggested_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    suggested_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    approved_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    approved_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class ReviewState(SQLModel, table=True):
    """What curators said about an entry since its file was written: content files are
    read-only while the bot runs, so "still accurate" and "needs change" are kept here."""

    __tablename__ = "kb_review"

    entry_id: str = Field(primary_key=True, max_length=80)
    # None: the curators together, as the content files' `owner: curators` says.
    owner_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    review_by: date | None = None
    last_reviewed: date | None = None
    confirmed_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    change_note: str | None = Field(default=None, max_length=500)
    change_noted_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    change_noted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class EntryChange(SQLModel, table=True):
    """A live entry as a curator changed it in chat (`kb edit`, `kb retire`): its file, or
    its approved row, stays as it was; the bot serves the entry with these fields instead,
    or not at all once retired."""

    __tablename__ = "kb_change"

    entry_id: str = Field(primary_key=True, max_length=80)
    title: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, max_length=400)
    url: str | None = Field(default=None, max_length=500)
    retired: bool = False
    changed_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class KnowledgeVersion(SQLModel, table=True):
    """One row counting changes to the knowledge base served from the database: every
    process compares it with the one it built its index from, and rebuilds when it moved."""

    __tablename__ = "kb_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 0


class AnswerFeedback(SQLModel, table=True):
    """An answer marked helpful or not, or a question nothing answered. A member's mark on
    one question counts once a month; questions nobody answered are kept without a name."""

    __tablename__ = "kb_feedback"
    __table_args__ = (UniqueConstraint("member_id", "month", "outcome", "query_key"),)

    id: int | None = Field(default=None, primary_key=True)
    outcome: str = Field(max_length=12)
    query: str = Field(max_length=200)
    # The question as grouped: case and spacing folded, so repeats count together.
    query_key: str = Field(max_length=200)
    entry_id: str | None = Field(default=None, max_length=80)
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    # London calendar month, "2026-11": what `kb gaps` reads.
    month: str = Field(max_length=7, index=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DigestSchedule(SQLModel, table=True):
    """When the weekly digest goes out, in one row; no row means the default."""

    __tablename__ = "kb_digest_schedule"

    id: int = Field(default=1, primary_key=True)
    weekday: int  # 0 is Monday
    hour: int
    minute: int
    set_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    set_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# --- suggestions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggested:
    url: str
    url_key: str
    title: str
    kind: str
    why: str
    tags: tuple[str, ...]
    description: str = ""


def add_submission(
    session: Session, suggested: Suggested, member_id: int, now: datetime
) -> Submission:
    submission = Submission(
        url=suggested.url,
        url_key=suggested.url_key,
        title=suggested.title,
        kind=suggested.kind,
        why=suggested.why,
        description=suggested.description,
        tags=list(suggested.tags),
        submitted_by=member_id,
        submitted_at=now,
    )
    session.add(submission)
    session.flush()
    return submission


def submission(session: Session, submission_id: int) -> Submission | None:
    # Read afresh: a decision another curator made a moment ago must show.
    return session.get(Submission, submission_id, populate_existing=True)


def pending_submissions(session: Session) -> list[Submission]:
    """Suggestions waiting for a curator, oldest first."""
    return list(
        session.exec(
            select(Submission)
            .where(Submission.status == PENDING)
            .order_by(col(Submission.submitted_at), col(Submission.id))
        ).all()
    )


def decide(
    session: Session,
    submission: Submission,
    status: str,
    reviewer_id: int,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Approve or reject a pending suggestion; False when it is no longer pending (decided
    already, perhaps by another curator a moment ago)."""
    result = session.exec(
        update(Submission)
        .where(col(Submission.id) == submission.id, col(Submission.status) == PENDING)
        .values(status=status, reviewed_by=reviewer_id, reviewed_at=now, reason=reason)
    )
    return result.rowcount == 1


# --- approved entries ----------------------------------------------------------------------


def add_entry(session: Session, entry: ApprovedEntry, candidate_ids: Sequence[str]) -> str:
    """Store `entry` under the first of `candidate_ids` not yet taken; the id it got."""
    for entry_id in candidate_ids:
        try:
            with session.begin_nested():
                session.add(ApprovedEntry(**{**entry.model_dump(), "id": entry_id}))
        except IntegrityError:
            continue
        session.exec(
            update(Submission)
            .where(col(Submission.id) == entry.submission_id)
            .values(entry_id=entry_id)
        )
        return entry_id
    raise ValueError("every candidate id is taken")


def approved_entries(session: Session) -> list[ApprovedEntry]:
    return list(
        session.exec(
            select(ApprovedEntry).order_by(col(ApprovedEntry.approved_at), col(ApprovedEntry.id))
        ).all()
    )


def approved_between(session: Session, start: datetime, end: datetime) -> list[ApprovedEntry]:
    """Entries approved in [start, end), oldest first."""
    return list(
        session.exec(
            select(ApprovedEntry)
            .where(col(ApprovedEntry.approved_at) >= start, col(ApprovedEntry.approved_at) < end)
            .order_by(col(ApprovedEntry.approved_at), col(ApprovedEntry.id))
        ).all()
    )


def changes_between(session: Session, start: datetime, end: datetime) -> list[EntryChange]:
    """Entries whose latest change in chat (an edit or retirement) fell in [start, end)."""
    return list(
        session.exec(
            select(EntryChange)
            .where(col(EntryChange.changed_at) >= start, col(EntryChange.changed_at) < end)
            .order_by(col(EntryChange.changed_at), col(EntryChange.entry_id))
        ).all()
    )


def approved_entry_ids(session: Session) -> set[str]:
    return set(session.exec(select(ApprovedEntry.id)).all())


# --- changes made in chat, and the version every process follows ---------------------------


def bump_version(session: Session) -> None:
    """Count a change, in the caller's transaction: other processes see it once it commits.
    One UPDATE, so two changes at once both count."""
    result = session.exec(
        update(KnowledgeVersion)
        .where(col(KnowledgeVersion.id) == 1)
        .values(version=KnowledgeVersion.version + 1)
    )
    if result.rowcount == 0:
        try:
            with session.begin_nested():
                session.add(KnowledgeVersion(id=1, version=1))
        except IntegrityError:
            bump_version(session)


def knowledge_version(session: Session) -> int:
    row = session.get(KnowledgeVersion, 1, populate_existing=True)
    return 0 if row is None else row.version


def entry_changes(session: Session) -> dict[str, EntryChange]:
    return {change.entry_id: change for change in session.exec(select(EntryChange)).all()}


def change_entry(
    session: Session,
    entry_id: str,
    member_id: int,
    now: datetime,
    *,
    title: str | None = None,
    summary: str | None = None,
    url: str | None = None,
    retired: bool = False,
) -> None:
    """Record an edit (the fields given) or a retirement, and count it."""
    change = session.get(EntryChange, entry_id) or EntryChange(entry_id=entry_id, changed_at=now)
    if title is not None:
        change.title = title
    if summary is not None:
        change.summary = summary
    if url is not None:
        change.url = url
    change.retired = change.retired or retired
    change.changed_by = member_id
    change.changed_at = now
    session.add(change)
    bump_version(session)


# --- review state --------------------------------------------------------------------------


def review_states(session: Session) -> dict[str, ReviewState]:
    return {state.entry_id: state for state in session.exec(select(ReviewState)).all()}


def _state(session: Session, entry_id: str) -> ReviewState:
    """The entry's review state, created if it has none (a concurrent creation is kept)."""
    state = session.get(ReviewState, entry_id)
    if state is not None:
        return state
    try:
        with session.begin_nested():
            state = ReviewState(entry_id=entry_id)
            session.add(state)
    except IntegrityError:
        state = session.get(ReviewState, entry_id)
        if state is None:
            raise
    return state


def set_owner(session: Session, entry_id: str, owner_id: int | None) -> None:
    _state(session, entry_id).owner_id = owner_id


def confirm(session: Session, entry_id: str, member_id: int, today: date, review_by: date) -> None:
    """ "Still accurate": reviewed today, next review on `review_by`; a change note is done."""
    state = _state(session, entry_id)
    state.last_reviewed = today
    state.review_by = review_by
    state.confirmed_by = member_id
    state.change_note = state.change_noted_by = state.change_noted_at = None


def resolve_change_note(session: Session, entry_id: str) -> str | None:
    """The entry's "needs change" note, now done; None when it had none."""
    state = session.get(ReviewState, entry_id)
    if state is None or state.change_note is None:
        return None
    note = state.change_note
    state.change_note = state.change_noted_by = state.change_noted_at = None
    return note


def note_change(session: Session, entry_id: str, note: str, member_id: int, now: datetime) -> None:
    state = _state(session, entry_id)
    state.change_note = note
    state.change_noted_by = member_id
    state.change_noted_at = now


def flagged(session: Session) -> list[ReviewState]:
    """Entries a curator said need changing, oldest note first."""
    return list(
        session.exec(
            select(ReviewState)
            .where(col(ReviewState.change_note).is_not(None))
            .order_by(col(ReviewState.change_noted_at), col(ReviewState.entry_id))
        ).all()
    )


# --- answer feedback and gaps --------------------------------------------------------------


def record_feedback(
    session: Session,
    outcome: str,
    query: str,
    query_key: str,
    month: str,
    now: datetime,
    *,
    member_id: int | None = None,
    entry_id: str | None = None,
) -> bool:
    """Keep one mark; False when this member already gave it for this question this month."""
    try:
        with session.begin_nested():
            session.add(
                AnswerFeedback(
                    outcome=outcome,
                    query=query,
                    query_key=query_key,
                    entry_id=entry_id,
                    member_id=member_id,
                    month=month,
                    at=now,
                )
            )
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Gap:
    query: str  # as most recently asked
    count: int


def gaps(session: Session, *months: str) -> list[Gap]:
    """The months' unanswered and unhelpfully answered questions, most frequent first."""
    rows = session.exec(
        select(AnswerFeedback)
        .where(col(AnswerFeedback.month).in_(months), col(AnswerFeedback.outcome).in_(GAP_OUTCOMES))
        .order_by(col(AnswerFeedback.at), col(AnswerFeedback.id))
    ).all()
    counts = Counter(row.query_key for row in rows)
    latest = {row.query_key: row.query for row in rows}
    ranked = sorted(counts, key=lambda key: (-counts[key], key))
    return [Gap(latest[key], counts[key]) for key in ranked]


def forget_asker(session: Session, member_id: int) -> None:
    """Take away a member's words (`forget me`): the questions they asked, which the gaps
    report quotes, and their note to the curators on what they suggested. The suggested
    resource itself stays, without their name."""
    session.exec(delete(AnswerFeedback).where(col(AnswerFeedback.member_id) == member_id))
    session.exec(update(Submission).where(col(Submission.submitted_by) == member_id).values(why=""))


# --- the digest's schedule -----------------------------------------------------------------


def digest_schedule(session: Session) -> DigestSchedule | None:
    return session.get(DigestSchedule, 1)


def set_digest_schedule(
    session: Session, weekday: int, hour: int, minute: int, member_id: int, now: datetime
) -> None:
    row = session.get(DigestSchedule, 1)
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    DigestSchedule(
                        weekday=weekday, hour=hour, minute=minute, set_by=member_id, set_at=now
                    )
                )
            return
        except IntegrityError:
            # Another admin set it at the same moment: the later word wins, as with an edit.
            row = session.get(DigestSchedule, 1)
            if row is None:
                raise
    row.weekday, row.hour, row.minute = weekday, hour, minute
    row.set_by, row.set_at = member_id, now
