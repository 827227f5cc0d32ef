"""Curators decide on suggestions: approve (searchable at once), edit then approve, or
reject with a reason the member is told kindly. A second decision, a forged id or a
member without the curator role changes nothing."""

from datetime import date, timedelta

import pytest

from storage import kb
from tests.conftest import Bot
from tests.kb_world import (
    CURATOR,
    MEMBER,
    NEW_DESCRIPTION,
    NEW_LINK,
    NEW_TITLE,
    OTHER_CURATOR,
    approved,
    curators,
    dms_to,
    knowledge,  # noqa: F401
    posts_to,
    send_suggestion,
    submissions,
    suggested,
)


async def test_approve_makes_it_searchable_at_once_and_tells_the_member(bot: Bot) -> None:
    curators(bot)
    submission_id = await suggested(bot, tags="evidence")
    [before] = await bot.say("ethnic inequalities in healthcare rapid evidence review")
    assert before.title != NEW_TITLE

    [done] = await bot.click("kb.approve", str(submission_id), as_=CURATOR)

    assert done.text.startswith(
        f"Approved by Cara: “{NEW_TITLE}” is in the knowledge base now (id "
        "`ethnic-inequalities-in-healthcare-a-rapid-evidence-review`), marked as suggested by "
        "Amara."
    )
    [row] = approved(bot)
    # Answers say what it is, in the member's words; why it helps was for the curators.
    assert (row.title, row.url, row.summary) == (NEW_TITLE, NEW_LINK, NEW_DESCRIPTION)
    assert row.tags == ["evidence", "member-submitted"]
    assert (row.last_reviewed, row.review_by) == (date(2026, 11, 23), date(2027, 5, 23))
    assert row.suggested_at == bot.clock.now()
    [answer] = await bot.say("ethnic inequalities in healthcare rapid evidence review")
    assert answer.title == NEW_TITLE
    entry = bot.app.services.knowledge.get(row.id)
    assert entry is not None
    assert entry.body == (
        "Suggested by a member, Amara, on 23 November 2026, and approved by the curators."
    )
    [listed] = await bot.say("find member-submitted")
    assert listed.title == NEW_TITLE
    [told] = dms_to(bot, MEMBER)
    assert told.text.startswith(f"Good news: “{NEW_TITLE}”, which you suggested, is now in")
    assert submissions(bot)[0].status == "approved"


async def test_approving_twice_says_who_approved_first_and_changes_nothing(bot: Bot) -> None:
    curators(bot, CURATOR, OTHER_CURATOR)
    submission_id = await suggested(bot)
    await bot.click("kb.approve", str(submission_id), as_=CURATOR)

    [second] = await bot.click("kb.approve", str(submission_id), as_=OTHER_CURATOR)
    [reject] = await bot.click("kb.reject", str(submission_id), as_=OTHER_CURATOR)

    expected = (
        f"“{NEW_TITLE}” was already approved by Cara on 23 November 2026, so nothing changed."
    )
    assert second.text == expected and reject.text == expected
    assert len(approved(bot)) == 1
    assert len(dms_to(bot, MEMBER)) == 1
    assert submissions(bot)[0].reviewed_by is not None


@pytest.mark.parametrize(
    "action", ["kb.approve", "kb.edit", "kb.edit_save", "kb.reject", "kb.reject_reason"]
)
async def test_a_member_without_the_curator_role_cannot_decide(bot: Bot, action: str) -> None:
    curators(bot)
    submission_id = await suggested(bot)

    [refused] = await bot.click(
        action, str(submission_id), as_="mallory", reason="no", title="Mine", why="Mine"
    )

    assert "needs the curator role, which you don't have" in refused.text
    assert approved(bot) == [] and submissions(bot)[0].status == "pending"
    assert bot.app.services.knowledge.get("ethnic-inequalities-in-healthcare") is None


@pytest.mark.parametrize("forged", ["999", "abc", "", "-1", "1" * 40, "1 OR 1=1"])
@pytest.mark.parametrize("action", ["kb.approve", "kb.edit", "kb.reject"])
async def test_a_forged_submission_id_changes_nothing(bot: Bot, action: str, forged: str) -> None:
    curators(bot)
    await suggested(bot)
    [reply] = await bot.click(action, forged, as_=CURATOR)
    assert reply.text.startswith("I can't find that suggestion, so nothing changed.")
    assert submissions(bot)[0].status == "pending"


async def test_reject_asks_for_a_reason_and_passes_it_on_kindly(bot: Bot) -> None:
    curators(bot)
    submission_id = await suggested(bot)

    [asked] = await bot.click("kb.reject", str(submission_id), as_=CURATOR)
    assert asked.form is not None and asked.form.value == str(submission_id)
    [empty] = await bot.click(asked.form.action_id, asked.form.value, as_=CURATOR, reason=" ")
    assert "Please give a reason" in empty.text
    assert submissions(bot)[0].status == "pending"
    [done] = await bot.click(
        asked.form.action_id,
        asked.form.value,
        as_=CURATOR,
        reason="We link to the Observatory's full report already.",
    )

    assert done.text == (
        f"Not added: “{NEW_TITLE}” (suggestion #{submission_id}), by Cara. I've let Amara "
        "know why, with thanks."
    )
    [told] = dms_to(bot, MEMBER)
    assert told.text.startswith(f"Thank you for suggesting “{NEW_TITLE}”")
    assert "Their reason: We link to the Observatory's full report already." in told.text
    assert "keep the suggestions coming" in told.text
    [row] = submissions(bot)
    assert row.status == "rejected"
    assert row.reason == "We link to the Observatory's full report already."
    assert approved(bot) == []
    [late] = await bot.click("kb.approve", str(submission_id), as_=CURATOR)
    assert "was already not added by Cara" in late.text


