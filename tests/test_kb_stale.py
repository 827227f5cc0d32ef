"""Review reminders with the injected clock: each curator, each Monday at 10:00 London
time, gets the entries they look after that are due within the week or overdue; "Still
accurate" moves the date on (in the database) and "Needs change" leaves a note in the queue."""

from datetime import UTC, datetime

from contract.vocabulary import Role
from storage import due
from tests.conftest import Bot
from tests.kb_world import (
    CURATOR,
    MEMBER,
    OTHER_CURATOR,
    curators,
    dms_to,
    knowledge,  # noqa: F401
    suggested,
)

# Monday 17 May 2027, 10:00 in London (BST): 46 content entries fall due that Friday.
REVIEW_WEEK = datetime(2027, 5, 17, 9, 0, tzinfo=UTC)
DUE_THAT_WEEK = 46


async def dispatch_at(bot: Bot, instant: datetime) -> list[str]:
    """One dispatcher pass at `instant`; who was sent a DM."""
    bot.clock.set(instant)
    before = len(bot.messenger.sent)
    await bot.app.dispatcher.run_once()
    return [s.to for s in bot.messenger.sent[before:] if s.kind == "direct"]


def reminder_rows(bot: Bot) -> dict[str, datetime]:
    with bot.app.services.db.session() as session:
        return {row.key: row.due_at for row in due.keys_starting(session, "kb:stale:")}


async def test_each_curator_is_reminded_on_monday_of_what_falls_due_that_week(bot: Bot) -> None:
    curators(bot, CURATOR, OTHER_CURATOR)

    assert await dispatch_at(bot, datetime(2027, 5, 17, 8, 59, tzinfo=UTC)) == []
    reminded = await dispatch_at(bot, REVIEW_WEEK)

    assert sorted(reminded) == [CURATOR, OTHER_CURATOR]
    [reminder] = dms_to(bot, CURATOR)
    lines = reminder.text.splitlines()
    assert lines[0] == (
        f"Time to check the knowledge base: {DUE_THAT_WEEK} entries you look after are due for "
        "review. Is each still accurate?"
    )
    assert "• “Core20PLUS5” (core20plus5): due 21 May 2027" in lines
    assert lines[-1] == f"…and {DUE_THAT_WEEK - 15} more after these, soonest due first."
    first = "Advancing anti-racism in health and care: introduction to REMI (November 2024)"
    assert [(b.label, b.value) for b in reminder.buttons[:2]] == [
        (f"Still accurate: {first}", "remi-introduction-event"),
        (f"Needs change: {first}", "remi-introduction-event"),
    ]
    assert len(reminder.buttons) == 10
    assert await dispatch_at(bot, REVIEW_WEEK) == []


async def test_a_week_with_nothing_due_sends_nothing(bot: Bot) -> None:
    curators(bot)
    assert await dispatch_at(bot, datetime(2026, 11, 23, 10, 0, tzinfo=UTC)) == []
    assert await dispatch_at(bot, datetime(2026, 11, 30, 10, 0, tzinfo=UTC)) == []
    assert [key.rsplit(":", 1)[0] for key in reminder_rows(bot)] == [
        "kb:stale:2026-W48",
        "kb:stale:2026-W49",
    ]
    assert dms_to(bot, CURATOR) == []


async def test_reminders_keep_10_oclock_london_time_across_the_clock_change(bot: Bot) -> None:
    curators(bot)
    bot.clock.set(datetime(2027, 3, 22, 0, 1, tzinfo=UTC))  # Monday, GMT
    await bot.app.dispatcher.run_once()
    bot.clock.set(datetime(2027, 3, 29, 0, 1, tzinfo=UTC))  # Easter Monday, BST since Sunday
    await bot.app.dispatcher.run_once()
    assert sorted(reminder_rows(bot).values()) == [
        datetime(2027, 3, 22, 10, 0, tzinfo=UTC),
        # Easter Monday is a bank holiday: the week's reminder waits for Tuesday.
        datetime(2027, 3, 30, 9, 0, tzinfo=UTC),
    ]


async def test_no_reminder_on_a_bank_holiday_monday(bot: Bot) -> None:
    curators(bot)
    # Monday 31 May 2027 is the spring bank holiday (10:00 BST is 09:00 UTC), and the
    # entries due on 21 May are overdue by then.
    assert await dispatch_at(bot, datetime(2027, 5, 31, 9, 0, tzinfo=UTC)) == []
    assert await dispatch_at(bot, datetime(2027, 6, 1, 9, 0, tzinfo=UTC)) != []


async def test_an_entry_a_curator_approved_is_theirs_to_review(bot: Bot) -> None:
    curators(bot, CURATOR, OTHER_CURATOR)
    submission_id = await suggested(bot)
    await bot.click("kb.approve", str(submission_id), as_=CURATOR)  # review by 23 May 2027

    await dispatch_at(bot, REVIEW_WEEK)

    [cara] = dms_to(bot, CURATOR)
    [kofi] = dms_to(bot, OTHER_CURATOR)
    assert f"{DUE_THAT_WEEK + 1} entries you look after" in cara.text
    assert f"{DUE_THAT_WEEK} entries you look after" in kofi.text


