"""Members suggest resources: a quick command or a form, checked, compared with what the
knowledge base has, then passed to the curators."""

import json

import pytest

from tests.conftest import Bot
from tests.kb_world import (
    MEMBER,
    NEW_LINK,
    NEW_TITLE,
    knowledge,  # noqa: F401
    posts_to,
    send_suggestion,
    submissions,
)

HIN_TOOLKIT = "https://healthinnovationnetwork.com/news/hin-publishes-anti-racism-toolkit/"


async def test_the_form_sends_the_suggestion_to_the_curators_and_thanks_the_member(
    bot: Bot,
) -> None:
    [opened] = await bot.say("suggest", as_=MEMBER)
    assert opened.form is not None
    assert [f.name for f in opened.form.fields] == [
        "title",
        "link",
        "description",
        "why",
        "tags",
    ]

    reply = await send_suggestion(bot, tags="Evidence, NHS data")

    assert reply.text == (
        f"Thank you, Amara! I've passed “{NEW_TITLE}” to the curators to review, and I'll "
        "let you know what they decide."
    )
    [stored] = submissions(bot)
    assert (stored.url, stored.title, stored.status) == (NEW_LINK, NEW_TITLE, "pending")
    assert stored.tags == ["evidence", "nhs-data"]
    [post] = posts_to(bot, "curators")
    assert f"Amara suggests a resource for the knowledge base: “{NEW_TITLE}”" in post.text
    assert "Tags: evidence, nhs-data" in post.text
    assert [(b.label, b.value) for b in post.buttons] == [
        ("Approve", str(stored.id)),
        ("Edit", str(stored.id)),
        ("Reject", str(stored.id)),
    ]


async def test_a_link_and_title_in_the_command_are_enough(bot: Bot) -> None:
    [reply] = await bot.say(f"suggest {NEW_LINK} {NEW_TITLE}", as_=MEMBER)
    assert reply.text.startswith("Thank you, Amara!")
    [stored] = submissions(bot)
    assert (stored.url, stored.title, stored.kind, stored.why) == (
        NEW_LINK,
        NEW_TITLE,
        "resource",
        "",
    )


async def test_a_link_alone_opens_the_form_with_the_link_filled_in(bot: Bot) -> None:
    [reply] = await bot.say(f"suggest {NEW_LINK}", as_=MEMBER)
    assert reply.form is not None
    assert {f.name: f.initial for f in reply.form.fields}["link"] == NEW_LINK
    assert submissions(bot) == []


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("suggest zzkq xxv", "“zzkq” is not a web link I can use (it must start with http"),
        ("suggest ftp://files.example.org/report Report", "must start with http:// or https://"),
        ("suggest https://localhost/report Report", "(it has no host)"),
        ("suggest www.example.org/report Report", "is not a web link I can use"),
    ],
)
async def test_something_that_is_not_a_web_link_is_refused_and_nothing_is_stored(
    bot: Bot, said: str, expected: str
) -> None:
    [reply] = await bot.say(said, as_=MEMBER)
    assert reply.text.startswith("I couldn't take that suggestion:")
    assert expected in reply.text
    assert "Nothing was sent" in reply.text
    assert submissions(bot) == [] and posts_to(bot, "curators") == []


async def test_a_10_kb_title_is_refused_from_the_form_and_the_command(bot: Bot) -> None:
    title = "A very long title " * 570

    from_form = await send_suggestion(bot, title=title)
    [from_command] = await bot.say(f"suggest {NEW_LINK} {title}", as_=MEMBER)

    assert "the title is 10,259 characters long; please keep it under 200" in from_form.text
    assert "longer than I can read" in from_command.text
    assert submissions(bot) == [] and posts_to(bot, "curators") == []


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("kind", "podcast", "say what it is with one of: definition, resource, organisation"),
        ("why", "x" * 301, "please say why it helps in under 300 characters"),
        ("tags", "a, b, c, d, e, f, g", "please give at most 6 tags"),
        ("link", "", "it needs a link, starting with https://"),
        ("title", "   ", "it needs a title"),
    ],
)
async def test_a_bad_form_field_is_named_and_nothing_is_stored(
    bot: Bot, field: str, value: str, expected: str
) -> None:
    reply = await send_suggestion(bot, **{field: value})
    assert expected in reply.text
    assert submissions(bot) == []


