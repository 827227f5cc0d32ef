"""On schedule: each lead of an organisation gets the check-in by DM at the start of its
period, and while the organisation has not finished, one nudge after 3 days and one after 7.

The planner writes due rows with stable keys (`remi:prompt:{org}:{period}:{lead}`), so it
may run every pass without writing anything twice; the dispatcher sends them. Each job reads
the current state before sending: an organisation that has answered since, a lead who has
stepped down, or a changed cadence makes the row moot and nothing is sent.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from contract.specs import DueJob, JobSpec
from handlers.network.periods import Period, current_period, first_prompt_time
from handlers.network.remi_picture import network_picture
from handlers.notify import send_to_member
from handlers.remi.checkin import checkin_reply, checkin_state
from handlers.services import Services
from handlers.timeliness import superseded
from handlers.wording import possessive
from storage import due, remi
from storage.remi import Organisation

PROMPT = "remi.prompt"
NUDGE = "remi.nudge"
NUDGES_AFTER = (timedelta(days=3), timedelta(days=7))
# A nudge this soon after the prompt actually went out (the dispatcher was behind) is noise.
JUST_ASKED = timedelta(days=1)


def prompt_key(organisation_id: int, period: str, lead_id: int) -> str:
    return f"remi:prompt:{organisation_id}:{period}:{lead_id}"


def nudge_key(organisation_id: int, period: str, lead_id: int, after: timedelta) -> str:
    return f"remi:nudge:{organisation_id}:{period}:{lead_id}:{after.days}d"


async def plan_checkins(services: Services, now: datetime) -> None:
    """Make sure every lead of every organisation yet to finish this period's check-in has
    a prompt and its nudges due. A lead added mid-period is prompted at once."""
    tz = services.timezone
    with services.db.session() as session:
        organisations = remi.organisations(session)
        periods = {o.id: current_period(o.cadence, now, tz) for o in organisations}
        finished = remi.completed_organisations(session, {p.key for p in periods.values()})
        leads = remi.all_leads(session)
        for organisation in organisations:
            period = periods[organisation.id]
            if organisation.id in finished:
                continue
            prompt_at = max(first_prompt_time(period, tz), now)
            for lead_id in leads.get(organisation.id, ()):
                key = prompt_key(organisation.id, period.key, lead_id)
                existing = due.find(session, key)
                # A prompt cancelled by a change of cadence is due again if the period returns.
                if existing is not None and existing.cancelled_at is None:
                    continue
                payload = {
                    "organisation_id": organisation.id,
                    "period": period.key,
                    "member_id": lead_id,
                }
                due.schedule(session, key, PROMPT, prompt_at, payload)
                for after in NUDGES_AFTER:
                    due.schedule(
                        session,
                        nudge_key(organisation.id, period.key, lead_id, after),
                        NUDGE,
                        prompt_at + after,
                        payload,
                    )


async def send_prompt(job: DueJob, services: Services) -> str | None:
    return await _remind(job, services, nudge=False)


async def send_nudge(job: DueJob, services: Services) -> str | None:
    return await _remind(job, services, nudge=True)


async def _remind(job: DueJob, services: Services, *, nudge: bool) -> str | None:
    organisation_id, lead_id = job.payload["organisation_id"], job.payload["member_id"]
    now = services.clock.now()
    with services.db.session() as session:
        organisation = remi.organisation(session, organisation_id)
        if organisation is None or not remi.is_lead(session, organisation_id, lead_id):
            return None
        state = checkin_state(session, organisation, now, services.timezone)
        if state.period.key != job.payload["period"]:
            return None
        if state.current is not None and state.current.is_complete:
            return None
        if nudge and _nudge_is_stale(session, job, now):
            return None
        opening = (
            _nudge_opening(session, organisation, state.period, services.timezone)
            if nudge
            else f"Time for {possessive(organisation.name)} REMI check-in for "
            f"{state.period.label}: three short questions, under a minute."
        )
    if await send_to_member(services, lead_id, checkin_reply(state, opening)) is None:
        return None
    what = "nudge" if nudge else "prompt"
    return f"REMI {what} to member {lead_id} for {organisation.name}, {state.period.key}"


def _nudge_is_stale(session: Session, job: DueJob, now: datetime) -> bool:
    """A nudge found late says nothing (`handlers/timeliness.py`) when the next nudge is
    already due, which speaks instead, or when the prompt itself went out late, less than
    `JUST_ASKED` ago, so "a gentle reminder" would follow it within minutes."""
    payload = job.payload
    prompt = due.find(
        session, prompt_key(payload["organisation_id"], payload["period"], payload["member_id"])
    )
    if prompt is None:
        return False
    later = (prompt.due_at + after for after in NUDGES_AFTER if prompt.due_at + after > job.due_at)
    just_asked = prompt.sent_at is not None and now - prompt.sent_at < JUST_ASKED
    return just_asked or superseded(later, now)


def _nudge_opening(
    session: Session, organisation: Organisation, period: Period, tz: ZoneInfo
) -> str:
    lines = [
        f"A gentle reminder: {possessive(organisation.name)} REMI check-in is still open. It takes "
        "under a minute."
    ]
    progress = network_progress(session, period, tz)
    if progress:
        lines.append(progress)
    return "\n".join(lines)


def network_progress(session: Session, period: Period, tz: ZoneInfo) -> str | None:
    """How many organisations across the network have checked in this period, as the REMI
    report publishes it (see `handlers/network/disclosure.py`), and only once that is more
    than "fewer than 5". Never an area's count: a lead knows their own area, and a count
    of its few organisations, or that all of them or none have answered, would point at
    their neighbours."""
    checked_in = network_picture(session, period, tz).checked_in
    if checked_in.is_hidden:
        return None
    return f"Across the network, {checked_in} organisations have checked in for {period.label}."


JOBS = [JobSpec(PROMPT, send_prompt), JobSpec(NUDGE, send_nudge)]
PLANNERS = [plan_checkins]
