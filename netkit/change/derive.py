"""Derive the changes between two snapshots of a system, for teams that re-export their data
every quarter instead of writing changesets.

`diff_systems(old, new)` returns a `Changeset` that, applied to ``old``, gives ``new``'s tables.
It cannot tell a merge from a closure plus transfers, so it writes the latter: events are added
in an order that keeps every reference valid (new pathways, organisations and services first;
then transfers, updates, flows and relationships; removals last).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit._frames import blank_as_empty
from netkit.change.changeset import Changeset
from netkit.change.events import (
    AddOrganisation,
    AddPathway,
    AddRelationship,
    AddService,
    RemoveFlow,
    RemoveOrganisation,
    RemovePathway,
    RemoveRelationship,
    RemoveService,
    SetFlow,
    TransferService,
    UpdateOrganisation,
    UpdatePathway,
    UpdateService,
)
from netkit.model.schema import TABLES
from netkit.model.system import System

__all__ = ["diff_systems"]


def _clean(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _row_dict(row: pd.Series) -> dict:
    return {k: _clean(v) for k, v in row.items() if _clean(v) is not None}


def _changed_columns(old: pd.DataFrame, new: pd.DataFrame, key: str) -> dict:
    """For ids in both frames, the columns whose values differ: ``{id: {column: new value}}``."""
    common = sorted(set(old[key]) & set(new[key]))
    a = old.set_index(key).reindex(common)
    b = new.set_index(key).reindex(common)
    out: dict = {}
    for column in sorted(set(a.columns) | set(b.columns)):
        left = a[column] if column in a else pd.Series(np.nan, index=a.index)
        right = b[column] if column in b else pd.Series(np.nan, index=b.index)
        differ = ~((left == right) | (left.isna() & right.isna()))
        for i in right.index[differ.to_numpy()]:
            out.setdefault(i, {})[column] = _clean(right[i])
    return out


def _parent_order(frame: pd.DataFrame, ids: list) -> list:
    """New organisations with new parents after those parents."""
    parent = frame.set_index("id")["parent"]
    done, out = set(), []

    def visit(i, depth=0):
        if i in done or depth > len(ids):
            return
        p = parent.get(i)
        if isinstance(p, str) and p in ids:
            visit(p, depth + 1)
        done.add(i)
        out.append(i)

    for i in sorted(ids):
        visit(i)
    return out


def diff_systems(old: System, new: System) -> Changeset:
    """The changes that turn ``old`` into ``new``, as a changeset.

    Examples
    --------
    >>> import netkit
    >>> from netkit.change.changeset import Changeset
    >>> old = netkit.load_system(netkit.sample_path("tiny"))
    >>> new = netkit.apply_changes(old, Changeset.of([
    ...     {"transfer_service": {"service": "UCR", "to": "ACUTE"}},
    ...     {"scale_flows": {"pathway": "falls", "factor": 2}}])).system
    >>> [e.describe() for e in diff_systems(old, new).events]
    ['transfer_service UCR to ACUTE', 'set_flow falls: @home → GPS = 600.0', 'set_flow falls: GPS → @home = 360.0', 'set_flow falls: GPS → UCR = 240.0', 'set_flow falls: UCR → @home = 240.0']
    """
    o, n = old.tables(), new.tables()
    gone = {table: _ids(o[table]) - _ids(n[table])
            for table in ("pathways", "organisations", "services")}
    # in an order that keeps every reference valid: what is new first, removals last
    events = (_pathway_events(o, n) + _organisation_events(o, n) + _service_events(o, n)
              + _flow_events(o, n, gone) + _relationship_events(o, n, gone)
              + _removal_events(gone))
    snapshot = new.meta.get("snapshot")
    return Changeset.of(events, date=snapshot if snapshot else None,
                        description=f"derived from {old.source} → {new.source}",
                        source=f"{old.source} → {new.source}")


def _ids(frame: pd.DataFrame) -> set:
    return set(frame["id"])


def _pathway_events(o: dict, n: dict) -> list[dict]:
    """Pathways added and updated."""
    events = []
    for pid in sorted(_ids(n["pathways"]) - _ids(o["pathways"])):
        row = _row_dict(n["pathways"].set_index("id").loc[pid])
        events.append(AddPathway.change({"id": pid, **row}))
    for pid, changes in _changed_columns(o["pathways"], n["pathways"], "id").items():
        events.append(UpdatePathway.change({"id": pid, "set": changes}))
    return events


def _organisation_events(o: dict, n: dict) -> list[dict]:
    """Organisations added (parents first), then updated."""
    events = []
    added_orgs = _ids(n["organisations"]) - _ids(o["organisations"])
    orgs_new = n["organisations"].set_index("id")
    for oid in _parent_order(n["organisations"], sorted(added_orgs)):
        events.append(AddOrganisation.change({"id": oid, **_row_dict(orgs_new.loc[oid])}))
    for oid, changes in _changed_columns(o["organisations"], n["organisations"], "id").items():
        events.append(UpdateOrganisation.change({"id": oid, "set": changes}))
    return events


def _service_events(o: dict, n: dict) -> list[dict]:
    """Services added, transferred (a new provider), updated."""
    events = []
    services_new = n["services"].set_index("id")
    for sid in sorted(_ids(n["services"]) - _ids(o["services"])):
        events.append(AddService.change({"id": sid, **_row_dict(services_new.loc[sid])}))
    for sid, changes in _changed_columns(o["services"], n["services"], "id").items():
        provider = changes.pop("provider", None)
        if provider is not None:
            events.append(TransferService.change({"service": sid, "to": provider}))
        if changes:
            events.append(UpdateService.change({"id": sid, "set": changes}))
    return events


def _flow_events(o: dict, n: dict, gone: dict) -> list[dict]:
    """Flows set or removed, keyed by (pathway, source, target, place); a flow that goes with
    its service or pathway is left to that removal."""

    def keyed(frame):
        out = frame.assign(_place=blank_as_empty(frame["place"]))
        return out.set_index(["pathway", "source", "target", "_place"])["patients"]

    before, after = keyed(o["flows"]), keyed(n["flows"])
    joined = pd.concat([before.rename("old"), after.rename("new")], axis=1).sort_index()
    joined = joined[~((joined["old"] == joined["new"])
                      | (joined["old"].isna() & joined["new"].isna()))].reset_index()
    joined.columns = ["pathway", "source", "target", "place", "old", "new"]
    gone_with_service = (joined["new"].isna()
                         & (joined["source"].isin(gone["services"])
                            | joined["target"].isin(gone["services"])
                            | joined["pathway"].isin(gone["pathways"])))
    events = []
    for row in joined[~gone_with_service].to_dict("records"):  # only the flows that changed
        params = {k: row[k] for k in ("pathway", "source", "target")}
        if row["place"]:
            params["place"] = row["place"]
        if pd.isna(row["new"]):
            events.append(RemoveFlow.change(params))
        else:
            events.append(SetFlow.change({**params, "patients": float(row["new"])}))
    return events


def _relationship_events(o: dict, n: dict, gone: dict) -> list[dict]:
    """Relationships, compared as whole rows per (source, target, type); a tie of an
    organisation that closes is left to that removal."""
    key = ["source", "target", "type"]

    def rows_by_key(frame):
        columns = list(TABLES["relationships"].columns) + \
                  [c for c in frame.columns if c not in TABLES["relationships"].columns]
        out = {}
        for record in frame[columns].to_dict("records"):
            out.setdefault(tuple(record[k] for k in key), []).append(
                {k: _clean(v) for k, v in record.items() if _clean(v) is not None})
        return out

    rel_old, rel_new = rows_by_key(o["relationships"]), rows_by_key(n["relationships"])
    events = []
    for k in sorted(set(rel_old) | set(rel_new)):
        if rel_old.get(k) == rel_new.get(k):
            continue
        if k in rel_old and not (k[0] in gone["organisations"] or k[1] in gone["organisations"]):
            events.append(RemoveRelationship.change(dict(zip(key, k))))
        for record in rel_new.get(k, []):
            events.append(AddRelationship.change(record))
    return events


def _removal_events(gone: dict) -> list[dict]:
    """Services, organisations and pathways that are gone (last: nothing refers to them by
    then)."""
    return ([RemoveService.change({"id": sid}) for sid in sorted(gone["services"])]
            + [RemoveOrganisation.change({"id": oid, "services": "remove"})
               for oid in sorted(gone["organisations"])]
            + [RemovePathway.change({"id": pid}) for pid in sorted(gone["pathways"])])
