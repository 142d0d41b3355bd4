"""HTML tables as pandas writes them (``DataFrame.to_html``), written a column at a time.

pandas formats and escapes every cell through a chain of Python calls: the generated London
region's ``partners --all`` HTML report (77 tables, 36,000 rows) spent 1.5 s of its 3.6 s
there. Tables of text, whole numbers and true/false (every table netkit's reports show) are
written here in the same bytes, each cell escaped as pandas escapes it; any other table (a
column of decimals, of lists, names that are not text) is left to pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_integer_dtype

__all__ = ["table_html"]

#: How pandas writes a cell's text: tabs and line breaks as ``\\t``, ``\\n``, ``\\r`` (as its
#: formatter does), then ``&``, ``<`` and ``>`` as entities (its HTML writer, with escape on).
_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r",
                          "&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _cell(text: str) -> str:
    """One cell's text as pandas writes it: escaped, stripped, runs of two spaces kept."""
    return text.translate(_ESCAPES).strip().replace("  ", "&nbsp;&nbsp;")


#: Missing cells as pandas writes them: ``None`` as "None", ``pd.NA`` as "<NA>" (escaped), a
#: missing number (NaN) as the empty ``na_rep``.
_MISSING = {type(None): "None", type(pd.NA): "&lt;NA&gt;", float: ""}


def _column(values: pd.Series) -> list[str] | None:
    """The column's cells as pandas writes them, or None where pandas would format it in a
    way not written here (decimals, lists, dates)."""
    if is_bool_dtype(values.dtype) or is_integer_dtype(values.dtype):
        if values.isna().any():
            return None
        return [str(v) for v in values.tolist()]
    items = np.asarray(values.array, dtype=object).tolist()  # as pandas formats them
    kinds = set(map(type, items))
    if not kinds <= {str, *_MISSING} or (float in kinds and not all(
            v != v for v in items if type(v) is float)):  # a float other than NaN
        return None
    distinct = {v: _cell(v) for v in set(v for v in items if type(v) is str)}
    return [distinct[v] if type(v) is str else _MISSING[type(v)] for v in items]


def table_html(frame: pd.DataFrame, classes: str = "netkit") -> str:
    """``frame.to_html(index=False, na_rep="", escape=True, border=0, classes=classes)``,
    byte for byte.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["A&E", None], "patients": [12, 3]})
    >>> print(table_html(frame))
    <table class="dataframe netkit">
      <thead>
        <tr style="text-align: right;">
          <th>id</th>
          <th>patients</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>A&amp;E</td>
          <td>12</td>
        </tr>
        <tr>
          <td></td>
          <td>3</td>
        </tr>
      </tbody>
    </table>
    >>> table_html(frame) == frame.to_html(index=False, na_rep="", escape=True, border=0,
    ...                                    classes="netkit")
    True
    """
    columns = [_column(frame.iloc[:, i]) for i in range(frame.shape[1])] \
        if len(frame) and frame.shape[1] and all(type(c) is str for c in frame.columns) \
        and frame.columns.is_unique else None
    if columns is None or any(c is None for c in columns):
        return frame.to_html(index=False, na_rep="", escape=True, border=0, classes=classes)
    head = "".join(f"      <th>{_cell(name)}</th>\n" for name in frame.columns)
    cells = [[f"      <td>{text}</td>\n" for text in column] for column in columns]
    body = "".join(f"    <tr>\n{''.join(row)}    </tr>\n" for row in zip(*cells))
    return (f'<table class="dataframe {classes}">\n  <thead>\n'
            f'    <tr style="text-align: right;">\n{head}    </tr>\n  </thead>\n'
            f"  <tbody>\n{body}  </tbody>\n</table>")
