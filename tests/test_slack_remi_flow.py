"""The REMI check-in through Slack, end to end: an equality lead types `/larch remi checkin`,
picks a stage with a button, and the short form opens as a modal from that click (Slack
opens modals only with the trigger of a click or a command); the submission stores the
organisation's check-in."""

import pytest

from contract.vocabulary import Platform, Role
from handlers.network import needs
from storage import members, remi
from tests.slack_support import (
    MockSlackApi,
    SlackHarness,
    buttons,
    click,
    grant,
    slash,
    submit,
)

STAGES = ["Awareness", "Commitment", "Implementation", "Embedding", "Creating", "Championing"]


@pytest.fixture(autouse=True)
async def whittington(slack: SlackHarness, mock: MockSlackApi) -> None:
    """Kwame, an admin, has registered Whittington Health with Amara as its lead."""
    grant(slack.app, "U0KWAME", Role.ADMIN)
    steps = (
        ("remi org add Whittington Health | NHS trust | North Central London", "Registered"),
        ("remi lead add <@U0AMARA|amara> Whittington Health", "Done:"),
    )
    # One at a time: Slack work runs on a pool, so with both in flight the lead could be
    # added before the organisation exists.
    for number, (typed, reply_starts) in enumerate(steps, start=1):
        await slack.post(slash(mock, typed, user="U0KWAME"))
        *_, answer = await mock.wait_for("response_url", count=number)
        assert answer.body["text"].startswith(reply_starts), answer.body["text"]
    mock.calls.clear()


async def pick_stage(slack: SlackHarness, mock: MockSlackApi, stage: int) -> dict:
    """`remi checkin`, then a click on a stage; the click's payload."""
    await slack.post(slash(mock, "remi checkin"))
    [picker] = await mock.wait_for("response_url")
    clicked = click(mock, buttons(picker.body["blocks"])[stage - 1])
    await slack.post(clicked)
    return clicked


async def test_the_stage_picker_shows_six_stages_as_buttons(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await slack.post(slash(mock, "remi checkin"))
    [picker] = await mock.wait_for("response_url")
    assert picker.body["response_type"] == "ephemeral"
    header = picker.body["blocks"][0]
    assert header["text"]["text"] == "REMI check-in: Whittington Health"
    stage_buttons = buttons(picker.body["blocks"])
    assert [b["text"]["text"] for b in stage_buttons] == [
        f"{number} {name}" for number, name in enumerate(STAGES, start=1)
    ]
    assert [b["value"] for b in stage_buttons] == [f"1:2026Q4:{n}" for n in range(1, 7)]
    assert "Which stage fits best now?" in picker.body["text"]
    assert mock.calls_to("views.open") == []


async def test_a_stage_click_opens_the_form_and_its_submission_stores_the_checkin(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    clicked = await pick_stage(slack, mock, 3)
    [opened] = await mock.wait_for("views.open")
    assert opened.body["trigger_id"] == clicked["trigger_id"]
    view = opened.body["view"]
    assert view["title"]["text"] == "REMI check-in" and view["submit"]["text"] == "Finish"
    inputs = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert inputs["changed"]["multiline"] is True
    assert inputs["needs"]["type"] == "multi_static_select"
    assert [o["value"] for o in inputs["needs"]["options"]] == list(needs.LABELS)
    # Beside the modal, the stage is confirmed with a button to reopen the form.
    _, noted = await mock.wait_for("response_url", count=2)
    assert noted.body["text"].startswith("Noted: Whittington Health is at stage 3, Implementation")
    assert [b["text"]["text"] for b in buttons(noted.body["blocks"])] == [
        "Answer the two questions"
    ]

    answers = {"changed": "The board adopted our action plan.", "needs": ["training", "data"]}
    status, body = await slack.post(submit(mock, view, answers))
    assert (status, body) == (200, "")
    [thanks] = await mock.wait_for("chat.postMessage")
    assert thanks.body["channel"] == "D0U0AMARA"
    assert "Whittington Health's check-in for" in thanks.body["text"]
    assert "is complete" in thanks.body["text"]
    with slack.app.services.db.session() as session:
        checkin = remi.checkin_for(session, 1, "2026Q4")
        amara = members.find(session, Platform.SLACK, "U0AMARA")
    assert checkin is not None and checkin.is_complete
    assert (checkin.stage, checkin.needs, checkin.changed) == (
        3,
        ["training", "data"],
        "The board adopted our action plan.",
    )
    assert amara is not None and checkin.answered_by == amara.id


async def test_a_checkin_left_after_the_stage_resumes_with_the_form_and_the_picker(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    await pick_stage(slack, mock, 2)
    await mock.wait_for("views.open")
    await slack.finish()

    command = slash(mock, "remi checkin")
    await slack.post(command)
    _, resumed = await mock.wait_for("views.open", count=2)
    assert resumed.body["trigger_id"] == command["trigger_id"]
    # The form cannot show the stage buttons, so they come beside it.
    *_, picker = await mock.wait_for("response_url", count=3)
    assert "gave stage 2, Commitment; two short questions remain" in picker.body["text"]
    labels = [b["text"]["text"] for b in buttons(picker.body["blocks"])]
    assert labels == [
        *(f"{n} {name}" for n, name in enumerate(STAGES, 1)),
        "Answer the two questions",
    ]
