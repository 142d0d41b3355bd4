"""Disclosure control for patient-level figures that leave the analyst's desk, and the check
that a partner set survives it.

Counts of patients or events built from patient-level data can identify people when they are
small. Everything netkit *writes for others to read* (reports, exported flows, maps, tooltips,
percentages) follows a rule pack; internal computation always uses the true figures.

Rule packs
----------
``nhs``
    As for HES and ECDS outputs: 0 is shown as 0; counts of 1–7 are suppressed (shown ``*``);
    other counts are rounded to the nearest 5; means and medians built on 1–7 records are
    suppressed; percentages are computed from the rounded figures.
``cms``
    No cell of 1–10 (shown ``*``); other counts as they are.
``none``
    Figures as they are (the default: for synthetic or already-published data).
custom
    ``threshold=N,round=R``: suppress 1–N, round the rest to the nearest R.

Examples
--------
>>> rules = disclosure_rules("nhs")
>>> [rules.count(v) for v in (0, 3, 7, 8, 12, 13)]
['0', '*', '*', '10', '10', '15']
>>> rules.share(12, 40)   # 10 of 40 after rounding
'25%'
>>> rules.share(3, 40)
'*'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit.errors import OptionError
from netkit.model.rule_packs import PACK_FIGURES, SUPPRESSED

__all__ = ["DisclosureRules", "disclosure_rules", "RULE_PACKS", "SUPPRESSED"]


@dataclass(frozen=True)
class DisclosureRules:
    """One rule pack.

    Attributes
    ----------
    name : str
    threshold : int
        Counts from 1 to ``threshold`` are suppressed (0 means nothing is).
    rounding : int
        Other counts are rounded to the nearest multiple of this (1: as they are).
    """

    name: str
    threshold: int = 0
    rounding: int = 1

    @property
    def active(self) -> bool:
        """Does this pack change anything?"""
        return self.threshold > 0 or self.rounding > 1

    def describe(self) -> str:
        """The rules in words, for report footers."""
        if not self.active:
            return "no disclosure control (figures as computed)"
        parts = []
        if self.threshold:
            parts.append(f"counts of 1–{self.threshold} shown as {SUPPRESSED}")
        if self.rounding > 1:
            parts.append(f"other counts rounded to the nearest {self.rounding}")
        return (f"disclosure control {self.name}: " + "; ".join(parts)
                + "; medians on suppressed counts suppressed; percentages from rounded figures")

    def counts_shown(self) -> str:
        """The line a report's header gives its counts under: ``Counts shown: `` and the rules
        in words (`describe`), as `netkit diagnose` and the partner report print it.

        Examples
        --------
        >>> disclosure_rules("cms").counts_shown()
        'Counts shown: disclosure control cms: counts of 1–10 shown as *; medians on suppressed counts suppressed; percentages from rounded figures.'
        """
        return f"Counts shown: {self.describe()}."

    # -- numbers ------------------------------------------------------------------------------
    def values(self, counts) -> pd.Series:
        """Disclosed counts as numbers: rounded, with suppressed cells missing (NaN).

        Examples
        --------
        >>> disclosure_rules("nhs").values(pd.Series([0, 5, 22.0])).tolist()
        [0.0, nan, 20.0]
        """
        counts = pd.Series(counts, dtype="float64")
        if not self.active:
            return counts
        # Round half up (12.5 → 15), as published tables do; not numpy's half-to-even.
        rounded = np.floor(counts / self.rounding + 0.5) * self.rounding
        hidden = (counts > 0) & (counts <= self.threshold)
        return rounded.mask(hidden)

    def suppressed(self, counts) -> pd.Series:
        """Which cells are suppressed."""
        counts = pd.Series(counts, dtype="float64")
        return (counts > 0) & (counts <= self.threshold)

    def median(self, medians, counts) -> pd.Series:
        """Medians (or means) built on suppressed counts become missing."""
        return pd.Series(medians, dtype="float64").mask(self.suppressed(counts).to_numpy())

    def released_flows(self, flows: pd.DataFrame, column: str = "patients") -> pd.DataFrame:
        """Flows as released, for computing on: counts rounded, suppressed rows left out.

        Examples
        --------
        >>> flows = pd.DataFrame({"source": ["A", "B"], "patients": [3.0, 12.0]})
        >>> disclosure_rules("nhs").released_flows(flows).values.tolist()
        [['B', 10.0]]
        """
        values = self.values(flows[column])
        kept = flows.assign(**{column: values.to_numpy()})[values.notna().to_numpy()]
        return kept.reset_index(drop=True)

    # -- text ---------------------------------------------------------------------------------
    def count(self, value: float) -> str:
        """One count as shown: ``*`` when suppressed, else rounded, with thousands commas."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        shown = self.values([value]).iloc[0]
        if math.isnan(shown):
            return SUPPRESSED
        return f"{round(shown):,}" if self.active or shown == round(shown) else f"{shown:,.1f}"

    def share(self, part: float, whole: float) -> str:
        """A percentage computed from the disclosed figures (``*`` if the part is hidden)."""
        p, w = self.values([part, whole]).tolist()
        if math.isnan(p) or math.isnan(w):
            return SUPPRESSED
        if w <= 0:
            return ""
        value = p / w
        return "<1%" if 0 < value < 0.005 else f"{value * 100:.0f}%"


RULE_PACKS = {name: DisclosureRules(name, threshold=threshold, rounding=rounding)
              for name, (threshold, rounding) in PACK_FIGURES.items()}


def disclosure_rules(spec) -> DisclosureRules:
    """A rule pack by name (``nhs``, ``cms``, ``none``), or custom ``threshold=N,round=R``.

    Examples
    --------
    >>> disclosure_rules("threshold=5,round=10")
    DisclosureRules(name='threshold=5,round=10', threshold=5, rounding=10)
    >>> disclosure_rules(None).name
    'none'
    """
    if spec is None:
        return RULE_PACKS["none"]
    if isinstance(spec, DisclosureRules):
        return spec
    text = str(spec).strip()
    if text.lower() in RULE_PACKS:
        return RULE_PACKS[text.lower()]
    settings = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in ("threshold", "round") or not value.strip().isdigit():
            raise OptionError(
                f"disclosure {text!r} is not a rule pack: use nhs, cms or none, or "
                "threshold=N,round=R (whole numbers, e.g. threshold=5,round=10)")
        settings[key] = int(value)
    rounding = settings.get("round", 1)
    if rounding < 1:
        raise OptionError(f"disclosure {text!r}: round must be at least 1")
    return DisclosureRules(text, threshold=settings.get("threshold", 0), rounding=rounding)


