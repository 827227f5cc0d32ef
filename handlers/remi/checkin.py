"""The REMI check-in: three short questions, finished in under a minute.

A lead picks the stage that fits their organisation now (six buttons, each stage's meaning
beside it), then fills a small form: what changed since last time (optional) and what would
help. The organisation has one check-in per period, whichever lead answers: a second lead
sees the first answer and may update it. A stage given and the form left is kept, and
`remi checkin` picks up where it stopped. The thank-you offers knowledge-base resources for
what would help.

Button values come back from the platform and are untrusted: each is parsed strictly and
checked against the clicking member's own organisations before anything is stored.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from contract.specs import ActionSpec, CommandSpec, Request
from contract.vocabulary import Button, ButtonStyle, Form, FormField, Reply, Role
from handlers.entry_buttons import entry_button
from handlers.network import needs
from handlers.network.periods import Period, current_period
from handlers.remi.organisations import ONE_YOU_LEAD, organisation_picker
from handlers.remi.privacy import may_answer
from handlers.services import Services
from handlers.wording import possessive
from knowledge.remi import STAGES
from storage import due, members, remi
from storage.remi import CheckIn, Details, Organisation

MAX_CHANGED_CHARS = 1000
MAX_NEEDS_TEXT_CHARS = 500
MAX_RESOURCE_BUTTONS = 4

ORGANISATION_VALUE = re.compile(r"(?P<organisation>\d{1,9})")
_PERIOD_VALUE = re.compile(r"(?P<organisation>\d{1,9}):(?P<period>\d{4}(Q[1-4]|-\d{2}))")
_STAGE_VALUE = re.compile(
    r"(?P<organisation>\d{1,9}):(?P<period>\d{4}(Q[1-4]|-\d{2})):(?P<stage>[1-6])"
)

NOT_A_LEAD = Reply(
    "You're not registered as an equality lead for any organisation yet, so there is no "
    "check-in for you. An admin can add you with `remi lead add @you <organisation>`.",
    private=True,
)
FORGED = Reply(
    "I don't recognise that answer, so nothing was recorded. Type `remi checkin` to start "
    "the check-in again.",
    private=True,
)
NOT_YOURS = Reply(
    "You can only answer for an organisation you are an equality lead for, so nothing was "
    "recorded. Type `remi checkin` to see yours.",
    private=True,
)


@dataclass(frozen=True)
class CheckInState:
    """What a lead is shown when asked to check in: this period's answer, if any, and last
    period's, with the names of who gave them."""

    organisation: Organisation
    period: Period
    current: CheckIn | None
    previous: CheckIn | None
    answered_by: str
    updated_by: str
    updated_on: str


def checkin_state(
    session: Session, organisation: Organisation, now: datetime, tz: ZoneInfo
) -> CheckInState:
    period = current_period(organisation.cadence, now, tz)
    current = remi.checkin_for(session, organisation.id, period.key)
    earlier = [c for c in remi.history(session, organisation.id) if c.period != period.key]
    return CheckInState(
        organisation,
        period,
        current,
        earlier[-1] if earlier else None,
        _name(session, current.answered_by if current else None),
        _name(session, current.updated_by if current else None),
        f"{current.updated_at.astimezone(tz):%-d %b %Y}" if current else "",
    )


def checkin_reply(state: CheckInState, opening: str) -> Reply:
    """The stage question, with this period's answer so far when there is one; a check-in
    left after the stage comes back with its form, ready to finish."""
    organisation, period, current = state.organisation, state.period, state.current
    lines = [opening]
    if state.previous is not None:
        lines.append(f"Last time ({state.previous.period}) it was {_stage_name(state.previous)}.")
    buttons = [
        Button(
            f"{stage.number} {stage.name}",
            action_id="remi.stage",
            value=f"{organisation.id}:{period.key}:{stage.number}",
            style=ButtonStyle.PRIMARY
            if current and current.stage == stage.number
            else ButtonStyle.DEFAULT,
        )
        for stage in STAGES
    ]
    form = None
    if current is None:
        lines.append("Which stage fits best now?")
    elif current.is_complete:
        who = f"{state.answered_by} already answered for this period"
        if state.updated_by != state.answered_by:
            who += f"; {state.updated_by} last updated it"
        lines += [
            f"{who} on {state.updated_on}:",
            *answer_lines(current),
            "You can update it: pick a stage, or keep this one and edit the rest.",
        ]
        buttons.append(
            _finish_button(organisation, period, f"Keep stage {current.stage}, edit the rest")
        )
    else:
        lines.append(
            f"{state.updated_by} gave stage {_stage_name(current)}; two short questions "
            "remain. Pick another stage to change it."
        )
        buttons.append(_finish_button(organisation, period))
        form = details_form(organisation, period, current)
    lines += [f"{stage.number} {stage.name}: {stage.meaning}." for stage in STAGES]
    return Reply(
        "\n".join(lines),
        title=f"REMI check-in: {organisation.name}",
        buttons=tuple(buttons),
        form=form,
        private=True,
    )


