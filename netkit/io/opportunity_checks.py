"""Checks of what each opportunity names (pathways, places, cohorts, shift services, organisations, representation) against a system's tables."""

from __future__ import annotations

from typing import Any

import pandas as pd

from netkit.errors import Problem
from netkit.io.named_checks import check_named_outside, taking_part
from netkit.io.suggest import _suggest
from netkit.model.opportunity import Opportunity
from netkit.model.selectors import (
    PATHWAY_KINDS,
    SERVICE_KINDS,
    parse_selector,
    pathway_tags,
    select_pathways,
)

__all__ = ['check_opportunities']


def check_opportunities(opportunities: list[Opportunity], tables: dict[str, pd.DataFrame],
                        label: str = "opportunities.yaml", lines: dict | None = None,
                        doc: Any = None) -> list[Problem]:
    """Check what each opportunity names against a system's tables.

    Pathways (ids and ``tag:NAME``), places, cohorts, shift services (ids and ``category:NAME``)
    and include/exclude organisations must all exist.
    """
    lines = lines or {}
    problems: list[Problem] = []
    known = _known_names(tables, opportunities)
    index_of = {}
    if isinstance(doc, list):
        index_of = {str(item.get("id")): i for i, item in enumerate(doc) if isinstance(item, dict)}

    for opp in opportunities:
        i = index_of.get(opp.id)

        def bad(key: str, value: str, message: str, severity: str = "error"):
            line = lines.get((i, key)) or lines.get((i,)) if i is not None else None
            problems.append(Problem(label, line, f"opportunity {opp.id}.{key}", value, message,
                                    severity))

        _check_opportunity_pathways(opp, known, bad)
        _check_opportunity_places_and_cohort(opp, known, bad)
        _check_opportunity_shift(opp, known, bad)
        _check_opportunity_organisations(opp, known, bad)
        _check_opportunity_represent(opp, known, bad)
    return problems


def _known_names(tables: dict[str, pd.DataFrame], opportunities=()) -> dict[str, set]:
    """What a system's tables name, by kind, for checking opportunities against; who takes
    part in the pathways of the opportunities that include or exclude organisations (the only
    ones asked about)."""
    orgs, services, pathways, flows = (tables[k] for k in ("organisations", "services",
                                                           "pathways", "flows"))
    naming = [o for o in opportunities if o.include or o.exclude]
    asked = sorted(set().union(*(select_pathways(pathways, o.pathways) for o in naming)))
    return {"org_ids": _distinct(orgs["id"]), "service_ids": _distinct(services["id"]),
            "pathway_ids": _distinct(pathways["id"]),
            "tags": {t for tags in pathway_tags(pathways) for t in tags},
            "places": _given(orgs["place"]) | _given(services["place"]) | _given(flows["place"])
            | (_distinct(tables["places"]["place"]) if "places" in tables else set()),
            "cohorts": _given(pathways["cohort"]),
            "categories": _distinct(services["category"]), "org_types": _distinct(orgs["type"]),
            **(taking_part(tables, asked) if naming else {})}


def _distinct(values: pd.Series) -> set:
    """The values as a set, from their distinct values (a set of a column walks every value:
    a sixth of a second for the generated region's 168,000 flows' places)."""
    return set(values.unique().tolist())


def _given(values: pd.Series) -> set:
    """`_distinct` of the values that are not missing (dropped from the distinct values: a
    column's own `dropna` copies it)."""
    return set(pd.Series(values.unique(), dtype=object).dropna().tolist())


def _check_opportunity_pathways(opp: Opportunity, known: dict[str, set], bad) -> None:
    tags, pathway_ids = known["tags"], known["pathway_ids"]
    for sel in opp.pathways:
        selector = parse_selector(sel, PATHWAY_KINDS)
        if selector.kind == "tag":
            if selector.value not in tags:
                bad("pathways", sel, f"matches no pathway (no pathway has the tag "
                                     f"{selector.value!r}{_suggest(selector.value, tags)})")
        elif sel not in pathway_ids:
            bad("pathways", sel, f"is not a pathway id in pathways.csv"
                                 f"{_suggest(sel, pathway_ids)}; use an id or tag:NAME")


def _check_opportunity_places_and_cohort(opp: Opportunity, known: dict[str, set], bad) -> None:
    places, cohorts = known["places"], known["cohorts"]
    for place in opp.places:
        if place not in places:
            bad("places", place, f"is not a place named in the system{_suggest(place, places)}")
    for cohort in opp.cohort:
        if cohort not in cohorts:
            bad("cohort", cohort, f"is not a cohort of any pathway{_suggest(cohort, cohorts)}")


def _check_opportunity_shift(opp: Opportunity, known: dict[str, set], bad) -> None:
    if opp.shift is None:
        return
    categories, service_ids = known["categories"], known["service_ids"]
    for key, names in (("shift.from", opp.shift.from_), ("shift.to", opp.shift.to)):
        for sel in names:
            selector = parse_selector(sel, SERVICE_KINDS)
            if selector.kind == "category":
                if selector.value not in categories:
                    bad(key, sel, "names a category that no service has"
                                  f"{_suggest(selector.value, categories)}")
            elif sel not in service_ids:
                bad(key, sel, f"is not a service id in services.csv"
                              f"{_suggest(sel, service_ids)}; use an id or category:NAME")


def _check_opportunity_organisations(opp: Opportunity, known: dict[str, set], bad) -> None:
    """Include, exclude and decommission name existing organisations, and none is in both
    include and exclude."""
    org_ids = known["org_ids"]
    for key in ("include", "exclude", "decommission"):
        for org in getattr(opp, key):
            if org not in org_ids:
                bad(key, org, f"is not an organisation id in organisations.csv"
                              f"{_suggest(org, org_ids)}")
    both = set(opp.include) & set(opp.exclude)
    for org in sorted(both):
        bad("exclude", org, "is in both include and exclude; keep it in one")
    check_named_outside(opp, known, bad)


def _check_opportunity_represent(opp: Opportunity, known: dict[str, set], bad) -> None:
    for org_type in (opp.represent or {}):
        if org_type not in known["org_types"]:
            bad("represent", org_type, "is not the type of any organisation in the system",
                "warning")
