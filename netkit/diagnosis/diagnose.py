"""`diagnose`: rates by place against a benchmark, on funnel plots, and the candidates above it.

For every pathway, place of residence and measure (`netkit.diagnosis.measures`) the count is set
against what the place would see at the benchmark: its population (the pathway's
``denominator`` column of ``places.csv``, else ``population``) times the benchmark rate, or, where
``places.csv`` has age bands (extra ``population_*`` columns), the sum over bands of each band's
population times the band's rate (an indirectly standardised ratio; the band rates are
estimated from the places compared, by non-negative least squares, since flows are not split by
age). Transfers between organisations are per patient entering the pathway, not per head.

Every (pathway, measure) is one funnel on the ratio scale (observed / expected, target 1), with
Poisson control limits at 95% and 99.8% (`netkit.diagnosis.funnel.outliers`). A place above the
limit at ``level`` (99.8% by default) is a candidate; its excess is the count above expected
(central), above the upper limit (low: what chance cannot explain) and above the lower limit
(high). Variation inside the limits is never a candidate: it is within what chance would give.
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np
import pandas as pd

from netkit._strings import plain_strings
from netkit.diagnosis.funnel import LEVELS, outliers
from netkit.diagnosis.measures import MEASURES, measure_counts
from netkit.diagnosis.populations import (
    age_bands,
    denominators,
    pcn_entries,
    place_table,
)
from netkit.errors import OptionError

__all__ = ["diagnose", "BENCHMARKS", "rate_table", "compare_places"]

#: What a place is compared with: the system's own pooled rate, or the best quartile of places.
BENCHMARKS = ("system", "best_quartile")
_KEYS = ["pathway", "place", "measure"]
#: What one funnel is: a measure of a pathway, by residence (places) or registration (PCNs).
_FUNNEL = ["pathway", "measure", "by"]


def rate_table(system, per: float = 1000, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Observed counts and their denominators by pathway, place and measure (one system).

    Returns ``pathway, place, measure, observed, size, denominator`` (the column the size comes
    from, or ``entries`` for a per-patient measure) and the age-band populations of the place.
    Rows whose place has no population in the denominator column are left out.
    """
    if counts is None:
        counts = measure_counts(system.flows, system.services)
    observed = counts.groupby(_KEYS, sort=True)["count"].sum().rename("observed").reset_index()
    places = place_table(system)
    denominator = denominators(system)
    observed["denominator"] = denominator.reindex(observed["pathway"]).fillna(
        "population").to_numpy()
    per_patient = observed["measure"].map(lambda m: MEASURES[m].per_patient).to_numpy(bool)
    observed.loc[per_patient, "denominator"] = "entries"
    observed["size"] = _sizes(observed, places)
    entries = observed[observed["measure"] == "entries"].set_index(["pathway", "place"])[
        "observed"]
    index = pd.MultiIndex.from_frame(observed[["pathway", "place"]])
    observed.loc[per_patient, "size"] = entries.reindex(index).to_numpy()[per_patient]
    kept = observed[observed["size"].notna() & (observed["size"] > 0)].assign(by="residence")
    bands = age_bands(places)
    if bands:
        kept = kept.join(places[bands], on="place")
    pcns = pcn_entries(system)
    if pcns.empty:
        return kept.reset_index(drop=True)
    return pd.concat([kept, pcns.astype({"observed": float, "size": float})], ignore_index=True)


def _sizes(observed: pd.DataFrame, places: pd.DataFrame) -> np.ndarray:
    """Each row's population in its denominator column (NaN where there is none)."""
    out = np.full(len(observed), np.nan)
    for column in observed["denominator"].unique():
        if column in places.columns:
            rows = (observed["denominator"] == column).to_numpy()
            out[rows] = places[column].reindex(observed.loc[rows, "place"]).to_numpy(float)
    return out


def _targets(frame: pd.DataFrame, benchmark: str, per: float,
             reference: pd.DataFrame | None) -> pd.Series:
    """The benchmark rate (per ``per``) of each (pathway, measure, by)."""
    groups = frame.groupby(_FUNNEL, sort=True)
    pooled = groups["observed"].sum() / groups["size"].sum() * per
    if reference is not None and len(reference):
        ref = reference.groupby(_FUNNEL, sort=True)
        ref_rate = ref["observed"].sum() / ref["size"].sum() * per
        pooled = ref_rate.reindex(pooled.index).fillna(pooled)
    if benchmark == "best_quartile":
        pool = frame if reference is None or not len(reference) else reference
        rate = pool.assign(rate=pool["observed"] / pool["size"] * per)
        best = rate.groupby(_FUNNEL, sort=True)["rate"].quantile(0.25)
        pooled = best.reindex(pooled.index).fillna(pooled)
    return pooled.rename("target")


