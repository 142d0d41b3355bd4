"""Brokerage: who stands between other organisations on patients' routes.

Two measures, both on a directed organisation network whose edges carry patients a year:

* `brokerage`: weighted betweenness centrality (Freeman 1977; Brandes 2001). A tie's length is
  ``1 / patients``, so a route through heavily used handoffs is short. An organisation's
  brokerage is the number of shortest patient routes between other organisations that pass
  through it (directed: routes follow the direction patients move).
* `brokerage_roles`: Gould & Fernandez (1989) roles. For every open two-path ``a → b → c``
  (``a`` does not hand patients to ``c`` directly), ``b`` brokers; the role depends on the groups
  (sectors or organisation types) of the three: coordinator (all one group), itinerant
  (``a`` and ``c`` share a group, ``b`` is outside it; also called consultant), gatekeeper
  (``b`` shares ``c``'s group, not ``a``'s), representative (``b`` shares ``a``'s group, not
  ``c``'s) and liaison (all three differ).

References
----------
Freeman, L. C. (1977). A set of measures of centrality based on betweenness. *Sociometry* 40(1).
Brandes, U. (2001). A faster algorithm for betweenness centrality. *J. Math. Sociol.* 25(2).
Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage
in transaction networks. *Sociological Methodology* 19, 89–126.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Mapping

import networkx as nx
import pandas as pd

__all__ = ["brokerage", "brokerage_roles", "sole_brokers", "ROLES", "ENGINES", "LENGTH_QUANTUM"]

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")


#: Tie lengths are multiples of this, so that sums of lengths are exact in floating point and
#: every engine sees the same ties between routes (see `brokerage`).
LENGTH_QUANTUM = 2.0 ** -30

ENGINES = ("auto", "igraph", "networkx")


def brokerage(G: nx.DiGraph, weight: str | None = "patients", engine: str = "auto") -> dict:
    """Weighted betweenness of each node, with tie length ``1 / weight``.

    Parameters
    ----------
    G : networkx.DiGraph
        Edges carry ``weight`` (patients a year); edges with no weight count as 1.
    weight : str or None
        The edge attribute; ``None`` counts every tie as length 1.
    engine : {"auto", "igraph", "networkx"}
        Who computes it. ``auto`` uses igraph where it is installed (measured faster at every
        size, 5x at 10 organisations and 37x at 300; see the README) and networkx otherwise.
        Both give the same numbers: lengths are rounded to multiples of `LENGTH_QUANTUM`
        (2⁻³⁰, far below any difference in patients that matters), so sums of lengths are
        exact and two routes tie for both engines or for neither.

    Returns
    -------
    dict
        Node → number of shortest routes between other nodes passing through it (not
        normalised; ordered pairs, as the network is directed).

    Examples
    --------
    A chain: the middle organisation is on the only route from the first to the last.

    >>> G = nx.DiGraph([("ambulance", "hospital", {"patients": 10}),
    ...                 ("hospital", "council", {"patients": 5})])
    >>> brokerage(G)
    {'ambulance': 0.0, 'hospital': 1.0, 'council': 0.0}
    """
    if engine not in ENGINES:
        from ..errors import OptionError

        raise OptionError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    nodes = list(G.nodes)
    edges = list(G.edges(data=True))
    if weight is None:
        lengths = [1.0] * len(edges)
    else:
        lengths = [_quantised(1.0 / d[weight]) if d.get(weight) else 1.0 for _, _, d in edges]
    if engine != "networkx" and (engine == "igraph" or _have_igraph()):
        import igraph

        index = {n: i for i, n in enumerate(nodes)}
        g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v, _ in edges],
                         directed=True)
        values = g.betweenness(directed=True, weights=lengths) if edges else [0.0] * len(nodes)
        return {n: float(v) for n, v in zip(nodes, values)}
    H = nx.DiGraph()
    H.add_nodes_from(nodes)
    H.add_edges_from((u, v, {"_length": length}) for (u, v, _), length in zip(edges, lengths))
    return nx.betweenness_centrality(H, weight="_length", normalized=False)


def _quantised(length: float) -> float:
    return max(round(length / LENGTH_QUANTUM), 1) * LENGTH_QUANTUM


def _have_igraph() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def _two_paths(G: nx.DiGraph):
    """Yield (a, b, c) for every open two-path a → b → c (a ≠ c, no edge a → c)."""
    for b in sorted(G.nodes):
        preds = sorted(G.predecessors(b))
        succs = sorted(G.successors(b))
        for a in preds:
            if a == b:
                continue
            for c in succs:
                if c != a and c != b and not G.has_edge(a, c):
                    yield a, b, c


def _role(ga, gb, gc) -> str:
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if gb == gc:
        return "gatekeeper"
    if ga == gb:
        return "representative"
    return "liaison"


def _role_probabilities(size: Mapping, g, n: int) -> dict:
    """Chance that a random ordered pair (a, c) of the other n − 1 nodes makes each role for a
    broker in group g, when groups are assigned at random with the observed sizes."""
    pairs = (n - 1) * (n - 2)
    if pairs <= 0:
        return {role: 0.0 for role in ROLES}
    ng = size[g]
    same_other = sum(m * (m - 1) for h, m in size.items() if h != g)
    outside = n - ng
    return {
        "coordinator": (ng - 1) * (ng - 2) / pairs,
        "itinerant": same_other / pairs,
        "gatekeeper": outside * (ng - 1) / pairs,
        "representative": (ng - 1) * outside / pairs,
        "liaison": (outside * (outside - 1) - same_other) / pairs,
    }


def brokerage_roles(G: nx.DiGraph, groups: Mapping) -> pd.DataFrame:
    """Gould–Fernandez brokerage roles, observed against expected, for every node.

    Parameters
    ----------
    G : networkx.DiGraph
    groups : mapping
        Node → group (a sector or an organisation type).

    Returns
    -------
    DataFrame
        ``node, role, observed, expected, z``: one row per node and role, sorted by node then
        role. ``expected`` is the count if groups were assigned at random with the same sizes
        (Gould & Fernandez 1989: the broker's open two-paths times the chance of each group
        pattern); ``z = (observed − expected) / sqrt(expected (1 − p))`` treats the broker's
        two-paths as independent, a binomial approximation (the paper's exact variance allows
        for two-paths that share an end). ``z`` is missing where nothing was expected.

    Examples
    --------
    An acute trust between two others of its kind and a council:

    >>> G = nx.DiGraph([("A1", "A2"), ("A2", "LA")])
    >>> roles = brokerage_roles(G, {"A1": "acute", "A2": "acute", "LA": "council"})
    >>> roles.loc[roles["observed"] > 0, ["node", "role", "observed"]].values.tolist()
    [['A2', 'representative', 1]]
    """
    size: dict = defaultdict(int)
    for node in G.nodes:
        size[groups[node]] += 1
    n = G.number_of_nodes()
    observed: dict = defaultdict(int)
    paths: dict = defaultdict(int)
    for a, b, c in _two_paths(G):
        observed[(b, _role(groups[a], groups[b], groups[c]))] += 1
        paths[b] += 1
    rows = []
    for node in sorted(G.nodes):
        probabilities = _role_probabilities(size, groups[node], n)
        for role in ROLES:
            p = probabilities[role]
            expected = paths[node] * p
            var = expected * (1 - p)
            z = (observed[(node, role)] - expected) / math.sqrt(var) if var > 0 else float("nan")
            rows.append((node, role, observed[(node, role)], expected, z))
    return pd.DataFrame(rows, columns=["node", "role", "observed", "expected", "z"])


def sole_brokers(G: nx.DiGraph, groups: Mapping) -> list[tuple]:
    """Group-to-group routes that pass through one broker only.

    Returns ``(broker, from_group, to_group)`` for every ordered pair of different groups where
    patients pass from the first group to the second only through two-paths brokered by one
    organisation, and no organisation of the first group hands patients directly to one of the
    second. Sorted.

    Examples
    --------
    >>> G = nx.DiGraph([("ACUTE", "COUNCIL"), ("COUNCIL", "CARE")])
    >>> sole_brokers(G, {"ACUTE": "acute", "COUNCIL": "council", "CARE": "care home"})
    [('COUNCIL', 'acute', 'care home')]
    """
    brokers: dict = defaultdict(set)
    for a, b, c in _two_paths(G):
        ga, gc = groups[a], groups[c]
        if ga != gc and groups[b] not in (ga, gc):
            brokers[(ga, gc)].add(b)
    direct = {(groups[u], groups[v]) for u, v in G.edges if u != v}
    return sorted((next(iter(bs)), ga, gc) for (ga, gc), bs in brokers.items()
                  if len(bs) == 1 and (ga, gc) not in direct)
