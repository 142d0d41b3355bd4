"""Apply a changeset to a System: every event checked, all or nothing, nothing lost silently.

Events are checked in order against the system as the earlier events leave it, and every problem
is reported at once (a `ChangesetError`): the shape problems a leniently read changeset carries
(`netkit.read_changeset` with ``strict=False``), what each event names that does not exist, and
what the result would break. Only when there are none is the new System built. The old System is
never touched. Flows that lose an end are dropped or re-routed only as an event says, and
`ChangeResult.flows_affected` lists every flow an event touched with its patients a year.

**The result always validates.** After the last event the new system is checked exactly as
``netkit validate`` checks a folder (its tables written as CSV and read back, its opportunities
checked against them); any error is a problem with the changeset, so `apply_changes` never
returns a system that ``netkit validate`` would reject. Consequences an event names are applied
and said in the log:

* a service that closes (``remove_service``, ``remove_organisation`` with ``services: remove``)
  also leaves the ``shift.from`` / ``shift.to`` lists of the opportunities that name it; with
  ``reroute_to`` the opportunities name the service its flows go to instead (a warning says so
  where that leaves a shift from and to the same service);
* a pathway that is removed leaves the ``pathways`` lists of the opportunities that name it;
* an organisation that closes leaves the opportunities' ``include`` / ``exclude`` lists.

An opportunity left with nothing to shift from or to, or with no pathways, is a problem (edit
``opportunities.yaml`` first: netkit will not guess what the opportunity should become).

A merge combines the organisations' services (the new organisation provides them), the flows
between them (which become internal), their relationships (ends renamed; ties between the merged
organisations dropped; duplicates combined: values summed, the strongest tie kept, the payment
basis of the largest contract) and their budgets (summed). Organisations whose parent merged
get the new organisation as parent, and opportunities that include or exclude a merged
organisation name the new one instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from netkit._frames import blank_as_empty
from netkit.change.changeset import ChangeEvent, Changeset
from netkit.errors import ChangesetError, Problem, check_number
from netkit.model.schema import HOME, PAYMENT_BASES, TABLES
from netkit.model.system import System
from netkit.render.formats import escape_markdown, markdown_table, terminal_safe, text_table

__all__ = ["apply_changes", "ChangeResult", "Touched", "fmt_patients"]


def fmt_patients(value: float) -> str:
    """Patients as a person counts them: whole, with thousands separators (reports only; the
    tables and JSON keep the exact values).

    Examples
    --------
    >>> fmt_patients(880.0000000000001), fmt_patients(92.4), fmt_patients(11913.0)
    ('880', '92', '11,913')
    >>> fmt_patients(0.4), fmt_patients(float("nan"))
    ('less than 1', '')
    """
    if value is None or math.isnan(value):
        return ""
    if 0 < abs(value) < 0.5:
        return "less than 1"
    return f"{round(value):,}"

FLOW_COLUMNS = ["event", "pathway", "source", "target", "place", "patients", "action"]


@dataclass
class Touched:
    """What one event touched: pathways, services and organisations (by id)."""

    pathways: set = field(default_factory=set)
    services: set = field(default_factory=set)
    organisations: set = field(default_factory=set)
    tags: bool = False  # pathway tags or cohorts changed: tag selectors must be re-resolved
    ties: set = field(default_factory=set)  # relationships added or ended: (source, target, type)
    named: set = field(default_factory=set)  # organisations the event names (for attribution)

    def mentions(self, orgs: set) -> bool:
        """Does the event name any of these organisations (directly or by a tie)?"""
        return bool((self.organisations | self.named) & orgs) or any(
            a in orgs or b in orgs for a, b, _ in self.ties)


@dataclass(frozen=True, repr=False)
class ChangeResult:
    """The outcome of applying a changeset.

    Attributes
    ----------
    system : System
        The new system (the old one is unchanged).
    changeset : Changeset
    flows_affected : DataFrame
        ``event, pathway, source, target, place, patients, action``: every flow an event
        dropped, re-routed, moved, set, scaled or made internal, with patients a year (before the
        event for drops, after it otherwise).
    log : list of (int, str)
        What each event did, in words.
    touched : dict of int to Touched
        What each event touched (used to decide which opportunities to recompute).
    warnings : list of Problem
        Opportunities left naming something that no longer exists, and similar.
    """

    system: System
    changeset: Changeset
    flows_affected: pd.DataFrame
    log: list
    touched: dict
    warnings: list = field(default_factory=list)

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<ChangeResult: {len(self.log)} events applied, "
                f"{len(self.flows_affected):,} flows affected, {len(self.warnings)} warnings>")

    def to_frame(self) -> pd.DataFrame:
        return self.flows_affected

    def to_dict(self) -> dict:
        return {"date": self.changeset.date, "description": self.changeset.description,
                "events": [{"event": n, "did": text} for n, text in self.log],
                "flows_affected": self.flows_affected.to_dict("records"),
                "warnings": [p.to_dict() for p in self.warnings]}

    def _lines(self) -> list[str]:
        head = f"Changeset {self.changeset.source}"
        if self.changeset.date:
            head += f" ({self.changeset.date})"
        out = [head + (f": {self.changeset.description}" if self.changeset.description else "")]
        out += [f"  event {n}: {text}" for n, text in self.log]
        return out

    def to_text(self) -> str:
        out = self._lines()
        dropped = self.flows_affected[self.flows_affected["action"] == "dropped"]
        if len(dropped):
            out += ["", f"Flows dropped ({fmt_patients(dropped['patients'].sum())} patients a year):",
                    text_table(dropped.assign(patients=dropped["patients"].map(fmt_patients))
                               [["event", "pathway", "source", "target", "patients"]],
                               right=["event", "patients"])]
        out += [f"warning: {w}" for w in self.warnings]
        return terminal_safe("\n".join(out) + "\n")

    def _repr_html_(self) -> str:
        import html

        from netkit.render.formats import html_table

        lines = self._lines()
        return (f"<p>{html.escape(lines[0])}</p><ul>"
                + "".join(f"<li>{html.escape(line.strip())}</li>" for line in lines[1:])
                + "</ul>" + (html_table(self.flows_affected.assign(
                    patients=self.flows_affected["patients"].map(fmt_patients)))
                    if len(self.flows_affected) else "")
                + "".join(f"<p>warning: {html.escape(str(w))}</p>" for w in self.warnings))

    def to_markdown(self) -> str:
        out = ["## Changes", ""] + [f"- event {n}: {escape_markdown(t)}" for n, t in self.log]
        if len(self.flows_affected):
            frame = self.flows_affected.assign(
                patients=self.flows_affected["patients"].map(fmt_patients))
            out += ["", "### Flows affected", "", markdown_table(frame, right=["event",
                                                                              "patients"])]
        return "\n".join(out) + "\n"


class _State:
    """The tables as the events so far leave them (copies; the System is never touched)."""

    def __init__(self, system: System, changeset: Changeset):
        self.t = system.tables()
        self.opportunities = list(system.opportunities.values())
        self.meta = dict(system.meta)
        self.label = changeset.source
        self.problems: list[Problem] = list(changeset.problems)
        self.reported: set = set()  # opportunities whose problem an event already reported
        self.warnings: list[Problem] = []
        self.flows_affected: list[pd.DataFrame] = []
        self.log: list[tuple[int, str]] = []
        self.touched: dict[int, Touched] = {}

    # lookups
    def org_ids(self) -> set:
        return set(self.t["organisations"]["id"])

    def service_ids(self) -> set:
        return set(self.t["services"]["id"])

    def pathway_ids(self) -> set:
        return set(self.t["pathways"]["id"])

    def provider_of(self, service: str) -> str | None:
        s = self.t["services"]
        hit = s.loc[s["id"] == service, "provider"]
        return hit.iloc[0] if len(hit) else None

    def services_of(self, org: str) -> list[str]:
        s = self.t["services"]
        return sorted(s.loc[s["provider"] == org, "id"])

    def pathways_at(self, services) -> set:
        f = self.t["flows"]
        services = list(services)
        return set(f.loc[f["source"].isin(services) | f["target"].isin(services), "pathway"])

    def record_flows(self, event: ChangeEvent, rows: pd.DataFrame, action: str) -> None:
        """Note the flows an event touched, with their patients a year."""
        if rows.empty:
            return
        frame = rows.reindex(columns=FLOW_COLUMNS).assign(event=event.number, action=action)
        self.flows_affected.append(frame.astype({"patients": "float64"}))

    def bad(self, event: ChangeEvent, key: str | None, value: Any, message: str) -> None:
        column = f"event {event.number} {event.kind}" + (f".{key}" if key else "")
        self.problems.append(Problem(self.label, event.line, column,
                                     None if value is None else str(value), message))


def _number(state: _State, event: ChangeEvent, key: str, value, low=0.0, high=None):
    number, message = check_number(value, "a number", low, high)
    if message is not None:
        state.bad(event, key, value, message)
    return number


def _row(state: _State, event: ChangeEvent, table: str, values: dict) -> dict | None:
    """A new row for a table from event settings: numbers checked, text kept as text."""
    spec = TABLES[table]
    row = {}
    ok = True
    for key, value in values.items():
        if spec.kinds.get(key) == "number":
            if value in (None, ""):
                row[key] = np.nan
                continue
            number = _number(state, event, key, value, 0.0, 1.0 if key == "strength" else None)
            ok &= number is not None
            row[key] = number
        else:
            row[key] = None if value is None else str(value)
    return row if ok else None


def _append(frame: pd.DataFrame, row: dict) -> pd.DataFrame:
    new = pd.DataFrame([row])
    for column in new.columns:
        if column not in frame.columns:
            frame[column] = np.nan if new[column].dtype.kind == "f" else None
    new = new.reindex(columns=frame.columns)
    for column in frame.columns:
        if frame[column].dtype.kind == "f":
            new[column] = pd.to_numeric(new[column], errors="coerce").astype("float64")
        else:
            new[column] = new[column].astype(frame[column].dtype)
    return pd.concat([frame, new], ignore_index=True)


# -- the events ---------------------------------------------------------------------------------

def _transfer_service(s: _State, e: ChangeEvent) -> Touched | None:
    service, to = str(e.params["service"]), str(e.params["to"])
    old = s.provider_of(service)
    if old is None:
        s.bad(e, "service", service, "is not a service id")
    if to not in s.org_ids():
        s.bad(e, "to", to, "is not an organisation id")
    if old is None or to not in s.org_ids():
        return None
    services = s.t["services"]
    services.loc[services["id"] == service, "provider"] = to
    flows = s.t["flows"]
    at = flows[(flows["source"] == service) | (flows["target"] == service)]
    s.record_flows(e, at, f"moves with {service} from {old} to {to}")
    s.log.append((e.number, f"{service} moves from {old} to {to}"))
    return Touched(s.pathways_at([service]), {service}, named={old, to})


def _merge(s: _State, e: ChangeEvent) -> Touched | None:
    merged = e.params["organisations"]
    into = e.params["into"]
    if not isinstance(merged, list) or len(merged) < 2:
        s.bad(e, "organisations", merged, "should list at least two organisations to merge")
        return None
    merged = [str(m) for m in merged]
    if not isinstance(into, dict) or not {"id", "name", "type"} <= set(into):
        s.bad(e, "into", into, "should give the new organisation's id, name and type")
        return None
    unknown = [m for m in merged if m not in s.org_ids()]
    for m in unknown:
        s.bad(e, "organisations", m, "is not an organisation id")
    new_id = str(into["id"])
    if new_id in s.org_ids() and new_id not in merged:
        s.bad(e, "into.id", new_id, "is already an organisation id; choose a new id (or one of "
                                    "the organisations being merged)")
    if unknown or (new_id in s.org_ids() and new_id not in merged):
        return None
    orgs = s.t["organisations"]
    old_rows = orgs[orgs["id"].isin(merged)]
    row = {k: v for k, v in into.items()}
    for column in ("sector", "place", "parent"):
        if column not in row and old_rows[column].nunique(dropna=False) == 1:
            value = old_rows[column].iloc[0]
            row[column] = None if pd.isna(value) else value
    if "budget" not in row and old_rows["budget"].notna().any():
        row["budget"] = float(old_rows["budget"].sum())
    row = _row(s, e, "organisations", row)
    if row is None:
        return None
    if row.get("parent") in merged:
        row["parent"] = None
    services_before = sorted(s.t["services"].loc[s.t["services"]["provider"].isin(merged), "id"])
    orgs = orgs[~orgs["id"].isin(merged)]
    orgs.loc[orgs["parent"].isin(merged), "parent"] = new_id
    s.t["organisations"] = _append(orgs.reset_index(drop=True), row)
    services = s.t["services"]
    services.loc[services["provider"].isin(merged), "provider"] = new_id
    flows = s.t["flows"]
    inside = flows["source"].isin(services_before) & flows["target"].isin(services_before)
    crossing_before = s.t["flows"][inside]
    s.record_flows(e, crossing_before, f"becomes internal to {new_id}")
    s.t["relationships"] = _merge_relationships(s, e, merged, new_id)
    s.opportunities = [replace(o, include=_renamed(o.include, merged, new_id),
                               exclude=_renamed(o.exclude, merged, new_id))
                       for o in s.opportunities]
    s.log.append((e.number, f"{', '.join(merged)} merge into {new_id} ({row.get('name')}), "
                            f"which now provides {len(services_before)} services"))
    return Touched(s.pathways_at(services_before), set(services_before), set(merged) | {new_id})


def _renamed(ids: tuple, merged: list, new_id: str) -> tuple:
    out = []
    for i in ids:
        i = new_id if i in merged else i
        if i not in out:
            out.append(i)
    return tuple(out)


def _merge_relationships(s: _State, e: ChangeEvent, merged: list, new_id: str) -> pd.DataFrame:
    rels = s.t["relationships"].copy()
    rels["source"] = rels["source"].where(~rels["source"].isin(merged), new_id)
    rels["target"] = rels["target"].where(~rels["target"].isin(merged), new_id)
    internal = rels["source"] == rels["target"]
    if internal.any():
        s.log.append((e.number, f"{int(internal.sum())} relationship(s) between the merged "
                                "organisations are now internal and dropped"))
    rels = rels[~internal]
    key = ["source", "target", "type"]
    if not rels.duplicated(key, keep=False).any():
        return rels.reset_index(drop=True)
    rels = rels.assign(_order=np.arange(len(rels)), _value=rels["value"].fillna(-1.0))
    lead = (rels.sort_values(["_value", "_order"], ascending=[False, True], kind="mergesort")
            .drop_duplicates(key).set_index(key))
    combined = rels.groupby(key, sort=False)
    out = lead.copy()
    out["value"] = combined["value"].sum(min_count=1)
    out["strength"] = combined["strength"].max()
    out = out.reset_index().sort_values("_order", kind="mergesort")
    return out.drop(columns=["_order", "_value"]).reset_index(drop=True)[
        [c for c in s.t["relationships"].columns]]


def _add_organisation(s: _State, e: ChangeEvent) -> Touched | None:
    org_id = str(e.params["id"])
    if org_id in s.org_ids():
        s.bad(e, "id", org_id, "is already an organisation id")
        return None
    parent = e.params.get("parent")
    if parent not in (None, "") and str(parent) not in s.org_ids():
        s.bad(e, "parent", parent, "is not an organisation id")
        return None
    row = _row(s, e, "organisations", e.params)
    if row is None:
        return None
    s.t["organisations"] = _append(s.t["organisations"], row)
    s.log.append((e.number, f"{org_id} ({row['name']}) joins the system"))
    return Touched(named={org_id})


def _drop_flows_at(s: _State, e: ChangeEvent, services: list) -> None:
    flows = s.t["flows"]
    gone = flows["source"].isin(services) | flows["target"].isin(services)
    s.record_flows(e, flows[gone], "dropped")
    s.t["flows"] = flows[~gone].reset_index(drop=True)


def _services_leave_opportunities(s: _State, e: ChangeEvent, services, reroute: str | None = None,
                                  key: str = "id") -> None:
    """Closed services leave the shift lists of the opportunities that name them (or, with
    ``reroute``, are replaced by the service their flows go to). A shift left with nothing on
    one side is a problem with the changeset."""
    services = set(services)
    kept = []
    for opp in s.opportunities:
        shift = opp.shift
        if shift is None or not services & (set(shift.from_) | set(shift.to)):
            kept.append(opp)
            continue
        sides = {}
        for side, names in (("from", shift.from_), ("to", shift.to)):
            gone = [n for n in names if n in services]
            new = []
            for n in names:
                n = reroute if (n in services and reroute is not None) else n
                if n not in services and n not in new:
                    new.append(n)
            sides[side] = tuple(new)
            if not gone:
                continue
            if not new:
                s.reported.add(opp.id)
                s.bad(e, key, ", ".join(gone),
                      f"{'closes' if len(gone) == 1 else 'close'}, leaving opportunity {opp.id} "
                      f"no service to shift activity {side} (shift.{side}); edit "
                      f"opportunities.yaml first (name another service in shift.{side}, or "
                      "remove the shift)")
            elif reroute is not None:
                s.log.append((e.number, f"opportunity {opp.id} now shifts activity {side} "
                                        f"{reroute} instead of {', '.join(gone)}"))
            else:
                s.log.append((e.number, f"opportunity {opp.id} no longer shifts activity "
                                        f"{side} {', '.join(gone)}"))
        both = [n for n in sides["to"] if n in sides["from"]]
        if both:
            s.warnings.append(Problem(
                s.label, e.line, f"event {e.number} {e.kind}.{key}", ", ".join(both),
                f"leaves opportunity {opp.id} shifting activity from and to the same service; "
                "edit its shift in opportunities.yaml", "warning"))
        kept.append(replace(opp, shift=replace(shift, from_=sides["from"], to=sides["to"])))
    s.opportunities = kept


def _remove_organisation(s: _State, e: ChangeEvent) -> Touched | None:
    org_id = str(e.params["id"])
    if org_id not in s.org_ids():
        s.bad(e, "id", org_id, "is not an organisation id")
        return None
    services = s.services_of(org_id)
    how = e.params.get("services")
    reassign = how.get("reassign_to") if isinstance(how, dict) else None
    if services and how is None:
        s.bad(e, "services", None, f"is missing: {org_id} provides {len(services)} service(s) "
                                   f"({', '.join(services)}); say 'services: remove' or "
                                   "'services: {reassign_to: ORG}'")
        return None
    if how is not None and how != "remove" and reassign is None:
        s.bad(e, "services", how, "should be 'remove' or {reassign_to: ORG}")
        return None
    if reassign is not None and (str(reassign) not in s.org_ids() or str(reassign) == org_id):
        s.bad(e, "services.reassign_to", reassign, "is not another organisation id")
        return None
    pathways = s.pathways_at(services)
    touched = Touched(pathways, set(services), {org_id})
    if reassign is not None:
        reassign = str(reassign)
        table = s.t["services"]
        table.loc[table["provider"] == org_id, "provider"] = reassign
        flows = s.t["flows"]
        at = flows[flows["source"].isin(services) | flows["target"].isin(services)]
        s.record_flows(e, at, f"moves with its service to {reassign}")
        touched.organisations.add(reassign)
        what = f"its {len(services)} service(s) go to {reassign}"
    else:
        _drop_flows_at(s, e, services)
        s.t["services"] = s.t["services"][~s.t["services"]["id"].isin(services)].reset_index(
            drop=True)
        what = f"its {len(services)} service(s) close" if services else "it provided no services"
    orgs = s.t["organisations"]
    children = orgs["parent"] == org_id
    if children.any():
        touched.organisations |= set(orgs.loc[children, "id"])
        orgs.loc[children, "parent"] = np.nan
    s.t["organisations"] = orgs[orgs["id"] != org_id].reset_index(drop=True)
    rels = s.t["relationships"]
    gone = (rels["source"] == org_id) | (rels["target"] == org_id)
    touched.ties |= set(zip(rels.loc[gone, "source"], rels.loc[gone, "target"],
                            rels.loc[gone, "type"]))
    s.t["relationships"] = rels[~gone].reset_index(drop=True)
    s.log.append((e.number, f"{org_id} closes: {what}; {int(gone.sum())} relationship(s) end"))
    if reassign is None:
        _services_leave_opportunities(s, e, services, key="services")
    for o in s.opportunities:
        for key in ("include", "exclude"):
            if org_id in getattr(o, key):
                s.log.append((e.number, f"opportunity {o.id} no longer names {org_id} in "
                                        f"{key}"))
    s.opportunities = [replace(o, include=tuple(i for i in o.include if i != org_id),
                               exclude=tuple(i for i in o.exclude if i != org_id))
                       for o in s.opportunities]
    return touched


def _add_service(s: _State, e: ChangeEvent) -> Touched | None:
    sid, provider = str(e.params["id"]), str(e.params["provider"])
    ok = True
    if sid in s.service_ids() or sid == HOME:
        s.bad(e, "id", sid, "is already a service id")
        ok = False
    if provider not in s.org_ids():
        s.bad(e, "provider", provider, "is not an organisation id")
        ok = False
    row = _row(s, e, "services", e.params) if ok else None
    if row is None:
        return None
    s.t["services"] = _append(s.t["services"], row)
    s.log.append((e.number, f"{provider} opens {sid} ({row['name']})"))
    return Touched(services={sid}, named={provider})


def _remove_service(s: _State, e: ChangeEvent) -> Touched | None:
    sid = str(e.params["id"])
    provider = s.provider_of(sid)
    if provider is None:
        s.bad(e, "id", sid, "is not a service id")
        return None
    reroute = e.params.get("reroute_to")
    if reroute is not None and (str(reroute) not in s.service_ids() or str(reroute) == sid):
        s.bad(e, "reroute_to", reroute, "is not another service id")
        return None
    pathways = s.pathways_at([sid])
    touched = Touched(pathways, {sid}, named={provider})
    if reroute is None:
        _drop_flows_at(s, e, [sid])
        what = "its flows are dropped"
    else:
        reroute = str(reroute)
        flows = s.t["flows"]
        at = (flows["source"] == sid) | (flows["target"] == sid)
        flows.loc[flows["source"] == sid, "source"] = reroute
        flows.loc[flows["target"] == sid, "target"] = reroute
        s.record_flows(e, flows[at], f"re-routed to {reroute}")
        s.t["flows"] = _combine_duplicate_flows(flows)
        touched.services.add(reroute)
        touched.named.add(s.provider_of(reroute))
        what = f"its flows are re-routed to {reroute}"
    s.t["services"] = s.t["services"][s.t["services"]["id"] != sid].reset_index(drop=True)
    s.log.append((e.number, f"{sid} closes ({provider}): {what}"))
    _services_leave_opportunities(s, e, [sid], reroute, key="reroute_to" if reroute else "id")
    return touched


def _combine_duplicate_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """Rows that now name the same (pathway, source, target, place) flow, added together (a
    re-route can make two flows one); other columns keep the first row's values."""
    key = ["pathway", "source", "target", "_place"]
    keyed = flows.assign(_place=blank_as_empty(flows["place"]))
    if not keyed.duplicated(key).any():
        return flows
    others = {c: "first" for c in flows.columns if c not in key + ["patients"]}
    combined = keyed.groupby(key, sort=False, as_index=False).agg({**others, "patients": "sum"})
    return combined[list(flows.columns)]


