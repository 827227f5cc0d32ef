"""The curated knowledge base parses and keeps its rules; broken entries are reported."""

import shutil
from pathlib import Path

import pytest

from knowledge.check import check_directory, load_entries
from knowledge.entries import CONTENT_DIR, KINDS, ContentError, parse_entry

FIXTURES = Path(__file__).parent / "fixtures" / "knowledge"
CONTENT_FILES = sorted(p for p in CONTENT_DIR.glob("*.md") if p.name != "README.md")

REQUIRED_IDS = {
    "definition": """
        anti-racism racism structural-racism institutional-racism systemic-racism
        interpersonal-racism race ethnicity health-inequalities racial-health-inequalities
        health-equity minoritised bame global-majority co-production lived-experience
        anchor-institution wider-determinants-of-health cultural-competence microaggression
        allyship psychological-safety psychological-contract inclusive-leadership
        intersectionality unconscious-bias positive-action equality-act-2010
        public-sector-equality-duty protected-characteristics equality-health-impact-assessment
        wres wdes pcref core20plus5 population-health-management integrated-care-system
        integrated-care-board vcse life-course-approach theory-of-change maturity-index
        ethnicity-pay-gap ethnicity-data remi-stages
    """,
    "organisation": """
        larch race-equality-foundation gla ohid nhs-race-and-health-observatory
        institute-of-health-equity london-councils adph-london
        health-innovation-network-south-london hear-network
    """,
    "resource": """
        remi remi-faqs remi-implementation-infographic remi-drop-in-workshops
        remi-introduction-event co-produced-recommendations
        racial-health-inequalities-evidence-summary ihe-structural-racism-review
        core-managers-training-programme hin-anti-racism-programme-evaluation
        hin-anti-racism-toolkit co-production-resources hearing-community-voices-event
        ethnicity-data-learning-event larch-annual-conference-2025 larch-anti-racism-statement
        origins-of-larch terminology-consensus london-health-inequalities-strategy
        building-a-fairer-city strategic-framework-five-commitments
        tackling-racial-inequality-programme
    """,
}


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda path: path.name)
def test_every_content_file_parses(path: Path) -> None:
    entry = parse_entry(path)
    assert entry.id == path.stem
    assert entry.kind in KINDS


def test_the_knowledge_base_keeps_every_rule() -> None:
    assert check_directory(CONTENT_DIR) == []


def test_every_entry_the_bot_relies_on_exists_with_its_kind() -> None:
    kinds = {entry.id: entry.kind for entry in load_entries()}
    expected = {i: kind for kind, ids in REQUIRED_IDS.items() for i in ids.split()}
    missing = sorted(set(expected) - set(kinds))
    assert not missing, f"missing entries: {missing}"
    wrong_kind = {i: kinds[i] for i, kind in expected.items() if kinds[i] != kind}
    assert not wrong_kind, f"entries of the wrong kind: {wrong_kind}"


def test_entries_load_sorted_by_id_without_the_readme() -> None:
    ids = [entry.id for entry in load_entries()]
    assert ids == sorted(ids)
    assert len(ids) == len(CONTENT_FILES)
    assert "README" not in ids


