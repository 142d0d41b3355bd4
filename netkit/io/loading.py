"""Load a system (folder or workbook) into a `System`, or report every problem with it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netkit.errors import InputError, Problem
from netkit.io.reading import read_raw
from netkit.io.validation import validate_raw
from netkit.model.system import System
from netkit.render.document import HTML, TEXT, Document, Lines, Paragraph, Table
from netkit.render.html import render_html
from netkit.render.text import render_text

__all__ = ["load_system", "validate", "ValidationReport", "input_checksum"]


@dataclass(frozen=True, repr=False)
class ValidationReport:
    """What `validate` found: every error and warning, each with file, row, column and value.

    Examples
    --------
    >>> import netkit
    >>> report = netkit.validate(netkit.sample_path("tiny"))
    >>> report.ok, len(report.errors)
    (True, 0)
    """

    source: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<ValidationReport {self.source!r}: {'valid' if self.ok else 'invalid'}, "
                f"{len(self.errors)} problems, {len(self.warnings)} warnings>")

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        rows = [p.to_dict() for p in self.errors + self.warnings]
        return pd.DataFrame(rows, columns=["file", "row", "column", "value", "message",
                                           "severity"])

    @property
    def error_count(self) -> int:
        """How many errors there are, counting those summed up as "and N more rows like these"."""
        return sum(p.count for p in self.errors)

    @property
    def warning_count(self) -> int:
        """How many warnings there are, counting those summed up as "and N more"."""
        return sum(p.count for p in self.warnings)

    def to_dict(self) -> dict:
        """The report for JSON. Each kind of problem in a column lists its first rows; an entry
        with ``more`` stands for that many further rows; ``error_count`` and ``warning_count``
        count every row."""
        return {"source": self.source, "valid": self.ok,
                "error_count": self.error_count, "warning_count": self.warning_count,
                "errors": [p.to_dict() for p in self.errors],
                "warnings": [p.to_dict() for p in self.warnings]}

    def report(self) -> Document:
        """The report as a `netkit.render.document.Document`: a verdict line, then every
        problem, errors first (the first rows of each kind of problem in a column, then how
        many more rows have it), as lines in text and a table in HTML."""
        n, w = self.error_count, self.warning_count
        verdict = "valid" if self.ok else f"{n:,} problem{'s' if n != 1 else ''}"
        if w:
            verdict += f", {w:,} warning{'s' if w != 1 else ''}"
        problems = ([f"  error: {p}" for p in self.errors]
                    + [f"  warning: {p}" for p in self.warnings])
        return Document([Paragraph(f"{self.source}: {verdict}"),
                         Lines(problems, only=TEXT) if problems else None,
                         Table(self.to_frame(), only=HTML)], title=self.source)

    def to_text(self) -> str:
        """What a person reads (`report`)."""
        return render_text(self.report())

    def _repr_html_(self) -> str:
        return render_html(self.report(), notebook=True)


def validate(path: str | Path) -> ValidationReport:
    """Check a system folder or workbook against the format contract.

    Every problem is reported at once; nothing is raised for bad content.

    Parameters
    ----------
    path : str or Path
        A folder of CSV and YAML files, or an ``.xlsx`` workbook with one sheet per table.

    Returns
    -------
    ValidationReport
    """
    try:
        checked = validate_raw(read_raw(path))
    except InputError as err:  # the path itself is unusable
        return ValidationReport(str(path), err.problems, err.warnings)
    return ValidationReport(str(path), checked.errors, checked.warnings)


def load_system(path: str | Path) -> System:
    """Read a system folder or ``.xlsx`` workbook into an immutable `System`.

    Parameters
    ----------
    path : str or Path
        A folder holding ``system.yaml``, ``organisations.csv``, ``services.csv``,
        ``pathways.csv``, ``flows.csv`` and optionally ``relationships.csv`` and
        ``opportunities.yaml``; or an ``.xlsx`` workbook with a sheet for each.

    Returns
    -------
    System
        Warnings found while loading are in ``system.warnings``.

    Raises
    ------
    InputError
        Listing every problem found (file, row, column, value, how to fix); nothing is loaded.

    Examples
    --------
    >>> import netkit
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> sorted(system.opportunities)
    ['falls', 'frailty']
    """
    raw = read_raw(path)
    checked = validate_raw(raw)
    if checked.errors:
        raise InputError(checked.errors, checked.warnings)
    rows = {name: (raw.labels.get(name, name), checked.rows[name].to_numpy())
            for name in checked.rows}  # kept so that reasons can cite the rows they sum
    return System(checked.tables, checked.meta, checked.opportunities, source=str(path),
                  warnings=checked.warnings, checksum=input_checksum(path),
                  given_columns=checked.given, input_rows=rows)


def input_checksum(path: str | Path) -> str:
    """SHA-256 over a system's input files (names and bytes, in name order), or a workbook.

    Examples
    --------
    >>> import netkit
    >>> len(input_checksum(netkit.sample_path("tiny")))
    64
    """
    path = Path(path)
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(
        p for p in path.iterdir() if p.is_file() and p.suffix in (".csv", ".yaml", ".yml"))
    for file in files:
        digest.update(file.name.encode("utf-8") + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()
