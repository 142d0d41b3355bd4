"""Read the files of a system, exactly as written, into text tables and YAML documents.

This module knows about files, encodings and workbooks; it does not judge the values (that is
`netkit.io.validation`). Every cell is read as text, so ODS codes such as ``01`` or ``00L`` and a case
id such as ``NA`` keep their shape.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from netkit.errors import SHOWN_PER_KIND, InputError, Problem
from netkit.model.schema import TABLES

__all__ = ["RawSystem", "read_raw", "decode_text", "read_csv_text", "load_yaml_text"]

ROW_COLUMN = "__row__"  # spreadsheet row number of each record, kept for messages
#: Most columns a CSV file may have (the widest table of the contract has eight).
MAX_COLUMNS = 1_000


@dataclass
class RawSystem:
    """The text of a system's files, before validation.

    ``tables`` maps a table name to a DataFrame of text (``None`` where the file is missing); each
    frame carries the spreadsheet row number of each record in the column ``__row__``.
    ``labels`` maps a table (or ``"system"``, ``"opportunities"``) to the name a person would look
    for. ``lines`` maps a YAML document's key path to its line number.
    """

    source: Path
    kind: str  # "folder" or "xlsx"
    tables: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    system_doc: Any = None
    opportunities_doc: Any = None
    lines: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def decode_text(data: bytes, label: str, problems: list[Problem]) -> str:
    """Decode a file's bytes: UTF-8, or what Excel writes (a BOM, UTF-16, Windows-1252).

    Anything but plain UTF-8 loads with a warning saying how to save the file instead.

    Examples
    --------
    >>> problems = []
    >>> decode_text("Smith & Sons".encode("cp1252"), "organisations.csv", problems)
    'Smith & Sons'
    >>> decode_text("Caf\\u00e9".encode("cp1252"), "organisations.csv", problems)
    'Café'
    >>> problems[0].severity
    'warning'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(label, None, None, None,
                                "starts with a byte-order mark (as Excel saves 'CSV UTF-8'); "
                                "read as UTF-8", "warning"))
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(label, None, None, None,
                                "is UTF-16 (Excel's 'Unicode text'); read as UTF-16. "
                                "Save it as 'CSV UTF-8' instead", "warning"))
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(label, None, None, None,
                                "is not UTF-8; read as Windows-1252 (as older Excel saves CSV). "
                                "Save it as 'CSV UTF-8' so that names keep every character",
                                "warning"))
        return data.decode("cp1252", errors="replace")