def _flow_mask(s: _State, e: ChangeEvent, flows: pd.DataFrame) -> pd.Series:
    p = e.params
    mask = flows["pathway"] == str(p["pathway"])
    for key in ("source", "target"):
        if p.get(key) is not None:
            mask &= flows[key] == str(p[key])
    if p.get("place") is not None:
        mask &= flows["place"] == str(p["place"])
    elif e.kind in ("set_flow", "remove_flow"):
        mask &= flows["place"].isna()
    return mask


def _check_flow_ends(s: _State, e: ChangeEvent) -> bool:
    ok = True
    if str(e.params["pathway"]) not in s.pathway_ids():
        s.bad(e, "pathway", e.params["pathway"], "is not a pathway id")
        ok = False
    for key in ("source", "target"):
        value = e.params.get(key)
        if value is not None and str(value) not in s.service_ids() | {HOME}:
            s.bad(e, key, value, f"is not a service id or {HOME}")
            ok = False
    return ok


def _flow_touched(s: _State, e: ChangeEvent) -> Touched:
    """A flow event matters only to opportunities on its pathway (a service it brings into a
    scope comes in through that pathway)."""
    services = {str(e.params[k]) for k in ("source", "target") if e.params.get(k)} - {HOME}
    orgs = {s.provider_of(x) for x in services} - {None}
    return Touched({str(e.params["pathway"])}, named=orgs)


