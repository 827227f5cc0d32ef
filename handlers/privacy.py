"""A member can see, download and delete what the bot holds on them."""

import json
from collections.abc import Awaitable, Callable, Sequence

from contract.specs import ActionSpec, CommandSpec, Feature, Request
from contract.vocabulary import Attachment, Button, ButtonStyle, Reply
from handlers.services import Services
from storage import forgetting, personal_data


async def show_my_data(request: Request, services: Services) -> Reply:
    """What is about the member and theirs to see; `storage.personal_data` says, table by
    table, what that is and what is withheld (another member's choices, an organisation's
    answers once they no longer lead it)."""
    with services.db.session() as session:
        data = personal_data.gather(session, request.member.id)
    accounts = ", ".join(f"{a['platform']} ({a['name'] or a['user_id']})" for a in data["accounts"])
    lines = [
        "What I hold about you:",
        f"• Name: {data['display_name']}",
        f"• Organisation: {data['organisation'] or 'not given'}",
        f"• Accounts: {accounts}",
        f"• Roles: {', '.join(data['roles']) or 'member'}",
        f"• First seen: {data['first_seen'][:10]}",
        *(
            f"• {section.replace('_', ' ')}: {len(rows)}"
            for section, rows in data["records"].items()
        ),
        "The attached file has all of it. Type `forget me` to delete it.",
    ]
    return Reply(
        "\n".join(lines),
        title="Your data",
        private=True,
        attachments=(
            Attachment(
                "larch-my-data.json",
                json.dumps(data, indent=2).encode(),
                "application/json",
            ),
        ),
    )


async def ask_to_forget(request: Request, services: Services) -> Reply:
    return Reply(
        "This deletes everything I hold about you on every platform: your profile, roles, "
        "records and the questions you asked. Where others keep a record (past "
        "introductions, the steering group's actions and minutes), you will appear as "
        "“a former member”. It cannot be undone. Are you sure?",
        buttons=(
            Button(
                "Yes, delete my data",
                action_id="privacy.forget",
                value="confirm",
                style=ButtonStyle.DANGER,
            ),
        ),
        private=True,
    )


COMMANDS: list[CommandSpec[Services]] = [
    CommandSpec(
        name="my data",
        summary="See and download everything the bot holds about you",
        handler=show_my_data,
    ),
    CommandSpec(
        name="forget me",
        summary="Delete everything the bot holds about you",
        handler=ask_to_forget,
    ),
]


def feature_for(
    before_forgetting: Sequence[Callable[[Services, int], Awaitable[object]]],
) -> Feature[Services]:
    """`my data` and `forget me`; `before_forgetting` are the features' `on_forget`, run
    before the member's rows go."""

    async def forget(request: Request, services: Services) -> Reply:
        # Whatever the button's value says, only the member who clicked is deleted.
        for settle in before_forgetting:
            await settle(services, request.member.id)
        with services.db.session() as session:
            forgetting.forget_member(session, request.member.id, services.clock.now())
        return Reply(
            "Done: I have deleted what I held about you. If you talk to me again I will "
            "start afresh.",
            private=True,
        )

    return Feature(commands=COMMANDS, actions=[ActionSpec("privacy.forget", forget)])
