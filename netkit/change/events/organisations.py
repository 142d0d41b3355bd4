"""Organisation events: ``add_organisation``, ``remove_organisation``, ``merge_organisations``,
``update_organisation``.

A merge combines the organisations' services (the new organisation provides them), the flows
between them (which become internal), their relationships (ends renamed; ties between the merged
organisations dropped; duplicates combined: values summed, the strongest tie kept, the payment
basis of the largest contract, except that contracts with different payment bases become one
``api`` contract whose variable share is their value-weighted mix, and the log says so) and their budgets (summed). Organisations whose parent merged get
the new organisation as parent, and opportunities that include or exclude a merged organisation
name the new one instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netkit._frames import blank_as_empty
from netkit.change.events.base import EventKind, Report
from netkit.change.events.services import drop_flows_at, services_leave_opportunities
from netkit.change.events.updates import Update
from netkit.change.state import Touched, append_row

if TYPE_CHECKING:  # for annotations only
    from netkit.change.changeset import ChangeEvent
    from netkit.change.state import State


def _n(count: int, word: str) -> str:
    """``1 service``, ``2 services``: a count with its noun in the right number."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


__all__ = ["AddOrganisation", "RemoveOrganisation", "MergeOrganisations", "UpdateOrganisation"]


class AddOrganisation(EventKind):
    """``add_organisation: {id, name, type, ...}``: a new organisation (any other column of
    ``organisations.csv`` may be given; a ``parent`` must exist)."""

    kind = "add_organisation"
    required = ("id", "name", "type")
    optional = None

    def reason(self, params: dict, org: str) -> str:
        if str(params["id"]) == org:
            return "joined the system"
        return f"{params['id']} joined the system"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        org_id = str(e.params["id"])
        if org_id in s.org_ids():
            s.bad(e, "id", org_id, "is already an organisation id")
            return None
        parent = e.params.get("parent")
        if parent not in (None, "") and str(parent) not in s.org_ids():
            s.bad(e, "parent", parent, "is not an organisation id")
            return None
        row = s.row(e, "organisations", e.params)
        return None if row is None else {"id": org_id, "row": row}

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        return Touched(named={checked["id"]})

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        s.t["organisations"] = append_row(s.t["organisations"], checked["row"])
        s.log.append((e.number, f"{checked['id']} ({checked['row']['name']}) joins the system"))


class RemoveOrganisation(EventKind):
    """``remove_organisation: {id: ORG, services: remove | {reassign_to: ORG}}``: the
    organisation closes; its services close with it or go to another organisation (``services``
    is required when it provides any)."""

    kind = "remove_organisation"
    required = ("id",)
    optional = ("services",)

    def reason(self, params: dict, org: str) -> str:
        return "the organisation closed" if str(params["id"]) == org else f"{params['id']} closed"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        org_id = str(e.params["id"])
        if org_id not in s.org_ids():
            s.bad(e, "id", org_id, "is not an organisation id")
            return None
        services = s.services_of(org_id)
        how = e.params.get("services")
        reassign = how.get("reassign_to") if isinstance(how, dict) else None
        if services and how is None:
            s.bad(e, "services", None, f"is missing: {org_id} provides "
                                       f"{_n(len(services), 'service')} "
                                       f"({', '.join(services)}); say 'services: remove' or "
                                       "'services: {reassign_to: ORG}'")
            return None
        if how is not None and how != "remove" and reassign is None:
            s.bad(e, "services", how, "should be 'remove' or {reassign_to: ORG}")
            return None
        if reassign is not None and (str(reassign) not in s.org_ids() or str(reassign) == org_id):
            s.bad(e, "services.reassign_to", reassign, "is not another organisation id")
            return None
        return {"id": org_id, "services": services,
                "reassign": None if reassign is None else str(reassign)}

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        org_id, services, reassign = checked["id"], checked["services"], checked["reassign"]
        touched = Touched(s.pathways_at(services), set(services), {org_id})
        if reassign is not None:
            touched.organisations.add(reassign)
        orgs = s.t["organisations"]
        touched.organisations |= set(orgs.loc[orgs["parent"] == org_id, "id"])
        rels = s.t["relationships"]
        gone = (rels["source"] == org_id) | (rels["target"] == org_id)
        touched.ties |= set(zip(rels.loc[gone, "source"], rels.loc[gone, "target"],
                                rels.loc[gone, "type"]))
        return touched

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        org_id, services, reassign = checked["id"], checked["services"], checked["reassign"]
        if reassign is not None:
            table = s.t["services"]
            table.loc[table["provider"] == org_id, "provider"] = reassign
            flows = s.t["flows"]
            at = flows[flows["source"].isin(services) | flows["target"].isin(services)]
            s.record_flows(e, at, f"moves with its service to {reassign}")
            what = (f"its {_n(len(services), 'service')} "
                    f"{'goes' if len(services) == 1 else 'go'} to {reassign}")
        else:
            drop_flows_at(s, e, services)
            s.t["services"] = s.t["services"][~s.t["services"]["id"].isin(services)].reset_index(
                drop=True)
            what = (f"its {_n(len(services), 'service')} "
                    f"{'closes' if len(services) == 1 else 'close'}" if services
                    else "it provided no services")
        orgs = s.t["organisations"]
        children = orgs["parent"] == org_id
        if children.any():
            orgs.loc[children, "parent"] = np.nan
        s.t["organisations"] = orgs[orgs["id"] != org_id].reset_index(drop=True)
        rels = s.t["relationships"]
        gone = (rels["source"] == org_id) | (rels["target"] == org_id)
        s.t["relationships"] = rels[~gone].reset_index(drop=True)
        s.log.append((e.number, f"{org_id} closes: {what}; "
                                f"{_n(int(gone.sum()), 'relationship')} end"))
        if reassign is None:
            services_leave_opportunities(s, e, services, key="services")
        for o in s.opportunities:
            for key in ("include", "exclude"):
                if org_id in getattr(o, key):
                    s.log.append((e.number, f"opportunity {o.id} no longer names {org_id} in "
                                            f"{key}"))
        s.opportunities = [replace(o, include=tuple(i for i in o.include if i != org_id),
                                   exclude=tuple(i for i in o.exclude if i != org_id))
                           for o in s.opportunities]
        _follow_in_version_2(s, e, [org_id], None)


