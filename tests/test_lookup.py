"""Definitions and resources, as a member asks for them."""

import pytest

from handlers.kb import lookup
from tests.conftest import Bot


async def test_the_questions_members_ask_first(bot: Bot) -> None:
    await bot.verify_dialog(
        [
            ("define structural racism", "Structural racism\n"),
            ("find co-production toolkit", "Co-production resources"),
            ("what is WRES?", "Workforce Race Equality Standard (WRES)\n"),
            ("remi stages", "1. Awareness"),
            ("help", "`define <term>`"),
        ]
    )


async def test_an_answer_carries_its_source_link_and_related_entries(bot: Bot) -> None:
    [reply] = await bot.say("define structural racism")
    assert reply.title == "Structural racism"
    assert reply.link is not None and reply.link.url
    assert reply.link.url in reply.text
    assert "Source: " in reply.text
    *related, helpful, unhelpful = reply.buttons
    assert "institutional-racism" in {button.value for button in related}
    assert all(button.action_id == "lookup.show" for button in related)
    assert (helpful.label, unhelpful.label) == ("Helpful", "Not what I needed")


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("microagression", "Microaggression"),
        ("PCREF", "Patient and Carer Race Equality Framework (PCREF)"),
        ("minoritized", "Minoritised"),
        ("define racsim", "Racism"),
        ("what's the difference between institutional and structural racism?", "racism"),
    ],
)
async def test_typos_acronyms_spellings_and_questions_find_the_entry(
    bot: Bot, question: str, title: str
) -> None:
    [reply] = await bot.say(question)
    assert reply.title is not None and reply.title.endswith(title)


async def test_a_difference_question_offers_both_terms(bot: Bot) -> None:
    [reply] = await bot.say("what's the difference between institutional and structural racism?")
    offered = {reply.title, *(b.label for b in reply.buttons)}
    assert {"Institutional racism", "Structural racism"} <= offered


async def test_an_unknown_question_is_answered_honestly(bot: Bot) -> None:
    [reply] = await bot.say("how do I reset my NHS mail password?")
    assert reply.text.startswith("I don't have that yet")
    assert "curators" in reply.text
    assert reply.title is None and reply.link is None


async def test_not_found_offers_close_entries_as_suggestions_only(bot: Bot) -> None:
    [reply] = await bot.say("define racial equity audit")
    assert reply.text.startswith("I don't have that yet")
    assert reply.title is None
    assert "Did you mean one of these? Health equity" in reply.text
    assert [(b.label, b.value) for b in reply.buttons][:1] == [
        ("Did you mean: Health equity", "health-equity")
    ]


async def test_a_related_entry_button_shows_that_entry(bot: Bot) -> None:
    [reply] = await bot.click("lookup.show", "institutional-racism")
    assert reply.title == "Institutional racism"


async def test_a_forged_entry_button_changes_nothing(bot: Bot) -> None:
    [reply] = await bot.click("lookup.show", "../../etc/passwd")
    assert "no longer in the knowledge base" in reply.text


async def test_find_narrows_by_kind_or_tag(bot: Bot) -> None:
    [narrowed] = await bot.say("find organisations health")
    assert narrowed.buttons
    kinds = {bot.app.services.knowledge.get(b.value).kind for b in narrowed.buttons}  # type: ignore[union-attr]
    assert kinds == {"organisation"}


async def test_find_with_only_a_tag_lists_what_carries_it(bot: Bot) -> None:
    [reply] = await bot.say("find training")
    listed = [bot.app.services.knowledge.get(b.value) for b in reply.buttons]
    assert listed and all(e is not None and "training" in e.tags for e in listed)
    assert "Core Managers Training Programme" in reply.text


async def test_define_and_find_without_words_explain_themselves(bot: Bot) -> None:
    await bot.verify_dialog(
        [
            ("define", "`<term>` is missing: the term to explain"),
            ("find", "`<words>` is missing: what to look for"),
        ]
    )


def test_term_completion_prefers_names_starting_with_what_is_typed(bot: Bot) -> None:
    services = bot.app.services
    names = lookup.term_names(services, "struct")
    assert "Structural racism" in names
    starting = [n.lower().startswith("struct") for n in names]
    assert starting == sorted(starting, reverse=True) and all("struct" in n.lower() for n in names)
    assert "Workforce Race Equality Standard (WRES)" in lookup.term_names(services, "wres")
    assert "Microaggression" in lookup.term_names(services, "microagression")
