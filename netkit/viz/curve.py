"""The benefit/cost curve as a picture: people look for an elbow rather than read one."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from netkit.render.palette import CURVE_COLOURS

__all__ = ["plot_curve", "curve_svg", "save_curve"]


def plot_curve(curve: pd.DataFrame, title: str = "", max_points: int = 60):
    """A matplotlib figure of benefit, cost and net against the number of partners, with the
    chosen set size marked.

    Parameters
    ----------
    curve : DataFrame
        As `netkit.partners.selection.Selection.curve` (``size, benefit, cost, net, core``).
    title : str
    max_points : int
        Draw at most this many set sizes (the curve past the stop is long and flat).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    shown = curve.head(max_points)
    chosen = int(curve.loc[curve["core"], "size"].max())
    fig = Figure(figsize=(7, 3.6), dpi=100)
    ax = fig.add_subplot()
    for column in ("benefit", "cost", "net"):
        ax.plot(shown["size"], shown[column], marker="o", markersize=3, label=column,
                color=CURVE_COLOURS[column])
    ax.axvline(chosen, color=CURVE_COLOURS["stop"], linestyle="--", linewidth=1)
    ax.annotate(f"{chosen} partners", (chosen, float(shown["benefit"].max())),
                textcoords="offset points", xytext=(4, -12), fontsize=8, color=CURVE_COLOURS["stop"])
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
