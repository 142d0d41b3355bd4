"""Small pandas helpers shared by several modules."""

from __future__ import annotations

import pandas as pd

__all__ = ["blank_as_empty"]


def blank_as_empty(values: pd.Series) -> pd.Series:
    """Missing values as empty text (for grouping keys), whatever the column's dtype.

    Examples
    --------
    >>> blank_as_empty(pd.Series([float("nan"), "North"])).tolist()
    ['', 'North']
    """
    return values.astype(object).where(values.notna(), "")
