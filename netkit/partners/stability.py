"""Stability: how often each candidate is core when the data and the settings move.

Each run (seeded, so the same seed gives the same answer), and selects again:

* **flows resampled**: where the scope's flows are given, each flow's patients are drawn from a
  Poisson distribution with the recorded count as its mean (a year's count is one draw of
  a rate), and the contacts and handoffs are recomputed from them;
* **weights** multiplied by factors drawn uniformly from ``[1 - spread, 1 + spread]``;
* **cost constants** (``partner`` and ``new_tie``) likewise;
* **relationships** each dropped with probability ``drop`` (the file is rarely complete).

Brokerage, commissioning and incentive shares are kept as computed (they need the whole
method to recompute). A partner that is core in at least `FIRM` (80%) of runs is a firm
choice, and one outside the core that is core in at most `OUTSIDE` (20%) is firmly out;
anything between is a near-tie, flagged "core in 46% of runs: a judgement call".
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from netkit.model.activity import service_activity
from netkit.model.opportunity import CRITERIA
from netkit.partners.selection import select_partners

__all__ = ["stability", "judgement_calls", "judgement_line", "stability_blocks", "FIRM",
           "OUTSIDE", "SPREAD", "DROP"]

FIRM = 0.8
OUTSIDE = 0.2
SPREAD = 0.5
DROP = 0.2


def _resampler(flows: pd.DataFrame, service_candidate: Mapping, candidates: pd.Index,
               min_patients: float):
    """A function of a random generator giving (activity share, pairs) from resampled flows."""
    source = flows["source"].map(service_candidate).to_numpy(dtype=object)
    target = flows["target"].map(service_candidate).to_numpy(dtype=object)
    cross = pd.notna(source) & pd.notna(target) & (source != target)
    mean = flows["patients"].to_numpy(dtype=float)
    base = flows[["pathway", "source", "target"]].reset_index(drop=True)
    owner = pd.Series(service_candidate)

    def draw(rng):
        patients = rng.poisson(mean).astype(float)
        activity = service_activity(base.assign(patients=patients))
        by = activity.groupby(activity.index.map(owner)).sum().reindex(candidates,
                                                                        fill_value=0.0)
        pairs = (pd.DataFrame({"source": source[cross], "target": target[cross],
                               "patients": patients[cross]})
                 .groupby(["source", "target"], as_index=False, sort=True)["patients"].sum())
        pairs = pairs[pairs["patients"] >= max(min_patients, 1e-12)].reset_index(drop=True)
        total = by.sum()
        return (by / total if total > 0 else by * 0.0), pairs

    return draw


def stability(shares: pd.DataFrame, pairs: pd.DataFrame, related: list, weights: Mapping,
              cost: Mapping, include: Iterable[str] = (), exclude: Iterable[str] = (),
              runs: int = 100, seed: int = 0, spread: float = SPREAD, *,
              flows: pd.DataFrame | None = None, service_candidate: Mapping | None = None,
              min_patients: float = 0.0, drop: float = DROP) -> pd.Series:
    """Fraction of perturbed runs in which each candidate is core.

    Parameters
    ----------
    shares, pairs, related, weights, cost, include, exclude
        As `netkit.partners.selection.select_partners` takes them.
    runs, seed : int
    spread : float
        Weights and cost constants move by up to this fraction either way.
    flows : DataFrame, optional
        The scope's flows (``pathway, source, target, patients``), to resample; without them
        the shares and pairs are kept as given.
    service_candidate : mapping, optional
        Service id → the candidate that stands for its provider (needed with ``flows``).
    min_patients : float
        The threshold under which a resampled pair is left out, as in the method.
    drop : float
        The chance that each relationship is left out of a run.

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
    related = list(related)
    draw = (_resampler(flows, service_candidate or {}, shares.index, min_patients)
            if flows is not None and len(flows) else None)
    for _ in range(runs):
        factors = rng.uniform(1 - spread, 1 + spread, size=len(CRITERIA) + 2)
        perturbed = {c: float(weights.get(c, 0.0)) * f for c, f in zip(CRITERIA, factors)}
        costs = {"partner": float(cost.get("partner", 0.0)) * factors[-2],
                 "new_tie": float(cost.get("new_tie", 0.0)) * factors[-1]}
        kept = [r for r, keep in zip(related, rng.random(len(related)) >= drop) if keep]
        run_shares, run_pairs = shares, pairs
        if draw is not None:
            activity, run_pairs = draw(rng)
            run_shares = shares.assign(activity=activity.to_numpy())
        core = select_partners(run_shares, run_pairs, kept, perturbed, costs, include, exclude,
                               curve_limit=0).core
        counts[core] += 1
    return (counts / runs).astype("float64") if runs else counts.astype("float64")


def judgement_calls(tier: pd.Series, share: pd.Series) -> pd.Series:
    """Which partners are near-ties: core in under `FIRM` of runs though core, or in over
    `OUTSIDE` of runs though not.

    Examples
    --------
    >>> tier = pd.Series(["core", "core", "involve", "inform"])
    >>> judgement_calls(tier, pd.Series([0.8, 0.46, 0.2, 0.21])).tolist()
    [False, True, False, True]
    """
    core = (tier == "core").to_numpy()
    s = share.to_numpy(dtype=float)
    return pd.Series(np.where(core, s < FIRM, s > OUTSIDE), index=tier.index)


def judgement_line(share: float) -> str:
    """``core in 46% of runs: a judgement call``."""
    return f"core in {share:.0%} of runs: a judgement call"


def stability_blocks(partners: pd.DataFrame, options: Mapping, top: int | None) -> list:
    """How often each partner is core in the runs (text only; the reasons flag near-ties in
    every format)."""
    from netkit.render.document import TEXT, Heading, Paragraph, Table
    from netkit.render.formats import and_more, fmt_share

    if "stability" not in partners:
        return []
    stable = partners.assign(stability=partners["stability"].map(fmt_share))
    shown = stable.head(top) if top else stable
    hidden = len(stable) - len(shown)
    more = and_more(hidden, "partners", "the CSV and JSON reports list every one") if hidden else ""
    return [Heading(f"Stability ({options['stability']} runs, seed {options['seed']}; flows "
                    "resampled, weights and costs ±50%, a fifth of relationships dropped): share "
                    "of runs in which each is core", 2, only=TEXT),
            Table(shown[["id", "tier", "stability"]], right=("stability",), only=TEXT),
            Paragraph(more, indent=2, only=TEXT) if hidden else None]
