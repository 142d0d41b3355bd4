"""History: partner sets across a sequence of dated changesets (who is core when), and
recomputing after one change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from netkit._strings import plain_strings
from netkit.change.changeset import Changeset
from netkit.model.system import System
from netkit.render.document import (
    MARKDOWN,
    PAGES,
    TEXT,
    Bullets,
    Document,
    Heading,
    Paragraph,
    Table,
)
from netkit.render.html import render_html
from netkit.render.palette import LINE, NHS_BLUE
from netkit.render.views import ReportViews
from netkit.tracking.tracker import PartnerTracker, TrackerUpdate

__all__ = ["Timeline", "timeline", "recompute"]

MARKS = {"core": "●", "involve": "○", "inform": "·"}


@dataclass(frozen=True, repr=False)
class Timeline(ReportViews):
    """Tiers of every organisation, for every opportunity, at every step.

    Attributes
    ----------
    steps : list of str
        Step labels: the starting snapshot, then each changeset's date.
    table : DataFrame
        ``opportunity, id, name`` then one column per step holding the tier (empty where out of
        scope). Organisations that were never core or involve are left out.
    updates : list of TrackerUpdate
        What each changeset did.
    """

    steps: list
    table: pd.DataFrame
    updates: list

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<Timeline: {len(self.steps)} steps, {len(self.table):,} rows>")

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict:
        return {"steps": self.steps, "tiers": self.table.to_dict("records"),
                "updates": [u.to_dict() for u in self.updates]}

    def _matrix(self, opportunity: str) -> pd.DataFrame:
        rows = self.table[self.table["opportunity"] == opportunity]
        shown = rows[["name", "id"] + self.steps].copy()
        for step in self.steps:
            shown[step] = shown[step].map(lambda t: MARKS.get(t, ""))
        return shown

    def report(self) -> Document:
        """The timeline as a `netkit.render.document.Document`: a grid per opportunity
        (organisations down, steps across) and, in text, what each step recomputed."""
        blocks = [Paragraph("Partners over time (● core, ○ involve, · inform)", only=TEXT),
                  Heading("Partners over time", only=PAGES),
                  Paragraph("● core, ○ involve, · inform", only=MARKDOWN)]
        for opportunity in dict.fromkeys(self.table["opportunity"]):
            blocks += [Heading(opportunity, 2), Table(self._matrix(opportunity))]
        for step, update in zip(self.steps[1:], self.updates):
            changed = [d.opportunity for d in update.diffs if d.changed]
            money = [d for d in update.diffs if d.money_moved]
            blocks.append(Paragraph(f"{step}: recomputed {', '.join(update.recomputed) or 'none'}"
                                    f"; changed {', '.join(changed) or 'none'}"
                                    + (f"; money moves for {', '.join(d.opportunity for d in money)}"
                                       if money else ""), apart=True, only=TEXT))
            blocks += _money_blocks(step, money)
        return Document(blocks, title="Partners over time")


    def _repr_html_(self) -> str:
        return render_html(Document([Table(self.table)]), notebook=True)

    def save_picture(self, path: str | Path) -> Path:
        """A PNG (or SVG) grid per opportunity: organisations down, steps across; a filled
        dot where core, a ring where involve."""
        import matplotlib
        from matplotlib.figure import Figure

        path = Path(path)
        opportunities = list(dict.fromkeys(self.table["opportunity"]))
        heights = [max(len(self.table[self.table["opportunity"] == o]), 1) for o in opportunities]
        fig = Figure(figsize=(2 + 1.2 * len(self.steps), 1 + 0.28 * sum(heights) +
                              0.6 * len(opportunities)))
        axes = fig.subplots(len(opportunities), 1, squeeze=False,
                            gridspec_kw={"height_ratios": heights})[:, 0]
        for ax, opportunity in zip(axes, opportunities):
            rows = self.table[self.table["opportunity"] == opportunity].reset_index(drop=True)
            for x, step in enumerate(self.steps):
                for y, tier in enumerate(rows[step]):
                    if tier == "core":
                        ax.plot(x, y, "o", color=NHS_BLUE, markersize=8)
                    elif tier == "involve":
                        ax.plot(x, y, "o", mfc="none", color=NHS_BLUE, markersize=8)
                    elif tier == "inform":
                        ax.plot(x, y, ".", color=LINE)
            ax.set_yticks(range(len(rows)), rows["name"], fontsize=7)
            ax.set_xticks(range(len(self.steps)), self.steps, fontsize=7)
            ax.set_xlim(-0.5, len(self.steps) - 0.5)
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.set_title(opportunity, fontsize=9, loc="left")
        fig.tight_layout()
        with matplotlib.rc_context({"svg.hashsalt": "netkit"}):
            fig.savefig(path, metadata={"Date": None} if path.suffix == ".svg"
                        else {"Software": None})
        return path


def _money_blocks(step: str, diffs: list) -> list:
    """What a step did to the money of each opportunity it moved (`netkit.tracking.money`)."""
    blocks = []
    for diff in diffs:
        blocks += [Paragraph(f"  {diff.opportunity}:", only=TEXT),
                   Heading(f"{step}: money in {diff.opportunity}", 3, only=PAGES),
                   Bullets(diff.money.summary(), wrap=False)]
    return blocks


def _label(changeset: Changeset, i: int) -> str:
    return changeset.date.isoformat() if changeset.date else f"change {i}"


@plain_strings
def timeline(system: System, changesets, opportunities=None, tolerance: float = 0.0,
             **options) -> Timeline:
    """Apply dated changesets in date order (undated ones last, in the order given) and record
    each opportunity's partners after each.

    Examples
    --------
    >>> import netkit
    >>> from netkit.change.changeset import Changeset
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> close = Changeset.of([{"remove_organisation": {"id": "COUNCIL", "services": "remove"}}],
    ...                      date="2026-06-01")
    >>> t = timeline(system, [close], opportunities=["frailty"])
    >>> t.steps
    ['2026-04-01', '2026-06-01']
    >>> t.table.set_index("id").loc["COUNCIL", t.steps].tolist()
    ['core', '']
    """
    ordered = sorted(enumerate(changesets), key=lambda ic: (ic[1].date is None,
                                                            ic[1].date or 0, ic[0]))
    tracker = PartnerTracker(system, opportunities, tolerance=tolerance, **options)
    start = system.meta.get("snapshot")
    steps = [start.isoformat() if hasattr(start, "isoformat") else str(start or "start")]
    snapshots = [{oid: ps.partners for oid, ps in tracker.partner_sets.items()}]
    updates: list[TrackerUpdate] = []
    for i, changeset in ordered:
        updates.append(tracker.apply(changeset))
        steps.append(_label(changeset, i + 1))
        snapshots.append({oid: ps.partners for oid, ps in tracker.partner_sets.items()})
    rows = []
    for oid in tracker.partner_sets:
        names, tiers = {}, []
        for snap in snapshots:
            p = snap[oid]
            names.update(zip(p["id"], p["name"]))
            tiers.append(dict(zip(p["id"], p["tier"])))
        ever = [i for i in names if any(t.get(i) in ("core", "involve") for t in tiers)]
        first_seen = {i: min(k for k, t in enumerate(tiers) if i in t) for i in ever}
        order = sorted(ever, key=lambda i: (min((k for k, t in enumerate(tiers)
                                                 if t.get(i) == "core"), default=99),
                                            first_seen[i], i))
        for org in order:
            rows.append({"opportunity": oid, "id": org, "name": names[org],
                         **{step: t.get(org, "") for step, t in zip(steps, tiers)}})
    table = pd.DataFrame(rows, columns=["opportunity", "id", "name"] + steps)
    return Timeline(steps, table, updates)


@plain_strings
def recompute(system: System, changes, opportunities=None, tolerance: float = 0.0,
              top: int | None = 10, **options) -> TrackerUpdate:
    """Partner sets before and after a change, recomputing only what it touches.

    Parameters
    ----------
    system : System
    changes : Changeset or System
        A changeset, or a later snapshot of the same system (the changes are derived with
        `netkit.diff_systems`).
    opportunities : iterable of str, optional
        Default: every opportunity of the system.
    tolerance : float
        Hysteresis (see `PartnerTracker`).
    top : int or None
        How many events and flows the reports list before saying how many more (None: all).
    **options
        ``jobs`` (see `PartnerTracker`), and the rest passed to `netkit.find_partners`.
    """
    if isinstance(changes, System):
        from netkit.change.derive import diff_systems

        changes = diff_systems(system, changes)
    update = PartnerTracker(system, opportunities, tolerance=tolerance, **options).apply(changes)
    return replace(update, top=top)