async def test_edit_opens_the_suggestion_and_saving_approves_it_as_corrected(bot: Bot) -> None:
    curators(bot)
    submission_id = await suggested(bot, description="", tags="nhs")

    [asked] = await bot.click("kb.approve", str(submission_id), as_=CURATOR)
    assert "it needs a sentence on what it is" in asked.text and asked.form is not None
    [opened] = await bot.click("kb.edit", str(submission_id), as_=CURATOR)
    assert opened.form is not None
    initial = {f.name: f.initial for f in opened.form.fields}
    assert (initial["title"], initial["link"], initial["tags"]) == (NEW_TITLE, NEW_LINK, "nhs")

    title = "Ethnic inequalities in healthcare (NHS RHO)"
    fields = initial | {"title": title, "description": NEW_DESCRIPTION}
    [done] = await bot.click(opened.form.action_id, opened.form.value, as_=CURATOR, **fields)

    assert done.text.startswith("Approved by Cara: “Ethnic inequalities in healthcare (NHS RHO)”")
    [row] = approved(bot)
    assert (row.id, row.summary) == ("ethnic-inequalities-in-healthcare-nhs-rho", NEW_DESCRIPTION)
    assert submissions(bot)[0].title == NEW_TITLE  # what the member sent is kept as sent


async def test_an_edit_with_a_bad_link_approves_nothing(bot: Bot) -> None:
    curators(bot)
    submission_id = await suggested(bot)
    [opened] = await bot.click("kb.edit", str(submission_id), as_=CURATOR)
    assert opened.form is not None
    fields = {f.name: f.initial for f in opened.form.fields} | {"link": "not a link"}
    [reply] = await bot.click(opened.form.action_id, opened.form.value, as_=CURATOR, **fields)
    assert reply.text.startswith("I couldn't approve it: “not a link” is not a web link")
    assert approved(bot) == [] and submissions(bot)[0].status == "pending"


async def test_a_title_an_entry_already_has_is_sent_back_for_editing(bot: Bot) -> None:
    curators(bot)
    offered = await send_suggestion(bot, title="Structural Racism")
    anyway = offered.buttons[0]
    await bot.click(anyway.action_id, anyway.value, as_=MEMBER)
    [submission] = submissions(bot)

    [reply] = await bot.click("kb.approve", str(submission.id), as_=CURATOR)

    assert "already has an entry called “Structural racism”" in reply.text
    assert reply.form is not None and reply.form.action_id == "kb.edit_save"
    assert approved(bot) == [] and submissions(bot)[0].status == "pending"


async def test_the_queue_lists_waiting_suggestions_with_buttons(bot: Bot) -> None:
    curators(bot)
    [empty] = await bot.say("kb queue", as_=CURATOR)
    assert empty.text.startswith("Nothing waiting")
    first = await suggested(bot)
    bot.clock.advance(timedelta(days=1))
    second = await suggested(bot, link="https://example.org/toolkit", title="A toolkit")

    [queue] = await bot.say("kb queue", as_=CURATOR)

    assert queue.text.splitlines() == [
        "Suggestions waiting for review (2), oldest first:",
        f"• #{first} “{NEW_TITLE}” (resource) from Amara, 23 Nov: {NEW_LINK}",
        f"• #{second} “A toolkit” (resource) from Amara, 24 Nov: https://example.org/toolkit",
    ]
    assert [b.label for b in queue.buttons] == [
        f"Approve #{first}",
        f"Edit #{first}",
        f"Reject #{first}",
        f"Approve #{second}",
        f"Edit #{second}",
        f"Reject #{second}",
    ]
    [refused] = await bot.say("kb queue", as_=MEMBER)
    assert "needs the curator role" in refused.text


async def test_suggestions_reach_the_curators_channel_only(bot: Bot) -> None:
    curators(bot)
    await suggested(bot)
    assert len(posts_to(bot, "curators")) == 1
    assert posts_to(bot, "announcements") == []
    assert dms_to(bot, CURATOR) == []


async def test_a_forgotten_submitter_leaves_a_waiting_suggestion_without_a_name(
    bot: Bot,
) -> None:
    curators(bot)
    submission_id = await suggested(bot)
    [confirm] = await bot.say("forget me", as_=MEMBER)
    await bot.click(confirm.buttons[0].action_id, confirm.buttons[0].value, as_=MEMBER)
    with bot.app.services.db.session() as session:
        row = kb.submission(session, submission_id)
    assert row is not None and row.submitted_by is None
    await bot.click("kb.approve", str(submission_id), as_=CURATOR)
    [entry_row] = approved(bot)
    entry = bot.app.services.knowledge.get(entry_row.id)
    assert entry is not None and entry.body.startswith("Suggested by a member on 23 November")


async def test_a_platform_that_fails_does_not_undo_or_hide_a_stored_decision(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def down(*args: object) -> None:
        raise ConnectionError("the platform is down")

    curators(bot)
    monkeypatch.setattr(bot.messenger, "post_to_channel", down)
    monkeypatch.setattr(bot.messenger, "send_direct", down)

    submission_id = await suggested(bot)
    [queue] = await bot.say("kb queue", as_=CURATOR)
    [done] = await bot.click("kb.approve", str(submission_id), as_=CURATOR)

    assert f"#{submission_id} “{NEW_TITLE}”" in queue.text
    assert done.text.startswith("Approved by Cara")
    assert len(approved(bot)) == 1
    assert f"could not post suggestion {submission_id} to the curators" in caplog.text
    assert "could not tell member" in caplog.text
