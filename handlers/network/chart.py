"""The network's REMI picture as a chart: organisations at each stage, all six stages on the
axis, and a hatched bar where a count is hidden because fewer than 5 organisations are
behind it.

Drawn with matplotlib's Agg canvas on a Figure of its own, never pyplot: no display is
needed, and no global figure state is shared between requests.
"""

import io
from typing import TYPE_CHECKING

from handlers.network.disclosure import HIDDEN, SMALLEST_SHOWN, say

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from handlers.network.remi_picture import NetworkPicture

SHOWN_COLOUR = "#2f6f8f"
HIDDEN_COLOUR = "#b8b8b8"


def stage_chart(picture: "NetworkPicture") -> "Figure":
    # matplotlib takes about half a second to import: only drawing a chart pays for it, not
    # every start of the bot and its CLI.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    positions = range(len(picture.stages))
    shown = [(x, count) for x, (_, count) in enumerate(picture.stages) if count is not None]
    hidden = [x for x, (_, count) in enumerate(picture.stages) if count is None]
    if shown:
        bars = axes.bar(
            [x for x, _ in shown],
            [count for _, count in shown],
            color=SHOWN_COLOUR,
            label="organisations",
        )
        axes.bar_label(bars, labels=[str(count) for _, count in shown], padding=2)
    if hidden:
        # As tall as the threshold: the true count is somewhere below the top of this bar.
        bars = axes.bar(
            hidden,
            [SMALLEST_SHOWN] * len(hidden),
            color="none",
            edgecolor=HIDDEN_COLOUR,
            hatch="//",
            linestyle="--",
            label=f"{HIDDEN} (hidden)",
        )
        axes.bar_label(bars, labels=[f"<{SMALLEST_SHOWN}"] * len(hidden), padding=2)
    axes.set_xticks(list(positions), [stage.name for stage, _ in picture.stages])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max([SMALLEST_SHOWN, *(count for _, count in shown)]) * 1.2)
    axes.set_ylabel("Organisations")
    axes.set_title(f"REMI stages across the network, {picture.period.label}")
    axes.legend(loc="upper right", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.supxlabel(
        f"{say(picture.checked_in)} of {say(picture.taking_part)} organisations checked in. "
        f"Counts from fewer than {SMALLEST_SHOWN} organisations are hidden.",
        fontsize="small",
    )
    return figure


def png(figure: "Figure") -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