def _set_flow(s: _State, e: ChangeEvent) -> Touched | None:
    ok = _check_flow_ends(s, e)
    patients = _number(s, e, "patients", e.params["patients"])
    if e.params["source"] == HOME and e.params["target"] == HOME:
        s.bad(e, "target", HOME, f"makes a flow from {HOME} to {HOME}")
        ok = False
    if not ok or patients is None:
        return None
    touched = _flow_touched(s, e)
    flows = s.t["flows"]
    mask = _flow_mask(s, e, flows)
    if mask.any():
        before = float(flows.loc[mask, "patients"].iloc[0])
        flows.loc[mask, "patients"] = patients
        s.record_flows(e, flows[mask], f"set from {fmt_patients(before)} to {fmt_patients(patients)}")
    else:
        row = {k: e.params.get(k) for k in ("pathway", "source", "target", "place")
               if e.params.get(k) is not None}
        row["patients"] = patients
        s.t["flows"] = _append(flows, _row(s, e, "flows", row))
        s.record_flows(e, s.t["flows"].tail(1), "added")
    s.log.append((e.number, f"{e.params['pathway']}: {e.params['source']} → "
                            f"{e.params['target']} now {fmt_patients(patients)} patients a year"))
    return touched


def _scale_flows(s: _State, e: ChangeEvent) -> Touched | None:
    ok = _check_flow_ends(s, e)
    factor = _number(s, e, "factor", e.params["factor"])
    if not ok or factor is None:
        return None
    flows = s.t["flows"]
    mask = _flow_mask(s, e, flows)
    before = float(flows.loc[mask, "patients"].sum())
    flows.loc[mask, "patients"] = flows.loc[mask, "patients"] * factor
    s.record_flows(e, flows[mask], f"scaled × {factor:g}")
    s.log.append((e.number, f"{int(mask.sum())} flows of {e.params['pathway']} scaled × "
                            f"{factor:g} ({fmt_patients(before)} → {fmt_patients(before * factor)} "
                            "patient movements a year)"))
    return _flow_touched(s, e)


