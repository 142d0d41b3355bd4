"""Event ordering and block-wise counting (netkit/mining/ordering.py, directly_follows.py):
the fast paths give exactly the answer of the plain ones."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.errors import InputError
from netkit.mining import ordering
from netkit.mining.directly_follows import directly_follows
from netkit.mining.ordering import _case_time_order, blocks, order_events


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), min_size=1, max_size=60),
       st.sampled_from([1, 10**9, 86_400 * 10**9, 7]))
def test_packed_sort_is_the_stable_case_time_order(rows, unit):
    case = np.array([c for c, _ in rows], dtype=np.int32)
    time_ns = np.array([t * unit for _, t in rows], dtype=np.int64)
    # ties in (case, time) keep file order: exactly numpy's stable lexsort
    assert _case_time_order(case, 7, time_ns).tolist() == np.lexsort((time_ns, case)).tolist()


@pytest.mark.parametrize("span", [2**20, 2**59, 2**61])
def test_keys_too_wide_to_pack_fall_back_to_a_stable_sort(span):
    # 2**20: case, time and row packed in 64 bits; 2**59: case and time in an int64 key;
    # 2**61: lexsort. Times are odd nanoseconds, so no coarser unit divides them.
    rng = np.random.default_rng(span % 97)
    case = rng.integers(0, 3, 64)
    time_ns = rng.choice([1, 3, span - 1], 64).astype(np.int64)
    assert _case_time_order(case, 3, time_ns).tolist() == np.lexsort((time_ns, case)).tolist()


def test_blocks_cover_the_range_once():
    assert list(blocks(0)) == []
    assert list(blocks(7, 3)) == [(0, 3), (3, 6), (6, 7)]


def naive_dfg(rows):
    """Sort each case by (time, file row), walk it, count pairs, starts and ends."""
    cases = {}
    for i, (case, time, activity) in enumerate(rows):
        cases.setdefault(case, []).append((time, i, activity))
    dfg, starts, ends = Counter(), Counter(), Counter()
    for events in cases.values():
        walk = [a for _, _, a in sorted(events)]
        starts[walk[0]] += 1
        ends[walk[-1]] += 1
        dfg.update(zip(walk, walk[1:]))
    return dfg, starts, ends


def as_counters(frame):
    kinds = {kind: part for kind, part in frame.groupby("kind")}
    empty = frame.iloc[:0]
    dfg = Counter({(s, t): c for s, t, c in kinds.get("dfg", empty)[
        ["source", "target", "count"]].values})
    starts = Counter(dict(kinds.get("start", empty)[["target", "count"]].values))
    ends = Counter(dict(kinds.get("end", empty)[["source", "count"]].values))
    return dfg, starts, ends


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 3),
                          st.sampled_from(["X", "Y", "Z"])), min_size=1, max_size=50),
       st.booleans(), st.integers(1, 5))
def test_block_wise_counts_match_the_naive_walk(rows, integers, block):
    ordering_block = ordering.BLOCK
    ordering.BLOCK = block  # tiny blocks: cases and steps straddle block edges
    try:
        names = {"X": 0, "Y": 1, "Z": 2}
        events = pd.DataFrame({
            "case_id": [c for c, _, _ in rows] if not integers
            else [ord(c) for c, _, _ in rows],
            "timestamp": pd.to_datetime([f"2024-01-0{t + 1}" for _, t, _ in rows]),
            "activity": [a for _, _, a in rows] if not integers
            else [names[a] for _, _, a in rows]})
        got = as_counters(directly_follows(events))
    finally:
        ordering.BLOCK = ordering_block
    expected = naive_dfg([(c, t, a) for c, t, a in rows])
    if integers:
        expected = tuple(Counter({tuple(str(names[x]) for x in key) if isinstance(key, tuple)
                                  else str(names[key]): n for key, n in part.items()})
                         for part in expected)
    assert got == expected


def test_sorted_integer_input_is_counted_without_a_sort():
    events = pd.DataFrame({"case_id": [1, 1, 1, 4, 4],
                           "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02",
                                                        "2024-01-03", "2024-01-01",
                                                        "2024-01-02"]),
                           "activity": [0, 3, 0, 3, 3]})
    seq = order_events(events["case_id"], events["timestamp"].to_numpy().view(np.int64),
                       events["activity"], used_labels=False)
    assert seq.was_sorted and seq.labels.tolist() == ["0", "1", "2", "3"]
    # "1" and "2" have no event: absent from the counts, as before
    assert directly_follows(events).values.tolist() == [
        ["dfg", "0", "3", 1], ["dfg", "3", "0", 1], ["dfg", "3", "3", 1],
        ["start", "", "0", 1], ["start", "", "3", 1], ["end", "0", "", 1], ["end", "3", "", 1]]


@pytest.mark.parametrize("dtype", [object, "str", "string"])
def test_an_empty_case_id_is_named_with_its_row(dtype):
    events = pd.DataFrame({"patient": pd.Series(["p1", None, "p2"], dtype=dtype),
                           "timestamp": ["2024-01-01"] * 3, "activity": ["A", "B", "C"]})
    with pytest.raises(InputError, match="row 3.*patient.*is empty"):
        directly_follows(events, case="patient")


def test_an_empty_activity_is_labelled_missing():
    events = pd.DataFrame({"case_id": ["p", "p"], "timestamp": ["2024-01-01", "2024-01-02"],
                           "activity": ["A", None]})
    assert directly_follows(events).values.tolist()[0] == ["dfg", "A", "(missing)", 1]


def test_sparse_large_integer_activities_keep_only_the_labels_they_use():
    events = pd.DataFrame({"case_id": [1, 1], "timestamp": pd.to_datetime(["2024-01-01",
                                                                          "2024-01-02"]),
                           "activity": [7, 900_000]})
    seq = order_events(events["case_id"], events["timestamp"].to_numpy().view(np.int64),
                       events["activity"], used_labels=False)
    assert seq.labels.tolist() == ["7", "900000"]
    assert directly_follows(events).values.tolist()[0] == ["dfg", "7", "900000", 1]
