"""Statistical process control as NHS England's "Making Data Count" draws it: the XmR chart, its
special-cause rules, and the variation and assurance icons a board reads.

An XmR chart (individuals and moving range) takes a monthly series, say the share of frail older
people's crises that reached urgent community response instead of the emergency department, and
asks whether the latest months differ from the baseline by more than the month-to-month noise
the baseline itself shows. The arithmetic, as NHSRplotthedots (the NHS-R community's reference
implementation of Making Data Count) does it:

* **mean** of the baseline points, and the **moving ranges** ``|x[i] - x[i-1]|`` of consecutive
  baseline points, averaged (``mean_moving_range``);
* **screening** (NHSRplotthedots' default, ``screen_outliers=True``): moving ranges of at least
  3.267 × the mean moving range (the upper limit of the moving-range chart) are left out and the
  mean moving range is taken again, once, so one wild month does not widen the limits (Nelson
  1982; Provost & Murray 2011). The Making Data Count Excel tools do not screen; pass
  ``screen_outliers=False`` to reproduce them;
* **process limits** ``mean ± 2.66 × mean_moving_range`` (2.66 = 3 / 1.128, so the limits sit
  at about ±3σ with σ = mean_moving_range / 1.128); the **2σ lines** at
  ``mean ± (2/3) × 2.66 × mean_moving_range``.

Each point is then tested against four special-cause rules (NHSRplotthedots'
``ptd_calculate_point_type``), and flagged when it is part of a pattern:

1. ``outside``: the point is above the upper or below the lower process limit (a point exactly
   on a limit is inside);
2. ``run``: 7 consecutive points on the same side of the mean; a point exactly on the mean is on
   neither side and breaks the run;
3. ``trend``: 7 consecutive points each higher than the one before (or each lower); two equal
   consecutive points break the trend;
4. ``two_in_three``: two of three consecutive points beyond the same 2σ line (but inside the
   process limits), with all three on the same side of the mean; only the points beyond the 2σ
   line are flagged, and the latest two alone wait for a third point.

A flagged point's direction (``side``: ``"high"`` or ``"low"``) comes from the first rule it meets
in that order: for ``outside``, ``two_in_three`` and ``run`` the side of the mean it is on; for a
``trend`` the trend's direction (a point shared by a rising and a falling trend takes the later
one). With ``improvement="increase"`` or ``"decrease"`` a high point is a special cause of
improvement or of concern; with no direction it is a special cause of neither. The **variation
icon** is the latest point's signal. The **assurance icon** compares a target with the process
limits: a target beyond the limits on the bad side can be met only by changing the process
(consistently fail), beyond them on the good side will be met while the process stays as it is
(consistently pass), and between them will be met some months and missed in others (hit and
miss). There is no assurance without a target or a direction.

Where this differs from NHSRplotthedots, on purpose:

* ``improvement`` has no default (the reference assumes ``"increase"``); a wrong guess would
  paint a concern as an improvement, and most delivery measures (admissions) improve by falling;
* the limits are fixed on the baseline and a baseline needs 12 points, the reference's minimum
  for fixed limits and its threshold for warning of "trial limits"; ``min_baseline`` may be
  lowered (to 2 at least) for trial limits on a short series;
* comparisons with the mean, the limits and the target are made in exact rational arithmetic on
  the values as given (limits are reported as floats), so a point on the mean or on a limit is
  treated as a person working by hand would treat it, and adding a constant to a series or
  scaling it changes no flag;
* where every baseline moving range is 0 there is nothing to screen (the reference's screening
  would leave no range and no limits); the limits then collapse onto the mean.

References
----------
NHS England, *Making Data Count* (2019) and *Making Data Count: Strengthening your decisions*
(2021), https://www.england.nhs.uk/publication/making-data-count/.
NHS-R community, NHSRplotthedots (R package, CRAN 0.2.x),
https://github.com/nhs-r-community/NHSRplotthedots: ``R/ptd_spc_standard.R`` (limits, 2σ lines,
screening), ``R/ptd_calculate_point_type.R`` (the rules, point types and the side of a trend), ``R/ptd_calculate_assurance_type.R``
(assurance), ``R/geom_ptd_icon.R`` (the icon is the latest point's), ``R/ptd_spc.R``
(``screen_outliers = TRUE``, ``improvement_direction = "increase"``), ``R/ptd_spc_options.R``
(``fix_after_n_points`` at least 12), ``vignettes/deviations.Rmd`` (screening versus the Excel
tools) and ``vignettes/number-of-points-required.Rmd`` (12 points).
Nelson, L. S. (1982) Control charts for individual measurements. *Journal of Quality
Technology* 14(3): 172-173.
"""

