"""`my data` and `forget me`: a member sees what is about them and theirs to see, and after
`forget me` no table holds their id, names or words, while others' views and the history
figures stay whole. On SQLite and PostgreSQL."""

import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import MetaData
from sqlmodel import SQLModel

from contract.vocabulary import Platform, Reply, Role
from storage import button_payloads, events, members, steering
from storage.db import Database
from storage.personal_data import SHOWN, WITHHELD
from tests.conftest import Bot
from tests.events_support import WORKSHOP_END, create_event, direct_messages
from tests.intros_support import FIRST_ROUND, join, run_until
from tests.kb_world import send_suggestion
from tests.remi_world import ADMIN, check_in, register
from tests.steering_support import CHAIR, steering_group

ZURI = "zuri"
PHRASE = "marmalade telescope"
PHONE = "07700 900123"


def member_id(bot: Bot, name: str) -> int:
    with bot.app.services.db.session() as session:
        found = members.find(session, Platform.CONSOLE, name)
    assert found is not None
    return found.id


async def my_data(bot: Bot, name: str) -> tuple[str, dict[str, Any]]:
    [reply] = await bot.say("my data", as_=name)
    [attachment] = reply.attachments
    return reply.text, json.loads(attachment.content)


async def forget_me(bot: Bot, name: str) -> Reply:
    [asked] = await bot.say("forget me", as_=name)
    [button] = asked.buttons
    [done] = await bot.click(button.action_id, button.value, as_=name)
    return done


# --- my data ----------------------------------------------------------------------------


async def test_an_excluded_member_is_not_shown_the_exclusion(bot: Bot) -> None:
    await join(bot, "amara", "Camden Council")
    await join(bot, "bola", "Lambeth Council")
    [never] = await bot.say("intros never <@console:amara>", as_="bola")
    assert "They won't be told" in never.text

    text, data = await my_data(bot, "amara")
    _, bolas = await my_data(bot, "bola")

    assert "exclusion" not in text and "never" not in text
    assert "Bola" not in json.dumps(data) and "never_introduce_to" not in data["records"]
    assert bolas["records"]["never_introduce_to"] == [{"member": "Amara"}]


async def test_a_lead_who_moved_on_does_not_download_the_old_organisations_answers(
    bot: Bot,
) -> None:
    barnet = await register(bot, "Barnet Council", "kofi", "efua")
    await register(bot, "Acton Trust")
    [staged] = await bot.click("remi.stage", f"{barnet}:2026Q4:2", as_="kofi")
    assert staged.form is not None
    await bot.say("remi lead remove <@console:kofi> Barnet Council", as_=ADMIN)
    await bot.say("remi lead add <@console:kofi> Acton Trust", as_=ADMIN)
    await check_in(bot, "efua", barnet, 3, changed="Board approved the Barnet race equity plan")

    text, data = await my_data(bot, "kofi")

    assert "Barnet" not in json.dumps(data) and "Board approved" not in json.dumps(data)
    assert "remi checkins" not in text
    assert data["records"]["organisations_you_lead"][0]["organisation"] == "Acton Trust"
    _, efuas = await my_data(bot, "efua")
    [checkin] = efuas["records"]["remi_checkins"]
    assert checkin["what_changed"] == "Board approved the Barnet race equity plan"


async def test_my_data_holds_all_of_the_members_own_data(bot: Bot) -> None:
    bot.grant("amara", Role.ORGANISER)
    event_id = await create_event(bot)
    await bot.click("events.going", str(event_id), as_="amara")
    await join(bot, "amara", "Camden Council", topics="data")
    await join(bot, "bola", "Lambeth Council")
    await run_until(bot, FIRST_ROUND)
    await bot.say("intros never <@console:chi>", as_="amara")
    await bot.say("how do I book the Lambeth community hall?", as_="amara")
    await send_suggestion(bot, why="Useful for our board", as_="amara")
    await register(bot, "Camden Council", "amara")

    text, data = await my_data(bot, "amara")

    assert "• Roles: equality_lead, organiser" in text
    assert data["accounts"] == [{"platform": "console", "user_id": "amara", "name": "Amara"}]
    records = data["records"]
    assert [r["event"] for r in records["rsvps"]] == ["REMI drop-in workshop"]
    assert records["rsvps"][0]["answer"] == "going"
    assert records["introductions_profile"][0]["topics"] == ["data"]
    assert [g["with"] for g in records["introductions"]] == [["Bola"]]
    assert records["never_introduce_to"] == [{"member": "chi"}]
    assert [q["question"] for q in records["questions"]] == [
        "how do I book the Lambeth community hall?"
    ]
    assert [s["why"] for s in records["suggestions"]] == ["Useful for our board"]
    assert records["organisations_you_lead"][0]["organisation"] == "Camden Council"


