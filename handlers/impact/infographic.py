"""The quarterly REMI implementation infographic: one image the communications lead can
post, with the quarter's network picture (organisations taking part, checked in, moving
up, and at each stage). It publishes the `remi report`'s picture and nothing else, so every
count on it is a band and a count from fewer than 5 organisations is hidden."""

from typing import TYPE_CHECKING

from handlers.network.chart import HIDDEN_LABEL, draw_bands, new_figure, png, svg
from handlers.network.disclosure import HIDDEN
from handlers.network.periods import Period
from handlers.network.remi_picture import NetworkPicture, network_picture
from handlers.services import Services

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

FORMATS = ("png", "svg")
TILE_COLOUR = "#e8f1f5"
INK = "#0b0c0c"


def remi_infographic(services: Services, quarter: Period, fmt: str) -> bytes:
    """The quarter's infographic as PNG or SVG bytes (`fmt` "png" or "svg")."""
    if fmt not in FORMATS:
        raise ValueError(f"an infographic is drawn as {' or '.join(FORMATS)}, not {fmt}")
    with services.db.session() as session:
        picture = network_picture(session, quarter, services.timezone)
    figure = infographic(picture)
    return png(figure) if fmt == "png" else svg(figure)


def tiles(picture: NetworkPicture) -> list[tuple[str, str]]:
    """The headline figures, as (what, band) pairs."""
    return [
        ("organisations taking part", str(picture.taking_part)),
        ("checked in this quarter", str(picture.checked_in)),
        (f"moved up a stage since {picture.period.previous().key}", str(picture.moved_up)),
    ]


def alt_text(picture: NetworkPicture) -> str:
    headline = "; ".join(f"{what}: {count}" for what, count in tiles(picture))
    stages = "; ".join(f"stage {s.number} {s.name}: {n}" for s, n in picture.stages)
    return (
        f"REMI implementation across the network, {picture.period.label}. "
        f"{headline[0].upper()}{headline[1:]}. "
        f"Organisations at each stage: {stages}. Counts are ranges; “{HIDDEN}” hides a "
        "small count."
    )


def infographic(picture: NetworkPicture) -> "Figure":
    figure = new_figure(9, 7.5)
    top, bottom = figure.subfigures(2, 1, height_ratios=(1, 2.2))
    top.suptitle(
        f"REMI implementation across the network\n{picture.period.label}",
        fontsize="x-large",
        fontweight="bold",
        color=INK,
    )
    for axes, (what, count) in zip(top.subplots(1, 3), tiles(picture), strict=True):
        axes.set_axis_off()
        axes.set_facecolor(TILE_COLOUR)
        axes.add_patch(_tile(axes))
        axes.text(0.5, 0.6, count, ha="center", va="center", fontsize=22, fontweight="bold")
        axes.text(0.5, 0.22, what, ha="center", va="center", fontsize=10, wrap=True)
    axes = bottom.subplots()
    draw_bands(axes, [stage.name for stage, _ in picture.stages], [n for _, n in picture.stages])
    axes.set_title("Organisations at each stage of the Race Equity Maturity Index")
    bottom.supxlabel(
        f"Counts are ranges; “{HIDDEN_LABEL}” means {HIDDEN} organisations, so none can be "
        "picked out. London Anti-Racism Collaboration for Health.",
        fontsize="small",
    )
    return figure


def _tile(axes: "Axes") -> "FancyBboxPatch":
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch(
        (0.03, 0.03),
        0.94,
        0.94,
        boxstyle="round,pad=0,rounding_size=0.05",
        transform=axes.transAxes,
        facecolor=TILE_COLOUR,
        edgecolor="none",
    )
