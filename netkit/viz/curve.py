"""The benefit/cost curve as a picture: people look for an elbow rather than read one."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from netkit.render.palette import CURVE_COLOURS

__all__ = ["plot_curve", "curve_svg", "save_curve"]


def plot_curve(curve: pd.DataFrame, title: str = "", max_points: int = 60):
    """A matplotlib figure of benefit, the seats' cost and the net of them against the number
    of partners, with the chosen set size marked and the new working relationships it needs.

    The net drawn is what the rule that picks the core weighs: the benefit less the seats' cost
    (``net_of_seats``), which rises with every partner that earns its seat up to the stop (see
    `netkit.partners.selection`). A curve without those columns (made before they were added)
    is drawn with its ``cost`` and ``net``.

    Parameters
    ----------
    curve : DataFrame
        As `netkit.partners.selection.Selection.curve` (``size, benefit, seat_cost,
        net_of_seats, new_relationships, core``).
    title : str
    max_points : int
        Draw at most this many set sizes (the curve past the stop is long and flat).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    shown = curve.head(max_points)
    chosen = int(curve.loc[curve["core"], "size"].max())
    seats = "seat_cost" in curve and "net_of_seats" in curve
    lines = (("benefit", "benefit", "benefit"),
             ("cost", "seat_cost" if seats else "cost", "seats' cost" if seats else "cost"),
             ("net", "net_of_seats" if seats else "net",
              "net (benefit less seats' cost)" if seats else "net"))
    fig = Figure(figsize=(7, 3.6), dpi=100)
    ax = fig.add_subplot()
    for colour, column, label in lines:
        ax.plot(shown["size"], shown[column], marker="o", markersize=3, label=label,
                color=CURVE_COLOURS[colour])
    ax.axvline(chosen, color=CURVE_COLOURS["stop"], linestyle="--", linewidth=1)
    marker = f"{chosen} partners"
    if "new_relationships" in curve:
        n = int(curve.loc[curve["size"] == chosen, "new_relationships"].iloc[0])
        marker += f", {n} new working relationship{'s' if n != 1 else ''}"
    right_half = chosen > float(shown["size"].max()) / 2  # the words go on the open side
    ax.annotate(marker, (chosen, 0.03), xycoords=("data", "axes fraction"),  # under the lines
                textcoords="offset points", xytext=(-4 if right_half else 4, 0),
                ha="right" if right_half else "left", va="bottom", fontsize=8,
                color=CURVE_COLOURS["stop"])
    ax.set_xlabel("number of partners")
    ax.set_ylabel("share of the weighted total")
    if title:
        ax.set_title(title, fontsize=10)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="center right", fontsize=8, frameon=True, framealpha=0.9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def curve_svg(curve: pd.DataFrame, title: str = "") -> str:
    """The curve as an inline SVG string (deterministic: no date, fixed ids)."""
    import matplotlib

    fig = plot_curve(curve, title)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "netkit", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def save_curve(curve: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Save the curve as PNG or SVG (by the file's ending)."""
    import matplotlib

    path = Path(path)
    fig = plot_curve(curve, title)
    with matplotlib.rc_context({"svg.hashsalt": "netkit"}):
        if path.suffix.lower() == ".svg":
            fig.savefig(path, format="svg", metadata={"Date": None})
        else:
            fig.savefig(path, format="png", metadata={"Software": None})
    return path