def answer_lines(checkin: CheckIn) -> list[str]:
    lines = [f"• Stage: {_stage_name(checkin)}"]
    if checkin.changed:
        lines.append(f"• What changed: {checkin.changed}")
    if checkin.needs or checkin.needs_text:
        wanted = "; ".join(filter(None, [needs.labels(checkin.needs), checkin.needs_text]))
        lines.append(f"• What would help: {wanted}")
    return lines


def details_form(organisation: Organisation, period: Period, checkin: CheckIn) -> Form:
    return Form(
        title="REMI check-in",
        action_id="remi.details",
        value=f"{organisation.id}:{period.key}",
        fields=(
            FormField(
                "changed",
                "What changed since last time?",
                multiline=True,
                required=False,
                initial=checkin.changed or "",
                max_length=MAX_CHANGED_CHARS,
            ),
            FormField(
                "needs",
                "What would help?",
                choices=needs.LABELS,
                multiple=True,
                initial=needs.labels(checkin.needs),
            ),
            FormField(
                "needs_other",
                "Anything else that would help?",
                required=False,
                initial=checkin.needs_text or "",
                max_length=MAX_NEEDS_TEXT_CHARS,
            ),
        ),
        submit_label="Finish",
    )


# --- starting: `remi checkin`, or a pick among the lead's organisations -------------------


