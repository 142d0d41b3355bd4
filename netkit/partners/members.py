"""Each candidate's members (`netkit.partners.scope.Scope.members`), grouped on codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["members_of"]


def members_of(ids: np.ndarray, candidate: np.ndarray, ordered: bool = False
               ) -> dict[str, list[str]]:
    """Candidate → the organisations it stands for other than itself (``ids`` whose
    ``candidate`` differs), candidates and members sorted; text only.

    Examples
    --------
    >>> members_of(np.array(["GP1", "GP2", "PCN1", "X"], dtype=object),
    ...            np.array(["PCN1", "PCN1", "PCN1", "X"], dtype=object))
    {'PCN1': ['GP1', 'GP2']}
    """
    grouped = grouped_members(ids, candidate, ordered)
    if grouped is not None:
        return grouped
    out: dict = {}
    for c, o in sorted((c, o) for o, c in zip(ids.tolist(), candidate.tolist())
                       if isinstance(c, str) and isinstance(o, str) and o != c):
        out.setdefault(c, []).append(o)
    return out


def grouped_members(ids: np.ndarray, candidate: np.ndarray, ordered: bool) -> dict | None:
    """`Scope.members` where ``ids`` and ``candidate`` are all text and the ids in sorted
    order (``ordered``: known so, as `find_scope` sorts the organisations; else checked): the
    members grouped by a stable sort of the candidates' codes (sorting ~48,000 pairs of names
    took 0.02 s nationally); None where they are not so."""
    if (pd.api.types.infer_dtype(ids, skipna=False) != "string"
            or pd.api.types.infer_dtype(candidate, skipna=False) not in ("string", "empty")
            or not (ordered or pd.Index(ids).is_monotonic_increasing)):
        return None
    member = ids != candidate
    codes, names = pd.factorize(candidate[member], sort=True)
    order = np.argsort(codes, kind="stable")  # the ids stay sorted within a candidate
    codes = codes[order]
    members = ids[member][order].tolist()
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else codes
    ends = np.r_[starts[1:], len(codes)].tolist()
    return {c: members[s:e] for c, s, e in zip(np.asarray(names, dtype=object)[codes[starts]]
                                               .tolist(), starts.tolist(), ends)}
