"""The REMI schedule, with the injected clock: a prompt by DM at the start of each period,
nudges after 3 and 7 days only while the organisation has not answered, and in a nudge the
network's progress only as the REMI report publishes it, never an area's."""

from datetime import UTC, datetime, timedelta

from contract.vocabulary import Platform
from handlers.remi.schedule import plan_checkins
from storage import due, members
from tests.conftest import Bot
from tests.published_figures import read_figures, small_counts
from tests.remi_world import ADMIN, check_in, register


async def _dispatch(bot: Bot) -> list[tuple[str, str]]:
    """One dispatcher pass; (to whom, first line) of each DM it sent."""
    before = len(bot.messenger.sent)
    await bot.app.dispatcher.run_once()
    return [(s.to, s.reply.text.splitlines()[0]) for s in bot.messenger.sent[before:]]


def _keys(bot: Bot, prefix: str = "remi:") -> dict[str, str]:
    """Due REMI rows by key, with their state."""
    with bot.app.services.db.session() as session:
        rows = due.keys_starting(session, prefix)
        return {
            r.key: "cancelled" if r.cancelled_at else "sent" if r.sent_at else "waiting"
            for r in rows
        }


def _member(bot: Bot, name: str) -> int:
    with bot.app.services.db.session() as session:
        found = members.find(session, Platform.CONSOLE, name)
        assert found is not None
        return found.id


