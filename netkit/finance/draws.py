"""The Monte Carlo behind every range: seeded draws of the shift's fraction and of each
service's costs, evaluated in blocks of draws (draws × services arrays), and their
percentiles.

* The fraction is drawn from a triangular distribution over ``shift.range`` (low, central,
  high): the central value is the most likely, nothing outside the range happens.
* Each service's unit and marginal cost are multiplied by one factor drawn from a triangular
  distribution over 1 ± ``cost_spread`` (`DEFAULT_COST_SPREAD`).
* Low and high are the 5th and 95th percentiles; an organisation's ``p_loss`` is the share of
  draws in which its net is below zero.
"""

from __future__ import annotations

import numpy as np

from netkit._parallel import in_threads
from netkit.finance.positions import ServiceMoney, fraction_cap, simulate

__all__ = ["DEFAULT_COST_SPREAD", "DEFAULT_DRAWS", "DEFAULT_SEED", "MIN_DRAWS", "check_draws",
           "draws", "percentiles", "too_few", "triangular"]

#: Cost uncertainty: each service's unit and marginal cost is drawn within ±20% of the stated
#: figure (triangular, most likely the stated one). Reasoning: unit costs from the National Cost
#: Collection for the same service differ between trusts by this much or more around the
#: national average, and a local costing is rarely better than that. Override with
#: ``cost_spread`` (0 for none).
DEFAULT_COST_SPREAD = 0.2
#: Monte Carlo draws and their seed (the same seed gives the same figures).
DEFAULT_DRAWS = 1000
DEFAULT_SEED = 0
#: The fewest draws a partner query gives ranges from: the 5th and 95th percentiles of fewer
#: would each rest on a handful of draws (one draw would give a "range" of one figure).
MIN_DRAWS = 100


def check_draws(draws) -> None:
    """``draws`` is 0 (the central figures alone) or a whole number of at least `MIN_DRAWS`
    (else `netkit.errors.OptionError`, saying so).

    Examples
    --------
    >>> check_draws(0), check_draws(1000)
    (None, None)
    >>> check_draws(20)
    Traceback (most recent call last):
    ...
    netkit.errors.OptionError: draws=20: give 0 (the central figures alone, no ranges) or at least 100 Monte Carlo draws; the 5th and 95th percentiles of fewer rest on a handful of draws
    """
    from netkit.errors import OptionError

    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        raise OptionError(f"draws={draws!r}: give a whole number of Monte Carlo draws, 0 or more")
    why = too_few(draws)
    if why:
        raise OptionError(f"draws={draws!r}: {why}")


def too_few(draws: int) -> str:
    """What to give instead where ``draws`` is too few for a range ("" where it is 0 or at
    least `MIN_DRAWS`): the words both `check_draws` and ``--draws`` use."""
    if 0 < draws < MIN_DRAWS:
        return (f"give 0 (the central figures alone, no ranges) or at least {MIN_DRAWS} "
                "Monte Carlo draws; the 5th and 95th percentiles of fewer rest on a handful of "
                "draws")
    return ""


def triangular(rng: np.random.Generator, low: float, mode: float, high: float, size):
    """Triangular draws (the mode clipped into the range; a constant where low equals high)."""
    low, high = min(low, high), max(low, high)
    if high - low <= 0:
        return np.full(size, float(low))
    return rng.triangular(low, min(max(mode, low), high), high, size)


def draws(money: ServiceMoney, shift, count: int, seed: int, spread: float,
          cap: bool) -> dict | None:
    """The Monte Carlo, vectorised over blocks of draws (`netkit.finance.positions.simulate`):
    ``org_net``, ``system_net``, ``released`` and the ``fractions`` drawn; None for no draws.
    The cost factors are drawn a block at a time from one seeded stream, the same figures as
    drawing them all at once."""
    if count <= 0:
        return None
    rng = np.random.default_rng(seed)
    fraction = float(shift.fraction)
    given = getattr(shift, "range", None)
    fractions = (triangular(rng, float(given[0]), fraction, float(given[1]), count) if given
                 else np.full(count, fraction))

    def factor(start: int, stop: int) -> np.ndarray:  # a block of draws at a time, in order
        return triangular(rng, 1 - spread, 1.0, 1 + spread, (stop - start, len(money.ids)))

    if cap:
        fractions = fraction_cap(money, fractions)
    out = simulate(money, fractions, factor if spread > 0 else None)
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
    if rows.ndim == 1:
        return tuple(float(v) for v in _ends(rows, below, above, at - below))
    low, high = np.empty(len(rows)), np.empty(len(rows))

    def ends_of(start: int) -> None:  # a block of organisations at a time: no copy of all
        low[start:start + _ROWS], high[start:start + _ROWS] = _ends(  # the draws
            rows[start:start + _ROWS], below, above, at - below).T

    starts = range(0, len(rows), _ROWS)
    with in_threads(len(starts)) as submit:  # blocks side by side (numpy lets threads run)
        blocks = [submit(lambda start=start: ends_of(start)) for start in starts]
    for block in blocks:
        block.result()
    return low, high


#: Organisations whose percentiles are taken together: their partitioned copy is 16 MB at
#: 1,000 draws, where one copy of all the draws was 380 MB for England.
_ROWS = 2048


def _ends(rows: np.ndarray, below: np.ndarray, above: np.ndarray, share: np.ndarray
          ) -> np.ndarray:
    """The 5th and 95th percentiles along the last axis, interpolated as numpy does.

    The draws are sorted rather than partitioned at the four ranks: the values at those
    ranks are the same, and numpy's sort (vectorised) took a third of the time of its
    partition at several ranks (0.8 s of processor time for England's 47,555 organisations).
    Only which of equal values comes first can differ, which shows where they are zeros of
    either sign (or missing): those rows are partitioned as before.

    Examples
    --------
    >>> rows = np.array([[3.0, -0.0, 0.0, 1.0], [4.0, 2.0, 8.0, 6.0]])
    >>> at = np.array([0.05, 0.95]) * 3
    >>> below = np.floor(at).astype(int)
    >>> _ends(rows, below, below + 1, at - below).tolist()
    [[0.0, 2.6999999999999993], [2.3, 7.699999999999999]]
    """
    ranks = sorted({*below, *above})
    part = np.sort(rows, axis=-1)
    picked = part[..., ranks]
    odd = ((picked == 0) | np.isnan(picked)).any(axis=-1)
    if np.any(odd):  # which zero (or NaN) comes first: as the partition puts them
        if part.ndim == 1:
            part = np.partition(rows, ranks)
        else:
            part[odd] = np.partition(rows[odd], ranks, axis=-1)
    return part[..., below] * (1 - share) + part[..., above] * share
