"""Brokerage measures: oracles from the literature and hand-worked roles."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest
from conftest import SHARED_DATA, sample_system
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.errors import OptionError
from netkit.metrics import ROLES, brokerage, brokerage_roles, sole_brokers
from netkit.metrics.brokerage import MIN_EXPECTED, NULLS, _two_paths
from netkit.partners.reasons import role_line

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
    roles = brokerage_roles(G, groups, null="permutation").set_index(["node", "role"])
    assert roles.loc[("b", "coordinator"), "observed"] == 1
    assert roles.loc[("c", "representative"), "observed"] == 1   # b(X) -> c(X) -> e(Z)
    assert roles.loc[("c", "liaison"), "observed"] == 1          # d(Y) -> c(X) -> e(Z)
    # c has 2 open two-paths; group X has 3 of 5 nodes: P(representative) = 2*2/(4*3) = 1/3
    assert roles.loc[("c", "representative"), "expected"] == pytest.approx(2 / 3)
    # all role probabilities for a broker sum to one
    assert roles.loc["c", "expected"].sum() == pytest.approx(2)


def test_z_score_for_the_tiny_acute_trust():
    """Sector groups in tiny: ACUTE (nhs) brokers from three NHS providers (PCN1, AMB, COMM) to
    the council and a care home: 6 representative two-paths, none closed.

    Permutation null: the five others carry nhs × 3, local_government, independent. If j of
    ACUTE's three sources are nhs, 3 − j of its two targets are, so 2 − (3 − j) = j − 1
    targets are not: the count is j (j − 1). j is hypergeometric: P(3) = 1/10, P(2) = 6/10,
    P(1) = 3/10, so the count is 6, 2 or 0: mean 0.6 + 1.2 = 1.8, E[X²] = 3.6 + 2.4 = 6,
    variance 6 − 1.8² = 2.76. (This test used to assert the binomial variance
    6 × 0.3 × 0.7 = 1.26 and its z of 3.7 with default settings; 6 is the largest count
    possible and turns up one time in ten, so that z was far too large, and with 1.8
    expected no z is reported by default.)"""
    G = nx.DiGraph([("PCN1", "COMM"), ("PCN1", "ACUTE"), ("AMB", "ACUTE"), ("COMM", "ACUTE"),
                    ("ACUTE", "COUNCIL"), ("ACUTE", "CARE")])
    groups = {"PCN1": "nhs", "COMM": "nhs", "AMB": "nhs", "ACUTE": "nhs",
              "COUNCIL": "local_government", "CARE": "independent"}
    roles = brokerage_roles(G, groups, null="permutation", min_expected=0).set_index(
        ["node", "role"])
    row = roles.loc[("ACUTE", "representative")]
    assert row["observed"] == 6
    assert row["expected"] == pytest.approx(1.8)
    assert row["sd"] == pytest.approx(math.sqrt(2.76))
    assert row["z"] == pytest.approx((6 - 1.8) / math.sqrt(2.76))
    assert brokerage_roles(G, groups, null="permutation")["z"].isna().all()
    # Gould & Fernandez's null: 6 ties among 6 nodes, d = 6/30 = 1/5, d²(1 − d) = 4/125;
    # an nhs broker (4 of 6) expects 4/125 × (6 − 4)(4 − 1) = 24/125 = 0.192 representative
    # two-paths; variance 0.192 × (1 − 4/125) + 2 (3·C(2,2) + 2·C(3,2)) (1/125)(64/125)
    # = 0.185856 + 18 × 64/15625 = 0.259584.
    sna = brokerage_roles(G, groups, min_expected=0).set_index(["node", "role"])
    row = sna.loc[("ACUTE", "representative")]
    assert row["expected"] == pytest.approx(0.192)
    assert row["sd"] == pytest.approx(math.sqrt(0.259584))
    assert row["z"] == pytest.approx((6 - 0.192) / math.sqrt(0.259584))


def test_gould_fernandez_null_by_hand():
    """Four organisations in two groups of two, four ties; every figure worked by hand.

    a, b in X; c, d in Y; ties a→b, b→c, b→d, c→d. Open two-paths: a→b→c and a→b→d (b is a
    representative twice: X, X, Y); b→c→d is closed by b→d. So b: representative 2, else 0.

    Gould & Fernandez (sna) null: N = 4, d = 4 / (4 × 3) = 1/3, q = d²(1 − d) = 2/27,
    r = d³(1 − d)³ = 8/729. For a broker of either group (n_g = 2, other group 2):

    * coordinator: q (2 − 1)(2 − 2) = 0, variance 0 → no z;
    * itinerant: q × 2 × 1 = 4/27, variance 4/27 (1 − 2/27) + 2 × 2·1·0 r = 100/729;
    * representative and gatekeeper: q (4 − 2)(2 − 1) = 4/27, variance
      100/729 + 2 (1 × C(2,2) + 2 × C(1,2)) r = 100/729 + 16/729 = 116/729;
    * liaison: q (2² − 2²) = 0, variance 4 × 2 × C(0,2) r = 0 → no z.

    b's representative z = (2 − 4/27) / (√116 / 27) = 50 / √116 ≈ 4.64: a large z on two
    two-paths, which the default support rule (expected ≥ 5) does not report.

    Permutation null for b: its others a, c, d carry X, Y, Y in one of 3 equally likely
    ways. X on a: both two-paths X → Y, representative 2; X on c or d: 0. Mean 2/3,
    E[X²] = 4/3, variance 4/3 − 4/9 = 8/9, sd = 2√2/3, z = (4/3) / (2√2/3) = √2.
    """
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("b", "d"), ("c", "d")])
    groups = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    roles = brokerage_roles(G, groups, min_expected=0).set_index(["node", "role"])
    assert roles["observed"].to_dict() == {
        (v, r): int(v == "b" and r == "representative") * 2 for v in "abcd" for r in ROLES}
    for v in "abcd":
        got = roles.loc[v]
        assert got["expected"].to_dict() == pytest.approx(
            {"coordinator": 0, "itinerant": 4 / 27, "gatekeeper": 4 / 27,
             "representative": 4 / 27, "liaison": 0})
        assert got["sd"].to_dict() == pytest.approx(
            {"coordinator": 0, "itinerant": 10 / 27, "gatekeeper": math.sqrt(116) / 27,
             "representative": math.sqrt(116) / 27, "liaison": 0})
        assert got.loc[["coordinator", "liaison"], "z"].isna().all()
    assert roles.loc[("b", "representative"), "z"] == pytest.approx(50 / math.sqrt(116))
    assert roles.loc[("a", "itinerant"), "z"] == pytest.approx(-(4 / 27) / (10 / 27))
    permutation = brokerage_roles(G, groups, null="permutation", min_expected=0).set_index(
        ["node", "role"])
    assert permutation.loc[("b", "representative"), ["expected", "sd", "z"]].tolist() == (
        pytest.approx([2 / 3, 2 * math.sqrt(2) / 3, math.sqrt(2)]))
    assert permutation.loc["a", "expected"].eq(0).all()   # no two-paths, nothing expected
    assert permutation.loc["a", "z"].isna().all()


def test_no_z_on_two_two_paths():
    """The support rule: z only where at least `MIN_EXPECTED` (5) were expected; the edge is
    inclusive."""
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("b", "d"), ("c", "d")])
    groups = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    assert MIN_EXPECTED == 5
    for null in NULLS:
        assert brokerage_roles(G, groups, null=null)["z"].isna().all()
    full = brokerage_roles(G, groups, min_expected=0)
    at_edge = full["expected"].max()   # 4/27 exactly as computed
    edge = brokerage_roles(G, groups, min_expected=at_edge)
    assert edge["z"].notna().tolist() == (full["expected"] >= at_edge).tolist()
    assert edge["z"].notna().sum() == 12   # itinerant, gatekeeper, representative × 4 nodes
    assert brokerage_roles(G, groups, min_expected=at_edge * (1 + 1e-9))["z"].isna().all()


@pytest.mark.parametrize("null", NULLS)
def test_z_where_the_counts_support_it(null):
    """On a dense network of 60 the expected counts reach 5, and exactly those carry a z."""
    import random

    rnd = random.Random(7)
    G = nx.gnp_random_graph(60, 0.3, seed=7, directed=True)
    groups = {v: rnd.choice("XY") for v in G.nodes}
    roles = brokerage_roles(G, groups, null=null)
    supported = (roles["expected"] >= MIN_EXPECTED) & (roles["sd"] > 0)
    assert supported.sum() > 0
    assert roles["z"].notna().tolist() == supported.tolist()
    full = brokerage_roles(G, groups, null=null, min_expected=0)
    assert roles.loc[supported, "z"].tolist() == full.loc[supported, "z"].tolist()


@pytest.mark.parametrize("null", NULLS)
def test_degenerate_networks_have_no_z(null):
    """No organisations, one with a tie to itself, or a complete network (density 1: no
    two-path is open): nothing expected, no z, no warnings."""
    import warnings

    cases = [(nx.DiGraph(), {}), (nx.DiGraph([("a", "a")]), {"a": "X"}),
             (nx.complete_graph(4, nx.DiGraph), dict.fromkeys(range(4), "X"))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for G, groups in cases:
            roles = brokerage_roles(G, groups, null=null, min_expected=0)
            assert len(roles) == 5 * len(G)
            assert roles["expected"].eq(0).all() and roles["z"].isna().all()


def test_unknown_null_is_refused():
    with pytest.raises(OptionError, match="null 'binomial' is not one of sna, permutation"):
        brokerage_roles(nx.DiGraph([("a", "b")]), {"a": "X", "b": "Y"}, null="binomial")


def test_partner_reasons_do_not_call_a_thin_z_a_finding():
    """Tiny by sector: Vale Hospital has 6 representative two-paths. It used to read "acts as
    representative more than chance would give (6 open two-paths, 1.8 expected, z = 3.7)";
    too few were expected for a z (and 6 happens one time in ten; see
    test_z_score_for_the_tiny_acute_trust), so no such line now."""
    import netkit

    ps = netkit.find_partners(sample_system("tiny"), "frailty",
                              groups="sector")
    roles = ps.brokerage_roles.set_index(["node", "role"])
    assert roles.loc[("ACUTE", "representative"), "observed"] == 6
    assert math.isnan(roles.loc[("ACUTE", "representative"), "z"])
    assert not any("more than chance" in line for line in ps.brokers)


def test_role_lines_only_for_supported_z():
    """The words follow the support rule: a role is called a finding only where z was
    reported and reaches 1.96."""
    import random

    rnd = random.Random(7)
    G = nx.gnp_random_graph(60, 0.3, seed=7, directed=True)
    groups = {v: rnd.choice("XY") for v in G.nodes}
    roles = brokerage_roles(G, groups)
    lines = [role_line(f"org {r.node}", r.role, r.observed, r.expected, r.z)
             for r in roles.itertuples()]
    said = [line is not None for line in lines]
    assert said == ((roles["z"] >= 1.96) & (roles["expected"] >= MIN_EXPECTED)).tolist()
    assert any(said)
    assert role_line("Vale Hospital", "representative", 6, 0.2, math.nan) is None
    assert role_line("Vale Hospital", "representative", 6, 0.2, None) is None
    assert role_line("Vale Hospital", "liaison", 9, 6.0, 1.9) is None
    assert role_line("Vale Hospital", "liaison", 19, 6.0, 3.25) == (
        "Vale Hospital is the go-between for 19 pairs of organisations, of two other kinds, "
        "that pass patients through it but not directly to each other (liaison role; 6.0 "
        "expected by chance, z = 3.2)")


def _sna_case(graph: str):
    oracle = pd.read_csv(CLASSIC / "oracle_sna_brokerage.csv")
    edges = pd.read_csv(CLASSIC / "gould_fernandez_graphs.csv")
    rows = oracle[oracle["graph"] == graph]
    G = nx.DiGraph()
    G.add_nodes_from(rows["node"].unique())   # isolates (Pucci) count towards n
    ties = edges[edges["graph"] == graph]
    G.add_edges_from(zip(ties["source"], ties["target"]))
    return G, dict(zip(rows["node"], rows["group"])), rows


SNA_GRAPHS = ["padgett_marriage_wealth", "krackhardt_kite_parity", "random_directed_1001",
              "random_directed_1002", "random_directed_1003", "random_directed_1004"]


@pytest.mark.shared_data
@pytest.mark.skipif(not CLASSIC.exists(), reason="../shared/data is absent")
@pytest.mark.parametrize("graph", SNA_GRAPHS)
def test_gould_fernandez_matches_r_sna(graph):
    """Every node and role of R's sna::brokerage (raw.nli, exp.nli, sd.nli, z.nli) on six
    graphs; the oracle keeps 12 significant digits. z is missing exactly where sna's sd is 0."""
    G, groups, rows = _sna_case(graph)
    got = brokerage_roles(G, groups, min_expected=0).merge(
        rows, on=["node", "role"], how="outer", suffixes=("", "_sna"), validate="1:1")
    assert len(got) == len(rows) == 5 * G.number_of_nodes()
    assert got["observed"].tolist() == got["observed_sna"].tolist()
    for column in ("expected", "sd"):
        assert got[column].tolist() == pytest.approx(got[f"{column}_sna"].tolist(),
                                                     rel=1e-10, abs=1e-10)
    assert got["z"].isna().tolist() == got["z_sna"].isna().tolist()
    known = got["z_sna"].notna()
    assert got.loc[known, "z"].tolist() == pytest.approx(got.loc[known, "z_sna"].tolist(),
                                                         rel=1e-10, abs=1e-10)


