"""Small pandas helpers shared by several modules."""

from __future__ import annotations

import numpy as np
import pandas as pd

try:  # pandas keeps text in pyarrow where it is installed
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover - pyarrow is optional
    pa = pc = None

__all__ = ["blank_as_empty", "by_distinct", "first_rows", "isin", "joint_codes", "key_sums",
           "native_list", "records"]


def blank_as_empty(values: pd.Series) -> pd.Series:
    """Missing values as empty text (for grouping keys), whatever the column's dtype.

    Examples
    --------
    >>> blank_as_empty(pd.Series([float("nan"), "North"])).tolist()
    ['', 'North']
    """
    return values.astype(object).where(values.notna(), "")


def by_distinct(values: pd.Series, func) -> pd.Series:
    """``func(values)``, for an elementwise text function (``lambda s: s.str.strip()``),
    worked out once per distinct value: ids and names repeat down a table (England's 938,000
    flows name 48,000 services), and Python strings are stripped and compared one by one.
    Missing values are passed to ``func`` as one missing value (NaN).

    Examples
    --------
    >>> by_distinct(pd.Series([" a", "b", " a"]), lambda s: s.str.strip()).tolist()
    ['a', 'b', 'a']
    >>> by_distinct(pd.Series(["", "x", ""]), lambda s: s == "").tolist()
    [True, False, True]
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    out = func(pd.Series(distinct, dtype=values.dtype))
    return out.take(codes).set_axis(values.index).rename(values.name)


def joint_codes(columns: list) -> np.ndarray:
    """One integer per row for its values in all ``columns`` together (equal values, equal
    integers), numbered in order of first appearance as `pandas.factorize` numbers one
    column's values; missing values are a value like any other.

    Examples
    --------
    >>> joint_codes([pd.Series(["a", "b", "a", "b"]), pd.Series(["x", "y", "x", "x"])]).tolist()
    [0, 1, 0, 2]
    >>> joint_codes([np.array([5, -1, 5, 5]), pd.Series(["x", None, "x", "y"])]).tolist()
    [0, 1, 0, 2]
    """
    # each column's codes (an integer array is its own codes), put side by side in one
    # integer and numbered once at the end (numbering after every column hashed each
    # England's flows three or four times)
    key, width = np.zeros(len(columns[0]), dtype=np.int64), 1
    for column in columns:
        if isinstance(column, np.ndarray) and column.dtype.kind in "iu" and len(column):
            low = int(column.min())
            codes, size = column.astype(np.int64) - low, int(column.max()) - low + 1
        else:
            codes, labels = pd.factorize(column)
            codes, size = codes.astype(np.int64) + 1, len(labels) + 1
        if width * size >= 2 ** 62:  # renumber what is joined so far: it fits again
            key, _ = pd.factorize(key)
            width = int(key.max(initial=0)) + 1
        key, width = key * size + codes, width * size
    return pd.factorize(key)[0]


def first_rows(codes: np.ndarray) -> np.ndarray:
    """``np.unique(codes, return_index=True)[1]`` for codes numbered in order of first
    appearance (0, 1, 2, ... as `joint_codes` and `pandas.factorize` number them): each
    code's first row, where the codes so far rise, found in one pass, not by sorting them
    (England's 315,000 flows: 0.01 s each time).

    Examples
    --------
    >>> first_rows(np.array([0, 1, 0, 2, 1])).tolist()
    [0, 1, 3]
    """
    codes = np.asarray(codes)
    if not len(codes):
        return np.zeros(0, dtype=np.intp)
    most = np.maximum.accumulate(codes)
    return np.flatnonzero(np.r_[True, most[1:] > most[:-1]])


def isin(values: pd.Series, wanted) -> np.ndarray:
    """``values.isin(wanted)`` as a boolean array, fast for arrow-backed text.

    pandas checks arrow-backed text against a set by building one pyarrow scalar per wanted
    value (about 0.5 s for 50,000 ids against a million rows); pyarrow's own ``is_in`` does the
    same in a tenth of the time. Other dtypes use pandas.

    Examples
    --------
    >>> isin(pd.Series(["a", "b", None]), {"b", "c"}).tolist()
    [False, True, False]
    """
    pa_array = getattr(getattr(values, "array", None), "_pa_array", None)
    if pa is not None and pa_array is not None and (
            pa.types.is_string(pa_array.type) or pa.types.is_large_string(pa_array.type)):
        text = [v for v in wanted if isinstance(v, str)]
        if not text:
            return np.zeros(len(values), dtype=bool)
        found = pc.is_in(pa_array, value_set=pa.array(text, type=pa_array.type))
        return np.asarray(found.fill_null(False), dtype=bool)
    return np.asarray(values.isin(list(wanted) if isinstance(wanted, (set, frozenset))
                                  else wanted), dtype=bool)


_NATIVE = frozenset({str, int, float, bool, type(None), list, dict, tuple})


def native_list(column, box: bool = True) -> list:
    """A Series' or Index's values as iterating it gives them (numpy scalars as Python ones),
    as a list, made at C speed where the column is numpy or text; with ``box``, the values of an
    object or extension column as pandas' ``to_dict`` boxes them (``pd.NA`` as None, numpy
    scalars held in an object column as Python ones).

    Examples
    --------
    >>> native_list(pd.Series([1, 2])), native_list(pd.Series(["a", None], dtype=object))
    ([1, 2], ['a', None])
    """
    from pandas.core.dtypes.cast import maybe_box_native

    values = column._values
    if isinstance(values, np.ndarray):
        out = values.tolist()  # what ndarray.item gives, value by value
    elif isinstance(values.dtype, pd.StringDtype):  # missing as the dtype's missing value
        out = values.to_numpy(dtype=object).tolist()
    else:
        out = list(values)
    dtype = column.dtype
    if box and (dtype == np.dtype(object) or isinstance(dtype, pd.api.extensions.ExtensionDtype)) \
            and not _NATIVE.issuperset(map(type, out)):
        out = list(map(maybe_box_native, out))  # as pandas boxes such a column
    return out


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``: the same keys and values of the same types (numpy scalars
    as Python ones, NaN as float NaN, ``pd.NA`` in a text or object column as None, times as
    Timestamps), built column by column rather than row by row (pandas iterates the rows and
    boxes every value of an object or extension column in Python).

    Examples
    --------
    >>> records(pd.DataFrame({"id": ["ICB", None], "n": [1, 2], "x": [0.5, float("nan")]}))
    [{'id': 'ICB', 'n': 1, 'x': 0.5}, {'id': nan, 'n': 2, 'x': nan}]
    """
    columns = frame.columns.tolist()
    lists = [native_list(frame.iloc[:, i]) for i in range(len(columns))]
    return [dict(zip(columns, row)) for row in zip(*lists)]


