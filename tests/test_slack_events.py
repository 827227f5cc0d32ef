"""Events API retries: the first delivery of an event wins, in the database, so a retry
that reaches another process is dropped too."""

from datetime import timedelta

from handlers.clock import ManualClock
from knowledge.search import SearchIndex
from storage.db import Database
from storage.slack_events import KEEP_FOR, take_event
from tests.conftest import START
from tests.slack_support import MockSlackApi, payload, serving, slack_app


def test_only_the_first_delivery_of_an_event_is_taken(database: Database) -> None:
    with database.session() as session:
        assert take_event(session, "Ev01", START)
        assert take_event(session, "Ev02", START)
    with database.session() as session:
        assert not take_event(session, "Ev01", START + timedelta(minutes=5))


def test_events_are_forgotten_once_slack_has_stopped_retrying(database: Database) -> None:
    with database.session() as session:
        assert take_event(session, "Ev01", START)
    with database.session() as session:
        assert not take_event(session, "Ev01", START + KEEP_FOR - timedelta(seconds=1))
    with database.session() as session:
        # Pruned as older than KEEP_FOR, so the id is free again.
        assert take_event(session, "Ev01", START + KEEP_FOR + timedelta(seconds=1))


async def test_a_retry_sent_to_another_process_is_dropped_there(
    database_url: str, mock: MockSlackApi, knowledge: SearchIndex, clock: ManualClock
) -> None:
    """Two web processes share one database; Slack retries at the second."""
    async with (
        slack_app(database_url, mock, knowledge, clock) as first_app,
        slack_app(database_url, mock, knowledge, clock) as second_app,
        serving(first_app, mock) as first,
        serving(second_app, mock) as second,
    ):
        assert (await first.post(payload("app_mention", mock)))[0] == 200
        await mock.wait_for("chat.postMessage")
        assert await first.finish() == 1
        status, _ = await second.post(
            payload("app_mention", mock), headers={"X-Slack-Retry-Num": "1"}
        )
        assert status == 200
        assert await second.finish() == 0
        assert len(mock.calls_to("chat.postMessage")) == 1