async def test_leads_are_prompted_then_nudged_after_3_and_7_days(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee", "kim")
    prompts = await _dispatch(bot)
    assert sorted(prompts) == [
        (
            "kim",
            "Time for Whittington Health's REMI check-in for October to December 2026 "
            "(2026Q4): three short questions, under a minute.",
        ),
        (
            "lee",
            "Time for Whittington Health's REMI check-in for October to December 2026 "
            "(2026Q4): three short questions, under a minute.",
        ),
    ]
    dm = bot.messenger.sent[-1].reply
    assert [b.action_id for b in dm.buttons] == ["remi.stage"] * 6
    assert await _dispatch(bot) == []

    bot.clock.advance(timedelta(days=3) - timedelta(minutes=1))
    assert await _dispatch(bot) == []
    bot.clock.advance(timedelta(minutes=1))
    nudges = await _dispatch(bot)
    assert sorted(to for to, _ in nudges) == ["kim", "lee"]
    assert all("A gentle reminder: Whittington Health's REMI check-in" in t for _, t in nudges)

    await check_in(bot, "kim", org, 3)
    bot.clock.advance(timedelta(days=4))
    assert await _dispatch(bot) == []
    assert _keys(bot, f"remi:nudge:{org}:2026Q4:") == {
        f"remi:nudge:{org}:2026Q4:{lead}:{days}d": state
        for lead in (_member(bot, "lee"), _member(bot, "kim"))
        for days, state in ((3, "sent"), (7, "cancelled"))
    }


async def test_after_an_outage_the_prompt_goes_alone_and_stale_nudges_stay_silent(
    bot: Bot,
) -> None:
    org = await register(bot, "Whittington Health", "lee")
    await plan_checkins(bot.app.services, bot.clock.now())
    # The dispatcher was down from before the prompt until after both nudges were due.
    bot.clock.advance(timedelta(days=8))
    sent = await _dispatch(bot)
    assert [text.split(":")[0] for _, text in sent] == [
        "Time for Whittington Health's REMI check-in for October to December 2026 (2026Q4)"
    ]
    assert _keys(bot, f"remi:nudge:{org}:2026Q4:") == {
        f"remi:nudge:{org}:2026Q4:{_member(bot, 'lee')}:{days}d": "sent" for days in (3, 7)
    }


async def test_a_partial_check_in_is_nudged_to_finish(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    await _dispatch(bot)
    await bot.click("remi.stage", f"{org}:2026Q4:2", as_="lee")
    bot.clock.advance(timedelta(days=3))
    await _dispatch(bot)
    nudge = bot.messenger.sent[-1].reply
    assert "gave stage 2, Commitment; two short questions remain" in nudge.text
    assert "Answer the two questions" in [b.label for b in nudge.buttons]


async def test_the_next_quarter_is_prompted_at_10_on_its_first_working_day(bot: Bot) -> None:
    org = await register(bot, "Whittington Health", "lee")
    await _dispatch(bot)
    await check_in(bot, "lee", org, 2)
    # 1 January 2027 is a Friday and a bank holiday, so the first working day is Monday
    # 4 January; in winter London time is UTC.
    bot.clock.set(datetime(2027, 1, 1, 0, 30, tzinfo=UTC))
    assert await _dispatch(bot) == []
    bot.clock.set(datetime(2027, 1, 1, 10, 0, tzinfo=UTC))
    assert await _dispatch(bot) == []
    bot.clock.set(datetime(2027, 1, 4, 10, 0, tzinfo=UTC))
    [(to, text)] = await _dispatch(bot)
    assert to == "lee" and "REMI check-in for January to March 2027 (2027Q1)" in text
    dm = bot.messenger.sent[-1].reply
    assert "Last time (2026Q4) it was 2, Commitment." in dm.text
    with bot.app.services.db.session() as session:
        nudges = due.keys_starting(session, f"remi:nudge:{org}:2027Q1:")
        assert [row.due_at for row in nudges] == [
            datetime(2027, 1, 7, 10, 0, tzinfo=UTC),
            datetime(2027, 1, 11, 10, 0, tzinfo=UTC),
        ]


async def test_a_monthly_prompt_skips_easter_monday(bot: Bot) -> None:
    await register(bot, "Camden Council", "kim")
    await bot.say("remi cadence Camden Council monthly", as_=ADMIN)
    # 1 April 2029 is Easter Sunday and the 2nd is Easter Monday: the first working day of the
    # month is Tuesday 3 April (10:00 BST is 09:00 UTC).
    bot.clock.set(datetime(2029, 3, 31, 23, 30, tzinfo=UTC))
    assert await _dispatch(bot) == []
    bot.clock.set(datetime(2029, 4, 2, 9, 0, tzinfo=UTC))
    assert await _dispatch(bot) == []
    bot.clock.set(datetime(2029, 4, 3, 9, 0, tzinfo=UTC))
    [(to, text)] = await _dispatch(bot)
    assert to == "kim" and "REMI check-in for April 2029" in text


async def test_a_monthly_prompt_after_the_clocks_go_forward_is_at_10_london_time(
    bot: Bot,
) -> None:
    org = await register(bot, "Camden Council", "kim")
    await bot.say("remi cadence Camden Council monthly", as_=ADMIN)
    bot.clock.set(datetime(2027, 3, 31, 23, 30, tzinfo=UTC))  # 00:30 BST on 1 April
    await _dispatch(bot)
    with bot.app.services.db.session() as session:
        [prompt] = due.keys_starting(session, f"remi:prompt:{org}:2027-04:")
    # 1 April 2027 is a Thursday; 10:00 BST is 09:00 UTC.
    assert prompt.due_at == datetime(2027, 4, 1, 9, 0, tzinfo=UTC)


async def test_leads_added_later_are_prompted_unless_the_organisation_has_answered(
    bot: Bot,
) -> None:
    await register(bot, "Whittington Health", "lee")
    other = await register(bot, "Camden Council", "kim")
    await _dispatch(bot)
    await check_in(bot, "kim", other, 4)
    bot.clock.advance(timedelta(days=1))
    await bot.say("remi lead add <@console:noor> Whittington Health", as_=ADMIN)
    await bot.say("remi lead add <@console:ola> Camden Council", as_=ADMIN)
    assert [to for to, _ in await _dispatch(bot)] == ["noor"]
    await bot.say("remi lead remove <@console:lee> Whittington Health", as_=ADMIN)
    bot.clock.advance(timedelta(days=2))
    assert [to for to, _ in await _dispatch(bot)] == []  # lee stepped down; noor is not due
    bot.clock.advance(timedelta(days=1))
    assert [to for to, _ in await _dispatch(bot)] == ["noor"]


async def test_a_change_of_cadence_replaces_the_waiting_prompts(bot: Bot) -> None:
    org = await register(bot, "Camden Council", "kim")
    bot.clock.set(datetime(2026, 9, 30, 12, 0, tzinfo=UTC))
    await _dispatch(bot)
    await bot.say("remi cadence Camden Council monthly", as_=ADMIN)
    assert set(_keys(bot, f"remi:nudge:{org}:2026Q3:").values()) == {"cancelled"}
    bot.clock.set(datetime(2026, 10, 1, 9, 0, tzinfo=UTC))  # 10:00 BST
    [(to, text)] = await _dispatch(bot)
    assert to == "kim" and "October 2026" in text


async def _network(bot: Bot, size: int) -> list[int]:
    return [await register(bot, f"Trust {n}", f"lead{n}") for n in range(size)]


def _nudge_to(bot: Bot, lead: str) -> str:
    return next(
        s.reply.text for s in bot.messenger.sent if s.to == lead and "gentle" in s.reply.text
    )


async def test_a_nudge_gives_the_networks_progress_as_a_range_and_no_area_count(
    bot: Bot,
) -> None:
    orgs = await _network(bot, 6)
    far = await register(bot, "Far Away Council", "far", area="South East London")
    await _dispatch(bot)
    for n in (1, 2, 3, 4):
        await check_in(bot, f"lead{n}", orgs[n], 2)
    await bot.click("remi.stage", f"{far}:2026Q4:5", as_="far")
    bot.clock.advance(timedelta(days=3))
    await _dispatch(bot)
    opening = _nudge_to(bot, "lead0").split("Which stage")[0]
    assert (
        "Across the network, 5–9 organisations have checked in for October to December 2026 "
        "(2026Q4)." in opening
    )
    assert "colleague" not in opening and "North Central London" not in opening
    labels = ("October to December 2026", "2026Q4", "2026Q3")
    assert not small_counts(read_figures("nudge", opening, labels))


async def test_a_nudge_gives_no_figure_while_fewer_than_5_have_checked_in(bot: Bot) -> None:
    orgs = await _network(bot, 5)
    await _dispatch(bot)
    for n in (1, 2, 3):
        await check_in(bot, f"lead{n}", orgs[n], 2)
    bot.clock.advance(timedelta(days=3))
    await _dispatch(bot)
    for n in (0, 4):
        assert _nudge_to(bot, f"lead{n}").split("Which stage")[0] == (
            f"A gentle reminder: Trust {n}'s REMI check-in is still open. It takes under a "
            "minute.\n"
        )
