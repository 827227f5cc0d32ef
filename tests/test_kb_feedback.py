"""Answers learn: "Helpful" and "Not what I needed" under an answer, the questions nothing
answered kept without a name, and `kb gaps` for the curators."""

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from storage.kb import AnswerFeedback
from tests.conftest import Bot
from tests.kb_world import CURATOR, MEMBER, curators, knowledge  # noqa: F401


def marks(bot: Bot) -> list[AnswerFeedback]:
    with bot.app.services.db.session() as session:
        return list(session.exec(select(AnswerFeedback).order_by(col(AnswerFeedback.id))).all())


async def test_an_answer_carries_the_two_feedback_buttons(bot: Bot) -> None:
    [answer] = await bot.say("what is WRES?", as_=MEMBER)
    *_, helpful, unhelpful = answer.buttons
    assert (helpful.label, helpful.action_id, helpful.value) == (
        "Helpful",
        "kb.helpful",
        "wres|what is WRES?",
    )
    assert (unhelpful.label, unhelpful.value) == ("Not what I needed", "wres|what is WRES?")


async def test_a_long_question_is_carried_only_in_part(bot: Bot) -> None:
    question = "what is WRES " + "and why does it matter " * 60
    [answer] = await bot.say(question, as_=MEMBER)
    *_, helpful, _ = answer.buttons
    assert helpful.value.partition("|")[2] == question[:200]


async def test_not_what_i_needed_is_noted_for_the_curators(bot: Bot) -> None:
    [answer] = await bot.say("what is WRES?", as_=MEMBER)
    *_, helpful, unhelpful = answer.buttons

    [thanks] = await bot.click(helpful.action_id, helpful.value, as_=MEMBER)
    [noted] = await bot.click(unhelpful.action_id, unhelpful.value, as_="bola")

    assert thanks.text == "Thank you: glad that helped."
    assert noted.text.startswith(
        "Thank you for telling me. I've noted “what is WRES?” for the curators"
    )
    assert "`suggest <link> <title>`" in noted.text
    assert [(m.outcome, m.entry_id, m.query) for m in marks(bot)] == [
        ("helpful", "wres", "what is WRES?"),
        ("unhelpful", "wres", "what is WRES?"),
    ]


async def test_clicking_twice_counts_once(bot: Bot) -> None:
    [answer] = await bot.say("what is WRES?", as_=MEMBER)
    *_, unhelpful = answer.buttons
    for _ in range(3):
        [reply] = await bot.click(unhelpful.action_id, unhelpful.value, as_=MEMBER)
        assert reply.text.startswith("Thank you for telling me")
    assert len(marks(bot)) == 1


async def test_a_question_nothing_answers_is_kept_with_its_asker_for_forget_me(bot: Bot) -> None:
    [reply] = await bot.say("how do I book the Lambeth community hall?", as_=MEMBER)
    assert reply.text.startswith("I don't have that yet")
    assert "`suggest <link> <title>` sends it to the hub's curators" in reply.text
    [mark] = marks(bot)
    assert (mark.outcome, mark.member_id is not None, mark.entry_id, mark.month) == (
        "unanswered",
        True,
        None,
        "2026-11",
    )


@pytest.mark.parametrize(
    "forged", ["", "wres", "no-such-entry|what is x", "wres|", "wres|   ?  ", "|what is x"]
)
async def test_a_forged_feedback_button_notes_nothing(bot: Bot, forged: str) -> None:
    for action in ("kb.helpful", "kb.unhelpful"):
        [reply] = await bot.click(action, forged, as_=MEMBER)
        assert reply.text.startswith("That button belongs to an answer I no longer have")
    assert marks(bot) == []


async def test_gaps_show_this_months_most_asked_with_counts(bot: Bot) -> None:
    curators(bot)
    [empty] = await bot.say("kb gaps", as_=CURATOR)
    assert empty.text.startswith("No gaps so far in November 2026")
    for who, question in [
        ("amara", "How do I book the Lambeth community hall?"),
        ("bola", "how do i book the   lambeth community hall"),
        ("chi", "HOW DO I BOOK THE LAMBETH COMMUNITY HALL?!"),
        ("amara", "where is the nearest pharmacy to Brixton"),
        ("bola", "where is the nearest pharmacy to Brixton?"),
    ]:
        await bot.say(question, as_=who)
    [answer] = await bot.say("what is WRES?", as_="dee")
    await bot.click("kb.unhelpful", answer.buttons[-1].value, as_="dee")

    [gaps] = await bot.say("kb gaps", as_=CURATOR)

    assert gaps.text.splitlines() == [
        "What members asked in November 2026 that the knowledge base did not answer, or "
        "answered with something that was not what they needed; most asked first:",
        "• “HOW DO I BOOK THE LAMBETH COMMUNITY HALL?!”: 3 times",
        "• “where is the nearest pharmacy to Brixton?”: twice",
        "• “what is WRES?”: once",
        "Write an entry, or `suggest` a resource, for the top ones.",
    ]
    [refused] = await bot.say("kb gaps", as_=MEMBER)
    assert "needs the curator role" in refused.text


async def test_gaps_are_counted_by_the_london_month(bot: Bot) -> None:
    curators(bot)
    bot.clock.set(datetime(2027, 5, 31, 23, 30, tzinfo=UTC))  # 00:30 on 1 June in London
    await bot.say("where is the nearest pharmacy to Brixton", as_=MEMBER)
    [june] = await bot.say("kb gaps", as_=CURATOR)
    assert "“where is the nearest pharmacy to Brixton”: once" in june.text
    bot.clock.set(datetime(2027, 7, 1, 0, 30, tzinfo=UTC))
    [july] = await bot.say("kb gaps", as_=CURATOR)
    assert july.text.startswith("No gaps so far in July 2027")


async def test_gaps_count_a_question_once_in_other_words_without_greetings_or_numbers(
    bot: Bot,
) -> None:
    curators(bot)
    for who, question in [
        ("amara", "Hi there, how do I book the Lambeth community hall? Thanks!"),
        ("bola", "3 how to book lambeth community halls"),
        ("chi", "hello bot"),
        ("dee", "2"),
    ]:
        await bot.say(question, as_=who)
    for n in range(12):
        await bot.say(f"where is pharmacy number {n + 100}", as_="eve")

    [gaps] = await bot.say("kb gaps", as_=CURATOR)

    lines = gaps.text.splitlines()
    assert lines[1] == "• “how to book lambeth community halls”: twice"
    assert not any("hello bot" in line or "“2”" in line for line in lines)
    assert lines[-2] == "…and 3 more, asked less often."
