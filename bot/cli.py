"""`larch-bot`: the one command operators run (click, so every sub-command documents itself)."""

import asyncio
import contextlib
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from bot.app import App, build_app, configure_logging
from bot.config import ConfigError, Settings, load_settings
from bot.console import Console
from bot.impact_report import write_impact_report, write_infographic
from bot.outgoing import console_messengers, platform_messengers
from bot.web import run_web
from contract.params import ArgumentError, Choice, Flag, ReadContext
from contract.specs import ExportFailed, ExportSpec, Registry
from contract.vocabulary import Actor, Platform, Role
from handlers.clock import ManualClock
from handlers.impact.year import ReportPeriodError, parse_quarter, parse_year
from handlers.registry import build_registry
from handlers.services import Services
from knowledge.check import check_directory, load_entries
from knowledge.entries import CONTENT_DIR
from knowledge.search import Match
from scheduler.dispatcher import Outcome
from scheduler.service import build_scheduler
from storage import backup, members, migrate

DOWNLOADS = Path("var/downloads")
# A one-off `kb search` waits for the model to answer as the bot would; the bot never waits.
MODEL_WAIT_SECONDS = 120
ROLE_CHOICES = click.Choice([role.value for role in Role if role != Role.MEMBER])


def main() -> None:
    try:
        cli(standalone_mode=True)
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    except OperationalError as error:
        click.echo(f"DATABASE_URL: cannot use the database: {error.orig}", err=True)
        sys.exit(2)


@click.group()
def cli() -> None:
    """The LARCH Hub assistant."""


def _settings() -> Settings:
    settings = load_settings()
    configure_logging(settings)
    return settings


def _console_app(settings: Settings, user: str, roles: tuple[str, ...]) -> tuple[App, Actor]:
    app = build_app(settings, messengers=console_messengers(DOWNLOADS))
    actor = Actor(Platform.CONSOLE, user, display_name=user)
    with app.services.db.session() as session:
        member = members.identify(session, Platform.CONSOLE, user, user, app.services.clock.now())
        for role in roles:
            members.grant_role(session, member.id, Role(role), app.services.clock.now())
    return app, actor


@cli.command()
@click.option("--user", default="member", show_default=True, help="Who you are on the console.")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICES, help="Grant yourself a role.")
def console(user: str, roles: tuple[str, ...]) -> None:
    """Talk to the bot in this terminal (or pipe questions in, one per line)."""
    _run_console(_settings(), user, roles)


def _run_console(
    settings: Settings,
    user: str,
    roles: tuple[str, ...],
    with_scheduler: bool = False,
    beside: Sequence["Adapter"] = (),
) -> None:
    """The console in this terminal, with the scheduler and the `beside` adapters (the web
    pages) running meanwhile."""
    app, actor = _console_app(settings, user, roles)
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo("LARCH Hub assistant. Type `help` to start; Ctrl-D to leave.")
    session = Console(app, actor, sys.stdout, DOWNLOADS, echo=not interactive)

    async def talk() -> None:
        scheduler = build_scheduler(app.dispatcher) if with_scheduler else None
        if scheduler is not None:
            scheduler.start()
        running = [asyncio.create_task(adapter(app)) for adapter in beside]
        try:
            await session.run(sys.stdin, prompt=interactive)
        finally:
            for task in running:
                task.cancel()
            if scheduler is not None:
                scheduler.shutdown(wait=False)

    asyncio.run(talk())


@cli.command()
@click.argument("text")
@click.option("--user", default="member", show_default=True)
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICES)
def ask(text: str, user: str, roles: tuple[str, ...]) -> None:
    """Answer one message and exit."""
    app, actor = _console_app(_settings(), user, roles)
    asyncio.run(Console(app, actor, sys.stdout, DOWNLOADS).say(text))


