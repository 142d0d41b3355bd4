"""The opportunities of a generated system: scoped to one ICS (``QKK-frailty-admissions``,
``QKK-crisis-alternatives``), to a region (``Y56-stroke-network``) and to the nation
(``national-frailty-admissions``, ``national-diabetes-community``), as the scale allows."""

from __future__ import annotations

from netkit.io.generate.builder import Builder
from netkit.io.generate.organisations import ICS

__all__ = ["opportunities", "REGION_COST", "NATIONAL_COST"]

#: Coordination cost of the regional and national opportunities (the default, 0.02 a partner,
#: suits one ICS: in a region or the nation each organisation's share of the work is so much
#: smaller that no one would clear it).
REGION_COST = {"partner": 0.005, "new_tie": 0.0002}
NATIONAL_COST = {"partner": 0.002, "new_tie": 0.00005}


def opportunities(b: Builder, systems: list[ICS], chosen, scale: str) -> list[dict]:
    """The opportunities of every ICS, then of each region and of the nation where the scale
    covers them."""
    out = []
    for ics in systems:
        out += _ics_opportunities(b, ics)
    if scale in ("region", "national"):
        for region, rows in chosen.groupby("region", sort=True):
            out.append(_stroke_network(region, rows["region_name"].iloc[0]))
    if scale == "national":
        out += _national()
    return out


def _ics_opportunities(b: Builder, ics: ICS) -> list[dict]:
    icb, area = ics.icb, ics.area
    return [{
        "id": f"{icb}-frailty-admissions",
        "title": f"Reduce avoidable emergency admissions of frail older people in {area}",
        "benefits": ["outcomes", "technical_efficiency"],
        "pathways": [f"{icb}-frailty-urgent"],
        "shift": {"from": ["category:urgent_emergency", "category:acute_inpatient"],
                  "to": sorted(set(b.service_ids(ics.community.ucr))), "fraction": 0.2},
        "include": [icb]}, {
        "id": f"{icb}-crisis-alternatives",
        "title": f"Alternatives to the emergency department in mental health crisis in {area}",
        "benefits": ["quality", "outcomes"], "pathways": [f"{icb}-mh-crisis"],
        "shift": {"from": ["category:urgent_emergency"],
                  "to": b.service_ids(ics.mental_health.cri), "fraction": 0.25}}]


def _stroke_network(region: str, region_name: str) -> dict:
    return {
        "id": f"{region}-stroke-network",
        "title": f"A regional stroke network for {region_name}: "
                 "thrombectomy and early supported discharge",
        "benefits": ["outcomes", "allocative_efficiency"],
        "pathways": [f"tag:stroke-{region}"],
        "shift": {"from": ["category:acute_inpatient"], "to": ["category:community"],
                  "fraction": 0.1},
        "coordination_cost": REGION_COST}


def _national() -> list[dict]:
    return [{
        "id": "national-frailty-admissions",
        "title": "Reduce avoidable emergency admissions of frail older people in England",
        "benefits": ["outcomes", "technical_efficiency"], "pathways": ["tag:frailty"],
        "shift": {"from": ["category:urgent_emergency", "category:acute_inpatient"],
                  "to": ["category:community"], "fraction": 0.2},
        "coordination_cost": NATIONAL_COST}, {
        "id": "national-diabetes-community",
        "title": "Move routine diabetes follow-up out of hospital across England",
        "benefits": ["allocative_efficiency"], "pathways": ["tag:diabetes"],
        "shift": {"from": ["category:acute_outpatient"], "to": ["category:community",
                                                                "category:pharmacy"],
                  "fraction": 0.3},
        "coordination_cost": NATIONAL_COST}]