from __future__ import annotations

import decimal
import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

from netkit.errors import SHOWN_PER_KIND, InputError, OptionError, Problem

__all__ = ["SPCResult", "xmr", "LIMIT", "SCREEN", "RUN_LENGTH", "TREND_LENGTH", "MIN_BASELINE",
           "SIGNALS", "ASSURANCES"]

#: Process limits at mean ± LIMIT × mean moving range (3 / 1.128, Making Data Count's 2.66).
LIMIT = Fraction(266, 100)
#: The 2σ lines for the two-in-three rule, at mean ± NEAR × mean moving range.
NEAR = 2 * LIMIT / 3
#: Moving ranges of at least SCREEN × the mean moving range are screened out (D4 for n = 2).
SCREEN = Fraction(3267, 1000)
#: Consecutive points on one side of the mean that make a run.
RUN_LENGTH = 7
#: Consecutive points each higher (or each lower) than the last that make a trend.
TREND_LENGTH = 7
#: Baseline points needed for fixed limits (NHSRplotthedots: fewer are "trial limits").
MIN_BASELINE = 12
#: A point's signal: special cause of improvement, of concern, of neither (no direction of
#: improvement given), or common cause.
SIGNALS = ("improvement", "concern", "neither", "common_cause")
#: The assurance icon against a target.
ASSURANCES = ("pass", "fail", "hit_and_miss")
#: The rules, in the order that decides a flagged point's side.
RULES = ("outside", "trend", "two_in_three", "run")

_WORDS = {"improvement": "special cause of improvement", "concern": "special cause of concern",
          "neither": "special cause (neither)", "common_cause": "common cause",
          "pass": "consistently passing", "fail": "consistently failing",
          "hit_and_miss": "hit and miss", None: "none"}


def _label(period):
    """A period's label for JSON: numbers, text and dates as they are, anything else as text."""
    import datetime as dt

    if isinstance(period, (numbers.Number, str, dt.date)) and not isinstance(period, bool):
        return period
    return str(period)


