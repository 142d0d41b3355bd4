"""The found rows grouped by candidate and figure, and by candidate and file
(`netkit.partners.source_rows.group_rows`), against a plain grouping of the same rows."""

from __future__ import annotations

import numpy as np
import pytest

from netkit.partners.source_rows import group_rows

FILES = ("organisations", "services", "flows", "relationships")
SLOTS = [("activity", "flows"), ("handoffs", "flows"), ("commissioning", "relationships"),
         ("commissioning", "services"), ("members", "organisations"), ("other", "elsewhere")]


@pytest.mark.parametrize("seed", range(6))
def test_grouped_as_sets_of_rows(seed):
    rng = np.random.default_rng(seed)
    names = np.array([f"C{i}" for i in range(7)], dtype=object)
    parts = [(rng.integers(0, 7, n), rng.integers(2, 3000, n), int(rng.integers(0, len(SLOTS))))
             for n in rng.integers(0, 400, 9)]
    parts = [p for p in parts if len(p[0])]
    rows, whole = group_rows(names, parts, SLOTS, FILES)
    expected: dict = {}
    for codes, found, slot in parts:
        figure, table = SLOTS[slot]
        for c, r in zip(codes.tolist(), found.tolist()):
            expected.setdefault(names[c], {}).setdefault(figure, {}).setdefault(table, set()).add(r)
    assert sorted(rows) == sorted(expected) and len(rows) == len(expected)
    for c, figures in expected.items():
        got = rows[c]
        assert {f: {t: r.tolist() for t, r in v.items()} for f, v in got.items()} == {
            f: {t: sorted(r) for t, r in v.items()} for f, v in figures.items()}
        by_file: dict = {}
        for f in figures.values():
            for t, r in f.items():
                if t in FILES:
                    by_file.setdefault(t, set()).update(r)
        assert [(t, r.tolist()) for t, r in whole.get(c, [])] == [
            (t, sorted(by_file[t])) for t in FILES if t in by_file]
        assert rows.get(c) is got  # made once
    assert rows.get("nobody") is None