def test_every_table_pointing_at_a_member_is_shown_or_withheld_on_purpose() -> None:
    pointing = {
        (table.name, key.parent.name)
        for table in SQLModel.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "member"
    }
    assert pointing == set(SHOWN) | set(WITHHELD)
    assert not set(SHOWN) & set(WITHHELD)


# --- forget me --------------------------------------------------------------------------


async def a_member_active_everywhere(bot: Bot) -> int:
    """Zuri, with something in every feature; their member id. Plenty of members come
    first, so Zuri's id is a number no date, time or other id in the database is."""
    with bot.app.services.db.session() as session:
        for n in range(70):
            members.identify(session, Platform.CONSOLE, f"extra{n}", f"Extra {n}", bot.clock.now())
    await steering_group(bot, others=(ZURI, "bola"))
    bot.grant(ZURI, Role.CURATOR)
    zuri = member_id(bot, ZURI)
    # Events: an RSVP (reminders and a feedback request come due) and feedback.
    event_id = await create_event(bot)
    await bot.click("events.going", str(event_id), as_=ZURI)
    with bot.app.services.db.session() as session:
        events.record_score(session, event_id, zuri, 5, bot.clock.now())
        events.record_comment(session, event_id, zuri, f"Loved the {PHRASE} session")
    # Introductions: paired with Bola; each has excluded someone.
    await join(bot, ZURI, "Camden Council", topics="data")
    await join(bot, "bola", "Lambeth Council")
    await bot.say("intros never <@console:chi>", as_=ZURI)
    await bot.say("intros never <@console:dee>", as_="bola")
    # REMI: a lead who checked in; prompts come due for the next period.
    camden = await register(bot, "Camden Council", ZURI)
    await check_in(bot, ZURI, camden, 2)
    await run_until(bot, FIRST_ROUND)
    # Steering: an action of Zuri's, one naming them, an agenda item, minutes naming them.
    await bot.say("action add <@console:zuri> Draft the budget due Fri 4 Dec", as_=CHAIR)
    await bot.say(
        "action add <@console:bola> Check the figures with <@console:zuri> due Fri 4 Dec",
        as_=CHAIR,
    )
    with bot.app.services.db.session() as session:
        now = bot.clock.now()
        meeting = steering.create_meeting(
            session,
            starts_at=now,
            ends_at=now + timedelta(hours=1),
            link="",
            created_by=None,
            now=now,
            poll_id=None,
        )
        assert meeting is not None and meeting.id is not None
        steering.add_agenda_item(session, meeting.id, "Budget", zuri, now)
        steering.record_minutes(
            session, meeting.id, "Agreed: <@console:zuri> presents the budget.", zuri, now
        )
    # The knowledge base: a question nothing answers, a mark on an answer, a suggestion.
    await bot.say(f"who runs the {PHRASE} group? call Zuri on {PHONE}", as_=ZURI)
    [answer] = await bot.say("what is WRES?", as_=ZURI)
    await bot.click("kb.unhelpful", answer.buttons[-1].value, as_=ZURI)
    await send_suggestion(bot, why=f"Our {PHRASE} network uses it", as_=ZURI)
    # A form half filled in on Discord, kept for them between its pages.
    with bot.app.services.db.session() as session:
        draft = {"user_id": ZURI, "answers": {"title": f"The {PHRASE} meet-up"}}
        button_payloads.start_draft(session, draft, bot.clock.now())
    # Linking and the calendar feed.
    await bot.say("link", as_=ZURI)
    await bot.say("calendar", as_=ZURI)
    return zuri


def traces(database: Database, member: int, words: list[str]) -> list[str]:
    """Every place in the database, in any table and column (read from the database itself,
    so a table added later is searched too), that holds `member` or one of `words`."""
    metadata = MetaData()
    metadata.reflect(database.engine)
    found = []
    number = re.compile(rf"(?<![0-9]){member}(?![0-9])")
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            pointing = {
                key.parent.name for key in table.foreign_keys if key.column.table.name == "member"
            }
            for row in connection.execute(table.select()).mappings():
                for column, value in row.items():
                    where = f"{table.name}.{column} = {value!r}"
                    if column in pointing and value == member:
                        found.append(where)
                    text = json.dumps(value) if isinstance(value, dict | list) else value
                    if not isinstance(text, str):
                        continue
                    if number.search(text) or any(w.casefold() in text.casefold() for w in words):
                        found.append(where)
    return found