def _fmt(value) -> str:
    """A figure for a person: whole and thousands-separated from 1,000, else 4 significant
    digits."""
    if value is None:
        return ""
    value = float(value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


@dataclass(frozen=True, repr=False)
class SPCResult:
    """An XmR chart of one series: its mean and limits, each point's flags and signal, and the
    variation and assurance icons.

    Attributes
    ----------
    values : tuple of float
        The series, in time order.
    periods : tuple
        A label per point (the index of a pandas Series, else positions 0, 1, ...).
    baseline : tuple of int
        ``(start, stop)``: the baseline is ``values[start:stop]``.
    improvement : {"increase", "decrease", None}
        Which way is better; None where neither is.
    target : float or None
    mean, lower, upper : float
        The baseline mean and the process limits.
    mean_moving_range : float
        After screening.
    screened : tuple of int
        Positions ``i`` whose moving range ``|x[i] - x[i-1]|`` was screened out of the limits.
    outside, run, trend, two_in_three : tuple of bool
        Each rule's flag per point (see the module's docstring).
    sides : tuple of str
        ``"high"``, ``"low"`` or ``""`` (common cause) per point.
    signals : tuple of str
        One of `SIGNALS` per point.
    assurance : {"pass", "fail", "hit_and_miss", None}
        None without a target or a direction of improvement.

    Examples
    --------
    >>> r = xmr([5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 9], baseline=12, improvement="decrease",
    ...         target=2)
    >>> r  # doctest: +ELLIPSIS
    <SPCResult: 13 points, mean 5.5 (process limits 2.84–8.16) from points 0–11; latest: ...>
    >>> r.variation
    'special cause of concern (high)'
    >>> r.signal, r.assurance
    ('concern', 'fail')
    """

    values: tuple[float, ...]
    periods: tuple
    baseline: tuple[int, int]
    improvement: str | None
    target: float | None
    mean: float
    lower: float
    upper: float
    mean_moving_range: float
    screened: tuple[int, ...]
    outside: tuple[bool, ...]
    run: tuple[bool, ...]
    trend: tuple[bool, ...]
    two_in_three: tuple[bool, ...]
    sides: tuple[str, ...]
    signals: tuple[str, ...]
    assurance: str | None

    @property
    def sigma(self) -> float:
        """σ, about mean moving range / 1.128; taken as 2.66 / 3 × mean moving range, as
        NHSRplotthedots does, so that the process limits are exactly ±3σ and the 2σ lines
        exactly ±2σ."""
        return self.mean_moving_range * float(LIMIT) / 3

    @property
    def near_lower(self) -> float:
        """The lower 2σ line (the two-in-three rule)."""
        return self.mean - float(NEAR) * self.mean_moving_range

    @property
    def near_upper(self) -> float:
        """The upper 2σ line (the two-in-three rule)."""
        return self.mean + float(NEAR) * self.mean_moving_range

    @property
    def signal(self) -> str:
        """The variation icon: the latest point's signal (one of `SIGNALS`)."""
        return self.signals[-1]

    @property
    def side(self) -> str:
        """The latest point's side, ``"high"``, ``"low"`` or ``""``, for the icon's arrow."""
        return self.sides[-1]

    @property
    def special_cause(self) -> tuple[bool, ...]:
        """Per point: does any rule flag it?"""
        return tuple(s != "common_cause" for s in self.signals)

    @property
    def variation(self) -> str:
        """The variation icon in words, e.g. ``special cause of improvement (low)``."""
        words = _WORDS[self.signal]
        return f"{words} ({self.side})" if self.side else words

    def __repr__(self) -> str:
        start, stop = self.baseline
        return (f"<SPCResult: {len(self.values):,} points, mean {_fmt(self.mean)} (process "
                f"limits {_fmt(self.lower)}–{_fmt(self.upper)}) from points {start}–{stop - 1}; "
                f"latest: {self.variation}; assurance: {_WORDS[self.assurance]}>")

    def to_frame(self):
        """One row per point: ``period, value, baseline, mean, lower, upper``, each rule's flag,
        ``special_cause``, ``side`` and ``signal``.

        Examples
        --------
        >>> r = xmr([5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 9], baseline=12, improvement="decrease")
        >>> r.to_frame().iloc[-1].to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'period': 12, 'value': 9.0, 'baseline': False, 'mean': 5.5, 'lower': 2.84,
         'upper': 8.16, 'outside': True, 'trend': False, 'two_in_three': False, 'run': False,
         'special_cause': True, 'side': 'high', 'signal': 'concern'}
        """
        import pandas as pd

        n = len(self.values)
        start, stop = self.baseline
        return pd.DataFrame({
            "period": list(self.periods), "value": list(self.values),
            "baseline": [start <= i < stop for i in range(n)],
            "mean": [self.mean] * n, "lower": [self.lower] * n, "upper": [self.upper] * n,
            **{rule: list(getattr(self, rule)) for rule in RULES},
            "special_cause": list(self.special_cause), "side": list(self.sides),
            "signal": list(self.signals)})

    def to_dict(self) -> dict:
        """JSON-ready: ``signal`` and ``assurance`` (the ``spc`` object of the planned track
        report's JSON), the limits, the counts of special-cause points, and the points."""
        from netkit.render.formats import to_jsonable

        start, stop = self.baseline
        counts = {s: self.signals.count(s) for s in SIGNALS}
        return to_jsonable({
            "signal": self.signal, "side": self.side or None, "assurance": self.assurance,
            "improvement": self.improvement, "target": self.target,
            "baseline": {"start": start, "stop": stop}, "mean": self.mean, "lower": self.lower,
            "upper": self.upper, "near_lower": self.near_lower, "near_upper": self.near_upper,
            "sigma": self.sigma, "mean_moving_range": self.mean_moving_range,
            "screened": list(self.screened), "points_by_signal": counts,
            "points": self.to_frame().assign(period=[_label(p) for p in self.periods])
            .to_dict("records")})

    def _repr_html_(self) -> str:
        import html

        from netkit.render.formats import html_table

        frame = self.to_frame()
        for column in ("value", "mean", "lower", "upper"):
            frame[column] = frame[column].map(_fmt)
        for column in (*RULES, "special_cause", "baseline"):
            frame[column] = frame[column].map({True: "yes", False: ""})
        head = (f"XmR chart: mean {_fmt(self.mean)}, process limits {_fmt(self.lower)} to "
                f"{_fmt(self.upper)}; latest point: {self.variation}; assurance: "
                f"{_WORDS[self.assurance]}.")
        return f"<p>{html.escape(head)}</p>" + html_table(frame)


def _pandas_na():
    """pandas' missing-value marker, where pandas is loaded (it need not be)."""
    import sys

    pandas = sys.modules.get("pandas")
    return getattr(pandas, "NA", None) if pandas is not None else None


def _as_fraction(value) -> Fraction | str:
    """The value as an exact fraction, or why it cannot be one."""
    if value is None or value is _pandas_na():
        return "is missing (SPC needs a value at every point: fill or drop gaps)"
    if isinstance(value, decimal.Decimal):
        value = float(value) if not value.is_finite() else Fraction(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return "is not a number"
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    value = float(value)
    if not math.isfinite(value):
        return "is not a finite number (SPC needs a value at every point: fill or drop gaps)"
    return Fraction(value)


def _read_values(values) -> tuple[list[Fraction], tuple]:
    """The series as exact fractions and its labels; every bad point reported at once."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InputError([Problem("the values", None, None, None,
                                  f"are a {type(values).__name__}, not a series of numbers")])
    index = getattr(values, "index", None)
    index = None if callable(index) else index  # a Series' labels, not a list's method
    items = list(values.to_numpy() if hasattr(values, "to_numpy") else values)
    periods = tuple(index) if index is not None else tuple(range(len(items)))
    if not items:
        raise InputError([Problem("the values", None, None, None, "hold no points")])
    exact, problems = [], []
    for position, item in enumerate(items):
        converted = _as_fraction(item)
        if isinstance(converted, str):
            label = periods[position]
            where = f"point {position}" + ("" if label == position else f", {label!r}")
            problems.append(Problem("the values", None, None, str(item), f"{converted} ({where})"))
        exact.append(converted)
    if problems:
        shown = problems[:SHOWN_PER_KIND]
        if len(problems) > len(shown):
            shown.append(Problem("the values", None, None, None, "and more points like these",
                                 more=len(problems) - len(shown)))
        raise InputError(shown)
    return exact, periods


def _baseline_span(baseline, n: int, min_baseline: int) -> tuple[int, int]:
    """``(start, stop)`` of the baseline from None (every point), a count or a slice."""
    if isinstance(min_baseline, bool) or not isinstance(min_baseline, numbers.Integral) \
            or min_baseline < 2:
        raise OptionError(f"min_baseline={min_baseline!r}: must be a whole number of at least 2 "
                          "(one moving range needs two points)")
    if baseline is None:
        start, stop = 0, n
    elif isinstance(baseline, numbers.Integral) and not isinstance(baseline, bool):
        if not 0 < baseline <= n:
            raise OptionError(f"baseline={baseline!r}: must be a number of points from 1 to "
                              f"the series' {n}")
        start, stop = 0, int(baseline)
    elif isinstance(baseline, slice):
        if baseline.step not in (None, 1):
            raise OptionError(f"baseline={baseline!r}: must be consecutive points (step 1), "
                              "as moving ranges are taken between neighbours")
        start, stop, _ = baseline.indices(n)
    else:
        raise OptionError(f"baseline={baseline!r}: expected None (every point), a number of "
                          "points from the start, or a slice of positions")
    if stop - start < min_baseline:
        raise OptionError(
            f"baseline: {max(stop - start, 0)} points; process limits need at least "
            f"{min_baseline} (NHSRplotthedots' minimum for fixed limits, after Making Data "
            "Count): give a longer baseline, or min_baseline=N (at least 2) for trial limits")
    return start, stop


def _check_options(improvement, target) -> Fraction | None:
    if improvement not in ("increase", "decrease", None):
        raise OptionError(f"improvement={improvement!r}: expected 'increase', 'decrease' or "
                          "None (neither direction is better)")
    if target is None:
        return None
    exact = _as_fraction(target)
    if isinstance(exact, str):
        raise OptionError(f"target={target!r}: {exact}")
    return exact


def _limits(base: list[Fraction], screen: bool) -> tuple[Fraction, Fraction, tuple[int, ...]]:
    """Mean, mean moving range (screened) and the positions (within ``base``) screened out."""
    mean = sum(base, Fraction(0)) / len(base)
    ranges = [abs(b - a) for a, b in zip(base, base[1:])]
    average = sum(ranges, Fraction(0)) / len(ranges)
    screened = ()
    if screen and average > 0:
        screened = tuple(i + 1 for i, r in enumerate(ranges) if r >= SCREEN * average)
        kept = [r for r in ranges if r < SCREEN * average]
        average = sum(kept, Fraction(0)) / len(kept)
    return mean, average, screened


def _windows(flags: list[bool], length: int) -> list[bool]:
    """Every point of each window of ``length`` points that ends at a flagged point."""
    out = [False] * len(flags)
    for end, flagged in enumerate(flags):
        if flagged:
            for i in range(end - length + 1, end + 1):
                out[i] = True
    return out


def _rules(x: list[Fraction], mean: Fraction, width: Fraction) -> dict[str, list]:
    """Each rule's flags per point, the points' sides of the mean, and each trend point's
    direction, as NHSRplotthedots' ``ptd_calculate_point_type`` finds them."""
    n = len(x)
    upper, lower = mean + LIMIT * width, mean - LIMIT * width
    near_upper, near_lower = mean + NEAR * width, mean - NEAR * width
    side = [(v > mean) - (v < mean) for v in x]
    outside = [v > upper or v < lower for v in x]
    close = [not o and (v > near_upper or v < near_lower) for v, o in zip(x, outside)]
    # a run ends at i when the RUN_LENGTH points up to i share one side (0, on the mean, breaks)
    run_ends = [i >= RUN_LENGTH - 1 and side[i] != 0
                and all(s == side[i] for s in side[i - RUN_LENGTH + 1:i + 1]) for i in range(n)]
    steps = [(b > a) - (b < a) for a, b in zip(x, x[1:])]  # steps[i]: from point i to i + 1
    trend_dir = [0] * n
    for end in range(TREND_LENGTH - 1, n):
        window = steps[end - TREND_LENGTH + 1:end]
        if window[0] != 0 and all(s == window[0] for s in window):
            for i in range(end - TREND_LENGTH + 1, end + 1):
                trend_dir[i] = window[0]  # a later trend wins: the reference's "right side"
    # two in three: a window of three on one side of the mean, two of them beyond its 2σ line
    in_pattern = [False] * n
    for start in range(n - 2):
        trio = range(start, start + 3)
        if abs(sum(side[i] for i in trio)) == 3 and sum(close[i] for i in trio) >= 2:
            for i in trio:
                in_pattern[i] = True
    return {"outside": outside, "trend": [d != 0 for d in trend_dir],
            "two_in_three": [p and c for p, c in zip(in_pattern, close)],
            "run": _windows(run_ends, RUN_LENGTH), "side": side, "trend_dir": trend_dir}


def _signals(flags: dict[str, list], improvement: str | None) -> tuple[list[str], list[str]]:
    """Each point's side (``high``/``low``/``""``) and signal, the first rule met deciding."""
    better = {"increase": 1, "decrease": -1, None: 0}[improvement]
    sides, signals = [], []
    for i, mean_side in enumerate(flags["side"]):
        if flags["outside"][i]:
            direction = mean_side
        elif flags["trend"][i]:
            direction = flags["trend_dir"][i]
        elif flags["two_in_three"][i] or flags["run"][i]:
            direction = mean_side
        else:
            direction = 0
        sides.append({1: "high", -1: "low", 0: ""}[direction])
        if direction == 0:
            signals.append("common_cause")
        elif better == 0:
            signals.append("neither")
        else:
            signals.append("improvement" if direction == better else "concern")
    return sides, signals


def _assurance(target, improvement, lower: Fraction, upper: Fraction) -> str | None:
    """Against the process limits: pass, fail, or hit and miss (None without both)."""
    if target is None or improvement is None:
        return None
    if target > upper:
        return "fail" if improvement == "increase" else "pass"
    if target < lower:
        return "pass" if improvement == "increase" else "fail"
    return "hit_and_miss"


def xmr(values, baseline=None, improvement: str | None = None, target=None, *,  # long: docstring
        screen_outliers: bool = True, min_baseline: int = MIN_BASELINE) -> SPCResult:
    """An XmR chart of a series, as Making Data Count draws it (see the module's docstring).

    Parameters
    ----------
    values : sequence of numbers, or pandas Series
        One value per period, in time order, with no gaps (a Series' index labels the points).
    baseline : None, int or slice
        The points the mean and limits are taken from: every point (None), the first ``n``, or
        a slice of consecutive positions (``slice(12, 24)``). The rules test every point.
    improvement : {"increase", "decrease", None}
        Which way is better; None where neither is (signals are then "neither").
    target : number, optional
        For the assurance icon.
    screen_outliers : bool
        Leave moving ranges of at least 3.267 × their mean out of the limits (NHSRplotthedots'
        default); False reproduces the Making Data Count Excel tools.
    min_baseline : int
        Fewest baseline points accepted (12; at least 2 for trial limits).

    Returns
    -------
    SPCResult

    Raises
    ------
    InputError
        A value that is not a finite number, or no values.
    OptionError
        A baseline shorter than ``min_baseline`` or not consecutive, an unknown improvement
        direction, or a target that is not a finite number.

    Examples
    --------
    NHSRplotthedots' own example of screening (vignette "Deviations from Excel defaults"): the
    jump to 10 is screened out of the limits, and is a special cause on its own.

    >>> r = xmr([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], improvement="increase")
    >>> round(r.upper, 2), round(r.mean, 2), round(r.lower, 2)
    (4.6, 1.94, -0.72)
    >>> r.signals[4], r.special_cause.count(True), r.signal
    ('improvement', 1, 'common_cause')
    >>> r = xmr([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], screen_outliers=False)
    >>> round(r.upper, 2), round(r.lower, 2)
    (6.95, -3.06)
    """
    exact, periods = _read_values(values)
    start, stop = _baseline_span(baseline, len(exact), min_baseline)
    exact_target = _check_options(improvement, target)
    mean, width, screened = _limits(exact[start:stop], bool(screen_outliers))
    flags = _rules(exact, mean, width)
    sides, signals = _signals(flags, improvement)
    lower, upper = mean - LIMIT * width, mean + LIMIT * width
    return SPCResult(
        values=tuple(float(v) for v in exact), periods=periods, baseline=(start, stop),
        improvement=improvement, target=None if target is None else float(exact_target),
        mean=float(mean), lower=float(lower), upper=float(upper),
        mean_moving_range=float(width), screened=tuple(start + i for i in screened),
        outside=tuple(flags["outside"]), run=tuple(flags["run"]), trend=tuple(flags["trend"]),
        two_in_three=tuple(flags["two_in_three"]), sides=tuple(sides), signals=tuple(signals),
        assurance=_assurance(exact_target, improvement, lower, upper))