def key_sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct non-negative integer ``keys`` (sorted) and ``values`` summed by them, as
    ``pd.Series(values).groupby(keys).sum()`` adds them to the last digit: pandas numbers the
    groups by hashing the keys (0.01-0.03 s for 200,000 keys); here they are ranked by a
    count over the keys' range where it is small (else sorted), and summed as pandas sums
    (`group_sums`).

    Examples
    --------
    >>> keys, sums = key_sums(np.array([7, 2, 7]), np.array([1.0, 2.0, 3.0]))
    >>> keys.tolist(), sums.tolist()
    ([2, 7], [2.0, 4.0])
    """
    keys = np.asarray(keys, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if not len(keys) or keys.min() < 0 or keys.max() >= 4 * len(keys) + 1_000_000:
        summed = pd.Series(values).groupby(keys).sum()
        return summed.index.to_numpy(dtype=np.int64), summed.to_numpy(dtype=np.float64)
    present = np.bincount(keys) > 0
    rank = np.cumsum(present) - 1
    distinct = np.flatnonzero(present)
    return distinct, group_sums(values, rank[keys], len(distinct))


def group_sums(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """``values`` summed by ``groups`` (0 to ``n - 1``, each at least once, numbered in the
    order of the keys they stand for), as a pandas group sum by those keys adds them: by
    ``np.add.reduceat`` where the groups never fall and no value is missing, else pandas' own
    compensated sum in row order (missing values skipped)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    groups = np.asarray(groups, dtype=np.intp)
    if not len(groups):
        return np.zeros(n)
    if (groups[1:] >= groups[:-1]).all() and not np.isnan(values).any():
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        out = np.zeros(n)
        out[groups[starts]] = np.add.reduceat(values, starts)
        return out
    out = np.empty((n, 1))
    try:
        from pandas._libs.groupby import group_sum

        group_sum(out=out, counts=np.zeros(n, dtype=np.int64), values=values.reshape(-1, 1),
                  labels=groups, mask=None, result_mask=None, min_count=0,
                  is_datetimelike=False, initial=0, skipna=True)
    except (ImportError, TypeError, ValueError):  # pragma: no cover - another pandas
        return pd.Series(values).groupby(groups).sum().reindex(range(n), fill_value=0.0) \
            .to_numpy(dtype=np.float64)
    return out[:, 0]