def _remove_flow(s: _State, e: ChangeEvent) -> Touched | None:
    if not _check_flow_ends(s, e):
        return None
    flows = s.t["flows"]
    mask = _flow_mask(s, e, flows)
    if not mask.any():
        s.bad(e, None, None, "names no existing flow (check pathway, source, target and place)")
        return None
    s.record_flows(e, flows[mask], "dropped")
    s.t["flows"] = flows[~mask].reset_index(drop=True)
    s.log.append((e.number, f"{e.params['pathway']}: {e.params['source']} → "
                            f"{e.params['target']} removed"))
    return _flow_touched(s, e)


def _relationship_mask(s: _State, e: ChangeEvent) -> pd.Series:
    rels = s.t["relationships"]
    return ((rels["source"] == str(e.params["source"])) & (rels["target"] == str(e.params["target"]))
            & (rels["type"] == str(e.params["type"])))


def _add_relationship(s: _State, e: ChangeEvent) -> Touched | None:
    ok = True
    for key in ("source", "target"):
        if str(e.params[key]) not in s.org_ids():
            s.bad(e, key, e.params[key], "is not an organisation id")
            ok = False
    payment = e.params.get("payment")
    if payment not in (None, "") and payment not in PAYMENT_BASES:
        s.bad(e, "payment", payment, "is not a payment basis (expected 'activity' or 'block')")
        ok = False
    if ok and _relationship_mask(s, e).any():
        s.bad(e, None, None, "already exists; remove it first to change it")
        ok = False
    row = _row(s, e, "relationships", e.params) if ok else None
    if row is None:
        return None
    s.t["relationships"] = _append(s.t["relationships"], row)
    s.log.append((e.number, f"new {e.params['type']} tie: {e.params['source']} → "
                            f"{e.params['target']}"))
    return Touched(ties={(str(e.params["source"]), str(e.params["target"]),
                          str(e.params["type"]))})


