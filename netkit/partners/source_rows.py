"""The input rows found behind the candidates' figures, grouped once: by candidate and figure
(a mapping whose per-candidate dicts are made when asked for) and by candidate and file.

Each ``(candidate, file, row, slot)`` found is one int64 whose bits hold the four, sorted
once: a candidate's rows behind all its figures are runs of it, file by file, and those
behind one figure (a slot: figure and table) a mask of the candidate's block, made only for
the candidates whose reasons are written (sorting again by candidate and figure, and making
every candidate's dicts, took half the grouping's time nationally).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["group_rows", "distinct"]


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct ``values`` in ascending order (as `np.unique` gives them).

    Examples
    --------
    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _starts(group: np.ndarray) -> np.ndarray:
    """Where each run of equal (sorted) ``group`` starts."""
    return np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group


def group_rows(names, parts: list, slots: list, file_order: tuple) -> tuple[Mapping, dict]:
    """``(rows, whole)``: ``{candidate: {figure: {table: rows}}}`` and ``{candidate:
    [(table, rows), ...]}`` (tables in ``file_order``; others left out), each ``rows`` the
    distinct input rows ascending (int64), from ``parts``: ``(candidate codes into names,
    rows, slot)`` with ``slots`` the ``(figure, table)`` of each slot.

    Examples
    --------
    >>> rows, whole = group_rows(np.array(["A", "B"], dtype=object),
    ...                          [(np.array([0, 0, 1]), np.array([7, 5, 7]), 0),
    ...                           (np.array([0, 0]), np.array([5, 2]), 1)],
    ...                          [("activity", "flows"), ("handoffs", "flows")], ("flows",))
    >>> {f: r["flows"].tolist() for f, r in rows["A"].items()}
    {'activity': [5, 7], 'handoffs': [2, 5]}
    >>> [(t, r.tolist()) for t, r in whole["A"]], sorted(rows)
    ([('flows', [2, 5, 7])], ['A', 'B'])
    """
    file_of = np.array([file_order.index(t) if t in file_order else len(file_order)
                        for _, t in slots], dtype=np.int64)  # the last: no file
    cand = np.concatenate([c for c, _, _ in parts]).astype(np.int64)
    rows = np.concatenate([r for _, r, _ in parts]).astype(np.int64)
    slot = np.concatenate([np.full(len(c), s, dtype=np.int64) for c, _, s in parts])
    rb, sb = max(int(rows.max(initial=0)).bit_length(), 1), max(len(slots).bit_length(), 1)
    fb = max((len(file_order) + 1).bit_length(), 1)
    # one sort by candidate, file, row and slot: each candidate's rows behind all its
    # figures are runs of it, those behind one figure a mask of its block
    key = distinct((cand << (fb + rb + sb)) | (file_of[slot] << (rb + sb)) | (rows << sb)
                   | slot)
    by_figure = _ByFigure(names, slots, key, (rb, sb, fb))
    group = key >> sb  # candidate, file and row: each once
    group = group[np.r_[True, group[1:] != group[:-1]]] if len(group) else group
    found = group & ((1 << rb) - 1)
    group >>= rb  # candidate and file
    starts = _starts(group)
    ends = np.r_[starts[1:], len(group)].tolist()
    whole: dict = {}
    file_mask = (1 << fb) - 1
    for g, a, b in zip(group[starts].tolist(), starts.tolist(), ends):
        if g & file_mask < len(file_order):
            whole.setdefault(names[g >> fb], []).append((file_order[g & file_mask],
                                                         found[a:b]))
    return by_figure, whole


class _ByFigure(Mapping):
    """``{candidate: {figure: {table: rows}}}``, each candidate's dict made when first read
    from its block of the sorted keys (candidate, file, row, slot)."""

    def __init__(self, names, slots: list, key: np.ndarray, bits: tuple) -> None:
        self._slots, self._key, self._bits = slots, key, bits
        rb, sb, fb = bits
        candidate = key >> (fb + rb + sb)
        first = _starts(candidate)
        last = np.r_[first[1:], len(candidate)]
        self._runs = dict(zip(names[candidate[first]].tolist(),
                              zip(first.tolist(), last.tolist())))
        self._made: dict = {}

    def __getitem__(self, candidate) -> dict:
        made = self._made.get(candidate)
        if made is None:
            lo, hi = self._runs[candidate]
            rb, sb, _ = self._bits
            block = self._key[lo:hi]
            slot = block & ((1 << sb) - 1)
            # by slot, rows ascending within each (a slot's rows are in one file's run)
            rows = (block[np.argsort(slot, kind="stable")] >> sb) & ((1 << rb) - 1)
            ends = np.cumsum(np.bincount(slot)).tolist()
            made = {}
            for s, (a, b) in enumerate(zip([0] + ends[:-1], ends)):
                if b > a:
                    figure, table = self._slots[s]
                    made.setdefault(figure, {})[table] = rows[a:b]
            self._made[candidate] = made
        return made

    def __iter__(self):
        return iter(self._runs)

    def __len__(self) -> int:
        return len(self._runs)