def read_csv_text(text: str, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    """Parse CSV text into a frame of text cells with a ``__row__`` column, or ``None``.

    Blank lines are skipped but still counted, so row numbers match what a spreadsheet shows.
    """
    return _read_csv(text, label, problems, str)


def _read_csv(text: str, label: str, problems: list[Problem], dtype) -> pd.DataFrame | None:
    """`read_csv_text` with its cells as ``dtype``: ``str`` (pandas' Arrow text), or ``object``
    (Python strings, as `netkit.model.system.System` keeps them: the generated region's
    169,000 flows are read in a third of the time, as the C parser's strings need not be
    copied into Arrow and back)."""
    if not text.strip():
        problems.append(Problem(label, None, None, None,
                                "is empty; it needs a header row naming its columns"))
        return None
    header = next(csv.reader(_lines(text)))
    if len(header) > MAX_COLUMNS:
        problems.append(Problem(label, 1, None, None,
                                f"has {len(header):,} columns, more than netkit reads "
                                f"({MAX_COLUMNS:,}); check that this is the right file and "
                                "that its header is one row"))
        return None
    stripped = [h.strip() for h in header]
    if stripped != header:
        problems.append(Problem(label, 1, None, None,
                                "has spaces around column names; they were ignored", "warning"))
    seen: set = set()
    twice: list[str] = []
    for name in stripped:
        if name in seen:
            twice.append(name)
        seen.add(name)
    for name in twice[:SHOWN_PER_KIND]:
        problems.append(Problem(label, 1, name, None,
                                "is a column name used twice; keep one of them"))
    if len(twice) > SHOWN_PER_KIND:
        more = len(twice) - SHOWN_PER_KIND
        problems.append(Problem(label, 1, None, None, f"and {more:,} more column names used "
                                                      "twice", more=more))
    if twice:
        return None
    try:  # the parser reads UTF-8 bytes at twice the speed of a text stream
        stream: io.IOBase = io.BytesIO(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: the parser says so, as it always has
        stream = io.StringIO(text)
    try:
        frame = pd.read_csv(stream, encoding="utf-8", dtype=dtype, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as err:
        problems.append(Problem(label, None, None, None,
                                f"could not be read as CSV ({_parser_message(err)}); check the "
                                "quoting and the number of commas on that line"))
        return None
    frame.columns = stripped
    if any(pd.api.types.infer_dtype(frame[c].to_numpy(), skipna=False) != "string"
           for c in frame.columns):  # all text (as read with na_filter off): nothing to fill
        frame = frame.fillna("")
    # the row numbers joined on, not inserted: a junk header of hundreds of columns read as
    # one block each would make pandas warn of a fragmented frame
    frame = pd.concat([frame, pd.DataFrame({ROW_COLUMN: range(2, len(frame) + 2)},
                                           index=frame.index)], axis=1)
    # a blank row is empty in every column: the first column picks the few that may be
    maybe = (np.flatnonzero((frame.iloc[:, 0] == "").to_numpy()) if len(frame.columns) > 1
             else np.arange(len(frame)))  # no columns but the row number: every row is blank
    if not len(maybe):
        return frame.reset_index(drop=True)
    blank = np.zeros(len(frame), dtype=bool)
    blank[maybe] = (frame.iloc[maybe].drop(columns=ROW_COLUMN) == "").all(axis=1).to_numpy()
    return frame.loc[~blank].reset_index(drop=True)


def _lines(text: str):
    """The lines of ``text``, each with its ``\\n``, as iterating ``io.StringIO(text)`` gives
    them, without copying the whole text first (a national flows.csv's header in microseconds
    rather than 0.1 s).

    Examples
    --------
    >>> list(_lines("a,b\\r\\n1,2\\n3"))
    ['a,b\\r\\n', '1,2\\n', '3']
    """
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def _parser_message(err: Exception) -> str:
    text = str(err).strip().splitlines()[-1]
    return text.replace("Error tokenizing data. C error: ", "")


#: Largest YAML file read, in characters: a system's YAML is a few kilobytes; a generated
#: national system's opportunities a few hundred.
MAX_YAML_CHARS = 20_000_000
#: Deepest nesting of lists and mappings in a YAML file (netkit's files nest four or five deep).
MAX_YAML_DEPTH = 100
#: Most values a YAML file may hold once its aliases (``*name``) are expanded.
MAX_YAML_NODES = 1_000_000


def load_yaml_text(text: str, label: str, problems: list[Problem]) -> tuple[Any, dict]:
    """Load YAML safely; return the document and a map from key path to line number.

    Tags such as ``!!python/object`` are an error, never executed. A file longer than
    `MAX_YAML_CHARS`, nested deeper than `MAX_YAML_DEPTH`, or whose aliases expand to more than
    `MAX_YAML_NODES` values (a "billion laughs" file) is refused before any of it is built.

    Examples
    --------
    >>> problems = []
    >>> load_yaml_text("name: Riverside\\n", "system.yaml", problems)[0]
    {'name': 'Riverside'}
    >>> load_yaml_text("!!python/object/apply:os.system ['true']", "system.yaml", problems)[0]
    >>> "not allowed" in problems[0].message
    True
    """
    if len(text) > MAX_YAML_CHARS:
        problems.append(Problem(label, None, None, None,
                                f"is {len(text):,} characters long, more than netkit reads "
                                f"({MAX_YAML_CHARS:,}); a system's YAML files are small: check "
                                "that this is the right file"))
        return None, {}
    try:
        try:
            refusal, node, doc = _read_yaml(text, _FAST_LOADER or yaml.SafeLoader)
        except (yaml.YAMLError, ValueError):
            if _FAST_LOADER is None:
                raise
            # the pure-Python reader, whose messages netkit's have always quoted
            refusal, node, doc = _read_yaml(text, yaml.SafeLoader)
        if refusal is not None:
            line, message = refusal
            problems.append(Problem(label, line, None, None, message))
            return None, {}
    except yaml.constructor.ConstructorError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        problems.append(Problem(label, line, None, None,
                                f"uses a YAML tag that is not allowed ({err.problem}); "
                                "netkit reads plain YAML only: remove the tag"))
        return None, {}
    except ValueError as err:  # a date such as 2026-13-01 that YAML reads as a date
        problems.append(Problem(label, None, None, None,
                                f"holds a value YAML cannot read ({err}); write dates as "
                                "YYYY-MM-DD"))
        return None, {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(err, "problem", None) or str(err).splitlines()[0]
        problems.append(Problem(label, line, None, None,
                                f"is not valid YAML ({what}); check the indentation and quoting "
                                "near that line"))
        return None, {}
    lines: dict = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return doc, lines


#: libyaml's safe loader where PyYAML was built with it (ten times the pure-Python reader's
#: speed: England's opportunities.yaml in 15 ms rather than 0.13 s); None where it was not.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _read_yaml(text: str, loader) -> tuple:
    """``(refusal, node, document)`` of ``text`` read by ``loader`` (a safe loader): the
    refusal of `_yaml_bounds` (and no node or document) or None; errors raised as they come."""
    refusal = _yaml_bounds(text, loader)
    if refusal is not None:
        return refusal, None, None
    return (None, yaml.compose(text, Loader=loader),
            yaml.load(text, Loader=loader))  # noqa: S506 - a safe loader


def _yaml_bounds(text: str, loader=yaml.SafeLoader) -> tuple[int | None, str] | None:
    """Walk the YAML event stream (flat, no recursion, nothing built) and return
    ``(line, message)`` if the document nests too deep or its aliases expand too far.

    Each anchored value's expanded size is remembered once, so the walk is linear in the
    file even when every alias points at the one before.

    Examples
    --------
    >>> laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
    ...     f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\\n"
    ...     for p, c in zip("abcdefgh", "bcdefghi"))
    >>> _yaml_bounds(laughs)[1].startswith("uses aliases")
    True
    >>> _yaml_bounds("a: [" * 150 + "]" * 150)[1].startswith("nests")
    True
    >>> _yaml_bounds("a: &x [1, 2]\\nb: *x\\n") is None
    True
    """
    size_of: dict[str, int] = {}
    stack: list[list] = [[None, 0]]  # [anchor, expanded size] of each open list or mapping
    total = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([event.anchor, 1])
            if len(stack) - 1 > MAX_YAML_DEPTH:
                return line, (f"nests lists and mappings more than {MAX_YAML_DEPTH} deep; "
                              "netkit's files need only a few levels: check the indentation "
                              "and brackets near that line")
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, size_of.get(event.anchor, 1)
        else:
            continue
        if anchor is not None:
            size_of[anchor] = size
        stack[-1][1] += size
        total += size if isinstance(event, yaml.AliasEvent) else 0
        if stack[-1][1] > MAX_YAML_NODES or total > MAX_YAML_NODES:
            return line, (f"uses aliases (*name) that expand to more than {MAX_YAML_NODES:,} "
                          "values; write the values out, or use fewer aliases")
    return None


def _collect_lines(node, path: tuple, lines: dict, seen: set | None = None) -> None:
    """Note the line of every key path; a node reached again through an alias is not walked
    again (its lines are those of the anchor)."""
    seen = set() if seen is None else seen
    lines[path] = node.start_mark.line + 1
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _collect_lines(value, path + (key.value,), lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_lines(item, path + (i,), lines, seen)


def read_raw(path: str | Path) -> RawSystem:
    """Read a system's folder or ``.xlsx`` workbook as text, collecting reading problems.

    Raises
    ------
    InputError
        If the path does not exist or is neither a folder nor an ``.xlsx`` workbook.
    """
    path = Path(path)
    if not path.exists():
        raise InputError([Problem(str(path), None, None, None,
                                  "does not exist; give a system folder or an .xlsx workbook")])
    if path.is_dir():
        return _read_folder(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path)
    raise InputError([Problem(str(path), None, None, None,
                              "is neither a folder nor an .xlsx workbook; give the folder that "
                              "holds organisations.csv, services.csv, ... or an .xlsx file")])


def _read_folder(path: Path) -> RawSystem:
    raw = RawSystem(source=path, kind="folder")
    for name, spec in TABLES.items():
        raw.labels[name] = spec.filename
        file = path / spec.filename
        if not file.exists():
            raw.tables[name] = None
            if spec.must_exist:
                raw.problems.append(Problem(spec.filename, None, None, None,
                                            f"is missing from {path}; every system needs it "
                                            f"(required columns: {', '.join(spec.required)})"))
            continue
        text = decode_text(file.read_bytes(), spec.filename, raw.problems)
        raw.tables[name] = _read_csv(text, spec.filename, raw.problems, object)
    for doc, filename, required in (("system", "system.yaml", True),
                                    ("opportunities", "opportunities.yaml", False)):
        raw.labels[doc] = filename
        file = path / filename
        if not file.exists():
            if required:
                raw.problems.append(Problem(filename, None, None, None,
                                            f"is missing from {path}; it needs at least "
                                            "'name: <the system's name>'"))
            continue
        before = len(raw.problems)
        if file.stat().st_size > 4 * MAX_YAML_CHARS:  # refused before it is read into memory
            raw.problems.append(Problem(filename, None, None, None,
                                        f"is {file.stat().st_size:,} bytes long, more than "
                                        f"netkit reads; a system's YAML files are small: check "
                                        "that this is the right file"))
            continue
        text = decode_text(file.read_bytes(), filename, raw.problems)
        value, lines = load_yaml_text(text, filename, raw.problems)
        if value is None and doc == "system" and not any(
                p.severity == "error" for p in raw.problems[before:]):
            value = {}  # an empty system.yaml: reported as having no name
        setattr(raw, f"{doc}_doc", value)
        raw.lines[doc] = lines
    return raw


def _read_workbook(path: Path) -> RawSystem:
    from netkit.render.workbook import WorkbookTooLarge, read_sheets

    raw = RawSystem(source=path, kind="xlsx")
    try:
        sheets = read_sheets(path, path.name)
    except WorkbookTooLarge as err:
        raise InputError([Problem(err.where, None, None, None, err.detail)]) from None
    except Exception as err:  # openpyxl raises many kinds for a broken file
        raise InputError([Problem(path.name, None, None, None,
                                  f"could not be opened as an .xlsx workbook ({err}); save it "
                                  "again from Excel as 'Excel Workbook (.xlsx)'")]) from None
    for name in list(TABLES) + ["system", "opportunities"]:
        label = f"{path.name}, sheet {name}"
        raw.labels[name] = label
        sheet = sheets.get(name)
        if sheet is None:
            if name in TABLES and TABLES[name].must_exist or name == "system":
                raw.problems.append(Problem(label, None, None, None,
                                            f"is missing; the workbook needs a sheet named "
                                            f"'{name}'{_sheet_hint(name, sheets)}"))
            if name in TABLES:
                raw.tables[name] = None
            continue
        frame = _sheet_to_frame(sheet, label, raw.problems)
        if name in TABLES:
            raw.tables[name] = frame
        elif name == "system":
            raw.system_doc = _system_from_sheet(frame)
        else:
            raw.opportunities_doc = _opportunities_from_sheet(frame)
            if frame is not None:
                raw.lines["opportunities"] = {(i,): r for i, r in enumerate(frame[ROW_COLUMN])}
    return raw


def _sheet_hint(name: str, sheets) -> str:
    """A hint where a sheet is there under another case or with spaces (``Organisations``).

    Examples
    --------
    >>> _sheet_hint("organisations", ["System", "Organisations "])
    " (sheet 'Organisations ' found; sheet names are lower case: rename it to 'organisations')"
    """
    for found in sheets:
        if str(found).strip().lower() == name and found != name:
            return (f" (sheet {found!r} found; sheet names are lower case: rename it to "
                    f"{name!r})")
    return ""


def _sheet_to_frame(rows: list, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    """A sheet read by `netkit.render.workbook.read_sheets` (rows that hold something, as text) as a
    frame of text; the first row that holds something is the header."""
    from openpyxl.utils import get_column_letter

    if not rows:
        problems.append(Problem(label, None, None, None,
                                "is empty; it needs a header row naming its columns"))
        return None
    (header_row, header), body = rows[0], rows[1:]
    width = max(len(cells) for _, cells in rows)
    header = [h.strip() for h in header] + [""] * (width - len(header))
    cells = [values + [""] * (width - len(values)) for _, values in body]
    sheet = pd.DataFrame(cells, columns=range(width), dtype=str)
    unnamed = [i for i, h in enumerate(header) if h == "" and len(sheet) and (sheet[i] != "").any()]
    for i in unnamed:
        first = int((sheet[i] != "").to_numpy().argmax())
        problems.append(Problem(label, header_row, None, None,
                                f"column {get_column_letter(i + 1)} has values (from cell "
                                f"{get_column_letter(i + 1)}{body[first][0]}) but no name in the "
                                "header row; name the column or delete its values"))
    if unnamed:
        return None
    keep = [i for i, h in enumerate(header) if h != ""]
    frame = sheet[keep].copy()
    frame.columns = [header[i] for i in keep]
    if len(set(frame.columns)) != len(frame.columns):
        for name in sorted({c for c in frame.columns if list(frame.columns).count(c) > 1}):
            problems.append(Problem(label, header_row, name, None,
                                    "is a column name used twice; keep one of them"))
        return None
    frame[ROW_COLUMN] = [number for number, _ in body]
    blank = (frame.drop(columns=ROW_COLUMN) == "").all(axis=1)
    return frame.loc[~blank].reset_index(drop=True)


def _system_from_sheet(frame: pd.DataFrame | None) -> dict | None:
    if frame is None or frame.empty:
        return {}
    row = frame.iloc[0].drop(ROW_COLUMN)
    return {k: _cell_value(k, v) for k, v in row.items() if v != ""}


def _opportunities_from_sheet(frame: pd.DataFrame | None) -> list | None:
    """Rebuild opportunities from a flat sheet: ``shift.from`` nests, ``;`` separates lists."""
    if frame is None:
        return None
    from netkit.model.opportunity import LIST_KEYS  # the keys that hold lists

    out = []
    for record in frame.drop(columns=ROW_COLUMN).to_dict("records"):
        item: dict = {}
        for key, value in record.items():
            if value == "":
                continue
            parts = key.split(".")
            leaf = parts[-1]
            target = item
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            if leaf in LIST_KEYS or parts[0] in LIST_KEYS:
                target[leaf] = [_cell_value(leaf, v.strip()) if leaf == "range" else v.strip()
                                for v in value.split(";") if v.strip()]
            else:
                target[leaf] = _cell_value(leaf, value)
        out.append(item)
    return out


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _cell_value(key: str, text: str) -> Any:
    """A workbook cell as the YAML file would hold it: numbers as numbers, ids and names as text."""
    if key not in ("id", "name", "title", "description") and _NUMBER.match(text.strip()):
        return float(text)
    return text
