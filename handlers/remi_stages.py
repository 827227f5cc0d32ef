"""`remi stages`: the six REMI stages in order, so a member can place their organisation."""

from handlers.registry import CommandSpec, Request
from handlers.services import Services
from handlers.vocabulary import Button, Reply
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
        Button(label, action_id="lookup.show", value=entry_id)
        for label, entry_id in (("About REMI", "remi"), ("REMI FAQs", "remi-faqs"))
        if services.knowledge.get(entry_id) is not None
    )
    return Reply(
        text,
        title="REMI: the six stages",
        link=Button("Read more", url=REMI_URL),
        buttons=buttons,
    )


COMMANDS = [
    CommandSpec(
        name="remi stages",
        summary="The six stages of the Race Equity Maturity Index, in order",
        usage="remi stages",
        handler=show_stages,
    ),
]