def _remove_relationship(s: _State, e: ChangeEvent) -> Touched | None:
    mask = _relationship_mask(s, e)
    if not mask.any():
        s.bad(e, None, None, "names no existing relationship (check source, target and type)")
        return None
    s.t["relationships"] = s.t["relationships"][~mask].reset_index(drop=True)
    s.log.append((e.number, f"{e.params['type']} tie ends: {e.params['source']} → "
                            f"{e.params['target']}"))
    return Touched(ties={(str(e.params["source"]), str(e.params["target"]),
                          str(e.params["type"]))})


def _update(s: _State, e: ChangeEvent, table: str) -> Touched | None:
    key_id = str(e.params["id"])
    frame = s.t[table]
    if key_id not in set(frame["id"]):
        s.bad(e, "id", key_id, f"is not an id in {table}")
        return None
    changes = e.params["set"]
    if not isinstance(changes, dict) or not changes:
        s.bad(e, "set", changes, "should be a mapping of columns to new values")
        return None
    if "id" in changes:
        s.bad(e, "set.id", changes["id"], "cannot change an id; add a new one and remove this")
        return None
    if table == "services" and "provider" in changes:
        if str(changes["provider"]) not in s.org_ids():
            s.bad(e, "set.provider", changes["provider"], "is not an organisation id")
            return None
    if table == "organisations" and changes.get("parent") not in (None, ""):
        parent = str(changes["parent"])
        ancestors, node = set(), parent
        parents = dict(zip(frame["id"], frame["parent"]))
        while isinstance(node, str) and node not in ancestors:
            ancestors.add(node)
            node = parents.get(node)
        if parent not in s.org_ids() or key_id in ancestors:
            s.bad(e, "set.parent", parent, "is not an organisation id, or would make a cycle "
                                          "of parents")
            return None
    row = _row(s, e, table, changes)
    if row is None:
        return None
    mask = frame["id"] == key_id
    for column, value in row.items():
        if column not in frame:
            frame[column] = np.nan if isinstance(value, float) else None
        frame.loc[mask, column] = value
    s.t[table] = frame
    s.log.append((e.number, f"{key_id}: " + ", ".join(f"{k} = {v}" for k, v in changes.items())))
    if table == "organisations":
        services = s.services_of(key_id)
        orgs = {key_id} | {str(changes["parent"])} if changes.get("parent") else {key_id}
        return Touched(s.pathways_at(services), set(services), orgs)
    if table == "services":
        provider = s.provider_of(key_id)
        return Touched(s.pathways_at([key_id]), {key_id}, named={provider} | (
            {str(changes["provider"])} if "provider" in changes else set()))
    return Touched({key_id}, set(), set(), tags=bool({"tags", "cohort"} & set(changes)))


