"""Linking accounts, so a member on Slack, Discord and the console is one member.

`link` on one platform gives a one-time code, shown only to the asker. `link <code>` typed on
another account joins that account into the member the code was given to: one set of roles,
RSVPs, introductions and records. A bad, expired or used code, or a code from the same
member, gets a clear reply and changes nothing.
"""

from contract.params import Word
from contract.specs import CommandSpec, Feature, Request
from contract.vocabulary import Reply
from handlers.services import Services
from storage import links, members

MINUTES = int(links.CODE_LIFETIME.total_seconds() // 60)
NEW_CODE_HINT = "Type `link` on your other account for a new code."


CODE = Word("code", "the code your other account was given", required=False)


async def link(request: Request, services: Services) -> Reply:
    code = request.optional(CODE)
    if code is None:
        return _give_code(request, services)
    return _redeem(request, services, code)


def _give_code(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        code = links.issue_code(session, request.member.id, services.clock.now())
    return Reply(
        f"Your link code is {code}. On your other account (Slack, Discord or the console), "
        f"type `link {code}` within {MINUTES} minutes; it works once. Keep it to yourself: "
        "whoever types it joins their account to yours.",
        title="Link your accounts",
        private=True,
    )


def _redeem(request: Request, services: Services, code: str) -> Reply:
    with services.db.session() as session:
        result = links.redeem_code(session, code, request.member.id, services.clock.now())
        if result.outcome != links.Outcome.LINKED or result.member_id is None:
            return _refusal(result.outcome)
        joined = members.profile(session, result.member_id)
        accounts = members.personal_data(session, result.member_id)["accounts"]
    listed = ", ".join(f"{a['platform']} ({a['name'] or a['user_id']})" for a in accounts)
    roles = ", ".join(sorted(role.value for role in joined.roles)) or "member"
    return Reply(
        f"Done: your accounts are now one member, {joined.display_name}: {listed}. "
        f"Your roles: {roles}.",
        title="Accounts linked",
        private=True,
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

FEATURE: Feature[Services] = Feature(commands=COMMANDS)
