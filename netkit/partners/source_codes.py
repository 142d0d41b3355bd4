"""The ids the partner sources compare (organisations, contracts' ends, services and their
providers) as integer codes, worked out once per system, and the scope's as lookups in them.

`netkit.partners.sources.partner_sources` asks, for every candidate, which contracts it holds
with in-scope providers, which services those providers run and which organisations' rows
are its own or its members'. Asked of the text (``isin``, merges and index lookups of 50,000
ids a query) that took a tenth of a second nationally; here each id is a code, found by one
dictionary lookup (a third of the time of pandas' hashing of the same strings), and the
questions are lookups in arrays indexed by code. Equal ids, equal codes: a repeated id is
one code, as the text comparisons treated it.
"""

from __future__ import annotations

from itertools import repeat

import numpy as np
import pandas as pd

from netkit.model.system import System, kept

__all__ = ["system_codes", "lookup", "join_codes"]


def system_codes(system: System) -> dict:
    """The system's ids as codes, worked out once per system (read only).

    ``org``: each organisation row's id, ``source``, ``target`` and ``row``: the
    ``commissions`` relationships' ends and input rows, ``provider``: each service row's
    provider, all codes of one numbering (``code_of``: id → code; ``size`` of them; -1:
    missing); ``service``: each service row's id as a code of ``service_code_of``.

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> codes = system_codes(tiny)
    >>> bool((codes["org"] >= 0).all()), codes["size"] == len(codes["code_of"])
    (True, True)
    """
    return kept(system, ("sources", "codes"), _system_codes)


def _system_codes(system: System) -> dict:
    orgs, rels, services = system.organisations, system.relationships, system.services
    rel_rows = system.input_rows.get("relationships", ("", np.zeros(len(rels), "int64")))[1]
    mine = (rels["type"] == "commissions").to_numpy()
    parts = [orgs["id"].to_numpy(dtype=object), rels["source"].to_numpy(dtype=object)[mine],
             rels["target"].to_numpy(dtype=object)[mine],
             services["provider"].to_numpy(dtype=object)]
    codes, labels = pd.factorize(np.concatenate(parts))
    ends = np.cumsum([0] + [len(p) for p in parts])
    org, source, target, provider = (codes[a:b].astype(np.int64)
                                     for a, b in zip(ends[:-1], ends[1:]))
    service, service_ids = pd.factorize(services["id"].to_numpy(dtype=object))
    return {"org": org, "source": source, "target": target, "provider": provider,
            "row": rel_rows[rels.index.to_numpy()[mine]], "size": len(labels),
            "code_of": dict(zip(labels.tolist(), range(len(labels)))),
            "service": service.astype(np.int64),
            "service_code_of": dict(zip(service_ids.tolist(), range(len(service_ids)))),
            "services": len(service_ids)}


def lookup(code_of: dict, values) -> np.ndarray:
    """The codes of ``values`` (a list) in ``code_of``, -1 for one not there.

    Examples
    --------
    >>> lookup({"a": 0, "b": 1}, ["b", "z", "a"]).tolist()
    [1, -1, 0]
    """
    return np.fromiter(map(code_of.get, values, repeat(-1)), dtype=np.int64, count=len(values))


def join_codes(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)`` of every pair with ``left[i] == right[j]`` (codes from -1; -1
    pairs with -1, as missing values pair in a merge), ``i`` ascending and ``j`` in order
    within each ``i``.

    Examples
    --------
    >>> i, j = join_codes(np.array([2, 0, 5]), np.array([0, 2, 2, -1]))
    >>> i.tolist(), j.tolist()
    ([0, 0, 1], [1, 2, 0])
    """
    left, right = np.asarray(left, dtype=np.int64) + 1, np.asarray(right, dtype=np.int64) + 1
    size = int(max(left.max(initial=0), right.max(initial=0))) + 1
    order = np.argsort(right, kind="stable")
    counts = np.bincount(right, minlength=size)
    first = np.cumsum(counts) - counts
    many = counts[left]
    i = np.repeat(np.arange(len(left)), many)
    step = np.arange(int(many.sum())) - np.repeat(np.cumsum(many) - many, many)
    return i, order[np.repeat(first[left], many) + step]
