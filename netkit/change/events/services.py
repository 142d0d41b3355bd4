"""Service events: ``transfer_service``, ``add_service``, ``remove_service``, ``update_service``;
and what closing services does to their flows and to the opportunities that name them (also
used when an organisation closes).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from netkit._frames import blank_as_empty
from netkit.change.events.base import EventKind
from netkit.change.events.updates import Update
from netkit.change.state import Touched, append_row
from netkit.errors import Problem
from netkit.model.schema import HOME

if TYPE_CHECKING:  # for annotations only
    from netkit.change.changeset import ChangeEvent
    from netkit.change.state import State

__all__ = ["TransferService", "AddService", "RemoveService", "UpdateService", "drop_flows_at",
           "services_leave_opportunities"]


class TransferService(EventKind):
    """``transfer_service: {service: S, to: ORG}``: the service gets a new provider; its flows
    stay."""

    kind = "transfer_service"
    required = ("service", "to")
    optional = ()

    def summary(self, params: dict) -> str:
        return f"{params['service']} to {params['to']}"

    def reason(self, params: dict, org: str) -> str:
        if str(params["to"]) == org:
            return f"took over {params['service']}"
        return f"{params['service']} moved to {params['to']}"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        service, to = str(e.params["service"]), str(e.params["to"])
        old = s.provider_of(service)
        if old is None:
            s.bad(e, "service", service, "is not a service id")
        if to not in s.org_ids():
            s.bad(e, "to", to, "is not an organisation id")
        if old is None or to not in s.org_ids():
            return None
        return {"service": service, "to": to, "old": old}

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        service = checked["service"]
        return Touched(s.pathways_at([service]), {service}, named={checked["old"], checked["to"]})

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        service, to, old = checked["service"], checked["to"], checked["old"]
        services = s.t["services"]
        services.loc[services["id"] == service, "provider"] = to
        flows = s.t["flows"]
        at = flows[(flows["source"] == service) | (flows["target"] == service)]
        s.record_flows(e, at, f"moves with {service} from {old} to {to}")
        s.log.append((e.number, f"{service} moves from {old} to {to}"))


class AddService(EventKind):
    """``add_service: {id, name, provider, category, ...}``: a new service (any other column of
    ``services.csv`` may be given)."""

    kind = "add_service"
    required = ("id", "name", "provider", "category")
    optional = None

    def reason(self, params: dict, org: str) -> str:
        return f"{params['provider']} opened {params['id']}"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        sid, provider = str(e.params["id"]), str(e.params["provider"])
        ok = True
        if sid in s.service_ids() or sid == HOME:
            s.bad(e, "id", sid, "is already a service id")
            ok = False
        if provider not in s.org_ids():
            s.bad(e, "provider", provider, "is not an organisation id")
            ok = False
        row = s.row(e, "services", e.params) if ok else None
        return None if row is None else {"id": sid, "provider": provider, "row": row}

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        return Touched(services={checked["id"]}, named={checked["provider"]})

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        s.t["services"] = append_row(s.t["services"], checked["row"])
        s.log.append((e.number, f"{checked['provider']} opens {checked['id']} "
                                f"({checked['row']['name']})"))


class RemoveService(EventKind):
    """``remove_service: {id: S}``: the service closes and its flows are dropped, or with
    ``reroute_to: SERVICE`` go to another service."""

    kind = "remove_service"
    required = ("id",)
    optional = ("reroute_to",)

    def reason(self, params: dict, org: str) -> str:
        return f"{params['id']} closed"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        sid = str(e.params["id"])
        provider = s.provider_of(sid)
        if provider is None:
            s.bad(e, "id", sid, "is not a service id")
            return None
        reroute = e.params.get("reroute_to")
        if reroute is not None and (str(reroute) not in s.service_ids() or str(reroute) == sid):
            s.bad(e, "reroute_to", reroute, "is not another service id")
            return None
        return {"id": sid, "provider": provider,
                "reroute": None if reroute is None else str(reroute)}

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        sid, reroute = checked["id"], checked["reroute"]
        touched = Touched(s.pathways_at([sid]), {sid}, named={checked["provider"]})
        if reroute is not None:
            touched.services.add(reroute)
            touched.named.add(s.provider_of(reroute))
        return touched

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        sid, reroute = checked["id"], checked["reroute"]
        if reroute is None:
            drop_flows_at(s, e, [sid])
            what = "its flows are dropped"
        else:
            flows = s.t["flows"]
            at = (flows["source"] == sid) | (flows["target"] == sid)
            flows.loc[flows["source"] == sid, "source"] = reroute
            flows.loc[flows["target"] == sid, "target"] = reroute
            s.record_flows(e, flows[at], f"re-routed to {reroute}")
            s.t["flows"] = _combine_duplicate_flows(flows)
            what = f"its flows are re-routed to {reroute}"
        s.t["services"] = s.t["services"][s.t["services"]["id"] != sid].reset_index(drop=True)
        s.log.append((e.number, f"{sid} closes ({checked['provider']}): {what}"))
        services_leave_opportunities(s, e, [sid], reroute, key="reroute_to" if reroute else "id")


class UpdateService(Update):
    """``update_service: {id: S, set: {...}}``: new values for a service's columns (a new
    ``provider`` must be an organisation)."""

    kind = "update_service"
    table = "services"

    def check_row(self, s: State, e: ChangeEvent, key_id: str, changes: dict) -> bool:
        if "provider" in changes and str(changes["provider"]) not in s.org_ids():
            s.bad(e, "set.provider", changes["provider"], "is not an organisation id")
            return False
        return True

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        key_id, changes = checked["id"], checked["changes"]
        # the provider named is the one the service has after the event
        provider = (str(changes["provider"]) if "provider" in changes
                    else s.provider_of(key_id))
        return Touched(s.pathways_at([key_id]), {key_id}, named={provider})


def drop_flows_at(s: State, e: ChangeEvent, services: list) -> None:
    """Drop every flow from or to these services (noted as dropped)."""
    flows = s.t["flows"]
    gone = flows["source"].isin(services) | flows["target"].isin(services)
    s.record_flows(e, flows[gone], "dropped")
    s.t["flows"] = flows[~gone].reset_index(drop=True)


def services_leave_opportunities(s: State, e: ChangeEvent, services, reroute: str | None = None,
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
        sides = {side: _shift_side(s, e, opp.id, side, names, services, reroute, key)
                 for side, names in (("from", shift.from_), ("to", shift.to))}
        both = [n for n in sides["to"] if n in sides["from"]]
        if both:
            s.warnings.append(Problem(
                s.label, e.line, f"event {e.number} {e.kind}.{key}", ", ".join(both),
                f"leaves opportunity {opp.id} shifting activity from and to the same service; "
                "edit its shift in opportunities.yaml", "warning"))
        kept.append(replace(opp, shift=replace(shift, from_=sides["from"], to=sides["to"])))
    s.opportunities = kept


def _shift_side(s: State, e: ChangeEvent, opp_id: str, side: str, names: tuple, services: set,
                reroute: str | None, key: str) -> tuple:
    """One side (``from`` or ``to``) of an opportunity's shift without the closed services,
    said in the log (or reported, where nothing is left)."""
    gone = [n for n in names if n in services]
    new = []
    for n in names:
        n = reroute if (n in services and reroute is not None) else n
        if n not in services and n not in new:
            new.append(n)
    if not gone:
        return tuple(new)
    if not new:
        s.reported.add(opp_id)
        s.bad(e, key, ", ".join(gone),
              f"{'closes' if len(gone) == 1 else 'close'}, leaving opportunity {opp_id} "
              f"no service to shift activity {side} (shift.{side}); edit "
              f"opportunities.yaml first (name another service in shift.{side}, or "
              "remove the shift)")
    elif reroute is not None:
        s.log.append((e.number, f"opportunity {opp_id} now shifts activity {side} "
                                f"{reroute} instead of {', '.join(gone)}"))
    else:
        s.log.append((e.number, f"opportunity {opp_id} no longer shifts activity "
                                f"{side} {', '.join(gone)}"))
    return tuple(new)


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
