"""Patient-level event data: reading CSV and parquet extracts, and checking the columns that
pathway mining needs (case, time, service) before any work is done.

Case ids and services are read as text, exactly as written: ``NA``, ``N/A`` or ``null`` are
real ids in real logs (the sepsis log has a case ``NA``) and ``00123`` keeps its zeros. Only an
empty cell is missing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from netkit.errors import InputError, OptionError, Problem

__all__ = ["read_events", "check_columns", "parse_times", "MISSING"]

#: The label an empty service (or organisation) cell gets, as pm4py shows it.
MISSING = "(missing)"


def read_events(path: str | Path, text_columns=(), sep: str | None = None) -> pd.DataFrame:
    """Read an event extract (``.csv``, ``.csv.gz``, ``.tsv``, ``.parquet``).

    Parameters
    ----------
    path : str or Path
    text_columns : iterable of str
        In parquet files, columns stored as categories that should be plain text (case ids,
        codes); integer ids stay integers. In CSV files every column is read as text, exactly
        as written.
    sep : str, optional
        CSV delimiter; by default ``,`` (``\\t`` for ``.tsv``), or ``;`` when the header
        line has more of those.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = f.write_text("case,when,service\\nNA,2024-01-01,ED\\n007,2024-01-02,WARD\\n")
    >>> read_events(f)["case"].tolist()
    ['NA', '007']
    """
    path = Path(path)
    name = path.name.lower()
    if not path.exists():
        raise InputError([Problem(str(path), None, None, None, "does not exist")])
    if name.endswith((".parquet", ".pq")):
        try:
            frame = pd.read_parquet(path)
        except ImportError as exc:
            raise InputError([Problem(str(path), None, None, None,
                                      "reading parquet needs pyarrow: pip install pyarrow "
                                      f"({exc})")]) from None
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise InputError([Problem(str(path), None, None, None,
                                      f"could not be read as a parquet file ({exc}); check that "
                                      "it was written completely, or export the events as CSV"
                                      )]) from None
        for column in text_columns:
            # Integer ids stay integers (mining codes them without hashing); categories and
            # the like become text.
            if column in frame and isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype(str)
        return frame
    if sep is None:
        sep = "\t" if name.endswith((".tsv", ".tsv.gz")) else _sniff(path)
    try:
        return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                           encoding="utf-8-sig", low_memory=False)
    except pd.errors.EmptyDataError:
        raise InputError([Problem(str(path), None, None, None,
                                  "is empty: expected a header row and one row per event")]) \
            from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), None, None, None,
                                  f"cannot be read as CSV ({exc}); save it as UTF-8 CSV")]) \
            from None


def _sniff(path: Path) -> str:
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline()
    except OSError:
        return ","
    return ";" if header.count(";") > header.count(",") else ","


def check_columns(events: pd.DataFrame, wanted: dict, source: str = "the events") -> None:
    """Fail with one message per missing column, listing the columns that exist.

    ``wanted`` maps the keyword (``case``, ``time``, ...) to the column name given for it.
    """
    problems = []
    have = ", ".join(map(str, events.columns)) or "none"
    for keyword, column in wanted.items():
        if column is not None and column not in events.columns:
            problems.append(Problem(source, None, column, None,
                                    f"no such column for {keyword} (the columns are: {have}); "
                                    f"name yours with {keyword}='...'"))
    if problems:
        raise InputError(problems)
    if len(events) == 0:
        raise InputError([Problem(source, None, None, None,
                                  "has no events: expected one row per event")])


def parse_times(values: pd.Series, column: str, source: str = "the events",
                time_format: str | None = None, dayfirst: bool = False) -> np.ndarray:
    """Event times as int64 nanoseconds (datetime columns as they are; numbers as days).

    Text is parsed as ISO 8601 unless ``time_format`` (``strptime`` codes, e.g.
    ``%d/%m/%Y %H:%M``) is given, or ``dayfirst`` for day-first dates of mixed layout. Every
    unparseable or empty cell is reported with its row (the header is row 1).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    elif pd.api.types.is_numeric_dtype(values):
        days = values.to_numpy(dtype=float)
        bad = ~np.isfinite(days)
        if bad.any():
            _time_problems(values, bad, column, source, "is not a time")
        return (days * 86_400e9).astype(np.int64)
    else:
        if time_format is not None:
            _check_time_format(time_format)
            fmt = {"format": time_format}
        elif dayfirst:
            fmt = {"format": "mixed", "dayfirst": True}
        else:
            fmt = {"format": "ISO8601"}
        try:
            parsed = pd.to_datetime(values, errors="coerce", utc=False, **fmt)
        except (ValueError, TypeError):  # mixed time zones and the like
            parsed = pd.to_datetime(values, errors="coerce", utc=True, **fmt)
    bad = parsed.isna().to_numpy()
    if bad.any():
        hint = ("give the layout as time_format='%d/%m/%Y %H:%M' (for example), or "
                "dayfirst=True" if time_format is None
                else f"does not match time_format={time_format!r}")
        _time_problems(values, bad, column, source, f"is not a time ({hint})")
    if getattr(parsed.dtype, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _time_problems(values, bad, column, source, message, shown: int = 10):
    rows = np.flatnonzero(bad)
    problems = [Problem(source, int(r) + 2, column,
                        None if pd.isna(values.iloc[r]) else str(values.iloc[r]),
                        message if not pd.isna(values.iloc[r]) else "is empty: every event "
                        "needs a time")
                for r in rows[:shown]]
    if len(rows) > shown:
        problems.append(Problem(source, None, column, None,
                                f"and {len(rows) - shown:,} more rows like these"))
    raise InputError(problems)


def _check_time_format(time_format: str) -> None:
    """A ``strptime`` layout netkit can use, or an `OptionError` naming the bad code.

    Examples
    --------
    >>> _check_time_format("%d/%m/%Y %H:%M")
    >>> _check_time_format("%Q %d")
    Traceback (most recent call last):
    ...
    netkit.errors.OptionError: time_format='%Q %d' is not a time layout netkit can read ('Q' is a bad directive in format '%Q %d'); use strptime codes such as '%d/%m/%Y %H:%M'
    """
    import datetime as _dt

    try:
        _dt.datetime.strptime(_dt.datetime(2000, 1, 2, 3, 4, 5).strftime(time_format),
                              time_format)
    except ValueError as err:
        raise OptionError(f"time_format={time_format!r} is not a time layout netkit can read "
                          f"({err}); use strptime codes such as '%d/%m/%Y %H:%M'") from None
