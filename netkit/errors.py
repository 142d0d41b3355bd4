"""One exception hierarchy for netkit, and the `Problem` record that input errors carry.

Every error netkit raises on purpose is a `NetkitError`. Errors about input files carry a list of
`Problem` so that a person sees every problem at once, each with the file, row and column to fix.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Iterable

__all__ = [
    "SHOWN_PER_KIND",
    "NetkitError",
    "InputError",
    "OpportunityError",
    "ChangesetError",
    "OptionError",
    "Problem",
    "unknown_name",
    "check_number",
    "number_bounds",
]


#: Rows listed one by one for each kind of problem in a column; the rest are counted.
SHOWN_PER_KIND = 20
#: Characters of a value shown in a problem; a longer value is cut, saying how long it was.
SHOWN_VALUE_CHARS = 200


def unknown_name(option: str, name: str, known, example: str) -> "OptionError":
    """The one message for a ``NAME=VALUE`` option naming something netkit does not know.

    Examples
    --------
    >>> print(unknown_name("represent", "gp_practise", ["gp_practice", "pcn"], "gp_practice=parent"))
    represent: 'gp_practise' is not a known name (did you mean 'gp_practice'?); expected one of gp_practice, pcn, e.g. gp_practice=parent
    """
    import difflib

    known = list(known)
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return OptionError(f"{option}: {name!r} is not a known name{hint}; expected one of "
                       f"{', '.join(known)}, e.g. {example}")


def number_bounds(minimum: float = 0.0, maximum: float | None = None) -> str:
    """The range a number must be in, in words: ``≥ 0``, ``from 0 to 1``, ``from 0 to 1,000,000``.

    Examples
    --------
    >>> number_bounds(), number_bounds(0, 1), number_bounds(0, 1e9)
    ('≥ 0', 'from 0 to 1', 'from 0 to 1,000,000,000')
    """
    if maximum is None:
        return f"≥ {minimum:g}"
    return f"from {minimum:g} to {maximum:,.0f}" if maximum >= 1000 else \
        f"from {minimum:g} to {maximum:g}"


def check_number(value: Any, expected: str = "a number", minimum: float = 0.0,
                 maximum: float | None = None) -> tuple[float | None, str | None]:
    """The one check of a number given in a file or an option, with the one message template.

    Returns ``(number, None)`` when ``value`` is a finite number from ``minimum`` to ``maximum``,
    else ``(None, message)``, the message saying what is wrong and what is expected:
    ``is not a number (expected <expected> <bounds>)`` or ``is out of range (expected ...)``.
    The caller puts in front where the value was (a file, row and column, or an option name).

    Examples
    --------
    >>> check_number("0.5", maximum=1)
    (0.5, None)
    >>> check_number("lots", "a fraction", maximum=1)
    (None, 'is not a number (expected a fraction from 0 to 1)')
    >>> check_number(-3)
    (None, 'is out of range (expected a number ≥ 0)')
    >>> check_number(True)
    (None, 'is not a number (expected a number ≥ 0)')
    """
    expectation = f"{expected} {number_bounds(minimum, maximum)}"
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        return None, f"is not a number (expected {expectation})"
    if math.isnan(number) or math.isinf(number) or number < minimum or (
            maximum is not None and number > maximum):
        return None, f"is out of range (expected {expectation})"
    return number, None


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
    more : int
        How many further rows have the same problem and are not listed one by one (validation
        lists the first `SHOWN_PER_KIND` rows of each kind of problem in a column, then one
        problem saying "and N more rows like these" that carries N here). 0 for a single
        problem.

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
    more: int = 0

    @property
    def count(self) -> int:
        """How many rows this problem stands for: 1, or ``more`` for an "and N more" line."""
        return self.more or 1

    def location(self) -> str:
        """Where the problem is, e.g. ``flows.csv row 12, column patients``."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f" {'line' if self.file.endswith('.yaml') else 'row'} {self.row}")
        if self.column is not None:
            parts.append(f", column {self.column}")
        return "".join(parts)

    def shown_value(self) -> str | None:
        """The value as reports show it: whole, or its first `SHOWN_VALUE_CHARS` characters and
        how long it is, so that one enormous cell does not make an enormous report."""
        value = self.value
        if not isinstance(value, str) or len(value) <= SHOWN_VALUE_CHARS:
            return value
        return f"{value[:SHOWN_VALUE_CHARS]}… ({len(value):,} characters)"

    def __str__(self) -> str:
        value = "" if self.value is None else f"{self.shown_value()!r} "
        return f"{self.location()}: {value}{self.message}"

    def to_dict(self) -> dict:
        """The problem as a plain dictionary (for JSON); ``more`` only where it is not 0."""
        out = asdict(self)
        out["value"] = self.shown_value()
        if not self.more:
            del out["more"]
        return out


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
        n = sum(p.count for p in self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the input:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class OpportunityError(NetkitError):
    """An opportunity that is unknown or cannot be analysed as given."""


class ChangesetError(InputError):
    """A changeset that does not fit the system it is applied to."""


class OptionError(NetkitError):
    """An option (a weight, a representation rule, a threshold) with a value netkit cannot use."""
