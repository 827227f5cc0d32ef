"""Reaching people and channels the bot was not just talking to: a member on whichever
platform they last used, a purpose channel ("events", "steering") on every platform."""

import logging
from dataclasses import dataclass, field

from contract.vocabulary import ChannelUnreachable, MessageRef, Platform, Reply
from handlers.services import Services
from storage import members

log = logging.getLogger(__name__)


async def send_to_member(services: Services, member_id: int, reply: Reply) -> MessageRef | None:
    """DM a member where they were last seen among the connected platforms; None if the
    member has no account on any platform this process can reach."""
    account = where_to_reach(services, member_id)
    if account is None:
        log.warning("member %s has no account on a connected platform", member_id)
        return None
    platform, user_id = account
    return await services.messengers[platform].send_direct(user_id, reply)


def where_to_reach(services: Services, member_id: int) -> tuple[Platform, str] | None:
    """The member's account on the connected platform they used most recently."""
    with services.db.session() as session:
        accounts = members.reachable_accounts(session, member_id)
    return next(
        ((platform, user_id) for platform, user_id in accounts if platform in services.messengers),
        None,
    )


@dataclass
class Posted:
    """Where an announcement went, and the channels that would not take it."""

    refs: list[MessageRef] = field(default_factory=list)
    unreachable: list[ChannelUnreachable] = field(default_factory=list)


async def announce(services: Services, purpose: str, reply: Reply) -> Posted:
    """Post to the channel configured for `purpose` on every connected platform. A channel
    the platform refuses does not stop the others: it is reported, for whoever asked."""
    posted = Posted()
    for platform, messenger in services.messengers.items():
        channel = channel_for(services, platform, purpose)
        if channel is None:
            continue
        try:
            posted.refs.append(await messenger.post_to_channel(channel, reply))
        except ChannelUnreachable as refused:
            log.warning("could not post to the %s channel: %s", purpose, refused)
            posted.unreachable.append(refused)
    return posted


def channel_for(services: Services, platform: Platform, purpose: str) -> str | None:
    # The console has no channels to configure: a purpose is its own channel there.
    if platform == Platform.CONSOLE:
        return purpose
    return services.channels.get(platform, {}).get(purpose)
