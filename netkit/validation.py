"""Check a system's text tables against the format contract and type them, all problems at once.

`validate_raw` turns a `netkit.reading.RawSystem` into typed tables, parsed opportunities and the
list of every problem found (errors and warnings), each naming file, row, column and value. The
checks are vectorised over whole columns; only the rows found bad are visited to write messages.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

import networkx as nx
import numpy as np
import pandas as pd

from ._frames import blank_as_empty
from .disclosure import SUPPRESSED
from .errors import Problem
from .opportunity import Opportunity, parse_opportunities
from .reading import ROW_COLUMN, RawSystem
from .schema import (HOME, ORGANISATION_TYPES, PAYMENT_BASES, SERVICE_CATEGORIES, TABLES,
                     TableSpec)

__all__ = ["ValidatedSystem", "validate_raw", "check_opportunities"]

_FRIENDLY_NUMBER = {
    "patients": "a number of patients a year (≥ 0)",
    "budget": "an amount in pounds a year (≥ 0)",
    "value": "an amount in pounds a year (≥ 0)",
    "unit_cost": "a cost in pounds per patient contact (≥ 0)",
    "price": "a price in pounds per patient contact (≥ 0)",
    "capacity": "a number of patient contacts a year (≥ 0)",
    "strength": "a number from 0 to 1",
}


@dataclass
class ValidatedSystem:
    """Typed tables, system metadata and opportunities, plus every problem found."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows: dict[str, pd.Series] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    opportunities: list[Opportunity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class _Checker:
    """Collects problems for one table, keeping the spreadsheet row numbers."""

    def __init__(self, label: str, frame: pd.DataFrame, problems: list[Problem]):
        self.label, self.frame, self.problems = label, frame, problems
        self.rows = frame[ROW_COLUMN]

    def flag(self, mask: pd.Series, column: str, message: str | Any, severity: str = "error",
             values: pd.Series | None = None) -> None:
        """Add a problem for each row where ``mask`` holds; ``message`` may be a function of the
        value."""
        if not mask.any():
            return
        values = self.frame[column] if values is None else values
        for row, value in zip(self.rows[mask].tolist(), values[mask].tolist()):
            text = message(value) if callable(message) else message
            self.problems.append(Problem(self.label, int(row), column, value, text, severity))


def validate_raw(raw: RawSystem) -> ValidatedSystem:
    """Check and type everything in ``raw``; never raises for bad content.

    Returns
    -------
    ValidatedSystem
        With ``problems`` holding every error and warning, in file order.
    """
    out = ValidatedSystem(problems=list(raw.problems))
    for name, spec in TABLES.items():
        frame = raw.tables.get(name)
        typed = _check_table(spec, frame, raw.labels[name], out.problems)
        if typed is not None:
            out.rows[name] = typed[ROW_COLUMN]
            out.tables[name] = typed.drop(columns=ROW_COLUMN)
    if all(name in out.tables for name in TABLES):
        _check_references(out, raw.labels)
    out.meta = _check_system_doc(raw.system_doc, raw.labels.get("system", "system.yaml"),
                                 raw.lines.get("system", {}), out.problems)
    opportunities, problems = parse_opportunities(
        raw.opportunities_doc, raw.labels.get("opportunities", "opportunities.yaml"),
        raw.lines.get("opportunities", {}))
    out.problems.extend(problems)
    if all(name in out.tables for name in TABLES):
        out.problems.extend(check_opportunities(
            opportunities, out.tables, raw.labels.get("opportunities", "opportunities.yaml"),
            raw.lines.get("opportunities", {}), raw.opportunities_doc))
    out.opportunities = opportunities
    rank = {label: i for i, label in enumerate(
        [raw.labels.get("system")] + [raw.labels.get(n) for n in TABLES]
        + [raw.labels.get("opportunities")])}
    out.problems.sort(key=lambda p: (rank.get(p.file, -1),
                                     0 if p.file.endswith(".yaml") else (p.row or 0)))
    return out