def _expected(frame: pd.DataFrame, target: pd.Series, per: float, bands: list[str],
              pool: pd.DataFrame) -> np.ndarray:
    """Each row's expected count at its benchmark: size x target, or by age band where bands
    exist (the band rates fitted on ``pool``, scaled so the pool's total is the target's)."""
    rate = target.reindex(pd.MultiIndex.from_frame(frame[_FUNNEL])).to_numpy()
    crude = frame["size"].to_numpy() * rate / per
    if not bands:
        return crude
    from scipy.optimize import nnls

    out = crude.copy()
    per_head = ((frame["denominator"] != "entries") & (frame["by"] == "residence")
                & frame[bands].notna().all(axis=1)).to_numpy()
    pool = pool[(pool["by"] == "residence") & pool[bands].notna().all(axis=1)]
    people, counts, sizes = (pool[bands].to_numpy(float), pool["observed"].to_numpy(float),
                             pool["size"].to_numpy(float))
    mine = frame[bands].to_numpy(float)
    fits = pool.reset_index(drop=True).groupby(["pathway", "measure"], sort=True).indices
    groups = frame[per_head].groupby(["pathway", "measure"], sort=True).indices
    where = np.flatnonzero(per_head)
    for (pathway, measure), rows in groups.items():
        fit = fits.get((pathway, measure), ())
        if len(fit) <= len(bands):
            continue
        band_rates, _ = nnls(people[fit], counts[fit])
        standard = mine[where[rows]] @ band_rates
        pooled = people[fit] @ band_rates
        if standard.sum() <= 0 or pooled.sum() <= 0:
            continue
        # scale: at the benchmark the pool as a whole sees size x target
        scale = (sizes[fit].sum() * target[(pathway, measure, "residence")] / per) / pooled.sum()
        out[where[rows]] = standard * scale
    return out


def compare_places(frame: pd.DataFrame, benchmark: str = "system", per: float = 1000,
                   level: float = LEVELS[-1], reference: pd.DataFrame | None = None,
                   levels=LEVELS, overdispersion: str = "auto") -> pd.DataFrame:
    """Every row of a `rate_table` against its benchmark on the funnel.

    Adds ``rate``, ``target`` (the benchmark rate per ``per``), ``expected``, ``ratio`` and, from
    `netkit.diagnosis.funnel.outliers` on the ratio scale, the control limits of the ratio,
    ``verdict`` and ``excess``, ``excess_low``, ``excess_high`` (counts a year; 0 unless above the
    limit at ``level``), and ``phi``: the funnel's overdispersion factor where its limits were
    widened (`netkit.diagnosis.overdispersion`; ``overdispersion`` "auto", "on" or "off"), else 1.

    Examples
    --------
    One measure, two places of 10,000 people, one with far more admissions:

    >>> frame = pd.DataFrame({"pathway": "p", "place": ["A", "B"], "measure": "admissions",
    ...                       "observed": [100.0, 200.0], "size": [10000.0, 10000.0],
    ...                       "denominator": "population"})
    >>> out = compare_places(frame)
    >>> out[["place", "rate", "expected", "verdict", "excess"]].round(1).values.tolist()
    [['A', 10.0, 150.0, 'below the 99.8% limit', 0.0], ['B', 20.0, 150.0, 'above the 99.8% limit', 50.0]]
    """
    if benchmark not in BENCHMARKS:
        raise OptionError(f"benchmark must be one of {', '.join(BENCHMARKS)} (got {benchmark!r})")
    frame = frame.reset_index(drop=True)
    if "by" not in frame:
        frame["by"] = "residence"
    if reference is not None and "by" not in reference:
        reference = reference.assign(by="residence")
    if frame.empty:
        return frame.assign(rate=[], target=[], expected=[], ratio=[], verdict=[], excess=[],
                            excess_low=[], excess_high=[], phi=[])
    target = _targets(frame, benchmark, per, reference)
    pool = frame if reference is None or not len(reference) else reference
    bands = [c for c in frame.columns if str(c).startswith("population_") and c in pool]
    frame["expected"] = _expected(frame, target, per, bands, pool)
    frame["rate"] = frame["observed"] / frame["size"] * per
    frame["target"] = target.reindex(pd.MultiIndex.from_frame(frame[_FUNNEL])).to_numpy()
    usable = frame["expected"] > 0
    found = outliers(frame.loc[usable, "observed"], frame.loc[usable, "expected"], target=1.0,
                     levels=levels, per=1, excess_level=level).frame
    limits = found.drop(columns=["observed", "size", "expected", "target"]).rename(
        columns={"value": "ratio"})
    out = frame.join(limits)
    out["verdict"] = out["verdict"].fillna("no expected count (the benchmark rate is 0)")
    for column in ("excess", "excess_low", "excess_high"):
        out[column] = out[column].fillna(0.0)
    from netkit.diagnosis.overdispersion import widen

    return widen(out, _FUNNEL, overdispersion, levels, level)


