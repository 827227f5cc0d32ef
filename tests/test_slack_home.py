"""The App Home tab through Slack: what a member sees when they open it."""

from datetime import UTC, datetime, timedelta

from contract.vocabulary import MemberProfile, Platform
from storage import events, members
from storage.events import Answer
from tests.events_support import stored_event
from tests.slack_support import (
    MockSlackApi,
    SlackHarness,
    buttons,
    click_on_home,
    payload,
)


def a_member(slack: SlackHarness) -> MemberProfile:
    """Amara, known to the bot by her Slack account, U0AMARA (the payload's user)."""
    with slack.app.services.db.session() as session:
        return members.identify(
            session, Platform.SLACK, "U0AMARA", "Amara Okafor", slack.app.services.clock.now()
        )


async def test_the_home_tab_lists_your_events_and_the_next_open_ones_in_each_readers_zone(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    db, now = slack.app.services.db, slack.app.services.clock.now()
    amara = a_member(slack)
    data_day = stored_event(db, title="Data day", capacity=1)
    # After the clocks go forward: 09:00 UTC is 10:00 in London.
    summer = stored_event(
        db,
        title="Summer leadership circle",
        starts_at=datetime(2027, 6, 8, 9, 0, tzinfo=UTC),
        ends_at=datetime(2027, 6, 8, 11, 0, tzinfo=UTC),
    )
    clinic = stored_event(db, title="Procurement clinic", venue=None, online_link="https://x.org")
    stored_event(db, title="Deadline passed", rsvp_deadline=now - timedelta(hours=1))
    called_off = stored_event(db, title="Called off")
    with db.session() as session:
        events.rsvp(session, data_day.id, amara.id, Answer.GOING, now)
        events.rsvp(session, summer.id, amara.id, Answer.MAYBE, now)
        events.rsvp(session, clinic.id, amara.id, Answer.NOT_GOING, now)
        events.rsvp(session, called_off.id, amara.id, Answer.GOING, now)
        events.cancel_event(session, called_off.id, now)

    await slack.post(payload("app_home_opened", mock))
    [published] = await mock.wait_for("views.publish")
    blocks = published.body["view"]["blocks"]
    start = next(
        i for i, b in enumerate(blocks) if b.get("text", {}).get("text") == "Upcoming events"
    )
    section = blocks[start + 1]["text"]["text"]
    # Slack shows each reader the times in their own zone; the fallback is London's.
    assert section.splitlines() == [
        "Yours:",
        "• 1. Data day: <!date^1796119200^{date_short_pretty} at {time}|Tue 1 Dec 2026, 10:00>"
        "–<!date^1796126400^{time}|12:00 (London time)>, City Hall · 1 going · "
        "0 on the waitlist · 0 seats left · you're going",
        "• 2. Summer leadership circle: "
        "<!date^1812445200^{date_short_pretty} at {time}|Tue 8 Jun 2027, 10:00>"
        "–<!date^1812452400^{time}|12:00 (London time)>, City Hall · 0 going · "
        "0 on the waitlist · 2 seats left · you said maybe",
        "Open for answers:",
        "• 3. Procurement clinic: "
        "<!date^1796119200^{date_short_pretty} at {time}|Tue 1 Dec 2026, 10:00>"
        "–<!date^1796126400^{time}|12:00 (London time)>, online · 0 going · "
        "0 on the waitlist · 2 seats left · you can't go",
    ]
    opens = [b for b in buttons(blocks[start:]) if b["action_id"].startswith("events.show")]
    assert [b["text"]["text"] for b in opens] == [
        "Open 1. Data day",
        "Open 2. Summer leadership circle",
        "Open 3. Procurement clinic",
    ]


async def test_the_home_tab_says_how_many_more_of_your_events_there_are(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    db, now = slack.app.services.db, slack.app.services.clock.now()
    amara = a_member(slack)
    going = [stored_event(db, title=f"Learning event {n}") for n in range(1, 13)]
    with db.session() as session:
        for event in going:
            events.rsvp(session, event.id, amara.id, Answer.GOING, now)

    await slack.post(payload("app_home_opened", mock))
    [published] = await mock.wait_for("views.publish")
    text = "\n".join(b.get("text", {}).get("text", "") for b in published.body["view"]["blocks"])
    assert "Learning event 10" in text and "Learning event 11" not in text
    assert "…and 2 more of yours: type `events` to page through them." in text


async def test_open_on_the_home_tab_shows_the_event_in_the_messages_tab(
    slack: SlackHarness, mock: MockSlackApi
) -> None:
    stored_event(slack.app.services.db, title="Data day")
    await slack.post(payload("app_home_opened", mock))
    [published] = await mock.wait_for("views.publish")
    [show] = [
        b for b in buttons(published.body["view"]["blocks"]) if b["action_id"].startswith("events")
    ]
    await slack.post(click_on_home(mock, show))
    [posted] = await mock.wait_for("chat.postMessage")
    assert posted.body["channel"] == "D0U0AMARA"
    assert "You haven't answered yet." in posted.body["text"]
    labels = [b["text"]["text"] for b in buttons(posted.body["blocks"])]
    assert labels == ["Going", "Maybe", "Can't go"]
