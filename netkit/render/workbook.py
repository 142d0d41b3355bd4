"""Write and read ``.xlsx`` workbooks faithfully: text is always stored as text (never as a
formula, whatever it starts with), numbers as numbers, and reading looks only at the cells that
hold something, within a bound, however large the sheet claims to be.

pandas' ``to_excel`` stores any text starting with ``=`` as a live formula, and ``read_excel``
pads a sheet out to its last cell (a single cell at ``XFD1048576`` asks for 17 billion), so both
directions go through openpyxl here instead.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
import zipfile
from collections.abc import Mapping

import numpy as np
import pandas as pd

from netkit.errors import NetkitError

__all__ = ["workbook_bytes", "read_sheets", "WorkbookTooLarge", "MAX_COLUMNS", "MAX_TEXT"]

#: The widest sheet netkit reads; a value beyond this column is an error, not a silent loss.
MAX_COLUMNS = 1_000
#: The most characters an Excel cell holds.
MAX_TEXT = 32_767
#: Every workbook netkit writes carries this creation and modification time, so the same tables
#: give byte-identical files.
FIXED_TIME = _dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Characters XML 1.0 cannot hold, so no .xlsx cell can (tab, line feed and carriage return can).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class WorkbookTooLarge(NetkitError):
    """A sheet holds a value beyond the columns netkit reads; ``where`` names the file and
    sheet, ``detail`` says which cell and what to do."""

    def __init__(self, where: str, detail: str):
        super().__init__(f"{where}: {detail}")
        self.where = where
        self.detail = detail


def _cell_value(value, where: str, neutralise: bool):
    """One value as openpyxl should store it: ``(value, is_text)``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, False
    if isinstance(value, (bool, np.bool_)):
        return bool(value), False
    if isinstance(value, (int, np.integer)):
        return int(value), False
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return None, False
        if not math.isinf(value):
            return value, False
        text = repr(value)
    elif isinstance(value, (_dt.datetime, _dt.date, pd.Timestamp)):
        text = value.isoformat()
    else:
        text = str(value)
    if neutralise:
        from netkit.render.formats import neutralise_spreadsheet_text, terminal_safe

        text = neutralise_spreadsheet_text(_ILLEGAL.sub("", terminal_safe(text)))[:MAX_TEXT]
    else:
        bad = _ILLEGAL.search(text)
        if bad:
            raise NetkitError(f"{where}: {text[:40]!r} holds the control character "
                              f"U+{ord(bad.group()):04X}, which an .xlsx workbook cannot store; "
                              "remove it, or save the system as a folder instead")
        if len(text) > MAX_TEXT:
            raise NetkitError(f"{where}: the text is {len(text):,} characters long and an .xlsx "
                              f"cell holds at most {MAX_TEXT:,}; shorten it, or save the system "
                              "as a folder instead")
    return text, True