def test_sole_brokers():
    G = nx.DiGraph([("ED", "WARD"), ("WARD", "REAB"), ("WARD", "HOME")])
    groups = {"ED": "acute", "WARD": "ward", "REAB": "council", "HOME": "council"}
    assert sole_brokers(G, groups) == [("WARD", "acute", "council")]
    G.add_edge("ED", "REAB")  # a direct route: no sole broker any more
    assert sole_brokers(G, groups) == []


@settings(deadline=None)
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


def _engine_used(G, monkeypatch) -> str:
    """Which engine ``auto`` hands G to: each engine's entry point is made to say so."""
    import importlib

    module = importlib.import_module("netkit.metrics.brokerage")  # not the function

    class Used(Exception):
        pass

    def igraph_used(*args, **kwargs):
        raise Used("igraph")

    def networkx_used(*args, **kwargs):
        raise Used("networkx")

    igraph = pytest.importorskip("igraph")
    monkeypatch.setattr(igraph, "Graph", igraph_used)
    monkeypatch.setattr(module.nx, "betweenness_centrality", networkx_used)
    with pytest.raises(Used) as used:
        brokerage(G)
    return str(used.value)


def test_auto_leaves_small_networks_to_networkx_and_large_ones_to_igraph(monkeypatch):
    """Importing igraph takes longer than networkx takes on a small network, so ``auto``
    switches at NETWORKX_UP_TO nodes x ties."""
    from netkit.metrics.brokerage import NETWORKX_UP_TO

    side = int(NETWORKX_UP_TO ** 0.5)  # a chain: n nodes, n - 1 ties
    at_the_limit = nx.DiGraph((i, i + 1) for i in range(side - 1))  # side x (side - 1)
    beyond = nx.DiGraph((i, i + 1) for i in range(side + 1))  # (side + 2) x (side + 1)
    assert len(at_the_limit) * at_the_limit.number_of_edges() <= NETWORKX_UP_TO
    assert len(beyond) * beyond.number_of_edges() > NETWORKX_UP_TO
    assert _engine_used(at_the_limit, monkeypatch) == "networkx"
    assert _engine_used(beyond, monkeypatch) == "igraph"