def _add_pathway(s: _State, e: ChangeEvent) -> Touched | None:
    pid = str(e.params["id"])
    if pid in s.pathway_ids():
        s.bad(e, "id", pid, "is already a pathway id")
        return None
    params = dict(e.params)
    if isinstance(params.get("tags"), list):
        params["tags"] = ";".join(map(str, params["tags"]))
    s.t["pathways"] = _append(s.t["pathways"], _row(s, e, "pathways", params))
    s.log.append((e.number, f"new pathway {pid} ({e.params['name']})"))
    return Touched({pid}, set(), set(), tags=True)


def _remove_pathway(s: _State, e: ChangeEvent) -> Touched | None:
    pid = str(e.params["id"])
    if pid not in s.pathway_ids():
        s.bad(e, "id", pid, "is not a pathway id")
        return None
    flows = s.t["flows"]
    gone = flows["pathway"] == pid
    s.record_flows(e, flows[gone], "dropped")
    s.t["flows"] = flows[~gone].reset_index(drop=True)
    s.t["pathways"] = s.t["pathways"][s.t["pathways"]["id"] != pid].reset_index(drop=True)
    s.log.append((e.number, f"pathway {pid} removed with its {int(gone.sum())} flows"))
    kept = []
    for opp in s.opportunities:
        if pid in opp.pathways:
            left = tuple(p for p in opp.pathways if p != pid)
            if left:
                s.log.append((e.number, f"opportunity {opp.id} no longer looks at pathway {pid}"))
            else:
                s.reported.add(opp.id)
                s.bad(e, "id", pid, f"is the only pathway of opportunity {opp.id}; edit "
                                    "opportunities.yaml first (give it another pathway, or "
                                    "remove the opportunity)")
            opp = replace(opp, pathways=left)
        kept.append(opp)
    s.opportunities = kept
    return Touched({pid}, set(), set(), tags=True)


