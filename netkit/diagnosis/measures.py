"""The measures a diagnosis compares between places, counted from the flow table.

Each measure approximates one of the Strategy Unit's types of potentially mitigatable activity
(TPMAs) as far as pathway flows allow, and is classed by mechanism (prevention, redirection and
substitution, de-adoption, efficiency) and by whether reducing it moves care from hospital into
the community. Counts are by place of residence (the ``place`` column of ``flows.csv``); flows with
no place are left out of place rates and counted in `unplaced`.

* ``entries``: patients entering the pathway (flows from ``@home``) — how many people need it.
* ``emergency_attendances``: arrivals at services of category ``urgent_emergency`` (emergency
  departments, urgent treatment, 111) — TPMA "frequent and avoidable A&E attendances".
* ``admissions``: arrivals at ``acute_inpatient`` services from anywhere that is not itself an
  acute inpatient service — TPMA "emergency admissions of frail older people", "ambulatory care
  sensitive conditions".
* ``care_home_admissions``: arrivals at ``care_home`` services — TPMA "admissions to long-term
  care"; preventable by reablement and home first.
* ``bed_days``: arrivals at a service times its ``length_of_stay`` (days), for services whose
  ``unit`` is ``day`` or that give a ``length_of_stay`` (both optional extra columns of
  ``services.csv``; the format has no unit column, so without them there are no bed days).
* ``returns``: patients moving back along a tie between two organisations that also carries them
  forward (A to B and B to A in one pathway and place: the smaller of the two directions), as
  readmission loops do — TPMA "readmissions within 28 days".
* ``transfers``: moves between organisations (a flow whose two services have different
  providers); its rate is per patient entering the pathway, not per head — boundary-crossing
  burden.

Admissions that leave the same day (TPMA "zero length of stay") need times or lengths of stay,
which pathway flows do not carry: they are not measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit.model.schema import HOME, counted_in_days

__all__ = ["Measure", "MEASURES", "measure_counts", "NOT_MEASURED"]


@dataclass(frozen=True)
class Measure:
    """One measure: its name, what it counts, the TPMA it approximates, its mechanism, whether
    reducing it shifts care from hospital to community, and what its rate is per."""

    name: str
    label: str
    unit: str
    tpma: str
    mechanism: str
    hospital_to_community: bool
    per_patient: bool = False


MEASURES: dict[str, Measure] = {m.name: m for m in (
    Measure("entries", "patients entering the pathway", "patients",
            "incidence of need (prevention)", "prevention", False),
    Measure("emergency_attendances", "emergency attendances", "attendances",
            "frequent and avoidable A&E attendances", "redirection and substitution", True),
    Measure("admissions", "admissions to acute beds", "admissions",
            "emergency admissions (frail older people, ambulatory care sensitive conditions)",
            "redirection and substitution", True),
    Measure("care_home_admissions", "admissions to care homes", "admissions",
            "admissions to long-term residential care", "prevention", True),
    Measure("bed_days", "bed days", "bed days", "excess bed days and delayed discharge",
            "efficiency", True),
    Measure("returns", "returns between two organisations", "patients",
            "readmissions within 28 days", "efficiency", False),
    Measure("transfers", "transfers between organisations per patient", "transfers",
            "boundary-crossing burden (handoffs)", "efficiency", False, per_patient=True),
)}

#: What flows cannot measure, in words for the report.
NOT_MEASURED = ("admissions that leave the same day (zero length of stay) need times or lengths "
                "of stay, which pathway flows do not carry")

#: The categories of services that stand in for hospital beds in ``admissions``.
_ACUTE_BEDS = "acute_inpatient"


def _service_table(services: pd.DataFrame) -> pd.DataFrame:
    """id, provider, category, length_of_stay (days; NaN where not a day-unit service)."""
    out = services[["id", "provider", "category"]].copy()
    stay = pd.to_numeric(services.get("length_of_stay", pd.Series(np.nan, index=services.index)),
                         errors="coerce")
    by_day = counted_in_days(services)
    out["length_of_stay"] = np.where(stay > 0, stay, np.where(by_day, 1.0, np.nan))
    return out.set_index("id")


def measure_counts(flows: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """Every measure's count, by pathway, place and the organisation (and service) carrying it.

    Parameters
    ----------
    flows : DataFrame
        ``pathway, source, target, patients, place`` (the contract's flows table).
    services : DataFrame
        ``id, provider, category`` and, optionally, ``unit`` and ``length_of_stay``.

    Returns
    -------
    DataFrame
        ``pathway, place, measure, organisation, service, count``: one row a (pathway, place,
        measure, service) with a count > 0, where ``service`` is the service the count arrives at
        (its provider is the organisation carrying it). ``entries`` are carried by the first
        service. Flows with no place are left out.

    Examples
    --------
    >>> flows = pd.DataFrame({"pathway": "p", "place": "N",
    ...     "source": ["@home", "GP", "ED", "WARD", "GP", "ED"],
    ...     "target": ["GP", "ED", "WARD", "ED", "@home", "@home"],
    ...     "patients": [100.0, 30, 10, 4, 70, 24]})
    >>> services = pd.DataFrame({"id": ["GP", "ED", "WARD"], "provider": ["P", "A", "A"],
    ...     "category": ["primary_care", "urgent_emergency", "acute_inpatient"]})
    >>> counts = measure_counts(flows, services)
    >>> counts.groupby("measure")["count"].sum().to_dict()
    {'admissions': 10.0, 'emergency_attendances': 34.0, 'entries': 100.0, 'transfers': 30.0}
    """
    table = _service_table(services)
    at = pd.Index(table.index)
    t, s = _codes(flows["target"], at), _codes(flows["source"], at)
    provider, providers = pd.factorize(table["provider"])
    category = table["category"].to_numpy(dtype=object)
    stay = table["length_of_stay"].to_numpy(float)
    pathway, pathways = pd.factorize(flows["pathway"])
    place, places = pd.factorize(flows["place"])
    count = flows["patients"].to_numpy(dtype=float)
    # flows with no place, or no patients, count nowhere
    t = np.where((place >= 0) & (count > 0), t, -1)
    known_t, known_s = t >= 0, s >= 0
    t_cat = np.where(known_t, category[np.maximum(t, 0)], None)
    s_cat = np.where(known_s, category[np.maximum(s, 0)], None)
    t_org = np.where(known_t, provider[np.maximum(t, 0)], -1)
    s_org = np.where(known_s, provider[np.maximum(s, 0)], -2)
    from_home = (flows["source"] == HOME).to_numpy()
    crossing = known_t & known_s & (t_org != s_org)
    picks = [("entries", from_home & known_t, count),
             ("emergency_attendances", t_cat == "urgent_emergency", count),
             ("admissions", (t_cat == _ACUTE_BEDS) & (s_cat != _ACUTE_BEDS), count),
             ("care_home_admissions", t_cat == "care_home", count),
             ("transfers", crossing, count),
             ("bed_days", known_t & np.isfinite(stay[np.maximum(t, 0)]),
              count * np.where(known_t, stay[np.maximum(t, 0)], np.nan))]
    names = list(MEASURES)
    parts = [(np.full(m.sum(), names.index(name)), pathway[m], place[m], t[m], c[m])
             for name, m, c in picks]
    parts.append(_returns(pathway[crossing], place[crossing], s_org[crossing], t_org[crossing],
                          t[crossing], count[crossing], names.index("returns")))
    measure, pw, pl, svc, value = (np.concatenate(x) for x in zip(*parts))
    # one row a (pathway, place, measure, service): sum with one integer key
    dims = (len(pathways), len(places), len(names), len(at))
    key = ((pw.astype(np.int64) * dims[1] + pl) * dims[2] + measure) * dims[3] + svc
    unique, where = np.unique(key, return_inverse=True)
    total = np.bincount(where, value, len(unique))
    svc_u = unique % dims[3]
    rest = unique // dims[3]
    measure_u, rest = rest % dims[2], rest // dims[2]
    place_u, pathway_u = rest % dims[1], rest // dims[1]
    out = pd.DataFrame({
        "pathway": np.asarray(pathways, dtype=object)[pathway_u],
        "place": np.asarray(places, dtype=object)[place_u],
        "measure": np.asarray(names, dtype=object)[measure_u],
        "organisation": np.asarray(providers, dtype=object)[provider[svc_u]],
        "service": at.to_numpy(dtype=object)[svc_u], "count": total})
    out = out[out["count"] > 0]
    keys = ["pathway", "place", "measure", "organisation", "service"]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _codes(column: pd.Series, index: pd.Index) -> np.ndarray:
    """Each value's position in ``index`` (-1 where it is not there), looked up once per
    distinct value."""
    codes, uniques = pd.factorize(column)
    where = index.get_indexer(uniques)
    return np.where(codes >= 0, where[np.maximum(codes, 0)], -1)


def _returns(pathway, place, source_org, target_org, service, count, code):
    """Patients moving back along a tie that also carries them forward: for each pathway, place
    and pair of organisations, the smaller of the two directions, carried by the organisation the
    smaller direction arrives at (split over its services in proportion to their arrivals).
    Equal directions: the return is the direction into the organisation coded later."""
    n_org = int(max(source_org.max(initial=0), target_org.max(initial=0))) + 1
    n_place = int(place.max(initial=0)) + 1
    base = (pathway.astype(np.int64) * n_place + place) * n_org
    key = (base + source_org) * n_org + target_org
    back = (base + target_org) * n_org + source_org
    ties, where = np.unique(key, return_inverse=True)
    forward = np.bincount(where, count, len(ties))
    at = np.searchsorted(ties, back)
    found = (at < len(ties)) & (ties[np.minimum(at, len(ties) - 1)] == back)
    reverse = np.where(found, forward[np.minimum(at, len(ties) - 1)], 0.0)[where]
    mine = forward[where]
    smaller = (mine < reverse) | ((mine == reverse) & (target_org > source_org))
    keep = smaller & (reverse > 0)
    # each row of a returning tie carries its share of the tie's total: its own count
    return (np.full(keep.sum(), code), pathway[keep], place[keep], service[keep], count[keep])
