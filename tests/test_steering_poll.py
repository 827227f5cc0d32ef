"""Finding a time: the chair's form, members' answers, nudges, the close and the chair's
confirmation, and every way the input can be wrong."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from handlers.steering.poll import best_slot
from storage import due, steering
from storage.steering import Slot, SlotTally
from tests.conftest import Bot
from tests.steering_support import (
    CHAIR,
    MEMBERS,
    button_for,
    dispatch_at,
    dm_recipients,
    dms_to,
    member_id,
    open_poll,
    steering_group,
)

SLOTS = "Tue 8 Dec 2026 10:00\nWed 9 Dec 2026 14:00\nThu 10 Dec 2026 9am"
# The clock starts on Mon 23 Nov 2026, 09:00; this poll runs for exactly eight days.
CLOSES = "Tue 1 Dec 2026 09:00"
HALFWAY = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DAY_BEFORE_CLOSE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CLOSE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def poll_open(bot: Bot) -> Bot:
    await steering_group(bot)
    [opened] = await open_poll(bot, SLOTS, CLOSES)
    assert opened.text == (
        "The poll is open: 3 times, closing Tue 1 Dec 2026, 09:00. I've sent it to 4 of 4 members."
    )
    return bot


async def answer(bot: Bot, name: str, slot_label: str, choice: str) -> str:
    [view] = await bot.say("steering poll", as_=name)
    [reply] = await bot.click(*button_for(view, f"{slot_label}: {choice}"), as_=name)
    return reply.text


async def test_the_chair_gets_the_form_and_a_member_is_told_none_is_open(bot: Bot) -> None:
    await steering_group(bot)
    [form_reply] = await bot.say("steering poll", as_=CHAIR)
    assert form_reply.form is not None
    assert [f.name for f in form_reply.form.fields] == ["slots", "closes", "link"]
    [member_view] = await bot.say("steering poll", as_="bob")
    assert member_view.form is None
    assert "No poll is open. The chair starts one" in member_view.text


async def test_every_member_gets_a_dm_with_a_row_of_buttons_per_time(poll_open: Bot) -> None:
    bot = poll_open
    assert sorted(dm_recipients(bot)) == sorted([CHAIR, *MEMBERS])
    [ask] = dms_to(bot, "bob")
    assert "When can you make it?" in ask.text
    assert "1. Tue 8 Dec 2026, 10:00: not answered yet" in ask.text
    assert "3. Thu 10 Dec 2026, 09:00: not answered yet" in ask.text
    assert [b.label for b in ask.buttons[:3]] == [
        "Tue 8 Dec 10:00: Available",
        "Tue 8 Dec 10:00: If need be",
        "Tue 8 Dec 10:00: Not available",
    ]
    assert len(ask.buttons) == 9


async def test_answers_can_change_until_the_close_and_the_last_one_counts(poll_open: Bot) -> None:
    bot = poll_open
    assert (await answer(bot, "bob", "Tue 8 Dec 10:00", "Available")).startswith(
        "Noted: Available for Tue 8 Dec 2026, 10:00."
    )
    changed = await answer(bot, "bob", "Tue 8 Dec 10:00", "Not available")
    assert "1. Tue 8 Dec 2026, 10:00: Not available" in changed
    bob = member_id(bot, "bob")
    with bot.app.services.db.session() as session:
        poll = steering.current_poll(session)
        assert poll is not None
        mine = steering.member_answers(session, poll.id, bob)
    assert list(mine.values()) == ["no"]

    await dispatch_at(bot, CLOSE)
    [view] = dms_to(bot, CHAIR)
    [late] = await bot.click(*button_for(view, "Confirm"), as_="bob")  # the chair's button
    assert "Only the steering group's chair" in late.text
    [closed] = await bot.click("steering.answer", f"{min(mine)}:yes", as_="bob")
    assert "That poll has closed, so your answer wasn't changed." in closed.text
    with bot.app.services.db.session() as session:
        assert list(steering.member_answers(session, poll.id, bob).values()) == ["no"]


@pytest.mark.parametrize(
    "value", ["", "abc", "999:yes", "1:perhaps", "1:", ":yes", "1:yes:extra", "-1:yes"]
)
async def test_a_forged_answer_button_changes_nothing(poll_open: Bot, value: str) -> None:
    [reply] = await poll_open.click("steering.answer", value, as_="bob")
    assert "doesn't match a time in a steering group poll, so nothing changed" in reply.text
    bob = member_id(poll_open, "bob")
    with poll_open.app.services.db.session() as session:
        poll = steering.current_poll(session)
        assert poll is not None and steering.member_answers(session, poll.id, bob) == {}


@pytest.mark.parametrize(
    ("slots", "closes", "problem"),
    [
        ("Tue 8 Dec 2026 10:00", CLOSES, "give between 2 and 8 candidate times (you gave 1)"),
        ("\n".join(f"{d} Dec 2026 10:00" for d in range(2, 11)), CLOSES, "(you gave 9)"),
        ("Tue 8 Dec 2026 10:00\nsometime soonish 10:00", CLOSES, "I couldn't read “sometime"),
        ("Tue 8 Dec 2026 10:00\nWed 9 Dec 2026", CLOSES, "“Wed 9 Dec 2026” has no time of day"),
        ("Tue 8 Dec 2026 10:00\n9.12.2026", CLOSES, "“9.12.2026” has no time of day"),
        ("Tue 8 Dec 2026 10:00\nMon 9 Dec 2026 10:00", CLOSES, "9 December 2026 is a Wednesday"),
        ("Tue 8 Dec 2026 10:00\n20 Nov 2026 10:00", CLOSES, "has already passed"),
        ("Tue 8 Dec 2026 10:00\n8/12/2026 10:00", CLOSES, "is the same time as another"),
        (SLOTS, "20 Nov 2026 10:00", "the closing time (Fri 20 Nov 2026, 10:00) has already"),
        (SLOTS, "Wed 9 Dec 2026 12:00", "must close before the first candidate time, Tue 8 Dec"),
        (SLOTS, "whenever", "the closing time: I couldn't read “whenever”"),
        (SLOTS, "", "the closing time: I couldn't read"),
    ],
)
async def test_bad_poll_input_is_explained_and_nothing_is_stored(
    bot: Bot, slots: str, closes: str, problem: str
) -> None:
    await steering_group(bot)
    [reply] = await open_poll(bot, slots, closes)
    assert reply.text.startswith("I couldn't open the poll: ")
    assert problem in reply.text
    assert "Nothing was saved" in reply.text
    with bot.app.services.db.session() as session:
        assert steering.latest_poll(session) is None
        assert due.keys_starting(session, "steering:") == []
    assert dm_recipients(bot) == []


async def test_one_poll_at_a_time_and_only_the_chair_opens_one(poll_open: Bot) -> None:
    bot = poll_open
    [view] = await bot.say("steering poll", as_=CHAIR)
    assert view.form is None and "0 of 4 members have answered every time" in view.text
    [forged] = await bot.click("steering.poll_open", as_="bob", slots=SLOTS, closes=CLOSES)
    assert "Only the steering group's chair" in forged.text
    [second] = await bot.click("steering.poll_open", as_=CHAIR, slots=SLOTS, closes=CLOSES)
    assert "A poll is already open" in second.text


async def test_nudges_go_only_to_members_who_have_not_answered_every_time(
    poll_open: Bot,
) -> None:
    bot = poll_open
    for slot in ("Tue 8 Dec 10:00", "Wed 9 Dec 14:00", "Thu 10 Dec 09:00"):
        await answer(bot, "bob", slot, "Available")
    await answer(bot, "cara", "Tue 8 Dec 10:00", "If need be")

    assert await dispatch_at(bot, datetime(2026, 11, 27, 8, 59, tzinfo=UTC)) == []
    [halfway] = await dispatch_at(bot, HALFWAY)
    assert halfway.sent == "nudged 3 member(s) about poll 1: cara, chair, dev"
    assert sorted(dm_recipients(bot)) == ["cara", "chair", "dev"]
    [cara_nudge] = dms_to(bot, "cara")
    assert "I don't have your answer for 2 of the 3 times yet" in cara_nudge.text
    assert "1. Tue 8 Dec 2026, 10:00: If need be" in cara_nudge.text
    assert len(cara_nudge.buttons) == 9

    for slot in ("Tue 8 Dec 10:00", "Wed 9 Dec 14:00", "Thu 10 Dec 09:00"):
        await answer(bot, "dev", slot, "Not available")
    [day_before] = await dispatch_at(bot, DAY_BEFORE_CLOSE)
    assert day_before.sent == "nudged 2 member(s) about poll 1: cara, chair"
    assert sorted(dm_recipients(bot)) == ["cara", "chair"]
    assert await dispatch_at(bot, DAY_BEFORE_CLOSE) == []  # each nudge once


async def test_at_the_close_the_chair_gets_the_best_time_and_confirms_it(poll_open: Bot) -> None:
    bot = poll_open
    await answer(bot, "bob", "Tue 8 Dec 10:00", "Available")
    await answer(bot, "bob", "Wed 9 Dec 14:00", "Available")
    await answer(bot, "cara", "Wed 9 Dec 14:00", "Available")
    await answer(bot, "cara", "Tue 8 Dec 10:00", "Available")
    await answer(bot, "dev", "Tue 8 Dec 10:00", "Not available")
    await answer(bot, "dev", "Wed 9 Dec 14:00", "If need be")

    outcomes = await dispatch_at(bot, CLOSE)
    assert [o.sent for o in outcomes if o.key == "steering:poll:1:close"] == [
        "closed poll 1; sent the proposal to 1 (chair)"
    ]
    [proposal] = dms_to(bot, CHAIR)[-1:]
    assert "Best time: Wed 9 Dec 2026, 14:00 (2 available, 1 if need be, 0 not available)." in (
        proposal.text
    )
    assert "• Tue 8 Dec 2026, 10:00: 2 available, 0 if need be, 1 not available" in proposal.text
    assert [b.label for b in proposal.buttons] == [
        "Confirm Wed 9 Dec 14:00",
        "Choose Tue 8 Dec 10:00 instead",
        "Choose Thu 10 Dec 09:00 instead",
    ]

    bot.messenger.sent.clear()
    [confirmed] = await bot.click(*button_for(proposal, "Confirm"), as_=CHAIR)
    assert confirmed.text == (
        "Confirmed: the steering group meets Wed 9 Dec 2026, 14:00–15:30. I've sent the "
        "invite to 4 member(s), with reminders to follow."
    )
    assert sorted(dm_recipients(bot)) == sorted([CHAIR, *MEMBERS])
    [invite] = dms_to(bot, "dev")
    assert "You're invited: the LARCH steering group meets Wed 9 Dec 2026, 14:00–15:30." in (
        invite.text
    )
    assert "Joining link: https://meet.example/larch" in invite.text
    assert [b.label for b in invite.buttons] == ["Attending", "Can't attend"]
    [ics] = invite.attachments
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 12, 9, 14, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "LARCH steering group"

    [again] = await bot.click(*button_for(proposal, "Confirm"), as_=CHAIR)
    assert "already settled: the meeting is Wed 9 Dec 2026, 14:00–15:30" in again.text
    [other] = await bot.click(*button_for(proposal, "Tue 8 Dec"), as_=CHAIR)
    assert "already settled" in other.text
    with bot.app.services.db.session() as session:
        assert len(steering.upcoming_meetings(session, bot.clock.now())) == 1


async def test_the_chair_can_close_early_and_the_nudges_and_close_are_called_off(
    poll_open: Bot,
) -> None:
    bot = poll_open
    [refused] = await bot.say("steering poll close", as_="bob")
    assert "Only the steering group's chair" in refused.text
    [proposal] = await bot.say("steering poll close", as_=CHAIR)
    assert proposal.text.startswith("The steering group poll has closed; 0 of 4 members")
    assert "Best time: Tue 8 Dec 2026, 10:00" in proposal.text  # ties go to the earliest
    [shown_again] = await bot.say("steering poll close", as_=CHAIR)
    assert shown_again.text == proposal.text
    assert await dispatch_at(bot, CLOSE) == []


async def test_a_confirm_button_is_checked_before_anything_is_made(poll_open: Bot) -> None:
    bot = poll_open
    [still_open] = await bot.click("steering.confirm", "1:1", as_=CHAIR)
    assert "That poll is still open" in still_open.text
    await bot.say("steering poll close", as_=CHAIR)
    for value in ("1", "x:y", "1:99", "2:1", "1:1:1"):
        [forged] = await bot.click("steering.confirm", value, as_=CHAIR)
        assert "doesn't match a time in a steering group poll" in forged.text
    [not_chair] = await bot.click("steering.confirm", "1:1", as_="bob")
    assert "Only the steering group's chair" in not_chair.text
    bot.clock.set(datetime(2026, 12, 8, 10, 0, tzinfo=UTC))
    [too_late] = await bot.click("steering.confirm", "1:1", as_=CHAIR)
    assert "That time has already passed" in too_late.text
    with bot.app.services.db.session() as session:
        assert steering.meeting_for_poll(session, 1) is None


def tally(day: int, available: int, maybe: int, no: int) -> SlotTally:
    slot = Slot(id=day, poll_id=1, starts_at=datetime(2026, 12, day, 10, tzinfo=UTC))
    return SlotTally(slot, available, maybe, no)


@pytest.mark.parametrize(
    ("tallies", "best_day"),
    [
        ([tally(8, 2, 0, 0), tally(9, 3, 0, 2)], 9),  # most available first
        ([tally(8, 2, 0, 2), tally(9, 2, 0, 1)], 9),  # then fewest not available
        ([tally(9, 2, 1, 1), tally(8, 2, 0, 1)], 8),  # then the earliest
        ([tally(8, 0, 3, 0), tally(9, 1, 0, 3)], 9),  # "if need be" does not count as available
    ],
)
def test_the_best_slot_rule(tallies: list[SlotTally], best_day: int) -> None:
    assert best_slot(tallies).slot.starts_at.day == best_day