def test_unknown_engine_is_refused():
    import networkx as nx

    from netkit.errors import OptionError

    with pytest.raises(OptionError, match="engine 'fast' is not one of auto, igraph, networkx"):
        brokerage(nx.DiGraph(), engine="fast")


def _role(ga, gb, gc) -> str:
    """Gould and Fernandez's role of broker b on a two-path a -> b -> c, from the three groups:
    the plain rule the tests compare the vectorised counting with."""
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if gb == gc:
        return "gatekeeper"
    return "representative" if ga == gb else "liaison"


def _naive_roles(G, groups):
    """The plain loop over two-paths that the vectorised counting replaced."""
    from collections import Counter

    from netkit.metrics.brokerage import ROLES, _two_paths

    counts = Counter((b, _role(groups[a], groups[b], groups[c])) for a, b, c in _two_paths(G))
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
@settings(deadline=None)
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
@settings(deadline=None)
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


def _enumerated_moments(G: nx.DiGraph, groups: dict) -> dict:
    """Mean and variance of each broker's role counts over every way of giving its other
    nodes their groups (sizes kept): the permutation null, by brute force."""
    import itertools

    paths = list(_two_paths(G))
    out = {}
    for b in G.nodes:
        others = [v for v in G.nodes if v != b]
        mine = [(a, c) for a, via, c in paths if via == b]
        counts = {r: [] for r in ROLES}
        for labels in set(itertools.permutations(groups[v] for v in others)):
            label = dict(zip(others, labels))
            seen = [_role(label[a], groups[b], label[c]) for a, c in mine]
            for r in ROLES:
                counts[r].append(seen.count(r))
        for r in ROLES:
            values = counts[r]
            mean = sum(values) / len(values)
            out[(b, r)] = (mean, sum((x - mean) ** 2 for x in values) / len(values))
    return out