def _check_table(spec: TableSpec, frame: pd.DataFrame | None, label: str,
                 problems: list[Problem]) -> pd.DataFrame | None:
    if frame is None:
        if spec.must_exist:
            return None
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in spec.required})
        frame[ROW_COLUMN] = pd.Series(dtype="int64")
    missing = [c for c in spec.required if c not in frame.columns]
    if missing:
        found = [c for c in frame.columns if c != ROW_COLUMN]
        for column in missing:
            problems.append(Problem(label, 1, column, None,
                                    f"is a required column and is missing (found: "
                                    f"{', '.join(found) or 'no columns'}); add it to the header"))
        return None
    if spec.must_have_rows and frame.empty:
        problems.append(Problem(label, None, None, None,
                                "has no rows; a system needs at least one"))
    check = _Checker(label, frame, problems)
    suppressed = None
    if spec.name == "flows" and "patients" in frame:
        # A disclosure-controlled extract marks small counts '*' (netkit pathways mine
        # --disclosure writes them so): such flows are left out, with one warning.
        suppressed = frame["patients"].str.strip() == SUPPRESSED
        if suppressed.any():
            rows = check.rows[suppressed]
            problems.append(Problem(
                label, int(rows.iloc[0]), "patients", SUPPRESSED,
                "marks a count suppressed under disclosure control; "
                f"{int(suppressed.sum()):,} such flow(s) are left out of every calculation",
                "warning"))
            frame = frame[~suppressed]
            check = _Checker(label, frame, problems)
    typed = frame.copy()
    for column in spec.required:
        check.flag(frame[column].str.strip() == "", column,
                   f"is empty; every row needs a {column}")
    for column in frame.columns:
        if column == ROW_COLUMN:
            continue
        kind = spec.kinds.get(column, "text")
        if kind == "number":
            typed[column] = _check_number(check, column)
        elif kind in ("text", "list", "ref") and column not in spec.required:
            typed[column] = frame[column].where(frame[column] != "")
    return typed


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _check_number(check: _Checker, column: str) -> pd.Series:
    text = check.frame[column].str.strip()
    present = text != ""
    numbers = pd.to_numeric(text.where(present), errors="coerce").astype("float64")
    expected = _FRIENDLY_NUMBER.get(column, "a plain decimal number")

    def not_a_number(value: str) -> str:
        value = value.strip()
        if _THOUSANDS.match(value):
            return f"is not a plain number; write it without thousands separators (expected {expected})"
        if value[:1] in "£$€":
            return f"is not a plain number; leave out the currency sign (expected {expected})"
        if value.lower() in ("nan", "na", "n/a", "null", "none"):
            return f"is not a number; leave the cell empty if it is unknown (expected {expected})"
        return f"is not a number (expected {expected})"

    check.flag(present & numbers.isna(), column, not_a_number)
    check.flag(np.isinf(numbers), column, f"is infinite (expected {expected})")
    check.flag(numbers < 0, column, f"is negative (expected {expected})")
    if column == "strength":
        check.flag(numbers > 1, column, "is more than 1 (expected a number from 0 to 1)")
    return numbers.where(np.isfinite(numbers))


def _suggest(value: str, known: Iterable[str], limit: int = 5000) -> str:
    known = list(known)
    if len(known) > limit:
        return ""
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.75)
    if close:
        return f" (did you mean {close[0]!r}?)"
    stripped = value.strip()
    if stripped != value and stripped in known:
        return f" (did you mean {stripped!r}? the id has spaces around it)"
    return ""


