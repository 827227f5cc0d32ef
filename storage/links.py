"""Linking accounts: one-time codes, and joining two members into one.

`issue_code` gives a member a short code; `redeem_code`, called from another account, proves
the same person holds both, and asks for the merge. The two members are merged only once
both have said yes with `confirm` (a code typed by the wrong person, say an admin pasting
someone else's code, must not hand anyone the other's roles); `cancel` from either stops it.
Only a digest of each code is stored, a code works once and for a short time, and the merge
re-points every table that refers to a member, so a feature added later is merged without
being named here.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Column, Table, exists
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlmodel import Field, Session, SQLModel, col, delete, select, update

from storage.models import Member
from storage.types import UTCDateTime

# No 0/O, 1/I/L or U: a code read aloud or copied by hand comes out the same.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 10  # about 49 bits: not guessable in the minutes a code lives
CODE_LIFETIME = timedelta(minutes=15)


class LinkCode(SQLModel, table=True):
    __tablename__ = "link_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The member who typed the code: merged into `member_id` once both have confirmed.
    joining_id: int | None = Field(default=None, foreign_key="member.id", ondelete="CASCADE")
    owner_confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    joiner_confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    merged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Outcome(StrEnum):
    ASKED = "asked"  # the code was good: both members are asked to confirm
    WAITING = "waiting"  # confirmed by this member, not yet by the other
    LINKED = "linked"
    CANCELLED = "cancelled"
    NOT_PENDING = "not pending"  # no such request for this member, or already settled
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    SAME_MEMBER = "same member"


@dataclass(frozen=True)
class Redemption:
    outcome: Outcome
    # The member who was given the code (who both accounts belong to once linked).
    member_id: int | None = None
    # The request both members confirm or cancel, when asked.
    request_id: int | None = None
    # The member on the other side of the request from the one acting.
    other_id: int | None = None


def issue_code(session: Session, member_id: int, now: datetime) -> str:
    """A new code for `member_id`, shown as `ABCDE-FGHJK`. A member has one live code at a
    time: issuing one retires any unused earlier code."""
    session.exec(
        delete(LinkCode).where(
            col(LinkCode.member_id) == member_id, col(LinkCode.used_at).is_(None)
        )
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(
        LinkCode(
            code_hash=_digest(code),
            member_id=member_id,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    session.flush()
    return f"{code[:5]}-{code[5:]}"


def redeem_code(session: Session, code: str, member_id: int, now: datetime) -> Redemption:
    """Join `member_id` into the member who was given `code`. Anything but a live code from
    another member changes nothing."""
    row = session.exec(
        select(LinkCode).where(LinkCode.code_hash == _digest(_normalise(code))).with_for_update()
    ).first()
    if row is None:
        return Redemption(Outcome.UNKNOWN)
    if row.used_at is not None:
        return Redemption(Outcome.USED)
    if row.expires_at <= now:
        return Redemption(Outcome.EXPIRED)
    if row.member_id == member_id:
        return Redemption(Outcome.SAME_MEMBER)
    # Two redemptions racing: only the one whose update finds the code unused goes on.
    claimed = session.exec(
        update(LinkCode)
        .where(col(LinkCode.id) == row.id, col(LinkCode.used_at).is_(None))
        .values(used_at=now, joining_id=member_id)
    )
    if claimed.rowcount != 1:
        return Redemption(Outcome.USED)
    return Redemption(Outcome.ASKED, row.member_id, row.id, row.member_id)


def confirm(session: Session, request_id: int, member_id: int, now: datetime) -> Redemption:
    """`member_id` says yes to request `request_id`; the members are merged when this is the
    second yes. A request the member is not part of, or one already settled, changes nothing."""
    row = _pending(session, request_id, member_id, now)
    if row is None:
        return Redemption(Outcome.NOT_PENDING)
    other = row.joining_id if member_id == row.member_id else row.member_id
    side = "owner_confirmed_at" if member_id == row.member_id else "joiner_confirmed_at"
    session.exec(
        update(LinkCode)
        .where(col(LinkCode.id) == row.id, col(getattr(LinkCode, side)).is_(None))
        .values({side: now})
    )
    # Whichever confirmation lands second merges, and only once.
    both = session.exec(
        update(LinkCode)
        .where(
            col(LinkCode.id) == row.id,
            col(LinkCode.owner_confirmed_at).is_not(None),
            col(LinkCode.joiner_confirmed_at).is_not(None),
            col(LinkCode.merged_at).is_(None),
        )
        .values(merged_at=now)
    )
    if both.rowcount != 1:
        return Redemption(Outcome.WAITING, row.member_id, row.id, other)
    merge_members(session, source_id=row.joining_id, target_id=row.member_id)  # type: ignore[arg-type]
    return Redemption(Outcome.LINKED, row.member_id, row.id, other)


def cancel(session: Session, request_id: int, member_id: int, now: datetime) -> Redemption:
    """Either member calls the merge off before it happens."""
    row = _pending(session, request_id, member_id, now)
    if row is None:
        return Redemption(Outcome.NOT_PENDING)
    row.cancelled_at = now
    other = row.joining_id if member_id == row.member_id else row.member_id
    return Redemption(Outcome.CANCELLED, row.member_id, row.id, other)


def _pending(session: Session, request_id: int, member_id: int, now: datetime) -> LinkCode | None:
    """The unsettled request, locked, when `member_id` is one of its two members and it was
    made within a code's lifetime."""
    row = session.exec(select(LinkCode).where(LinkCode.id == request_id).with_for_update()).first()
    if (
        row is None
        or row.used_at is None
        or row.merged_at is not None
        or row.cancelled_at is not None
        or member_id not in (row.member_id, row.joining_id)
        or row.used_at + CODE_LIFETIME <= now
    ):
        return None
    return row


