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
    events: list[dict] = []

    def ids(frame):
        return set(frame["id"])

    # pathways: added and updated
    for pid in sorted(ids(n["pathways"]) - ids(o["pathways"])):
        row = _row_dict(n["pathways"].set_index("id").loc[pid])
        events.append({"add_pathway": {"id": pid, **row}})
    for pid, changes in _changed_columns(o["pathways"], n["pathways"], "id").items():
        events.append({"update_pathway": {"id": pid, "set": changes}})
    # organisations: added (parents first), then updated
    added_orgs = ids(n["organisations"]) - ids(o["organisations"])
    orgs_new = n["organisations"].set_index("id")
    for oid in _parent_order(n["organisations"], sorted(added_orgs)):
        events.append({"add_organisation": {"id": oid, **_row_dict(orgs_new.loc[oid])}})
    for oid, changes in _changed_columns(o["organisations"], n["organisations"], "id").items():
        events.append({"update_organisation": {"id": oid, "set": changes}})
    # services: added, transferred, updated
    services_new = n["services"].set_index("id")
    for sid in sorted(ids(n["services"]) - ids(o["services"])):
        events.append({"add_service": {"id": sid, **_row_dict(services_new.loc[sid])}})
    for sid, changes in _changed_columns(o["services"], n["services"], "id").items():
        provider = changes.pop("provider", None)
        if provider is not None:
            events.append({"transfer_service": {"service": sid, "to": provider}})
        if changes:
            events.append({"update_service": {"id": sid, "set": changes}})
    # flows, keyed by (pathway, source, target, place)
    removed_services = ids(o["services"]) - ids(n["services"])
    removed_pathways = ids(o["pathways"]) - ids(n["pathways"])

    def keyed(frame):
        out = frame.assign(_place=blank_as_empty(frame["place"]))
        return out.set_index(["pathway", "source", "target", "_place"])["patients"]

    before, after = keyed(o["flows"]), keyed(n["flows"])
    joined = pd.concat([before.rename("old"), after.rename("new")], axis=1).sort_index()
    joined = joined[~((joined["old"] == joined["new"])
                      | (joined["old"].isna() & joined["new"].isna()))].reset_index()
    joined.columns = ["pathway", "source", "target", "place", "old", "new"]
    gone_with_service = (joined["new"].isna()
                         & (joined["source"].isin(removed_services)
                            | joined["target"].isin(removed_services)
                            | joined["pathway"].isin(removed_pathways)))
    for row in joined[~gone_with_service].to_dict("records"):  # only the flows that changed
        params = {k: row[k] for k in ("pathway", "source", "target")}
        if row["place"]:
            params["place"] = row["place"]
        if pd.isna(row["new"]):
            events.append({"remove_flow": params})
        else:
            events.append({"set_flow": {**params, "patients": float(row["new"])}})
    # relationships, compared as whole rows per (source, target, type)
    key = ["source", "target", "type"]
    removed_orgs = ids(o["organisations"]) - ids(n["organisations"])

    def rows_by_key(frame):
        columns = list(TABLES["relationships"].columns) + \
                  [c for c in frame.columns if c not in TABLES["relationships"].columns]
        out = {}
        for record in frame[columns].to_dict("records"):
            out.setdefault(tuple(record[k] for k in key), []).append(
                {k: _clean(v) for k, v in record.items() if _clean(v) is not None})
        return out

    rel_old, rel_new = rows_by_key(o["relationships"]), rows_by_key(n["relationships"])
    for k in sorted(set(rel_old) | set(rel_new)):
        if rel_old.get(k) == rel_new.get(k):
            continue
        if k in rel_old and not (k[0] in removed_orgs or k[1] in removed_orgs):
            events.append({"remove_relationship": dict(zip(key, k))})
        for record in rel_new.get(k, []):
            events.append({"add_relationship": record})
    # removals last
    for sid in sorted(removed_services):
        events.append({"remove_service": {"id": sid}})
    for oid in sorted(removed_orgs):
        events.append({"remove_organisation": {"id": oid, "services": "remove"}})
    for pid in sorted(removed_pathways):
        events.append({"remove_pathway": {"id": pid}})
    snapshot = new.meta.get("snapshot")
    return Changeset.of(events, date=snapshot if snapshot else None,
                        description=f"derived from {old.source} → {new.source}",
                        source=f"{old.source} → {new.source}")