def test_the_fixture_knowledge_base_is_good_to_start_from() -> None:
    assert check_directory(FIXTURES) == []


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the fixture knowledge base, to break."""
    for path in FIXTURES.glob("*.md"):
        shutil.copy(path, tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FAULTS = [
    pytest.param(
        "wres.md",
        "url: https://example.org/wres",
        "url: example.org/wres",
        "wres.md: url 'example.org/wres' must start with http:// or https://",
        id="url without scheme",
    ),
    pytest.param(
        "wres.md",
        "url: https://example.org/wres",
        "url: https://example.org/race equality",
        "wres.md: url 'https://example.org/race equality' contains a space",
        id="url with a space",
    ),
    pytest.param(
        "wres.md",
        "url: https://example.org/wres",
        "url: https:///wres",
        "wres.md: url 'https:///wres' has no host",
        id="url without host",
    ),
    pytest.param(
        "racism.md",
        "review_by: 2027-01-10\n",
        "",
        "racism.md: review_by is missing",
        id="missing review_by",
    ),
    pytest.param(
        "racism.md",
        "review_by: 2027-01-10",
        "review_by: 2025-12-01",
        "racism.md: review_by must be after last_reviewed",
        id="review_by before last_reviewed",
    ),
    pytest.param(
        "racism.md",
        "review_by: 2027-01-10",
        "review_by: 2027-02-30",
        "racism.md: review_by is not a date (YYYY-MM-DD): '2027-02-30'",
        id="impossible date",
    ),
    pytest.param(
        "racism.md",
        "tags: [racism, foundations]",
        "aliases: [Structural Discrimination]\ntags: [racism, foundations]",
        "racism.md: alias 'Structural Discrimination' is also claimed by structural-racism.md",
        id="alias claimed twice",
    ),
    pytest.param(
        "racism.md",
        "tags: [racism, foundations]",
        "aliases: [institutional-racism]\ntags: [racism, foundations]",
        "racism.md: alias 'institutional-racism' is the title of institutional-racism.md",
        id="alias is another entry's title",
    ),
    pytest.param(
        "racism.md",
        "related: [structural-racism, institutional-racism]",
        "related: [structural-racism, systemic-racism]",
        "racism.md: related id 'systemic-racism' does not exist",
        id="unknown related id",
    ),
    pytest.param(
        "racism.md",
        "kind: definition",
        "kind: glossary",
        "racism.md: kind must be one of definition, resource, organisation, not 'glossary'",
        id="unknown kind",
    ),
    pytest.param(
        "racism.md",
        "url: https://example.org/racism\n",
        "",
        "racism.md: needs a url, a source a member can open",
        id="no url",
    ),
    pytest.param(
        "racism.md",
        "title: Racism",
        "title: Racism\nreveiw_by: 2027-01-10",
        "racism.md: unknown field 'reveiw_by'",
        id="misspelt field",
    ),
    pytest.param(
        "racism.md",
        "id: racism",
        "id: racism-definition",
        "racism.md: id 'racism-definition' must match the file name",
        id="id is not the file name",
    ),
    pytest.param(
        "racism.md",
        "tags: [racism, foundations]",
        "tags: [Racism, foundations]",
        "racism.md: tag 'Racism' must be lower-case",
        id="tag in capitals",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "problem"), FAULTS)
def test_each_fault_is_reported_against_its_file(
    content: Path, name: str, old: str, new: str, problem: str
) -> None:
    _edit(content / name, old, new)
    assert problem in check_directory(content)


def test_a_duplicate_id_is_reported_for_both_files(content: Path) -> None:
    copy = content / "racism-again.md"
    shutil.copy(content / "racism.md", copy)
    problems = check_directory(content)
    assert "racism.md: id 'racism' is also used by racism-again.md" in problems
    assert "racism-again.md: id 'racism' is also used by racism.md" in problems


def test_an_id_that_is_not_lower_case_words_is_reported(content: Path) -> None:
    (content / "racism.md").rename(content / "Racism_Def.md")
    _edit(content / "Racism_Def.md", "id: racism", "id: Racism_Def")
    assert (
        "Racism_Def.md: id 'Racism_Def' must be lower-case words joined by hyphens"
        in check_directory(content)
    )


def test_an_overlong_summary_is_reported(content: Path) -> None:
    _edit(content / "racism.md", "backed by power.", "backed by power. " + "More words. " * 40)
    problems = check_directory(content)
    assert any(p.startswith("racism.md: summary is ") for p in problems)


def test_every_problem_is_reported_in_one_run(content: Path) -> None:
    _edit(content / "wres.md", "url: https://example.org/wres", "url: example.org/wres")
    _edit(content / "racism.md", "review_by: 2027-01-10\n", "")
    _edit(content / "london-councils.md", "kind: organisation", "kind: charity")
    problems = check_directory(content)
    assert [p.split(":")[0] for p in problems] == ["london-councils.md", "racism.md", "wres.md"]


def test_loading_a_broken_knowledge_base_raises_with_every_problem(content: Path) -> None:
    _edit(content / "racism.md", "review_by: 2027-01-10\n", "")
    _edit(content / "structural-racism.md", "[institutional-racism, racism]", "[nope]")
    with pytest.raises(ContentError) as raised:
        load_entries(content)
    assert raised.value.problems == [
        "racism.md: review_by is missing",
        "structural-racism.md: related id 'nope' does not exist",
    ]


def test_parse_entry_names_the_file_and_field(content: Path) -> None:
    _edit(content / "wres.md", "title: Workforce Race Equality Standard\n", "")
    with pytest.raises(ContentError, match=r"wres\.md: title is missing"):
        parse_entry(content / "wres.md")


def test_a_file_that_is_not_front_matter_is_reported(content: Path) -> None:
    (content / "notes.md").write_text("---\nid: [unclosed\n---\nbody\n", encoding="utf-8")
    problems = check_directory(content)
    assert any(p.startswith("notes.md: cannot be read") for p in problems)


def test_the_readme_is_not_an_entry(content: Path) -> None:
    (content / "README.md").write_text("# How to write an entry\n", encoding="utf-8")
    assert check_directory(content) == []
