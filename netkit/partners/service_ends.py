"""The scope's flows' ends as positions among the scope's services, worked out once per scope.

The criteria (handoffs between candidates) and the verdict (transfers inside the largest
candidates) both need, for every in-scope flow, which in-scope service it leaves and which it
reaches. Looking up the ends' text in an index took 0.06-0.13 s a lookup nationally; where
the scope knows its flows' rows in the system (``flow_rows``, as `find_scope` gives them), the
ends are the system's flow codes (`netkit.model.system.system_flow_codes`, kept per system)
at those rows, and only the system's distinct services are looked up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.model.schema import HOME
from netkit.model.system import kept, system_flow_codes

__all__ = ["service_ends", "system_flows"]


def service_ends(scope, system=None) -> tuple | None:
    """``(source, target)``: each of ``scope.flows``' ends as its position among the scope's
    service ids followed by ``@home`` (``@home`` at ``len(scope.services)``; a service not in
    scope as -1), or None where those ids repeat (or one is ``@home``). Worked out once per
    scope (`netkit.partners.scope.Scope.kept`, under no system: the positions are the
    scope's own, the system only a faster way to them); read the arrays only.

    Examples
    --------
    >>> import netkit
    >>> from netkit.partners.scope import find_scope
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> scope = find_scope(tiny, tiny.opportunity("falls"))
    >>> source, target = service_ends(scope, tiny)
    >>> ids = scope.services["id"].tolist() + ["@home"]
    >>> [ids[i] for i in source] == scope.flows["source"].tolist()
    True
    """
    if not hasattr(scope, "kept"):
        return _build(system, scope)
    return scope.kept(None, "service ends", lambda _, s: _build(system, s))


def system_flows(scope, system) -> bool:
    """Whether ``scope``'s flows are known to be ``system``'s flows at its ``flow_rows``, and
    its ``pathway_flows`` the system's flows at their rows, ends unchanged (`find_scope` says
    so, for the system it found the scope in): the ends then need no comparing by text
    (comparing ~300,000 ends a column took 0.01-0.02 s nationally)."""
    kept = getattr(scope, "kept", None)
    return bool(kept is not None and system is not None
                and kept(system, "system flows", lambda *_: False))


def _build(system, scope) -> tuple | None:
    coded = _from_system(system, scope) if system is not None else None
    if coded is not None:
        return coded
    ids = pd.Index(np.append(scope.services["id"].to_numpy(dtype=object), HOME))
    if not ids.is_unique:
        return None
    flows = scope.flows
    return ids.get_indexer(flows["source"]), ids.get_indexer(flows["target"])


def _from_system(system, scope) -> tuple | None:
    """`service_ends` from the system's flow codes at the scope's ``flow_rows``; None where
    the scope has no flow rows, or its flows' ends are not the system's there (checked), or
    a service id repeats or is not the system's."""
    rows = getattr(scope, "flow_rows", None)
    flows, every, services = scope.flows, getattr(system, "flows", None), scope.services
    if rows is None or every is None or len(rows) != len(flows) or not len(rows):
        return None
    n = len(every)
    rows = np.asarray(rows)
    if not _positions(every.index, rows):
        return None
    known = kept(system, ("partners", "flow ends' services"), _end_services)
    if known is None:
        return None
    ids, at = known
    m = len(ids)
    # the scope's services among the system's: their ids looked up in the system's index,
    # whose table is built once per system
    mine = ids.get_indexer(services["id"].to_numpy(dtype=object))
    if len(mine) and (mine.min() < 0 or np.bincount(mine, minlength=m).max() > 1):
        return None  # a service not the system's, or one twice in scope
    place = np.full(m + 2, -1, dtype=np.intp)  # a system service's position in scope, or -1
    place[mine] = np.arange(len(mine))
    place[m] = len(mine)  # @home
    ends, labels = system_flow_codes(system)[2:]  # the targets, then the sources
    checked = system_flows(scope, system)  # found so: the ends not compared again
    labels = np.asarray(labels, dtype=object)
    out = []
    for column, codes in (("source", ends[n:]), ("target", ends[:n])):
        code = codes[rows]
        if code.min(initial=0) < 0:  # a missing end: as looked up by text
            return None
        if not (checked or np.array_equal(labels[code], flows[column].to_numpy(dtype=object))):
            return None
        out.append(place[at[code]])
    return tuple(out)


def _positions(index: pd.Index, rows: np.ndarray) -> bool:
    """Whether ``index`` numbers its rows 0, 1, ... and ``rows`` (integers) are among them."""
    return (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            and rows.dtype.kind in "iu"
            and (not len(rows) or (int(rows.min()) >= 0 and int(rows.max()) < len(index))))


def _end_services(system) -> tuple | None:
    """The system's service ids (an Index), and for each of the system's flow end codes'
    labels (`system_flow_codes`) its row among them (``@home``: one past the last; not a
    service: -1), once per system; None where service ids repeat or one is ``@home``."""
    from netkit.partners.coded import end_tables  # each end's service row, kept per system

    ids = pd.Index(system.services["id"].to_numpy(dtype=object))
    if not ids.is_unique or HOME in ids:
        return None
    tables = end_tables(system)
    at = tables["service"].copy()
    at[tables["labels"] == HOME] = len(ids)
    return ids, at
