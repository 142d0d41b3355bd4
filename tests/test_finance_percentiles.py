"""The draws' 5th and 95th percentiles (netkit.finance.draws.percentiles), found by sorting,
are the partition's to the last bit: ties, zeros of either sign and missing values included."""

from __future__ import annotations

import numpy as np
import pytest

from netkit.finance.draws import percentiles


def partitioned(values: np.ndarray) -> tuple:
    """The percentiles as numpy's partition at the four ranks gives them."""
    n = len(values)
    at = np.array([0.05, 0.95]) * (n - 1)
    below = np.floor(at).astype(int)
    above = np.minimum(below + 1, n - 1)
    rows = np.ascontiguousarray(values.T)
    part = np.partition(rows, sorted({*below, *above}), axis=-1)
    out = part[..., below] * (1 - (at - below)) + part[..., above] * (at - below)
    return out[..., 0], out[..., 1]


@pytest.mark.parametrize("seed", range(6))
def test_sorted_percentiles_are_the_partitions(seed):
    rng = np.random.default_rng(seed)
    draws = rng.choice([1000, 120, 7], p=[0.6, 0.3, 0.1])
    values = rng.normal(size=(draws, 300)) * 1000
    values[:, :100] = np.round(values[:, :100] / 500)  # ties
    zeros = rng.random(values.shape) < 0.3
    values[:, 100:200][zeros[:, 100:200]] = 0.0
    # mostly zeros of either sign: the ranks read fall on zeros
    values[:, 150:200][rng.random((draws, 50)) < 0.97] = 0.0
    values[:, 150:200][rng.random((draws, 50)) < 0.5] *= -1.0
    values[:, 200:210][rng.random((draws, 10)) < 0.2] = np.nan
    low, high = percentiles(values, np.zeros(300))
    want_low, want_high = partitioned(values)
    assert np.array_equal(low.view(np.int64), want_low.view(np.int64))
    assert np.array_equal(high.view(np.int64), want_high.view(np.int64))
    one = percentiles(values[:, 150], 0.0)
    assert [np.float64(v).view(np.int64) for v in one] == [
        np.float64(v).view(np.int64) for v in partitioned(values[:, 150])]
