"""The system's input flows behind a partner query's scope flows, found on integer codes kept
per system: which flows each scope flow stands for (`scope_flow_positions`) and the scope flows'
ends as service codes (`scope_flow_ends`), for the reasons' input rows
(`netkit.partners.sources`) and their contact kinds (`netkit.partners.reasons.contact_kinds`).
"""

from __future__ import annotations

from itertools import repeat

import numpy as np
import pandas as pd

from netkit._frames import joint_codes
from netkit.model.system import System, kept, system_flow_codes
from netkit.partners.scope import Scope

__all__ = ["scope_flow_positions", "scope_flow_ends", "service_ends", "end_index", "positions"]


def scope_flow_positions(system: System, scope: Scope, rows: np.ndarray) -> np.ndarray:
    """Where, among the system's flows, are the input flows behind the scope's flows: matched
    on pathway, source, target and place, and, for a scope flow with a place, every input flow
    of its pathway, source and target; the exact matches first, each input row once (its
    first). Where the scope knows its flows' rows (``flow_rows``, as `find_scope` gives them;
    it never changes a flow's place) the keys are looked up there; else the scope's flows are
    matched by value. Positions, not a frame: the sources read the flows' codes kept per
    system (taking the flows and making their places text took 40 ms a query nationally)."""
    from netkit.partners.scope import _pathway_codes

    flows = system.flows
    # the scope's pathways as a lookup of the flows' pathway codes (kept per system): a text
    # isin over every flow of the system, and a frame of all their flows, took 10 ms a query
    codes, code_of = kept(system, ("partners", "pathway codes"), _pathway_codes)
    wanted = np.zeros(len(code_of) + 1, dtype=bool)  # the last slot: flows with no pathway
    wanted[[code_of[p] for p in scope.pathways if p in code_of]] = True
    at = _scope_positions(system, scope)  # among all the system's flows
    if at is None or not wanted[codes[at]].all():
        on_pathways = wanted[codes]
        return np.flatnonzero(on_pathways)[_matched_flow_rows(flows[on_pathways], scope, rows)]
    # the scope's flows are rows of the system's: their keys are there, and the merges are
    # lookups of integer keys (merging on text took 2-4 s nationally). A key holds the
    # pathway, so a flow matching one of theirs is on their pathways: asked of every flow,
    # not of those on the pathways picked out first (10 ms nationally)
    loose, exact, has_place = kept(system, ("sources", "flow keys"), _flow_keys)
    placed = at[has_place[at]]
    # the keys are numbered 0, 1, ...: "is one of these keys" is a lookup in a boolean
    # array (np.isin sorted them: a third of a second nationally)
    exact, loose = _among(exact, exact[at]), _among(loose, loose[placed])
    # the exact matches, then the loose ones, each input row once (its first): as positions,
    # not by concatenating frames and dropping duplicates (a tenth of a second nationally);
    # a flow matched both ways once (its exact match first), where each flow has its own
    # row (as read from files; checked), not by a sort of their rows (20 ms nationally)
    chosen = np.concatenate([np.flatnonzero(exact), np.flatnonzero(loose & ~exact)])
    row = rows[flows.index.to_numpy()[chosen]]
    if len(row) and (row.dtype.kind not in "iu" or row.min() < 0
                     or np.bincount(row).max() > 1):
        chosen = np.concatenate([np.flatnonzero(exact), np.flatnonzero(loose)])
        row = rows[flows.index.to_numpy()[chosen]]
        return chosen[np.sort(np.unique(row, return_index=True)[1])]
    return chosen


