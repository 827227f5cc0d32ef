"""The network's REMI picture as a chart: organisations at each stage, all six stages on the
axis. A shown count is a bar up to the bottom of its band, labelled with the band ("5–9");
a hidden count is no bar at all, only the word "hidden" on the axis, so nothing drawn
suggests how many organisations are behind it.

Drawn with matplotlib's Agg canvas on a Figure of its own, never pyplot: no display is
needed, and no global figure state is shared between requests.
"""

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from handlers.network.disclosure import HIDDEN, SMALLEST_SHOWN, Band

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from handlers.network.remi_picture import NetworkPicture

SHOWN_COLOUR = "#2f6f8f"
HIDDEN_COLOUR = "#6b6b6b"
HIDDEN_LABEL = "hidden"


def stage_chart(picture: "NetworkPicture") -> "Figure":
    figure = new_figure(8, 4.5)
    axes = figure.subplots()
    draw_bands(axes, [stage.name for stage, _ in picture.stages], [n for _, n in picture.stages])
    axes.set_title(f"REMI stages across the network, {picture.period.label}")
    figure.supxlabel(
        f"{picture.checked_in} of {picture.taking_part} organisations checked in. Counts are "
        f"ranges; “{HIDDEN_LABEL}” means {HIDDEN} organisations.",
        fontsize="small",
    )
    return figure


def new_figure(width: float, height: float) -> "Figure":
    """A figure on its own Agg canvas."""
    # matplotlib takes about half a second to import: only drawing a chart pays for it, not
    # every start of the bot and its CLI.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def draw_bands(axes: "Axes", names: Sequence[str], counts: Sequence[Band]) -> None:
    """One bar per shown count, up to the bottom of its band and labelled with the band; a
    hidden count only as the word "hidden" on the axis."""
    from matplotlib.ticker import MultipleLocator

    shown = [(x, count) for x, count in enumerate(counts) if not count.is_hidden]
    if shown:
        bars = axes.bar(
            [x for x, _ in shown],
            [count.low for _, count in shown],
            color=SHOWN_COLOUR,
            label="organisations",
        )
        axes.bar_label(bars, labels=[str(count) for _, count in shown], padding=2)
    for x, count in enumerate(counts):
        if count.is_hidden:
            axes.text(x, 0, HIDDEN_LABEL, ha="center", va="bottom", color=HIDDEN_COLOUR)
    axes.set_xticks(range(len(names)), names)
    # Ticks on the band edges only: the axis claims no more precision than the labels.
    axes.yaxis.set_major_locator(MultipleLocator(SMALLEST_SHOWN))
    axes.set_ylim(0, max([SMALLEST_SHOWN, *(count.high for _, count in shown)]) * 1.2)
    axes.set_ylabel("Organisations")
    if shown:
        axes.legend(loc="upper right", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)


def png(figure: "Figure") -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def svg(figure: "Figure") -> bytes:
    """The figure as SVG with its words kept as text (not outlines), so the image stays
    searchable, readable by a screen reader, and checkable for what it publishes."""
    from matplotlib import rc_context

    out = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "larch"}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
