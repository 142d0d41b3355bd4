"""A `NetworkMap` as a static picture (PNG or SVG) for slide decks: the same seeded layout,
colours, shapes and sizes as the interactive page, in the scheme the map shows first."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from netkit.errors import OptionError
from netkit.render.palette import INK, INK_MUTED, LINE, OUTLINE, SCHEME_TITLES, SHAPES

__all__ = ["plot_map", "save_map_picture", "MAX_LABELS"]

#: Label at most this many nodes (the largest), so the picture stays readable.
MAX_LABELS = 40


def plot_map(network_map, max_labels: int = MAX_LABELS):
    """A matplotlib figure of the map (nodes, handoffs, labels of the largest nodes, legend)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    m = network_map
    nodes = m.nodes
    scheme = m.colour_by
    colour = nodes[f"colour_{scheme}"].where(nodes[f"colour_{scheme}"] != "", nodes["colour_type"])
    fig = Figure(figsize=(11, 8), dpi=100)
    ax = fig.add_subplot()
    # Canvas y grows downwards in the page; flip so the picture matches what people saw there.
    xy = dict(zip(nodes["id"], zip(nodes["x"], -nodes["y"])))
    edges = m.edges
    if len(edges):
        segments = [(xy[s], xy[t]) for s, t in zip(edges["source"], edges["target"])]
        ax.add_collection(LineCollection(
            segments, linewidths=(edges["width"] * 0.5).to_numpy(), colors=LINE,
            alpha=0.5, linestyles=["--" if d else "-" for d in edges["dashed"]], zorder=1))
    area = (nodes["size"] * 0.9) ** 2
    for shape in sorted(set(nodes["shape"])):
        mine = (nodes["shape"] == shape).to_numpy()
        ax.scatter(nodes.loc[mine, "x"], -nodes.loc[mine, "y"], s=area[mine],
                   c=colour[mine].tolist(), marker=SHAPES[shape], edgecolors=OUTLINE,
                   linewidths=np.where(nodes.loc[mine, "tier"] == "core", 1.8, 0.6), zorder=2)
    biggest = nodes.sort_values(["size", "id"], ascending=[False, True]).head(max_labels)
    for row in biggest.itertuples():
        ax.annotate(row.label, (row.x, -row.y), textcoords="offset points",
                    xytext=(0, -(row.size * 0.45 + 7)), ha="center", fontsize=7,
                    color=INK, zorder=3)
    handles = [Line2D([], [], linestyle="", marker=SHAPES[shape], markersize=8,
                      markerfacecolor=c, markeredgecolor=OUTLINE, label=label)
               for label, c, shape in m.legend(scheme)]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                  frameon=False, title=SCHEME_TITLES[scheme], title_fontsize=9)
    ax.set_title(m.title, fontsize=11, loc="left")
    if m.subtitle:
        ax.text(0, -0.04, m.subtitle[0], transform=ax.transAxes, fontsize=8, color=INK_MUTED,
                va="top")
    ax.set_aspect("equal")
    ax.margins(0.08)
    ax.axis("off")
    fig.tight_layout()
    return fig


def save_map_picture(network_map, path: str | Path) -> Path:
    """Save the picture as PNG or SVG, by the file's ending (deterministic: no dates)."""
    import matplotlib

    from netkit._files import write_atomic

    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("png", "svg"):
        raise OptionError(f"cannot save a map picture as {path.name!r}: the file must end in "
                          ".png or .svg")
    fig = plot_map(network_map)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "netkit"}):
        fig.savefig(buffer, format=kind, metadata={"Date": None} if kind == "svg"
                    else {"Software": None})
    return write_atomic(path, buffer.getvalue())
