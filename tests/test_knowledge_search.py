"""Search as a member meets it: the right entry for what they type, or nothing at all."""

from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.check import load_entries
from knowledge.lexical import CONFIDENT_SCORE
from knowledge.normalise import normalise
from knowledge.search import SearchIndex

FIXTURES = Path(__file__).parent / "fixtures" / "knowledge"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_entries(FIXTURES))


def _ids(index: SearchIndex, query: str, **narrowing: str) -> list[str]:
    return [match.entry.id for match in index.search(query, **narrowing)]


def _first(index: SearchIndex, query: str) -> str | None:
    found = _ids(index, query)
    return found[0] if found else None


# normalisation


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("minoritized organizations", "minoritised organisation"),
        ("Behavioral change programs", "behavioural change programme"),
        ("color, center, analyze", "colour centre analyse"),
        ("prioritizing realization", "prioritising realisation"),
        ("size prize seize laboratory minority", "size prize seize laboratory minority"),
        ("Toolkits for ICBs", "toolkit for icb"),
        ("inequalities biases approaches", "inequality bias approach"),
        ("WRES WDES PCREF", "wres wdes pcref"),
        ("What’s the Equality Act?", "what is the equality act"),
        ("LARCH's statement; can't find it", "larch statement can not find it"),
        ("naïve – well-being", "naive wellbeing"),
    ],
)
def test_text_is_normalised_to_british_singular_words(typed: str, normalised: str) -> None:
    assert normalise(typed) == normalised


def test_hyphenated_joined_and_spaced_compounds_are_one_word() -> None:
    assert normalise("co-production") == normalise("coproduction") == normalise("co production")
    assert normalise("anti-racism") == normalise("antiracism") == normalise("anti racism")


# finding the right entry


def test_an_exact_title_scores_highest(index: SearchIndex) -> None:
    found = index.search("Structural racism")
    assert found[0].entry.id == "structural-racism"
    assert found[0].score == 100
    assert all(match.score < 100 for match in found[1:])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("define structural racism", "structural-racism"),
        ("what is WRES?", "wres"),
        ("WHAT'S   structural racism??", "structural-racism"),
        (
            "can you tell me about the meaning of institutional racism please",
            "institutional-racism",
        ),
        ("racism", "racism"),
        ("London Councils", "london-councils"),
    ],
)
def test_question_words_and_punctuation_do_not_matter(
    index: SearchIndex, query: str, expected: str
) -> None:
    assert _first(index, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("microagression", "microaggression"),
        ("structual racism", "structural-racism"),
        ("institutionl racism", "institutional-racism"),
        ("workforce race equality standrad", "wres"),
    ],
)
def test_typos_still_find_the_entry(index: SearchIndex, query: str, expected: str) -> None:
    found = index.search(query)
    assert found[0].entry.id == expected
    assert found[0].score < 100, "a corrected typo is a near miss, not an exact hit"


@pytest.mark.parametrize(
    "query", ["co-production", "coproduction", "co production", "Co-Production?"]
)
def test_hyphen_variants_find_the_same_entry(index: SearchIndex, query: str) -> None:
    assert _first(index, query) == "co-production"


@pytest.mark.parametrize(
    "query", ["find co-production toolkit", "co-production toolkits", "toolkit for coproduction"]
)
def test_a_kind_word_prefers_that_kind(index: SearchIndex, query: str) -> None:
    assert _first(index, query) == "co-production-resources"


def test_plurals_find_the_singular_entry(index: SearchIndex) -> None:
    assert _first(index, "microaggressions") == "microaggression"


def test_the_shorter_name_wins_when_both_contain_the_query(index: SearchIndex) -> None:
    assert _ids(index, "racism")[:2] == ["racism", "structural-racism"]


def test_a_difference_question_offers_both_terms_close_together(index: SearchIndex) -> None:
    found = index.search("what's the difference between institutional and structural racism?")
    assert {found[0].entry.id, found[1].entry.id} == {"institutional-racism", "structural-racism"}
    assert found[1].score >= found[0].score - 10


def test_every_match_is_confident_and_limited(index: SearchIndex) -> None:
    found = index.search("racism", limit=2)
    assert len(found) == 2
    assert all(match.score >= CONFIDENT_SCORE for match in found)


# saying nothing rather than something wrong


@pytest.mark.parametrize(
    "query",
    [
        "best pizza in london",
        "what's the weather tomorrow",
        "how do I reset my password",
        "asdfgh",
        "tell me a joke",
        "what is it?",
        "",
        "???",
    ],
)
def test_a_question_the_knowledge_base_cannot_answer_gets_nothing(
    index: SearchIndex, query: str
) -> None:
    assert index.search(query) == []
    assert index.closest(query) == []


def test_a_partly_related_question_gets_a_suggestion_not_an_answer(index: SearchIndex) -> None:
    assert index.search("racism in football") == []
    assert [match.entry.id for match in index.closest("racism in football")] == ["racism"]


def test_a_short_acronym_is_not_corrected_into_another(index: SearchIndex) -> None:
    assert index.search("WDES") == []


def test_a_40_kb_message_is_read_from_its_opening_words(index: SearchIndex) -> None:
    assert _first(index, "define structural racism " + "x" * 40_000) == "structural-racism"
    assert index.search("Lorem ipsum dolor sit amet. " * 1500) == []


# narrowing and lookups


def test_kind_narrows_the_results(index: SearchIndex) -> None:
    assert _ids(index, "co-production", kind="resource") == ["co-production-resources"]
    assert _ids(index, "co-production", kind="organisation") == []


def test_an_unknown_kind_is_a_mistake_in_the_caller(index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="kind"):
        index.search("racism", kind="toolkit")


def test_tag_narrows_the_results_whatever_its_spelling(index: SearchIndex) -> None:
    assert _ids(index, "racism", tag="Behaviours") == ["microaggression"]
    assert set(_ids(index, "communities", tag="co production")) == {
        "co-production",
        "co-production-resources",
    }


def test_tags_and_kind_words_are_recognised(index: SearchIndex) -> None:
    assert index.is_tag("co-production")
    assert index.is_tag("Co Production")
    assert not index.is_tag("pizza")
    assert index.kind_of("toolkits") == "resource"
    assert index.kind_of("Resources") == "resource"
    assert index.kind_of("definitions") == "definition"
    assert index.kind_of("orgs") == "organisation"
    assert index.kind_of("organizations") == "organisation"
    assert index.kind_of("racism") is None


def test_entries_are_found_by_id(index: SearchIndex) -> None:
    entry = index.get("wres")
    assert entry is not None
    assert entry.title == "Workforce Race Equality Standard"
    assert index.get("no-such-entry") is None
    assert len(index.entries) == len(list(FIXTURES.glob("*.md")))


def test_an_added_entry_is_found_straight_away_typos_included() -> None:
    entries = load_entries(FIXTURES)
    index = SearchIndex(entries)
    assert index.search("psychological safety") == []
    template = index.get("racism")
    assert template is not None
    index.add(
        replace(
            template,
            id="psychological-safety",
            title="Psychological safety",
            summary="Feeling able to speak up at work without fear of being punished.",
            related=(),
        )
    )
    assert _first(index, "psycological safety") == "psychological-safety"
    assert index.get("psychological-safety") is not None


def test_adding_an_entry_twice_is_refused(index: SearchIndex) -> None:
    entry = index.get("racism")
    assert entry is not None
    with pytest.raises(ValueError, match="already"):
        index.add(entry)