def _among(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Whether each of ``keys`` (integers from 0) is one of ``wanted``."""
    hit = np.zeros(int(max(keys.max(initial=-1), wanted.max(initial=-1))) + 1, dtype=bool)
    hit[wanted] = True
    return hit[keys]


def _matched_flow_rows(flows: pd.DataFrame, scope: Scope, rows: np.ndarray) -> np.ndarray:
    """`scope_flow_positions` where the scope does not know its flows' rows: positions among
    ``flows`` (the system's on the scope's pathways) matched with the scope's by value."""
    keyed = flows[["pathway", "source", "target", "place", "patients"]].assign(
        row=rows[flows.index.to_numpy()], place=flows["place"].fillna("").astype(str))
    wanted = scope.flows[["pathway", "source", "target"]].assign(
        place=scope.flows["place"].fillna("").astype(str)).drop_duplicates()
    keys = ["pathway", "source", "target", "place"]
    have, want = _joint_keys(keyed, wanted, keys)
    exact = np.isin(have, want)
    have, want = _joint_keys(keyed, wanted[(wanted["place"] != "").to_numpy()], keys[:3])
    loose = np.isin(have, want)
    chosen = np.concatenate([np.flatnonzero(exact), np.flatnonzero(loose)])
    first = np.unique(keyed["row"].to_numpy()[chosen], return_index=True)[1]
    return chosen[np.sort(first)]


def _flow_keys(system: System) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One integer per flow for its pathway, source and target, one for those and its place
    (equal values, equal integers, from 0; a missing place is ``""``, as in `_keys`), and
    whether it has a place (not missing, nor ``""`` as text), once per system, from the flows' pathway and end
    codes (`system_flow_codes`, shared with the scope and the money) and one factorisation
    of their places; the keys numbered by one sort (factorising a million keys twice took
    0.1-0.2 s a system nationally; the numbering matters not, only which keys are equal)."""
    from netkit.partners.scope import _pathway_codes

    flows = system.flows
    pathway, code_of = kept(system, ("partners", "pathway codes"), _pathway_codes)
    ends, services = system_flow_codes(system)[2:]  # the targets, then the sources
    target, source = ends[:len(flows)], ends[len(flows):]
    place, places = pd.factorize(flows["place"])
    # the places as text, a missing one as "" (code -1: the last): equal texts, one code
    text = np.append(pd.Series(np.asarray(places, dtype=object), dtype=object).astype(str)
                     .to_numpy(dtype=object), "")
    has_place = (text != "")[place]  # (asked of every flow's place: 40 ms a system)
    place = pd.factorize(text)[0][place]
    sizes = (len(code_of) + 1, len(services) + 1, len(services) + 1, len(text))
    if float(np.prod(np.array(sizes, dtype=float))) >= 2.0 ** 62:  # too many to number so
        return _keys(flows[["pathway", "source", "target"]].assign(
            place=flows["place"].fillna("").astype(str)),
            ["pathway", "source", "target", "place"]) + (has_place,)
    loose = ((pathway.astype(np.int64) * sizes[1] + (source + 1)) * sizes[2] + (target + 1))
    return _numbered(loose * sizes[3] + place, sizes[3]) + (has_place,)


def _numbered(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``key // size`` and ``key`` numbered 0, 1, ... (equal keys, equal numbers), by one
    sort.

    Examples
    --------
    >>> [k.tolist() for k in _numbered(np.array([31, 12, 30, 31, 11]), 10)]
    [[1, 0, 1, 1, 0], [3, 1, 2, 3, 0]]
    """
    order = np.argsort(key)
    ordered = key[order]
    out = []
    for sorted_key in (ordered // size, ordered):
        number = np.empty(len(key), dtype=np.int64)
        number[order] = np.cumsum(np.r_[False, sorted_key[1:] != sorted_key[:-1]])
        out.append(number)
    return tuple(out)


def positions(flows: pd.DataFrame, scope: Scope, known: bool = False) -> np.ndarray | None:
    """Where the scope's flows are among ``flows`` (system flows), by its ``flow_rows``; None
    where it has none, or they are not these flows (a scope cut down or from another system).
    ``known``: the scope's flows are known to be these flows at those rows, ends unchanged
    (`netkit.partners.service_ends.system_flows`), so their ends are not compared as text
    (two columns of England's 300,000: 0.012 s a query)."""
    rows = getattr(scope, "flow_rows", None)
    if rows is None or len(rows) != len(scope.flows) or not len(rows):
        return None
    at = flows.index.get_indexer(rows)
    if at.min() < 0:
        return None
    if known:
        return at
    same = all(np.array_equal(flows[c].take(at).to_numpy(dtype=object),
                              scope.flows[c].to_numpy(dtype=object)) for c in ("source", "target"))
    return at if same else None


def _scope_positions(system: System, scope: Scope) -> np.ndarray | None:
    """`positions` of the scope's flows among the system's, worked out once per scope (the
    sources and the reasons' contact kinds both read them)."""
    if not hasattr(scope, "kept"):  # a stand-in with the tables only
        return positions(system.flows, scope)
    from netkit.partners.service_ends import system_flows

    return scope.kept(system, "sources: flow positions",
                      lambda s, sc: positions(s.flows, sc, system_flows(sc, s)))


def scope_flow_ends(system: System, scope: Scope) -> tuple | None:
    """``(codes, at, count)``: the scope's flows' targets then sources as codes of the services
    the system's flows name (-1: none; `end_index`), each of the scope's services' code (-1: no
    flow names it; `service_ends`) and how many codes there are, read from the flows' codes
    kept per system (`system_flow_codes`); None where the scope's flows are not the system's
    (`positions`)."""
    at = _scope_positions(system, scope)
    if at is None:
        return None
    ends = system_flow_codes(system)[2]
    return (np.concatenate([ends[at], ends[len(system.flows) + at]]),
            service_ends(system, scope), len(system_flow_codes(system)[3]))


def service_ends(system: System, scope: Scope) -> np.ndarray:
    """Each of the scope's services' code among the services the system's flows name
    (`end_index`; -1: none), worked out once per scope (the sources and the contact kinds
    both look them up)."""
    def build(system, scope):  # a dict lookup each (pandas hashed them: 8 ms nationally)
        from netkit.partners.coded import end_tables

        code_of = end_tables(system)["code_of"]
        return np.fromiter(map(code_of.get, scope.services["id"].tolist(), repeat(-1)),
                           dtype=np.intp, count=len(scope.services))

    if not hasattr(scope, "kept"):  # a stand-in with the tables only
        return build(system, scope)
    return scope.kept(system, "sources: service ends", build)


def _keys(frame: pd.DataFrame, columns: list) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row for its values in all ``columns`` but the last, and one for all
    of them (equal values, equal integers)."""
    before = (joint_codes([frame[c] for c in columns[:-1]]) if len(columns) > 1
              else np.zeros(len(frame), dtype=np.int64))
    return before, joint_codes([before, frame[columns[-1]]])


def _joint_keys(left: pd.DataFrame, right: pd.DataFrame, columns: list) -> tuple:
    """One integer per row of each frame standing for its values in ``columns`` (equal
    values, equal integers across the two frames)."""
    key = _keys(pd.concat([left[columns], right[columns]], ignore_index=True), columns)[1]
    return key[:len(left)], key[len(left):]


def end_index(system: System) -> pd.Index:
    """The services the system's flows name (`system_flow_codes`), as an index (kept per
    system)."""
    return kept(system, ("sources", "end index"),
                lambda s: pd.Index(np.asarray(system_flow_codes(s)[3], dtype=object)))