@plain_strings
def diagnose(system, reference=None, benchmark: str = "system", *, level: float = LEVELS[-1],
             per: float = 1000, seed: int = 0, disclosure=None,
             verdict: Callable | None = None, progress: Callable | None = None,
             overdispersion: str = "auto"):
    """Find and size the opportunities in a system: rates by place against a benchmark, the
    candidates above the control limits, draft opportunities and natural collaboratives.

    Parameters
    ----------
    system : System
        With ``places.csv`` (populations) for rates per head; without it only the per-patient
        measure (transfers between organisations) is compared.
    reference : System or iterable of System, optional
        Reference systems: the benchmark becomes their pooled rate (or their best quartile) for
        pathways with the same id; others keep the system's own.
    benchmark : {"system", "best_quartile"}
        The system's (or reference set's) pooled rate, or the rate of the best quarter of places
        (the 25th percentile of place rates: lower is better for every measure).
    level : float
        The control limit a place must exceed to be a candidate (0.998 or 0.95).
    per : float
        Rates per this many people (1,000).
    seed : int
        Seed for the community detection of the natural collaboratives.
    disclosure : str or DisclosureRules, optional
        Disclosure control (`netkit.model.disclosure`) for every patient count the result
        writes: its reports, CSV, JSON and drafts (the tables, such as ``candidates``, keep the
        true figures).
    verdict : callable, optional
        ``verdict(system, opportunity) -> mapping``: the proportionality verdict of the partner
        method for a draft opportunity (`netkit.partners`); called for each candidate when
        given, and ``verdict`` is null in each candidate when not.
    progress : callable, optional
        Called with a short message before each slow step (the command line prints them on
        standard error).
    overdispersion : {"auto", "on", "off"}
        Widen each funnel's limits for the variation between places beyond chance
        (`netkit.diagnosis.overdispersion`, Spiegelhalter 2005): "auto" where the funnel has at
        least 5 places and phi > 1, "on" wherever phi > 1, "off" never.

    Returns
    -------
    Diagnosis

    Examples
    --------
    >>> import netkit
    >>> found = netkit.diagnose(netkit.load_system(netkit.sample_path("riverside")))
    >>> sorted(found.to_dict())[:3]
    ['benchmark', 'candidates', 'collaboratives']
    """
    from netkit.diagnosis.result import build_diagnosis
    from netkit.model.disclosure import disclosure_rules

    disclosure = disclosure_rules(disclosure)  # a bad rule pack fails before any counting
    if level not in LEVELS:
        raise OptionError(f"level must be one of {', '.join(f'{x:g}' for x in LEVELS)} "
                          f"(got {level!r})")
    from netkit._progress import stage

    say = progress or stage  # the command line shows stages on standard error at a terminal
    say("counting measures by pathway and place")
    counts = measure_counts(system.flows, system.services)
    frame = rate_table(system, per, counts)
    references = _references(reference)
    ref = pd.concat([rate_table(r, per) for r in references], ignore_index=True) \
        if references else None
    say("comparing places on funnel plots")
    compared = compare_places(frame, benchmark, per, level, ref, overdispersion=overdispersion)
    return build_diagnosis(system, compared, benchmark=benchmark, level=level, per=per,
                           seed=seed, disclosure=disclosure, verdict=verdict, say=say,
                           references=tuple(r.name for r in references), counts=counts,
                           overdispersion=overdispersion)


def _references(reference) -> list:
    if reference is None:
        return []
    if hasattr(reference, "flows"):
        return [reference]
    if isinstance(reference, Iterable):
        out = list(reference)
        if all(hasattr(r, "flows") for r in out):
            return out
    raise OptionError("reference must be a System or a list of Systems (netkit.load_system)")
