"""The weekly digest with the injected clock: Monday 09:00 London time unless an admin says
otherwise, on every platform's announcements channel, once a week however often the
scheduler runs; resources added, a term of the week, REMI check-ins as a count only."""

from datetime import UTC, datetime, timedelta

import pytest

from contract.vocabulary import Platform, Reply, Role
from handlers.kb import digest
from handlers.registry import build_dispatcher
from tests.conftest import Bot, RecordingMessenger
from tests.events_support import create_event
from tests.intros_support import FIRST_ROUND, join, run_until
from tests.kb_world import ADMIN, CURATOR, curators, knowledge, posts_to, suggested  # noqa: F401
from tests.remi_world import check_in, register

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 09:00 in London, winter time
DISCORD_ANNOUNCEMENTS = "555"


@pytest.fixture
def discord(bot: Bot) -> RecordingMessenger:
    """A second platform, and an announcements channel on both."""
    messenger = RecordingMessenger(Platform.DISCORD)
    bot.app.services.messengers = {**bot.app.services.messengers, Platform.DISCORD: messenger}
    bot.app.services.channels = {
        Platform.CONSOLE: {"announcements": "announcements"},
        Platform.DISCORD: {"announcements": DISCORD_ANNOUNCEMENTS},
    }
    bot.grant(ADMIN, Role.ADMIN)
    return messenger


async def digests_at(bot: Bot, instant: datetime) -> list[Reply]:
    """One dispatcher pass at `instant`; the digests posted on the console."""
    bot.clock.set(instant)
    before = len(posts_to(bot, "announcements"))
    await bot.app.dispatcher.run_once()
    return posts_to(bot, "announcements")[before:]


async def test_the_digest_goes_out_on_monday_at_9_on_every_platform(
    bot: Bot, discord: RecordingMessenger
) -> None:
    assert await digests_at(bot, MONDAY - timedelta(minutes=1)) == []
    [posted] = await digests_at(bot, MONDAY)

    assert posted.title == "LARCH Hub weekly digest, week of 23 November 2026"
    assert "Term of the week: " in posted.text
    [(kind, to, on_discord)] = [(s.kind, s.to, s.reply) for s in discord.sent]
    assert (kind, to, on_discord) == ("channel", DISCORD_ANNOUNCEMENTS, posted)


async def test_it_goes_out_once_a_week_however_often_the_scheduler_runs(
    bot: Bot, discord: RecordingMessenger
) -> None:
    another_process = build_dispatcher(bot.app.registry, bot.app.services)
    assert len(await digests_at(bot, MONDAY)) == 1
    await another_process.run_once()
    assert await digests_at(bot, MONDAY + timedelta(hours=1)) == []
    assert await digests_at(bot, MONDAY + timedelta(days=6, hours=23)) == []
    assert len(await digests_at(bot, MONDAY + timedelta(days=7))) == 1
    assert len(discord.sent) == 2


