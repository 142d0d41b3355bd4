"""Relationship events: ``add_relationship``, ``remove_relationship``.

A relationship is named by its source, target and type. A ``commissions`` contract may have
**service lines** (``relationships.csv`` ``service``): one row naming no service, covering every
service of the target no other row names, and rows naming the services they pay for. So there
is at most one row of each (source, target, type) naming no service, and each service is named
on at most one row of a contract. The events name a line by its ``service`` (``;``-separated
text or a list): ``add_relationship`` adds one line, checked as the file's rows are
(`netkit.io.version2.check_contract_services`); ``remove_relationship`` ends the lines naming
exactly those services, or without ``service`` every row of the contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from netkit.change.events.base import EventKind
from netkit.change.events.contracts import basis_words, service_list
from netkit.change.state import Touched, append_row
from netkit.io.suggest import _suggest
from netkit.model.schema import PAYMENT_BASES

if TYPE_CHECKING:  # for annotations only
    from netkit.change.changeset import ChangeEvent
    from netkit.change.state import State

__all__ = ["AddRelationship", "RemoveRelationship"]


def _lines_of(rows: pd.DataFrame) -> list[list[str]]:
    """Each row's service line (empty: the row naming no service)."""
    if "service" not in rows:
        return [[] for _ in range(len(rows))]
    return [service_list(v) for v in rows["service"].astype(object)]


def _basis(row) -> str:

    return basis_words(row.get("payment"), row.get("variable_share"))


def _paid(row, line: list) -> str:
    """A contract row in words: ``for WARD, ED, paid by api, 40% variable``."""
    what = ", ".join(line) if line else "the services no line names"
    return f"for {what}, paid by {_basis(row)}"


class _RelationshipEvent(EventKind):
    """What the relationship events share: the tie they name and how they are described."""

    required = ("source", "target", "type")

    def summary(self, params: dict) -> str:
        services = service_list(params.get("service"))
        return (f"{params['source']} {params['type']} {params['target']}"
                + (f" for {', '.join(services)}" if services else ""))

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        return Touched(ties={(str(e.params["source"]), str(e.params["target"]),
                              str(e.params["type"]))})

    def matching(self, s: State, e: ChangeEvent) -> pd.Series:
        """The rows of the relationship the event names, every service line (a mask of the
        relationships table)."""
        rels = s.t["relationships"]
        return ((rels["source"] == str(e.params["source"]))
                & (rels["target"] == str(e.params["target"]))
                & (rels["type"] == str(e.params["type"])))

    def other_end(self, params: dict, org: str):
        return params["target"] if str(params["source"]) == org else params["source"]

    def lines_only_on_contracts(self, s: State, e: ChangeEvent, services: list) -> bool:
        """A service line belongs to a ``commissions`` contract (reported otherwise)."""
        if services and str(e.params["type"]) != "commissions":
            s.bad(e, "service", e.params["service"],
                  f"names a service line, which only a 'commissions' contract has, not a "
                  f"{str(e.params['type'])!r} relationship; leave service out")
            return False
        return True


class AddRelationship(_RelationshipEvent):
    """``add_relationship: {source, target, type, ...}``: a new tie between two organisations
    (any other column of ``relationships.csv`` may be given); with ``service``, a new service
    line of a ``commissions`` contract."""

    kind = "add_relationship"
    optional = None

    def reason(self, params: dict, org: str) -> str:
        services = service_list(params.get("service"))
        if services:
            return (f"new {params['type']} contract line with {self.other_end(params, org)} "
                    f"for {', '.join(services)}")
        return f"new {params['type']} tie with {self.other_end(params, org)}"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        ok = True
        for key in ("source", "target"):
            if str(e.params[key]) not in s.org_ids():
                s.bad(e, key, e.params[key], "is not an organisation id")
                ok = False
        payment = e.params.get("payment")
        if payment not in (None, "") and payment not in PAYMENT_BASES:
            s.bad(e, "payment", payment,
                  "is not a payment basis (expected 'activity', 'block' or 'api')")
            ok = False
        services = service_list(e.params.get("service"))
        ok &= self.lines_only_on_contracts(s, e, services)
        if ok and services:
            ok = self._check_services(s, e, services)
        elif ok and any(not line for line in _lines_of(
                s.t["relationships"][self.matching(s, e)])):  # service lines alone may exist
            s.bad(e, None, None, "already exists; remove it first to change it")
            ok = False
        params = dict(e.params)
        if "service" in params:
            params["service"] = ";".join(services) or None
        row = s.row(e, "relationships", params) if ok else None
        return None if row is None else {"row": row, "services": services}

    def _check_services(self, s: State, e: ChangeEvent, services: list) -> bool:
        """Each service exists, is the target's, and is on no other line of the contract."""
        source, target = str(e.params["source"]), str(e.params["target"])
        ok = True
        known = s.service_ids()
        rows = s.t["relationships"][self.matching(s, e)]
        held = {sid: (row, line) for (_, row), line in zip(rows.iterrows(), _lines_of(rows))
                for sid in line}  # a handful of lines per contract
        for sid in services:
            if sid not in known:
                s.bad(e, "service", sid, f"is not a service id{_suggest(sid, known)}; name one "
                                         f"of {target}'s services")
                ok = False
            elif s.provider_of(sid) != target:
                owner = s.provider_of(sid)
                s.bad(e, "service", sid, f"is a service of {owner}, not of {target}; a contract "
                                         f"pays for services its target provides: name one of "
                                         f"{target}'s services, or give the contract to {owner}")
                ok = False
            elif sid in held:
                row, line = held[sid]
                s.bad(e, "service", sid,
                      f"is already on a contract line from {source} to {target} "
                      f"({_paid(row, line)}); end that line first "
                      f"(remove_relationship with service: {';'.join(line)}), or leave {sid} "
                      "out of this one")
                ok = False
        return ok

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        s.t["relationships"] = append_row(s.t["relationships"], checked["row"])
        services = checked["services"]
        if services:
            s.log.append((e.number, f"new {e.params['type']} contract line: "
                                    f"{e.params['source']} → {e.params['target']} "
                                    f"{_paid(checked['row'], services)}"))
            return
        s.log.append((e.number, f"new {e.params['type']} tie: {e.params['source']} → "
                                f"{e.params['target']}"))


