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
Brandes, U. & Pich, C. (2007). Centrality estimation in large networks. *Int. J. Bifurcation
and Chaos* 17(7), 2303–2318.
Freeman, L. C. (1977). A set of measures of centrality based on betweenness. *Sociometry* 40(1).
Brandes, U. (2001). A faster algorithm for betweenness centrality. *J. Math. Sociol.* 25(2).
Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage
in transaction networks. *Sociological Methodology* 19, 89–126.
"""

from __future__ import annotations

import numbers
from typing import Mapping

import networkx as nx
import numpy as np
import pandas as pd

from netkit._gc import gc_paused

__all__ = ["brokerage", "weighted_betweenness", "brokerage_roles", "sole_brokers",
           "roles_and_sole_brokers", "ROLES", "NULLS", "MIN_EXPECTED", "ENGINES",
           "LENGTH_QUANTUM", "NETWORKX_UP_TO"]

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")


#: Tie lengths are multiples of this, so that sums of lengths are exact in floating point and
#: every engine sees the same ties between routes (see `brokerage`).
LENGTH_QUANTUM = 2.0 ** -30

ENGINES = ("auto", "igraph", "networkx")

#: ``auto`` leaves a network to networkx up to this many nodes × ties (about a tenth of a
#: second there), and gives larger ones to igraph: importing igraph takes half a second or more,
#: because it imports matplotlib's pyplot (python-igraph issue #762), which is more than
#: networkx takes on any network below this size.
NETWORKX_UP_TO = 100_000


def brokerage(G: nx.DiGraph, weight: str | None = "patients", engine: str = "auto",
              sources: int | None = None, seed: int = 0) -> dict:
    """Weighted betweenness of each node, with tie length ``1 / weight``.

    Parameters
    ----------
    G : networkx.DiGraph
        Edges carry ``weight`` (patients a year); edges with no weight count as 1.
    weight : str or None
        The edge attribute; ``None`` counts every tie as length 1.
    engine : {"auto", "igraph", "networkx"}
        Who computes it. ``auto`` uses networkx on small networks (nodes × ties up to
        `NETWORKX_UP_TO`, where it takes under a tenth of a second and igraph's import alone
        takes longer) and igraph on larger ones where it is installed (37x faster at 300
        organisations, 30x at 2,000; see the README). Both give the same figures to within
        the last digits (about 1e-13: they add up routes in different orders): lengths are
        rounded to multiples of `LENGTH_QUANTUM` (2⁻³⁰, far below any difference in patients
        that matters), so sums of lengths are exact and two routes tie for both engines or for
        neither, and parallel ties (a multigraph's) count as one tie carrying all their
        patients for both.
    sources : int, optional
        Estimate from this many source organisations drawn at random (seeded), scaled by
        ``n / sources`` (Brandes & Pich 2007), when the network has more nodes than that;
        exact otherwise. Used for national scopes, where exact betweenness is O(n m).
    seed : int
        Seed for drawing the sources.

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
    nodes = list(G.nodes)
    with gc_paused():  # many small tuples (see netkit._gc)
        edges = list(G.edges(data=weight, default=None)) if weight is not None else [
            (u, v, None) for u, v in G.edges]
        ends_from, ends_to, weights = (list(column) for column in zip(*edges)) if edges else (
            [], [], [])
    weights = [w if isinstance(w, numbers.Real) and w == w and w > 0 else 0.0 for w in weights]
    if G.is_multigraph():  # parallel ties: one tie carrying all their patients
        ends_from, ends_to, weights = _one_tie_per_pair(ends_from, ends_to, weights)
    return weighted_betweenness(nodes, ends_from, ends_to, weights, engine=engine,
                                sources=sources, seed=seed)


def weighted_betweenness(nodes, ends_from, ends_to, weights, *, engine: str = "auto",
                         sources: int | None = None, seed: int = 0) -> dict:
    """`brokerage` from edge lists rather than a graph: ``nodes``, and for each edge its two
    ends and its weight (patients; 0 or missing counts as length 1), each pair of ends once
    (`brokerage` adds up a multigraph's parallel ties; the engines would treat repeated pairs
    differently). What `brokerage` and netkit's criteria call.

    Examples
    --------
    >>> weighted_betweenness(["a", "b", "c"], ["a", "b"], ["b", "c"], [10, 5])
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    if engine not in ENGINES:
        from netkit.errors import OptionError

        raise OptionError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    nodes = list(nodes)
    values = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    with np.errstate(divide="ignore"):
        lengths = np.where(values > 0, np.maximum(np.round(1.0 / np.where(values > 0, values, 1)
                                                           / LENGTH_QUANTUM), 1)
                           * LENGTH_QUANTUM, 1.0)
    chosen, scale = None, 1.0
    if sources is not None and 0 < sources < len(nodes):
        order = sorted(range(len(nodes)), key=lambda i: str(nodes[i]))
        pick = np.random.default_rng(seed).choice(len(nodes), size=sources, replace=False)
        chosen = sorted(order[i] for i in pick)
        scale = len(nodes) / sources
    if engine == "igraph" or (engine == "auto" and len(nodes) * len(lengths) > NETWORKX_UP_TO
                              and _have_igraph()):
        import igraph

        if not len(lengths):
            return {n: 0.0 for n in nodes}
        index = pd.Index(nodes, dtype=object)
        pairs = np.column_stack([index.get_indexer(pd.Index(list(ends_from), dtype=object)),
                                 index.get_indexer(pd.Index(list(ends_to), dtype=object))])
        # Plain lists (igraph converts numpy arrays element by element, several times slower),
        # made with the garbage collector paused (see netkit._gc).
        with gc_paused():
            edge_list, length_list = pairs.tolist(), lengths.tolist()
        g = igraph.Graph(n=len(nodes), edges=edge_list, directed=True)
        values = g.betweenness(directed=True, weights=length_list, sources=chosen)
        return {n: float(v) * scale for n, v in zip(nodes, values)}
    H = nx.DiGraph()
    H.add_nodes_from(nodes)
    H.add_edges_from((u, v, {"_length": length})
                     for u, v, length in zip(ends_from, ends_to, lengths.tolist()))
    if chosen is None:
        return nx.betweenness_centrality(H, weight="_length", normalized=False)
    values = nx.betweenness_centrality_subset(H, [nodes[i] for i in chosen], nodes,
                                              weight="_length", normalized=False)
    return {n: float(values[n]) * scale for n in nodes}


def _one_tie_per_pair(ends_from: list, ends_to: list, weights: list
                      ) -> tuple[list, list, list]:
    """A multigraph's parallel ties as one tie carrying all their patients, so that both
    engines see the same network (networkx would keep the last, igraph each)."""
    total: dict = {}
    for pair, weight in zip(zip(ends_from, ends_to), weights):
        total[pair] = total.get(pair, 0.0) + weight
    return [a for a, _ in total], [b for _, b in total], list(total.values())


def _have_igraph() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def _two_paths(G: nx.DiGraph):
    """Yield (a, b, c) for every open two-path a → b → c (a ≠ c, no edge a → c): the plain
    reference that `_open_two_paths` is tested against."""
    for b in sorted(G.nodes):
        preds = sorted(G.predecessors(b))
        succs = sorted(G.successors(b))
        for a in preds:
            if a == b:
                continue
            for c in succs:
                if c != a and c != b and not G.has_edge(a, c):
                    yield a, b, c


#: Two-paths enumerated per block, to bound memory (about 40 bytes each).
TWO_PATH_BLOCK = 2_000_000


def _open_two_paths(G: nx.DiGraph, groups: Mapping):
    """Every open two-path as integer arrays, in blocks: yields ``(a, b, c, ga, gb, gc)`` with
    node and group codes, after a first yield of the sorted node list, the group names, each
    node's group code and the sorted edge keys ``source * n + target`` (self-loops left out).

    Vectorised: the in-edges of each broker are repeated once per out-edge, then two-paths
    that close (``a → c`` is an edge) or return (``a == c``) are masked out with one sorted
    search over the edge keys. Work and memory are linear in the number of two-paths, taken
    ``TWO_PATH_BLOCK`` at a time.
    """
    nodes = sorted(G.nodes)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    names = sorted({groups[v] for v in nodes}, key=str)
    gindex = {g: i for i, g in enumerate(names)}
    group = np.array([gindex[groups[v]] for v in nodes], dtype=np.int64)
    pairs = np.array([(index[u], index[v]) for u, v in G.edges if u != v],
                     dtype=np.int64).reshape(-1, 2)
    keys = np.unique(pairs[:, 0] * n + pairs[:, 1])
    yield nodes, names, group, keys
    if not len(pairs):
        return
    src, dst = keys // n, keys % n  # sorted by source: the out-edges of each node together
    out_count = np.bincount(src, minlength=n)
    out_start = np.concatenate([[0], np.cumsum(out_count)[:-1]])
    by_target = np.argsort(dst, kind="stable")
    in_a, in_b = src[by_target], dst[by_target]
    reps = out_count[in_b]
    ends = np.cumsum(reps)
    first = 0
    while first < len(in_a):
        last = int(np.searchsorted(ends, (ends[first - 1] if first else 0) + TWO_PATH_BLOCK,
                                   side="right"))
        last = max(last, first + 1)
        rep = reps[first:last]
        total = int(rep.sum())
        if total:
            a = np.repeat(in_a[first:last], rep)
            b = np.repeat(in_b[first:last], rep)
            offset = np.arange(total) - np.repeat(np.cumsum(rep) - rep, rep)
            c = dst[np.repeat(out_start[in_b[first:last]], rep) + offset]
            key = a * n + c
            pos = np.searchsorted(keys, key).clip(0, len(keys) - 1)
            keep = (a != c) & (keys[pos] != key)
            a, b, c = a[keep], b[keep], c[keep]
            yield a, b, c, group[a], group[b], group[c]
        first = last


def _has_edge(keys: np.ndarray, key: np.ndarray, n: int) -> np.ndarray:
    """Whether each ``source * n + target`` in ``key`` is one of the sorted edge ``keys``."""
    if not len(keys):
        return np.zeros(len(key), dtype=bool)
    pos = np.searchsorted(keys, key).clip(0, len(keys) - 1)
    return keys[pos] == key


def _shared_ends(starts: list, ends: list, n: int):
    """From per-block ``(broker * n + node, two-paths)`` counts of two-paths starting and
    ending at each node: per broker, the ordered pairs of its two-paths with the same start
    (``Σ k (k − 1)``), with the same end, and where one ends where the other starts
    (``Σ_x ends(x) starts(x)``)."""
    def total(parts):
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        key = np.concatenate([k for k, _ in parts])
        count = np.concatenate([c for _, c in parts])
        key, inverse = np.unique(key, return_inverse=True)
        return key, np.bincount(inverse, weights=count, minlength=len(key)).astype(np.int64)

    start_key, start_count = total(starts)
    end_key, end_count = total(ends)
    same_start = np.bincount(start_key // n, weights=start_count * (start_count - 1),
                             minlength=n)
    same_end = np.bincount(end_key // n, weights=end_count * (end_count - 1), minlength=n)
    common, i, j = np.intersect1d(start_key, end_key, assume_unique=True, return_indices=True)
    chained = np.bincount(common // n, weights=start_count[i] * end_count[j], minlength=n)
    return same_start, same_end, chained


def _role_codes(ga, gb, gc):
    """Index into `ROLES` for each two-path's group pattern."""
    return np.select([(ga == gb) & (gb == gc), ga == gc, gb == gc, ga == gb], [0, 1, 2, 3], 4)


def _sna_moments(size: Mapping, n: int, ties: int) -> dict:
    """Gould & Fernandez's expectation and variance of each role count for a broker of each
    group, in a random directed graph of ``n`` nodes and density ``ties / (n (n − 1))`` with
    the group sizes fixed; the formulas of R's ``sna::brokerage`` (Butts), term for term.

    Returns group → (expected, variance), two arrays in `ROLES` order.
    """
    if n < 2:
        return {g: (np.zeros(len(ROLES)), np.zeros(len(ROLES))) for g in size}
    N = float(n)
    d = ties / (N * (N - 1))
    q = d * d * (1 - d)                  # chance that a → b → c is an open two-path
    r = d ** 3 * (1 - d) ** 3            # two open two-paths through b sharing one end

    def pairs(x):                        # choose(x, 2), for x ≥ 0
        return x * (x - 1) / 2

    out = {}
    for g, ng in size.items():
        ng = float(ng)
        others = np.array([float(m) for h, m in size.items() if h != g])
        coordinator = q * (ng - 1) * (ng - 2)
        itinerant = q * float(np.sum(others * (others - 1)))
        brokered = q * (N - ng) * (ng - 1)          # representative and gatekeeper alike
        liaison = q * (float(np.sum(others)) ** 2 - float(np.sum(others ** 2)))
        expected = np.array([coordinator, itinerant, brokered, brokered, liaison])
        extra = np.array([
            2 * (ng - 1) * (ng - 2) * (ng - 3),
            2 * float(np.sum(others * (others - 1) * (others - 2))),
            2 * ((ng - 1) * pairs(N - ng) + (N - ng) * pairs(ng - 1)),
            2 * ((ng - 1) * pairs(N - ng) + (N - ng) * pairs(ng - 1)),
            4 * float(np.sum(others * pairs(N - others - ng))),
        ]) * r
        out[g] = (expected, expected * (1 - q) + extra)
    return out


def _role_matrices(k: int, g: int) -> np.ndarray:
    """For a broker in group ``g`` of ``k``: ``F[r, h_a, h_c]`` is 1 where a two-path from group
    ``h_a`` to group ``h_c`` puts the broker in role ``ROLES[r]``."""
    ha, hc = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    return np.stack([(ha == g) & (hc == g), (ha == hc) & (ha != g), (ha != g) & (hc == g),
                     (ha == g) & (hc != g), (ha != hc) & (ha != g) & (hc != g)]).astype(float)


def _pattern_moments(others: np.ndarray, g: int) -> np.ndarray:
    """Under a random relabelling of the broker's ``M`` other nodes (``others[h]`` of group h),
    the chance of each role on one two-path ``(x, y)`` and the joint chances for two
    two-paths that share nodes, by how they share them: rows ``one (x,y)``,
    ``reversed (x,y)(y,x)``, ``same start (x,y)(x,z)``, ``same end (x,z)(y,z)``,
    ``chain (x,y)(y,z)``, ``disjoint (x,y)(z,w)``; one column per role.

    Labels of distinct nodes are drawn without replacement: the weight of labels
    ``h1, h2, …`` is ``s[h1] (s[h2] − [h2 = h1]) (s[h3] − [h3 = h1] − [h3 = h2]) …``, divided by
    ``M (M − 1) …``. Work is O(k⁴) and memory O(k³) for k groups.
    """
    k = len(others)
    F = _role_matrices(k, g)
    s = others.astype(float)
    eye = np.eye(k)
    M = float(s.sum())
    w2 = s[:, None] * (s[None, :] - eye)
    w3 = w2[:, :, None] * (s[None, None, :] - eye[:, None, :] - eye[None, :, :])
    fourth = s[None, None, :] - eye[:, None, :] - eye[None, :, :]   # less the 2nd and 3rd

    def disjoint():  # one first label at a time, so memory is k³
        return sum(np.einsum("rb,rcd,bcd->r", F[:, a], F,
                             w3[a][:, :, None] * (fourth - eye[a][None, None, :]))
                   for a in range(k))

    def falling(j):
        return float(np.prod([M - i for i in range(j)]))

    def share(total, j):
        f = falling(j)
        return total / f if f > 0 else np.zeros(len(ROLES))

    return np.array([
        share(np.einsum("rab,ab->r", F, w2), 2),
        share(np.einsum("rab,rba,ab->r", F, F, w2), 2),
        share(np.einsum("rab,rac,abc->r", F, F, w3), 3),
        share(np.einsum("rac,rbc,abc->r", F, F, w3), 3),
        share(np.einsum("rab,rbc,abc->r", F, F, w3), 3),
        share(disjoint() if k else np.zeros(len(ROLES)), 4),
    ])


def _permutation_moments(group: np.ndarray, counts: np.ndarray):
    """Expected role counts and their variances for each broker under the permutation null:
    ``counts`` is (n, 5) of the broker's two-paths ``T``, reversed pairs ``R``, pairs sharing a
    start ``Sa`` or an end ``Sc``, and chained pairs ``C`` (see `brokerage_roles`).

    ``E = T p``; ``Var = T p + R p_rev + Sa p_start + Sc p_end + 2 C p_chain + D p_disjoint −
    (T p)²``, with ``D = T² − T − R − Sa − Sc − 2 C`` the ordered pairs of two-paths with four
    different nodes.
    """
    k = int(group.max()) + 1 if len(group) else 0
    size = np.bincount(group, minlength=k)
    pattern = {}
    for g in range(k):
        others = size.copy()
        others[g] -= 1
        pattern[g] = _pattern_moments(others, g)
    P = np.array([pattern[g] for g in range(k)]).reshape(k, 6, len(ROLES))[group]  # (n, 6, 5)
    T, R, Sa, Sc, C = (counts[:, i].astype(float)[:, None] for i in range(5))
    D = T * T - T - R - Sa - Sc - 2 * C
    expected = T * P[:, 0]
    second = (T * P[:, 0] + R * P[:, 1] + Sa * P[:, 2] + Sc * P[:, 3] + 2 * C * P[:, 4]
              + D * P[:, 5])
    return expected, np.clip(second - expected ** 2, 0, None)


#: The null models `brokerage_roles` offers (see there).
NULLS = ("sna", "permutation")

#: A z-score is reported only where the role's expected count is at least this (the usual rule
#: of thumb for treating a count as near-normal); elsewhere ``z`` is missing.
MIN_EXPECTED = 5.0


def brokerage_roles(G: nx.DiGraph, groups: Mapping, null: str = "sna",
                    min_expected: float = MIN_EXPECTED) -> pd.DataFrame:
    """Gould–Fernandez brokerage roles, observed against expected, for every node.

    Parameters
    ----------
    G : networkx.DiGraph
    groups : mapping
        Node → group (a sector or an organisation type).
    null : {"sna", "permutation"}
        What ``expected``, ``sd`` and ``z`` are measured against.

        ``"sna"`` (the default) is Gould & Fernandez's (1989) own null model, as R's
        ``sna::brokerage`` computes it (``exp.nli``, ``sd.nli``, ``z.nli``): a random
        directed graph with the observed density ``d = ties / (n (n − 1))`` (self-loops not
        counted) and the group sizes fixed. A broker in a group of ``n_g`` expects
        ``d²(1 − d)`` open two-paths for each ordered pair of other nodes of the right groups,
        e.g. ``d²(1 − d)(n_g − 1)(n_g − 2)`` as coordinator; the variance adds the
        covariance of two-paths that share an end (the paper's ``d³(1 − d)³`` terms). The
        expectation is the same for every broker of a group, so ``z`` says how much more an
        organisation brokers in that role than a random organisation of its group would in a
        network this dense: a busy organisation scores high in every role its group allows.

        ``"permutation"`` keeps the network and the broker's own open two-paths and assigns
        the other ``n − 1`` organisations' groups at random (sizes kept). Each two-path has
        the role with chance ``p`` (ordered pairs drawn without replacement), so
        ``expected = T p`` for ``T`` two-paths, and the variance is exact: it adds the
        covariance of two-paths through the broker that share a start, share an end, run on
        from one another (``a → b → c`` and ``c → b → e``) or are each other's reverse, and
        of disjoint ones (their groups are drawn from the same finite pool). Its ``z``
        says whether an organisation's brokerage leans towards a role more than the group
        sizes explain, whatever its volume. (netkit's earlier measure had the same
        expectation with a binomial variance ``T p (1 − p)``, which treats the two-paths as
        independent; it understated the spread, e.g. a variance of 1.26 against the exact 2.76
        for the tiny sample's acute trust, six two-paths among five other organisations,
        and has been replaced.)
    min_expected : float
        The support rule: ``z`` is reported only where ``expected ≥ min_expected`` (default
        `MIN_EXPECTED`, 5: below that a count is far from normal, and a z on two or three
        two-paths is noise, not a finding). ``0`` reports every z that can be computed, as
        sna does.

    Returns
    -------
    DataFrame
        ``node, role, observed, expected, sd, z``: one row per node and role, sorted by node
        then role. ``observed`` counts the node's open two-paths ``a → b → c`` (``a ≠ c``,
        no tie ``a → c``) in that role, as ``sna::brokerage``'s ``raw.nli`` does;
        ``z = (observed − expected) / sd``. ``z`` is missing where ``sd`` is 0 or the support
        rule fails. With k groups the permutation null adds O(k⁵) work (k⁴ label patterns
        for each broker group) to the linear pass over the two-paths.

    References
    ----------
    Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
    brokerage in transaction networks. *Sociological Methodology* 19, 89–126.
    Butts, C. T. (2008). Social network analysis with sna. *J. Stat. Softw.* 24(6); R package
    ``sna``, function ``brokerage``.

    Examples
    --------
    An acute trust between two others of its kind and a council:

    >>> G = nx.DiGraph([("A1", "A2"), ("A2", "LA")])
    >>> roles = brokerage_roles(G, {"A1": "acute", "A2": "acute", "LA": "council"})
    >>> roles.loc[roles["observed"] > 0, ["node", "role", "observed"]].values.tolist()
    [['A2', 'representative', 1]]
    >>> int(roles["z"].notna().sum())  # nothing near five expected: no z is a finding
    0
    """
    return roles_and_sole_brokers(G, groups, null=null, min_expected=min_expected)[0]


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
    return roles_and_sole_brokers(G, groups)[1]


def roles_and_sole_brokers(G: nx.DiGraph, groups: Mapping, null: str = "sna",
                           min_expected: float = MIN_EXPECTED) -> tuple[pd.DataFrame, list[tuple]]:
    """`brokerage_roles` and `sole_brokers` from one pass over the open two-paths (``null``
    and ``min_expected`` as for `brokerage_roles`).

    Examples
    --------
    >>> G = nx.DiGraph([("ACUTE", "COUNCIL"), ("COUNCIL", "CARE")])
    >>> roles, sole = roles_and_sole_brokers(
    ...     G, {"ACUTE": "acute", "COUNCIL": "council", "CARE": "care home"})
    >>> int(roles["observed"].sum()), sole
    (1, [('COUNCIL', 'acute', 'care home')])
    """
    if null not in NULLS:
        from netkit.errors import OptionError

        raise OptionError(f"null {null!r} is not one of {', '.join(NULLS)}")
    blocks = _open_two_paths(G, groups)
    nodes, names, group, keys = next(blocks)
    n, g = len(nodes), max(len(names), 1)
    observed = np.zeros(n * len(ROLES), dtype=np.int64)
    found = []
    starts, ends, reversed_ = [], [], np.zeros(n, dtype=np.int64)
    for a, b, c, group_a, group_b, group_c in blocks:
        if null == "permutation":
            # per broker: two-paths by start and by end node, and those whose reverse is one too
            starts.append(np.unique(b * n + a, return_counts=True))
            ends.append(np.unique(b * n + c, return_counts=True))
            back = _has_edge(keys, b * n + a, n) & _has_edge(keys, c * n + b, n) & ~_has_edge(
                keys, c * n + a, n)
            reversed_ += np.bincount(b[back], minlength=n)
        observed += np.bincount(b * len(ROLES) + _role_codes(group_a, group_b, group_c),
                                minlength=n * len(ROLES))
        cross = (group_a != group_c) & (group_b != group_a) & (group_b != group_c)
        found.append(np.unique((group_a[cross] * g + group_c[cross]) * n + b[cross]))
    observed = observed.reshape(n, len(ROLES))
    if null == "sna":
        expected, var = _sna_expected(G, group, n)
    else:
        start_sums, end_sums, chained = _shared_ends(starts, ends, n)
        counts = np.column_stack([observed.sum(axis=1), reversed_, start_sums, end_sums,
                                  chained - reversed_])
        expected, var = _permutation_moments(group, counts)
    sd = np.sqrt(np.clip(var, 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (observed - expected) / np.where(sd > 0, sd, 1), np.nan)
    z[expected < min_expected] = np.nan
    roles = pd.DataFrame({"node": np.repeat(np.array(nodes, dtype=object), len(ROLES)),
                          "role": np.tile(np.array(ROLES, dtype=object), n),
                          "observed": observed.ravel(), "expected": expected.ravel(),
                          "sd": sd.ravel(), "z": z.ravel()})
    return roles, _sole_routes(G, groups, found, nodes, names)


def _sna_expected(G: nx.DiGraph, group: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected count and variance of each role for each node under the ``sna`` null: an
    ``n`` × roles array each, from the node's group (codes 0 .. groups - 1)."""
    size = dict(zip(*np.unique(group, return_counts=True)))
    moments = _sna_moments(size, n, G.number_of_edges() - nx.number_of_selfloops(G))
    codes = sorted(moments)  # every group code, 0 .. len(names) - 1
    expected = np.array([moments[k][0] for k in codes]).reshape(-1, len(ROLES))[group]
    var = np.array([moments[k][1] for k in codes]).reshape(-1, len(ROLES))[group]
    return expected, var


def _sole_routes(G: nx.DiGraph, groups: Mapping, found: list, nodes: list,
                 names: list) -> list[tuple]:
    """(broker, from group, to group) for each route between two other groups that passes
    through one broker only and has no direct tie; ``found`` holds the codes
    ``(from group × groups + to group) × nodes + broker`` of the cross-group two-paths."""
    n, g = len(nodes), max(len(names), 1)
    sole = []
    if found:
        triples = np.unique(np.concatenate(found))
        route, broker = triples // n, triples % n
        routes, first, count = np.unique(route, return_index=True, return_counts=True)
        direct = {(groups[u], groups[v]) for u, v in G.edges if u != v}
        for r, i in zip(routes[count == 1], first[count == 1]):
            pair = (names[r // g], names[r % g])
            if pair not in direct:
                sole.append((nodes[broker[i]], *pair))
    return sorted(sole)
