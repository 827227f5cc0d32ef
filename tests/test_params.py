"""Typed command arguments: each kind reads what members type and refuses the rest with a
reason; the router answers a refusal with the command's usage, never a traceback."""

import asyncio
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.params import (
    MAX_ID,
    ArgumentError,
    Choice,
    Day,
    Duration,
    Flag,
    Length,
    Number,
    Param,
    Person,
    PersonRef,
    ReadContext,
    Text,
    TimeOfDay,
    read_options,
    read_text,
    usage_of,
    weekday,
)
from contract.vocabulary import Platform, Role
from handlers.registry import build_registry
from tests.conftest import Bot

CONTEXT = ReadContext(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), ZoneInfo("Europe/London"))
ITEM = Number("number", "The item's number")
POSITION = Number("position", "Where it goes")
OWNER = Person("owner", "Who does it")
WHAT = Text("text", "What is to be done")
DUE = Day("date", "When it is due", keyword="due")
ROLE = Choice(
    "role", "Which role", choices=("organiser", "equality lead"), aliases={"lead": "equality lead"}
)


def read(params: tuple[Param[Any], ...], text: str) -> dict[str, Any]:
    return read_text(params, text, CONTEXT)


def test_numbers_are_ascii_digits_that_fit_the_id_column() -> None:
    assert read((ITEM, POSITION), "3 1") == {"number": 3, "position": 1}
    assert read((ITEM,), "#12") == {"number": 12}
    for typed, problem in [
        ("²", "“²” is not a number"),
        ("٣", "“٣” is not a number"),
        ("3.5", "is not a number"),
        ("-1", "is not a number"),
        ("0", "must be 1 or more"),
        (str(MAX_ID + 1), f"there is nothing numbered {MAX_ID + 1}"),
        ("1" * 13, "is not a number"),
    ]:
        with pytest.raises(ArgumentError, match=problem):
            read((ITEM,), typed)
    assert read((ITEM,), str(MAX_ID)) == {"number": MAX_ID}


def test_a_person_a_free_text_and_a_keyword_date_read_in_one_line() -> None:
    values = read((OWNER, WHAT, DUE), "<@slack:U1> Review the due diligence paper due Fri 4 Dec")
    assert values == {
        "owner": PersonRef(Platform.SLACK, "U1"),
        "text": "Review the due diligence paper",
        "date": date(2026, 12, 4),
    }


def test_a_mention_cannot_smuggle_markup() -> None:
    with pytest.raises(ArgumentError, match="name the owner with @"):
        read((OWNER, WHAT, DUE), "<@slack:x<!channel>> hi due Friday")


def test_choices_take_their_longest_spelling_and_aliases() -> None:
    person = Person("person", "Who")
    assert read((person, ROLE), "<@console:ann> equality lead")["role"] == "equality lead"
    assert read((person, ROLE), "<@console:ann> Lead")["role"] == "equality lead"
    with pytest.raises(ArgumentError, match="“boss” is not one of organiser or equality lead"):
        read((person, ROLE), "<@console:ann> boss")


def test_optional_arguments_that_are_absent_and_the_reason_one_was_passed_over() -> None:
    every = Choice("every", "How often", required=False, choices=("weekly", "monthly"))
    day = weekday("day", "Which day", required=False)
    at = TimeOfDay("time", "When", required=False)
    assert read((every, day, at), "") == {"every": None, "day": None, "time": None}
    assert read((every, day, at), "monthly thurs 2pm") == {
        "every": "monthly",
        "day": "thursday",
        "time": time(14, 0),
    }
    assert read((every, day, at), "weekly at 9.30")["time"] == time(9, 30)
    with pytest.raises(ArgumentError, match="“daily” is not one of weekly or monthly"):
        read((every, day, at), "daily")


def test_several_free_texts_are_separated_and_leading_optional_ones_may_be_left_out() -> None:
    name, area = Text("name", "Name"), Text("area", "Area")
    assert read((name, area), "Camden Council | North Central London") == {
        "name": "Camden Council",
        "area": "North Central London",
    }
    which = Text("organisation", "Which", required=False)
    assert read((which, WHAT), "Train the board") == {
        "organisation": None,
        "text": "Train the board",
    }
    with pytest.raises(ArgumentError, match="`<area>` is missing: area"):
        read((name, area), "Camden Council")
    assert usage_of((name, area)) == "<name> | <area>"


def test_flags_lengths_and_unexpected_words() -> None:
    reset = Flag("reset", "Start again")
    assert read((reset,), "") == {"reset": False}
    assert read((reset,), "RESET") == {"reset": True}
    length = Length("length", "How long", required=False, keyword="for")
    assert read((length,), "for 4 weeks") == {"length": Duration(4, "week")}
    with pytest.raises(ArgumentError, match="I didn't expect “now please”"):
        read((reset,), "now please")


def test_options_sent_one_by_one_are_read_by_the_same_rules() -> None:
    values = read_options(
        (OWNER, WHAT, DUE, Flag("urgent", "Flag it")),
        {"owner": "<@discord:42>", "text": "Draft it", "date": "2026-12-04", "urgent": "true"},
        CONTEXT,
    )
    assert values == {
        "owner": PersonRef(Platform.DISCORD, "42"),
        "text": "Draft it",
        "date": date(2026, 12, 4),
        "urgent": True,
    }
    with pytest.raises(ArgumentError, match="is missing"):
        read_options((ITEM,), {}, CONTEXT)


# Text a member might type, or a forged payload might carry: other scripts' digits, numbers
# too big for a column, nothing at all, a pasted page, mentions with markup in them.
AWKWARD = st.one_of(
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),
    st.integers(min_value=10**9, max_value=10**13).map(str),
    st.just(""),
    st.text(min_size=3900, max_size=4096),
    st.sampled_from(["<@slack:x<!channel>>", "<@discord:>", "@", "|||", "due", "until until"]),
    st.text(max_size=40),
)

EVERY_PARAM = sorted(
    {param for spec in build_registry().commands for param in spec.params},
    key=lambda p: (type(p).__name__, p.name),
)


@pytest.mark.parametrize("param", EVERY_PARAM, ids=lambda p: f"{type(p).__name__}-{p.name}")
@settings(max_examples=60, deadline=None)
@given(typed=AWKWARD)
def test_every_declared_parameter_reads_or_refuses_with_a_reason(
    param: Param[Any], typed: str
) -> None:
    try:
        param.read(typed, CONTEXT)
    except ArgumentError as refusal:
        assert str(refusal).strip()
        assert len(str(refusal)) < 400


COMMANDS = [spec.name for spec in build_registry().commands if spec.params]


@pytest.mark.parametrize("name", COMMANDS)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=AWKWARD)
def test_every_command_answers_awkward_arguments_kindly(bot: Bot, name: str, typed: str) -> None:
    bot.grant("alice", Role.ADMIN)
    replies = asyncio.run(bot.say(f"{name} {typed}"))
    assert replies, (name, typed)
    for reply in replies:
        assert reply.text.strip()
        assert "something went wrong" not in reply.text, (name, typed)
        assert "Traceback" not in reply.text