def workbook_bytes(sheets: Mapping[str, pd.DataFrame], neutralise: bool = False) -> bytes:
    """An ``.xlsx`` workbook with one sheet per frame (header row first), as bytes.

    Text is stored as text, never as a formula, even when it starts with ``=``; numbers stay
    numbers; missing values are empty cells. The workbook's created and modified times and the
    zip entries' times are fixed, so the same frames give byte-identical bytes.

    Parameters
    ----------
    sheets : mapping of str to DataFrame
        Sheet name → table, in the order the sheets should appear. Names are cut to Excel's 31
        characters.
    neutralise : bool
        For reports people open in a spreadsheet: text cells lose terminal controls
        (`netkit.render.formats.terminal_safe`, which also drops the characters a workbook cannot hold)
        and pass through `netkit.render.formats.neutralise_spreadsheet_text`. Without it (a system workbook, which must round-trip), such a character or an
        over-long text is an error naming the sheet, row and column.

    Raises
    ------
    NetkitError
        If, without ``neutralise``, a text cannot be stored exactly.

    Examples
    --------
    >>> data = workbook_bytes({"t": pd.DataFrame({"name": ["=1+1"], "n": [3]})})
    >>> read_sheets(io.BytesIO(data), "t.xlsx")["t"]
    [(1, ['name', 'n']), (2, ['=1+1', '3'])]
    >>> data == workbook_bytes({"t": pd.DataFrame({"name": ["=1+1"], "n": [3]})})
    True
    """
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    prepared = {}  # every cell checked before the workbook is started, so an error leaves nothing
    for name, frame in sheets.items():
        columns = [str(c) for c in frame.columns]
        rows = [[_cell_value(c, f"sheet {name} row 1, column {c}", neutralise) for c in columns]]
        for number, values in enumerate(frame.itertuples(index=False, name=None), start=2):
            rows.append([_cell_value(value, f"sheet {name} row {number}, column {column}",
                                     neutralise) for column, value in zip(columns, values)])
        prepared[str(name)[:31]] = rows
    book = openpyxl.Workbook(write_only=True)
    for name, rows in prepared.items():
        sheet = book.create_sheet(name)
        for row in rows:
            cells = []
            for stored, is_text in row:
                cell = WriteOnlyCell(sheet, value=stored)
                if is_text:
                    cell.data_type = "s"  # text, even if it starts with "="
                cells.append(cell)
            sheet.append(cells)
    book.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_times(buffer.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The same workbook with a fixed modified time (openpyxl stamps the clock on save) and
    fixed zip entry times."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*", rb"\g<1>" + stamp,
                                 content)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def _as_text(value) -> str:
    """A cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        return value.isoformat() if not isinstance(value, _dt.timedelta) else str(value)
    return str(value)


def read_sheets(source, label: str, max_columns: int = MAX_COLUMNS) -> dict[str, list]:
    """Every sheet of a workbook as text: sheet name → ``[(row number, [cell text, ...]), ...]``.

    Only rows that hold a value are returned, each cut after its last value, so memory follows
    what the sheet holds rather than the size it declares. Values are read as stored (cached
    results for formulas); numbers become text as a CSV file would hold them (``12``, ``0.5``).

    Parameters
    ----------
    source : str, Path or binary file
    label : str
        The file's name, for messages.
    max_columns : int
        A value beyond this column is an error (`WorkbookTooLarge`) naming the sheet and cell.

    Raises
    ------
    WorkbookTooLarge
        If a sheet holds a value beyond ``max_columns``.
    Exception
        Whatever openpyxl raises for a file that is not a workbook.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    try:
        out = {}
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # never trust the declared size
            rows = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                last = len(values)
                while last and (values[last - 1] is None or values[last - 1] == ""):
                    last -= 1
                if not last:
                    continue
                if last > max_columns:
                    raise WorkbookTooLarge(
                        f"{label}, sheet {sheet.title}",
                        f"cell {get_column_letter(last)}{number} "
                        f"holds a value, beyond the {max_columns:,} columns netkit reads; delete "
                        "the stray cell (or clear everything right of the table) and save again")
                rows.append((number, [_as_text(v) for v in values[:last]]))
            out[sheet.title] = rows
        return out
    finally:
        book.close()


def report_sheets(result) -> dict[str, pd.DataFrame]:
    """The tables of a result, one per sheet: ``result.to_sheets()`` where the result has it,
    otherwise ``{"report": result.to_frame()}``."""
    if hasattr(result, "to_sheets"):
        return dict(result.to_sheets())
    return {"report": result.to_frame()}


def xlsx_report(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Report tables as an ``.xlsx`` workbook, one sheet per table: text neutralised as in CSV
    reports and stored as text (never a formula), numbers as numbers, and the same tables give
    byte-identical bytes.

    Examples
    --------
    >>> data = xlsx_report({"partners": pd.DataFrame({"name": ["=1+1"], "score": [0.5]})})
    >>> data[:2], data == xlsx_report({"partners": pd.DataFrame({"name": ["=1+1"],
    ...                                                          "score": [0.5]})})
    (b'PK', True)
    """
    from netkit.render.workbook import workbook_bytes

    return workbook_bytes(sheets, neutralise=True)
