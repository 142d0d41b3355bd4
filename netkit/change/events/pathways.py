"""Pathway events: ``add_pathway``, ``update_pathway``, ``remove_pathway``.

A pathway's tags and cohort decide which opportunities a ``tag:`` selector reaches, so every
pathway event asks for tag selectors to be resolved again. A pathway that is removed takes its
flows with it and leaves the ``pathways`` lists of the opportunities that name it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from netkit.change.events.base import EventKind
from netkit.change.events.updates import Update
from netkit.change.state import Touched, append_row

if TYPE_CHECKING:  # for annotations only
    from netkit.change.changeset import ChangeEvent
    from netkit.change.state import State

__all__ = ["AddPathway", "UpdatePathway", "RemovePathway"]


class AddPathway(EventKind):
    """``add_pathway: {id, name, cohort?, tags?}``: a new pathway (``tags`` a list or a
    ``;``-separated text)."""

    kind = "add_pathway"
    required = ("id", "name")
    optional = ("cohort", "tags")

    def reason(self, params: dict, org: str) -> str:
        return f"pathway {params['id']} changed"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        pid = str(e.params["id"])
        if pid in s.pathway_ids():
            s.bad(e, "id", pid, "is already a pathway id")
            return None
        params = dict(e.params)
        if isinstance(params.get("tags"), list):
            params["tags"] = ";".join(map(str, params["tags"]))
        row = s.row(e, "pathways", params)
        return None if row is None else {"id": pid, "row": row}

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        return Touched({checked["id"]}, set(), set(), tags=True)

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        s.t["pathways"] = append_row(s.t["pathways"], checked["row"])
        s.log.append((e.number, f"new pathway {checked['id']} ({e.params['name']})"))


class UpdatePathway(Update):
    """``update_pathway: {id: P, set: {...}}``: new values for a pathway's columns."""

    kind = "update_pathway"
    table = "pathways"

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        return Touched({checked["id"]}, set(), set(),
                       tags=bool({"tags", "cohort"} & set(checked["changes"])))


class RemovePathway(EventKind):
    """``remove_pathway: {id: P}``: the pathway and its flows go."""

    kind = "remove_pathway"
    required = ("id",)
    optional = ()

    def reason(self, params: dict, org: str) -> str:
        return f"pathway {params['id']} changed"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        pid = str(e.params["id"])
        if pid not in s.pathway_ids():
            s.bad(e, "id", pid, "is not a pathway id")
            return None
        return {"id": pid}

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        return Touched({checked["id"]}, set(), set(), tags=True)

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        pid = checked["id"]
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
                    s.log.append((e.number, f"opportunity {opp.id} no longer looks at pathway "
                                            f"{pid}"))
                else:
                    s.reported.add(opp.id)
                    s.bad(e, "id", pid, f"is the only pathway of opportunity {opp.id}; edit "
                                        "opportunities.yaml first (give it another pathway, or "
                                        "remove the opportunity)")
                opp = replace(opp, pathways=left)
            kept.append(opp)
        s.opportunities = kept
