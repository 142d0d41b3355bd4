"""Brokerage measures: oracles from the literature and hand-worked roles."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.metrics import brokerage, brokerage_roles, sole_brokers
from conftest import SHARED_DATA

CLASSIC = SHARED_DATA / "classic_networks"


def test_chain_by_hand():
    G = nx.DiGraph([("A", "B", {"patients": 5}), ("B", "C", {"patients": 5})])
    assert brokerage(G) == {"A": 0.0, "B": 1.0, "C": 0.0}


def test_weights_make_busy_routes_short():
    # A reaches D through B (2 strong ties) rather than C (2 weak ties).
    G = nx.DiGraph()
    G.add_weighted_edges_from([("A", "B", 100), ("B", "D", 100), ("A", "C", 1), ("C", "D", 1)],
                              weight="patients")
    assert brokerage(G) == {"A": 0.0, "B": 1.0, "C": 0.0, "D": 0.0}
    assert brokerage(G, weight=None) == {"A": 0.0, "B": 0.5, "C": 0.5, "D": 0.0}


def test_caller_graph_is_not_changed():
    G = nx.DiGraph([("A", "B", {"patients": 5})])
    brokerage(G)
    assert dict(G.edges) == {("A", "B"): {"patients": 5}}


def _oracle(network: str, metric: str) -> dict:
    oracle = pd.read_csv(CLASSIC / "oracle_centrality_values.csv")
    rows = oracle[(oracle["network"] == network) & (oracle["metric"] == metric)]
    return dict(zip(rows["node"], rows["value"]))


@pytest.mark.shared_data
@pytest.mark.skipif(not CLASSIC.exists(), reason="../shared/data is absent")
def test_kite_betweenness_matches_published_oracle():
    edges = pd.read_csv(CLASSIC / "krackhardt_kite_edges.csv", dtype=str)
    G = nx.Graph(list(zip(edges["source"], edges["target"]))).to_directed()
    expected = _oracle("krackhardt_kite", "betweenness_raw_ordered_pairs")
    assert len(expected) == 10
    assert brokerage(G, weight=None) == pytest.approx(expected, abs=1e-3)


@pytest.mark.shared_data
@pytest.mark.skipif(not CLASSIC.exists(), reason="../shared/data is absent")
def test_florentine_marriage_betweenness_matches_published_oracle():
    """The 15 connected families (Pucci is isolated): undirected betweenness is half the
    ordered-pair count, normalised by (n - 1)(n - 2) / 2 = 91; Medici 47.5 / 91 = 0.522."""
    edges = pd.read_csv(CLASSIC / "padgett_florentine_marriage_edges.csv", dtype=str)
    G = nx.Graph(list(zip(edges["source"], edges["target"]))).to_directed()
    assert G.number_of_nodes() == 15
    got = {k: v / 2 / 91 for k, v in brokerage(G, weight=None).items()}
    expected = _oracle("padgett_marriage_15", "betweenness_normalized")
    assert len(expected) == 15
    assert got == pytest.approx(expected, abs=1e-3)
    assert got["Medici"] == pytest.approx(0.522, abs=1e-3)


def test_gould_fernandez_roles_by_hand():
    # A1 -> A2 -> LA (acute, acute, council): A2 is a representative.
    # LA -> A3 : A2 is gatekeeper? No: two-path A2 -> LA -> A3 has LA as broker, groups
    # acute, council, acute: itinerant.
    G = nx.DiGraph([("A1", "A2"), ("A2", "LA"), ("LA", "A3")])
    groups = {"A1": "acute", "A2": "acute", "A3": "acute", "LA": "council"}
    roles = brokerage_roles(G, groups)
    seen = roles[roles["observed"] > 0][["node", "role", "observed"]].values.tolist()
    assert seen == [["A2", "representative", 1], ["LA", "itinerant", 1]]


def test_every_role_and_expected_values():
    groups = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Z"}
    G = nx.DiGraph([("a", "b"), ("b", "c"),      # coordinator (b)
                    ("d", "c"),                  # d -> c -> ... c brokers
                    ("c", "e")])                 # b -> c -> e representative; d -> c -> e liaison
    roles = brokerage_roles(G, groups).set_index(["node", "role"])
    assert roles.loc[("b", "coordinator"), "observed"] == 1
    assert roles.loc[("c", "representative"), "observed"] == 1   # b(X) -> c(X) -> e(Z)
    assert roles.loc[("c", "liaison"), "observed"] == 1          # d(Y) -> c(X) -> e(Z)
    # c has 2 open two-paths; group X has 3 of 5 nodes: P(representative) = 2*2/(4*3) = 1/3
    assert roles.loc[("c", "representative"), "expected"] == pytest.approx(2 / 3)
    # all role probabilities for a broker sum to one
    assert roles.loc["c", "expected"].sum() == pytest.approx(2)


def test_z_score_for_the_tiny_acute_trust():
    """Sector groups in tiny: ACUTE (nhs) brokers from three NHS providers to the council and a
    care home: 6 representative two-paths; p = 3 × 2 / 20 = 0.3, expected 1.8."""
    G = nx.DiGraph([("PCN1", "COMM"), ("PCN1", "ACUTE"), ("AMB", "ACUTE"), ("COMM", "ACUTE"),
                    ("ACUTE", "COUNCIL"), ("ACUTE", "CARE")])
    groups = {"PCN1": "nhs", "COMM": "nhs", "AMB": "nhs", "ACUTE": "nhs",
              "COUNCIL": "local_government", "CARE": "independent"}
    roles = brokerage_roles(G, groups).set_index(["node", "role"])
    row = roles.loc[("ACUTE", "representative")]
    assert row["observed"] == 6
    assert row["expected"] == pytest.approx(1.8)
    assert row["z"] == pytest.approx((6 - 1.8) / math.sqrt(1.8 * 0.7))


def test_sole_brokers():
    G = nx.DiGraph([("ED", "WARD"), ("WARD", "REAB"), ("WARD", "HOME")])
    groups = {"ED": "acute", "WARD": "ward", "REAB": "council", "HOME": "council"}
    assert sole_brokers(G, groups) == [("WARD", "acute", "council")]
    G.add_edge("ED", "REAB")  # a direct route: no sole broker any more
    assert sole_brokers(G, groups) == []


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 20), st.floats(0.05, 0.5), st.integers(0, 10**6),
       st.sampled_from([(1, 5), (1, 1000), (100, 100)]))
def test_igraph_and_networkx_agree(n, p, seed, patients):
    """Both engines give the same betweenness, ties included (small integer patient counts
    make many routes tie exactly)."""
    import networkx as nx
    import numpy as np

    pytest.importorskip("igraph")
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    for u, v in G.edges:
        G[u][v]["patients"] = float(rng.integers(patients[0], patients[1] + 1))
    fast, reference = brokerage(G, engine="igraph"), brokerage(G, engine="networkx")
    assert fast == pytest.approx(reference, abs=1e-9)


def test_unknown_engine_is_refused():
    import networkx as nx

    from netkit.errors import OptionError

    with pytest.raises(OptionError, match="engine 'fast' is not one of auto, igraph, networkx"):
        brokerage(nx.DiGraph(), engine="fast")


def _naive_roles(G, groups):
    """The plain loop over two-paths that the vectorised counting replaced."""
    from collections import Counter

    from netkit.metrics.brokerage import ROLES, _two_paths

    def role(ga, gb, gc):
        if ga == gb == gc:
            return "coordinator"
        if ga == gc:
            return "itinerant"
        if gb == gc:
            return "gatekeeper"
        return "representative" if ga == gb else "liaison"

    counts = Counter((b, role(groups[a], groups[b], groups[c])) for a, b, c in _two_paths(G))
    brokers = {}
    for a, b, c in _two_paths(G):
        ga, gb, gc = groups[a], groups[b], groups[c]
        if ga != gc and gb not in (ga, gc):
            brokers.setdefault((ga, gc), set()).add(b)
    direct = {(groups[u], groups[v]) for u, v in G.edges if u != v}
    sole = sorted((next(iter(bs)), ga, gc) for (ga, gc), bs in brokers.items()
                  if len(bs) == 1 and (ga, gc) not in direct)
    return {(v, r): counts[(v, r)] for v in G.nodes for r in ROLES}, sole


@given(st.integers(1, 25), st.floats(0.0, 0.6), st.integers(1, 4), st.integers(0, 10**6),
       st.sampled_from([3, 50, 2_000_000]))
@settings(max_examples=60, deadline=None)
def test_vectorised_roles_match_the_plain_loop(n, p, k, seed, block):
    """Counting open two-paths with numpy, in blocks of any size, gives the plain loop's
    counts and sole brokers, self-loops and mutual ties included."""
    import importlib
    import random

    module = importlib.import_module("netkit.metrics.brokerage")  # the name is also a function

    rnd = random.Random(seed)
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    G.add_edges_from((v, v) for v in G.nodes if rnd.random() < 0.1)
    groups = {v: f"g{rnd.randrange(k)}" for v in G.nodes}
    expected, sole = _naive_roles(G, groups)
    saved, module.TWO_PATH_BLOCK = module.TWO_PATH_BLOCK, block
    try:
        roles = brokerage_roles(G, groups)
        got_sole = sole_brokers(G, groups)
    finally:
        module.TWO_PATH_BLOCK = saved
    got = {(r.node, r.role): r.observed for r in roles.itertuples()}
    assert got == expected
    assert got_sole == sole


@given(st.integers(12, 40), st.floats(0.05, 0.4), st.integers(0, 10**6), st.integers(1, 11))
@settings(max_examples=25, deadline=None)
def test_sampled_brokerage_engines_agree(n, p, seed, sources):
    """Estimating from sampled route sources: both engines draw the same sources and agree;
    with every node as a source the estimate is the exact figure."""
    import random

    rnd = random.Random(seed)
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    for u, v in G.edges:
        G[u][v]["patients"] = rnd.randint(1, 500)
    fast = brokerage(G, engine="igraph", sources=sources, seed=seed)
    slow = brokerage(G, engine="networkx", sources=sources, seed=seed)
    assert fast.keys() == slow.keys()
    assert all(math.isclose(fast[k], slow[k], rel_tol=1e-9, abs_tol=1e-9) for k in fast)
    exact = brokerage(G)
    assert brokerage(G, sources=n, seed=seed) == exact
