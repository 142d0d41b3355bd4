"""Where to draw each node, and how many: a seeded force-directed layout, shared by the
interactive map and its static picture so both show the same arrangement, and the display
budget."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["spring_layout", "DISPLAY_BUDGET"]

#: Maps draw at most this many nodes by default (those with most activity) and say what they
#: left out: a browser stays responsive at this size (see the README's figures).
DISPLAY_BUDGET = 2000


def spring_layout(nodes, edges: pd.DataFrame | None = None, weight: str = "patients",
                  seed: int = 0, iterations: int | None = None,
                  gravity: float = 0.6) -> pd.DataFrame:
    """Fruchterman–Reingold positions, vectorised with numpy, seeded.

    Nodes joined by heavier edges (more patients handed off) are pulled closer; every pair
    repels; a weak gravity holds the picture together. Edge weights enter as ``log(1 + weight)`` scaled to at most 1, so one very large
    flow does not collapse the picture. The same nodes, edges and seed always give the same
    positions.

    Parameters
    ----------
    nodes : sequence of str
        Node ids, in the order positions are returned.
    edges : DataFrame, optional
        ``source, target`` and the ``weight`` column; direction is ignored and edges naming
        unknown nodes are left out.
    weight : str
        The edge column that pulls nodes together.
    seed : int
        Seed for the starting positions.
    iterations : int, optional
        Default 60, fewer for large maps (30 from 1,000 nodes).
    gravity : float
        Pull towards the centre, as a share of the pull of the strongest edge; keeps nodes
        without handoffs (commissioners, say) and small islands in view.

    Returns
    -------
    DataFrame
        ``id, x, y``, with x and y in [-1, 1].

    References
    ----------
    Fruchterman, T. M. J. and Reingold, E. M. (1991). Graph drawing by force-directed
    placement. *Software: Practice and Experience* 21(11), 1129–1164.

    Examples
    --------
    >>> edges = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"],
    ...                       "patients": [100.0, 10.0]})
    >>> pos = spring_layout(["a", "b", "c"], edges, seed=1)
    >>> pos.equals(spring_layout(["a", "b", "c"], edges, seed=1))
    True
    >>> bool(pos[["x", "y"]].abs().max().max() <= 1.0)
    True
    """
    ids = list(nodes)
    n = len(ids)
    if n == 0:
        return pd.DataFrame({"id": pd.Series([], dtype=object), "x": [], "y": []})
    if n == 1:
        return pd.DataFrame({"id": ids, "x": [0.0], "y": [0.0]})
    index = pd.Index(ids)
    adjacency = np.zeros((n, n), dtype=np.float32)
    if edges is not None and len(edges):
        i = index.get_indexer(edges["source"])
        j = index.get_indexer(edges["target"])
        keep = (i >= 0) & (j >= 0) & (i != j)
        w = np.log1p(edges[weight].to_numpy(dtype=float)[keep].clip(min=0))
        if len(w) and w.max() > 0:
            w = (w / w.max()).astype(np.float32)
            np.add.at(adjacency, (i[keep], j[keep]), w)
            adjacency = np.maximum(adjacency, adjacency.T)
    if iterations is None:
        iterations = 60 if n < 1000 else 30
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2), dtype=np.float32)
    k = np.float32(1.0 / np.sqrt(n))
    temperature = np.float32(0.1)
    cooling = temperature / (iterations + 1)
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        distance = np.sqrt(dx * dx + dy * dy)
        np.maximum(distance, 0.01, out=distance)
        force = k * k / (distance * distance)
        force -= adjacency * distance / k
        move_x = (dx * force).sum(axis=1)
        move_y = (dy * force).sum(axis=1)
        # Gravity towards the centre keeps nodes without handoffs (commissioners, say) close.
        cx, cy = x - x.mean(), y - y.mean()
        pull = gravity * np.sqrt(cx * cx + cy * cy) / k
        move_x -= cx * pull
        move_y -= cy * pull
        length = np.maximum(np.sqrt(move_x * move_x + move_y * move_y), 0.01)
        x += move_x * (temperature / length)
        y += move_y * (temperature / length)
        temperature -= cooling
    pos = np.column_stack([x, y])
    pos = pos.astype(float)
    pos -= pos.mean(axis=0)
    span = np.abs(pos).max()
    if span > 0:
        pos /= span
    return pd.DataFrame({"id": ids, "x": pos[:, 0].round(4), "y": pos[:, 1].round(4)})
