"""Natural collaboratives: communities of organisations that exchange most of their patients.

The patient-flow network between organisations (patients handed from a service of one to a
service of another, both directions added) is split into communities by the Leiden algorithm
(modularity, weighted by patients, through igraph, seeded). Each community's internal share is
the part of the transfers touching its members that stays between them. They are evidence of
where integration already happens, not a form to adopt.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

__all__ = ["natural_collaboratives"]


def natural_collaboratives(org_flows: pd.DataFrame, seed: int = 0,
                           resolution: float = 1.0) -> pd.DataFrame:
    """Communities of organisations on the patient-flow network, largest first.

    Parameters
    ----------
    org_flows : DataFrame
        ``source, target, patients`` between organisations (`netkit.model.activity.
        organisation_flows`); rows within one organisation are ignored.
    seed : int
        Seed for Leiden's random moves (the same seed gives the same communities).
    resolution : float
        Leiden's resolution (higher: smaller communities).

    Returns
    -------
    DataFrame
        One row a community of two or more organisations: ``members`` (sorted ids, a tuple),
        ``size``, ``internal`` (patients a year moving between members), ``touching`` (moving
        between a member and anyone), ``internal_share`` (internal / touching).

    Examples
    --------
    Two pairs that exchange their patients, with a thin tie between them:

    >>> flows = pd.DataFrame({"source": ["A", "B", "C", "D", "B"],
    ...                       "target": ["B", "A", "D", "C", "C"],
    ...                       "patients": [100.0, 80, 90, 70, 5]})
    >>> found = natural_collaboratives(flows)
    >>> found[["members", "internal_share"]].round(3).values.tolist()
    [[('A', 'B'), 0.973], [('C', 'D'), 0.97]]
    """
    import igraph as ig

    ties = org_flows[org_flows["source"] != org_flows["target"]]
    ties = ties[ties["patients"] > 0]
    empty = pd.DataFrame({"members": [], "size": [], "internal": [], "touching": [],
                          "internal_share": []})
    if ties.empty:
        return empty
    codes, names = pd.factorize(pd.concat([ties["source"], ties["target"]]), sort=True)
    n = len(ties)
    a, b = codes[:n], codes[n:]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo.astype(np.int64) * len(names) + hi
    pairs, where = np.unique(key, return_inverse=True)
    weight = np.bincount(where, ties["patients"].to_numpy(dtype=float))
    graph = ig.Graph(n=len(names), edges=list(zip(pairs // len(names), pairs % len(names))))
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = graph.community_leiden(objective_function="modularity", weights=weight.tolist(),
                                       resolution=resolution, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    member = np.asarray(parts.membership)
    return _shares(member, pairs // len(names), pairs % len(names), weight,
                   np.asarray(names, dtype=object))


def _shares(member, u, v, weight, names) -> pd.DataFrame:
    """Each community's members and the share of the transfers touching it that stay inside."""
    k = member.max() + 1
    inside = member[u] == member[v]
    internal = np.bincount(member[u][inside], weight[inside], k)
    touching = (np.bincount(member[u], weight, k) + np.bincount(member[v], weight, k)
                - internal)
    size = np.bincount(member, minlength=k)
    rows = pd.DataFrame({"community": np.arange(k), "size": size, "internal": internal,
                         "touching": touching})
    rows["members"] = [tuple(sorted(names[member == c])) for c in range(k)]
    rows = rows[rows["size"] >= 2]
    rows["internal_share"] = np.where(rows["touching"] > 0,
                                      rows["internal"] / rows["touching"].where(
                                          rows["touching"] > 0, 1), 0.0)
    rows = rows.assign(first=[m[0] for m in rows["members"]])
    rows = rows.sort_values(["size", "internal", "first"], ascending=[False, False, True],
                            kind="stable")
    return rows[["members", "size", "internal", "touching", "internal_share"]].reset_index(
        drop=True)
