"""The system's tables as the events of a changeset leave them, while they are applied.

`State` holds copies of the tables (the `System` itself is never touched), the problems found so
far, the log, the flows each event touched and what it touched (`Touched`). Each event kind
(`netkit.change.events`) reads and changes a `State`; `netkit.change.apply.apply_changes` makes
one, runs the events over it and builds the new system from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netkit.errors import Problem, check_number
from netkit.model.schema import TABLES

if TYPE_CHECKING:  # for annotations only: the changeset reads the event registry, which uses this
    from netkit.change.changeset import ChangeEvent, Changeset
    from netkit.model.system import System

__all__ = ["State", "Touched", "FLOW_COLUMNS", "fmt_patients", "append_row"]

#: The columns of `ChangeResult.flows_affected`.
FLOW_COLUMNS = ["event", "pathway", "source", "target", "place", "patients", "action"]


def fmt_patients(value: float) -> str:
    """Patients as a person counts them: whole, with thousands separators (reports only; the
    tables and JSON keep the exact values).

    Examples
    --------
    >>> fmt_patients(880.0000000000001), fmt_patients(92.4), fmt_patients(11913.0)
    ('880', '92', '11,913')
    >>> fmt_patients(0.4), fmt_patients(float("nan"))
    ('less than 1', '')
    """
    if value is None or math.isnan(value):
        return ""
    if 0 < abs(value) < 0.5:
        return "less than 1"
    return f"{round(value):,}"


@dataclass
class Touched:
    """What one event touched: pathways, services and organisations (by id)."""

    pathways: set = field(default_factory=set)
    services: set = field(default_factory=set)
    organisations: set = field(default_factory=set)
    tags: bool = False  # pathway tags or cohorts changed: tag selectors must be re-resolved
    ties: set = field(default_factory=set)  # relationships added or ended: (source, target, type)
    named: set = field(default_factory=set)  # organisations the event names (for attribution)

    def mentions(self, orgs: set) -> bool:
        """Does the event name any of these organisations (directly or by a tie)?"""
        return bool((self.organisations | self.named) & orgs) or any(
            a in orgs or b in orgs for a, b, _ in self.ties)


class State:
    """The tables as the events so far leave them (copies; the System is never touched)."""

    def __init__(self, system: System, changeset: Changeset):
        self.t = system.tables()
        self.opportunities = list(system.opportunities.values())
        self.meta = dict(system.meta)
        self.label = changeset.source
        self.problems: list[Problem] = list(changeset.problems)
        self.reported: set = set()  # opportunities whose problem an event already reported
        self.warnings: list[Problem] = []
        self.flows_affected: list[pd.DataFrame] = []
        self.log: list[tuple[int, str]] = []
        self.touched: dict[int, Touched] = {}

    # lookups
    def org_ids(self) -> set:
        return set(self.t["organisations"]["id"])

    def service_ids(self) -> set:
        return set(self.t["services"]["id"])

    def pathway_ids(self) -> set:
        return set(self.t["pathways"]["id"])

    def provider_of(self, service: str) -> str | None:
        s = self.t["services"]
        hit = s.loc[s["id"] == service, "provider"]
        return hit.iloc[0] if len(hit) else None

    def services_of(self, org: str) -> list[str]:
        s = self.t["services"]
        return sorted(s.loc[s["provider"] == org, "id"])

    def pathways_at(self, services) -> set:
        f = self.t["flows"]
        services = list(services)
        return set(f.loc[f["source"].isin(services) | f["target"].isin(services), "pathway"])

    # what happened
    def record_flows(self, event: ChangeEvent, rows: pd.DataFrame, action: str) -> None:
        """Note the flows an event touched, with their patients a year."""
        if rows.empty:
            return
        frame = rows.reindex(columns=FLOW_COLUMNS).assign(event=event.number, action=action)
        self.flows_affected.append(frame.astype({"patients": "float64"}))

    def bad(self, event: ChangeEvent, key: str | None, value: Any, message: str) -> None:
        """Report a problem with one setting of an event (``key``; None for the whole event)."""
        column = f"event {event.number} {event.kind}" + (f".{key}" if key else "")
        self.problems.append(Problem(self.label, event.line, column,
                                     None if value is None else str(value), message))

    # settings checked
    def number(self, event: ChangeEvent, key: str, value, low=0.0, high=None) -> float | None:
        """An event's setting as a number from ``low`` to ``high``; None (and a problem) if it
        is not one."""
        number, message = check_number(value, "a number", low, high)
        if message is not None:
            self.bad(event, key, value, message)
        return number

    def row(self, event: ChangeEvent, table: str, values: dict) -> dict | None:
        """A new row for a table from event settings: numbers checked, text kept as text."""
        spec = TABLES[table]
        row = {}
        ok = True
        for key, value in values.items():
            if spec.kinds.get(key) == "number":
                if value in (None, ""):
                    row[key] = np.nan
                    continue
                number = self.number(event, key, value, 0.0, 1.0 if key == "strength" else None)
                ok &= number is not None
                row[key] = number
            else:
                row[key] = None if value is None else str(value)
        return row if ok else None


def append_row(frame: pd.DataFrame, row: dict) -> pd.DataFrame:
    """``frame`` with one more row, each column keeping its type (new columns are added)."""
    new = pd.DataFrame([row])
    for column in new.columns:
        if column not in frame.columns:
            frame[column] = np.nan if new[column].dtype.kind == "f" else None
    new = new.reindex(columns=frame.columns)
    for column in frame.columns:
        if frame[column].dtype.kind == "f":
            new[column] = pd.to_numeric(new[column], errors="coerce").astype("float64")
        else:
            new[column] = new[column].astype(frame[column].dtype)
    return pd.concat([frame, new], ignore_index=True)