class MergeOrganisations(EventKind):
    """``merge_organisations: {organisations: [A, B, ...], into: {id, name, type, ...}}``: the
    organisations become one (see the module's description for what a merge combines)."""

    kind = "merge_organisations"
    required = ("organisations", "into")
    optional = ("payment",)

    def check_shape(self, params: dict, number: int, report: Report) -> None:
        if params.get("organisations") not in (None, ""):
            _check_merge_list(params["organisations"], number, report)
        if params.get("payment") is not None:
            _check_payment(params["payment"], number, report)

    def summary(self, params: dict) -> str:
        return (f"{' + '.join(map(str, params['organisations']))} into "
                f"{params['into'].get('id')}")

    def reason(self, params: dict, org: str) -> str:
        into = str(params["into"].get("id"))
        merged = ' and '.join(map(str, params['organisations']))
        if org == into:
            return f"formed by merging {merged}"
        if org in map(str, params["organisations"]):
            return f"merged into {into}"
        return f"{merged} merged into {into}"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
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
            s.bad(e, "into.id", new_id, "is already an organisation id; choose a new id (or one "
                                        "of the organisations being merged)")
        payment = {str(k): v for k, v in (e.params.get("payment") or {}).items()}
        for org in payment:
            if org not in s.org_ids() or org in merged:
                s.bad(e, f"payment.{org}", None, "is not the id of an organisation at the other "
                                                 "end of the merged organisations' contracts")
        if unknown or (new_id in s.org_ids() and new_id not in merged) or any(
                org not in s.org_ids() or org in merged for org in payment):
            return None
        row = s.row(e, "organisations", _merged_row(s.t["organisations"], merged, into))
        if row is None:
            return None
        if row.get("parent") in merged:
            row["parent"] = None
        table = s.t["services"][s.t["services"]["provider"].isin(merged)]
        services = sorted(table["id"])
        services_of = {m: sorted(table.loc[table["provider"] == m, "id"]) for m in merged}
        return {"merged": merged, "id": new_id, "row": row, "services": services,
                "services_of": services_of, "payment": payment}

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        services = checked["services"]
        return Touched(s.pathways_at(services), set(services), set(checked["merged"])
                       | {checked["id"]})

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        merged, new_id, row = checked["merged"], checked["id"], checked["row"]
        services_before = checked["services"]
        orgs = s.t["organisations"]
        orgs = orgs[~orgs["id"].isin(merged)]
        orgs.loc[orgs["parent"].isin(merged), "parent"] = new_id
        s.t["organisations"] = append_row(orgs.reset_index(drop=True), row)
        services = s.t["services"]
        services.loc[services["provider"].isin(merged), "provider"] = new_id
        flows = s.t["flows"]
        inside = flows["source"].isin(services_before) & flows["target"].isin(services_before)
        s.record_flows(e, flows[inside], f"becomes internal to {new_id}")
        s.t["relationships"] = _merge_relationships(s, e, merged, new_id,
                                                    checked["services_of"], checked["payment"])
        s.opportunities = [replace(o, include=_renamed(o.include, merged, new_id),
                                   exclude=_renamed(o.exclude, merged, new_id))
                           for o in s.opportunities]
        _follow_in_version_2(s, e, merged, new_id)
        s.log.append((e.number, f"{', '.join(merged)} merge into {new_id} ({row.get('name')}), "
                                f"which now provides {len(services_before)} services"))


