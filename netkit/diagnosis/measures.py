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

from netkit.model.schema import HOME

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
    unit = services.get("unit", pd.Series("", index=services.index)).fillna("").astype(str)
    by_day = unit.str.strip().str.lower().isin(("day", "days", "bed day", "bed_day", "bed days"))
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
    flows = flows[flows["place"].notna() & (flows["patients"] > 0)]
    table = _service_table(services)
    target = table.reindex(flows["target"].to_numpy())
    source = table.reindex(flows["source"].to_numpy())
    base = pd.DataFrame({"pathway": flows["pathway"].to_numpy(), "place": flows["place"].to_numpy(),
                         "organisation": target["provider"].to_numpy(),
                         "service": flows["target"].to_numpy(),
                         "count": flows["patients"].to_numpy(dtype=float)})
    t_cat, s_cat = target["category"].to_numpy(), source["category"].to_numpy()
    from_home = flows["source"].to_numpy() == HOME
    at_service = flows["target"].to_numpy() != HOME
    crossing = (at_service & ~from_home & pd.notna(source["provider"].to_numpy())
                & (source["provider"].to_numpy() != target["provider"].to_numpy()))
    parts = [base[from_home & at_service].assign(measure="entries"),
             base[t_cat == "urgent_emergency"].assign(measure="emergency_attendances"),
             base[(t_cat == _ACUTE_BEDS) & (s_cat != _ACUTE_BEDS)].assign(measure="admissions"),
             base[t_cat == "care_home"].assign(measure="care_home_admissions"),
             base[crossing].assign(measure="transfers")]
    stay = target["length_of_stay"].to_numpy()
    days = base.assign(count=base["count"].to_numpy() * stay)[np.isfinite(stay)]
    parts.append(days.assign(measure="bed_days"))
    parts.append(_returns(base[crossing], source["provider"].to_numpy()[crossing]))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["count"] > 0]
    keys = ["pathway", "place", "measure", "organisation", "service"]
    return (out.groupby(keys, sort=True, observed=True)["count"].sum().reset_index())


def _returns(crossing: pd.DataFrame, source_provider: np.ndarray) -> pd.DataFrame:
    """Patients moving back along a tie that also carries them forward: for each pathway, place
    and pair of organisations, the smaller of the two directions, carried by the organisation the
    smaller direction arrives at (split over its services in proportion to their arrivals)."""
    ties = crossing.assign(source=source_provider)
    totals = ties.groupby(["pathway", "place", "source", "organisation"], sort=True)["count"].sum()
    if totals.empty:
        return crossing.iloc[:0].assign(measure="returns")
    back = totals.copy()
    back.index = back.index.set_names(["pathway", "place", "organisation", "source"])
    back = back.reorder_levels(["pathway", "place", "source", "organisation"])
    both = pd.concat([totals.rename("forward"), back.rename("back")], axis=1).fillna(0.0)
    # a direction counts as the return when it is the smaller one (ties: once, the later name)
    smaller = (both["forward"] < both["back"]) | (
        (both["forward"] == both["back"])
        & (both.index.get_level_values("source") > both.index.get_level_values("organisation")))
    returned = both.loc[smaller & (both["forward"] > 0), "forward"].rename("returned")
    share = ties.groupby(["pathway", "place", "source", "organisation", "service"])["count"].sum()
    share = share / share.groupby(level=[0, 1, 2, 3]).transform("sum")
    joined = share.rename("share").reset_index().merge(
        returned.reset_index(), on=["pathway", "place", "source", "organisation"])
    joined["count"] = joined["share"] * joined["returned"]
    return joined[["pathway", "place", "organisation", "service", "count"]].assign(
        measure="returns")
