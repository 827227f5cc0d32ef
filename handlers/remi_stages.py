"""`remi stages`: the six REMI stages in order, so a member can place their organisation."""

from contract.specs import CommandSpec, Feature, Request
from contract.vocabulary import Button, Reply
from handlers.entry_buttons import entry_button
from handlers.services import Services
from knowledge.remi import REMI_URL, STAGES


async def show_stages(request: Request, services: Services) -> Reply:
    lines = [f"{stage.number}. {stage.name}: {stage.meaning}." for stage in STAGES]
    text = "\n".join(
        [
            "The Race Equity Maturity Index (REMI) has six stages, in this order:",
            *lines,
            "",
            "Each organisation assesses itself and writes its own action points.",
            f"Source: Race Equality Foundation for LARCH, {REMI_URL}",
        ]
    )
    buttons = tuple(
        entry_button(entry_id, label)
        for label, entry_id in (("About REMI", "remi"), ("REMI FAQs", "remi-faqs"))
        if services.knowledge.get(entry_id) is not None
    )
    return Reply(
        text,
        title="REMI: the six stages",
        link=Button("Read more", url=REMI_URL),
        buttons=buttons,
    )


COMMANDS: list[CommandSpec[Services]] = [
    CommandSpec(
        name="remi stages",
        summary="The six stages of the Race Equity Maturity Index, in order",
        handler=show_stages,
    ),
]

FEATURE: Feature[Services] = Feature(commands=COMMANDS)