HANDLERS = {
    "transfer_service": _transfer_service,
    "merge_organisations": _merge,
    "add_organisation": _add_organisation,
    "remove_organisation": _remove_organisation,
    "add_service": _add_service,
    "remove_service": _remove_service,
    "set_flow": _set_flow,
    "scale_flows": _scale_flows,
    "remove_flow": _remove_flow,
    "add_relationship": _add_relationship,
    "remove_relationship": _remove_relationship,
    "update_organisation": lambda s, e: _update(s, e, "organisations"),
    "update_service": lambda s, e: _update(s, e, "services"),
    "add_pathway": _add_pathway,
    "update_pathway": lambda s, e: _update(s, e, "pathways"),
    "remove_pathway": _remove_pathway,
}


def _revalidate(state: _State, system: System) -> tuple[list[Problem], list[Problem]]:
    """Check the changed system as ``netkit validate`` checks a folder: each table written as
    the CSV `netkit.save_system` writes and read back, then every check of `validate_raw`
    (references, duplicates, opportunities). Returns the errors, as problems with the
    changeset, and the warnings about opportunities that are new."""
    from netkit.io.reading import RawSystem, read_csv_text
    from netkit.io.saving import _meta_for_yaml, _ordered
    from netkit.io.validation import validate_raw
    from netkit.model.opportunity import opportunity_to_dict

    raw = RawSystem(source=system.source or "changed system", kind="folder")
    for name, frame in state.t.items():
        filename = TABLES[name].filename
        raw.labels[name] = filename
        text = _ordered(name, frame).to_csv(index=False, lineterminator="\n")
        raw.tables[name] = read_csv_text(text, filename, raw.problems)
    raw.labels["system"], raw.labels["opportunities"] = "system.yaml", "opportunities.yaml"
    raw.system_doc = _meta_for_yaml(state.meta)
    raw.opportunities_doc = [opportunity_to_dict(o) for o in state.opportunities] or None
    checked = validate_raw(raw)
    before = {(p.column, p.value, p.message) for p in system.warnings}
    errors = [Problem(state.label, None, None, None,
                      f"would leave the system invalid: {_located(p)}; change the changeset "
                      "(or the system) so that the result validates")
              for p in checked.errors
              if not any(str(p.column or "").startswith(f"opportunity {oid}.")
                         for oid in state.reported)]
    warnings = [replace(p, row=None) for p in checked.warnings
                if p.file == "opportunities.yaml"
                and (p.column, p.value, p.message) not in before]
    return errors, warnings