@given(st.integers(1, 7), st.floats(0.1, 0.9), st.integers(1, 4), st.integers(0, 10**6),
       st.sampled_from([2, 7, 2_000_000]))
@settings(deadline=None)
def test_permutation_null_is_exact(n, p, k, seed, block):
    """Expected counts and variances under the permutation null equal the mean and variance
    over every relabelling of the broker's other nodes, counted one by one; two-paths
    enumerated in blocks of any size, self-loops and mutual ties included."""
    import importlib
    import random

    module = importlib.import_module("netkit.metrics.brokerage")
    rnd = random.Random(seed)
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    G.add_edges_from((v, v) for v in G.nodes if rnd.random() < 0.1)
    groups = {v: f"g{rnd.randrange(k)}" for v in G.nodes}
    want = _enumerated_moments(G, groups)
    saved, module.TWO_PATH_BLOCK = module.TWO_PATH_BLOCK, block
    try:
        roles = brokerage_roles(G, groups, null="permutation", min_expected=0)
    finally:
        module.TWO_PATH_BLOCK = saved
    for r in roles.itertuples():
        mean, var = want[(r.node, r.role)]
        assert r.expected == pytest.approx(mean, abs=1e-9)
        assert r.sd ** 2 == pytest.approx(var, abs=1e-9)


@pytest.mark.parametrize("engine", ["networkx", "igraph"])
def test_parallel_ties_count_as_one_tie_carrying_all_their_patients(engine):
    """Worked by hand. a→b and b→c are each two ties of 3 patients: summed, 6 patients, length
    1/6 each, so the route a→b→c has length 1/3. Against a direct tie of 4 (length 1/4) the
    direct tie is shorter and b brokers nothing; against a direct tie of 2 (length 1/2) the
    route through b is shorter and b brokers the one pair. Taking either parallel tie alone
    (3 patients, length 1/3; the route 2/3) b would broker nothing in both cases."""
    if engine == "igraph":
        pytest.importorskip("igraph")
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", patients=3)
    G.add_edge("a", "b", patients=3)
    G.add_edge("b", "c", patients=3)
    G.add_edge("b", "c", patients=3)
    G.add_edge("a", "c", patients=4)
    assert brokerage(G, engine=engine) == {"a": 0.0, "b": 0.0, "c": 0.0}
    G.remove_edge("a", "c")
    G.add_edge("a", "c", patients=2)  # direct length 1/2 > 1/3: now the route runs through b
    assert brokerage(G, engine=engine) == {"a": 0.0, "b": 1.0, "c": 0.0}