PORT_OPTION = click.option(
    "--port",
    default=3000,
    envvar="PORT",
    show_default=True,
    help="Port for the web pages and Slack over HTTP.",
)
HOST_OPTION = click.option(
    "--host",
    default="0.0.0.0",
    show_default=True,
    help="Address for the web pages and Slack over HTTP.",
)


@cli.command()
@HOST_OPTION
@PORT_OPTION
def run(host: str, port: int) -> None:
    """Run every configured adapter with the scheduler and the web pages; the console when
    no Slack or Discord token is set. Slack uses Socket Mode when SLACK_APP_TOKEN is set,
    else HTTP, on the web pages' port."""
    settings = _settings()
    adapters = _platform_adapters(settings, host, port)
    if not _slack_over_http(settings):
        adapters.append(partial(run_web, host=host, port=port))
    if settings.slack_configured or settings.discord_configured:
        _run_adapters(settings, adapters, with_scheduler=True)
        return
    click.echo("No Slack or Discord token set: starting the console adapter.", err=True)
    _run_console(settings, "member", (), with_scheduler=True, beside=adapters)


@cli.command()
@click.argument(
    "process", type=click.Choice(["web", "slack-http", "slack-worker", "discord", "clock"])
)
@HOST_OPTION
@PORT_OPTION
def serve(process: str, host: str, port: int) -> None:
    """Run one process type (see the Procfile). `web` serves the pages, and Slack's
    `/slack/events` too when Slack over HTTP is configured (`slack-http` is the same)."""
    settings = _settings()
    if process == "web":
        # The pages' search is the bot's, so this process loads the search model.
        if _slack_over_http(settings):
            from bot.slack.runner import run_http

            web = partial(run_http, host=host, port=port, answer_here=False)
        else:
            web = partial(run_web, host=host, port=port)
        _run_adapters(settings, [web])
        return
    if process.startswith("slack-"):
        from bot.slack import app as slack
        from bot.slack.runner import run_answering, run_http

        slack.check_settings(settings, socket_mode=False)
        # The web process acknowledges and the worker answers (see bot/slack/inbox.py):
        # only the worker reads questions, so only it loads the search model.
        if process == "slack-http":
            web = partial(run_http, host=host, port=port, answer_here=False)
            _run_adapters(_without_model(settings), [web])
        else:
            _run_adapters(settings, [run_answering])
        return
    if process == "discord":
        from bot.discord.runner import run_discord

        _run_adapters(settings, [run_discord])
        return
    if process != "clock":
        raise click.ClickException(f"`serve {process}` is not configured in this version yet.")
    # Reminders and digests answer no questions.
    app = build_app(_without_model(settings))

    async def tick_forever() -> None:
        async with platform_messengers(app, DOWNLOADS):
            scheduler = build_scheduler(app.dispatcher)
            scheduler.start()
            await asyncio.Event().wait()

    click.echo("Scheduler running; Ctrl-C to stop.", err=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(tick_forever())


Adapter = Callable[[App], Awaitable[None]]


def _platform_adapters(settings: Settings, host: str, port: int) -> list[Adapter]:
    """Each chat platform with a token set, as a coroutine that runs it until stopped.
    Platform libraries are imported only when used: the console starts without them."""
    adapters: list[Adapter] = []
    if settings.slack_configured:
        from bot.slack import app as slack
        from bot.slack.runner import run_http, run_socket_mode

        socket_mode = slack.uses_socket_mode(settings)
        # Before the database is touched: a missing token is reported first.
        slack.check_settings(settings, socket_mode=socket_mode)
        web = partial(run_http, host=host, port=port, answer_here=True)
        adapters.append(run_socket_mode if socket_mode else web)
    if settings.discord_configured:
        from bot.discord.runner import run_discord

        adapters.append(run_discord)
    return adapters


def _slack_over_http(settings: Settings) -> bool:
    if not settings.slack_configured:
        return False
    from bot.slack import app as slack

    return not slack.uses_socket_mode(settings)


def _without_model(settings: Settings) -> Settings:
    """For a process that answers no questions: the search model's memory is saved."""
    return settings.model_copy(update={"larch_search_model": "off"})


def _run_adapters(
    settings: Settings, adapters: list[Adapter], *, with_scheduler: bool = False
) -> None:
    """Run `adapters` (and the scheduler) in one event loop until Ctrl-C or a fatal error."""
    app = build_app(settings)

    async def serve_all() -> None:
        scheduler = build_scheduler(app.dispatcher) if with_scheduler else None
        if scheduler is not None:
            scheduler.start()
        try:
            await asyncio.gather(*(adapter(app) for adapter in adapters))
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_all())


