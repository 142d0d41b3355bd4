"""Some of a system's flows as integer codes against system-wide tables, for the scope's steps.

The scope's flows are rows of the system's flows; their ends, pathways and places are coded
once per system (`netkit.model.system.system_flow_codes` and `end_tables`), so that the scope's
joins and group sums run on integer arrays rather than hashing the same text again in each
step (`pandas.factorize`, ``isin`` and ``map`` on text took most of the scope's second).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.model.schema import HOME
from netkit.model.system import System, kept, system_flow_codes

__all__ = ["FlowCodes", "end_tables"]


def end_tables(system: System) -> dict:
    """System-wide tables by end code (the codes of `system_flow_codes`), worked out once per
    system (read only): ``labels`` (each end's name), ``home`` (the code of ``@home``, or -2),
    ``place`` (each end's service's place, its own else its provider's; NaN where none, and
    one slot more, NaN, for code -1), ``places`` (every place a flow or a service names,
    sorted), ``own`` (each system flow's place as a code in ``places``: its own, else its
    source's, else its target's; -1 where none) and ``service`` (each end's position in
    ``system.services``, -1 where none), ``code_of_service`` (each service's end code, -1
    where no flow names it), ``code_of`` (end name → code) and ``sorted`` (the end codes in
    order of their names)."""
    return kept(system, ("partners", "end tables"), _end_tables)


def _end_tables(system: System) -> dict:
    from netkit.partners.residents import _service_places

    _, _, ends, labels = system_flow_codes(system)
    labels = np.asarray(labels, dtype=object)
    code_of = pd.Index(labels)
    home = code_of.get_indexer([HOME])[0]
    place = np.append(_service_places(system).reindex(labels).to_numpy(dtype=object), np.nan)
    flows = system.flows
    n = len(flows)
    # each flow's own place, else its source's, else its target's, as codes: the flows' own
    # places factorised once and the ends' places looked up per end (the places of a million
    # flows as text, checked and looked up one by one, took 0.2 s a system)
    own, own_names = pd.factorize(flows["place"].to_numpy(dtype=object))
    places = np.sort(pd.unique(np.concatenate([np.asarray(own_names, dtype=object),
                                               place[~pd.isna(place)]])))
    index = pd.Index(places)
    end_code = np.where(pd.isna(place), -1, index.get_indexer(np.where(pd.isna(place), None,
                                                                       place)))
    own_code = np.where(own >= 0, index.get_indexer(own_names)[np.maximum(own, 0)]
                        if len(own_names) else -1, -1).astype(np.int64)
    own_code = np.where(own_code < 0, end_code[ends[n:]], own_code)
    own_code = np.where(own_code < 0, end_code[ends[:n]], own_code)
    service = pd.Index(system.services["id"].to_numpy(dtype=object)).get_indexer(labels)
    code_of_service = np.full(len(system.services), -1, dtype=np.int64)
    code_of_service[service[service >= 0]] = np.flatnonzero(service >= 0)
    return {"labels": labels, "home": home if home >= 0 else -2, "place": place,
            "places": places, "own": own_code, "service": service,
            "code_of_service": code_of_service, "index": code_of,
            "code_of": dict(zip(labels.tolist(), range(len(labels)))),
            "sorted": np.argsort(labels, kind="stable")}


class FlowCodes:
    """Some of the system's flows (their positions ``rows`` in ``system.flows``) as codes:
    ``source``, ``target`` (end codes), ``pathway`` (pathway codes) and ``own`` (place codes,
    `end_tables`)."""

    def __init__(self, system: System, rows: np.ndarray):
        pathway, _, ends, _ = system_flow_codes(system)
        tables = end_tables(system)
        n = len(system.flows)
        rows = np.asarray(rows, dtype=np.int64)
        self.tables = tables
        self.rows = rows
        self.target = ends[rows]
        self.source = ends[n + rows]
        self.pathway = pathway[rows]
        self.own = tables["own"][rows]

    def subset(self, keep: np.ndarray) -> "FlowCodes":
        """The codes of some of these flows (a boolean mask or positions)."""
        out = object.__new__(FlowCodes)
        out.tables = self.tables
        for name in ("rows", "target", "source", "pathway", "own"):
            setattr(out, name, getattr(self, name)[keep])
        return out

    def mask(self, names) -> np.ndarray:
        """True at the end codes of ``names`` (one slot more, for code -1)."""
        at = self.tables["index"].get_indexer(list(names))
        out = np.zeros(len(self.tables["labels"]) + 1, dtype=bool)
        out[at[at >= 0]] = True
        return out