async def test_after_forget_me_no_table_holds_the_member_and_others_see_a_former_member(
    any_bot: Bot,
) -> None:
    bot = any_bot
    zuri = await a_member_active_everywhere(bot)
    [report_before] = await bot.say("intros report", as_=ADMIN)
    database = bot.app.services.db
    assert len(traces(database, zuri, [ZURI, PHRASE, PHONE])) > 20

    done = await forget_me(bot, ZURI)

    assert done.text.startswith("Done: I have deleted what I held about you.")
    assert traces(database, zuri, [ZURI, PHRASE, PHONE]) == []
    [status] = await bot.say("intros status", as_="bola")
    assert "• Latest introduction (23 Nov): a former member" in status.text
    [report_after] = await bot.say("intros report", as_=ADMIN)
    assert report_after.text == report_before.text
    [actions] = await bot.say("actions", as_=CHAIR)
    assert "Draft the budget (nobody, due" in actions.text
    assert "Check the figures with a former member (bola" in actions.text
    bot.grant("cora", Role.CURATOR)
    [gaps] = await bot.say("kb gaps", as_="cora")
    assert PHRASE not in gaps.text and "WRES" not in gaps.text


async def test_an_event_already_held_keeps_its_figures_after_forget_me(any_bot: Bot) -> None:
    bot = any_bot
    event_id = await create_event(bot)
    for name in (ZURI, "bola"):
        await bot.click("events.going", str(event_id), as_=name)
    bot.clock.set(WORKSHOP_END + timedelta(hours=1))
    zuri, bola = member_id(bot, ZURI), member_id(bot, "bola")
    with bot.app.services.db.session() as session:
        for member, score in ((zuri, 5), (bola, 2)):
            events.record_score(session, event_id, member, score, bot.clock.now())
        events.record_comment(session, event_id, zuri, f"The {PHRASE} bit")
    [before] = await bot.say(f"event feedback {event_id}", as_="olu")
    assert "2 of 2 attendees answered, average 3.5 out of 5." in before.text

    await forget_me(bot, ZURI)

    [after] = await bot.say(f"event feedback {event_id}", as_="olu")
    assert after.text.splitlines()[:6] == before.text.splitlines()[:6]
    assert PHRASE not in after.text
    assert traces(bot.app.services.db, zuri, [ZURI, PHRASE]) == []


async def test_a_seat_given_up_by_forget_me_goes_to_the_waitlist(bot: Bot) -> None:
    event_id = await create_event(bot, capacity="1")
    await bot.click("events.going", str(event_id), as_=ZURI)
    [waiting] = await bot.click("events.going", str(event_id), as_="bola")
    assert "number 1 on the waitlist" in waiting.text

    await forget_me(bot, ZURI)

    [told] = direct_messages(bot, "bola")
    assert told.text.startswith("Good news: a seat came free at REMI drop-in workshop")
    [again] = await bot.click("events.going", str(event_id), as_="bola")
    assert again.text.startswith("You're already going to REMI drop-in workshop.")


async def test_the_chair_reassigns_an_action_left_without_an_owner(bot: Bot) -> None:
    await steering_group(bot, others=(ZURI, "bola"))
    await bot.say("action add <@console:zuri> Draft the budget due Fri 4 Dec", as_=CHAIR)
    await forget_me(bot, ZURI)

    [refused] = await bot.say("action reassign 1 <@console:bola>", as_="bola")
    [given] = await bot.say("action reassign 1 <@console:bola>", as_=CHAIR)

    assert refused.text == "Only the chair or an admin can give an action to someone else."
    assert given.text == "Done: action #1 now belongs to bola."
    [actions] = await bot.say("actions", as_=CHAIR)
    assert "#1 Draft the budget (bola, due Fri 4 Dec 2026)" in actions.text
    assert bot.messenger.sent[-1].to == "bola"
    assert "gave you a steering group action" in bot.messenger.sent[-1].reply.text


async def test_a_forgotten_members_id_is_never_given_to_the_next_member(any_bot: Bot) -> None:
    await any_bot.say("help", as_="amara")
    await any_bot.say("help", as_="yara")
    forgotten = member_id(any_bot, "yara")
    await forget_me(any_bot, "yara")

    await any_bot.say("help", as_="xena")

    assert member_id(any_bot, "xena") > forgotten
