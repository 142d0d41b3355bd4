"""Candidates: the places above their benchmark, sized, with the organisations carrying the
excess and a draft opportunity for the analyst to edit.

* **Value**: the excess times the unit cost of the services carrying it, weighted by what each
  carries, at marginal cost (`netkit.finance.costs.marginal_unit_costs`: the short-run cost that
  goes when the contact goes) and at average cost (``unit_cost``). It is gross: the cost of the
  community alternative is not taken off (``netkit partners`` on the draft nets it).
  Bed days are valued at the service's unit cost divided by its length of stay.
* **Draft opportunity**: the candidate's pathway and place; a shift from the services carrying
  the excess (the largest, up to 80% of it, at most five) to community alternatives already in
  the pathway and place (community services first, then social care, VCSE support and
  pharmacy, three at most, busiest first within a category; general practice only where there
  is none of those), with ``fraction`` set to
  close the gap to the benchmark (excess / observed) and ``range`` from the control limits. A
  prevention measure (patients entering the pathway) has no shift: it needs fewer people to
  need the pathway.
"""

from __future__ import annotations

import re
from dataclasses import fields

import numpy as np
import pandas as pd

from netkit.diagnosis.measures import MEASURES
from netkit.diagnosis.populations import place_table

__all__ = ["size_candidates", "signals", "draft_opportunities", "COMMUNITY_CATEGORIES", "BENEFITS_OF"]

#: Service categories that count as community alternatives in a draft's ``shift.to``, in the
#: order a draft prefers them (general practice last: it is where patients come from).
COMMUNITY_CATEGORIES = ("community", "social_care", "vcse_support", "pharmacy", "primary_care")
#: The benefits a draft names, by mechanism.
BENEFITS_OF = {"prevention": ["outcomes"],
               "redirection and substitution": ["quality", "allocative_efficiency"],
               "de-adoption": ["technical_efficiency"],
               "efficiency": ["technical_efficiency", "quality"]}
_KEYS = ["pathway", "place", "measure"]


def _unit_costs(system) -> pd.DataFrame:
    """Average and marginal cost per unit of each service (per day for bed days)."""
    services = system.services.set_index("id")
    average = pd.to_numeric(services["unit_cost"], errors="coerce")
    try:
        from netkit.finance.costs import marginal_unit_costs

        marginal = marginal_unit_costs(system, system.services).reindex(services.index)
    except ImportError:  # a netkit without the marginal-cost method: average cost stands in
        marginal = average.copy()
    return pd.DataFrame({"average": average, "marginal": marginal})


