"""A seeded report year, 2026-27, for the impact report's tests and its README pictures:
events held with seats and feedback, introduction rounds across sectors, REMI check-ins
(seven organisations, all but one quarter with enough to publish), entries added and
changed, and questions nothing answered, asked again in other words.

Each quarter's true figures are in the comments beside what makes them, so the tests can
work out what the report must say by hand."""

from datetime import UTC, datetime, timedelta

from contract.vocabulary import Platform
from storage import events, intros, kb, members, remi
from storage.kb import ApprovedEntry
from tests.conftest import Bot

# After the year's end, so every event of the year is over.
REPORT_MADE = datetime(2027, 4, 10, 10, 0, tzinfo=UTC)
BEFORE_THE_YEAR = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SECTORS = {
    "amara": "NHS trust",
    "bola": "Local authority",
    "chi": "nhs trust",  # the same sector as amara's, in other case
    "dee": "NHS trust",
    "eve": "Voluntary sector",
}


def _member(bot: Bot, name: str) -> int:
    with bot.app.services.db.session() as session:
        return members.identify(session, Platform.CONSOLE, name, name.title(), BEFORE_THE_YEAR).id


# --- events -----------------------------------------------------------------------------

# (title, start, going, other answers, scores, cancelled)
EVENTS = (
    # 2026Q2: 1 held, 4 with a seat (a maybe and a can't-go do not count), scores 5 and 4.
    ("Ethnicity data", datetime(2026, 5, 12, 9), 4, ("maybe", "not_going"), (5, 4), False),
    # 2026Q3: a cancelled event does not count; 1 held, 6 with a seat, scores 5, 5, 3.
    ("Cancelled", datetime(2026, 7, 1, 9), 3, (), (), True),
    ("Community voices", datetime(2026, 9, 15, 9), 6, (), (5, 5, 3), False),
    # 2026Q4: 1 held, 2 with a seat, no feedback.
    ("Introducing REMI", datetime(2026, 11, 10, 10), 2, (), (), False),
    # 2027Q1: 1 held, 4 with a seat, a score of 2.
    ("Annual conference", datetime(2027, 2, 20, 10), 4, (), (2,), False),
    # In the next year: not counted.
    ("Next year", datetime(2027, 4, 5, 9), 5, (), (4,), False),
)


def _events(bot: Bot) -> None:
    people = [_member(bot, f"attendee{n}") for n in range(8)]
    organiser = _member(bot, "olu")
    with bot.app.services.db.session() as session:
        for title, start, going, others, scores, cancelled in EVENTS:
            start = start.replace(tzinfo=UTC)
            details = {
                "title": title,
                "description": "",
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "venue": "City Hall",
                "online_link": None,
                "capacity": None,
                "rsvp_deadline": None,
                "audience": None,
                "reminder_minutes": [],
            }
            answered = start - timedelta(days=7)
            event = events.create_event(session, details, organiser, answered)
            assert event.id is not None
            for member in people[:going]:
                events.rsvp(session, event.id, member, events.Answer.GOING, answered)
            for member, answer in zip(people[going:], others, strict=False):
                events.rsvp(session, event.id, member, events.Answer(answer), answered)
            for member, score in zip(people, scores, strict=False):
                events.record_score(session, event.id, member, score, start + timedelta(hours=3))
            if cancelled:
                events.cancel_event(session, event.id, answered)


# --- peer introductions -----------------------------------------------------------------

# (round day, [(members, answer to "Did you meet?")])
ROUNDS = (
    # 2026Q2: 2 made, 1 met (50%); 2 pairs, 1 across sectors (50%).
    (datetime(2026, 6, 1, 9), [(("amara", "bola"), "yes"), (("chi", "dee"), "wont")]),
    # 2026Q3: 2 made, both met (100%); 4 pairs (a trio is three), 3 across sectors (75%).
    (datetime(2026, 8, 3, 9), [(("amara", "chi"), "yes"), (("bola", "dee", "eve"), "yes")]),
    # 2026Q4: 1 made, not met yet (0%); 1 pair, across sectors (100%).
    (datetime(2026, 10, 5, 9), [(("amara", "eve"), "not_yet")]),
    # 2027Q1: no round.
)


def _intros(bot: Bot) -> None:
    ids = {name: _member(bot, name) for name in SECTORS}
    with bot.app.services.db.session() as session:
        for name, sector in SECTORS.items():
            intros.join(session, ids[name], f"{name.title()}'s trust", sector, (), BEFORE_THE_YEAR)
        for day, groups in ROUNDS:
            at = day.replace(tzinfo=UTC)
            taking_part = [intros.participant(session, ids[name]) for name in SECTORS]
            group_ids = intros.create_round(
                session,
                f"{at:%Y-%m-%d}",
                at,
                [p for p in taking_part if p is not None],
                [[ids[name] for name in names] for names, _ in groups],
                at,
            )
            assert group_ids is not None
            for group_id, (names, answer) in zip(group_ids, groups, strict=True):
                intros.record_answer(session, group_id, ids[names[0]], answer, at)