async def test_a_platform_that_fails_is_retried_alone(
    bot: Bot, discord: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(channel_id: str, reply: Reply) -> None:
        raise ConnectionError("Discord is down")

    monkeypatch.setattr(discord, "post_to_channel", down)
    assert len(await digests_at(bot, MONDAY)) == 1
    monkeypatch.undo()

    assert await digests_at(bot, MONDAY + timedelta(minutes=2)) == []
    assert [s.to for s in discord.sent] == [DISCORD_ANNOUNCEMENTS]


async def test_in_summer_it_is_still_9_in_london(bot: Bot, discord: RecordingMessenger) -> None:
    assert await digests_at(bot, datetime(2027, 6, 7, 7, 59, tzinfo=UTC)) == []
    assert len(await digests_at(bot, datetime(2027, 6, 7, 8, 0, tzinfo=UTC))) == 1


async def test_a_digest_missed_while_the_bot_was_down_goes_out_late_that_day_only(
    bot: Bot, discord: RecordingMessenger
) -> None:
    assert len(await digests_at(bot, MONDAY + timedelta(hours=5))) == 1
    assert await digests_at(bot, MONDAY + timedelta(days=7, hours=13)) == []
    assert len(await digests_at(bot, MONDAY + timedelta(days=14))) == 1


async def test_an_admin_sets_the_day_and_time(bot: Bot, discord: RecordingMessenger) -> None:
    [shown] = await bot.say("digest schedule", as_=ADMIN)
    assert shown.text.startswith(
        "The weekly digest goes to the announcements channel on Mondays at 09:00 (London "
        "time); the next on Monday 23 November at 09:00."
    )

    [done] = await bot.say("digest schedule Wednesday 17:30", as_=ADMIN)

    assert done.text == (
        "Done. The weekly digest goes to the announcements channel on Wednesdays at 17:30 "
        "(London time); the next on Wednesday 25 November at 17:30."
    )
    assert await digests_at(bot, MONDAY) == []
    assert len(await digests_at(bot, datetime(2026, 11, 25, 17, 30, tzinfo=UTC))) == 1


async def test_moving_the_day_after_this_weeks_digest_does_not_send_a_second(
    bot: Bot, discord: RecordingMessenger
) -> None:
    await digests_at(bot, MONDAY)
    [done] = await bot.say("digest schedule fri 10:00", as_=ADMIN)
    assert done.text.endswith("the next on Friday 4 December at 10:00.")
    assert await digests_at(bot, datetime(2026, 11, 27, 10, 0, tzinfo=UTC)) == []
    assert len(await digests_at(bot, datetime(2026, 12, 4, 10, 0, tzinfo=UTC))) == 1


@pytest.mark.parametrize(
    ("said", "problem"),
    [
        ("digest schedule someday 09:00", "“someday” is not one of monday, tuesday"),
        ("digest schedule monday 25:00", "“25:00” is not a time like 09:00"),
        ("digest schedule monday", "Give both a day and a time"),
        ("digest schedule t 09:00", "“t” is not one of monday"),
    ],
)
async def test_a_schedule_that_cannot_be_read_changes_nothing(
    bot: Bot, discord: RecordingMessenger, said: str, problem: str
) -> None:
    [reply] = await bot.say(said, as_=ADMIN)
    assert reply.text.startswith(problem)
    assert len(await digests_at(bot, MONDAY)) == 1


async def test_only_admins_schedule_and_preview(bot: Bot, discord: RecordingMessenger) -> None:
    for said in ("digest schedule friday 10:00", "digest preview"):
        [refused] = await bot.say(said, as_=CURATOR)
        assert "needs the admin role" in refused.text
    assert len(await digests_at(bot, MONDAY)) == 1


async def test_without_an_announcements_channel_nothing_is_planned(bot: Bot) -> None:
    bot.grant(ADMIN, Role.ADMIN)
    await digests_at(bot, MONDAY)
    assert posts_to(bot, "announcements") == []
    [shown] = await bot.say("digest schedule", as_=ADMIN)
    assert "No announcements channel is set yet" in shown.text


async def test_preview_shows_the_digest_only_to_the_admin(
    bot: Bot, discord: RecordingMessenger
) -> None:
    bot.clock.set(MONDAY - timedelta(hours=1))
    [preview] = await bot.say("digest preview", as_=ADMIN)
    assert preview.private
    assert preview.title == "LARCH Hub weekly digest, week of 23 November 2026"
    assert "Term of the week: " in preview.text
    assert "(A preview, as it would look now, shown only to you." in preview.text
    assert posts_to(bot, "announcements") == [] and discord.sent == []


async def test_resources_approved_this_week_are_listed(
    bot: Bot, discord: RecordingMessenger
) -> None:
    curators(bot)
    bot.clock.set(MONDAY - timedelta(hours=1))
    first = await suggested(bot, title="Old news", link="https://example.org/old")
    await bot.click("kb.approve", str(first), as_=CURATOR)
    bot.clock.advance(timedelta(days=3))
    second = await suggested(bot)
    await bot.click("kb.approve", str(second), as_=CURATOR)

    [posted] = await digests_at(bot, MONDAY + timedelta(days=7))

    assert "New in the knowledge base this week, suggested by members:" in posted.text
    assert "• Ethnic inequalities in healthcare: a rapid evidence review: " in posted.text
    assert "Old news" not in posted.text


def test_the_term_of_the_week_takes_each_definition_in_turn(bot: Bot) -> None:
    definitions = [e for e in bot.app.services.knowledge.entries if e.kind == "definition"]
    terms = []
    with bot.app.services.db.session() as session:
        for week in range(len(definitions)):
            monday = MONDAY + timedelta(weeks=week)
            window = digest.DigestWeek(monday - timedelta(days=7), monday, monday.date())
            [line, _] = digest.term_of_the_week(session, window, bot.app.services)
            terms.append(line)
    assert len(set(terms)) == len(definitions)


async def test_remi_check_ins_are_a_range_and_hidden_below_five(
    bot: Bot, discord: RecordingMessenger
) -> None:
    organisations = [
        await register(bot, name, f"lead{n}")
        for n, name in enumerate(["Camden", "Barnet", "Enfield", "Haringey", "Islington", "Brent"])
    ]
    for n, organisation in enumerate(organisations[:4]):
        await check_in(bot, f"lead{n}", organisation, 2)
    [preview] = await bot.say("digest preview", as_=ADMIN)
    assert (
        "REMI check-ins for October to December 2026 (2026Q4): fewer than 5 of 5–9 "
        "organisations so far." in preview.text
    )
    await check_in(bot, "lead4", organisations[4], 3)
    [preview] = await bot.say("digest preview", as_=ADMIN)
    # "5 of 6" would say that exactly one organisation has not checked in.
    assert "(2026Q4): 5–9 of 5–9 organisations so far." in preview.text
    assert "Camden" not in preview.text


async def test_no_remi_line_before_any_organisation_takes_part(
    bot: Bot, discord: RecordingMessenger
) -> None:
    [preview] = await bot.say("digest preview", as_=ADMIN)
    assert "REMI" not in preview.text


async def test_events_with_seats_left_in_the_next_four_weeks_are_listed(
    bot: Bot, discord: RecordingMessenger
) -> None:
    full = await create_event(bot, title="Data masterclass", capacity="1")
    await bot.click("events.going", str(full), as_="bola")
    small = await create_event(bot, title="REMI drop-in workshop", capacity="3")
    await bot.click("events.going", str(small), as_="bola")
    open_to_all = await create_event(
        bot, title="Hearing community voices", start="Wed 2 Dec 2026 14:00", end="15:00"
    )
    await create_event(bot, title="Annual conference", start="Thu 7 Jan 2027 09:30", end="17:00")

    [posted] = await digests_at(bot, MONDAY)

    assert (
        "Coming up, with seats left:\n"
        f"• Tue 1 Dec 2026, 10:30: REMI drop-in workshop (event {small}), 2 seats left\n"
        f"• Wed 2 Dec 2026, 14:00: Hearing community voices (event {open_to_all}), all welcome\n"
        "RSVP with `event <number>`."
    ) in posted.text
    assert "Data masterclass" not in posted.text and "Annual conference" not in posted.text


async def test_introductions_made_this_week_are_a_count(
    bot: Bot, discord: RecordingMessenger
) -> None:
    for name, organisation in [
        ("amara", "Whittington"),
        ("bola", "Camden Council"),
        ("chi", "Barts Health"),
        ("dee", "Healthwatch Hackney"),
    ]:
        await join(bot, name, organisation)
    await run_until(bot, FIRST_ROUND)

    [posted] = await digests_at(bot, MONDAY + timedelta(days=7))

    assert "Peer introductions this week: 2 made. Join the next round with `intros join`." in (
        posted.text
    )
    assert "Amara" not in posted.text
    [later] = await digests_at(bot, MONDAY + timedelta(days=14))
    assert "Peer introductions" not in later.text
