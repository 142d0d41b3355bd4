"""The outcome of applying a changeset: `ChangeResult` (the new system, the flows affected, a log
of each event and what each touched).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from netkit.change.changeset import Changeset
from netkit.change.state import fmt_patients
from netkit.model.system import System
from netkit.render.document import (
    MARKDOWN,
    PAGES,
    TEXT,
    Bullets,
    Document,
    Heading,
    Lines,
    Paragraph,
    Table,
)
from netkit.render.html import render_html
from netkit.render.views import ReportViews

__all__ = ["ChangeResult"]


@dataclass(frozen=True, repr=False)
class ChangeResult(ReportViews):
    """The outcome of applying a changeset.

    Attributes
    ----------
    system : System
        The new system (the old one is unchanged).
    changeset : Changeset
    flows_affected : DataFrame
        ``event, pathway, source, target, place, patients, action``: every flow an event
        dropped, re-routed, moved, set, scaled or made internal, with patients a year (before the
        event for drops, after it otherwise).
    log : list of (int, str)
        What each event did, in words.
    touched : dict of int to Touched
        What each event touched (used to decide which opportunities to recompute).
    warnings : list of Problem
        Opportunities left naming something that no longer exists, and similar.
    """

    system: System
    changeset: Changeset
    flows_affected: pd.DataFrame
    log: list
    touched: dict
    warnings: list = field(default_factory=list)

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<ChangeResult: {len(self.log)} events applied, "
                f"{len(self.flows_affected):,} flows affected, {len(self.warnings)} warnings>")

    def to_frame(self) -> pd.DataFrame:
        return self.flows_affected

    def to_dict(self) -> dict:
        return {"date": self.changeset.date, "description": self.changeset.description,
                "events": [{"event": n, "did": text} for n, text in self.log],
                "flows_affected": self.flows_affected.to_dict("records"),
                "warnings": [p.to_dict() for p in self.warnings]}

    def _heading(self) -> str:
        head = f"Changeset {self.changeset.source}"
        if self.changeset.date:
            head += f" ({self.changeset.date})"
        description = self.changeset.description.strip()  # YAML's ``>`` ends in a line feed
        return head + (f": {description}" if description else "")

    def _affected(self) -> pd.DataFrame:
        """Every flow affected, patients as a reader writes them and a blank place blank."""
        f = self.flows_affected
        return f.assign(place=f["place"].where(f["place"].notna(), ""),
                        patients=f["patients"].map(fmt_patients))

    def report(self) -> Document:
        """The result as a `netkit.render.document.Document`: the changeset and what each event
        did, then in text the flows dropped, in Markdown and HTML every flow affected, and the
        warnings."""
        events = [f"event {n}: {t}" for n, t in self.log]
        blocks = [Paragraph(self._heading(), only=("text", "html")),
                  Heading("Changes", 2, only=MARKDOWN),
                  Lines([f"  {line}" for line in events], only=TEXT),
                  Bullets(events, only=PAGES) if events else None]
        dropped = self.flows_affected[self.flows_affected["action"] == "dropped"]
        if len(dropped):
            total = fmt_patients(dropped["patients"].sum())
            frame = dropped.assign(patients=dropped["patients"].map(fmt_patients))
            blocks += [Paragraph(f"Flows dropped ({total} patient movements a year):",
                                 apart=True, only=TEXT),
                       Table(frame[["event", "pathway", "source", "target", "patients"]],
                             right=("event", "patients"), only=TEXT)]
        if len(self.flows_affected):
            blocks += [Heading("Flows affected", 3, only=MARKDOWN),
                       Table(self._affected(), right=("event", "patients"), only=PAGES)]
        blocks += [Paragraph(f"warning: {w}") for w in self.warnings]
        return Document(blocks, title=f"Changeset {self.changeset.source}")


    def _repr_html_(self) -> str:
        return render_html(self.report(), compact=True)
