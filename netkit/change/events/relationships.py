"""Relationship events: ``add_relationship``, ``remove_relationship``.

A relationship is named by its source, target and type; there is at most one of each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from netkit.change.events.base import EventKind
from netkit.change.state import Touched, append_row
from netkit.model.schema import PAYMENT_BASES

if TYPE_CHECKING:  # for annotations only
    from netkit.change.changeset import ChangeEvent
    from netkit.change.state import State

__all__ = ["AddRelationship", "RemoveRelationship"]


class _RelationshipEvent(EventKind):
    """What the relationship events share: the tie they name and how they are described."""

    required = ("source", "target", "type")

    def summary(self, params: dict) -> str:
        return f"{params['source']} {params['type']} {params['target']}"

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        return Touched(ties={(str(e.params["source"]), str(e.params["target"]),
                              str(e.params["type"]))})

    def matching(self, s: State, e: ChangeEvent) -> pd.Series:
        """The relationship the event names (a mask of the relationships table)."""
        rels = s.t["relationships"]
        return ((rels["source"] == str(e.params["source"]))
                & (rels["target"] == str(e.params["target"]))
                & (rels["type"] == str(e.params["type"])))

    def other_end(self, params: dict, org: str):
        return params["target"] if str(params["source"]) == org else params["source"]


class AddRelationship(_RelationshipEvent):
    """``add_relationship: {source, target, type, ...}``: a new tie between two organisations
    (any other column of ``relationships.csv`` may be given)."""

    kind = "add_relationship"
    optional = None

    def reason(self, params: dict, org: str) -> str:
        return f"new {params['type']} tie with {self.other_end(params, org)}"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        ok = True
        for key in ("source", "target"):
            if str(e.params[key]) not in s.org_ids():
                s.bad(e, key, e.params[key], "is not an organisation id")
                ok = False
        payment = e.params.get("payment")
        if payment not in (None, "") and payment not in PAYMENT_BASES:
            s.bad(e, "payment", payment, "is not a payment basis (expected 'activity' or 'block')")
            ok = False
        if ok and self.matching(s, e).any():
            s.bad(e, None, None, "already exists; remove it first to change it")
            ok = False
        row = s.row(e, "relationships", e.params) if ok else None
        return None if row is None else {"row": row}

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        s.t["relationships"] = append_row(s.t["relationships"], checked["row"])
        s.log.append((e.number, f"new {e.params['type']} tie: {e.params['source']} → "
                                f"{e.params['target']}"))


class RemoveRelationship(_RelationshipEvent):
    """``remove_relationship: {source, target, type}``: a tie ends."""

    kind = "remove_relationship"
    optional = ()

    def reason(self, params: dict, org: str) -> str:
        return f"{params['type']} tie with {self.other_end(params, org)} ended"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        mask = self.matching(s, e)
        if not mask.any():
            s.bad(e, None, None, "names no existing relationship (check source, target and type)")
            return None
        return {"mask": mask}

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        s.t["relationships"] = s.t["relationships"][~checked["mask"]].reset_index(drop=True)
        s.log.append((e.number, f"{e.params['type']} tie ends: {e.params['source']} → "
                                f"{e.params['target']}"))
