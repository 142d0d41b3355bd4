"""netkit.transfer.scaling gives scikit-learn's StandardScaler figures to the bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.preprocessing import StandardScaler

from netkit.transfer.scaling import Standardiser, spread

values = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 8)), elements=values))
def test_spread_is_standard_scalers_scale_to_the_bit(X):
    assert np.array_equal(spread(X), StandardScaler().fit(X).scale_)


def test_constant_columns_scale_to_one_as_scikit_learn_does():
    X = np.array([[5.0, 0.0, 0.1, 1.0], [5.0, 0.0, 0.1, 3.0], [5.0, 0.0, 0.1, 2.0]])
    assert spread(X).tolist() == [1.0, 1.0, 1.0, StandardScaler().fit(X).scale_[3]]
    assert spread(X)[3] == np.sqrt(2 / 3)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 20), st.integers(1, 6)), elements=values))
def test_a_standardiser_transforms_as_a_fitted_scaler(X):
    fitted = StandardScaler().fit(X)
    kept = Standardiser(fitted.mean_, fitted.scale_)
    assert np.array_equal(kept.transform(X), fitted.transform(X))
