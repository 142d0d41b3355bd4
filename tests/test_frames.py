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
