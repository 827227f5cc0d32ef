"""What the steering group tests share: a roster set up through the admin commands, a poll
opened through the chair's form, and a look at what each person was sent."""

from collections.abc import Sequence
from datetime import datetime

from contract.vocabulary import Platform, Reply, Role
from scheduler.dispatcher import Outcome
from storage import members, steering
from storage.steering import Meeting
from tests.conftest import Bot

ADMIN, CHAIR = "ada", "chair"
MEMBERS = ("bob", "cara", "dev")


async def steering_group(bot: Bot, others: Sequence[str] = MEMBERS) -> None:
    """An admin (not on the group), a chair and `others` on the roster."""
    bot.grant(ADMIN, Role.ADMIN)
    for name in (CHAIR, *others):
        [added] = await bot.say(f"steering add <@console:{name}>", as_=ADMIN)
        assert "is now on the steering group" in added.text
    [chaired] = await bot.say(f"steering chair <@console:{CHAIR}>", as_=ADMIN)
    assert "now chairs" in chaired.text


async def open_poll(
    bot: Bot, slots: str, closes: str, link: str = "https://meet.example/larch"
) -> list[Reply]:
    """The chair asks for the form and submits it."""
    [form_reply] = await bot.say("steering poll", as_=CHAIR)
    assert form_reply.form is not None, form_reply.text
    return await bot.click(
        form_reply.form.action_id, as_=CHAIR, slots=slots, closes=closes, link=link
    )


async def confirmed_meeting(
    bot: Bot, slots: str = "Tue 8 Dec 2026 10:00\nWed 9 Dec 2026 14:00", closes: str = "1 Dec"
) -> Meeting:
    """A meeting at the first slot, through the poll, an early close and the chair's button."""
    [opened] = await open_poll(bot, slots, closes)
    assert "The poll is open" in opened.text, opened.text
    [proposal] = await bot.say("steering poll close", as_=CHAIR)
    confirm = proposal.buttons[0]
    [confirmed] = await bot.click(confirm.action_id, confirm.value, as_=CHAIR)
    assert confirmed.text.startswith("Confirmed"), confirmed.text
    with bot.app.services.db.session() as session:
        meeting = steering.next_meeting(session, bot.clock.now())
    assert meeting is not None
    return meeting


def member_id(bot: Bot, name: str) -> int:
    with bot.app.services.db.session() as session:
        found = members.find(session, Platform.CONSOLE, name)
    assert found is not None
    return found.id


def dms_to(bot: Bot, name: str) -> list[Reply]:
    return [s.reply for s in bot.messenger.sent if s.kind == "direct" and s.to == name]


def dm_recipients(bot: Bot) -> list[str]:
    return [s.to for s in bot.messenger.sent if s.kind == "direct"]


async def dispatch_at(bot: Bot, instant: datetime) -> list[Outcome]:
    """Move the clock and run one dispatcher pass; forget what was sent before. Only the
    steering group's work is returned: other features plan their own rounds meanwhile."""
    bot.messenger.sent.clear()
    bot.clock.set(instant)
    outcomes = await bot.app.dispatcher.run_once()
    return [o for o in outcomes if o.key.startswith("steering:")]


def button_for(reply: Reply, label: str) -> tuple[str, str]:
    """The action id and value of the button whose label contains `label`."""
    button = next(b for b in reply.buttons if label in b.label)
    return button.action_id, button.value
