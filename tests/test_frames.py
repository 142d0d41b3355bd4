"""`netkit._frames.by_distinct` gives what the text function gives on the whole column: the
validation's stripping, emptiness and number checks run on distinct values only."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit._frames import by_distinct
from netkit.io.suggest import _AROUND

_TEXT = st.lists(st.sampled_from(["", " ", "A", " A", "A\u00a0", "*", " 12", "1,200", "3.5",
                                  "nan", "\u200bB", "B", "-4", "1e3", None, float("nan")]),
                 min_size=0, max_size=40)
_FUNCTIONS = {
    "strip": lambda s: s.str.strip(),
    "strip around": lambda s: s.str.strip(_AROUND),
    "changed": lambda s: s.str.strip(_AROUND) != s,
    "empty": lambda s: s.str.strip() == "",
    "number": lambda s: pd.to_numeric(s.str.strip().where(s.str.strip() != ""),
                                      errors="coerce").astype("float64"),
}


@pytest.mark.parametrize("dtype", [object, "str"])
@pytest.mark.parametrize("name", sorted(_FUNCTIONS))
@settings(max_examples=60, deadline=None)
@given(values=_TEXT, start=st.integers(0, 5))
def test_the_same_as_on_the_whole_column(dtype, name, values, start):
    column = pd.Series(values, dtype=dtype, name="c",  # an index not from 0, in no order
                       index=pd.Index([(7 * i + start) % 101 for i in range(len(values))]))
    func = _FUNCTIONS[name]
    got, want = by_distinct(column, func), func(column)
    assert got.dtype == want.dtype
    # a missing value comes back as NaN where the column had None: the same missing value
    missing = (lambda x: x.astype(object).where(x.notna(), None)) if dtype is object \
        else (lambda x: x)
    pd.testing.assert_series_equal(missing(got), missing(want))


def _same_records(frame):
    import math

    import numpy as np  # noqa: F401

    from netkit._frames import records

    ours, theirs = records(frame), frame.to_dict("records")
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert list(a) == list(b)
        for k in a:
            x, y = a[k], b[k]
            assert type(x) is type(y)
            assert x is y or x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)) \
                or (x is pd.NaT and y is pd.NaT)


def test_records_as_pandas_gives_them_for_every_dtype():
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    texts = st.lists(st.one_of(st.none(), st.text(max_size=3)), min_size=0, max_size=6)

    @settings(max_examples=150, deadline=None)
    @given(texts, st.data())
    def check(text, data):
        n = len(text)
        floats = data.draw(st.lists(st.floats(allow_nan=True), min_size=n, max_size=n))
        ints = data.draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
        bools = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
        mixed = data.draw(st.lists(st.sampled_from(
            [None, float("nan"), pd.NA, "a", 1, 2.5, np.int64(3), np.float64(0.5), np.bool_(True),
             [1, 2], ("x",), {"k": 1}, pd.Timestamp("2026-01-01")]), min_size=n, max_size=n))
        with np.errstate(over="ignore"):  # a float beyond float32's range becomes ±inf
            float32 = pd.Series(np.asarray(floats, dtype="float64").astype("float32"))
        frame = pd.DataFrame({
            "object": pd.Series(text, dtype=object), "str": pd.Series(text, dtype="str"),
            "string": pd.Series(text, dtype="string"), "float": pd.Series(floats, dtype=float),
            "float32": float32, "int": pd.Series(ints, dtype="int64"),
            "Int64": pd.Series([None if i < 0 else i for i in ints], dtype="Int64"),
            "bool": pd.Series(bools, dtype=bool), "mixed": pd.Series(mixed, dtype=object),
            "category": pd.Series(text, dtype="category"),
            "when": pd.to_datetime(pd.Series([None if b else "2026-11-30" for b in bools])),
        })
        _same_records(frame)
        _same_records(frame[["float", "int"]])
        _same_records(frame[["object", "mixed"]])

    check()
    _same_records(pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]}).iloc[0:0])
    with pytest.warns(UserWarning, match="columns are not unique"):  # pandas' to_dict says so
        _same_records(pd.DataFrame([[1, 2]], columns=["a", "a"]))
