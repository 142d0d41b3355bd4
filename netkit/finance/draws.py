"""The Monte Carlo behind every range: seeded draws of the shift's fraction and of each
service's costs, evaluated all at once (draws × services arrays), and their percentiles.

* The fraction is drawn from a triangular distribution over ``shift.range`` (low, central,
  high): the central value is the most likely, nothing outside the range happens.
* Each service's unit and marginal cost are multiplied by one factor drawn from a triangular
  distribution over 1 ± ``cost_spread`` (`DEFAULT_COST_SPREAD`).
* Low and high are the 5th and 95th percentiles; an organisation's ``p_loss`` is the share of
  draws in which its net is below zero.
"""

from __future__ import annotations

import numpy as np

from netkit.finance.positions import ServiceMoney, fraction_cap, simulate

__all__ = ["DEFAULT_COST_SPREAD", "DEFAULT_DRAWS", "DEFAULT_SEED", "draws", "percentiles",
           "triangular"]

#: Cost uncertainty: each service's unit and marginal cost is drawn within ±20% of the stated
#: figure (triangular, most likely the stated one). Reasoning: unit costs from the National Cost
#: Collection for the same service differ between trusts by this much or more around the
#: national average, and a local costing is rarely better than that. Override with
#: ``cost_spread`` (0 for none).
DEFAULT_COST_SPREAD = 0.2
#: Monte Carlo draws and their seed (the same seed gives the same figures).
DEFAULT_DRAWS = 1000
DEFAULT_SEED = 0


def triangular(rng: np.random.Generator, low: float, mode: float, high: float, size):
    """Triangular draws (the mode clipped into the range; a constant where low equals high)."""
    low, high = min(low, high), max(low, high)
    if high - low <= 0:
        return np.full(size, float(low))
    return rng.triangular(low, min(max(mode, low), high), high, size)


def draws(money: ServiceMoney, shift, count: int, seed: int, spread: float,
          cap: bool) -> dict | None:
    """The Monte Carlo: every draw at once (draws × services arrays, no loop): ``org_net``,
    ``system_net``, ``released`` and the ``fractions`` drawn; None for no draws."""
    if count <= 0:
        return None
    rng = np.random.default_rng(seed)
    fraction = float(shift.fraction)
    given = getattr(shift, "range", None)
    fractions = (triangular(rng, float(given[0]), fraction, float(given[1]), count) if given
                 else np.full(count, fraction))
    factor = (triangular(rng, 1 - spread, 1.0, 1 + spread, (count, len(money.ids)))
              if spread > 0 else None)
    if cap:
        fractions = fraction_cap(money, fractions)
    out = simulate(money, fractions, factor)
    out["fractions"] = fractions
    return out


def percentiles(values: np.ndarray | None, central) -> tuple:
    """5th and 95th percentiles along the draws (the central figure where there are none), as
    numpy's default (linear) percentiles, one partition per organisation.

    Examples
    --------
    >>> percentiles(np.arange(101.0), 50.0)
    (5.0, 95.0)
    >>> percentiles(None, 7.0)
    (7.0, 7.0)
    """
    if values is None:
        return (central, central) if np.isscalar(central) else (np.asarray(central),) * 2
    values = np.asarray(values)
    n = len(values)
    at = np.array([0.05, 0.95]) * (n - 1)  # numpy's default (linear) percentiles
    below = np.floor(at).astype(int)
    above = np.minimum(below + 1, n - 1)
    rows = np.ascontiguousarray(values.T)  # each organisation's draws side by side in memory
    part = np.partition(rows, sorted({*below, *above}), axis=-1)
    share = at - below
    ends = part[..., below] * (1 - share) + part[..., above] * share
    low, high = ends[..., 0], ends[..., 1]
    return (float(low), float(high)) if np.ndim(low) == 0 else (low, high)
