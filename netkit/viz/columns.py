"""Columns of a map's nodes and edges made once per distinct value (its counts, types, families
and names repeat) or as column operations, rather than a Python call per row."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__: list[str] = []


def _per_value(values: pd.Series, func) -> np.ndarray:
    """``values.map(func)`` as an object array, calling ``func`` once per distinct value (a
    map's counts, types and families repeat).

    >>> _per_value(pd.Series([2.0, 1.0, 2.0, np.nan]), lambda v: f"<{v}>").tolist()
    ['<2.0>', '<1.0>', '<2.0>', '<nan>']
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return np.array([func(v) for v in distinct] + [None], dtype=object)[codes]


def _names_of(ids: pd.Series, names: dict) -> pd.Series:
    """Each id's name from ``names`` (missing where there is none), looked up once per id."""
    return pd.Series(_per_value(ids, names.get), index=ids.index, dtype="str")


def _labels(names: pd.Series, width: int = 28) -> pd.Series:
    """`_label` of every name, as column operations.

    >>> _labels(pd.Series(["Short", "A name that runs on far past the width"])).tolist()
    ['Short', 'A name that runs on far pas…']
    """
    names = names.astype("str")
    cut = names.str.slice(0, width - 1).str.rstrip() + "…"
    return names.where(names.str.len() <= width, cut)
