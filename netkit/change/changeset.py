"""Changesets: dated, ordered change events, read from YAML and checked for shape.

A changeset file (see ``DESIGN.md``)::

    date: 2026-10-01
    description: Community trust takes over the virtual ward
    changes:
      - transfer_service: {service: VW-ACU, to: COM-TRUST}
      - remove_organisation: {id: VCSE-2, services: remove}

Events of format version 1: ``transfer_service``, ``merge_organisations``,
``add_organisation``, ``remove_organisation``, ``add_service``, ``remove_service``,
``set_flow``, ``scale_flows``, ``add_relationship``, ``remove_relationship``,
``update_organisation``. netkit adds (the contract may grow): ``update_service``,
``remove_flow``, ``add_pathway``, ``update_pathway``, ``remove_pathway``; ``remove_service``
may say ``reroute_to: SERVICE`` to keep its flows, and ``set_flow`` and ``scale_flows`` may
name a ``place``. What each event refers to is checked when it is applied
(`netkit.change.apply.apply_changes`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from netkit.errors import ChangesetError, Problem
from netkit.io.reading import decode_text, load_yaml_text

__all__ = ["Changeset", "ChangeEvent", "EVENTS", "read_changeset", "parse_changeset"]

#: Event kind → (required keys, optional keys).
EVENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "transfer_service": (("service", "to"), ()),
    "merge_organisations": (("organisations", "into"), ()),
    "add_organisation": (("id", "name", "type"), None),      # None: any other column
    "remove_organisation": (("id",), ("services",)),
    "add_service": (("id", "name", "provider", "category"), None),
    "remove_service": (("id",), ("reroute_to",)),
    "set_flow": (("pathway", "source", "target", "patients"), ("place",)),
    "scale_flows": (("pathway", "factor"), ("source", "target", "place")),
    "remove_flow": (("pathway", "source", "target"), ("place",)),
    "add_relationship": (("source", "target", "type"), None),
    "remove_relationship": (("source", "target", "type"), ()),
    "update_organisation": (("id", "set"), ()),
    "update_service": (("id", "set"), ()),
    "add_pathway": (("id", "name"), ("cohort", "tags")),
    "update_pathway": (("id", "set"), ()),
    "remove_pathway": (("id",), ()),
}


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
        p = self.params
        what = {
            "transfer_service": lambda: f"{p['service']} to {p['to']}",
            "merge_organisations": lambda: f"{' + '.join(map(str, p['organisations']))} into "
                                           f"{p['into'].get('id')}",
            "set_flow": lambda: f"{p['pathway']}: {p['source']} → {p['target']} = "
                                f"{p['patients']}",
            "scale_flows": lambda: f"{p['pathway']} × {p['factor']}",
            "remove_flow": lambda: f"{p['pathway']}: {p['source']} → {p['target']}",
            "add_relationship": lambda: f"{p['source']} {p['type']} {p['target']}",
            "remove_relationship": lambda: f"{p['source']} {p['type']} {p['target']}",
        }.get(self.kind, lambda: str(p.get("id", "")))
        try:
            return what()
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
    date = doc.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            bad(("date",), "date", date, "is not a date (expected YYYY-MM-DD)")
    elif date is not None and not isinstance(date, dt.date):
        bad(("date",), "date", date, "is not a date (expected YYYY-MM-DD)")
    events = []
    for i, item in enumerate(doc["changes"]):
        number = i + 1
        where = ("changes", i)
        if not isinstance(item, dict) or len(item) != 1:
            bad(where, f"event {number}", None,
                "should be one event such as '- transfer_service: {service: X, to: Y}'")
            continue
        kind, params = next(iter(item.items()))
        if kind not in EVENTS:
            import difflib

            close = difflib.get_close_matches(str(kind), EVENTS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            bad(where, f"event {number}", kind, f"is not a change event{hint}; events: "
                                                f"{', '.join(EVENTS)}")
            continue
        if not isinstance(params, dict):
            bad(where, f"event {number} {kind}", params, "should be a mapping of its settings")
            continue
        required, optional = EVENTS[kind]
        bad_before = len(problems)
        for key in required:
            if key not in params or params[key] in (None, ""):
                bad(where, f"event {number} {kind}.{key}", None, "is missing")
        if optional is not None:
            for key in params:
                if key not in required and key not in optional:
                    bad(where, f"event {number} {kind}.{key}", None,
                        f"is not a setting of {kind} (settings: "
                        f"{', '.join(required + optional)})")
        if kind == "merge_organisations" and params.get("organisations") not in (None, ""):
            _check_merge_list(params["organisations"], number,
                              lambda column, value, message: bad(where, column, value, message))
        params = {k: (str(v) if k in ("id", "service", "to", "source", "target", "pathway",
                                      "provider", "reroute_to") and isinstance(v, (int, float))
                      else v) for k, v in params.items()}
        if len(problems) == bad_before:
            events.append(ChangeEvent(number, kind, params, lines.get(where)))
    if problems and strict:
        raise ChangesetError(problems)
    return Changeset(tuple(events), date if isinstance(date, dt.date) else None,
                     str(doc.get("description") or ""), label, tuple(problems))


def _check_merge_list(orgs: Any, number: int, bad) -> None:
    """``merge_organisations.organisations`` must list two or more different organisation ids.

    Examples
    --------
    >>> found = []
    >>> _check_merge_list(["ACUTE", "ACUTE"], 1, lambda *a: found.append(a))
    >>> found[0][2]
    "names only 'ACUTE'; a merge needs two or more different organisations"
    """
    column = f"event {number} merge_organisations.organisations"
    if not isinstance(orgs, list) or not all(isinstance(o, (str, int, float))
                                             and not isinstance(o, bool) for o in orgs):
        bad(column, orgs, "should be a list of organisation ids, e.g. [ACUTE-A, ACUTE-B]")
        return
    different = list(dict.fromkeys(str(o) for o in orgs))
    if len(different) < 2:
        named = f"only {different[0]!r}" if different else "no organisation"
        bad(column, orgs, f"names {named}; a merge needs two or more different organisations")
