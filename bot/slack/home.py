"""The App Home tab: who the member is to the hub and what they can do in one click.

The tab is a list of sections, each built from what exists now: a welcome, then what
features show there (the registry's home sections, such as the member's upcoming events),
then a button for each command that needs nothing more typed.
"""

from bot.app import App
from bot.slack import translate
from bot.slack.translate import Block
from contract.vocabulary import Button, MemberProfile, Platform, Reply, Role
from handlers.router import ROLE_NAMES
from storage import members


def welcome(app: App, member: MemberProfile) -> Reply:
    name = member.display_name or "there"
    roles = sorted(ROLE_NAMES[role] for role in member.roles if role != Role.MEMBER)
    return Reply(
        f"Hello {name}. You are {_and_list(['member', *roles])} of the hub.\n"
        "Ask me anything with `/larch`, mention me in a channel, or write to me in the "
        "Messages tab.",
        title="LARCH Hub assistant",
    )


def quick_actions(app: App, member: MemberProfile) -> Reply | None:
    """Every command the member may use that needs nothing more typed, as a button."""
    runnable = [
        spec
        for spec in app.registry.commands
        if not spec.needs_arguments and member.has_role(spec.role)
    ]
    if not runnable:
        return None
    return Reply(
        "Quick actions (answers arrive in the Messages tab):",
        buttons=tuple(
            Button(spec.name, action_id=translate.RUN_COMMAND, value=spec.name) for spec in runnable
        ),
    )


def home_view(app: App, user_id: str, display_name: str) -> Block:
    services = app.services
    with services.db.session() as session:
        member = members.identify(
            session, Platform.SLACK, user_id, display_name, services.clock.now()
        )
    features = [section(services, member) for section in app.registry.home_sections]
    replies = [
        reply
        for reply in (welcome(app, member), *features, quick_actions(app, member))
        if reply is not None
    ]
    return translate.home_view(replies)


def _and_list(words: list[str]) -> str:
    roles = [f"{'an' if w[0] in 'aeiou' else 'a'} {w}" for w in words]
    return roles[0] if len(roles) == 1 else ", ".join(roles[:-1]) + " and " + roles[-1]
