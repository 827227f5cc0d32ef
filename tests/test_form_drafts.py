"""Drafts of forms filled in over several steps, on SQLite and PostgreSQL."""

from datetime import timedelta

from storage import button_payloads
from storage.db import Database
from tests.conftest import START

DRAFT = {"form": {"title": "New event"}, "user_id": "101", "answers": {}}


def test_a_draft_keeps_each_step_and_is_finished_exactly_once(database: Database) -> None:
    with database.session() as session:
        key = button_payloads.start_draft(session, DRAFT, START)
    with database.session() as session:
        kept = button_payloads.draft(session, key, lock=True)
        assert kept == DRAFT
        button_payloads.save_draft(session, key, {**DRAFT, "answers": {"title": "Drop-in"}})

    with database.session() as session:
        assert button_payloads.draft(session, key) == {**DRAFT, "answers": {"title": "Drop-in"}}
        assert button_payloads.finish_draft(session, key)
    with database.session() as session:
        assert not button_payloads.finish_draft(session, key)
        assert button_payloads.draft(session, key) is None


def test_drafts_and_button_payloads_are_not_read_for_one_another(database: Database) -> None:
    with database.session() as session:
        draft_key = button_payloads.start_draft(session, DRAFT, START)
        payload_key = button_payloads.keep(session, {"form": DRAFT["form"]}, START)

    with database.session() as session:
        assert button_payloads.fetch(session, draft_key) is None
        assert button_payloads.draft(session, payload_key) is None
        assert button_payloads.draft(session, "draft-no-such-key") is None


def test_a_draft_left_for_a_day_is_removed_when_the_next_one_starts(database: Database) -> None:
    with database.session() as session:
        abandoned = button_payloads.start_draft(session, DRAFT, START)
        recent = button_payloads.start_draft(session, DRAFT, START + timedelta(hours=20))
        kept = button_payloads.keep(session, {"action_id": "a", "value": "v"}, START)

    with database.session() as session:
        button_payloads.start_draft(session, DRAFT, START + timedelta(days=1, minutes=1))

    with database.session() as session:
        assert button_payloads.draft(session, abandoned) is None
        assert button_payloads.draft(session, recent) == DRAFT
        assert button_payloads.fetch(session, kept) == {"action_id": "a", "value": "v"}
