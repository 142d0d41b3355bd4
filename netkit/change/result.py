"""The outcome of applying a changeset: `ChangeResult` (the new system, the flows affected, a log
of each event and what each touched).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from netkit.change.changeset import Changeset
from netkit.change.state import fmt_patients
from netkit.model.system import System
from netkit.render.formats import escape_markdown, markdown_table, terminal_safe, text_table

__all__ = ["ChangeResult"]


@dataclass(frozen=True, repr=False)
class ChangeResult:
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

    def _lines(self) -> list[str]:
        head = f"Changeset {self.changeset.source}"
        if self.changeset.date:
            head += f" ({self.changeset.date})"
        out = [head + (f": {self.changeset.description}" if self.changeset.description else "")]
        out += [f"  event {n}: {text}" for n, text in self.log]
        return out

    def to_text(self) -> str:
        out = self._lines()
        dropped = self.flows_affected[self.flows_affected["action"] == "dropped"]
        if len(dropped):
            out += ["", f"Flows dropped ({fmt_patients(dropped['patients'].sum())} patients a year):",
                    text_table(dropped.assign(patients=dropped["patients"].map(fmt_patients))
                               [["event", "pathway", "source", "target", "patients"]],
                               right=["event", "patients"])]
        out += [f"warning: {w}" for w in self.warnings]
        return terminal_safe("\n".join(out) + "\n")

    def _repr_html_(self) -> str:
        import html

        from netkit.render.formats import html_table

        lines = self._lines()
        return (f"<p>{html.escape(lines[0])}</p><ul>"
                + "".join(f"<li>{html.escape(line.strip())}</li>" for line in lines[1:])
                + "</ul>" + (html_table(self.flows_affected.assign(
                    patients=self.flows_affected["patients"].map(fmt_patients)))
                    if len(self.flows_affected) else "")
                + "".join(f"<p>warning: {html.escape(str(w))}</p>" for w in self.warnings))

    def to_markdown(self) -> str:
        out = ["## Changes", ""] + [f"- event {n}: {escape_markdown(t)}" for n, t in self.log]
        if len(self.flows_affected):
            frame = self.flows_affected.assign(
                patients=self.flows_affected["patients"].map(fmt_patients))
            out += ["", "### Flows affected", "", markdown_table(frame, right=["event",
                                                                              "patients"])]
        return "\n".join(out) + "\n"
