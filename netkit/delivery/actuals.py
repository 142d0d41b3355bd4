"""Monthly actuals: a flows file with a ``period`` column, read and checked as ``flows.csv`` is.

An actuals file is what ``netkit pathways mine --by month`` writes: one row per (pathway, source,
target, place, period), with the patients of that month. It is checked like ``flows.csv``
(every problem at once, each with its file, row, column and value) and for what only a monthly
series has: a period that is not a month written ``YYYY-MM``, a row repeated within one month,
and months missing between the first and the last (a gap would make a month look like a fall to
zero; a month with no patients on a flow needs no row, but a month with no rows at all is
missing data).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from netkit._frames import blank_as_empty, by_distinct, isin
from netkit.errors import SHOWN_PER_KIND, InputError, Problem
from netkit.io.reading import ROW_COLUMN, decode_text, read_csv_text
from netkit.io.validation import _check_table
from netkit.model.schema import HOME, TABLES, complete_columns

__all__ = ["read_actuals", "month_index", "month_indices", "month_label", "PERIOD"]

#: A month, as actuals write it.
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: The columns of an actuals table, in order.
COLUMNS = ("pathway", "source", "target", "place", "period", "patients")
#: What makes a row one flow in one month.
KEY = COLUMNS[:-1]


def month_index(period: str) -> int:
    """``YYYY-MM`` as a count of months (year × 12 + month − 1), so months subtract.

    Examples
    --------
    >>> month_index("2025-03") - month_index("2024-12")
    3
    """
    year, month = str(period).split("-")
    return int(year) * 12 + int(month) - 1


def month_label(index: int) -> str:
    """The inverse of `month_index`.

    Examples
    --------
    >>> month_label(month_index("2025-12") + 1)
    '2026-01'
    """
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_indices(periods: pd.Series) -> np.ndarray:
    """`month_index` of a column of well-formed periods, vectorised."""
    codes, uniques = pd.factorize(periods, sort=False)  # a few dozen months, many rows
    return np.array([month_index(u) for u in uniques], dtype=np.int64)[codes]


def _as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A DataFrame given in code, as the text cells a CSV file would have (row numbers too)."""
    text = pd.DataFrame({c: frame[c].astype(str).where(frame[c].notna(), "").to_numpy(dtype=object)
                         for c in frame.columns})
    text[ROW_COLUMN] = np.arange(2, len(text) + 2)
    return text


def _raw(source, label: str | None, problems: list[Problem]) -> tuple[pd.DataFrame | None, str]:
    if isinstance(source, pd.DataFrame):
        return _as_text_frame(source), label or "the actuals"
    path = Path(source)
    label = label or path.name
    if not path.is_file():
        raise InputError([Problem(label, None, None, str(path),
                                  "is not a file; give the actuals CSV (netkit pathways mine "
                                  "--by month writes one)")])
    text = decode_text(path.read_bytes(), label, problems)
    return (read_csv_text(text, label, problems) if not problems else None), label


def read_actuals(source, system=None, label: str | None = None) -> pd.DataFrame:
    """Read and check monthly actuals.

    Parameters
    ----------
    source : path or DataFrame
        A CSV file with the columns of ``flows.csv`` and ``period`` (``YYYY-MM``), or the same
        as a DataFrame.
    system : System, optional
        When given, each pathway must be one of its pathways and each source and target one of
        its services or ``@home``.
    label : str, optional
        The file's name in messages (default: the file name, or "the actuals").

    Returns
    -------
    DataFrame
        ``pathway, source, target, place, period, patients`` (place "" where blank), sorted by
        period then pathway, source, target and place.

    Raises
    ------
    InputError
        Every problem found, each naming file, row, column and value.

    Examples
    --------
    >>> rows = pd.DataFrame({"pathway": "p", "source": "@home", "target": "ED",
    ...                      "period": ["2025-01", "2025-02"], "patients": [10, 12]})
    >>> read_actuals(rows)[["period", "patients"]].values.tolist()
    [['2025-01', 10.0], ['2025-02', 12.0]]
    >>> read_actuals(rows.assign(period=["2025-01", "2025-13"]))
    Traceback (most recent call last):
    ...
    netkit.errors.InputError: 1 problem in the input:
      the actuals row 3, column period: '2025-13' is not a month written YYYY-MM (e.g. 2026-04)
    """
    problems: list[Problem] = []
    raw, label = _raw(source, label, problems)
    if raw is not None and "period" not in raw.columns:
        problems.append(Problem(label, 1, "period", None,
                                "is a required column of actuals and is missing; actuals are "
                                "flows by month (netkit pathways mine --by month writes them)"))
        raw = None
    typed = None if raw is None else _check_table(TABLES["flows"], raw, label, problems)
    if typed is None or any(p.severity == "error" for p in problems):
        raise InputError([p for p in problems if p.severity == "error"] or problems,
                         [p for p in problems if p.severity == "warning"])
    typed = complete_columns("flows", typed)
    # each distinct place and period is cleaned once (a few dozen), not once per row
    typed = typed.assign(place=by_distinct(typed["place"], blank_as_empty),
                         period=by_distinct(typed["period"], lambda u: u.astype(str).str.strip()))
    codes = _codes(typed, KEY)  # once: for repeated rows and for the order
    _check_periods(typed, label, problems, codes)
    if system is not None:
        _check_references(typed, system, label, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors, [p for p in problems if p.severity == "warning"])
    out = typed[list(COLUMNS)].astype({"patients": "float64"})
    # sorted by period, pathway, source, target and place (stable): the text columns' sorted
    # codes in one lexsort, rather than a sort of the text itself
    order = np.lexsort([codes[c].to_numpy() for c in ("place", "target", "source", "pathway",
                                                      "period")])
    out = out.take(order).reset_index(drop=True)
    out.attrs["netkit_actuals"] = True  # read and checked: netkit.track need not read it again
    return out


