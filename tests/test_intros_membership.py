"""Taking part in peer introductions: join by form, pause, leave, status, history, and a
private `never` that the excluded person can never see."""

from contract.vocabulary import Role
from handlers.intros.profile import SECTORS, TOPICS
from tests.conftest import Bot
from tests.intros_support import FIRST_ROUND, join, latest_groups, run_until


async def test_join_opens_a_form_for_organisation_sector_and_topics(bot: Bot) -> None:
    [reply] = await bot.say("intros join")
    assert reply.private and reply.form is not None
    organisation, sector, topics = reply.form.fields
    assert organisation.name == "organisation" and not organisation.choices
    assert sector.name == "sector" and sector.choices == SECTORS and not sector.multiple
    assert topics.name == "topics" and topics.choices == TOPICS and topics.multiple
    assert reply.form.action_id == "intros.join"


async def test_submitting_the_form_opts_in_and_status_shows_it(bot: Bot) -> None:
    [reply] = await bot.click(
        "intros.join",
        organisation="  Whittington   Health ",
        sector="nhs trust",
        topics="data, REMI, data",
    )
    assert "You're in! Next round: Mon 23 Nov 2026, 10:00" in reply.text
    [status] = await bot.say("intros status")
    assert "• Organisation: Whittington Health (NHS trust)" in status.text
    assert "• Topics: data, REMI" in status.text
    assert "• Next round: Mon 23 Nov 2026, 10:00" in status.text


async def test_joining_again_offers_the_form_filled_in(bot: Bot) -> None:
    await join(bot, "alice", "Camden Council", "local authority", "data,workforce")
    [reply] = await bot.say("intros join")
    assert reply.text.startswith("Update your details")
    assert reply.form is not None
    assert [f.initial for f in reply.form.fields] == [
        "Camden Council",
        "local authority",
        "data, workforce",
    ]


async def test_a_bad_submission_is_answered_kindly_and_saves_nothing(bot: Bot) -> None:
    cases = [
        ({"organisation": " ", "sector": "NHS trust"}, "organisation's name"),
        ({"organisation": "Barts", "sector": "hospital"}, "Please pick a sector"),
        ({"organisation": "Barts", "sector": "NHS trust", "topics": "data, golf"}, "“golf”"),
        ({"organisation": "B" * 201, "sector": "NHS trust"}, "too long"),
    ]
    for fields, expected in cases:
        [reply] = await bot.click("intros.join", **fields)
        assert expected in reply.text and "Nothing was saved" in reply.text
    [status] = await bot.say("intros status")
    assert "not taking part" in status.text


async def test_pause_until_a_date_or_for_some_weeks(bot: Bot) -> None:
    await join(bot, "alice", "Camden Council")
    await bot.verify_dialog(
        [
            (
                "intros pause until 2027-01-15",
                "Paused until Fri 15 Jan 2027: no introductions before then. Your first "
                "round back: Mon 18 Jan 2027, 10:00.",
            ),
            ("intros status", "• Paused until Fri 15 Jan 2027; back for the round on Mon 18 Jan"),
            ("intros pause for 4 weeks", "Paused until Mon 21 Dec 2026"),
            ("intros pause for 2 months", "Paused until Sat 23 Jan 2027"),
        ]
    )


async def test_pause_refuses_what_it_cannot_use(bot: Bot) -> None:
    [reply] = await bot.say("intros pause until 2027-01-15")
    assert "not taking part" in reply.text
    await join(bot, "alice", "Camden Council")
    await bot.verify_dialog(
        [
            ("intros pause", "Pause like this: `intros pause until 2027-01-15`"),
            ("intros pause sometime", "I didn't expect “sometime”"),
            ("intros pause until yesterday", "That date isn't in the future"),
            ("intros pause until the cows come home", "I couldn't read"),
            ("intros pause for 14 months", "more than a year away"),
            ("intros status", "• Next round: Mon 23 Nov 2026, 10:00"),
        ]
    )


async def test_leaving_stops_the_rounds_and_joining_brings_you_back(bot: Bot) -> None:
    await join(bot, "alice", "Camden Council")
    await bot.verify_dialog(
        [
            ("intros leave", "You've left peer introductions"),
            ("intros status", "You're not taking part"),
            ("intros leave", "You're not taking part"),
        ]
    )
    await join(bot, "alice", "Camden Council")
    await bot.verify_dialog([("intros status", "You're taking part")])


async def test_never_is_private_and_nothing_the_excluded_person_sees_mentions_it(
    bot: Bot,
) -> None:
    for name, organisation in (("alice", "Camden"), ("bob", "Barts"), ("carol", "Mind")):
        await join(bot, name, organisation)
    [reply] = await bot.say("intros never <@console:bob>")
    assert reply.private
    assert "you'll never be paired with Bob. They won't be told" in reply.text
    assert bot.messenger.sent == []

    await run_until(bot, FIRST_ROUND)
    assert {"Alice", "Bob"} not in [g & {"Alice", "Bob"} for g in latest_groups(bot)]
    for sent in bot.messenger.sent:
        assert "never" not in sent.reply.text.lower()
        if "bob" in sent.to.split(","):
            assert "Alice" not in sent.reply.text
    for command in ("intros status", "intros history"):
        [seen_by_bob] = await bot.say(command, as_="bob")
        assert "never" not in seen_by_bob.text and "Alice" not in seen_by_bob.text
    [status] = await bot.say("intros status")
    assert "never to be paired with 1 person (only you can see this)" in status.text


async def test_never_needs_someone_else(bot: Bot) -> None:
    await bot.verify_dialog(
        [
            ("intros never", "`@person` is missing"),
            ("intros never bob", "Name the person with @"),
            ("intros never <@console:alice>", "That's you!"),
        ]
    )


async def test_intros_alone_explains_and_an_unknown_word_is_named(bot: Bot) -> None:
    await bot.verify_dialog(
        [
            ("intros", "Peer introductions pair you with someone from another organisation"),
            ("intros dance", "I didn't expect “dance”."),
            ("intros dance", "Or one of: `intros join`, `intros leave`"),
        ]
    )


async def test_cadence_and_report_are_for_admins(bot: Bot) -> None:
    for command in ("intros cadence weekly", "intros report"):
        [reply] = await bot.say(command, as_="bob")
        assert "needs the admin role" in reply.text
    bot.grant("alice", Role.ADMIN)
    [reply] = await bot.say("intros report")
    assert "No rounds yet" in reply.text
