"""Rates, ratios and funnel-plot statistics for comparing places.

A place's count of events (admissions, attendances, bed days) is compared with what it would be at
a benchmark: its population times the benchmark rate (a crude rate), or the sum over age bands of
its population times the reference rate of each band (an indirectly standardised ratio). Counts
are treated as Poisson, as public health and NHS outcome reporting does.

* `poisson_interval`: confidence limits for an observed count. The default ``method="phe"``
  follows PHE Fingertips and the PHEindicatormethods R package (``phe_rate``, ``phe_isr``,
  ``byars_lower``, ``byars_upper``): exact limits from the chi-squared distribution below 10
  events, Byar's approximation from 10 events; ``method="exact"`` uses the exact limits throughout.
  The exact limits are ``chi2.ppf(a/2, 2O) / 2`` and ``chi2.ppf(1 - a/2, 2O + 2) / 2``; Byar's are
  ``O (1 - 1/(9O) - z/(3 sqrt O))**3`` and ``(O+1) (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))**3``.
* `rates` and `indirectly_standardised`: a rate per head (per ``per``) or a ratio observed /
  expected, each with those limits divided by the denominator or by the expected count.
* `funnel_limits`: control limits around a target for a unit of any size, from the quantiles of
  the Poisson distribution of the count expected at the target, interpolated between integers as
  Spiegelhalter (2005, appendix) does, so the funnel is smooth and an in-control unit falls outside
  with about the nominal probability. One formula serves rates (size = denominator, target = the
  benchmark rate per ``per``) and ratios (size = expected count, target = 1).
* `outliers`: each unit's place on the funnel ("within what chance would give", above or below
  the 95% and 99.8% limits) and, for a unit above the limit, the excess count: central (to bring it
  to the target), low (to bring it to the upper limit: the part chance cannot explain) and high
  (to the lower limit).

Control limits are prediction limits around the target for a unit of that size, not a confidence
interval around the unit's own value; Seaton and Manktelow (2012) show why the two differ and
recommend prediction limits for funnel plots. For a ratio, PHEindicatormethods draws its funnel
lines by inverting exact intervals (``phe_funnels`` with ``statistic = "ratio"``): a count O is
beyond its upper line when the exact lower limit of O exceeds the expected count. At the expected
count where that line passes through O, the interpolated upper limit here is exactly O - 1 (the
tests check this on the package's own published table): the two agree on every count but the one
at the boundary, the Poisson quantile, which the interpolated limit may flag and the exact interval
does not.

References
----------
.. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Statistics in
   Medicine 2005; 24: 1185-1202 (appendix A.1: limits for discrete distributions, with
   interpolation).
.. [2] Flowers J. Statistical process control methods in public health intelligence. Technical
   Briefing 2, Association of Public Health Observatories, 2007 (control charts and funnel plots
   in public health practice).
.. [3] Public Health England. PHEindicatormethods (R package): R/Rates.R, R/ISR.R, R/Byars.R
   (exact limits below 10 events, Byar's from 10), R/Funnels.R and R/utils.R (funnel limits at
   0.975 and 0.999 each side: 95% and 99.8%), and
   tests/testthat/testdata_funnel_ratio_outputs.csv.
.. [4] Breslow NE, Day NE. Statistical methods in cancer research, volume II. IARC, 1987
   (Byar's approximation).
.. [5] Seaton SE, Manktelow BN. The probability of being identified as an outlier with commonly
   used funnel plot control limits for the standardised mortality ratio. BMC Medical Research
   Methodology 2012; 12: 98.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm, poisson

from netkit.errors import OptionError

__all__ = ["poisson_interval", "rates", "indirectly_standardised", "funnel_limits", "outliers",
           "Outliers", "LEVELS", "BYAR_FROM", "WITHIN"]

#: The control limits of NHS and public health outcome reporting: 95% ("alert") and 99.8%.
LEVELS = (0.95, 0.998)
#: PHE Fingertips uses exact Poisson limits below this many events and Byar's from it.
BYAR_FROM = 10
#: The verdict of a unit inside every control limit.
WITHIN = "within what chance would give"


def _label(level: float) -> str:
    """A column suffix for a level: 0.95 -> '95', 0.998 -> '99_8'."""
    return f"{level * 100:g}".replace(".", "_")


def _percent(level: float) -> str:
    """A level as people write it: 0.95 -> '95%', 0.998 -> '99.8%'."""
    return f"{level * 100:g}%"


def _series(values, name: str) -> pd.Series:
    """Values as a float Series (a mapping's keys or a Series' index become the index)."""
    if isinstance(values, pd.Series):
        out = values.astype(float)
    elif isinstance(values, dict):
        out = pd.Series(values, dtype=float)
    else:
        out = pd.Series(np.asarray(values, dtype=float))
    bad = ~np.isfinite(out.to_numpy()) | (out.to_numpy() < 0)
    if bad.any():
        raise OptionError(f"{name} must be numbers >= 0 (got {list(out[bad])[:3]} among them)")
    return out.rename(name)


def _per(per) -> float:
    if not (np.ndim(per) == 0 and np.isfinite(per) and per > 0):
        raise OptionError(f"per must be a number > 0, such as 1,000 (got {per!r})")
    return float(per)


def _levels(levels) -> tuple[float, ...]:
    levels = tuple(float(x) for x in (levels if np.ndim(levels) else [levels]))
    if not levels or any(not 0 < x < 1 for x in levels):
        raise OptionError(f"levels must be probabilities between 0 and 1, such as (0.95, 0.998) "
                          f"(got {levels})")
    return tuple(sorted(set(levels)))


def _method(method: str) -> str:
    if method not in ("phe", "exact"):
        raise OptionError(f"method must be 'phe' (exact below {BYAR_FROM} events, Byar's from "
                          f"{BYAR_FROM}) or 'exact' (got {method!r})")
    return method


def poisson_interval(observed, level: float = 0.95, method: str = "phe"):
    """Confidence limits for observed Poisson counts.

    Parameters
    ----------
    observed : array-like of numbers >= 0
        The counts.
    level : float
        The two-sided confidence level (0.95, 0.998).
    method : {"phe", "exact"}
        ``"phe"``: exact limits below `BYAR_FROM` (10) events and Byar's approximation from it,
        as PHE Fingertips does; ``"exact"``: the exact (chi-squared) limits for every count.

    Returns
    -------
    (lower, upper) : tuple of numpy arrays
        The limits on the count scale (divide by a denominator for a rate, by an expected count
        for a ratio).

    Examples
    --------
    >>> lower, upper = poisson_interval([0, 4, 65])
    >>> [round(float(x), 3) for x in lower], [round(float(x), 3) for x in upper]
    ([0.0, 1.09, 50.163], [3.689, 10.242, 82.849])
    """
    count = _series(observed, "observed").to_numpy()
    if np.ndim(level):
        raise OptionError(f"level must be one probability, such as 0.95 (got {level!r})")
    (level,) = _levels(level)
    tail = (1 - level) / 2
    exact_lower = np.where(count > 0, chi2.ppf(tail, 2 * np.maximum(count, 1e-300)) / 2, 0.0)
    exact_upper = chi2.ppf(1 - tail, 2 * count + 2) / 2
    if _method(method) == "exact":
        return exact_lower, exact_upper
    z = norm.ppf(1 - tail)
    safe = np.maximum(count, 1.0)  # Byar's is used only from 10 events; this keeps 0 quiet
    byar_lower = safe * (1 - 1 / (9 * safe) - z / (3 * np.sqrt(safe))) ** 3
    byar_upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * np.sqrt(count + 1))) ** 3
    small = count < BYAR_FROM
    return np.where(small, exact_lower, byar_lower), np.where(small, exact_upper, byar_upper)


def _with_intervals(frame: pd.DataFrame, observed: np.ndarray, scale: np.ndarray, levels,
                    method: str) -> pd.DataFrame:
    """Add lower_/upper_ columns (each level's interval of ``observed`` times ``scale``)."""
    for level in _levels(levels):
        lower, upper = poisson_interval(observed, level, method)
        frame[f"lower_{_label(level)}"] = lower * scale
        frame[f"upper_{_label(level)}"] = upper * scale
    frame["method"] = np.where((observed < BYAR_FROM) | (_method(method) == "exact"),
                               "exact", "Byar")
    return frame


def rates(observed, population, per: float = 1000, levels=(0.95,),
          method: str = "phe") -> pd.DataFrame:
    """Crude rates per ``per`` people with Poisson confidence limits.

    Parameters
    ----------
    observed : Series, mapping or array-like
        Events by place (a Series' index or a mapping's keys name the places).
    population : same shape as `observed`
        The denominator by place (people, or person-years); every one > 0.
    per : float
        Rates per this many (1,000 by default: frailty admissions per 1,000 aged 65 and over).
    levels : sequence of float
        Confidence levels of the intervals (95% by default; add 0.998 for the outer one).
    method : {"phe", "exact"}
        See `poisson_interval`.

    Returns
    -------
    DataFrame
        One row a place: observed, population, rate, lower_95, upper_95 (one pair a level) and
        method ("exact" or "Byar").

    Examples
    --------
    >>> rates({"North": 4, "South": 65}, {"North": 2000, "South": 10000}).round(3)
           observed  population  rate  lower_95  upper_95 method
    North       4.0      2000.0   2.0     0.545     5.121  exact
    South      65.0     10000.0   6.5     5.016     8.285   Byar
    """
    count, people, per = _series(observed, "observed"), _series(population, "population"), _per(per)
    if not count.index.equals(people.index):
        raise OptionError("observed and population must name the same places in the same order")
    if (people <= 0).any():
        raise OptionError(f"population must be > 0 for every place (got 0 for "
                          f"{list(people.index[people <= 0])[:3]})")
    frame = pd.DataFrame({"observed": count, "population": people,
                          "rate": count / people * per})
    return _with_intervals(frame, count.to_numpy(), per / people.to_numpy(), levels, method)


def indirectly_standardised(observed, population_by_band: pd.DataFrame, reference_rates_by_band,
                            per: float = 1, levels=(0.95,), method: str = "phe") -> pd.DataFrame:
    """Expected counts and indirectly standardised ratios (observed / expected).

    A place's expected count is what it would see if each of its age bands (or any other bands)
    had the reference rate: the sum over bands of its population times the reference rate,
    divided by ``per``. The ratio's limits are the count's limits divided by the expected count,
    as ``phe_isr`` computes them.

    Parameters
    ----------
    observed : Series or mapping
        Events by place (all bands together).
    population_by_band : DataFrame
        One row a place (the same index as `observed`), one column a band.
    reference_rates_by_band : Series or mapping
        The reference rate of each band (per ``per`` people); every band of
        `population_by_band` must have one.
    per : float
        What the reference rates are per (1: per head).
    levels, method
        As for `rates`.

    Returns
    -------
    DataFrame
        observed, expected, ratio, lower_95, upper_95, method.

    Examples
    --------
    >>> bands = pd.DataFrame({"65-79": [1000, 3000], "80+": [1000, 500]}, index=["A", "B"])
    >>> indirectly_standardised({"A": 60, "B": 40}, bands, {"65-79": 10, "80+": 50},
    ...                         per=1000).round(3)
       observed  expected  ratio  lower_95  upper_95 method
    A      60.0      60.0  1.000     0.763     1.287   Byar
    B      40.0      55.0  0.727     0.520     0.990   Byar
    """
    count, per = _series(observed, "observed"), _per(per)
    people = pd.DataFrame(population_by_band).astype(float)
    reference = _series(reference_rates_by_band, "reference_rates_by_band")
    missing = [band for band in people.columns if band not in reference.index]
    if missing:
        raise OptionError(f"reference_rates_by_band has no rate for the bands {missing}")
    if not count.index.equals(people.index):
        raise OptionError("observed and population_by_band must name the same places in the "
                          "same order")
    if (people.to_numpy() < 0).any():
        raise OptionError("population_by_band must be numbers >= 0")
    expected = people.to_numpy() @ reference.reindex(people.columns).to_numpy() / per
    if (expected <= 0).any():
        raise OptionError(f"every place needs an expected count > 0 (got 0 for "
                          f"{list(count.index[expected <= 0])[:3]})")
    frame = pd.DataFrame({"observed": count, "expected": expected, "ratio": count / expected})
    return _with_intervals(frame, count.to_numpy(), 1 / expected, levels, method)


def _interpolated_quantile(mean: np.ndarray, p: float) -> np.ndarray:
    """The p-quantile of Poisson(mean), interpolated between integers (Spiegelhalter 2005, A.1).

    With y the smallest integer whose distribution function F(y) >= p, the limit is y - a with
    a = (F(y) - p) / (F(y) - F(y - 1)): continuous in the mean, and equal to y where F(y) = p.
    """
    y = poisson.ppf(p, mean)
    at, below = poisson.cdf(y, mean), poisson.cdf(y - 1, mean)
    return np.maximum(y - (at - p) / (at - below), 0.0)


def _count_limits(expected: np.ndarray, levels) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Each level's (lower, upper) control limits on the count scale.

    The limits never cross the expected count: below an expected count of about 0.025 (95%) or
    0.001 (99.8%) a single event is already beyond the upper limit, and the interpolated quantile
    would put that limit under the target; it is held at the target instead, which classes every
    count the same way.
    """
    return {level: (np.minimum(_interpolated_quantile(expected, (1 - level) / 2), expected),
                    np.maximum(_interpolated_quantile(expected, 1 - (1 - level) / 2), expected))
            for level in _levels(levels)}


def funnel_limits(size, target: float = 1.0, levels=LEVELS, per: float = 1) -> pd.DataFrame:
    """Poisson control limits around a target, for units of the given sizes.

    Parameters
    ----------
    size : Series, mapping or array-like of numbers > 0
        For ratios, each unit's expected count (``target=1``); for rates, each unit's
        denominator (``target`` the benchmark rate per ``per``). A grid of sizes draws the funnel.
    target : float
        The benchmark: 1 for a ratio, a rate per ``per`` for a rate (0: no events expected, so
        every unit with an event is above the limits).
    levels : sequence of float
        Two-sided levels of the limits (95% and 99.8% by default).
    per : float
        What a rate is per (1 for ratios).

    Returns
    -------
    DataFrame
        One row a unit: size, expected (the count at the target: size x target / per), target,
        and lower_95, upper_95, lower_99_8, upper_99_8 on the scale of the target (a rate per
        ``per`` or a ratio).

    Notes
    -----
    The limits narrow towards the target as the size grows: the lower limits never fall, and
    the upper limits fall over every doubling of the size (for expected counts of 1 or more).
    Between doublings the discrete Poisson gives the upper limits a small sawtooth, a few
    hundredths of the target at most, as every exact funnel has. Below an expected count of
    about 0.025 (95%) or 0.001 (99.8%) one event is already beyond the upper limit, and that
    limit is held at the target.

    Examples
    --------
    A place expected to see 20 admissions at the benchmark; and places of 1,000 and 10,000
    people against a rate of 10 per 1,000:

    >>> funnel_limits([20]).round(3)
       size  expected  target  lower_95  upper_95  lower_99_8  upper_99_8
    0  20.0      20.0     1.0      0.56     1.437       0.358       1.736
    >>> limits = funnel_limits({"A": 1000, "B": 10000}, target=10, per=1000)
    >>> limits[["lower_95", "upper_95"]].round(2)
       lower_95  upper_95
    A      3.78     16.16
    B      8.04     11.96
    """
    return _funnel(_series(size, "size"), target, _levels(levels), _per(per))[0]


def _funnel(units: pd.Series, target: float, levels, per: float):
    """`funnel_limits`' table, and each level's (lower, upper) limits on the count scale."""
    if (units <= 0).any():
        raise OptionError(f"size must be > 0 for every unit (got 0 for "
                          f"{list(units.index[units <= 0])[:3]})")
    if not (np.ndim(target) == 0 and np.isfinite(target) and target >= 0):
        raise OptionError(f"target must be a rate or ratio >= 0 (got {target!r})")
    expected = units.to_numpy() * target / per
    frame = pd.DataFrame({"size": units, "expected": expected, "target": float(target)},
                         index=units.index)
    scale = per / units.to_numpy()
    counts = _count_limits(expected, levels)
    for level, (lower, upper) in counts.items():
        frame[f"lower_{_label(level)}"] = lower * scale
        frame[f"upper_{_label(level)}"] = upper * scale
    return frame, counts


@dataclass(frozen=True)
class Outliers:
    """Where each unit sits on the funnel, and the excess of those above it.

    ``frame`` has one row a unit: observed, size, expected (at the target), value (the unit's rate
    or ratio), the limits on the value scale, above_/below_ flags for each level, verdict, and
    excess, excess_low, excess_high (counts a period; 0 unless the unit is above the upper limit
    at ``excess_level``).
    """

    frame: pd.DataFrame
    target: float
    per: float
    levels: tuple[float, ...]
    excess_level: float

    def __repr__(self) -> str:
        above = int(self.frame[f"above_{_label(self.excess_level)}"].sum())
        return (f"<Outliers: {len(self.frame):,} units, target {self.target:g}, {above} above the "
                f"{_percent(self.excess_level)} limit, excess {self.frame['excess'].sum():,.1f}>")

    @property
    def above(self) -> pd.DataFrame:
        """The units above the upper limit at ``excess_level``, largest excess first."""
        flagged = self.frame[self.frame[f"above_{_label(self.excess_level)}"]]
        return flagged.sort_values("excess", ascending=False, kind="stable")

    def to_frame(self) -> pd.DataFrame:
        return self.frame

    def to_dict(self) -> dict:
        from netkit.render.formats import to_jsonable

        units = self.frame.rename_axis("unit").reset_index()
        return to_jsonable({"target": self.target, "per": self.per, "levels": list(self.levels),
                            "excess_level": self.excess_level,
                            "units": units.to_dict("records")})

    def _repr_html_(self) -> str:
        import html

        from netkit.render.formats import html_table

        shown = self.frame.rename_axis("unit").reset_index().round(3)
        return (f"<p>{html.escape(repr(self))}</p>" + html_table(shown))


def outliers(observed, size, target: float | None = None, levels=LEVELS, per: float = 1,
             excess_level: float = 0.95) -> Outliers:
    """Each unit against the funnel's control limits, with the excess of those above.

    Parameters
    ----------
    observed : Series, mapping or array-like
        Events by unit.
    size : same shape as `observed`
        Expected counts (ratios, ``target=1``) or denominators (rates per ``per``).
    target : float, optional
        The benchmark rate or ratio. By default the pooled value of all the units,
        sum(observed) / sum(size) x per: the system's own rate.
    levels : sequence of float
        The control limits (95% and 99.8%).
    per : float
        What a rate is per.
    excess_level : float
        The limit a unit must exceed to carry an excess (one of `levels`).

    Returns
    -------
    Outliers
        A unit is above a limit when its count exceeds the upper control limit, below when
        under the lower one; otherwise its verdict is "within what chance would give". For a
        unit above the ``excess_level`` limit, excess = observed - expected (the count that would
        bring it to the target), excess_low = observed - the upper limit's count (what chance
        cannot explain) and excess_high = observed - the lower limit's count; every other unit
        has an excess of 0.

    Examples
    --------
    Three places against a benchmark of 20 per 1,000 (the tests show the arithmetic):

    >>> found = outliers({"North": 40, "South": 43, "East": 50}, {"North": 3000, "South": 2000,
    ...                  "East": 1500}, target=20, per=1000)
    >>> found.frame[["expected", "value", "verdict"]].round(1)
           expected  value                        verdict
    North      60.0   13.3            below the 95% limit
    South      40.0   21.5  within what chance would give
    East       30.0   33.3          above the 99.8% limit
    >>> found.frame.loc["East", ["excess_low", "excess", "excess_high"]].round(1).tolist()
    [9.3, 20.0, 30.8]
    """
    count, units, per = _series(observed, "observed"), _series(size, "size"), _per(per)
    if not count.index.equals(units.index):
        raise OptionError("observed and size must name the same units in the same order")
    levels = _levels(levels)
    if excess_level not in levels:
        raise OptionError(f"excess_level must be one of levels {levels} (got {excess_level!r})")
    if target is None:
        target = float(count.sum() / units.sum() * per) if units.sum() > 0 else 0.0
    limits, counts = _funnel(units, target, levels, per)
    frame = limits.drop(columns=["size", "target"])
    frame.insert(0, "observed", count.to_numpy())
    frame.insert(1, "size", units.to_numpy())
    frame.insert(3, "value", (count / units * per).to_numpy())
    frame.insert(4, "target", float(target))
    return Outliers(_place(frame, count.to_numpy(), counts, excess_level), float(target),
                    float(per), levels, float(excess_level))


def _place(frame: pd.DataFrame, count: np.ndarray, counts, excess_level: float) -> pd.DataFrame:
    """Flags, verdicts and excess for each unit, from each level's limits on the count scale."""
    expected = frame["expected"].to_numpy()
    levels = sorted(counts)
    verdict = np.full(len(frame), WITHIN, dtype=object)
    # the widest limit a unit is outside wins: walk the levels narrowest first
    for level in levels:
        lower, upper = counts[level]
        above, below = count > upper, count < lower
        frame[f"above_{_label(level)}"] = above
        frame[f"below_{_label(level)}"] = below
        verdict = np.where(above, f"above the {_percent(level)} limit", verdict)
        verdict = np.where(below, f"below the {_percent(level)} limit", verdict)
    frame["verdict"] = verdict
    lower, upper = counts[excess_level]
    flagged = frame[f"above_{_label(excess_level)}"].to_numpy()
    frame["excess"] = np.where(flagged, count - expected, 0.0)
    frame["excess_low"] = np.where(flagged, count - upper, 0.0)
    frame["excess_high"] = np.where(flagged, count - lower, 0.0)
    return frame
