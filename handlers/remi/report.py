"""`remi report`: the network's REMI picture (see `handlers/network/remi_picture.py`) as
text and a chart, and `larch-bot remi export` as CSV."""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from contract.params import Choice
from contract.specs import CommandSpec, ExportSpec, Request
from contract.vocabulary import Attachment, Reply, Role
from handlers.network.chart import png, stage_chart
from handlers.network.disclosure import HIDDEN, SMALLEST_SHOWN, Band, band
from handlers.network.needs import Need
from handlers.network.periods import PeriodArgument, current_period
from handlers.network.remi_picture import NetworkPicture, network_picture, picture_rows
from handlers.services import Services


def as_csv(picture: NetworkPicture) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "measure", "category", "value"])
    for measure, category, count in picture_rows(picture):
        writer.writerow([picture.period.key, measure, category, count.in_files])
    return out.getvalue()


def as_text(picture: NetworkPicture) -> str:
    lines = [
        f"REMI check-ins across the network, {picture.period.label}",
        f"Organisations taking part: {picture.taking_part}",
        f"Checked in: {picture.checked_in} of {picture.taking_part}",
        "Organisations at each stage:",
        *(f"• {s.number} {s.name}: {n}" for s, n in picture.stages),
        f"Since {picture.period.previous().label}, of {picture.compared} organisations "
        "that checked in both times:",
        f"• moved up: {picture.moved_up}",
        f"• same stage: {picture.stayed}",
        f"• moved down: {picture.moved_down}",
        f"Most requested support: {_most_requested(picture.support)}",
        f"Counts are shown as ranges such as “{band(SMALLEST_SHOWN)}”, and a count from fewer "
        f"than {SMALLEST_SHOWN} organisations as “{HIDDEN}”, so no organisation can be picked "
        "out, not even by setting figures side by side.",
    ]
    return "\n".join(lines)


def _most_requested(support: Sequence[tuple[Need, Band]]) -> str:
    named = [f"{need.label} ({count})" for need, count in support if not count.is_hidden]
    if not named:
        return f"each kind was asked for by {HIDDEN} organisations."
    return ", ".join(named) + f"; any other kind by {HIDDEN}."


PERIOD = PeriodArgument("period", "A quarter like 2026Q3 or a month like 2026-11")


async def show_report(request: Request, services: Services) -> Reply:
    period = request.optional(PERIOD) or current_period(
        "quarterly", services.clock.now(), services.timezone
    )
    with services.db.session() as session:
        picture = network_picture(session, period, services.timezone)
    return Reply(
        as_text(picture),
        title=f"REMI: the network, {period.key}",
        attachments=(Attachment(f"remi-{period.key}.png", png(stage_chart(picture)), "image/png"),),
    )


COMMANDS = [
    CommandSpec(
        name="remi report",
        summary="The network's REMI picture, with a chart (admins and steering group)",
        handler=show_report,
        params=(replace(PERIOD, required=False),),
        role=Role.STEERING,
        examples=("remi report", "remi report 2026Q3"),
    ),
]


FORMAT = Choice("format", "The file format", required=False, choices=("csv",))


def export_picture(services: Services, values: Mapping[str, Any]) -> list[str]:
    """`larch-bot remi export --period 2026Q4`: the picture as CSV, each count as its band
    (5-9, 10-14, …; <5 below 5) and no organisation named."""
    with services.db.session() as session:
        picture = network_picture(session, values[PERIOD.name], services.timezone)
    return [as_csv(picture).rstrip("\n")]


EXPORTS = [
    ExportSpec(
        "remi",
        "export",
        "Print the network's REMI picture for a period as CSV (counts as ranges, under 5 hidden)",
        export_picture,
        params=(PERIOD, FORMAT),
    )
]
