"""The App Home tab: who the member is to the hub and what they can do in one click.

The tab is a list of sections, each built from what exists now. A feature with something
to show there (the events feature: the member's upcoming events) adds its section to
`SECTIONS`, in the order the member should read them.
"""

from collections.abc import Callable

from bot.app import App
from bot.slack import translate
from bot.slack.translate import Block
from handlers.router import ROLE_NAMES
from handlers.vocabulary import Button, Platform, Reply, Role
from storage import members
from storage.members import MemberProfile

HomeSection = Callable[[App, MemberProfile], Reply | None]


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
        if "<" not in spec.usage and member.has_role(spec.role)
    ]
    if not runnable:
        return None
    return Reply(
        "Quick actions (answers arrive in the Messages tab):",
        buttons=tuple(
            Button(spec.name, action_id=translate.RUN_COMMAND, value=spec.name) for spec in runnable
        ),
    )


SECTIONS: tuple[HomeSection, ...] = (welcome, quick_actions)


def home_view(app: App, user_id: str, display_name: str) -> Block:
    services = app.services
    with services.db.session() as session:
        member = members.identify(
            session, Platform.SLACK, user_id, display_name, services.clock.now()
        )
    replies = [reply for section in SECTIONS if (reply := section(app, member)) is not None]
    return translate.home_view(replies)


def _and_list(words: list[str]) -> str:
    roles = [f"{'an' if w[0] in 'aeiou' else 'a'} {w}" for w in words]
    return roles[0] if len(roles) == 1 else ", ".join(roles[:-1]) + " and " + roles[-1]
