"""Who may read what of REMI: a lead reads their own organisation only, a plain member
reads nothing, an admin reads every organisation, and the steering group sees only the
aggregate picture."""

import pytest

from contract.vocabulary import Role
from tests.conftest import Bot
from tests.remi_world import ADMIN, check_in, register

SECRET_A = "A's board approved the strategy"
SECRET_B = "B's network relaunched"


@pytest.fixture
async def network(bot: Bot) -> dict[str, int]:
    a = await register(bot, "Alpha Trust", "lead_a")
    b = await register(bot, "Beta Council", "lead_b")
    await check_in(bot, "lead_a", a, 2, changed=SECRET_A)
    await check_in(bot, "lead_b", b, 4, changed=SECRET_B)
    await bot.say("remi action add Alpha's own action point", as_="lead_a")
    bot.grant("stella", Role.STEERING)
    return {"Alpha Trust": a, "Beta Council": b}


async def _reads(bot: Bot, who: str, organisation: str, org_id: int) -> bool:
    """Whether `who` gets to see anything of the organisation's own record, by any route."""
    replies = [
        *await bot.say(f"remi status {organisation}", as_=who),
        *await bot.click("remi.status", str(org_id), as_=who),
        *await bot.click("remi.checkin", str(org_id), as_=who),
        *await bot.click("remi.form", f"{org_id}:2026Q4", as_=who),
    ]
    secret = SECRET_A if organisation == "Alpha Trust" else SECRET_B
    return any(secret in r.text or (r.form and secret in str(r.form)) for r in replies)


@pytest.mark.parametrize(
    ("who", "may_read"),
    [
        ("lead_a", {"Alpha Trust"}),
        ("lead_b", {"Beta Council"}),
        ("mallory", set()),
        ("stella", set()),
        (ADMIN, {"Alpha Trust", "Beta Council"}),
    ],
)
async def test_the_permission_matrix(
    bot: Bot, network: dict[str, int], who: str, may_read: set[str]
) -> None:
    readable = {name for name, org_id in network.items() if await _reads(bot, who, name, org_id)}
    assert readable == may_read


async def test_refusals_do_not_confirm_who_takes_part(bot: Bot, network: dict[str, int]) -> None:
    [other] = await bot.say("remi status Beta Council", as_="lead_a")
    [unknown] = await bot.say("remi status Gamma Trust", as_="lead_a")
    assert other.text.replace("Beta Council", "X") == unknown.text.replace("Gamma Trust", "X")
    assert "you can see the REMI record only of an organisation you are" in other.text


async def test_an_admin_reads_any_record_including_action_points(
    bot: Bot, network: dict[str, int]
) -> None:
    [status] = await bot.say("remi status alpha trust", as_=ADMIN)
    assert SECRET_A in status.text and "Alpha's own action point" in status.text
    [hint] = await bot.say("remi status", as_=ADMIN)
    assert "Name the organisation" in hint.text


@pytest.mark.parametrize("who", ["stella", ADMIN])
async def test_steering_and_admins_see_only_aggregates_in_the_report(
    bot: Bot, network: dict[str, int], who: str
) -> None:
    [report] = await bot.say("remi report", as_=who)
    assert "Organisations taking part: fewer than 5" in report.text
    for private in (SECRET_A, SECRET_B, "Alpha", "Beta", "Embedding: 1", "Commitment: 1"):
        assert private not in report.text


async def test_plain_members_and_leads_cannot_see_the_report(
    bot: Bot, network: dict[str, int]
) -> None:
    for who in ("mallory", "lead_a"):
        [refused] = await bot.say("remi report", as_=who)
        assert "needs the steering group role" in refused.text


@pytest.mark.parametrize("value", ["²", "99999999999", "1 OR 1=1", "", "-1"])
async def test_a_forged_status_button_shows_nothing(
    bot: Bot, network: dict[str, int], value: str
) -> None:
    [reply] = await bot.click("remi.status", value, as_=ADMIN)
    assert "I can't show that organisation" in reply.text
    assert SECRET_A not in reply.text and SECRET_B not in reply.text
