"""Will it transfer? Preconditions, evidence and the verdict.

**Preconditions** compare what the intervention needs in each system:

* ``headroom``: patients a year reaching the services the shift takes patients from, per
  100,000 population. Where the target's rate is already below what the source's would be after
  the shift, there is little left to divert;
* ``capacity``: the spare capacity of the receiving services (capacity less in-scope contacts)
  against the contacts the shift would add there;
* ``need``: the share of the population aged 65 and over (from ``places.csv``), where both
  systems give it;
* ``services``: whether every service the shift names has a counterpart.

A precondition **differs** when the target's figure is more than `MATERIAL` (a quarter) away
from the source's, in the direction that makes the intervention harder.

**Evidence** (``evidence`` on the source opportunity: effect, low, high, source, quality) is
carried into the target's shift range and weakened for each precondition that differs: the
effect and the low end are scaled by ``1 - WEAKENING × differing`` (at least `FLOOR`), the high
end kept, and the quality goes down a level (high, moderate, low).

**The verdict**:

* ``not_transferable`` where nothing in the target corresponds to what the shift moves patients
  from, where there is no headroom, or where the evidence (as carried) does not show a positive
  effect;
* ``adapt`` (transferable with named adaptations) where anything must change first: a receiving
  service to commission or expand, an incentive that runs the other way, an organisation with no
  counterpart, evidence weakened by the preconditions;
* ``transferable`` otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


__all__ = ["MATERIAL", "WEAKENING", "FLOOR", "preconditions", "carry_evidence", "verdict",
           "QUALITY_LEVELS"]

#: A precondition differs when the target is more than this share away from the source.
MATERIAL = 0.25
#: Each differing precondition scales the effect and its low end down by this much...
WEAKENING = 0.25
#: ... to no less than this share of what the evaluation found.
FLOOR = 0.25
QUALITY_LEVELS = ("high", "moderate", "low")


def _population(system) -> tuple[float, float]:
    """Population and population aged 65 and over (``places.csv``, else ``system.yaml``)."""
    places = system.places
    people = float(places["population"].sum()) if places["population"].notna().any() else np.nan
    if not people == people:
        try:
            people = float(system.meta.get("population") or np.nan)
        except (TypeError, ValueError):
            people = np.nan
    older = (float(places["population_65plus"].sum())
             if places["population_65plus"].notna().any() else np.nan)
    return people, older


def _reaching(flows: pd.DataFrame, services) -> float:
    """Patients a year arriving at some services from elsewhere."""
    into = flows["target"].isin(list(services)) & ~flows["source"].isin(list(services))
    return float(flows.loc[into, "patients"].sum())


def preconditions(source, target, source_set, target_set, shift, target_shift) -> pd.DataFrame:
    """The preconditions of a shift in the source and the target (see the module).

    Parameters
    ----------
    source, target : System
    source_set, target_set : PartnerSet
        The opportunity's partner sets in each (their scope and money are used).
    shift, target_shift : Shift or None
        The source's shift and the shift as carried to the target (None if it could not be).

    Returns
    -------
    DataFrame
        ``precondition, source, target, unit, differs, words``.
    """
    rows = []
    if shift is None:
        return pd.DataFrame(columns=["precondition", "source", "target", "unit", "differs",
                                     "words"])
    from netkit.model.selectors import select_services

    def rate(system, ps, sh):
        if ps is None or sh is None:
            return np.nan
        services = ps.scope.services
        chosen = services.loc[select_services(services, sh.from_), "id"]
        people, _ = _population(system)
        return _reaching(ps.scope.flows, chosen) * 100_000 / people if people else np.nan

    s_rate, t_rate = rate(source, source_set, shift), rate(target, target_set, target_shift)
    after = s_rate * (1 - shift.fraction)
    harder = t_rate < s_rate * (1 - MATERIAL)
    rows.append({"precondition": "headroom", "source": s_rate, "target": t_rate,
                 "unit": "patients a year reaching the services patients are diverted from, "
                         "per 100,000 population",
                 "differs": bool(harder),
                 "words": ("no headroom: the target's rate is already below the source's after "
                           "the shift" if t_rate <= after else
                           "less headroom in the target" if harder else "")})
    rows.append(_capacity_row(source_set, target_set))
    s_people, s_older = _population(source)
    t_people, t_older = _population(target)
    s_need = s_older / s_people if s_people and s_older == s_older else np.nan
    t_need = t_older / t_people if t_people and t_older == t_older else np.nan
    rows.append({"precondition": "need", "source": s_need, "target": t_need,
                 "unit": "share of the population aged 65 and over",
                 "differs": bool(abs(t_need - s_need) > MATERIAL * s_need)
                 if s_need == s_need and t_need == t_need else False,
                 "words": "a different population: the evaluation's effect may not hold"
                 if s_need == s_need and t_need == t_need
                 and abs(t_need - s_need) > MATERIAL * s_need else ""})
    return pd.DataFrame(rows, columns=["precondition", "source", "target", "unit", "differs",
                                       "words"])


def _shortfall(partner_set) -> float:
    """Contacts a year the shift would take its receiving services past their capacity."""
    money = partner_set.incentives if partner_set is not None else None
    if money is None:
        return np.nan
    services = money.services
    gaining = services[services["activity_change"] > 0]
    capacity = partner_set.scope.services.set_index("id")["capacity"]
    spare = capacity.reindex(gaining["id"]).to_numpy() - gaining["activity"].to_numpy()
    return float(np.nansum(np.maximum(gaining["activity_change"].to_numpy() - spare, 0.0)))


def _capacity_row(source_set, target_set) -> dict:
    """Capacity differs when the shift takes the target's receiving services further past their
    capacity than the source's (a shortfall the source had too is not a difference)."""
    s_short, t_short = _shortfall(source_set), _shortfall(target_set)
    differs = bool(t_short > 0 and not t_short <= (s_short if s_short == s_short else 0.0)
                   * (1 + MATERIAL))
    return {"precondition": "capacity", "source": s_short, "target": t_short,
            "unit": "contacts a year the shift would take the receiving services past their "
                    "capacity", "differs": differs,
            "words": (f"the receiving services would be {t_short:,.0f} contacts a year past "
                      f"their capacity (in the source: {s_short:,.0f})" if differs else "")}


