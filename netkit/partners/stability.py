"""Stability: how often each candidate is core when the weights are perturbed.

Each run multiplies every criterion weight by a factor drawn uniformly from
``[1 - spread, 1 + spread]`` (seeded, so the same seed gives the same answer) and selects again.
A partner that is core in 100% of runs is a robust choice; one at 40% is borderline and the
report says so.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from netkit.model.opportunity import CRITERIA
from netkit.partners.selection import select_partners

__all__ = ["stability"]


def stability(shares: pd.DataFrame, pairs: pd.DataFrame, related: list, weights: Mapping,
              cost: Mapping, include: Iterable[str] = (), exclude: Iterable[str] = (),
              runs: int = 100, seed: int = 0, spread: float = 0.5) -> pd.Series:
    """Fraction of perturbed runs in which each candidate is core.

    Examples
    --------
    >>> shares = pd.DataFrame({"activity": [0.6, 0.4], "handoffs": [0.0, 0.0],
    ...     "brokerage": 0.0, "commissioning": 0.0, "incentives": 0.0}, index=["A", "B"])
    >>> pairs = pd.DataFrame(columns=["source", "target", "patients"])
    >>> stability(shares, pairs, [], {"activity": 1}, {"partner": 0.1, "new_tie": 0},
    ...           runs=10).to_dict()
    {'A': 1.0, 'B': 1.0}
    """
    rng = np.random.default_rng(seed)
    counts = pd.Series(0, index=shares.index, dtype="int64")
    include, exclude = list(include), list(exclude)
    for _ in range(runs):
        factors = rng.uniform(1 - spread, 1 + spread, size=len(CRITERIA))
        perturbed = {c: float(weights.get(c, 0.0)) * f for c, f in zip(CRITERIA, factors)}
        core = select_partners(shares, pairs, related, perturbed, cost, include, exclude,
                               curve_limit=0).core
        counts[core] += 1
    return (counts / runs).astype("float64") if runs else counts.astype("float64")
