"""After the event: a 1–5 prompt to everyone who had a seat, an optional comment, and the
organiser's summary."""

from datetime import timedelta

import pytest

from tests.conftest import Bot
from tests.events_support import WORKSHOP_END, create_event, direct_messages


async def attended_by(bot: Bot, *names: str) -> None:
    await create_event(bot)
    for name in names:
        await bot.click("events.going", "1", as_=name)


async def test_the_prompt_goes_to_attendees_when_the_event_ends(bot: Bot) -> None:
    await attended_by(bot, "ama", "ben")
    await bot.click("events.maybe", "1", as_="cai")
    bot.clock.set(WORKSHOP_END - timedelta(minutes=1))
    await bot.app.dispatcher.run_once()
    assert not any("How was it" in r.text for r in direct_messages(bot, "ama"))
    bot.clock.set(WORKSHOP_END)
    await bot.app.dispatcher.run_once()
    [prompt] = [r for r in direct_messages(bot, "ama") if "How was it" in r.text]
    assert [(b.label, b.action_id, b.value) for b in prompt.buttons] == [
        (str(n), "events.rate", f"1:{n}") for n in range(1, 6)
    ]
    assert any("How was it" in r.text for r in direct_messages(bot, "ben"))
    assert direct_messages(bot, "cai") == []


async def test_a_prompt_the_dispatcher_reaches_months_late_is_not_sent(bot: Bot) -> None:
    await attended_by(bot, "ama")
    bot.clock.set(WORKSHOP_END + timedelta(days=150))
    await bot.app.dispatcher.run_once()
    assert not any("How was it" in r.text for r in direct_messages(bot, "ama"))


async def test_a_prompt_a_few_days_late_is_still_sent(bot: Bot) -> None:
    await attended_by(bot, "ama")
    bot.clock.set(WORKSHOP_END + timedelta(days=3))
    await bot.app.dispatcher.run_once()
    assert any("How was it" in r.text for r in direct_messages(bot, "ama"))


async def test_score_comment_and_the_organisers_summary(bot: Bot) -> None:
    await attended_by(bot, "ama", "ben", "cai")
    bot.clock.set(WORKSHOP_END + timedelta(hours=1))
    [thanks] = await bot.click("events.rate", "1:4", as_="ama")
    assert thanks.text.startswith("Thank you: 4 out of 5 for REMI drop-in workshop.")
    [button] = thanks.buttons
    [form_reply] = await bot.click(button.action_id, button.value, as_="ama")
    assert form_reply.form is not None and form_reply.form.action_id == "events.comment"
    [stored] = await bot.click("events.comment", "1", as_="ama", comment="More case studies")
    assert stored.text == "Thank you: your comment is with the organisers."
    await bot.click("events.rate", "1:2", as_="ben")
    await bot.click("events.rate", "1:5", as_="ben")  # changed their mind: one score each
    [summary] = await bot.say("event feedback 1", as_="olu")
    assert summary.text.splitlines() == [
        "Feedback on REMI drop-in workshop: 2 of 3 attendees answered, average 4.5 out of 5.",
        "  5: 1 ■",
        "  4: 1 ■",
        "  3: 0",
        "  2: 0",
        "  1: 0",
        "Comments:",
        "• More case studies",
    ]
    assert "Ama" not in summary.text


@pytest.mark.parametrize("value", ["1:6", "1:0", "one:5", "1", "", "1:5:5", "x" * 300])
async def test_a_forged_score_is_refused(bot: Bot, value: str) -> None:
    await attended_by(bot, "ama")
    bot.clock.set(WORKSHOP_END)
    [reply] = await bot.click("events.rate", value, as_="ama")
    assert reply.text == "That button doesn't carry a score I understand."
    [summary] = await bot.say("event feedback 1", as_="olu")
    assert summary.text == "No feedback on REMI drop-in workshop yet."


async def test_feedback_is_for_attendees_after_the_event(bot: Bot) -> None:
    await attended_by(bot, "ama")
    [early] = await bot.click("events.rate", "1:5", as_="ama")
    assert "isn't over yet" in early.text
    bot.clock.set(WORKSHOP_END)
    [stranger] = await bot.click("events.rate", "1:1", as_="mallory")
    assert "is for the people who had a seat" in stranger.text
    [unknown] = await bot.click("events.rate", "77:5", as_="ama")
    assert "I can't find an event" in unknown.text
    [comment_first] = await bot.click("events.comment", "1", as_="ama", comment="Hi")
    assert "Please pick a score from 1 to 5 first" in comment_first.text
    [summary] = await bot.say("event feedback 1", as_="olu")
    assert summary.text == "No feedback on REMI drop-in workshop yet."