@cli.command()
@click.option(
    "--now",
    "instant",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S"]),
    help="ISO 8601 instant; without an offset it is read as UTC.",
)
def dispatch(instant: datetime) -> None:
    """Run one dispatch pass as if at INSTANT and print what was sent."""
    settings = _settings()
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    app = build_app(settings, clock=ManualClock(instant))

    async def one_pass() -> list[Outcome]:
        async with platform_messengers(app, DOWNLOADS):
            return await app.dispatcher.run_once()

    outcomes = asyncio.run(one_pass())
    for outcome in outcomes:
        if outcome.error:
            click.echo(f"failed {outcome.key}: {outcome.error}")
        elif outcome.sent:
            click.echo(f"sent {outcome.key}: {outcome.sent}")
    sent = sum(1 for o in outcomes if o.sent)
    failed = sum(1 for o in outcomes if o.error)
    click.echo(f"{sent} sent, {failed} failed at {instant.isoformat()}")


@cli.group()
def db() -> None:
    """The database."""


UPGRADE_SAID = {
    migrate.Upgrade.CREATED: "Created a new database with the newest schema.",
    migrate.Upgrade.MIGRATED: "Upgraded the database to the newest schema.",
    migrate.Upgrade.CURRENT: "Database is up to date.",
}


@db.command()
def upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    settings = _settings()
    done = migrate.upgrade(settings.database_url)
    click.echo(UPGRADE_SAID[done])


@db.command("backup")
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
def backup_command(target: Path) -> None:
    """Copy the SQLite database to TARGET, safely while the bot runs."""
    settings = _settings()
    try:
        backup.backup(settings.database_url, target)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the database to {target}.")


@db.command("restore")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup SOURCE, keeping a copy of the current one."""
    settings = _settings()
    try:
        candidate = backup.check(settings.database_url, source)
        if not yes:
            click.confirm(
                f"Replace everything in {candidate.live} with {source}? A copy of the "
                "current database is kept beside it.",
                abort=True,
            )
        kept = backup.restore(candidate, datetime.now(UTC))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {source}.")
    if kept is not None:
        click.echo(f"The database as it was is kept at {kept}.")
    if not candidate.is_newest:
        click.echo("It has an older schema: run `larch-bot db upgrade` before starting the bot.")
    click.echo("Restart the bot's processes so that none keeps what it read before.")


@cli.group()
def kb() -> None:
    """The knowledge base."""


@kb.command()
@click.option("--content", type=click.Path(path_type=Path, file_okay=False), default=CONTENT_DIR)
def check(content: Path) -> None:
    """Validate every entry; exits non-zero listing the problems."""
    problems = check_directory(content)
    if problems:
        click.echo("\n".join(problems), err=True)
        raise SystemExit(1)
    click.echo(f"{len(load_entries(content))} entries, all good.")


@kb.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, best first.")
@click.option(
    "--suggestions",
    is_flag=True,
    help="Also the entries offered as “did you mean” when there is no answer.",
)
@click.option("--kind", default=None)
def search(query: str, as_json: bool, suggestions: bool, kind: str | None) -> None:
    """Search the knowledge base as the bot would: the answers, nothing when it would say
    it does not know. Approved suggestions and curators' changes count, as in chat."""
    settings = _settings()
    app = build_app(settings)
    app.services.knowledge.wait_for_semantic(timeout=MODEL_WAIT_SECONDS)
    found = app.services.knowledge.lookup(query, kind=kind)
    matches = found.answers
    offered = found.suggestions if suggestions else []
    if as_json:
        answers = [_match_row(m) for m in matches]
        if suggestions:
            click.echo(
                json.dumps({"answers": answers, "suggestions": list(map(_match_row, offered))})
            )
        else:
            click.echo(json.dumps(answers))
        return
    if not matches:
        click.echo("No confident match.")
    for m in matches:
        click.echo(f"{m.score:5.1f}  {m.entry.id}  {m.entry.title}")
    for m in offered:
        click.echo(f"did you mean: {m.entry.id}  {m.entry.title}")


