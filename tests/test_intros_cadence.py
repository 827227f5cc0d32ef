"""When rounds happen: the admin's cadence in London time, across the clock changes, and
the planner's one due row per round."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from contract.vocabulary import Role
from handlers.intros.cadence import DEFAULT, Cadence
from storage import due
from tests.conftest import Bot
from tests.intros_support import FIRST_ROUND, SECOND_ROUND

LONDON = ZoneInfo("Europe/London")


def occurrences(cadence: Cadence, start: datetime, count: int) -> list[datetime]:
    found = [cadence.next_after(start, LONDON)]
    while len(found) < count:
        found.append(cadence.next_after(found[-1], LONDON))
    return found


def test_the_default_is_every_other_monday_at_ten() -> None:
    rounds = occurrences(DEFAULT, datetime(2026, 11, 23, 9, 0, tzinfo=UTC), 3)
    assert rounds == [
        FIRST_ROUND,
        SECOND_ROUND,
        datetime(2026, 12, 21, 10, 0, tzinfo=UTC),
    ]


def test_ten_oclock_stays_ten_oclock_in_london_across_the_clock_changes() -> None:
    weekly = Cadence("weekly", 0, time(10, 0), date(2026, 1, 5))
    spring = occurrences(weekly, datetime(2027, 3, 20, tzinfo=UTC), 2)
    assert spring == [
        datetime(2027, 3, 22, 10, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 9, 0, tzinfo=UTC),  # BST from 28 March
    ]
    autumn = occurrences(weekly, datetime(2027, 10, 26, tzinfo=UTC), 2)
    assert autumn == [
        datetime(2027, 11, 1, 10, 0, tzinfo=UTC),  # GMT again from 31 October
        datetime(2027, 11, 8, 10, 0, tzinfo=UTC),
    ]
    assert occurrences(weekly, datetime(2027, 10, 20, tzinfo=UTC), 1) == [
        datetime(2027, 10, 25, 9, 0, tzinfo=UTC)
    ]


def test_monthly_means_the_first_of_that_weekday() -> None:
    monthly = Cadence("monthly", 3, time(14, 0), date(2026, 1, 5))
    assert occurrences(monthly, datetime(2026, 11, 23, tzinfo=UTC), 3) == [
        datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
        datetime(2027, 1, 7, 14, 0, tzinfo=UTC),
        datetime(2027, 2, 4, 14, 0, tzinfo=UTC),
    ]


def test_the_next_round_is_strictly_after_the_given_instant() -> None:
    assert DEFAULT.next_after(FIRST_ROUND, LONDON) == SECOND_ROUND


async def test_an_admin_sets_the_cadence_and_the_planned_round_moves(bot: Bot) -> None:
    bot.grant("alice", Role.ADMIN)
    await bot.app.dispatcher.run_once()
    await bot.verify_dialog(
        [
            ("intros cadence", "Rounds run fortnightly on Mondays at 10:00 (London time)"),
            (
                "intros cadence weekly tuesday 9:30",
                "Done: rounds now run weekly on Tuesdays at 09:30 (London time). Next round: "
                "Tue 24 Nov 2026, 09:30.",
            ),
            ("intros cadence monthly thu 2pm", "first Thursday of the month at 14:00"),
            (
                "intros cadence fortnightly wednesday",
                "fortnightly on Wednesdays at 10:00 (London time). Next round: Wed 25 Nov 2026",
            ),
        ]
    )
    await bot.app.dispatcher.run_once()
    with bot.app.services.db.session() as session:
        rows = due.keys_starting(session, "intros:round:")
    live = [row.key for row in rows if row.cancelled_at is None]
    assert live == ["intros:round:2026-11-25"]
    assert {row.key for row in rows} >= {"intros:round:2026-11-23", "intros:round:2026-11-24"}


async def test_a_cadence_that_cannot_be_read_changes_nothing(bot: Bot) -> None:
    bot.grant("alice", Role.ADMIN)
    for text in (
        "intros cadence daily",
        "intros cadence weekly someday",
        "intros cadence weekly monday 25:00",
        "intros cadence weekly monday 13pm",
        "intros cadence weekly monday 10:00 and more",
    ):
        [reply] = await bot.say(text)
        assert "Usage: `intros cadence [weekly|fortnightly|monthly] [<day>] [<HH:MM>]`" in (
            reply.text
        )
    [reply] = await bot.say("intros cadence")
    assert "fortnightly on Mondays at 10:00" in reply.text


async def test_the_planner_keeps_one_row_per_round_however_often_it_runs(bot: Bot) -> None:
    for _ in range(3):
        await bot.app.dispatcher.run_once()
    with bot.app.services.db.session() as session:
        rows = due.keys_starting(session, "intros:round:")
    assert [(row.key, row.due_at) for row in rows] == [("intros:round:2026-11-23", FIRST_ROUND)]