# --- REMI -------------------------------------------------------------------------------

ORGANISATIONS = 7  # all taking part before the year starts: "5–9" every quarter
# Each quarter's stage per organisation (0: no check-in).
STAGES = {
    # 6 checked in.
    "2026Q2": (1, 1, 1, 1, 1, 1, 0),
    # 6 checked in; against 2026Q2: 6 compared, 5 up, 1 the same, none down.
    "2026Q3": (2, 2, 2, 2, 2, 1, 0),
    # Too few: 3 checked in, 3 compared, all the same.
    "2026Q4": (2, 2, 2, 0, 0, 0, 0),
    # 7 checked in; against 2026Q4: 3 compared, 3 up.
    "2027Q1": (3, 3, 3, 3, 3, 2, 1),
}
# The year: 7 checked in at least once; 6 in two quarters or more, all 6 moved up from
# their first check-in of the year to their latest.
ANSWERED_IN = {"2026Q2": 5, "2026Q3": 8, "2026Q4": 11, "2027Q1": 2}


def _remi(bot: Bot) -> None:
    lead = _member(bot, "lead")
    with bot.app.services.db.session() as session:
        orgs = [
            remi.add_organisation(session, f"Trust {n}", "NHS trust", "Camden", BEFORE_THE_YEAR)
            for n in range(ORGANISATIONS)
        ]
        for period, stages in STAGES.items():
            year = int(period[:4])
            at = datetime(year, ANSWERED_IN[period], 14, 10, tzinfo=UTC)
            for org, stage in zip(orgs, stages, strict=True):
                assert org is not None and org.id is not None
                if stage:
                    remi.record_stage(session, org.id, period, stage, lead, at)


# --- the knowledge base -----------------------------------------------------------------

# Entries added from suggestions: 2 in 2026Q3, 1 in 2027Q1.
APPROVED = (datetime(2026, 8, 4, 12), datetime(2026, 8, 20, 12), datetime(2027, 1, 9, 12))
# Changes in chat: "wres" in 2026Q2 and again in 2026Q4 (the latest counts: 2026Q4),
# "pcref" in 2026Q2, "allyship" retired in 2026Q4.
CHANGES = (
    ("wres", datetime(2026, 5, 2, 12), False),
    ("pcref", datetime(2026, 6, 2, 12), False),
    ("wres", datetime(2026, 12, 2, 12), False),
    ("allyship", datetime(2026, 11, 2, 12), True),
)
# Questions nothing answers, asked through chat. The first two and the next two are each
# one question in other words: the year's gaps are the hall twice, the pharmacy twice and
# the food bank once; each quarter has its own.
QUESTIONS = (
    ("amara", datetime(2026, 5, 20, 12), "How do I book the Lambeth community hall?"),
    ("bola", datetime(2026, 8, 10, 12), "Hi there, how to book lambeth community halls? Thanks!"),
    ("chi", datetime(2026, 9, 1, 12), "where is the nearest pharmacy to Brixton"),
    ("dee", datetime(2027, 3, 3, 12), "Where is the nearest pharmacy to Brixton?"),
    ("eve", datetime(2026, 12, 1, 12), "what time does the Croydon food bank open"),
    # Not a question: never kept.
    ("eve", datetime(2026, 12, 1, 13), "hello bot"),
)


def _knowledge(bot: Bot) -> None:
    curator = _member(bot, "cora")
    with bot.app.services.db.session() as session:
        for n, approved in enumerate(APPROVED):
            at = approved.replace(tzinfo=UTC)
            entry = ApprovedEntry(
                id="",
                kind="resource",
                title=f"Member toolkit {n}",
                summary="A toolkit a member suggested.",
                url=f"https://example.org/toolkit-{n}",
                url_key=f"example.org/toolkit-{n}",
                tags=["toolkit"],
                last_reviewed=at.date(),
                review_by=at.date() + timedelta(days=365),
                suggested_by=curator,
                suggested_at=at - timedelta(days=2),
                approved_by=curator,
                approved_at=at,
            )
            kb.add_entry(session, entry, [f"member-toolkit-{n}"])
        for entry_id, at, retired in CHANGES:
            kb.change_entry(
                session,
                entry_id,
                curator,
                at.replace(tzinfo=UTC),
                summary=None if retired else "Changed in chat.",
                retired=retired,
            )


async def _questions(bot: Bot) -> None:
    for who, at, question in QUESTIONS:
        bot.clock.set(at.replace(tzinfo=UTC))
        await bot.say(question, as_=who)


async def seed_year(bot: Bot) -> None:
    """The whole year, then the clock at the time the report is made."""
    _events(bot)
    _intros(bot)
    _remi(bot)
    _knowledge(bot)
    await _questions(bot)
    bot.clock.set(REPORT_MADE)
