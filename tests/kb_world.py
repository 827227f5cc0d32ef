"""What the knowledge base tests share: a search index of their own (approvals add to it),
members and curators, suggestions sent as a member would send them, and a look at what
the bot posted and sent."""

import pytest
from sqlmodel import select

from contract.vocabulary import Reply, Role
from knowledge.check import load_entries
from knowledge.search import SearchIndex
from storage import kb
from storage.kb import ApprovedEntry, Submission
from tests.conftest import Bot

MEMBER, CURATOR, OTHER_CURATOR, ADMIN = "amara", "cara", "kofi", "ada"
NEW_LINK = "https://www.nhsrho.org/research/ethnic-inequalities-in-healthcare/"
NEW_TITLE = "Ethnic inequalities in healthcare: a rapid evidence review"
NEW_DESCRIPTION = "The NHS Race and Health Observatory's review of ethnic inequalities in NHS care."
NEW_WHY = "Our ICB keeps quoting it; members should find it here."


@pytest.fixture
def knowledge() -> SearchIndex:
    """An index for this test alone: approving a suggestion adds to it."""
    return SearchIndex(load_entries())


def curators(bot: Bot, *names: str) -> None:
    for name in names or (CURATOR,):
        bot.grant(name, Role.CURATOR)


async def send_suggestion(
    bot: Bot,
    link: str = NEW_LINK,
    title: str = NEW_TITLE,
    why: str = NEW_WHY,
    description: str = NEW_DESCRIPTION,
    as_: str = MEMBER,
    **more: str,
) -> Reply:
    """A member opens the form and sends it; the reply they get."""
    [opened] = await bot.say("suggest", as_=as_)
    assert opened.form is not None, opened.text
    fields = {"title": title, "link": link, "kind": "resource", "why": why, "tags": ""}
    fields = fields | {"description": description} | more
    [reply] = await bot.click(opened.form.action_id, opened.form.value, as_=as_, **fields)
    return reply


async def suggested(bot: Bot, **given: str) -> int:
    """A suggestion sent and waiting for the curators; its id."""
    reply = await send_suggestion(bot, **given)
    assert reply.text.startswith("Thank you"), reply.text
    return submissions(bot)[-1].id  # type: ignore[return-value]


def submissions(bot: Bot) -> list[Submission]:
    with bot.app.services.db.session() as session:
        return list(session.exec(select(Submission).order_by(Submission.id)).all())  # type: ignore[arg-type]


def approved(bot: Bot) -> list[ApprovedEntry]:
    with bot.app.services.db.session() as session:
        return kb.approved_entries(session)


def posts_to(bot: Bot, channel: str) -> list[Reply]:
    return [s.reply for s in bot.messenger.sent if s.kind == "channel" and s.to == channel]


def dms_to(bot: Bot, name: str) -> list[Reply]:
    return [s.reply for s in bot.messenger.sent if s.kind == "direct" and s.to == name]
