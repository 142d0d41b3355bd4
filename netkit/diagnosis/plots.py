"""Funnel plots of a diagnosis: each place's ratio (observed / expected) against its expected
count, with the Poisson control limits at 95% and 99.8% around 1, drawn with matplotlib's
non-interactive backends. SVG for inline HTML (self-contained: text as paths, no fonts or links
fetched; ids salted so the same data draws the same file) and PNG or SVG files.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from netkit.diagnosis.funnel import LEVELS, funnel_limits
from netkit.diagnosis.measures import MEASURES
from netkit.render.palette import FUNNEL_COLOURS, INK, INK_MUTED, NHS_BLUE

__all__ = ["funnel_figure", "funnel_svg", "save_funnel", "plot_name"]

_RED = FUNNEL_COLOURS["above"]
_GREEN = FUNNEL_COLOURS["below"]


def plot_name(pathway: str, measure: str) -> str:
    """A file name for one funnel: ``frailty-urgent--admissions``, safe on every system."""
    import re

    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{pathway}--{measure}")


def funnel_figure(rows: pd.DataFrame, title: str):
    """A matplotlib figure of one funnel: ``rows`` are one (pathway, measure)'s places, with
    ``expected``, ``ratio``, ``place`` and ``verdict``."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.2), dpi=100)
    ax = fig.add_subplot()
    expected = rows["expected"].to_numpy(float)
    low, high = max(expected.min() * 0.5, 0.5), expected.max() * 1.5
    grid = np.geomspace(low, max(high, low * 4), 120)
    limits = funnel_limits(grid, target=1.0, levels=LEVELS)
    for level, style in zip(("95", "99_8"), ("--", "-")):
        for side in ("lower", "upper"):
            ax.plot(grid, limits[f"{side}_{level}"], style, color=INK_MUTED, linewidth=0.9,
                    label=(f"{level.replace('_', '.')}% limits" if side == "upper" else None))
    ax.axhline(1.0, color=INK, linewidth=0.8)
    verdict = rows["verdict"].astype(str)
    colour = np.where(verdict.str.startswith("above"), _RED,
                      np.where(verdict.str.startswith("below"), _GREEN, NHS_BLUE))
    ax.scatter(expected, rows["ratio"], c=list(colour), s=28, zorder=3)
    for x, y, name, flagged in zip(expected, rows["ratio"], rows["place"],
                                   verdict.str.startswith("above")):
        if flagged:
            ax.annotate(str(name), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("expected at the benchmark (a year)")
    ax.set_ylabel("observed / expected")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    fig.tight_layout()
    return fig


def _title(pathway_name: str, measure: str) -> str:
    return f"{pathway_name}: {MEASURES[measure].label}"


def funnel_svg(rows: pd.DataFrame, pathway_name: str, measure: str) -> str:
    """One funnel as an inline ``<svg>`` element (no XML header)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "netkit", "svg.fonttype": "path"}):
        funnel_figure(rows, _title(pathway_name, measure)).savefig(
            buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def save_funnel(rows: pd.DataFrame, pathway_name: str, measure: str, path: Path) -> Path:
    """Save one funnel as PNG or SVG (by the file's ending), whole."""
    import matplotlib

    from netkit._files import write_atomic

    fmt = path.suffix.lower().lstrip(".")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "netkit", "svg.fonttype": "path"}):
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        funnel_figure(rows, _title(pathway_name, measure)).savefig(buffer, format=fmt,
                                                                   metadata=meta)
    return write_atomic(path, buffer.getvalue())