def _check_references(out: ValidatedSystem, labels: dict) -> None:
    t, problems = out.tables, out.problems
    orgs, services, pathways = t["organisations"], t["services"], t["pathways"]
    flows, rels = t["flows"], t["relationships"]

    def checker(name):
        frame = t[name].assign(**{ROW_COLUMN: out.rows[name].to_numpy()})
        return _Checker(labels[name], frame, problems)

    for name, frame in (("organisations", orgs), ("services", services), ("pathways", pathways)):
        dup = frame["id"].duplicated(keep="first") & (frame["id"] != "")
        first_row = out.rows[name].groupby(frame["id"]).transform("min")
        check = checker(name)
        check.flag(dup, "id", lambda v, fr=dict(zip(frame["id"], first_row)):
                   f"is used twice (first at row {fr[v]}); give each row its own id")
    org_ids = set(orgs["id"])
    service_ids = set(services["id"])

    c = checker("organisations")
    parent = orgs["parent"] if "parent" in orgs else pd.Series("", index=orgs.index)
    has_parent = parent.notna() & (parent != "")
    c.flag(has_parent & ~parent.isin(org_ids), "parent",
           lambda v: f"is not an organisation id in organisations.csv{_suggest(v, org_ids)}; "
                     "name an existing organisation or leave the cell empty")
    c.flag(has_parent & (parent == orgs["id"]), "parent",
           "is the organisation itself; an organisation cannot be its own parent")
    _check_parent_cycles(orgs, parent, has_parent, c)
    c.flag(~orgs["type"].isin(ORGANISATION_TYPES) & (orgs["type"] != ""), "type",
           lambda v: f"is not a known organisation type; it is kept, but has no special "
                     f"meaning{_suggest(v, ORGANISATION_TYPES)}", "warning")

    c = checker("services")
    c.flag(~services["provider"].isin(org_ids) & (services["provider"] != ""), "provider",
           lambda v: f"is not an organisation id in organisations.csv{_suggest(v, org_ids)}; "
                     "name the organisation that provides the service")
    c.flag(~services["category"].isin(SERVICE_CATEGORIES) & (services["category"] != ""),
           "category", lambda v: f"is not a known service category; it is kept, but has no "
                                 f"special meaning{_suggest(v, SERVICE_CATEGORIES)}", "warning")
    clash = services["id"].isin(org_ids)
    c.flag(clash, "id", "is also an organisation id; it works, but network maps and exports "
                        "show the service as 'service:ID'", "warning")

    c = checker("flows")
    pathway_ids = set(pathways["id"])
    c.flag(~flows["pathway"].isin(pathway_ids) & (flows["pathway"] != ""), "pathway",
           lambda v: f"is not a pathway id in pathways.csv{_suggest(v, pathway_ids)}")
    ends = service_ids | {HOME}
    for column in ("source", "target"):
        c.flag(~flows[column].isin(ends) & (flows[column] != ""), column,
               lambda v: f"is not a service id in services.csv or {HOME}"
                         f"{_suggest(v, ends)}")
    c.flag((flows["source"] == HOME) & (flows["target"] == HOME), "target",
           f"makes a flow from {HOME} to {HOME}, which stays outside every service; remove the row")
    key = flows[["pathway", "source", "target"]].assign(
        place=blank_as_empty(flows["place"]) if "place" in flows else "")
    dup = key.duplicated(keep="first")
    if dup.any():
        first = out.rows["flows"].groupby([key[k] for k in key.columns]).transform("min")
        for row, target, first_row in zip(out.rows["flows"][dup], flows["target"][dup],
                                          first[dup]):
            problems.append(Problem(labels["flows"], int(row), "target", target,
                                    f"repeats the flow at row {first_row} (same pathway, source, "
                                    "target and place); add the patients together in one row"))

    c = checker("relationships")
    for column in ("source", "target"):
        c.flag(~rels[column].isin(org_ids) & (rels[column] != ""), column,
               lambda v: f"is not an organisation id in organisations.csv{_suggest(v, org_ids)}")
    if "payment" in rels:
        payment = rels["payment"]
        c.flag(payment.notna() & ~payment.isin(PAYMENT_BASES), "payment",
               "is not a payment basis (expected 'activity' or 'block', or leave it empty)")


def _check_parent_cycles(orgs: pd.DataFrame, parent: pd.Series, has_parent: pd.Series,
                         c: _Checker) -> None:
    links = orgs.loc[has_parent & (parent != orgs["id"]), ["id"]].assign(parent=parent[has_parent])
    graph = nx.DiGraph(list(zip(links["id"], links["parent"])))
    in_cycle: dict[str, list[str]] = {}
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            members = sorted(component)
            for member in members:
                in_cycle[member] = members
    if in_cycle:
        parent_of = dict(zip(links["id"], links["parent"]))
        mask = orgs["id"].isin(in_cycle) & has_parent
        for row, org in zip(c.rows[mask], orgs["id"][mask]):
            path = " → ".join(_cycle_path(org, parent_of))
            c.problems.append(Problem(c.label, int(row), "parent", parent_of[org],
                                      f"makes a cycle of parents ({path}); one of them must "
                                      "have no parent"))


def _cycle_path(start: str, parent_of: dict) -> list[str]:
    path, node = [start], parent_of[start]
    while node != start and node not in path:
        path.append(node)
        node = parent_of[node]
    return path + [node]


