"""Each candidate's busiest handoff partner (`netkit.partners.reasons.top_counterparts`) on
codes, against the groupby and sort of the frames it replaced (ties broken by id)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netkit.partners.reasons import _top_counterparts_of_frames, top_counterparts


@pytest.mark.parametrize("seed", range(8))
def test_as_the_frames_give_it(seed):
    rng = np.random.default_rng(seed)
    ids = np.array([f"O{i:02d}" for i in rng.permutation(15)], dtype=object)
    n = int(rng.integers(1, 60))
    pairs = pd.DataFrame({"source": ids[rng.integers(0, 15, n)],
                          "target": ids[rng.integers(0, 15, n)],
                          "patients": rng.choice([5.0, 10.0, 0.1, 0.2, 0.3, 7.5], n)})
    assert top_counterparts(pairs) == _top_counterparts_of_frames(pairs)


def test_ties_and_empty():
    pairs = pd.DataFrame({"source": ["B", "A", "A"], "target": ["C", "C", "B"],
                          "patients": [4.0, 4.0, 4.0]})
    assert top_counterparts(pairs) == {"A": ("B", 4.0), "B": ("A", 4.0), "C": ("A", 4.0)}
    empty = pairs.iloc[:0]
    assert top_counterparts(empty) == {}
