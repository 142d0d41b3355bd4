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

__all__ = ["payback_month", "profile", "year_weights", "summary_lines"]

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


def summary_lines(inc) -> list[str]:
    """`netkit.finance.incentives.Incentives.summary_lines`: patients diverted with the cash
    and capacity released; the cash bridge; what the range covers; the years and the payback
    (assessed only where an implementation cost is entered)."""
    from netkit.render.formats import fmt_money_rounded, fmt_number

    orgs, s = inc.organisations, inc.settings
    diverted = fmt_number(s.get("patients_diverted", 0.0))
    low, high = (fmt_number(s.get(k, 0.0)) for k in ("patients_diverted_low",
                                                      "patients_diverted_high"))
    if low != high:  # as shown: no "2,570 (2,570 to 2,570)"
        diverted += f" ({low} to {high})"
    bed_days = -orgs["bed_days_change"].clip(upper=0).sum() if "bed_days_change" in orgs \
        else 0.0
    if not s.get("implementation_cost"):
        payback = "no implementation cost entered — payback not assessed"
    else:
        payback = (f"pays back in month {inc.payback_month}" if inc.payback_month
                   else "does not pay back within ten years")
    released = float(orgs["cash_releasing"].sum())
    new_cash = (float(inc.services["cash_cost"].sum()) if "cash_cost" in inc.services
                else released - inc.system_net)
    return [f"{diverted} patients a year diverted; cash released "
            f"{fmt_money_rounded(released)}, capacity released "
            f"{fmt_money_rounded(orgs['capacity_releasing'].sum())} a year"
            + (f", {fmt_number(bed_days)} bed days" if bed_days else ""),
            f"cash bridge: cash released {fmt_money_rounded(released)} − new cash costs "
            f"{fmt_money_rounded(new_cash)} = system net {fmt_money_rounded(inc.system_net)}"
            " a year"] + ([] if inc.shift_ranged or not inc.range_words() else [
            "the range varies unit costs only: no range is given for the shift itself "
            "(shift.range)"]) + [
            "years 1-3: " + ", ".join(fmt_money_rounded(v) for v in inc.profile["net"])
            + f"; {payback}"]
