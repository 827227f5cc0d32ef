"""Linking accounts, so a member on Slack, Discord and the console is one member.

`link` on one platform gives a one-time code, shown only to the asker. `link <code>` typed on
another account asks both accounts to confirm, each shown the roles that will be combined;
only when both have confirmed is that account joined into the member the code was given
to: one set of roles, RSVPs, introductions and records. Either can cancel. A bad, expired or
used code, or a code from the same member, gets a clear reply and changes nothing.
"""

from sqlmodel import Session

from contract.params import Number, Word
from contract.specs import ActionSpec, CommandSpec, Feature, Request
from contract.vocabulary import Button, ButtonStyle, Platform, Reply, Role
from handlers.notify import send_to_member
from handlers.services import Services
from storage import links, members, remi

MINUTES = int(links.CODE_LIFETIME.total_seconds() // 60)
NEW_CODE_HINT = "Type `link` on your other account for a new code."
CONFIRM = "link.confirm"
CANCEL = "link.cancel"


CODE = Word("code", "the code your other account was given", required=False)
LINK_REQUEST = Number("request", "The link request's number")


async def link(request: Request, services: Services) -> Reply:
    code = request.optional(CODE)
    if code is None:
        return _give_code(request, services)
    return await _redeem(request, services, code)


def _give_code(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        code = links.issue_code(session, request.member.id, services.clock.now())
    return Reply(
        f"Your link code is {code}. On your other account (Slack, Discord or the console), "
        f"type `link {code}` within {MINUTES} minutes; it works once. Keep it to yourself: "
        "whoever types it asks to join their account to yours.",
        title="Link your accounts",
        private=True,
    )


async def _redeem(request: Request, services: Services, code: str) -> Reply:
    with services.db.session() as session:
        result = links.redeem_code(session, code, request.member.id, services.clock.now())
        if result.outcome != links.Outcome.ASKED:
            return _refusal(result.outcome)
        combined = _combined_roles(session, result.member_id, request.member.id)  # type: ignore[arg-type]
        joining = _accounts_line(session, request.member.id)
    # The code's owner may not be the one who typed it: they are asked too, on their account.
    await send_to_member(
        services,
        result.member_id,  # type: ignore[arg-type]
        _confirmation(
            f"Your link code was typed on {joining}. {combined} Confirm only if that "
            "account is yours too.",
            result.request_id,  # type: ignore[arg-type]
        ),
    )
    return _confirmation(
        f"That code belongs to another account. {combined} I've asked that account to "
        "confirm as well; the accounts are joined only when both have.",
        result.request_id,  # type: ignore[arg-type]
    )


async def confirm(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    with services.db.session() as session:
        result = links.confirm(session, request.value(LINK_REQUEST), request.member.id, now)
        if result.outcome == links.Outcome.NOT_PENDING:
            return NOT_PENDING
        if result.outcome == links.Outcome.WAITING:
            return Reply(
                "Confirmed on this account. I'm waiting for your other account to confirm too.",
                private=True,
            )
        joined = members.profile(session, result.member_id)  # type: ignore[arg-type]
        listed = _accounts_line(session, joined.id)
    roles = ", ".join(sorted(role.value for role in joined.roles)) or "member"
    return Reply(
        f"Done: your accounts are now one member, {joined.display_name}: {listed}. "
        f"Your roles: {roles}.",
        title="Accounts linked",
        private=True,
    )


async def cancel(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    with services.db.session() as session:
        result = links.cancel(session, request.value(LINK_REQUEST), request.member.id, now)
    if result.outcome == links.Outcome.NOT_PENDING:
        return NOT_PENDING
    await send_to_member(
        services,
        result.other_id,  # type: ignore[arg-type]
        Reply("The request to join your accounts was cancelled: nothing changed.", private=True),
    )
    return Reply("Cancelled: your accounts stay separate.", private=True)


NOT_PENDING = Reply(
    "That link request is not waiting for you: it was settled, it expired or it isn't "
    "yours. Nothing changed. " + NEW_CODE_HINT,
    private=True,
)


def _confirmation(text: str, request_id: int) -> Reply:
    return Reply(
        text,
        title="Join two accounts?",
        buttons=(
            Button("Confirm", CONFIRM, str(request_id), style=ButtonStyle.PRIMARY),
            Button("Cancel", CANCEL, str(request_id), style=ButtonStyle.DANGER),
        ),
        private=True,
    )


def _combined_roles(session: Session, owner_id: int, joining_id: int) -> str:
    """`This will combine: admin (Slack), lead of Camden (Discord).`"""
    parts = [
        f"{role} ({_platforms(session, member_id)})"
        for member_id in (owner_id, joining_id)
        for role in _roles(session, member_id)
    ]
    if not parts:
        return "Neither account holds a role yet."
    return f"This will combine: {', '.join(parts)}."


def _roles(session: Session, member_id: int) -> list[str]:
    led = [f"lead of {o.name}" for o in remi.organisations_led_by(session, member_id)]
    held = members.profile(session, member_id).roles
    return sorted(role.value for role in held if not (led and role == Role.EQUALITY_LEAD)) + led


def _platforms(session: Session, member_id: int) -> str:
    platforms = dict.fromkeys(Platform(a["platform"]) for a in members.accounts(session, member_id))
    return " and ".join(platform.value.title() for platform in platforms)


def _accounts_line(session: Session, member_id: int) -> str:
    return ", ".join(
        f"{a['platform']} ({a['name'] or a['user_id']})"
        for a in members.accounts(session, member_id)
    )


def _refusal(outcome: links.Outcome) -> Reply:
    reasons = {
        links.Outcome.UNKNOWN: "I don't recognise that code. Check it for typos. " + NEW_CODE_HINT,
        links.Outcome.EXPIRED: f"That code has expired (codes last {MINUTES} minutes). "
        + NEW_CODE_HINT,
        links.Outcome.USED: "That code has already been used, so nothing changed. " + NEW_CODE_HINT,
        links.Outcome.SAME_MEMBER: "That code belongs to this account (or one already linked "
        "to it), so there is nothing to join. Type it on your other account instead.",
    }
    return Reply(reasons[outcome], private=True)


COMMANDS: list[CommandSpec[Services]] = [
    CommandSpec(
        name="link",
        summary="Join your accounts on Slack, Discord and the console into one member",
        handler=link,
        params=(CODE,),
        examples=("link", "link 7KQ2M-XW4PA"),
    ),
]

ACTIONS = [
    ActionSpec(CONFIRM, confirm, params=(LINK_REQUEST,), forged=NOT_PENDING),
    ActionSpec(CANCEL, cancel, params=(LINK_REQUEST,), forged=NOT_PENDING),
]

FEATURE: Feature[Services] = Feature(commands=COMMANDS, actions=ACTIONS)