def _match_row(match: Match) -> dict[str, object]:
    entry = match.entry
    return {
        "id": entry.id,
        "title": entry.title,
        "kind": entry.kind,
        "score": round(match.score, 1),
    }


@cli.group()
def report() -> None:
    """The hub's reports, written to files for the steering group's papers."""


def _reporting_app() -> App:
    # Reports answer no questions: no search model.
    return build_app(_without_model(_settings()))


def _read(parse: Callable[[str], Any], text: str, option: str) -> Any:
    try:
        return parse(text)
    except ReportPeriodError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


OUT_OPTION = click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The directory to write to (made if missing).",
)


@report.command("impact")
@click.option("--year", "year_text", required=True, help="The report year, e.g. 2026-27.")
@OUT_OPTION
def impact_command(year_text: str, out: Path) -> None:
    """Write the annual impact report (index.html, PNG charts, a CSV of every figure)."""
    year = _read(parse_year, year_text, "--year")
    app = _reporting_app()
    try:
        written = write_impact_report(app.services, year, out)
    finally:
        app.services.db.dispose()
    click.echo(f"Wrote the impact report for {year.key} to {out}: {len(written)} files.")


@report.command("infographic")
@click.option("--quarter", "quarter_text", required=True, help="The quarter, e.g. 2026Q3.")
@OUT_OPTION
def infographic_command(quarter_text: str, out: Path) -> None:
    """Write the quarter's REMI infographic as PNG and SVG."""
    quarter = _read(parse_quarter, quarter_text, "--quarter")
    app = _reporting_app()
    try:
        written = write_infographic(app.services, quarter, out)
    finally:
        app.services.db.dispose()
    click.echo(f"Wrote {', '.join(path.name for path in written)} to {out}.")


@cli.group("remi")
def remi_group() -> None:
    """REMI check-ins."""


def _export_command(spec: ExportSpec[Services]) -> click.Command:
    """A feature's export as a command: each of its parameters an option."""
    options = [
        click.Option(
            [f"--{param.name}"],
            required=param.required,
            help=param.description,
            type=click.Choice(param.choices) if isinstance(param, Choice) else None,
            is_flag=isinstance(param, Flag),
        )
        for param in spec.params
    ]

    def run_export(**typed: Any) -> None:
        settings = _settings()
        context = ReadContext(datetime.now(UTC), settings.timezone)
        values = {}
        for param in spec.params:
            raw = typed[param.name]
            try:
                values[param.name] = None if raw is None else param.read(str(raw), context)
            except ArgumentError as error:
                raise click.BadParameter(str(error), param_hint=f"--{param.name}") from None
        app = build_app(settings)
        try:
            lines = spec.run(app.services, values)
        except ExportFailed as error:
            click.echo(str(error), err=True)
            raise SystemExit(1) from None
        finally:
            app.services.db.dispose()
        for line in lines:
            click.echo(line)

    return click.Command(spec.name, callback=run_export, params=options, help=spec.summary)


def _add_exports(registry: Registry[Services]) -> None:
    groups = {name: command for name, command in cli.commands.items()}
    for spec in registry.exports:
        group = groups.get(spec.group)
        if not isinstance(group, click.Group):
            raise ValueError(f"an export for `{spec.group}`, which is not a command group")
        group.add_command(_export_command(spec))


_add_exports(build_registry())
