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
(`netkit.apply.apply_changes`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ChangesetError, Problem
from .reading import decode_text, load_yaml_text

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
            return f"{self.kind} {what()}"
        except (KeyError, TypeError, AttributeError):
            return self.kind

    def to_dict(self) -> dict:
        return {self.kind: self.params}


@dataclass(frozen=True)
class Changeset:
    """A dated, ordered list of change events."""

    events: tuple[ChangeEvent, ...]
    date: dt.date | None = None
    description: str = ""
    source: str = "changeset"

    def to_dict(self) -> dict:
        out: dict[str, Any] = {}
        if self.date is not None:
            out["date"] = self.date
        if self.description:
            out["description"] = self.description
        out["changes"] = [e.to_dict() for e in self.events]
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


def read_changeset(path: str | Path) -> Changeset:
    """Read a changeset YAML file (safely), checking its shape.

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
    return parse_changeset(doc, path.name, lines)


def parse_changeset(doc: Any, label: str = "changeset", lines: dict | None = None) -> Changeset:
    """Check the shape of a changeset document and build a `Changeset`."""
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
        events.append(ChangeEvent(number, kind, params, lines.get(where)))
    if problems:
        raise ChangesetError(problems)
    return Changeset(tuple(events), date, str(doc.get("description") or ""), label)


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