def _located(p: Problem) -> str:
    """A problem of the changed system, without the row numbers of files that were never
    written."""
    return str(replace(p, row=None))


def apply_changes(system: System, changeset: Changeset) -> ChangeResult:
    """Apply a changeset, all or nothing, and say what happened to every flow.

    Parameters
    ----------
    system : System
        Left unchanged.
    changeset : Changeset
        From `netkit.read_changeset` or `Changeset.of`.

    Returns
    -------
    ChangeResult
        The new system, the flows affected and a log of each event.

    Raises
    ------
    ChangesetError
        Listing every problem, event by event (and the changeset's own shape problems, where
        it was read with ``strict=False``), then anything the result would break; nothing is
        applied. See the module's description for the consequences an event carries.

    Examples
    --------
    >>> import netkit
    >>> from netkit.change.changeset import Changeset
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> result = netkit.apply_changes(system, Changeset.of(
    ...     [{"remove_service": {"id": "CH"}}]))
    >>> result.flows_affected[["source", "target", "patients", "action"]].values.tolist()
    [['WARD', 'CH', 50.0, 'dropped'], ['CH', '@home', 50.0, 'dropped']]
    >>> len(system.services), len(result.system.services)
    (7, 6)
    """
    state = _State(system, changeset)
    for event in changeset.events:
        touched = HANDLERS[event.kind](state, event)
        if touched is not None:
            state.touched[event.number] = touched
    for name, frame in state.t.items():
        state.t[name] = frame.reset_index(drop=True)
    # an event with a problem changes nothing, so the result is still worth checking: every
    # problem comes back in one pass
    errors, warnings = _revalidate(state, system)
    state.problems += errors
    if state.problems:
        raise ChangesetError(state.problems)
    source = f"{system.source} + {changeset.source}" if system.source else changeset.source
    meta = dict(system.meta)
    if changeset.date is not None:
        meta["snapshot"] = changeset.date
    new = System(state.t, meta, state.opportunities, source=source,
                 given_columns=system.given_columns)
    frame = (pd.concat(state.flows_affected, ignore_index=True) if state.flows_affected
             else pd.DataFrame(columns=FLOW_COLUMNS))
    frame["place"] = frame["place"].astype(object).where(frame["place"].notna(), None)
    return ChangeResult(new, changeset, frame, state.log, state.touched,
                        state.warnings + warnings)
