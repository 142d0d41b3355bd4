"""Standardising features as scikit-learn's ``StandardScaler`` does, without importing it.

A comparison of two systems reads each feature's spread over the reference systems, and the
stored role model standardises organisations with the reference set's means and scales. Both
are a few lines of arithmetic; importing scikit-learn for them took about 0.9 s of a cold
``netkit compare`` (most of it scipy.stats, which scikit-learn loads). The figures are
scikit-learn's to the bit: the same corrected two-pass variance (Chan, Golub and LeVeque), the
same test for a feature that is constant within rounding, and a scale of 1 for it; the tests
check both against ``StandardScaler`` on random and constant columns.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Standardiser", "spread"]

_EPS = np.finfo(np.float64).eps


def _mean_and_variance(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and population variances, as scikit-learn works them out (no missing
    values)."""
    n = float(X.shape[0])
    total = np.sum(X, axis=0)
    mean = total / n
    centred = X - mean
    correction = np.sum(centred, axis=0)
    centred **= 2
    variance = np.sum(centred, axis=0)
    variance -= correction ** 2 / n  # the correction term of the corrected two-pass algorithm
    return mean, variance / n


def spread(X) -> np.ndarray:
    """Each column's population standard deviation, 1 where the column is constant within
    rounding (``StandardScaler().fit(X).scale_``).

    Examples
    --------
    >>> spread(np.array([[1.0, 5.0], [3.0, 5.0]])).tolist()
    [1.0, 1.0]
    >>> spread(np.array([[0.0], [4.0]])).tolist()
    [2.0]
    """
    X = np.asarray(X, dtype=np.float64)
    mean, variance = _mean_and_variance(X)
    n = X.shape[0]
    constant = variance <= n * _EPS * variance + (n * mean * _EPS) ** 2
    scale = np.sqrt(variance)
    scale[constant] = 1.0
    return scale


class Standardiser:
    """Means and scales to standardise by: ``(X - mean) / scale``, as a fitted
    ``StandardScaler`` transforms (``mean_``, ``scale_``, ``var_`` and ``transform`` by its
    names, so that code written for one reads the other).

    Examples
    --------
    >>> s = Standardiser([1.0, 10.0], [2.0, 5.0])
    >>> s.transform(np.array([[3.0, 0.0]])).tolist()
    [[1.0, -2.0]]
    """

    def __init__(self, mean, scale):
        self.mean_ = np.asarray(mean, dtype=float)
        self.scale_ = np.asarray(scale, dtype=float)
        self.var_ = self.scale_ ** 2
        self.n_features_in_ = len(self.mean_)

    def transform(self, X) -> np.ndarray:
        out = np.array(X, dtype=np.float64)  # a copy, changed in place as scikit-learn does
        out -= self.mean_
        out /= self.scale_
        return out
