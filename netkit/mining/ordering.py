"""Patient-level events in patient and time order, as integer codes: the one sort every mining step shares (skipped when the file is already in order)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit.errors import InputError, Problem
from netkit.mining.events import MISSING

__all__ = ['NS_PER_DAY', 'EventSequence', 'order_events']


NS_PER_DAY = 86_400e9


@dataclass(frozen=True)
class EventSequence:
    """Events in (case, time) order, integer-coded.

    Attributes
    ----------
    case : ndarray of int
        Case code of each event (codes in order of first appearance).
    activity : ndarray of int
        Activity (service) code of each event; ``labels[code]`` is its text.
    time : ndarray of int64
        Nanoseconds.
    labels : ndarray
    n_cases : int
    was_sorted : bool
        True when the input was already in (case, time) order and no sort ran.
    """

    case: np.ndarray
    activity: np.ndarray
    time: np.ndarray
    labels: np.ndarray
    n_cases: int
    was_sorted: bool
    same: np.ndarray | None = None  # same[i]: events i and i + 1 are of one case

    def same_case(self) -> np.ndarray:
        """``same[i]``: events ``i`` and ``i + 1`` belong to one case (computed once)."""
        if self.same is None:
            object.__setattr__(self, "same", self.case[1:] == self.case[:-1])
        return self.same

    def first_and_last(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions of each case's first and last event."""
        starts = np.r_[0, np.flatnonzero(~self.same_case()) + 1] if len(self.case) else \
            np.zeros(0, dtype=np.int64)
        ends = np.r_[starts[1:] - 1, len(self.case) - 1]
        return starts, ends


def order_events(case_values, time_ns: np.ndarray, activity_values,
                 missing: str = MISSING, keep_time: bool = True,
                 case_column: str | None = None, used_labels: bool = True) -> EventSequence:
    """Integer-code the columns and put events in (case, time) order (stable: ties keep file
    order); no sort when they already are.

    ``keep_time=False`` leaves the times out of the result (``time`` is None), saving 8 bytes
    an event where only the order matters. With ``case_column``, an empty case id is refused
    with its rows (an `InputError` naming that column). ``used_labels=False`` lets small
    non-negative integer activities keep their values as codes, so ``labels`` may hold values
    no event has (a caller that keeps only counts above zero needs no presence check).

    Examples
    --------
    >>> seq = order_events(["b", "a", "b"], np.array([2, 5, 1]), ["X", "Y", "Z"])
    >>> [seq.labels[a] for a in seq.activity], seq.was_sorted
    (['Z', 'X', 'Y'], False)
    """
    case_codes, n_cases, grouped = _case_codes(case_values, case_column)
    act_codes, act_labels = _activity_codes(activity_values, missing, used_labels)
    time_ns = np.asarray(time_ns, dtype=np.int64)
    ordered = (grouped or _ascending(case_codes)) and _in_time_order(case_codes, time_ns)
    if not ordered:
        order = _case_time_order(case_codes, n_cases, time_ns)
        case_codes, act_codes = case_codes[order], act_codes[order]
        time_ns = time_ns[order] if keep_time else None
        del order
    elif not keep_time:
        time_ns = None
    return EventSequence(case_codes, act_codes, time_ns, act_labels, n_cases, ordered)


#: Events per block where a pass over the events works block by block: its temporaries stay
#: in the processor's cache instead of costing a fresh array the size of the input.
BLOCK = 1 << 16


def blocks(n: int, size: int | None = None):
    """``(start, stop)`` of consecutive blocks covering ``range(n)`` (of `BLOCK` events unless
    ``size`` is given).

    >>> list(blocks(5, 2))
    [(0, 2), (2, 4), (4, 5)]
    """
    size = size or BLOCK
    return ((start, min(start + size, n)) for start in range(0, n, size))


def _ascending(codes: np.ndarray) -> bool:
    """Whether the codes never decrease (checked block by block)."""
    return all(bool(np.all(codes[a + 1:b + 1] >= codes[a:b])) for a, b in blocks(len(codes) - 1))


def _in_time_order(case_codes: np.ndarray, time_ns: np.ndarray) -> bool:
    """Whether no event comes before its predecessor in the same case (codes grouped)."""
    for a, b in blocks(len(case_codes) - 1):
        earlier = np.less(time_ns[a + 1:b + 1], time_ns[a:b])
        earlier &= case_codes[a + 1:b + 1] == case_codes[a:b]
        if earlier.any():
            return False
    return True


