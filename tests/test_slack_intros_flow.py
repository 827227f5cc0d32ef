"""Peer introductions through Slack, end to end: `/larch intros join` opens a modal with
the sector and topics as menus, the submission stores the profile, and when the round
comes due the scheduler introduces the pair in a Slack group DM."""

from contract.vocabulary import Platform
from handlers.clock import ManualClock
from handlers.intros.profile import SECTORS, TOPICS
from storage import intros, members
from tests.intros_support import FIRST_ROUND
from tests.slack_support import MockSlackApi, SlackHarness, slash, submit


async def join(
    slack: SlackHarness, mock: MockSlackApi, user: str, answers: dict[str, str | list[str]]
) -> dict:
    """`intros join` and the form filled in; the modal as it was opened."""
    opened_before = len(mock.calls_to("views.open"))
    await slack.post(slash(mock, "intros join", user=user))
    *_, opened = await mock.wait_for("views.open", count=opened_before + 1)
    view = opened.body["view"]
    status, body = await slack.post(submit(mock, view, answers, user=user))
    assert (status, body) == (200, "")
    await slack.finish()
    return view


def participant(slack: SlackHarness, user: str) -> intros.IntroParticipant | None:
    with slack.app.services.db.session() as session:
        member = members.find(session, Platform.SLACK, user)
        assert member is not None
        return intros.participant(session, member.id)


async def test_intros_join_opens_menus_and_stores_the_profile(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    view = await join(
        slack,
        mock,
        "U0AMARA",
        {"organisation": "Camden Council", "sector": "local authority", "topics": ["data", "REMI"]},
    )
    assert view["title"]["text"] == "Peer introductions"
    assert view["blocks"][0]["text"]["text"].startswith("Peer introductions pair you with")
    inputs = {block["block_id"]: block["element"] for block in view["blocks"][1:]}
    assert inputs["organisation"]["type"] == "plain_text_input"
    assert inputs["sector"]["type"] == "static_select"
    assert [o["value"] for o in inputs["sector"]["options"]] == list(SECTORS)
    assert inputs["topics"]["type"] == "multi_static_select"
    assert [o["value"] for o in inputs["topics"]["options"]] == list(TOPICS)

    [confirmed] = mock.calls_to("chat.postMessage")
    assert confirmed.body["channel"] == "D0U0AMARA"
    # The notification's text cannot show a time in the reader's zone; the message can.
    assert confirmed.body["text"].startswith(
        "You're in! Next round: Mon 23 Nov 2026, 10:00 (London time)."
    )
    assert confirmed.body["blocks"][0]["text"]["text"].startswith(
        "You're in! Next round: <!date^1795428000^{date_short_pretty} at {time}|"
        "Mon 23 Nov 2026, 10:00 (London time)>."
    )
    joined = participant(slack, "U0AMARA")
    assert joined is not None and joined.active
    assert (joined.organisation, joined.sector, joined.topics) == (
        "Camden Council",
        "local authority",
        ["data", "REMI"],
    )

    # Asked again, the form comes filled in with what is stored.
    again = await join(
        slack, mock, "U0AMARA", {"organisation": "Camden Council", "sector": "local authority"}
    )
    refilled = {block["block_id"]: block["element"] for block in again["blocks"][1:]}
    assert refilled["sector"]["initial_option"]["value"] == "local authority"
    assert [o["value"] for o in refilled["topics"]["initial_options"]] == ["data", "REMI"]


async def test_a_round_introduces_a_pair_in_a_slack_group_dm(
    slack: SlackHarness, mock: MockSlackApi, clock: ManualClock
) -> None:
    await join(
        slack,
        mock,
        "U0AMARA",
        {"organisation": "Camden Council", "sector": "local authority", "topics": ["data"]},
    )
    await join(
        slack,
        mock,
        "U0KWAME",
        {"organisation": "Barts Health", "sector": "NHS trust", "topics": ["data", "workforce"]},
    )
    mock.calls.clear()

    dispatcher = slack.app.dispatcher
    await dispatcher.run_once()
    clock.set(FIRST_ROUND)
    outcomes = await dispatcher.run_once()
    assert [o.sent for o in outcomes if o.key.startswith("intros:intro:")] == [
        "introduced 2 people in a group message"
    ]

    [opened] = mock.calls_to("conversations.open")
    assert sorted(opened.body["users"].split(",")) == ["U0AMARA", "U0KWAME"]
    [introduction] = mock.calls_to("chat.postMessage")
    assert introduction.body["channel"] == "G0" + opened.body["users"].replace(",", "")
    assert introduction.body["blocks"][0]["text"]["text"] == "Peer introduction"
    text = introduction.body["text"]
    assert "• Amara Okafor, Camden Council (local authority)" in text
    assert "• Kwame Mensah, Barts Health (NHS trust)" in text
    assert "You both want to talk about data." in text