def carry_evidence(evidence, differing: int) -> dict | None:
    """The source's evidence as it applies in the target (see the module).

    Examples
    --------
    >>> carry_evidence({"effect": 0.2, "low": 0.1, "high": 0.3, "quality": "high"}, 1)
    {'effect': 0.15, 'low': 0.075, 'high': 0.3, 'quality': 'moderate', 'source_effect': 0.2, 'weakened_by': 1}
    """
    if not evidence or evidence.get("effect") is None:
        return None
    scale = max(1.0 - WEAKENING * differing, FLOOR)
    effect = evidence["effect"]
    low = evidence.get("low", effect)
    quality = evidence.get("quality")
    if quality in QUALITY_LEVELS:
        quality = QUALITY_LEVELS[min(QUALITY_LEVELS.index(quality) + differing,
                                     len(QUALITY_LEVELS) - 1)]
    return {"effect": round(effect * scale, 6), "low": round(low * scale, 6),
            "high": evidence.get("high", effect), "quality": quality, "source_effect": effect,
            "weakened_by": differing}


def verdict(services: pd.DataFrame, organisations: pd.DataFrame, conditions: pd.DataFrame,
            money: pd.DataFrame, evidence: dict | None, target_name: str) -> dict:
    """``{kind, reasons, adaptations}`` from the mappings, preconditions, money and evidence
    (see the module for the rules)."""
    reasons, adaptations = [], []
    missing_from = services[(services.get("side") == "from") & (services["counterpart"] == "")]
    if len(services) and len(missing_from) == (services.get("side") == "from").sum():
        reasons.append(f"{target_name} has nothing that corresponds to what the shift moves "
                       f"patients from ({', '.join(missing_from['source'])})")
    headroom = conditions[conditions["precondition"] == "headroom"]
    if len(headroom) and headroom["words"].iloc[0].startswith("no headroom"):
        reasons.append(f"{target_name} already has fewer patients reaching those services than "
                       "the source would have after the shift: there is little left to divert")
    if evidence is not None and evidence["high"] is not None and evidence["high"] <= 0:
        reasons.append("the evaluation in the source found no benefit")
    for row in services[(services.get("side") == "to") & (services["counterpart"] == "")
                        ].itertuples():
        adaptations.append(f"commission a {row.category.replace('_', ' ')} service to receive "
                           f"the patients: {row.why}")
    for row in conditions[conditions["differs"]].itertuples():
        if row.precondition == "capacity":
            adaptations.append(f"expand the receiving services: {row.words}")
        elif row.precondition != "headroom" or not row.words.startswith("no headroom"):
            adaptations.append(f"plan on a smaller effect: {row.words}")
    for risk in money.loc[money["reversed"], "risk"] if len(money) else []:
        adaptations.append(f"agree a risk-and-gain-share before starting: {risk}")
    for row in organisations[organisations["counterpart"] == ""].itertuples():
        adaptations.append(f"find who plays the part of {row.source} here: {row.why}")
    kind = "not_transferable" if reasons else "adapt" if adaptations else "transferable"
    return {"kind": kind, "reasons": reasons, "adaptations": adaptations}
