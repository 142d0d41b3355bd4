"""Flow events: ``set_flow``, ``scale_flows``, ``remove_flow``.

A flow is named by its pathway, source, target and place. ``set_flow`` and ``remove_flow`` name
one flow (no ``place``: the flow with no place); ``scale_flows`` scales every flow of a pathway
that matches the ends and place it gives. A flow event matters only to opportunities on its
pathway (a service it brings into a scope comes in through that pathway).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from netkit.change.events.base import EventKind
from netkit.change.state import Touched, append_row, fmt_patients
from netkit.model.schema import HOME

#: The largest factor scale_flows accepts: a thousandfold change in demand is already absurd.
MAX_SCALE_FACTOR = 1000.0

if TYPE_CHECKING:  # for annotations only
    from netkit.change.changeset import ChangeEvent
    from netkit.change.state import State

__all__ = ["SetFlow", "ScaleFlows", "RemoveFlow"]


class _FlowEvent(EventKind):
    """What the flow events share: the ends they name checked, the flows they match, what they
    touched and how they are described."""

    #: Does leaving out ``place`` mean the flow with no place (rather than any place)?
    one_flow = True

    def summary(self, params: dict) -> str:
        return f"{params['pathway']}: {params['source']} → {params['target']}"

    def reason(self, params: dict, org: str) -> str:
        return f"patient flows on {params['pathway']} changed"

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        services = {str(e.params[k]) for k in ("source", "target") if e.params.get(k)} - {HOME}
        orgs = {s.provider_of(x) for x in services} - {None}
        return Touched({str(e.params["pathway"])}, named=orgs)

    def check_ends(self, s: State, e: ChangeEvent) -> bool:
        """Are the pathway and the ends the event names in the system? (Each problem
        reported.)"""
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

    def matching(self, e: ChangeEvent, flows: pd.DataFrame) -> pd.Series:
        """The flows the event names."""
        p = e.params
        mask = flows["pathway"] == str(p["pathway"])
        for key in ("source", "target"):
            if p.get(key) is not None:
                mask &= flows[key] == str(p[key])
        if p.get("place") is not None:
            mask &= flows["place"] == str(p["place"])
        elif self.one_flow:
            mask &= flows["place"].isna()
        return mask


class SetFlow(_FlowEvent):
    """``set_flow: {pathway, source, target, patients, place?}``: one flow's patients a year
    (the flow is added if it is new)."""

    kind = "set_flow"
    required = ("pathway", "source", "target", "patients")
    optional = ("place",)

    def summary(self, params: dict) -> str:
        return f"{super().summary(params)} = {params['patients']}"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        ok = self.check_ends(s, e)
        patients = s.number(e, "patients", e.params["patients"])
        if e.params["source"] == HOME and e.params["target"] == HOME:
            s.bad(e, "target", HOME, f"makes a flow from {HOME} to {HOME}")
            ok = False
        if not ok or patients is None:
            return None
        return {"patients": patients}

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        patients = checked["patients"]
        flows = s.t["flows"]
        mask = self.matching(e, flows)
        if mask.any():
            before = float(flows.loc[mask, "patients"].iloc[0])
            flows.loc[mask, "patients"] = patients
            s.record_flows(e, flows[mask], f"set from {fmt_patients(before)} to "
                                           f"{fmt_patients(patients)}")
        else:
            row = {k: e.params.get(k) for k in ("pathway", "source", "target", "place")
                   if e.params.get(k) is not None}
            row["patients"] = patients
            s.t["flows"] = append_row(flows, s.row(e, "flows", row))
            s.record_flows(e, s.t["flows"].tail(1), "added")
        s.log.append((e.number, f"{e.params['pathway']}: {e.params['source']} → "
                                f"{e.params['target']} now {fmt_patients(patients)} patients a "
                                "year"))


class ScaleFlows(_FlowEvent):
    """``scale_flows: {pathway, factor, source?, target?, place?}``: every matching flow of the
    pathway times ``factor``."""

    kind = "scale_flows"
    required = ("pathway", "factor")
    optional = ("source", "target", "place")
    one_flow = False

    def summary(self, params: dict) -> str:
        return f"{params['pathway']} × {params['factor']}"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        ok = self.check_ends(s, e)
        # a factor beyond 1,000 is a typing error, not a change in demand (and 1e300 twice
        # overflows)
        factor = s.number(e, "factor", e.params["factor"], high=MAX_SCALE_FACTOR)
        if not ok or factor is None:
            return None
        return {"factor": factor}

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        factor = checked["factor"]
        flows = s.t["flows"]
        mask = self.matching(e, flows)
        before = float(flows.loc[mask, "patients"].sum())
        flows.loc[mask, "patients"] = flows.loc[mask, "patients"] * factor
        s.record_flows(e, flows[mask], f"scaled × {factor:g}")
        s.log.append((e.number, f"{int(mask.sum())} flows of {e.params['pathway']} scaled × "
                                f"{factor:g} ({fmt_patients(before)} → "
                                f"{fmt_patients(before * factor)} patient movements a year)"))


class RemoveFlow(_FlowEvent):
    """``remove_flow: {pathway, source, target, place?}``: one flow ends."""

    kind = "remove_flow"
    required = ("pathway", "source", "target")
    optional = ("place",)

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        if not self.check_ends(s, e):
            return None
        mask = self.matching(e, s.t["flows"])
        if not mask.any():
            s.bad(e, None, None, "names no existing flow (check pathway, source, target and "
                                 "place)")
            return None
        return {"mask": mask}

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        flows, mask = s.t["flows"], checked["mask"]
        s.record_flows(e, flows[mask], "dropped")
        s.t["flows"] = flows[~mask].reset_index(drop=True)
        s.log.append((e.number, f"{e.params['pathway']}: {e.params['source']} → "
                                f"{e.params['target']} removed"))