def size_candidates(system, compared: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """The candidates (places with an excess), with value and the organisations carrying them.
    PCN rows (by registration) are compared but are not candidates: their draft would have no
    place.

    Returns the candidate rows of ``compared`` with ``id``, ``mechanism``,
    ``hospital_to_community``, ``value_low``, ``value``, ``value_high`` (marginal cost),
    ``value_average_low``, ``value_average``, ``value_average_high``, ``organisations`` (a list
    of ``{id, name, count, share}``, largest first) and ``services`` (ids carrying it, largest
    first), ranked by value, then excess.
    """
    by_place = compared["by"] == "residence" if "by" in compared else True
    found = compared[(compared["excess"] > 0) & by_place].copy()
    carried = counts.merge(found[_KEYS], on=_KEYS)
    costs = _unit_costs(system)
    stay = _stay(system).reindex(carried["service"]).to_numpy()
    days = (carried["measure"] == "bed_days").to_numpy()
    for kind in ("average", "marginal"):
        cost = costs[kind].reindex(carried["service"]).to_numpy()
        carried[kind] = np.where(days, cost / np.where(stay > 0, stay, np.nan), cost)
    known = carried.assign(
        **{f"{k}_w": carried["count"].where(carried[k].notna(), 0.0) for k in ("average",
                                                                               "marginal")},
        **{f"{k}_x": carried["count"] * carried[k].fillna(0.0) for k in ("average", "marginal")})
    per = known.groupby(_KEYS, sort=True)[["average_w", "average_x", "marginal_w",
                                           "marginal_x"]].sum()
    unit = pd.DataFrame({k: per[f"{k}_x"] / per[f"{k}_w"].where(per[f"{k}_w"] > 0)
                         for k in ("average", "marginal")})
    found = found.join(unit, on=_KEYS)
    for name, kind in (("value", "marginal"), ("value_average", "average")):
        for suffix, excess in (("_low", "excess_low"), ("", "excess"), ("_high", "excess_high")):
            found[name + suffix] = found[excess] * found[kind]
    found["mechanism"] = found["measure"].map(lambda m: MEASURES[m].mechanism)
    found["hospital_to_community"] = found["measure"].map(
        lambda m: MEASURES[m].hospital_to_community)
    found["id"] = found["pathway"] + "/" + found["place"].astype(str) + "/" + found["measure"]
    found = found.join(_carriers(system, carried), on=_KEYS)
    found = found.sort_values(["value", "excess", "id"], ascending=[False, False, True],
                              na_position="last", kind="stable").reset_index(drop=True)
    found["signal"] = signals(found)
    return found


def signals(candidates: pd.DataFrame) -> np.ndarray:
    """Which candidates are one signal: a place's measures of one pathway with the same ratio
    (to two decimals) come from the same patients entering the pathway, so they are one
    finding seen several ways and their values overlap. Returns a number per candidate (1, 2,
    ... in order of first appearance; shared within a signal).

    Examples
    --------
    >>> signals(pd.DataFrame({"pathway": "p", "place": ["N", "N", "S", "N"],
    ...                       "ratio": [1.26, 1.2551, 1.26, 1.4]})).tolist()
    [1, 1, 2, 3]
    """
    if candidates.empty:
        return np.zeros(0, dtype=int)
    key = candidates[["pathway", "place"]].astype(str).assign(
        ratio=candidates["ratio"].round(2).astype(str))
    codes, _ = pd.factorize(pd.MultiIndex.from_frame(key))
    return codes.astype(int) + 1


def _stay(system) -> pd.Series:
    from netkit.diagnosis.measures import _service_table

    return _service_table(system.services)["length_of_stay"]


def _carriers(system, carried: pd.DataFrame) -> pd.DataFrame:
    """For each candidate: the organisations carrying it and the services, largest first."""
    names = system.organisation_names()
    by_org = carried.groupby(_KEYS + ["organisation"], sort=True)["count"].sum().reset_index()
    by_org["share"] = by_org["count"] / by_org.groupby(_KEYS)["count"].transform("sum")
    by_org = by_org.sort_values(_KEYS + ["count", "organisation"],
                                ascending=[True, True, True, False, True], kind="stable")
    by_org["entry"] = [{"id": o, "name": names.get(o, o), "count": float(c), "share": float(s)}
                       for o, c, s in zip(by_org["organisation"], by_org["count"],
                                          by_org["share"])]
    by_service = carried.sort_values(_KEYS + ["count", "service"],
                                     ascending=[True, True, True, False, True], kind="stable")
    by_service = by_service.assign(share=by_service["count"] / by_service.groupby(_KEYS)[
        "count"].transform("sum"))
    return pd.DataFrame({
        "organisations": by_org.groupby(_KEYS, sort=True)["entry"].agg(list),
        "services": by_service.groupby(_KEYS, sort=True)["service"].agg(list),
        "service_shares": by_service.groupby(_KEYS, sort=True)["share"].agg(list)})


def _alternatives(system) -> pd.DataFrame:
    """Community services active in each pathway and place, in the order a draft prefers them:
    ``pathway, place, service, activity`` (activity: the larger of patients arriving and
    leaving, as `netkit.model.activity.service_activity` counts it)."""
    from netkit.diagnosis.measures import _codes

    flows, services = system.flows, system.services
    rank = {c: i for i, c in enumerate(COMMUNITY_CATEGORIES)}
    priority = services["category"].map(rank).to_numpy(dtype=float)
    at = pd.Index(services["id"])
    pathway, pathways = pd.factorize(flows["pathway"])
    place, places = pd.factorize(flows["place"])
    patients = flows["patients"].to_numpy(dtype=float)
    ends = []
    for column in ("target", "source"):
        svc = _codes(flows[column], at)
        ok = (svc >= 0) & (place >= 0)
        ok[ok] = np.isfinite(priority[svc[ok]])
        key = ((pathway[ok].astype(np.int64) * len(places)) + place[ok]) * len(at) + svc[ok]
        ends.append(pd.Series(patients[ok]).groupby(key).sum())
    both = pd.concat(ends, axis=1).fillna(0.0).max(axis=1)
    key = both.index.to_numpy(dtype=np.int64)
    svc, rest = key % len(at), key // len(at)
    table = pd.DataFrame({
        "pathway": np.asarray(pathways, dtype=object)[rest // len(places)],
        "place": np.asarray(places, dtype=object)[rest % len(places)].astype(str),
        "service": at.to_numpy(dtype=object)[svc], "activity": both.to_numpy(),
        "priority": priority[svc]})
    return table.sort_values(["pathway", "place", "priority", "activity", "service"],
                             ascending=[True, True, True, False, True], kind="stable")


def draft_opportunities(system, candidates: pd.DataFrame, rules=None) -> list[dict]:
    """A draft opportunity (a mapping as in ``opportunities.yaml``) for each candidate. Its
    description gives the observed and expected counts as the reports show them under active
    disclosure ``rules`` (`netkit.model.disclosure.DisclosureRules`), else whole."""
    from netkit.model.opportunity import Shift

    with_range = "range" in {f.name for f in fields(Shift)}
    alternatives = _alternatives(system)
    last = COMMUNITY_CATEGORIES.index("primary_care")
    # general practice only where the pathway has no other community service in that place
    best = alternatives.groupby(["pathway", "place"])["priority"].transform("min")
    alternatives = alternatives[(alternatives["priority"] < last) | (best == last)]
    options = {key: list(part["service"][:3]) for key, part in
               alternatives.groupby(["pathway", "place"], sort=True)}
    pathway_names = system.pathways.set_index("id")["name"]
    places = place_table(system)
    place_names = places["name"].dropna().to_dict() if "name" in places else {}
    count = rules.count if rules is not None and rules.active else (lambda v: f"{v:,.0f}")
    drafts = []
    for row in candidates.itertuples(index=False):  # one per candidate: a short list
        where = place_names.get(row.place) or str(row.place)
        drafts.append(_draft(row, options.get((row.pathway, str(row.place)), []),
                             pathway_names.get(row.pathway, row.pathway), where, with_range,
                             count))
    return drafts


def _draft(row, alternatives: list, pathway_name: str, place_name: str,
           with_range: bool, count) -> dict:
    measure = MEASURES[row.measure]
    share = np.cumsum(row.service_shares)
    keep = max(1, min(5, int(np.searchsorted(share, 0.8) + 1)))
    sources = [s for s in row.services[:keep]]
    targets = [s for s in alternatives if s not in sources]
    slug = re.sub(r"[^a-z0-9]+", "-", row.id.lower()).strip("-")
    draft = {"id": f"draft-{slug}",
             "title": f"Fewer {measure.label} in {place_name} ({pathway_name})",
             "description": (f"Draft from netkit diagnose: {count(row.observed)} {measure.unit} "
                             f"a year against {count(row.expected)} expected at the benchmark "
                             f"(ratio {row.ratio:.2f}, {row.verdict}); TPMA: {measure.tpma}; "
                             f"mechanism: {measure.mechanism}. Edit before use."),
             "benefits": list(BENEFITS_OF[measure.mechanism]),
             "pathways": [row.pathway], "places": [str(row.place)]}
    if row.measure != "entries" and targets:
        fraction = float(np.clip(row.excess / row.observed, 0.0, 1.0))
        shift = {"from": sources, "to": targets, "fraction": round(fraction, 4)}
        if with_range:
            low = float(np.clip(row.excess_low / row.observed, 0.0, 1.0))
            high = float(np.clip(row.excess_high / row.observed, 0.0, 1.0))
            shift["range"] = [round(low, 4), round(max(high, fraction), 4)]
        draft["shift"] = shift
    return draft
