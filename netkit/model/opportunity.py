"""Opportunities: a specific improvement that a partner set is found for.

An opportunity names the pathways (by id or ``tag:NAME``), places and cohort it concerns,
optionally the intervention as an activity *shift*, and optional weights, coordination costs,
representation rules and must-include / must-exclude lists. This module reads opportunities from
YAML documents and checks their shape; `netkit.io.validation` checks what they refer to.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from netkit.errors import Problem, check_number
from netkit.model.opportunity_extras import (
    SHIFT_EXTRAS,
    parse_evidence,
    parse_plan,
    parse_reach,
    parse_risk_share,
    parse_seats_setting,
    parse_shift_extras,
)
from netkit.model.schema import BENEFITS, COUNT_CEILING

__all__ = [
    "Opportunity",
    "Shift",
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "DEFAULT_COORDINATION_COST",
    "GROUPINGS",
    "DEFAULT_REPRESENT",
    "DEFAULT_GROUPING",
    "parse_opportunities",
    "opportunity_to_dict",
    "OpportunityList",
    "list_opportunities",
]

#: The criteria a partner is judged on, in report order.
CRITERIA = ("activity", "handoffs", "brokerage", "commissioning", "incentives")

#: Default criterion weights (the design's example): brokerage counts half.
DEFAULT_WEIGHTS = {"activity": 1.0, "handoffs": 1.0, "brokerage": 0.5, "commissioning": 1.0,
                   "incentives": 1.0}

#: Default coordination cost, in the same units as benefit (a share of the weighted total):
#: each partner at the table costs ``partner``; each pair of partners with no existing
#: relationship costs ``new_tie`` more.
DEFAULT_COORDINATION_COST = {"partner": 0.02, "new_tie": 0.005}

#: What groups organisations for Gould–Fernandez brokerage roles (an organisation column), and
#: the default.
GROUPINGS = ("type", "sector")
DEFAULT_GROUPING = "type"

#: Representation rules by default: GP practices take part through their PCN, as primary care
#: does in system work (`netkit.partners.scope`).
DEFAULT_REPRESENT = {"gp_practice": "parent"}

KNOWN_KEYS = ("id", "title", "description", "benefits", "pathways", "places", "cohort", "shift",
              "include", "exclude", "weights", "coordination_cost", "represent", "min_patients",
              # version 2
              "reach", "decommission", "evidence", "plan", "seats", "risk_share")
LIST_KEYS = ("benefits", "pathways", "places", "cohort", "include", "exclude", "from", "to",
             "decommission", "range", "baseline", "funded_by")


@dataclass(frozen=True)
class Shift:
    """An intervention as a shift of patients: ``fraction`` of the patients reaching the
    ``from`` services (ids or ``category:NAME``) go to the ``to`` services instead.

    Version 2 adds, all optional: ``range`` (low and high fractions), ``ramp_months`` (months
    to reach the full fraction), ``implementation_cost`` (£, once), ``double_running_months``
    (months both services run), ``contacts_per_patient`` (contacts a diverted patient has at
    the ``to`` services; default: those services' own contacts per patient).
    """

    from_: tuple[str, ...]
    to: tuple[str, ...]
    fraction: float
    range: tuple[float, float] | None = None
    ramp_months: float | None = None
    implementation_cost: float | None = None
    double_running_months: float | None = None
    contacts_per_patient: float | None = None

    def to_dict(self) -> dict:
        out = {"from": list(self.from_), "to": list(self.to), "fraction": self.fraction}
        for key in SHIFT_EXTRAS:
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if key == "range" else value
        return out


@dataclass(frozen=True)
class Opportunity:
    """A specific improvement opportunity.

    Examples
    --------
    >>> opp = Opportunity("frailty", "Fewer admissions", pathways=("tag:frailty",))
    >>> opp.weights["brokerage"]
    0.5
    >>> opp.with_options(weights={"brokerage": 0}).weights["brokerage"]
    0.0
    """

    id: str
    title: str = ""
    pathways: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    cohort: tuple[str, ...] = ()
    benefits: tuple[str, ...] = ()
    shift: Shift | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    coordination_cost: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_COORDINATION_COST))
    represent: Mapping[str, str] | None = None
    min_patients: float = 0.0
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    # version 2 (see netkit.model.opportunity_extras)
    reach: int | str | None = None
    decommission: tuple[str, ...] = ()
    evidence: Mapping[str, Any] | None = None
    plan: Mapping[str, Any] | None = None
    seats: str | None = None
    risk_share: Mapping[str, Any] | None = None

    def with_options(self, weights: Mapping[str, float] | None = None,
                     coordination_cost: Mapping[str, float] | None = None,
                     **changes) -> "Opportunity":
        """A copy with some settings changed; weights and costs are merged, not replaced."""
        if weights:
            changes["weights"] = {**self.weights, **{k: float(v) for k, v in weights.items()}}
        if coordination_cost:
            changes["coordination_cost"] = {**self.coordination_cost,
                                            **{k: float(v) for k, v in coordination_cost.items()}}
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return opportunity_to_dict(self)


def opportunity_to_dict(opp: Opportunity) -> dict:
    """The opportunity as it would be written in ``opportunities.yaml`` (defaults left out)."""
    out: dict[str, Any] = {"id": opp.id}
    if opp.title:
        out["title"] = opp.title
    if opp.description:
        out["description"] = opp.description
    for key in ("benefits", "pathways", "places", "cohort"):
        if getattr(opp, key):
            out[key] = list(getattr(opp, key))
    if opp.shift is not None:
        out["shift"] = opp.shift.to_dict()
    for key in ("include", "exclude"):
        if getattr(opp, key):
            out[key] = list(getattr(opp, key))
    if dict(opp.weights) != DEFAULT_WEIGHTS:
        out["weights"] = dict(opp.weights)
    if dict(opp.coordination_cost) != DEFAULT_COORDINATION_COST:
        out["coordination_cost"] = dict(opp.coordination_cost)
    if opp.represent is not None:
        out["represent"] = dict(opp.represent)
    if opp.min_patients:
        out["min_patients"] = opp.min_patients
    if opp.reach is not None:
        out["reach"] = opp.reach
    if opp.decommission:
        out["decommission"] = list(opp.decommission)
    for key in ("evidence", "risk_share"):
        if getattr(opp, key) is not None:
            out[key] = dict(getattr(opp, key))
    if opp.plan is not None:
        out["plan"] = {k: list(v) if isinstance(v, tuple) else v for k, v in opp.plan.items()}
    if opp.seats is not None:
        out["seats"] = opp.seats
    out.update(opp.extra)
    return out


class _Reader:
    """Reads one opportunity mapping, noting problems with the line they are on."""

    def __init__(self, label: str, lines: dict, index: int, problems: list[Problem]):
        self.label, self.lines, self.index, self.problems = label, lines, index, problems
        self.name = f"opportunity {index + 1}"

    def problem(self, key_path: tuple, value: Any, message: str, severity: str = "error"):
        line = None
        for n in range(len(key_path), -1, -1):
            line = self.lines.get((self.index,) + tuple(key_path[:n]))
            if line is not None:
                break
        column = ".".join([self.name] + [str(k) for k in key_path]) if key_path else self.name
        shown = None if value is None else (value if isinstance(value, str) else repr(value))
        self.problems.append(Problem(self.label, line, column, shown, message, severity))

    def text_list(self, item: dict, key: str, path: tuple = ()) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            self.problem(path + (key,), value, "should be a list of names, e.g. [a, b]")
            return ()
        return tuple(str(v) for v in value)

    def number(self, value: Any, path: tuple, low: float = 0.0, high: float | None = None,
               what: str = "a number") -> float | None:
        number, message = check_number(value, what, low, high)
        if message is not None:  # out of range, the value is shown as the number read
            self.problem(path, float(value) if "out of range" in message else value, message)
        return number


def parse_opportunities(doc: Any, label: str = "opportunities.yaml",
                        lines: dict | None = None) -> tuple[list[Opportunity], list[Problem]]:
    """Read a list of opportunities from a YAML document, checking its shape.

    Parameters
    ----------
    doc : list of dict
        The document, as loaded by a safe YAML loader.
    label : str
        The file name used in problems.
    lines : dict, optional
        Line numbers by key path, as collected by `netkit.io.reading.load_yaml_text`.

    Returns
    -------
    opportunities, problems

    Examples
    --------
    >>> opps, problems = parse_opportunities([{"id": "a", "pathways": ["p1"],
    ...     "shift": {"from": ["ED"], "to": ["UCR"], "fraction": 0.2}}])
    >>> opps[0].shift.fraction, problems
    (0.2, [])
    >>> opps, problems = parse_opportunities([{"id": "a", "pathway": ["p1"]}])
    >>> print(problems[0])
    opportunities.yaml, column opportunity a.pathway: unknown key (did you mean 'pathways'?)
    """
    lines = lines or {}
    problems: list[Problem] = []
    if doc is None:
        return [], problems
    if not isinstance(doc, list):
        problems.append(Problem(label, lines.get(()), None, None,
                                "should be a list of opportunities, each starting with '- id: ...'"))
        return [], problems
    out: list[Opportunity] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(doc):
        reader = _Reader(label, lines, index, problems)
        if not isinstance(item, dict):
            reader.problem((), item, "should be a mapping with at least 'id' and 'pathways'")
            continue
        opp = _parse_one(item, reader)
        if opp is None:
            continue
        if opp.id in seen:
            reader.problem(("id",), opp.id, f"is used by opportunity {seen[opp.id] + 1} too; "
                                            "give each opportunity its own id")
            continue
        seen[opp.id] = index
        out.append(opp)
    return out, problems


def _parse_one(item: dict, r: _Reader) -> Opportunity | None:
    """One opportunity mapping, part by part; None if it has an error (each problem noted)."""
    errors_before = sum(p.severity == "error" for p in r.problems)
    opp_id = _parse_id(item, r)
    if opp_id is None:
        return None
    _check_text_and_keys(item, r)
    pathways = _parse_pathways(item, r)
    benefits = _parse_benefits(item, r)
    shift = _parse_shift(item["shift"], r) if item.get("shift") is not None else None
    weights = dict(DEFAULT_WEIGHTS)
    weights.update(_number_map(item, "weights", DEFAULT_WEIGHTS, r))
    cost = dict(DEFAULT_COORDINATION_COST)
    cost.update(_number_map(item, "coordination_cost", DEFAULT_COORDINATION_COST, r))
    represent = None
    if item.get("represent") is not None:
        represent = _represent(item["represent"], r)
    min_patients = 0.0
    if item.get("min_patients") is not None:
        min_patients = r.number(item["min_patients"], ("min_patients",), 0.0, COUNT_CEILING,
                                what="patients a year") or 0.0
    extras = {"reach": parse_reach(item.get("reach"), r),
              "evidence": parse_evidence(item.get("evidence"), r),
              "plan": parse_plan(item.get("plan"), r),
              "seats": parse_seats_setting(item.get("seats"), r),
              "risk_share": parse_risk_share(item.get("risk_share"), r)}
    if sum(p.severity == "error" for p in r.problems) > errors_before:
        return None
    # places, cohort, include and exclude are read here, after the error count: a malformed one
    # is noted but does not drop the opportunity
    return Opportunity(
        id=opp_id,
        title=str(item.get("title") or ""),
        description=str(item.get("description") or ""),
        pathways=pathways,
        places=r.text_list(item, "places"),
        cohort=r.text_list(item, "cohort"),
        benefits=benefits,
        shift=shift,
        include=r.text_list(item, "include"),
        exclude=r.text_list(item, "exclude"),
        weights=weights,
        coordination_cost=cost,
        represent=represent,
        min_patients=min_patients,
        extra={k: v for k, v in item.items() if k not in KNOWN_KEYS},
        decommission=r.text_list(item, "decommission"),
        **extras,
    )


def _parse_id(item: dict, r: _Reader) -> str | None:
    """The opportunity's id as text (and the reader named after it), or None if it has none."""
    if "id" not in item or item["id"] in (None, ""):
        r.problem((), None, "has no id; add 'id: a-short-name'")
        return None
    if not _is_text(item["id"]):
        r.problem(("id",), item["id"], f"should be text such as 'frailty-admissions', not "
                                       f"{_kind(item['id'])}")
        return None
    opp_id = str(item["id"])
    r.name = f"opportunity {opp_id}"
    return opp_id


def _check_text_and_keys(item: dict, r: _Reader) -> None:
    """Title and description are text; every key is known (a near miss of one is an error)."""
    for key in ("title", "description"):
        if item.get(key) is not None and not _is_text(item[key]):
            r.problem((key,), item[key], f"should be text, not {_kind(item[key])}; put quotes "
                                         "around it if it has brackets or a colon")
    for key in item:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else " (kept as an attribute)"
            r.problem((key,), None, f"unknown key{hint}", "warning" if not close else "error")


def _parse_pathways(item: dict, r: _Reader) -> tuple[str, ...]:
    pathways = r.text_list(item, "pathways")
    if not pathways:
        r.problem(("pathways",), None, "is missing or empty; name the pathways this opportunity "
                                       "concerns, by id or as tag:NAME")
    return pathways


def _parse_benefits(item: dict, r: _Reader) -> tuple[str, ...]:
    benefits = r.text_list(item, "benefits")
    for b in benefits:
        if b not in BENEFITS:
            r.problem(("benefits",), b, f"is not a known benefit (expected one of "
                                        f"{', '.join(BENEFITS)})", "warning")
    return benefits


def _parse_shift(raw: Any, r: _Reader) -> Shift | None:
    """The ``shift`` mapping: from, to and fraction; None if any is missing or wrong."""
    if not isinstance(raw, dict):
        r.problem(("shift",), raw, "should be a mapping with from, to and fraction")
        return None
    src = r.text_list(raw, "from", ("shift",))
    dst = r.text_list(raw, "to", ("shift",))
    if not src:
        r.problem(("shift", "from"), None, "is missing; name the services activity moves "
                                           "from (ids or category:NAME)")
    if not dst:
        r.problem(("shift", "to"), None, "is missing; name the services activity moves to")
    fraction = r.number(raw.get("fraction"), ("shift", "fraction"), 0.0, 1.0,
                        "a fraction") if "fraction" in raw else None
    for key in raw:
        if key not in ("from", "to", "fraction", *SHIFT_EXTRAS):
            close = difflib.get_close_matches(str(key), ("from", "to", "fraction", *SHIFT_EXTRAS), 1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            r.problem(("shift", key), None, f"is not a key of shift{hint} (keys: from, to, "
                                            f"fraction, {', '.join(SHIFT_EXTRAS)})")
    extras = parse_shift_extras(raw, fraction, r)
    if "fraction" not in raw:
        r.problem(("shift", "fraction"), None, "is missing; give the share of activity "
                                               "that moves, e.g. 0.2")
    if src and dst and fraction is not None:
        return Shift(src, dst, fraction, **extras)
    return None


def _is_text(value: Any) -> bool:
    """Text, or a number or date YAML read from what was meant as text (``id: 2026``)."""
    return not isinstance(value, (list, dict, bool))


def _kind(value: Any) -> str:
    return ("a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict)
            else "true or false")


def _number_map(item: dict, key: str, known: Mapping[str, float], r: _Reader) -> dict:
    raw = item.get(key)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.problem((key,), raw, f"should be a mapping such as {{{next(iter(known))}: 1}}")
        return {}
    out = {}
    for name, value in raw.items():
        if name not in known:
            r.problem((key, name), None, f"is not a known name (expected one of "
                                         f"{', '.join(known)})")
            continue
        number = r.number(value, (key, name), 0.0)
        if number is not None:
            out[name] = number
    return out


def _represent(raw: Any, r: _Reader) -> dict[str, str] | None:
    if raw in ("none", "None", False):
        return {}
    if not isinstance(raw, dict):
        r.problem(("represent",), raw, "should be 'none' or a mapping such as "
                                       "{gp_practice: parent}")
        return None
    out = {}
    for org_type, how in raw.items():
        if how not in ("parent", "self"):
            r.problem(("represent", org_type), how, "should be 'parent' (engaged through its "
                                                    "parent) or 'self'")
            continue
        out[str(org_type)] = how
    return out


@dataclass(frozen=True, repr=False)
class OpportunityList:
    """The opportunities of a system, one line each (``netkit opportunities``)."""

    system_name: str
    opportunities: tuple

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<OpportunityList {self.system_name!r}: {len(self.opportunities)} opportunities>")

    def to_frame(self):
        import pandas as pd

        rows = [{"id": o.id, "title": o.title, "pathways": ", ".join(o.pathways),
                 "places": ", ".join(o.places) or "all",
                 "shift": (f"{o.shift.fraction:.0%} from {', '.join(o.shift.from_)} to "
                           f"{', '.join(o.shift.to)}") if o.shift else "",
                 "benefits": ", ".join(o.benefits)} for o in self.opportunities]
        return pd.DataFrame(rows, columns=["id", "title", "pathways", "places", "shift",
                                           "benefits"])

    def to_dict(self) -> dict:
        return {"system": self.system_name,
                "opportunities": [opportunity_to_dict(o) for o in self.opportunities]}

    def report(self):
        """The list as a `netkit.render.document.Document`: in text the main columns, in
        Markdown and HTML every column."""
        from netkit.render.document import (
            MARKDOWN,
            PAGES,
            TEXT,
            Document,
            Heading,
            Paragraph,
            Table,
        )

        frame = self.to_frame()
        return Document([
            Paragraph(f"{self.system_name}: {len(self.opportunities)} opportunities",
                      only=TEXT),
            Table(frame[["id", "title", "pathways", "places", "shift"]], max_width=60,
                  only=TEXT, apart=True),
            Heading(f"Opportunities in {self.system_name}", only=MARKDOWN),
            Table(frame, only=PAGES)], title=f"Opportunities in {self.system_name}")

    def to_text(self) -> str:
        from netkit.render.text import render_text

        return render_text(self.report())

    def to_markdown(self) -> str:
        from netkit.render.markdown import render_markdown

        return render_markdown(self.report())

    def _repr_html_(self) -> str:
        from netkit.render.html import render_html

        return render_html(self.report(), notebook=True)


def list_opportunities(system) -> OpportunityList:
    """The opportunities of a system, in file order.

    Examples
    --------
    >>> import netkit
    >>> netkit.list_opportunities(netkit.load_system(netkit.sample_path("tiny"))).to_frame()["id"].tolist()
    ['frailty', 'falls']
    """
    return OpportunityList(system.name, tuple(system.opportunities.values()))
