"""The longest lists real use produces, built through chat as members would build them:
52 waiting suggestions, 30 events with long titles, 55 agenda items, 27 organisations for
one lead and an 8-slot poll. `worst_case_replies` gathers every reply and scheduled
message that shows them, with each paged listing followed to its last page, so that the
renderer tests can check every platform limit with nothing dropped."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from contract.vocabulary import Reply, Role
from tests.conftest import Bot
from tests.events_support import create_event
from tests.kb_world import CURATOR, curators, send_suggestion
from tests.remi_world import register
from tests.steering_support import CHAIR, confirmed_meeting, dispatch_at, open_poll, steering_group

SUGGESTIONS, EVENTS, AGENDA_ITEMS, ORGANISATIONS, POLL_SLOTS = 52, 30, 55, 27, 8
LEAD = "lee"


@dataclass(frozen=True)
class Shown:
    """What one request or scheduled message showed: its replies, every page followed."""

    name: str
    replies: Sequence[Reply]
    last_item: str


def long_title(n: int) -> str:
    return f"Event {n:02d}: " + "anti-racist practice in community health and care " * 4


def agenda_item(n: int) -> str:
    return f"Item {n:02d}: " + "what the network learned from this quarter's check-ins & " * 5


async def worst_case_replies(bot: Bot) -> list[Shown]:
    curators(bot)
    for n in range(1, SUGGESTIONS + 1):
        sent = await send_suggestion(
            bot, link=f"https://example.org/toolkit-{n}", title=f"Toolkit number {n:02d}"
        )
        assert sent.text.startswith("Thank you"), sent.text
    for n in range(1, EVENTS + 1):
        await create_event(bot, title=long_title(n)[:200])
    bot.grant("mo", Role.MEMBER)
    await steering_group(bot)
    await confirmed_meeting(bot)
    for n in range(1, AGENDA_ITEMS + 1):
        [added] = await bot.say(f"agenda add {agenda_item(n)}"[:311], as_="bob")
        assert "Added as item" in added.text, added.text
    for n in range(1, ORGANISATIONS + 1):
        await register(bot, f"Organisation {n:02d} of North Central London", LEAD)

    shown = [
        Shown("kb queue", await paged(bot, "kb queue", CURATOR), "Toolkit number 52"),
        Shown("events", await paged(bot, "events", "mo"), "Event 30"),
        Shown("agenda", await paged(bot, "agenda", "bob"), "Item 55"),
        Shown("remi checkin", await bot.say("remi checkin", as_=LEAD), "Organisation 27"),
        Shown("remi status", await bot.say("remi status", as_=LEAD), "Organisation 27"),
    ]
    bot.messenger.sent.clear()
    slots = "\n".join(f"{day} Feb 2027 10:00" for day in range(1, POLL_SLOTS + 1))
    [opened] = await open_poll(bot, slots, "25 Jan 2027")
    assert "The poll is open" in opened.text, opened.text
    polls = [s.reply for s in bot.messenger.sent if s.kind == "direct"]
    shown.append(Shown("poll", polls[:1], "8. "))
    await dispatch_at(bot, datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    for kind in ("direct", "channel"):
        [agenda] = [
            s.reply
            for s in bot.messenger.sent
            if s.kind == kind and "Agenda for the steering group meeting" in s.reply.text
        ][:1]
        shown.append(Shown(f"agenda {kind}", [agenda], "Item 55"))
    return shown


async def paged(bot: Bot, command: str, as_: str) -> list[Reply]:
    """The listing and every page after it, clicking "Next" as the member would."""
    [reply] = await bot.say(command, as_=as_)
    pages = [reply]
    while nexts := [b for b in pages[-1].buttons if b.label.startswith("Next")]:
        assert len(pages) < 20, f"{command} pages on and on"
        [reply] = await bot.click(nexts[0].action_id, nexts[0].value, as_=as_)
        pages.append(reply)
    return pages


__all__ = ["CHAIR", "Shown", "worst_case_replies"]
