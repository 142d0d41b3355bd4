"""The seeded layout shared by maps and their pictures."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.viz.layout import spring_layout


def _distance(pos, a, b):
    p = pos.set_index("id")
    return float(np.hypot(p.at[a, "x"] - p.at[b, "x"], p.at[a, "y"] - p.at[b, "y"]))


def test_same_seed_same_positions_other_seed_other_positions():
    edges = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"],
                          "patients": [10.0, 20.0, 30.0]})
    nodes = ["a", "b", "c", "d"]
    assert spring_layout(nodes, edges, seed=3).equals(spring_layout(nodes, edges, seed=3))
    assert not spring_layout(nodes, edges, seed=3).equals(spring_layout(nodes, edges, seed=4))


def test_a_heavy_handoff_pulls_closer_than_none():
    # a-b hand off 1,000 patients a year; c and d hand off nothing to anyone.
    edges = pd.DataFrame({"source": ["a"], "target": ["b"], "patients": [1000.0]})
    pos = spring_layout(["a", "b", "c", "d"], edges, seed=0)
    assert _distance(pos, "a", "b") < _distance(pos, "c", "d")


def test_edges_naming_unknown_nodes_and_self_loops_are_ignored():
    edges = pd.DataFrame({"source": ["a", "a", "zz"], "target": ["a", "b", "b"],
                          "patients": [5.0, 1.0, 9.0]})
    pos = spring_layout(["a", "b"], edges)
    assert pos["id"].tolist() == ["a", "b"]


def test_trivial_sizes():
    assert spring_layout([]).empty
    assert spring_layout(["only"]).to_dict("records") == [{"id": "only", "x": 0.0, "y": 0.0}]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 40), m=st.integers(0, 80), seed=st.integers(0, 2**16))
def test_positions_are_finite_centred_and_within_the_unit_box(n, m, seed):
    rng = np.random.default_rng(seed)
    nodes = [f"n{i:02d}" for i in range(n)]
    edges = pd.DataFrame({"source": rng.choice(nodes, m), "target": rng.choice(nodes, m),
                          "patients": rng.integers(0, 500, m).astype(float)})
    pos = spring_layout(nodes, edges, seed=seed)
    xy = pos[["x", "y"]].to_numpy()
    assert np.isfinite(xy).all()
    assert np.abs(xy).max() <= 1.0
    assert np.abs(xy).max() == 1.0 or np.allclose(xy, 0)
