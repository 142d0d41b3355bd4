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
from netkit.model.system import system_flow_codes

__all__ = ["service_ends"]


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


def _build(system, scope) -> tuple | None:
    ids = pd.Index(np.append(scope.services["id"].to_numpy(dtype=object), HOME))
    if not ids.is_unique:
        return None
    flows = scope.flows
    coded = _from_system(system, scope, ids) if system is not None else None
    if coded is not None:
        return coded
    return ids.get_indexer(flows["source"]), ids.get_indexer(flows["target"])


def _from_system(system, scope, ids: pd.Index) -> tuple | None:
    """`service_ends` from the system's flow codes at the scope's ``flow_rows``; None where
    the scope has no rows, or its flows' ends are not the system's there (checked)."""
    rows = getattr(scope, "flow_rows", None)
    flows, every = scope.flows, getattr(system, "flows", None)
    if rows is None or every is None or len(rows) != len(flows) or not len(rows):
        return None
    index = every.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        return None
    n = len(every)
    rows = np.asarray(rows)
    if rows.dtype.kind not in "iu" or rows.min() < 0 or rows.max() >= n:
        return None
    ends, labels = system_flow_codes(system)[2:]  # the targets, then the sources
    labels = np.asarray(labels, dtype=object)
    at = ids.get_indexer(labels)
    out = []
    for column, codes in (("source", ends[n:]), ("target", ends[:n])):
        code = codes[rows]
        if code.min(initial=0) < 0:  # a missing end: as looked up by text
            return None
        if not np.array_equal(labels[code], flows[column].to_numpy(dtype=object)):
            return None
        out.append(at[code])
    return tuple(out)