class UpdateOrganisation(Update):
    """``update_organisation: {id: ORG, set: {...}}``: new values for an organisation's columns
    (a new ``parent`` must exist and make no cycle of parents)."""

    kind = "update_organisation"
    table = "organisations"

    def check_row(self, s: State, e: ChangeEvent, key_id: str, changes: dict) -> bool:
        if changes.get("parent") in (None, ""):
            return True
        frame = s.t["organisations"]
        parent = str(changes["parent"])
        ancestors, node = set(), parent
        parents = dict(zip(frame["id"], frame["parent"]))
        while isinstance(node, str) and node not in ancestors:
            ancestors.add(node)
            node = parents.get(node)
        if parent not in s.org_ids() or key_id in ancestors:
            s.bad(e, "set.parent", parent, "is not an organisation id, or would make a cycle "
                                          "of parents")
            return False
        return True

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        key_id, changes = checked["id"], checked["changes"]
        services = s.services_of(key_id)
        orgs = {key_id} | {str(changes["parent"])} if changes.get("parent") else {key_id}
        return Touched(s.pathways_at(services), set(services), orgs)


def _follow_in_version_2(s: State, e: ChangeEvent, gone: list, new_id: str | None) -> None:
    """Organisations that close (``new_id`` None) or merge into ``new_id``, followed through
    the version 2 references: a place's commissioner or council, a flow's responsible
    commissioner, a seat's members and an opportunity's ``decommission`` list."""
    for column in ("commissioner", "council"):
        places = s.t["places"]
        at = places[column].isin(gone)
        if at.any():
            places.loc[at, column] = new_id if new_id is not None else np.nan
            now = f"is now {new_id}" if new_id is not None else "is left empty"
            s.log.append((e.number, f"the {column} of {', '.join(places.loc[at, 'place'])} "
                                    f"{now}"))
    flows = s.t["flows"]
    at = flows["commissioner"].isin(gone)
    if at.any():
        flows.loc[at, "commissioner"] = new_id if new_id is not None else np.nan
    seats = s.t["seats"]
    if len(seats):
        def follow(members):
            ids = [m.strip() for m in str(members).split(";") if m.strip()]
            ids = [new_id if m in gone else m for m in ids if m not in gone or new_id]
            return ";".join(dict.fromkeys(ids))
        seats["members"] = seats["members"].map(follow)
    s.opportunities = [replace(o, decommission=_renamed(o.decommission, gone, new_id)
                               if new_id else tuple(i for i in o.decommission if i not in gone))
                       for o in s.opportunities]


def _check_merge_list(orgs: Any, number: int, bad: Report) -> None:
    """``merge_organisations.organisations`` must list two or more different organisation ids.

    Examples
    --------
    >>> found = []
    >>> _check_merge_list(["ACUTE", "ACUTE"], 1, lambda *a: found.append(a))
    >>> found[0][2]
    "names only 'ACUTE'; a merge needs two or more different organisations"
    """
    column = f"event {number} merge_organisations.organisations"
    if not isinstance(orgs, list) or not all(isinstance(o, (str, int, float))
                                             and not isinstance(o, bool) for o in orgs):
        bad(column, orgs, "should be a list of organisation ids, e.g. [ACUTE-A, ACUTE-B]")
        return
    different = list(dict.fromkeys(str(o) for o in orgs))
    if len(different) < 2:
        named = f"only {different[0]!r}" if different else "no organisation"
        bad(column, orgs, f"names {named}; a merge needs two or more different organisations")


def _merged_row(orgs: pd.DataFrame, merged: list, into: dict) -> dict:
    """The merged organisation's settings: ``into``, with the sector, place and parent the
    merged organisations share and their budgets summed, where ``into`` does not say."""
    old_rows = orgs[orgs["id"].isin(merged)]
    row = {k: v for k, v in into.items()}
    for column in ("sector", "place", "parent"):
        if column not in row and old_rows[column].nunique(dropna=False) == 1:
            value = old_rows[column].iloc[0]
            row[column] = None if pd.isna(value) else value
    if "budget" not in row and old_rows["budget"].notna().any():
        row["budget"] = float(old_rows["budget"].sum())
    return row


def _renamed(ids: tuple, merged: list, new_id: str) -> tuple:
    out = []
    for i in ids:
        i = new_id if i in merged else i
        if i not in out:
            out.append(i)
    return tuple(out)