async def test_an_entry_whose_owner_left_the_curators_goes_to_every_curator(bot: Bot) -> None:
    curators(bot, CURATOR, OTHER_CURATOR)
    submission_id = await suggested(bot)
    await bot.click("kb.approve", str(submission_id), as_=CURATOR)
    bot.grant("ada", Role.ADMIN)
    await bot.say("admin revoke <@console:cara> curator", as_="ada")

    reminded = await dispatch_at(bot, REVIEW_WEEK)

    assert reminded == [OTHER_CURATOR]
    [kofi] = dms_to(bot, OTHER_CURATOR)
    assert f"{DUE_THAT_WEEK + 1} entries you look after" in kofi.text


async def test_still_accurate_moves_the_review_date_on_six_months(bot: Bot) -> None:
    curators(bot, CURATOR, OTHER_CURATOR)
    bot.clock.set(REVIEW_WEEK)

    [done] = await bot.click("kb.still_accurate", "core20plus5", as_=CURATOR)
    [again] = await bot.click("kb.still_accurate", "core20plus5", as_=OTHER_CURATOR)

    assert done.text == (
        "Thank you: “Core20PLUS5” is marked accurate as of today; its next review is by "
        "17 November 2027."
    )
    assert again.text == (
        "“Core20PLUS5” is not due yet, checked by Cara on 17 May 2027: its next review is by "
        "17 November 2027. Nothing changed."
    )
    [stale] = await bot.say("kb stale", as_=CURATOR)
    assert stale.text.splitlines()[0] == (
        f"Due for review within the week, or overdue ({DUE_THAT_WEEK - 1}):"
    )
    assert "“Core20PLUS5”" not in stale.text
    await dispatch_at(bot, REVIEW_WEEK)
    [reminder] = dms_to(bot, OTHER_CURATOR)
    assert f"{DUE_THAT_WEEK - 1} entries you look after" in reminder.text


async def test_an_entry_not_yet_due_is_not_confirmed_early(bot: Bot) -> None:
    curators(bot)
    [reply] = await bot.click("kb.still_accurate", "core20plus5", as_=CURATOR)
    assert reply.text == (
        "“Core20PLUS5” is not due yet, checked on 21 November 2026: its next review is by "
        "21 May 2027. Nothing changed."
    )


async def test_needs_change_puts_a_note_in_the_queue_until_it_is_confirmed(bot: Bot) -> None:
    curators(bot)
    bot.clock.set(REVIEW_WEEK)

    [asked] = await bot.click("kb.needs_change", "core20plus5", as_=CURATOR)
    assert asked.form is not None
    [empty] = await bot.click(asked.form.action_id, asked.form.value, as_=CURATOR, note="")
    assert "Nothing was noted" in empty.text
    [noted] = await bot.click(
        asked.form.action_id, asked.form.value, as_=CURATOR, note="The source page has moved."
    )

    assert noted.text.startswith("Noted: “Core20PLUS5” is in the curators' queue")
    [queue] = await bot.say("kb queue", as_=CURATOR)
    assert queue.text.splitlines() == [
        "Entries flagged as needing a change:",
        "• “Core20PLUS5” (core20plus5), from Cara: The source page has moved.",
    ]
    [stale] = await bot.say("kb stale", as_=CURATOR)
    assert "  Needs change: The source page has moved." in stale.text.splitlines()
    await bot.click("kb.still_accurate", "core20plus5", as_=CURATOR)
    [cleared] = await bot.say("kb queue", as_=CURATOR)
    assert cleared.text.startswith("Nothing waiting")


async def test_kb_stale_lists_everything_due_with_who_looks_after_it(bot: Bot) -> None:
    curators(bot)
    [nothing] = await bot.say("kb stale", as_=CURATOR)
    assert nothing.text.startswith("Nothing is due for review this week")
    bot.clock.set(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))

    [stale] = await bot.say("kb stale", as_=CURATOR)

    assert (
        "• “Core20PLUS5” (core20plus5): overdue since 21 May 2027, looked after by the curators"
        in stale.text.splitlines()
    )
    [refused] = await bot.say("kb stale", as_=MEMBER)
    assert "needs the curator role" in refused.text


async def test_a_forged_or_gone_entry_changes_nothing(bot: Bot) -> None:
    curators(bot)
    for action in ("kb.still_accurate", "kb.needs_change", "kb.change_note"):
        [reply] = await bot.click(action, "no-such-entry", as_=CURATOR, note="x")
        assert reply.text.startswith("That entry is no longer in the knowledge base")
    [refused] = await bot.click("kb.still_accurate", "core20plus5", as_=MEMBER)
    assert "needs the curator role" in refused.text
    bot.clock.set(REVIEW_WEEK)
    [stale] = await bot.say("kb stale", as_=CURATOR)
    assert f"({DUE_THAT_WEEK})" in stale.text
