"""The one list of what the bot can do: every feature, assembled into the registry that the
router, the adapters, `help` and the scheduler read. This is the only module that imports
every feature; a feature is added by writing its module and naming it below."""

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from contract.specs import DueJob, Feature, JobSpec, Registry
from handlers import (
    admin,
    events,
    intros,
    kb,
    linking,
    privacy,
    remi,
    remi_stages,
    steering,
    web_login,
)
from handlers import help as help_command
from handlers.kb import lookup
from handlers.services import Services
from scheduler.dispatcher import Dispatcher, Send

FEATURES: tuple[Feature[Services], ...] = (
    lookup.FEATURE,
    remi_stages.FEATURE,
    events.FEATURE,
    intros.FEATURE,
    kb.FEATURE,
    remi.FEATURE,
    steering.FEATURE,
    admin.FEATURE,
    linking.FEATURE,
    web_login.FEATURE,
)


def build_registry() -> Registry[Services]:
    # `forget me` settles what every feature owes others before the member's rows go.
    forgetting = privacy.feature_for([settle for f in FEATURES for settle in f.on_forget])
    features = [*FEATURES, forgetting]
    commands = [spec for feature in features for spec in feature.commands]
    help_spec = help_command.command_for(commands)
    commands.append(help_spec)
    return Registry([*features, Feature(commands=[help_spec])], question=lookup.answer_question)


def build_dispatcher(
    registry: Registry[Services], services: Services, **options: Any
) -> Dispatcher:
    """The scheduler's dispatcher, with every feature's senders and planners bound to the
    services they need."""
    senders = {spec.kind: _sender(spec, services, registry.before_each) for spec in registry.jobs}
    planners = {
        getattr(plan, "__qualname__", repr(plan)): partial(plan, services)
        for plan in registry.planners
    }
    return Dispatcher(services.db, services.clock, senders, planners, **options)


def _sender(
    spec: JobSpec[Services],
    services: Services,
    before_each: Sequence[Callable[[Services], object]],
) -> Send:
    async def send(job: DueJob) -> str | None:
        for keep_current in before_each:
            keep_current(services)
        return await spec.handler(job, services)

    return send
