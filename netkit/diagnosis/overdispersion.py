"""Overdispersion: funnel limits widened for the variation between places that chance alone
does not give (Spiegelhalter 2005, section 3.4, the multiplicative approach).

Poisson limits assume every place has the benchmark's underlying rate, so that only chance
separates them. Places differ in more than chance (their populations' need, recording,
services), and with many places that shows as more scatter than the limits allow: too many
places outside them. The standard adjustment estimates an overdispersion factor ``phi`` from the
places' standardised Pearson residuals, ``z = (O − E) / sqrt(E)`` on the ratio scale (target 1),
winsorised (the lowest and highest `WINSOR` of the residuals set to the residuals at those
percentiles, so a few true outliers do not set the scale), ``phi = mean(z²)``; where ``phi > 1``
the limits are widened by ``sqrt(phi)`` about the target: ``1 + sqrt(phi) × (limit − 1)`` (the
interpolated Poisson limit of `netkit.diagnosis.funnel`; for a normal approximation this is
exactly Spiegelhalter's ``1 ± z sqrt(phi / E)``).

A factor estimated from a handful of places says little: by default (``"auto"``) the limits are
widened only where a funnel has at least `MIN_PLACES` places and ``phi > 1``. With fewer places a
funnel cannot tell unwarranted variation from the difference between the places' populations,
and the report says so (the cure is a reference set, ``--reference``).

References
----------
.. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Statistics in
   Medicine 2005; 24: 1185-1202 (section 3.4: overdispersion, the multiplicative approach with
   winsorised z-scores).
.. [2] Spiegelhalter DJ. Handling over-dispersion of performance indicators. Quality and Safety
   in Health Care 2005; 14: 347-351.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.errors import OptionError

__all__ = ["phi", "widen", "MODES", "MIN_PLACES", "WINSOR", "FEW_PLACES"]

#: ``"auto"``: widen where a funnel has `MIN_PLACES` places or more and phi > 1; ``"on"``: widen
#: wherever phi > 1 (two places at least); ``"off"``: Poisson limits only.
MODES = ("auto", "on", "off")
#: The fewest places a funnel needs for its overdispersion to be estimated by default.
MIN_PLACES = 5
#: The share of residuals winsorised at each end (Spiegelhalter: 10%).
WINSOR = 0.1
#: What a funnel of few places cannot do, in words.
FEW_PLACES = ("a funnel of so few places cannot tell unwarranted variation from the difference "
              "between the places' populations")


def phi(observed, expected, winsor: float = WINSOR) -> float:
    """The overdispersion factor of one funnel: the mean squared winsorised Pearson residual.

    Parameters
    ----------
    observed, expected : array-like
        Each place's count and its expected count at the benchmark (> 0).
    winsor : float
        The share of residuals set to the percentile at each end (0.1: the 10th and 90th).

    Returns
    -------
    float
        ``mean(z²)`` with ``z = (O − E) / sqrt(E)`` winsorised (NaN for no places).

    Examples
    --------
    Five places expected to see 100 each (z = −2, −1, 0, 1, 3; winsorised at the 10th and 90th
    percentiles, −1.6 and 2.2: the mean of 2.56, 1, 0, 1, 4.84 is 1.88):

    >>> round(phi([80, 90, 100, 110, 130], [100] * 5), 4)
    1.88
    """
    o, e = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    if not len(o):
        return float("nan")
    if (e <= 0).any():
        raise OptionError("expected counts must be > 0 to estimate overdispersion")
    z = (o - e) / np.sqrt(e)
    low, high = np.quantile(z, [winsor, 1 - winsor])
    return float(np.mean(np.clip(z, low, high) ** 2))


def _factors(frame: pd.DataFrame, keys: list, mode: str) -> pd.Series:
    """Each row's phi (1 where its funnel is not widened)."""
    if mode not in MODES:
        raise OptionError(f"overdispersion must be one of {', '.join(MODES)} (got {mode!r})")
    fewest = MIN_PLACES if mode == "auto" else 2
    out = pd.Series(1.0, index=frame.index)
    if mode == "off":
        return out
    usable = frame[frame["expected"] > 0]
    for _, part in usable.groupby(keys, sort=True):  # one small loop per funnel
        if len(part) >= fewest:
            out[part.index] = max(phi(part["observed"], part["expected"]), 1.0)
    return out


def widen(frame: pd.DataFrame, keys: list, mode: str, levels, excess_level: float
          ) -> pd.DataFrame:
    """Widen the ratio limits of each funnel (rows grouped by ``keys``) by ``sqrt(phi)`` and
    place each row again (verdict, above/below flags and excess).

    ``frame`` is a `netkit.diagnosis.diagnose.compare_places` table (observed, expected, ratio,
    lower_/upper_ limits on the ratio scale); adds ``phi`` (1 where not widened).
    """
    from netkit.diagnosis.funnel import _label, _place

    frame = frame.copy()
    factor = _factors(frame, keys, mode)
    frame["phi"] = factor
    rows = (factor > 1).to_numpy() & (frame["expected"] > 0).to_numpy()
    if not rows.any():
        return frame
    part = frame.loc[rows].copy()
    spread = np.sqrt(part["phi"].to_numpy())
    expected = part["expected"].to_numpy()
    counts = {}
    for level in levels:
        for side in ("lower", "upper"):
            column = f"{side}_{_label(level)}"
            part[column] = np.maximum(1 + spread * (part[column].to_numpy() - 1), 0.0)
        counts[level] = (part[f"lower_{_label(level)}"].to_numpy() * expected,
                         part[f"upper_{_label(level)}"].to_numpy() * expected)
    placed = _place(part, part["observed"].to_numpy(), counts, excess_level)
    frame.loc[rows, placed.columns] = placed
    return frame
