"""`help`: every registered command with its one-line summary, generated from the registry,
and `help <command>` for one command's usage and examples."""

from collections.abc import Sequence

from handlers.registry import CommandSpec, Request
from handlers.services import Services
from handlers.vocabulary import Reply


def command_for(commands: Sequence[CommandSpec]) -> CommandSpec:
    """The help command over `commands`, which it reads when asked, so it includes itself."""

    async def show_help(request: Request, services: Services) -> Reply:
        if request.args:
            return _one_command(request.args, commands)
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
        usage="help [command]",
        handler=show_help,
    )


def _one_command(name: str, commands: Sequence[CommandSpec]) -> Reply:
    wanted = name.lower().strip("` ")
    spec = next((s for s in commands if s.name == wanted), None)
    if spec is None:
        names = ", ".join(f"`{s.name}`" for s in commands)
        return Reply(f"I don't have a command called `{name}`. I know: {names}.", private=True)
    lines = [f"`{spec.usage}`: {spec.summary}"]
    lines += [f"Example: `{example}`" for example in spec.examples]
    return Reply("\n".join(lines), title=spec.name, private=True)
