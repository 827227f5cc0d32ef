"""The knowledge base's tables, on SQLite and PostgreSQL: a suggestion is decided once
however many curators race for it, entry ids never collide, and a member's mark on a
question counts once a month."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from contract.vocabulary import Platform
from storage import forgetting, kb, members
from storage.db import Database
from storage.kb import APPROVED, REJECTED, ApprovedEntry, Suggested

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SUGGESTED = Suggested(
    url="https://www.nhsrho.org/research/review/",
    url_key="nhsrho.org/research/review",
    title="Ethnic inequalities in healthcare",
    kind="resource",
    why="A rapid evidence review.",
    tags=("evidence",),
)


def member(database: Database, name: str) -> int:
    with database.session() as session:
        return members.identify(session, Platform.CONSOLE, name, name, NOW).id


def waiting(database: Database, by: int) -> int:
    with database.session() as session:
        submission = kb.add_submission(session, SUGGESTED, by, NOW)
        assert submission.id is not None
        return submission.id


def test_curators_racing_to_decide_one_suggestion_decide_it_once(database: Database) -> None:
    amara = member(database, "amara")
    curators = [member(database, f"curator{n}") for n in range(6)]
    submission_id = waiting(database, amara)
    start = threading.Barrier(len(curators))

    def decide(curator: int) -> bool:
        start.wait(timeout=10)
        with database.session() as session:
            submission = kb.submission(session, submission_id)
            assert submission is not None
            status = APPROVED if curator % 2 else REJECTED
            return kb.decide(session, submission, status, curator, NOW, reason="no")

    with ThreadPoolExecutor(max_workers=len(curators)) as pool:
        outcomes = list(pool.map(decide, curators))

    assert outcomes.count(True) == 1
    winner = curators[outcomes.index(True)]
    with database.session() as session:
        row = kb.submission(session, submission_id)
        assert row is not None and row.reviewed_by == winner
        assert row.status == (APPROVED if winner % 2 else REJECTED)
        assert kb.pending_submissions(session) == []


def test_a_decided_suggestion_is_not_decided_again(database: Database) -> None:
    amara, cara = member(database, "amara"), member(database, "cara")
    submission_id = waiting(database, amara)
    with database.session() as session:
        submission = kb.submission(session, submission_id)
        assert submission is not None
        assert kb.decide(session, submission, REJECTED, cara, NOW, "Covered already.")
    with database.session() as session:
        assert not kb.decide(session, submission, APPROVED, cara, NOW + timedelta(hours=1))
        row = kb.submission(session, submission_id)
        assert row is not None
        assert (row.status, row.reason, row.reviewed_at) == (REJECTED, "Covered already.", NOW)


def test_an_entry_takes_the_first_free_id(database: Database) -> None:
    amara = member(database, "amara")
    first, second = waiting(database, amara), waiting(database, amara)

    def entry(submission_id: int) -> ApprovedEntry:
        return ApprovedEntry(
            id="",
            kind="resource",
            title=f"Review {submission_id}",
            summary="A review.",
            url=SUGGESTED.url,
            url_key=SUGGESTED.url_key,
            last_reviewed=date(2026, 11, 23),
            review_by=date(2027, 5, 23),
            submission_id=submission_id,
            suggested_by=amara,
            suggested_at=NOW,
            approved_at=NOW,
        )

    with database.session() as session:
        assert kb.add_entry(session, entry(first), ["review", "review-2"]) == "review"
    with database.session() as session:
        assert kb.add_entry(session, entry(second), ["review", "review-2"]) == "review-2"
        assert kb.approved_entry_ids(session) == {"review", "review-2"}
        row = kb.submission(session, second)
        assert row is not None and row.entry_id == "review-2"


def test_a_mark_counts_once_per_member_question_and_month(database: Database) -> None:
    amara, bola = member(database, "amara"), member(database, "bola")
    with database.session() as session:

        def mark(by: int | None, outcome: str, month: str = "2026-11") -> bool:
            return kb.record_feedback(
                session, outcome, "What is X?", "what is x", month, NOW, member_id=by
            )

        assert mark(amara, kb.UNHELPFUL)
        assert not mark(amara, kb.UNHELPFUL)
        assert mark(amara, kb.HELPFUL)
        assert mark(bola, kb.UNHELPFUL)
        assert mark(amara, kb.UNHELPFUL, month="2026-12")
        # Unanswered questions are kept without a name, each time they are asked.
        assert mark(None, kb.UNANSWERED) and mark(None, kb.UNANSWERED)
    with database.session() as session:
        [gap] = kb.gaps(session, "2026-11")
        assert (gap.query, gap.count) == ("What is X?", 4)


def test_gaps_are_the_most_frequent_first(database: Database) -> None:
    with database.session() as session:
        for count, (query, key) in enumerate(
            [("Pay gap?", "pay gap"), ("REMI dates", "remi dates"), ("Allyship", "allyship")],
            start=1,
        ):
            for n in range(count):
                at = NOW + timedelta(minutes=n)
                kb.record_feedback(session, kb.UNANSWERED, query, key, "2026-11", at)
        kb.record_feedback(session, kb.HELPFUL, "Helpful one", "helpful one", "2026-11", NOW)
    with database.session() as session:
        found = [(g.query, g.count) for g in kb.gaps(session, "2026-11")]
    assert found == [("Allyship", 3), ("REMI dates", 2), ("Pay gap?", 1)]


def test_the_digest_schedule_is_one_row(database: Database) -> None:
    ada = member(database, "ada")
    with database.session() as session:
        assert kb.digest_schedule(session) is None
        kb.set_digest_schedule(session, 2, 8, 30, ada, NOW)
    with database.session() as session:
        kb.set_digest_schedule(session, 4, 17, 0, ada, NOW)
    with database.session() as session:
        row = kb.digest_schedule(session)
        assert row is not None and (row.weekday, row.hour, row.minute) == (4, 17, 0)


def test_forgetting_a_member_keeps_their_suggestion_but_not_their_name_note_or_questions(
    database: Database,
) -> None:
    amara = member(database, "amara")
    submission_id = waiting(database, amara)
    with database.session() as session:
        kb.record_feedback(
            session, kb.UNHELPFUL, "x", "x", "2026-11", NOW, member_id=amara, entry_id="racism"
        )
        forgetting.forget_member(session, amara, NOW)
    with database.session() as session:
        row = kb.submission(session, submission_id)
        assert row is not None and row.submitted_by is None and row.why == ""
        assert row.url == SUGGESTED.url
        assert kb.gaps(session, "2026-11") == []
