"""The directly-follows graph: how many times one activity follows another within a case, with start and end activities (as pm4py's discover_dfg counts them)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.mining.events import MISSING, check_columns, parse_times
from netkit.mining.ordering import EventSequence, blocks, order_events

__all__ = ['directly_follows']


def _pair_codes(seq: EventSequence) -> tuple[np.ndarray, np.ndarray]:
    """Per step between neighbours of one case: the pair code ``source × K + target`` (int32
    where K² fits) and the mask of steps among neighbours."""
    k = len(seq.labels)
    same = seq.same_case()
    dtype = np.int32 if k * k < 2**31 else np.int64
    pairs = np.multiply(seq.activity[:-1], k, dtype=dtype)
    pairs += seq.activity[1:]
    return pairs[same], same


def _count_pairs(pairs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pair codes and how often each occurs (bincount when K² is small)."""
    if k * k <= 50_000_000:
        counts = np.bincount(pairs, minlength=k * k)
        codes = np.flatnonzero(counts)
        return codes, counts[codes]
    return np.unique(pairs, return_counts=True)


def directly_follows(events: pd.DataFrame, case: str = "case_id", time: str = "timestamp",
                     activity: str = "activity", time_format: str | None = None,
                     missing: str = MISSING) -> pd.DataFrame:
    """The directly-follows graph of an event log, with its start and end activities.

    Parameters
    ----------
    events : DataFrame
        One row per event, in file order.
    case, time, activity : str
        Column names.
    time_format : str, optional
        ``strptime`` layout of text times (default ISO 8601).
    missing : str
        Label for an empty activity (pm4py shows ``(missing)`` too).

    Returns
    -------
    DataFrame
        ``kind`` (``dfg``, ``start``, ``end``), ``source``, ``target``, ``count``: a start has
        an empty source, an end an empty target. Within a kind, largest count first, then by
        name. The same numbers as pm4py's ``discover_dfg`` (start and end activities too).

    Examples
    --------
    >>> log = pd.DataFrame({"case_id": ["1", "1", "1", "2", "2"],
    ...                     "timestamp": ["2024-01-01", "2024-01-02", "2024-01-02",
    ...                                   "2024-01-01", "2024-01-03"],
    ...                     "activity": ["ED", "WARD", "HOME", "ED", "WARD"]})
    >>> directly_follows(log).values.tolist()
    [['dfg', 'ED', 'WARD', 2], ['dfg', 'WARD', 'HOME', 1], ['start', '', 'ED', 2], ['end', 'HOME', '', 1], ['end', 'WARD', '', 1]]
    """
    check_columns(events, {"case": case, "time": time, "activity": activity})
    seq = order_events(events[case], parse_times(events[time], time, time_format=time_format),
                       events[activity], missing, keep_time=False, case_column=case,
                       used_labels=False)
    k = len(seq.labels)
    codes, counts, start_counts, end_counts = _follow_counts(seq)
    labels = seq.labels.astype(str)
    frames = [
        pd.DataFrame({"kind": "dfg", "source": labels[codes // k], "target": labels[codes % k],
                      "count": counts}),
        pd.DataFrame({"kind": "start", "source": "", "target": labels[start_counts > 0],
                      "count": start_counts[start_counts > 0]}),
        pd.DataFrame({"kind": "end", "source": labels[end_counts > 0], "target": "",
                      "count": end_counts[end_counts > 0]}),
    ]
    out = pd.concat(frames, ignore_index=True)
    out["count"] = out["count"].astype(np.int64)
    out["_kind"] = out["kind"].map({"dfg": 0, "start": 1, "end": 2})
    out["_name"] = out["source"].where(out["kind"] != "start", out["target"])
    out = out.sort_values(["_kind", "count", "_name", "target"],
                          ascending=[True, False, True, True], kind="stable")
    return out.drop(columns=["_kind", "_name"]).reset_index(drop=True)


#: Up to this many activity pairs, the events are counted block by block (a count per pair
#: per block is cheap); beyond it, in one pass over all the events.
BLOCKED_PAIRS = 1 << 16


def _follow_counts(seq: EventSequence):
    """Distinct pair codes (``source × K + target``) of the steps within cases, how many steps
    each has, and how many cases start and end at each activity.

    Every neighbouring pair is counted, and the few that straddle two cases (one per case
    boundary) are taken away: cheaper than selecting the steps within cases first. With few
    activities this runs block by block (`blocks`), so no temporary is the size of the input.
    """
    k = len(seq.labels)
    n = len(seq.activity)
    if k * k > BLOCKED_PAIRS:
        starts, ends = seq.first_and_last()
        codes, counts = _step_counts(seq, ends)
        return (codes, counts, np.bincount(seq.activity[starts], minlength=k),
                np.bincount(seq.activity[ends], minlength=k))
    case, activity = seq.case, seq.activity
    counts = np.zeros(k * k, dtype=np.int64)
    start_counts = np.zeros(k, dtype=np.int64)
    end_counts = np.zeros(k, dtype=np.int64)
    if n:
        start_counts[activity[0]] += 1
        end_counts[activity[-1]] += 1
    for a, b in blocks(n - 1):
        pairs = activity[a:b] * k
        pairs += activity[a + 1:b + 1]
        counts += np.bincount(pairs, minlength=k * k)
        boundary = np.flatnonzero(case[a + 1:b + 1] != case[a:b])
        if len(boundary):
            counts -= np.bincount(pairs[boundary], minlength=k * k)
            boundary += a
            end_counts += np.bincount(activity[boundary], minlength=k)
            start_counts += np.bincount(activity[boundary + 1], minlength=k)
    codes = np.flatnonzero(counts)
    return codes, counts[codes], start_counts, end_counts


def _step_counts(seq, ends) -> tuple[np.ndarray, np.ndarray]:
    """`_follow_counts`'s pair counts in one pass, for many activities; ``ends`` are the
    positions of each case's last event."""
    k = len(seq.labels)
    if k * k > 50_000_000:
        pairs, same = _pair_codes(seq)
        del same
        return _count_pairs(pairs, k)
    dtype = np.int32 if k * k < 2**31 else np.int64
    pairs = np.multiply(seq.activity[:-1], k, dtype=dtype)
    pairs += seq.activity[1:]
    counts = np.bincount(pairs, minlength=k * k)
    del pairs
    straddling = ends[:-1]
    counts -= np.bincount(seq.activity[straddling].astype(np.int64) * k
                          + seq.activity[straddling + 1], minlength=k * k)
    codes = np.flatnonzero(counts)
    return codes, counts[codes]
