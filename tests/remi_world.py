"""A small REMI network set up through chat, as an admin would, for the REMI tests."""

from contract.vocabulary import Role
from storage import remi
from tests.conftest import Bot

ADMIN = "ada"


async def register(
    bot: Bot,
    name: str,
    *leads: str,
    area: str = "North Central London",
    sector: str = "NHS trust",
) -> int:
    """Register an organisation with its leads; its id."""
    bot.grant(ADMIN, Role.ADMIN)
    [added] = await bot.say(f"remi org add {name} | {sector} | {area}", as_=ADMIN)
    assert "Registered" in added.text, added.text
    for lead in leads:
        [reply] = await bot.say(f"remi lead add <@console:{lead}> {name}", as_=ADMIN)
        assert "is now an equality lead" in reply.text, reply.text
    with bot.app.services.db.session() as session:
        found = remi.find_organisation(session, name)
        assert found is not None and found.id is not None
        return found.id


async def check_in(
    bot: Bot,
    lead: str,
    organisation_id: int,
    stage: int,
    needs: str = "nothing right now",
    changed: str = "",
    period: str = "2026Q4",
) -> None:
    """A whole check-in: the stage button, then the short form."""
    value = f"{organisation_id}:{period}"
    [staged] = await bot.click("remi.stage", f"{value}:{stage}", as_=lead)
    assert staged.form is not None, staged.text
    [done] = await bot.click(
        "remi.details", value, as_=lead, changed=changed, needs=needs, needs_other=""
    )
    assert "is complete" in done.text, done.text