def _merge_relationships(s: State, e: ChangeEvent, merged: list, new_id: str,
                         services_of: dict, payment: dict) -> pd.DataFrame:
    from netkit.change.events.contracts import keep_service_lines

    columns = list(s.t["relationships"].columns)
    rels, kept = keep_service_lines(s.t["relationships"].copy(), services_of, merged, new_id,
                                    set(payment))
    if "service" not in columns and rels["service"].notna().any():
        columns.append("service")
    s.log.extend((e.number, line) for line in kept)
    rels["source"] = rels["source"].where(~rels["source"].isin(merged), new_id)
    rels["target"] = rels["target"].where(~rels["target"].isin(merged), new_id)
    internal = rels["source"] == rels["target"]
    if internal.any():
        s.log.append((e.number, f"{_n(int(internal.sum()), 'relationship')} between the merged "
                                "organisations are now internal and dropped"))
    rels = rels[~internal]
    key = ["source", "target", "type", "_line"]
    rels = rels.assign(_line=blank_as_empty(rels["service"]))  # keep_service_lines adds it
    if not rels.duplicated(key, keep=False).any():
        return rels.reset_index(drop=True)[columns]
    rels = rels.assign(_order=np.arange(len(rels)), _value=rels["value"].fillna(-1.0))
    lead = (rels.sort_values(["_value", "_order"], ascending=[False, True], kind="mergesort")
            .drop_duplicates(key).set_index(key))
    combined = rels.groupby(key, sort=False)
    out = lead.copy()
    out["value"] = combined["value"].sum(min_count=1)
    out["strength"] = combined["strength"].max()
    out = _blend_payment(s, e, rels, out, payment, new_id)
    out = out.reset_index().sort_values("_order", kind="mergesort")
    return out.drop(columns=["_order", "_value"]).reset_index(drop=True)[columns]


def _blend_payment(s: State, e: ChangeEvent, rels: pd.DataFrame, out: pd.DataFrame,
                   payment: dict, new_id: str) -> pd.DataFrame:
    """Contracts combined into one tie: on the basis the merge's ``payment`` names for the
    organisation at their other end; else, where their bases differ (a merge of commissioners:
    a merge of providers keeps each basis per service line, `netkit.change.events.contracts`),
    one aligned payment and incentive (``api``) contract whose variable share is the
    value-weighted mix of theirs (activity 1, block 0, api its own). The log says so."""
    from netkit.finance.positions import variable_share
    from netkit.render.formats import fmt_money_rounded

    commissions = rels[(rels["type"] == "commissions") & (rels["_line"] == "")]
    if commissions.empty:
        return out
    if "variable_share" not in out:
        out["variable_share"] = np.nan
    weight = commissions["value"].fillna(0.0)
    mix = commissions.assign(_var=variable_share(commissions) * weight, _w=weight)
    for (source, target, kind), group in mix.groupby(["source", "target", "type"], sort=False):
        bases = sorted(set(group["payment"].dropna()))
        chosen = payment.get(str(target) if source == new_id else str(source))
        if len(group) < 2 or (len(bases) < 2 and chosen is None):
            continue
        at = (source, target, kind, "")
        if chosen in ("activity", "block"):
            out.loc[at, ["payment", "variable_share"]] = [chosen, np.nan]
            total = out.loc[at, "value"]
            worth = f" of {fmt_money_rounded(total)}" if pd.notna(total) else ""
            s.log.append((e.number, f"payment basis changes: {source}'s contracts with {target} "
                                    f"({', '.join(bases) or 'unstated'}) become one {chosen} "
                                    f"contract{worth}, as the merge's payment says"))
            continue
        share = float(group["_var"].sum() / group["_w"].sum()) if group["_w"].sum() > 0 else \
            float(variable_share(group).mean())
        out.loc[at, ["payment", "variable_share"]] = ["api", round(share, 4)]
        s.log.append((e.number, f"payment basis changes: {source}'s contracts with {target} "
                                f"({', '.join(bases)}) become one aligned payment and incentive "
                                f"contract, {share:.0%} variable (the value-weighted mix, so "
                                "each service line's money is kept)"))
    return out


def _check_payment(payment: Any, number: int, bad: Report) -> None:
    """``merge_organisations.payment`` maps organisation ids (the commissioner, or for a merger
    of commissioners the provider) to the payment basis of their one combined contract.

    Examples
    --------
    >>> found = []
    >>> _check_payment({"ICB": "blok"}, 1, lambda *a: found.append(a))
    >>> found[0][2]
    "is not a payment basis (expected 'activity', 'block' or 'api')"
    """
    from netkit.model.schema import PAYMENT_BASES

    column = f"event {number} merge_organisations.payment"
    if not isinstance(payment, dict):
        bad(column, payment, "should map organisation ids to a payment basis, e.g. "
                             "{ICB-RIV: block}")
        return
    for org, basis in payment.items():
        if basis not in PAYMENT_BASES:
            bad(f"{column}.{org}", basis,
                "is not a payment basis (expected 'activity', 'block' or 'api')")
