"""`netkit._frames.key_sums` adds as a pandas group sum does, to the last digit."""

import numpy as np
import pandas as pd
import pytest

from netkit._frames import key_sums


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("shape", ["shuffled", "sorted", "missing", "sparse"])
def test_as_pandas_adds(seed, shape):
    rng = np.random.default_rng(seed)
    n = 20_000
    keys = rng.integers(0, 3_000, n) * (10_000 if shape == "sparse" else 7)
    values = rng.random(n) * 10.0 ** rng.integers(-3, 9, n)
    if shape == "sorted":
        keys = np.sort(keys)
    if shape == "missing":
        values[rng.random(n) < 0.05] = np.nan
    expected = pd.Series(values).groupby(keys).sum()
    distinct, sums = key_sums(keys, values)
    assert distinct.tolist() == expected.index.tolist()
    assert np.array_equal(sums, expected.to_numpy(), equal_nan=True)


def test_empty():
    distinct, sums = key_sums(np.zeros(0, dtype=np.int64), np.zeros(0))
    assert len(distinct) == len(sums) == 0


def test_without_pandas_kernel(monkeypatch):
    import pandas._libs.groupby as kernels

    def changed(*args, **kwargs):
        raise TypeError("another signature")

    monkeypatch.setattr(kernels, "group_sum", changed)
    rng = np.random.default_rng(9)
    keys = rng.integers(0, 500, 5_000)
    values = rng.random(5_000) * 1e6
    expected = pd.Series(values).groupby(keys).sum()
    distinct, sums = key_sums(keys, values)
    assert distinct.tolist() == expected.index.tolist()
    assert np.array_equal(sums, expected.to_numpy())
