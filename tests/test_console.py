"""The console adapter, driven through stdin as an operator or a pipe would."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from knowledge.semantic import DEFAULT_MODEL
from tests.conftest import bot_environment

# The bar is 3 s to the first answer; a Python start on a busy CI machine adds to it.
START_UP_SECONDS = 12
# What starting the model's load in the background may add to a start without it.
MODEL_START_SECONDS = 1.5


def larch_bot(
    tmp_path: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = bot_environment(tmp_path / "console.db", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
    )


def test_piped_questions_are_answered_and_eof_exits_cleanly(tmp_path: Path) -> None:
    result = larch_bot(
        tmp_path,
        "console",
        stdin="define structural racism\nwhat is WRES?\nremi stages\nhelp\n",
    )
    assert result.returncode == 0, result.stderr
    assert "> define structural racism" in result.stdout
    assert "Structural racism" in result.stdout
    assert "Workforce Race Equality Standard" in result.stdout
    assert "6. Championing" in result.stdout
    assert "Here is what I can do" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_buttons_are_numbered_and_picked_by_number(tmp_path: Path) -> None:
    result = larch_bot(tmp_path, "console", stdin="define structural racism\n1\n")
    assert result.returncode == 0, result.stderr
    first_answer, _, after_pick = result.stdout.partition("> 1\n")
    choice = next(line for line in first_answer.splitlines() if line.strip().startswith("[1]"))
    title = choice.split("] ", 1)[1]
    assert after_pick.startswith(title)


def test_console_role_flag_and_admin_commands(tmp_path: Path) -> None:
    result = larch_bot(
        tmp_path,
        "console",
        "--user",
        "amara",
        "--role",
        "admin",
        stdin="admin grant @kwame curator\nadmin roles\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Done: kwame now has the curator role." in result.stdout
    assert "• amara: admin" in result.stdout


def test_ask_answers_one_message_and_exits(tmp_path: Path) -> None:
    result = larch_bot(tmp_path, "ask", "what is PCREF?")
    assert result.returncode == 0, result.stderr
    assert "Patient and Carer Race Equality Framework" in result.stdout


def test_my_data_download_lands_in_a_file(tmp_path: Path) -> None:
    result = larch_bot(tmp_path, "ask", "my data", "--user", "ngozi")
    assert result.returncode == 0, result.stderr
    saved = tmp_path / "var" / "downloads" / "larch-my-data.json"
    assert '"display_name": "ngozi"' in saved.read_text()


def test_bad_settings_stop_start_up_with_a_message_naming_them(tmp_path: Path) -> None:
    result = larch_bot(tmp_path, "ask", "help", env={"LARCH_ADMINS": "myspace:tom"})
    assert result.returncode == 2
    assert "LARCH_ADMINS" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("query", "expected_first"), [("PCREF", "pcref"), ("microagression", "microaggression")]
)
def test_kb_search_prints_json_best_first(tmp_path: Path, query: str, expected_first: str) -> None:
    import json

    result = larch_bot(tmp_path, "kb", "search", query, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["id"] == expected_first
    assert set(rows[0]) == {"id", "title", "kind", "score"}


def test_kb_search_prints_an_empty_array_when_nothing_is_confident(tmp_path: Path) -> None:
    result = larch_bot(tmp_path, "kb", "search", "best pizza in soho", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_kb_check_fails_listing_problems(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "broken.md").write_text("---\nid: other\nkind: spell\n---\nbody\n")
    result = larch_bot(tmp_path, "kb", "check", "--content", str(content))
    assert result.returncode == 1
    assert "broken.md" in result.stderr
    good = larch_bot(tmp_path, "kb", "check")
    assert good.returncode == 0, good.stderr


def test_an_unreachable_database_is_reported_without_a_trace(tmp_path: Path) -> None:
    result = larch_bot(
        tmp_path, "db", "upgrade", env={"DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/none"}
    )
    assert result.returncode == 2
    assert result.stderr.startswith("DATABASE_URL: cannot use the database")
    assert "Traceback" not in result.stderr


def test_kb_search_suggestions_come_apart_from_the_answers(tmp_path: Path) -> None:
    import json

    near = larch_bot(tmp_path, "kb", "search", "racism in football", "--json", "--suggestions")
    assert near.returncode == 0, near.stderr
    assert json.loads(near.stdout)["answers"] == []
    assert [row["id"] for row in json.loads(near.stdout)["suggestions"]] == ["racism"]
    plain = larch_bot(tmp_path, "kb", "search", "racism in football", "--json")
    assert plain.stdout.strip() == "[]"
    answered = larch_bot(tmp_path, "kb", "search", "PCREF", "--json", "--suggestions")
    assert json.loads(answered.stdout)["answers"][0]["id"] == "pcref"
    assert json.loads(answered.stdout)["suggestions"] == []


def test_the_bot_answers_at_once_while_its_model_loads(tmp_path: Path) -> None:
    """With semantic search on, start-up does not wait for the model: the first question is
    answered lexically, and the process is done before the model would have loaded. Timed
    against the same start with no model, so a busy machine slows both alike."""

    def answer_what_is_wres(**env: str) -> float:
        started = time.monotonic()
        result = larch_bot(tmp_path, "console", stdin="what is WRES?\n", env=env)
        assert result.returncode == 0, result.stderr
        assert "Workforce Race Equality Standard (WRES)" in result.stdout
        assert "semantic search ready" not in result.stderr
        return time.monotonic() - started

    without_model = answer_what_is_wres(LARCH_SEARCH_MODEL="off")
    with_model = answer_what_is_wres(
        LARCH_SEARCH_MODEL=DEFAULT_MODEL, LARCH_CACHE_DIR=str(tmp_path / "cache")
    )
    assert with_model < without_model + MODEL_START_SECONDS
    assert with_model < START_UP_SECONDS
