"""`web login`: a member signs in to the hub's web pages with a one-time link.

The link goes by direct message to the account that asked, never into a channel, since
whoever opens it is signed in as that member. It works once, within 15 minutes; only a
digest of it is kept (see storage/web_login.py). The web pages then act as that account
would in chat: the same roles, the same answers."""

import secrets

from contract.specs import CommandSpec, Feature, Request
from contract.vocabulary import Button, ButtonStyle, Reply
from contract.when import shown_when
from handlers.services import Services
from storage import web_login
from storage.web_login import LOGIN_LIFETIME, LOGIN_PATH

MINUTES = int(LOGIN_LIFETIME.total_seconds() // 60)


async def sign_in_link(request: Request, services: Services) -> Reply:
    messenger = services.messengers.get(request.actor.platform)
    if services.public_url is None or messenger is None:
        return Reply(
            "The hub's web pages aren't running here, so there is nothing to sign in to. "
            "Everything they show is in chat too: type `help`.",
            private=True,
        )
    token = secrets.token_urlsafe(32)
    now = services.clock.now()
    with services.db.session() as session:
        expires = web_login.issue(
            session, token, request.member.id, request.actor.platform, request.actor.user_id, now
        )
    url = services.public_url.rstrip("/") + LOGIN_PATH.format(token=token)
    until = shown_when(expires, services.timezone)
    await messenger.send_direct(
        request.actor.user_id,
        Reply(
            f"Here is your link to sign in to the LARCH Hub web pages:\n{url}\n"
            f"It works once, until {until.words}. Keep it to yourself: whoever opens it is "
            "signed in as you.",
            title="Sign in to the web pages",
            link=Button("Sign in", url=url, style=ButtonStyle.PRIMARY),
            private=True,
            times=(until,),
        ),
    )
    return Reply(
        f"I've sent you a sign-in link by direct message. It works once, for {MINUTES} minutes.",
        private=True,
    )


FEATURE: Feature[Services] = Feature(
    commands=[
        CommandSpec(
            name="web login",
            summary="A one-time link, by direct message, to sign in to the hub's web pages",
            handler=sign_in_link,
            examples=("web login",),
        )
    ]
)