def _case_codes(values, case_column: str | None = None) -> tuple[np.ndarray, int, bool]:
    """Case codes (ascending in order of first appearance), the number of cases, and whether
    the codes are known to be grouped in ascending order. Integer ids already grouped in
    ascending order need no hashing, and are used as they are (no copy)."""
    raw = _integers(values)
    if raw is not None and len(raw) and raw[0] >= 0 and raw[-1] < 2**31:
        changes = 0
        for a, b in blocks(len(raw) - 1):
            step = raw[a + 1:b + 1] - raw[a:b]
            if not bool((step >= 0).all()):
                break
            changes += int(np.count_nonzero(step))
        else:
            # Grouped, ascending, non-negative ids serve as codes as they are: only their
            # equality and order are used.
            return raw, 1 + changes, True
    codes, labels = pd.factorize(_plain(values))
    if len(codes) and codes.min() < 0:  # factorize codes an empty id as -1
        raise _empty_cases(np.flatnonzero(codes < 0), case_column or "case")
    return _narrow(codes, len(labels)), len(labels), False


def _plain(values):
    """The values as a numpy array where pandas holds them as one (hashing a numpy array of
    text skips the extension array's own missing-value pass), else as they are."""
    if isinstance(values, pd.Series):
        inner = getattr(values.array, "_ndarray", None)
        if isinstance(inner, np.ndarray):
            return inner
        return values.array
    return values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)


def _integers(values) -> np.ndarray | None:
    """The values as a numpy integer array, or None when they are not integers (checked on the
    dtype first: converting a text column to numpy would copy every string)."""
    dtype = getattr(values, "dtype", None)
    if dtype is None:
        values = np.asarray(values)
        dtype = values.dtype
    if getattr(dtype, "kind", "O") not in "iu" or not isinstance(dtype, np.dtype):
        return None
    return values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)


def _activity_codes(values, missing: str, used_labels: bool = True
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Activity codes and their labels. Small non-negative integer activities are coded with a
    lookup table instead of a hash (labels become their text); with ``used_labels=False`` and
    values under 256, the values are the codes as they are and every value up to the largest
    is a label."""
    raw = _integers(values)
    if raw is not None and len(raw) and raw.min() >= 0 and raw.max() < 1_000_000:
        if not used_labels and raw.max() < 256:  # a few labels more cost nothing
            return raw, np.arange(int(raw.max()) + 1).astype(str).astype(object)
        present = np.bincount(raw) > 0
        labels = np.flatnonzero(present)
        if present.all():  # already dense codes 0..K-1: used as they are, no copy
            return raw, labels.astype(str).astype(object)
        lookup = (np.cumsum(present) - 1).astype(np.int32)
        return lookup[raw], labels.astype(str).astype(object)
    codes, labels = pd.factorize(_plain(values))
    if len(codes) and codes.min() < 0:  # an empty activity: labelled ``missing``
        activity = pd.Series(values, copy=False).astype(object)
        codes, labels = pd.factorize(activity.where(activity.notna(), missing))
    return _narrow(codes, len(labels)), np.asarray(labels, dtype=object)


def _case_time_order(case_codes: np.ndarray, n_cases: int, time_ns: np.ndarray) -> np.ndarray:
    """The stable (case, time) order. Times are taken at the coarsest unit that divides them
    all (days, seconds, ...). Where case, time and row number fit in 64 bits, one unsigned key
    holds all three: every key differs, so a plain (unstable, much faster) sort of the keys
    gives the stable order, read from the row bits. Else where case and time fit in one int64,
    a stable argsort of that key; otherwise ``numpy.lexsort`` (also stable, slower still)."""
    if len(time_ns) == 0:
        return np.arange(0)
    start = time_ns.min()
    offset = time_ns - start
    for unit in (86_400 * 10**9, 10**9, 10**6, 10**3, 1):
        if not np.any(offset % unit):
            break
    offset //= unit
    span = int(offset.max()) + 1
    # ids used as codes as they are (grouped integer ids) can exceed the number of cases
    cases = int(case_codes.max()) + 1
    row_bits = (len(time_ns) - 1).bit_length()
    if (cases * span) << row_bits < 2**64:
        key = offset.view(np.uint64)
        key += case_codes.astype(np.uint64) * np.uint64(span)
        key <<= np.uint64(row_bits)
        key |= np.arange(len(key), dtype=np.uint64)
        key.sort()
        key &= np.uint64((1 << row_bits) - 1)
        return key.view(np.int64)
    if cases * span < 2**62:
        offset += case_codes.astype(np.int64) * span
        return np.argsort(offset, kind="stable")
    return np.lexsort((time_ns, case_codes))


def _narrow(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes as int32 where they fit (half the memory of pandas' int64)."""
    return codes.astype(np.int32) if n < 2**31 else codes


def _case_ids(events: pd.DataFrame, case: str) -> pd.Series:
    """The case id column; an empty id is refused when the events are ordered (`order_events`
    with ``case_column``), where coding the ids finds it without a pass of its own."""
    return events[case]


def _empty_cases(rows: np.ndarray, case: str) -> InputError:
    problems = [Problem("the events", int(r) + 2, case, None,
                        "is empty: every event needs a case (patient) id") for r in rows[:10]]
    if len(rows) > 10:
        problems.append(Problem("the events", None, case, None,
                                f"and {len(rows) - 10:,} more rows like these"))
    return InputError(problems)