def _check_system_doc(doc: Any, label: str, lines: dict, problems: list[Problem]) -> dict:
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        problems.append(Problem(label, lines.get(()), None, None,
                                "should be a mapping such as 'name: Riverside ICS'"))
        return {}
    if not str(doc.get("name") or "").strip():
        problems.append(Problem(label, lines.get(()), "name", None,
                                "is missing; add 'name: <the system's name>'"))
    population = doc.get("population")
    if population is not None:
        if isinstance(population, bool) or not isinstance(population, (int, float)) \
                or not np.isfinite(population) or population < 0:
            problems.append(Problem(label, lines.get(("population",)), "population",
                                    str(population), "is not a population (expected a whole "
                                                     "number ≥ 0)"))
    return dict(doc)


def check_opportunities(opportunities: list[Opportunity], tables: dict[str, pd.DataFrame],
                        label: str = "opportunities.yaml", lines: dict | None = None,
                        doc: Any = None) -> list[Problem]:
    """Check what each opportunity names against a system's tables.

    Pathways (ids and ``tag:NAME``), places, cohorts, shift services (ids and ``category:NAME``)
    and include/exclude organisations must all exist.
    """
    lines = lines or {}
    problems: list[Problem] = []
    orgs, services, pathways, flows = (tables[k] for k in ("organisations", "services",
                                                           "pathways", "flows"))
    org_ids, service_ids, pathway_ids = set(orgs["id"]), set(services["id"]), set(pathways["id"])
    tags = set()
    if "tags" in pathways:
        tags = {t.strip() for v in pathways["tags"].dropna() for t in str(v).split(";") if t.strip()}
    places = set()
    for frame in (orgs, services, flows):
        if "place" in frame:
            places |= set(frame["place"].dropna())
    cohorts = set(pathways["cohort"].dropna()) if "cohort" in pathways else set()
    categories = set(services["category"])
    index_of = {}
    if isinstance(doc, list):
        index_of = {str(item.get("id")): i for i, item in enumerate(doc) if isinstance(item, dict)}

    for opp in opportunities:
        i = index_of.get(opp.id)

        def bad(key: str, value: str, message: str, severity: str = "error"):
            line = lines.get((i, key)) or lines.get((i,)) if i is not None else None
            problems.append(Problem(label, line, f"opportunity {opp.id}.{key}", value, message,
                                    severity))

        for sel in opp.pathways:
            if sel.startswith("tag:"):
                if sel[4:] not in tags:
                    bad("pathways", sel, f"matches no pathway (no pathway has the tag "
                                         f"{sel[4:]!r}{_suggest(sel[4:], tags)})")
            elif sel not in pathway_ids:
                bad("pathways", sel, f"is not a pathway id in pathways.csv"
                                     f"{_suggest(sel, pathway_ids)}; use an id or tag:NAME")
        for place in opp.places:
            if place not in places:
                bad("places", place, f"is not a place named in the system{_suggest(place, places)}")
        for cohort in opp.cohort:
            if cohort not in cohorts:
                bad("cohort", cohort, f"is not a cohort of any pathway{_suggest(cohort, cohorts)}")
        if opp.shift is not None:
            for key, names in (("shift.from", opp.shift.from_), ("shift.to", opp.shift.to)):
                for sel in names:
                    if sel.startswith("category:"):
                        if sel[9:] not in categories:
                            bad(key, sel, "names a category that no service has"
                                          f"{_suggest(sel[9:], categories)}")
                    elif sel not in service_ids:
                        bad(key, sel, f"is not a service id in services.csv"
                                      f"{_suggest(sel, service_ids)}; use an id or category:NAME")
        for key in ("include", "exclude"):
            for org in getattr(opp, key):
                if org not in org_ids:
                    bad(key, org, f"is not an organisation id in organisations.csv"
                                  f"{_suggest(org, org_ids)}")
        both = set(opp.include) & set(opp.exclude)
        for org in sorted(both):
            bad("exclude", org, "is in both include and exclude; keep it in one")
        for org_type in (opp.represent or {}):
            if org_type not in set(orgs["type"]):
                bad("represent", org_type, "is not the type of any organisation in the system",
                    "warning")
    return problems
