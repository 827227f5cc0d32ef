"""`help`: every registered command with its one-line summary, generated from the registry,
and `help <command>` for one command's usage, arguments and examples."""

from collections.abc import Sequence

from contract.params import Text
from contract.specs import CommandSpec, Request
from contract.vocabulary import Reply
from handlers.services import Services


def command_for(commands: Sequence[CommandSpec[Services]]) -> CommandSpec[Services]:
    """The help command over `commands`, which it reads when asked, so it includes itself
    once the caller has added it."""

    def command_names(services: Services, typed: str) -> list[str]:
        wanted = typed.strip().lower()
        return [spec.name for spec in commands if wanted in spec.name]

    about = Text(
        "command", "A command to explain, e.g. agenda move", required=False, complete=command_names
    )

    async def show_help(request: Request, services: Services) -> Reply:
        asked = request.optional(about)
        if asked is not None:
            return _one_command(asked, commands)
        visible = [spec for spec in commands if request.member.has_role(spec.role)]
        lines = [f"`{spec.usage}`: {spec.summary}" for spec in visible]
        return Reply(
            "\n".join(
                [
                    "Here is what I can do:",
                    *lines,
                    "",
                    "You can also just ask a question, like “what is WRES?”.",
                    "Type `help <command>` for examples.",
                ]
            ),
            title="LARCH Hub assistant",
            private=True,
        )

    return CommandSpec(
        name="help",
        summary="This list; `help <command>` shows examples",
        handler=show_help,
        params=(about,),
    )


def _one_command(name: str, commands: Sequence[CommandSpec[Services]]) -> Reply:
    wanted = " ".join(name.lower().strip("`/ ").split())
    spec = next((s for s in commands if s.name == wanted), None)
    if spec is None:
        names = ", ".join(f"`{s.name}`" for s in commands)
        return Reply(f"I don't have a command called `{name}`. I know: {names}.", private=True)
    lines = [f"`{spec.usage}`: {spec.summary}"]
    lines += [f"• {param.usage()}: {param.description}" for param in spec.params]
    lines += [f"Example: `{example}`" for example in spec.examples]
    return Reply("\n".join(lines), title=spec.name, private=True)