@pytest.mark.parametrize(
    "same_link",
    [
        HIN_TOOLKIT,
        "http://www.healthinnovationnetwork.com/news/hin-publishes-anti-racism-toolkit",
        "https://HealthInnovationNetwork.com/news/hin-publishes-anti-racism-toolkit/#top",
    ],
)
async def test_a_link_we_already_have_is_pointed_out_before_anything_is_sent(
    bot: Bot, same_link: str
) -> None:
    reply = await send_suggestion(bot, link=same_link, title="Toolkit for tackling racism")

    assert reply.text.splitlines() == [
        "Looks like we already have:",
        "• “HIN Anti-Racism Toolkit” (the same link)",
        "Submit yours anyway?",
    ]
    assert [(b.label, b.action_id) for b in reply.buttons] == [
        ("Submit anyway", "kb.suggest_anyway"),
        ("No, leave it", "kb.suggest_leave"),
        ("HIN Anti-Racism Toolkit", "lookup.show"),
    ]
    assert submissions(bot) == [] and posts_to(bot, "curators") == []


async def test_a_title_very_close_to_an_entry_is_pointed_out(bot: Bot) -> None:
    reply = await send_suggestion(bot, title="Anti-racism toolkits")
    assert "• “HIN Anti-Racism Toolkit” (also called “anti-racism toolkit”)" in reply.text
    reply = await send_suggestion(bot, title="Structual racism")
    assert "• “Structural racism” (a very similar title)" in reply.text
    assert submissions(bot) == []


async def test_a_title_on_the_same_topic_is_not_a_duplicate(bot: Bot) -> None:
    reply = await send_suggestion(bot, title="Tackling structural racism in London boroughs")
    assert reply.text.startswith("Thank you")


async def test_submit_anyway_sends_it_and_leave_it_sends_nothing(bot: Bot) -> None:
    offered = await send_suggestion(bot, link=HIN_TOOLKIT, title="HIN toolkit, second edition")
    anyway, leave, _ = offered.buttons

    [left] = await bot.click(leave.action_id, leave.value, as_=MEMBER)
    assert left.text.startswith("No problem: nothing was sent")
    assert submissions(bot) == []

    [sent] = await bot.click(anyway.action_id, anyway.value, as_=MEMBER)
    assert sent.text.startswith("Thank you, Amara!")
    [stored] = submissions(bot)
    assert (stored.title, stored.url) == ("HIN toolkit, second edition", HIN_TOOLKIT)

    [again] = await bot.click(anyway.action_id, anyway.value, as_=MEMBER)
    assert "You have suggested this link already" in again.text
    assert len(submissions(bot)) == 1 and len(posts_to(bot, "curators")) == 1


async def test_a_link_waiting_for_review_is_pointed_out_to_the_next_member(bot: Bot) -> None:
    await send_suggestion(bot)
    reply = await send_suggestion(bot, title="NHS RHO review", as_="bola")
    assert (
        f"• “{NEW_TITLE}” (the same link, suggested already and waiting for review)" in reply.text
    )


@pytest.mark.parametrize(
    "forged",
    [
        "not json",
        json.dumps(["a", "list"]),
        json.dumps({"link": "javascript:alert(1)", "title": "x"}),
        json.dumps({"link": NEW_LINK, "title": "t" * 1000}),
        json.dumps({"link": NEW_LINK, "title": 7}),
    ],
)
async def test_a_forged_submit_anyway_button_is_refused_and_nothing_is_stored(
    bot: Bot, forged: str
) -> None:
    [reply] = await bot.click("kb.suggest_anyway", forged, as_=MEMBER)
    assert "Nothing was sent" in reply.text or "nothing was sent" in reply.text
    assert submissions(bot) == []
