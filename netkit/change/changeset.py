"""Changesets: dated, ordered change events, read from YAML and checked for shape.

A changeset file (see ``docs/format.md``)::

    date: 2026-10-01
    description: Community trust takes over the virtual ward
    changes:
      - transfer_service: {service: VW-ACU, to: COM-TRUST}
      - remove_organisation: {id: VCSE-2, services: remove}

The kinds of event, their settings and how each is applied are in `netkit.change.events` (its
registry, `EVENTS`, is what the shape check reads). What each event refers to is checked when
it is applied (`netkit.change.apply.apply_changes`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from netkit.change.events import EVENTS, EventKind
from netkit.errors import ChangesetError, Problem
from netkit.io.reading import decode_text, load_yaml_text

__all__ = ["Changeset", "ChangeEvent", "EVENTS", "read_changeset", "parse_changeset"]

#: Settings that name something by id: a number written there (``id: 12``) is read as text.
ID_SETTINGS = ("id", "service", "to", "source", "target", "pathway", "provider", "reroute_to")


@dataclass(frozen=True)
class ChangeEvent:
    """One change: its kind, its parameters and its number in the changeset (from 1)."""

    number: int
    kind: str
    params: dict
    line: int | None = None

    def describe(self) -> str:
        """The event in a few words, e.g. ``transfer_service VW-ACU to COM-TRUST``."""
        what = self.summary()
        return f"{self.kind} {what}" if what else self.kind

    def summary(self) -> str:
        """What the event names, e.g. ``VW-ACU to COM-TRUST`` (empty if it cannot say)."""
        try:
            return EVENTS.get(self.kind, EventKind()).summary(self.params)
        except (KeyError, TypeError, AttributeError):
            return ""

    def to_dict(self) -> dict:
        return {self.kind: self.params}


@dataclass(frozen=True, repr=False)
class Changeset:
    """A dated, ordered list of change events.

    Attributes
    ----------
    events : tuple of ChangeEvent
        The well-formed events, in order.
    date : datetime.date or None
    description : str
    source : str
        The file name (or ``"changeset"``), used in messages.
    problems : tuple of Problem
        Shape problems found when the changeset was read leniently (``strict=False``): events
        that are not events, settings missing or unknown, a date that is not a date. The
        events with such problems are not in ``events``; `netkit.apply_changes` reports these
        problems together with every other problem it finds and applies nothing.
    """

    events: tuple[ChangeEvent, ...]
    date: dt.date | None = None
    description: str = ""
    source: str = "changeset"
    problems: tuple = ()

    def __repr__(self) -> str:
        when = f" {self.date}" if self.date else ""
        bad = f", {len(self.problems)} problem(s)" if self.problems else ""
        return f"<Changeset {self.source}{when}: {len(self.events)} event(s){bad}>"

    def to_frame(self) -> pd.DataFrame:
        """One row per event: ``event`` (its number), ``kind`` and ``summary`` (what it names).

        Examples
        --------
        >>> cs = Changeset.of([{"transfer_service": {"service": "UCR", "to": "ACUTE"}},
        ...                    {"remove_pathway": {"id": "falls"}}])
        >>> cs.to_frame().values.tolist()
        [[1, 'transfer_service', 'UCR to ACUTE'], [2, 'remove_pathway', 'falls']]
        """
        rows = [{"event": e.number, "kind": e.kind, "summary": e.summary()} for e in self.events]
        return pd.DataFrame(rows, columns=["event", "kind", "summary"])

    def to_dict(self) -> dict:
        """The changeset as its YAML document holds it (``date``, ``description``,
        ``changes``), plus ``problems`` where it was read leniently and has some."""
        out: dict[str, Any] = {}
        if self.date is not None:
            out["date"] = self.date
        if self.description:
            out["description"] = self.description
        out["changes"] = [e.to_dict() for e in self.events]
        if self.problems:
            out["problems"] = [p.to_dict() for p in self.problems]
        return out

    def _repr_html_(self) -> str:
        import html

        head = html.escape(f"Changeset {self.source}" + (f" ({self.date})" if self.date else "")
                           + (f": {self.description}" if self.description else ""))
        return (f"<p>{head}</p><ol>" + "".join(f"<li>{html.escape(e.describe())}</li>"
                                               for e in self.events) + "</ol>")

    @classmethod
    def of(cls, changes: list[dict], date=None, description: str = "",
           source: str = "changeset") -> "Changeset":
        """Build a changeset from plain event dicts, checking their shape.

        Examples
        --------
        >>> cs = Changeset.of([{"scale_flows": {"pathway": "frailty", "factor": 1.1}}])
        >>> cs.events[0].describe()
        'scale_flows frailty × 1.1'
        """
        return parse_changeset({"date": date, "description": description, "changes": changes},
                               source)


def read_changeset(path: str | Path, strict: bool = True) -> Changeset:
    """Read a changeset YAML file (safely), checking its shape.

    Parameters
    ----------
    path : str or Path
    strict : bool
        Raise for shape problems (the default). With ``strict=False`` the problems with single
        events (and the date) are kept in `Changeset.problems` instead, so that
        `netkit.apply_changes` can report them together with the problems it finds in the
        other events: every problem in one pass. A file that YAML cannot read, or that holds no
        list of changes, is an error either way.

    Raises
    ------
    ChangesetError
        Listing every problem with the file's shape (unknown events, missing keys, ...).
    """
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_file():
        raise ChangesetError([Problem(str(path), None, None, None,
                                      "does not exist; give a changeset .yaml file")])
    text = decode_text(path.read_bytes(), path.name, problems)
    doc, lines = load_yaml_text(text, path.name, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ChangesetError(errors)
    return parse_changeset(doc, path.name, lines, strict=strict)


def parse_changeset(doc: Any, label: str = "changeset", lines: dict | None = None,
                    strict: bool = True) -> Changeset:
    """Check the shape of a changeset document and build a `Changeset`.

    With ``strict=False``, events with shape problems are left out and their problems kept in
    `Changeset.problems` (see `read_changeset`)."""
    lines = lines or {}
    problems: list[Problem] = []

    def bad(path: tuple, column: str | None, value, message: str):
        problems.append(Problem(label, lines.get(path) or lines.get(path[:2]) or lines.get(()),
                                column, None if value is None else str(value), message))

    if not isinstance(doc, dict) or not isinstance(doc.get("changes"), list):
        bad((), None, None, "should be a mapping with 'changes:' holding a list of events "
                            "(and optionally 'date:' and 'description:')")
        raise ChangesetError(problems)
    date = _read_date(doc.get("date"), lambda value: bad(
        ("date",), "date", value, "is not a date (expected YYYY-MM-DD)"))
    events = []
    for i, item in enumerate(doc["changes"]):
        where = ("changes", i)
        event = _read_event(item, i + 1, lines.get(where), partial(bad, where))
        if event is not None:
            events.append(event)
    if problems and strict:
        raise ChangesetError(problems)
    return Changeset(tuple(events), date, str(doc.get("description") or ""), label,
                     tuple(problems))


def _read_date(date: Any, bad) -> dt.date | None:
    """The changeset's ``date:`` (YYYY-MM-DD), or None if it has none or it is not a date
    (reported to ``bad(value)``)."""
    if isinstance(date, str):
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            bad(date)
            return None
    if date is not None and not isinstance(date, dt.date):
        bad(date)
        return None
    return date


def _read_event(item: Any, number: int, line: int | None, report) -> ChangeEvent | None:
    """One item of ``changes:`` as a `ChangeEvent`, or None if it is not well formed (each
    problem told to ``report(column, value, message)``)."""
    found = []

    def bad(column: str, value, message: str) -> None:
        found.append(column)
        report(column, value, message)

    if not isinstance(item, dict) or len(item) != 1:
        bad(f"event {number}", None,
            "should be one event such as '- transfer_service: {service: X, to: Y}'")
        return None
    kind, params = next(iter(item.items()))
    if kind not in EVENTS:
        import difflib

        close = difflib.get_close_matches(str(kind), EVENTS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        bad(f"event {number}", kind, f"is not a change event{hint}; events: {', '.join(EVENTS)}")
        return None
    if not isinstance(params, dict):
        bad(f"event {number} {kind}", params, "should be a mapping of its settings")
        return None
    _check_settings(EVENTS[kind], params, number, bad)
    if found:
        return None
    params = {k: (str(v) if k in ID_SETTINGS and isinstance(v, (int, float)) else v)
              for k, v in params.items()}
    return ChangeEvent(number, kind, params, line)


def _check_settings(kind: EventKind, params: dict, number: int, bad) -> None:
    """Every required setting given, no setting the kind does not know, and the kind's own
    shape checks."""
    for key in kind.required:
        if key not in params or params[key] in (None, ""):
            bad(f"event {number} {kind.kind}.{key}", None, "is missing")
    if kind.optional is not None:
        for key in params:
            if key not in kind.required and key not in kind.optional:
                bad(f"event {number} {kind.kind}.{key}", None,
                    f"is not a setting of {kind.kind} (settings: "
                    f"{', '.join(kind.required + kind.optional)})")
    kind.check_shape(params, number, bad)