async def start_checkin(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        led = remi.organisations_led_by(session, request.member.id)
        if not led:
            return NOT_A_LEAD
        named = request.optional(ONE_YOU_LEAD)
        if named is not None:
            chosen = [o for o in led if o.name_key == remi.name_key(named)]
            if not chosen:
                return Reply(
                    f"You're not an equality lead for an organisation called “{named}”. "
                    f"You lead: {', '.join(o.name for o in led)}.",
                    private=True,
                )
            led = chosen
        if len(led) > 1:
            return Reply(
                "Which organisation are you checking in for?",
                picker=organisation_picker(led, "remi.checkin"),
                private=True,
            )
        state = checkin_state(session, led[0], services.clock.now(), services.timezone)
    return checkin_reply(state, _opening(state))


async def checkin_for_organisation(request: Request, services: Services) -> Reply:
    """A button naming one of the lead's organisations."""
    with services.db.session() as session:
        target = _target(session, request, ORGANISATION_VALUE, services)
        if isinstance(target, Reply):
            return target
        state = checkin_state(session, target[0], services.clock.now(), services.timezone)
    return checkin_reply(state, _opening(state))


def _opening(state: CheckInState) -> str:
    return (
        f"REMI check-in for {state.organisation.name}, {state.period.label}. "
        "It takes under a minute."
    )


# --- the stage ----------------------------------------------------------------------------


async def answer_stage(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        target = _target(session, request, _STAGE_VALUE, services)
        if isinstance(target, Reply):
            return target
        organisation, period, found = target
        checkin = remi.record_stage(
            session,
            organisation.id,
            period.key,
            int(found["stage"]),
            request.member.id,
            services.clock.now(),
        )
    return Reply(
        f"Noted: {organisation.name} is at stage {_stage_name(checkin)}, for {period.label}. "
        "Two short questions to finish: what changed (optional) and what would help.",
        form=details_form(organisation, period, checkin),
        buttons=(_finish_button(organisation, period),),
        private=True,
    )


async def open_details(request: Request, services: Services) -> Reply:
    """A button that (re)opens the short form of a check-in whose stage is given."""
    with services.db.session() as session:
        target = _target(session, request, _PERIOD_VALUE, services)
        if isinstance(target, Reply):
            return target
        state = checkin_state(session, target[0], services.clock.now(), services.timezone)
    if state.current is None:
        return checkin_reply(state, "Please pick the stage first.")
    return Reply(
        f"What changed, and what would help {state.organisation.name}?",
        form=details_form(state.organisation, state.period, state.current),
        private=True,
    )


# --- the short form -----------------------------------------------------------------------


async def answer_details(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    with services.db.session() as session:
        target = _target(session, request, _PERIOD_VALUE, services)
        if isinstance(target, Reply):
            return target
        organisation, period, _ = target
        try:
            details = _details(request)
        except needs.NeedsError as error:
            return Reply(str(error), private=True)
        checkin = remi.record_details(
            session, organisation.id, period.key, details, request.member.id, now
        )
        if checkin is None:
            state = checkin_state(session, organisation, now, services.timezone)
            return checkin_reply(state, "Please pick the stage first.")
        # The organisation has answered: its other leads need no prompt, and nobody a nudge.
        for kind in ("prompt", "nudge"):
            due.cancel(session, f"remi:{kind}:{organisation.id}:{period.key}:", now)
    return _thanks(organisation, period, checkin, services)


def _details(request: Request) -> Details:
    changed = request.fields.get("changed", "").strip()
    needs_text = request.fields.get("needs_other", "").strip()
    if len(changed) > MAX_CHANGED_CHARS or len(needs_text) > MAX_NEEDS_TEXT_CHARS:
        raise needs.NeedsError(
            f"That's longer than the form allows ({MAX_CHANGED_CHARS} characters for what "
            f"changed, {MAX_NEEDS_TEXT_CHARS} for anything else), so nothing was changed. "
            "Your stage is saved."
        )
    return Details(
        changed=changed or None,
        needs=needs.parse_needs(request.fields.get("needs", "")),
        needs_text=needs_text or None,
    )


def _thanks(
    organisation: Organisation, period: Period, checkin: CheckIn, services: Services
) -> Reply:
    lines = [
        f"Thank you: {possessive(organisation.name)} check-in for {period.label} is complete.",
        *answer_lines(checkin),
    ]
    buttons = []
    for need, entries in needs.resources_for(checkin.needs, services.knowledge):
        lines.append(f"For {need.label}, these may help: {'; '.join(e.title for e in entries)}.")
        buttons += [entry_button(e.id, e.title) for e in entries]
    lines.append(
        "Add an action point any time with `remi action add <text>`; `remi status` shows "
        "your progress."
    )
    unique = list({button.value: button for button in buttons}.values())
    return Reply(
        "\n".join(lines),
        title="REMI check-in done",
        buttons=tuple(unique[:MAX_RESOURCE_BUTTONS]),
        private=True,
    )


# --- shared checks ------------------------------------------------------------------------


def _target(
    session: Session, request: Request, value: re.Pattern[str], services: Services
) -> tuple[Organisation, Period, re.Match[str]] | Reply:
    """The organisation a button or form names, if the asker leads it, and its current
    period, which must be the one the button was made for; otherwise the reply to give."""
    found = value.fullmatch(request.args)
    if found is None:
        return FORGED
    organisation = remi.organisation(session, int(found["organisation"]))
    if organisation is None or not may_answer(session, request.member, organisation.id):
        return NOT_YOURS
    period = current_period(organisation.cadence, services.clock.now(), services.timezone)
    asked = found.groupdict().get("period")
    if asked is not None and asked != period.key:
        return _closed(asked, period)
    return organisation, period, found


def _finish_button(
    organisation: Organisation, period: Period, label: str = "Answer the two questions"
) -> Button:
    return Button(
        label,
        action_id="remi.form",
        value=f"{organisation.id}:{period.key}",
        style=ButtonStyle.PRIMARY,
    )


def _closed(asked: str, current: Period) -> Reply:
    return Reply(
        f"That check-in was for {asked}, which has closed, so nothing was recorded. Type "
        f"`remi checkin` to check in for {current.label}.",
        private=True,
    )


def _stage_name(checkin: CheckIn) -> str:
    stage = STAGES[checkin.stage - 1]
    return f"{stage.number}, {stage.name}"


def _name(session: Session, member_id: int | None) -> str:
    if member_id is None:
        return "A lead"
    return members.profile(session, member_id).display_name


COMMANDS = [
    CommandSpec(
        name="remi checkin",
        summary="Check in for your organisation's REMI progress (equality leads)",
        handler=start_checkin,
        opens_form=True,
        params=(ONE_YOU_LEAD,),
        role=Role.EQUALITY_LEAD,
    ),
]

ACTIONS = [
    ActionSpec("remi.checkin", checkin_for_organisation, role=Role.EQUALITY_LEAD, opens_form=True),
    ActionSpec("remi.stage", answer_stage, role=Role.EQUALITY_LEAD, opens_form=True),
    ActionSpec("remi.form", open_details, role=Role.EQUALITY_LEAD, opens_form=True),
    ActionSpec("remi.details", answer_details, role=Role.EQUALITY_LEAD),
]
