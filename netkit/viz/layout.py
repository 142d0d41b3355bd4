"""Where to draw each node, and how many: a seeded force-directed layout, shared by the
interactive map and its static picture so both show the same arrangement, and the display
budget."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit._views import DISPLAY_BUDGET  # the budget results and maps share

__all__ = ["spring_layout", "DISPLAY_BUDGET"]

#: Above this many nodes, repulsion is estimated from `PIVOTS` nodes drawn each iteration
#: (seeded) rather than computed for every pair: 2,000 nodes laid out in about 0.1 s instead
#: of 1 s.
EXACT_LAYOUT_LIMIT = 800
PIVOTS = 128


# long: a numpydoc docstring with its reference; the body is 20 lines, the kernels are below
def spring_layout(nodes, edges: pd.DataFrame | None = None, weight: str = "patients",
                  seed: int = 0, iterations: int | None = None,
                  gravity: float = 0.6) -> pd.DataFrame:
    """Fruchterman–Reingold positions, vectorised with numpy, seeded.

    Nodes joined by heavier edges (more patients handed off) are pulled closer; every pair
    repels; a weak gravity holds the picture together. Edge weights enter as
    ``log(1 + weight)`` scaled to at most 1, so one very large flow does not collapse the
    picture. The same nodes, edges and seed always give the same positions.

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
        Default 60 (50 above `EXACT_LAYOUT_LIMIT` nodes, where repulsion is sampled).
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
    i, j, w = _edge_weights(pd.Index(ids), edges, weight)
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2), dtype=np.float32)
    if n > EXACT_LAYOUT_LIMIT:
        x, y = _sampled_layout(n, i, j, w, pos, rng, iterations or 50, gravity)
    else:
        x, y = _exact_layout(n, i, j, w, pos, iterations or 60, gravity)
    pos = np.column_stack([x, y])
    pos = pos.astype(float)
    pos -= pos.mean(axis=0)
    span = np.abs(pos).max()
    if span > 0:
        pos /= span
    return pd.DataFrame({"id": ids, "x": pos[:, 0].round(4), "y": pos[:, 1].round(4)})


def _edge_weights(index: pd.Index, edges: pd.DataFrame | None, weight: str):
    """Edges as node positions ``i, j`` in ``index`` and weights ``log(1 + weight)`` scaled to
    at most 1 (float32); edges naming unknown nodes, loops, and all edges when no weight is
    above 0, are left out."""
    i = j = np.zeros(0, dtype=np.int64)
    w = np.zeros(0, dtype=np.float32)
    if edges is not None and len(edges):
        i = index.get_indexer(edges["source"])
        j = index.get_indexer(edges["target"])
        keep = (i >= 0) & (j >= 0) & (i != j)
        w = np.log1p(edges[weight].to_numpy(dtype=float)[keep].clip(min=0))
        i, j = i[keep], j[keep]
        w = (w / w.max()).astype(np.float32) if len(w) and w.max() > 0 else w[:0]
        if not len(w):
            i = j = i[:0]
    return i, j, w


def _exact_layout(n, i, j, w, pos, iterations, gravity):
    """Every pair repels (O(n²) per iteration, dense float32)."""
    adjacency = np.zeros((n, n), dtype=np.float32)
    if len(w):
        np.add.at(adjacency, (i, j), w)
        adjacency = np.maximum(adjacency, adjacency.T)
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
    return x, y


def _sampled_layout(n, i, j, w, pos, rng, iterations, gravity):
    """Repulsion from `PIVOTS` nodes drawn afresh (seeded) each iteration, scaled to all n;
    attraction along the edges only: O((n · pivots + edges) · iterations) instead of O(n²)."""
    # symmetric edge list, each undirected pair once with its largest weight
    a, b = np.minimum(i, j), np.maximum(i, j)
    key = a.astype(np.int64) * n + b
    order = np.lexsort((-w, key))
    first = np.r_[True, key[order][1:] != key[order][:-1]] if len(key) else np.zeros(0, bool)
    a, b, w = a[order][first], b[order][first], w[order][first]
    k = np.float32(1.0 / np.sqrt(n))
    temperature = np.float32(0.1)
    cooling = temperature / (iterations + 1)
    scale = np.float32(n / min(PIVOTS, n))
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    push = np.float32(scale * k * k)
    for _ in range(iterations):
        pivots = rng.choice(n, size=min(PIVOTS, n), replace=False)
        px, py = x[pivots], y[pivots]
        # force[u, p] = push / |u - p|²; the move of u is the sum over pivots of
        # (u - p) · force = u · Σ force - force @ p: two matrix-vector products instead of
        # two more n × pivots products and their sums
        force = np.subtract.outer(x, px)
        force *= force
        dy = np.subtract.outer(y, py)
        dy *= dy
        force += dy
        np.maximum(force, np.float32(1e-4), out=force)
        np.divide(push, force, out=force)
        total = force.sum(axis=1)
        move_x = x * total - force @ px
        move_y = y * total - force @ py
        ex, ey = x[a] - x[b], y[a] - y[b]
        pull = w * np.maximum(np.sqrt(ex * ex + ey * ey), np.float32(0.01)) / k
        move_x -= np.bincount(a, ex * pull, n).astype(np.float32)
        move_x += np.bincount(b, ex * pull, n).astype(np.float32)
        move_y -= np.bincount(a, ey * pull, n).astype(np.float32)
        move_y += np.bincount(b, ey * pull, n).astype(np.float32)
        cx, cy = x - x.mean(), y - y.mean()
        grav = gravity * np.sqrt(cx * cx + cy * cy) / k
        move_x -= cx * grav
        move_y -= cy * grav
        length = np.maximum(np.sqrt(move_x * move_x + move_y * move_y), np.float32(0.01))
        x += move_x * (temperature / length)
        y += move_y * (temperature / length)
        temperature -= cooling
    return x, y