def merge_members(
    session: Session, source_id: int, target_id: int, tables: Iterable[Table] | None = None
) -> None:
    """Move everything that belongs to `source_id` to `target_id`, then delete the source.

    Every column with a foreign key to `member.id`, in whichever table declares it, is
    re-pointed. Where moving a row would break a unique constraint (both accounts held the
    same role, both answered the same poll), the target's row is kept and the source's
    dropped. `tables` defaults to every table the code declares.
    """
    if tables is None:
        tables = SQLModel.metadata.sorted_tables
    member_id = Member.__table__.c.id  # type: ignore[attr-defined]
    for table in tables:
        for column in table.columns:
            if not any(key.column is member_id for key in column.foreign_keys):
                continue
            for unique in _unique_column_sets(table):
                if column.name in unique:
                    _drop_clashing_rows(session, table, column.name, unique, source_id, target_id)
            session.execute(
                sql_update(table).where(column == source_id).values({column.name: target_id})
            )
    source = session.get(Member, source_id)
    target = session.get(Member, target_id)
    if source is not None and target is not None and not target.organisation:
        target.organisation = source.organisation
    session.execute(sql_delete(Member.__table__).where(member_id == source_id))  # type: ignore[arg-type]
    session.flush()
    session.expire_all()


def _unique_column_sets(table: Table) -> list[set[str]]:
    sets = [
        {c.name for c in constraint.columns}  # type: ignore[attr-defined]
        for constraint in table.constraints
        if constraint.__visit_name__ in ("primary_key_constraint", "unique_constraint")
    ]
    sets += [{c.name for c in index.columns} for index in table.indexes if index.unique]
    return [s for s in sets if s]


def _drop_clashing_rows(
    session: Session,
    table: Table,
    column: str,
    unique: set[str],
    source_id: int,
    target_id: int,
) -> None:
    """Delete the source's rows whose twin (same values in the rest of the unique set)
    already belongs to the target."""
    twin = table.alias()
    same_rest = [twin.c[name] == table.c[name] for name in unique if name != column]
    clash = exists().where(twin.c[column] == target_id, *same_rest)
    session.execute(sql_delete(table).where(table.c[column] == source_id, clash))


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in " -")


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