def _codes(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """The columns as integer codes in the order of their values (equal values, equal codes;
    a missing value its own), so that rows compare and sort as their text would."""
    return pd.DataFrame({c: pd.factorize(frame[c], sort=True, use_na_sentinel=False)[0]
                         for c in columns}, index=frame.index)


def _flag(problems, label, frame, mask, column, message) -> None:
    """One problem per bad row (the first few), then one counting the rest."""
    rows = frame.loc[mask, ROW_COLUMN].tolist()
    values = frame.loc[mask, column].tolist()
    for row, value in zip(rows[:SHOWN_PER_KIND], values[:SHOWN_PER_KIND]):
        text = message(row, value) if callable(message) else message
        problems.append(Problem(label, int(row), column, value, text))
    if len(rows) > SHOWN_PER_KIND:
        more = len(rows) - SHOWN_PER_KIND
        problems.append(Problem(label, int(rows[SHOWN_PER_KIND]), column, None,
                                f"and {more:,} more rows like these", more=more))


def _check_periods(frame: pd.DataFrame, label: str, problems: list[Problem],
                   codes: pd.DataFrame) -> None:
    """Months written YYYY-MM; no row repeated within a month (``codes``: `KEY` as integer
    codes); no month missing."""
    good = by_distinct(frame["period"], lambda u: u.str.match(PERIOD).fillna(False)
                     .astype(bool)).to_numpy()
    _flag(problems, label, frame, ~good, "period",
          "is not a month written YYYY-MM (e.g. 2026-04)")
    dup = codes.duplicated(keep="first")
    if dup.any():
        firsts = iter(frame.groupby(list(KEY))[ROW_COLUMN].transform("min")[dup].tolist())
        _flag(problems, label, frame, dup, "period",
              lambda row, value: f"repeats the flow at row {next(firsts)} (same pathway, source, "
                                 "target, place and period); add the patients together in one row")
    if not good.all() or frame.empty:
        return
    months = np.unique(month_indices(frame["period"]))
    every = np.arange(months[0], months[-1] + 1)
    gaps = np.setdiff1d(every, months)
    if len(gaps):
        shown = ", ".join(month_label(int(g)) for g in gaps[:SHOWN_PER_KIND])
        more = f" and {len(gaps) - SHOWN_PER_KIND} more" if len(gaps) > SHOWN_PER_KIND else ""
        problems.append(Problem(
            label, None, "period", None,
            f"has no rows for {shown}{more}, between its first month "
            f"({month_label(int(months[0]))}) and its last ({month_label(int(months[-1]))}); "
            "a missing month would read as a fall to zero: add that month's flows (or start "
            "the file after the gap)"))


def _check_references(frame: pd.DataFrame, system, label: str, problems: list[Problem]) -> None:
    """Pathways of the system, and services of the system or @home at both ends."""
    pathways = set(system.pathways["id"])
    _flag(problems, label, frame, ~isin(frame["pathway"], pathways), "pathway",
          "is not a pathway id in the system's pathways.csv")
    ends = set(system.services["id"]) | {HOME}
    for column in ("source", "target"):
        _flag(problems, label, frame, ~isin(frame[column], ends), column,
              f"is not a service id in the system's services.csv or {HOME}")