class RemoveRelationship(_RelationshipEvent):
    """``remove_relationship: {source, target, type, service}``: a tie ends; with ``service``,
    only the service lines naming exactly those services (the contract naming no service then
    pays for them, if there is one)."""

    kind = "remove_relationship"
    optional = ("service",)

    def reason(self, params: dict, org: str) -> str:
        services = service_list(params.get("service"))
        if services:
            return (f"{params['type']} contract line with {self.other_end(params, org)} for "
                    f"{', '.join(services)} ended")
        return f"{params['type']} tie with {self.other_end(params, org)} ended"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        mask = self.matching(s, e)
        if not mask.any():
            s.bad(e, None, None, "names no existing relationship (check source, target and type)")
            return None
        services = service_list(e.params.get("service"))
        if not self.lines_only_on_contracts(s, e, services):
            return None
        rows = s.t["relationships"][mask]
        lines = _lines_of(rows)
        if not services:
            return {"mask": mask, "rows": rows, "lines": lines}
        ending = [bool(line) and set(line) <= set(services) for line in lines]
        covered = {sid for line, end in zip(lines, ending) if end for sid in line}
        listed = "; ".join(_paid(row, line)
                           for (_, row), line in zip(rows.iterrows(), lines) if line)
        source, target = e.params["source"], e.params["target"]
        ok = True
        for sid in services:
            if sid in covered:
                continue
            line = next((line for line in lines if sid in line), None)
            if line is None:
                s.bad(e, "service", sid,
                      f"is on no service line of {source}'s contract with {target} (its lines: "
                      f"{listed or 'none'}); leave service out to end the whole contract")
            else:
                s.bad(e, "service", sid,
                      f"is on the line for {', '.join(line)}, which ends as a whole: name all "
                      f"its services (service: {';'.join(line)})")
            ok = False
        if not ok:
            return None
        at = mask.copy()
        at[mask] = ending
        return {"mask": at, "rows": rows[ending], "lines": [ln for ln, end in zip(lines, ending)
                                                             if end],
                "rest": rows[[not ln for ln in lines]]}

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        s.t["relationships"] = s.t["relationships"][~checked["mask"]].reset_index(drop=True)
        head = f"{e.params['source']} → {e.params['target']}"
        kind = e.params["type"]
        if "rest" in checked:  # service lines named
            words = "; ".join(_paid(row, line) for (_, row), line
                              in zip(checked["rows"].iterrows(), checked["lines"]))
            rest = checked["rest"]
            then = (f"the contract naming no service ({_basis(rest.iloc[0])}) pays for these "
                    "services now" if len(rest) else f"no contract from {e.params['source']} pays "
                                            f"{e.params['target']} for these services now")
            ended = len(checked["lines"])
            s.log.append((e.number, f"{kind} contract line{'s' if ended > 1 else ''} "
                                    f"end{'' if ended > 1 else 's'}: {head} {words}; {then}"))
            return
        n = len(checked["rows"])
        if n == 1:
            s.log.append((e.number, f"{kind} tie ends: {head}"))
            return
        words = "; ".join(_paid(row, line) for (_, row), line
                          in zip(checked["rows"].iterrows(), checked["lines"]))
        s.log.append((e.number, f"{kind} tie ends: {head}, all {n} rows, every service line "
                                f"({words})"))
