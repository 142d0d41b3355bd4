"""One exception hierarchy for netkit, and the `Problem` record that input errors carry.

Every error netkit raises on purpose is a `NetkitError`. Errors about input files carry a list of
`Problem` so that a person sees every problem at once, each with the file, row and column to fix.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable

__all__ = [
    "NetkitError",
    "InputError",
    "OpportunityError",
    "ChangesetError",
    "OptionError",
    "Problem",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file.

    Parameters
    ----------
    file : str
        The file as a person would find it, e.g. ``"flows.csv"`` or ``"system.xlsx, sheet flows"``.
    row : int or None
        The row as a spreadsheet shows it: the header is row 1, so the first data row is row 2.
        ``None`` where the problem is about the whole file or a column.
    column : str or None
        The column (or YAML key) concerned, where there is one.
    value : str or None
        The offending value, exactly as written.
    message : str
        What is wrong and how to fix it.
    severity : {"error", "warning"}
        Errors stop a system from loading; warnings are reported and loading goes on.

    Examples
    --------
    >>> p = Problem("flows.csv", 12, "patients", "lots",
    ...             "is not a number of patients (expected a number ≥ 0)")
    >>> str(p)
    "flows.csv row 12, column patients: 'lots' is not a number of patients (expected a number ≥ 0)"
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"

    def location(self) -> str:
        """Where the problem is, e.g. ``flows.csv row 12, column patients``."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f" {'line' if self.file.endswith('.yaml') else 'row'} {self.row}")
        if self.column is not None:
            parts.append(f", column {self.column}")
        return "".join(parts)

    def __str__(self) -> str:
        value = "" if self.value is None else f"{self.value!r} "
        return f"{self.location()}: {value}{self.message}"

    def to_dict(self) -> dict:
        """The problem as a plain dictionary (for JSON)."""
        return asdict(self)


class NetkitError(Exception):
    """Base class of every error netkit raises on purpose."""


class InputError(NetkitError):
    """Input files that cannot be used as they are; carries every `Problem` found.

    Examples
    --------
    >>> err = InputError([Problem("organisations.csv", 3, "id", "RXX", "is used twice")])
    >>> print(err)
    1 problem in the input:
      organisations.csv row 3, column id: 'RXX' is used twice
    """

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.problems = list(problems)
        self.warnings = list(warnings)
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the input:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class OpportunityError(NetkitError):
    """An opportunity that is unknown or cannot be analysed as given."""


class ChangesetError(InputError):
    """A changeset that does not fit the system it is applied to."""


class OptionError(NetkitError):
    """An option (a weight, a representation rule, a threshold) with a value netkit cannot use."""
