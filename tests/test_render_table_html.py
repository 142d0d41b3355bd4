"""`netkit.render.table_html` writes exactly what pandas's ``DataFrame.to_html`` writes with
the options every report uses, for any table a report can hold, and the reports use it."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.render.formats import html_table
from netkit.render.table_html import table_html

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=10) | st.sampled_from(
    ["", "A&E <ward>", "two  spaces", " lead", "trail ", "line\nbreak", "tab\t", "\r",
     "\u00a0nbsp\u00a0", "\u2028", "é £ 😀", "&amp;", "x   y"])
_MISSING = st.sampled_from([None, float("nan"), pd.NA])
_COLUMNS = st.sampled_from(["id", "name", "A&E", "two  words", "tier"])


def _pandas(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, na_rep="", escape=True, border=0, classes="netkit")


@st.composite
def _frames(draw):
    rows = draw(st.integers(0, 6))
    names = draw(st.lists(_COLUMNS, min_size=1, max_size=4, unique=True))
    data = {}
    for name in names:
        kind = draw(st.sampled_from(["text", "text_missing", "str_dtype", "string_dtype",
                                     "int", "bool", "float", "list"]))
        if kind == "text":
            data[name] = pd.Series(draw(st.lists(_TEXT, min_size=rows, max_size=rows)),
                                   dtype=object)
        elif kind == "text_missing":
            data[name] = pd.Series(draw(st.lists(_TEXT | _MISSING, min_size=rows,
                                                 max_size=rows)), dtype=object)
        elif kind == "str_dtype":
            data[name] = pd.Series(draw(st.lists(_TEXT | st.none(), min_size=rows,
                                                 max_size=rows)), dtype="str")
        elif kind == "string_dtype":  # missing as pd.NA
            data[name] = pd.Series(draw(st.lists(_TEXT | st.none(), min_size=rows,
                                                 max_size=rows)), dtype="string")
        elif kind == "int":
            data[name] = pd.Series(draw(st.lists(st.integers(-10**12, 10**12), min_size=rows,
                                                 max_size=rows)), dtype="int64")
        elif kind == "bool":
            data[name] = pd.Series(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)),
                                   dtype=bool)
        elif kind == "float":  # left to pandas
            data[name] = pd.Series(draw(st.lists(st.floats(allow_nan=True), min_size=rows,
                                                 max_size=rows)), dtype=float)
        else:  # lists in cells: left to pandas
            data[name] = pd.Series([[i, "x"] for i in range(rows)], dtype=object)
    return pd.DataFrame(data)


@settings(max_examples=300, deadline=None)
@given(_frames())
def test_the_same_bytes_as_pandas(frame):
    assert table_html(frame) == _pandas(frame)


def test_by_hand_escaped_kept_spaces_and_missing_cells_empty():
    frame = pd.DataFrame({"who": ["A&E <2>", "  x  y ", None], "n": [1, -2, 30]})
    out = table_html(frame)
    assert "      <td>A&amp;E &lt;2&gt;</td>\n      <td>1</td>\n" in out
    assert "      <td>x&nbsp;&nbsp;y</td>\n      <td>-2</td>\n" in out
    assert "      <td></td>\n      <td>30</td>\n" in out
    assert out == _pandas(frame)


def test_reports_write_their_tables_with_it():
    frame = pd.DataFrame({"id": ["ICB", "<b>"], "patients": np.array([3, 4])})
    assert html_table(frame) == table_html(frame) == _pandas(frame)
