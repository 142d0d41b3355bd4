"""The system's money year by year (years 1 to 3) and the payback point.

Month by month from the start (month 1 = the first month of the shift):

* the shift ramps up in a straight line over ``ramp_months`` (the share achieved in month *t* is
  ``min((t − ½) / ramp_months, 1)``; all at once when no ramp is given);
* during the first ``double_running_months`` the old services keep running beside the new ones,
  so the cash they would release is not yet released (the new costs are already paid);
* ``implementation_cost`` is paid before month 1 (it counts in year 1).

So month *t* gives ``achieved(t) × (net − released × [t ≤ double running]) / 12``, where ``net`` is
the system's net a year at full effect and ``released`` the cash released a year at full effect.
Payback is the first month in which the running total (starting at minus the implementation
cost) reaches zero, looked for over ten years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["payback_month", "profile", "year_weights"]

YEARS = 3
HORIZON_MONTHS = 120


def _achieved(months: np.ndarray, ramp: float | None) -> np.ndarray:
    if not ramp or ramp <= 0:
        return np.ones(len(months))
    return np.minimum((months - 0.5) / float(ramp), 1.0)


def year_weights(ramp: float | None, double_running: float | None,
                 years: int = YEARS) -> tuple[np.ndarray, np.ndarray]:
    """Per year, the multiples of the yearly net and of the yearly cash released it gets.

    Examples
    --------
    A 12-month ramp reaches half the yearly effect in year 1; three months of double running
    hold back (0.5 + 1.5 + 2.5) / 12 of a month's release, that is 4.5 / 144 of a year's:

    >>> net, held = year_weights(12, 3)
    >>> net.tolist(), held.tolist() == [4.5 / 144, 0.0, 0.0]
    ([0.5, 1.0, 1.0], True)
    """
    months = np.arange(1, 12 * years + 1, dtype=float)
    achieved = _achieved(months, ramp) / 12
    running = months <= float(double_running or 0)
    net = achieved.reshape(years, 12).sum(axis=1)
    held = (achieved * running).reshape(years, 12).sum(axis=1)
    return net, held


def profile(net: np.ndarray, released: np.ndarray, implementation: float | None,
            ramp: float | None, double_running: float | None) -> np.ndarray:
    """Year-by-year net (draws × years) from yearly nets and cash released at full effect.

    Examples
    --------
    >>> profile(np.array([120_000.0]), np.array([200_000.0]), 50_000, 12, 3).round().tolist()
    [[3750.0, 120000.0, 120000.0]]
    """
    weights, held = year_weights(ramp, double_running)
    years = np.outer(net, weights) - np.outer(released, held)
    years[:, 0] -= float(implementation or 0.0)
    return years


def payback_month(net: float, released: float, implementation: float | None,
                  ramp: float | None, double_running: float | None) -> int | None:
    """The first month whose running total is at least zero (None: not within ten years).

    Examples
    --------
    >>> payback_month(120_000, 200_000, 50_000, 12, 3)
    12
    >>> payback_month(-10_000, 0, 0, None, None) is None
    True
    """
    months = np.arange(1, HORIZON_MONTHS + 1, dtype=float)
    monthly = _achieved(months, ramp) * (net - released * (months <= float(double_running or 0)))
    running = np.cumsum(monthly / 12) - float(implementation or 0.0)
    reached = np.nonzero(running >= -1e-9)[0]
    return int(reached[0] + 1) if len(reached) else None


def profile_frame(central: np.ndarray, draws: np.ndarray | None = None) -> pd.DataFrame:
    """``year, net, net_low, net_high``: the central profile and the 5th and 95th percentiles
    of the draws' profiles (equal to the central one without draws)."""
    low = np.percentile(draws, 5, axis=0) if draws is not None and len(draws) else central
    high = np.percentile(draws, 95, axis=0) if draws is not None and len(draws) else central
    return pd.DataFrame({"year": np.arange(1, len(central) + 1), "net": central,
                         "net_low": low, "net_high": high})
