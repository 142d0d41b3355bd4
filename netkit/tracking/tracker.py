"""Keep partner sets current as the system changes, recomputing only what a change touches.

`PartnerTracker` holds the partner set of each opportunity and what it depends on: the
pathways its selectors chose, the in-scope services, the in-scope organisations with the
candidates that stand for them and their parents, and the organisations it includes or
excludes. Each change event says what it touched (`netkit.change.apply.Touched`): pathways, services,
organisations, relationships, and whether pathway tags or cohorts changed. An opportunity is
recomputed when a touched id is one it depends on, when a relationship between two of its
organisations (or commissioning one of them) was added or ended, or when tags changed and it
selects pathways by tag or cohort.
Every other opportunity keeps its partner set: nothing it depends on moved, so recomputing it
would give the same answer (a property test checks this).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from netkit._parallel import ordered_map
from netkit._progress import stage, steps
from netkit.change.apply import ChangeResult, Touched, apply_changes, fmt_patients
from netkit.change.changeset import Changeset
from netkit.model.opportunity import Opportunity
from netkit.model.selectors import PATHWAY_KINDS, parse_selector
from netkit.model.system import System
from netkit.partners.find import PartnerSet, find_partners
from netkit.render.document import (
    HTML,
    MARKDOWN,
    PAGES,
    TEXT,
    Bullets,
    Document,
    Footer,
    Heading,
    Lines,
    Paragraph,
    Table,
)
from netkit.render.html import render_html
from netkit.render.views import ReportViews
from netkit.tracking.diff import PartnerDiff, diff_partner_sets
from netkit.tracking.money import money_diff

__all__ = ["PartnerTracker", "TrackerUpdate", "Dependencies", "dependencies_of"]


@dataclass(frozen=True)
class Dependencies:
    """What one opportunity's partner set depends on."""

    pathways: frozenset
    services: frozenset
    organisations: frozenset
    uses_tags: bool

    def touched_by(self, touched: Touched) -> bool:
        """Does anything this depends on appear among what an event touched? A relationship
        matters when both its ends are in scope (the cost of a new tie), or when it commissions
        an in-scope organisation (commissioners enter the scope that way)."""
        if (self.pathways & touched.pathways or self.services & touched.services
                or self.organisations & touched.organisations
                or (touched.tags and self.uses_tags)):
            return True
        return any((target in self.organisations and source in self.organisations)
                   or (kind == "commissions" and target in self.organisations)
                   for source, target, kind in touched.ties)


def dependencies_of(ps: PartnerSet, system: System) -> Dependencies:
    """What a partner set depends on (see the module's description)."""
    scope = ps.scope
    orgs = set(scope.organisations["id"]) | set(scope.organisations["candidate"])
    frame = system.organisations
    parents = frame.set_index("id")["parent"]
    orgs |= {p for p in parents.reindex(list(orgs)).dropna()}
    opp = ps.opportunity
    orgs |= set(opp.include) | set(opp.exclude)
    selectors = [parse_selector(s, PATHWAY_KINDS) for s in opp.pathways]
    uses_tags = any(s.kind == "tag" for s in selectors) or bool(opp.cohort)
    named = {s.value for s in selectors if s.kind == "id"}
    return Dependencies(frozenset(set(scope.pathways) | named),
                        frozenset(scope.services["id"]), frozenset(orgs), uses_tags)


@dataclass(frozen=True, repr=False)
class TrackerUpdate(ReportViews):
    """The result of `PartnerTracker.apply`: what was recomputed, and how each set changed.

    Reports lead with the answer (who joined, left or moved tier, opportunity by opportunity),
    then what was recomputed, then the events and the flows they touched. Long lists are
    summarised: the first ``top`` events and flows are shown, with a count of the rest (the JSON
    output always has all of them).

    Attributes
    ----------
    recomputed, unchanged : list of str
        Opportunity ids recomputed, and left as they were (nothing they depend on changed).
    diffs : list of PartnerDiff
        One per recomputed opportunity.
    change : ChangeResult
    events_by_opportunity : dict
        The events that touched each recomputed opportunity.
    top : int or None
        How many events and flows the text, Markdown and HTML reports list (None: all).
    provenance : str
        netkit version, input path and SHA-256, changeset and options (the HTML footer).
    """

    recomputed: list
    unchanged: list
    diffs: list
    change: ChangeResult
    events_by_opportunity: dict = field(default_factory=dict)
    top: int | None = 10
    provenance: str = ""

    @property
    def changed(self) -> bool:
        """Did any partner set change?"""
        return any(d.changed for d in self.diffs)

    def __repr__(self) -> str:
        changed = [d.opportunity for d in self.diffs if d.changed]
        return (f"<TrackerUpdate {self.change.changeset.source}: {len(self.change.log)} "
                f"event(s); recomputed {len(self.recomputed)}, changed "
                f"{', '.join(changed) or 'none'}>")

    def to_frame(self) -> pd.DataFrame:
        frames = [d.to_frame() for d in self.diffs]
        return pd.concat(frames, ignore_index=True) if frames else PartnerDiff(
            "", "", [], [], [], [], []).to_frame()

    def to_dict(self) -> dict:
        return {"recomputed": self.recomputed, "unchanged": self.unchanged,
                "changed": [d.opportunity for d in self.diffs if d.changed],
                "money_moved": [d.opportunity for d in self.diffs if d.money_moved],
                "diffs": [d.to_dict() for d in self.diffs],
                "events": [{"event": n, "did": t} for n, t in self.change.log],
                "flows_affected": self.change.flows_affected.to_dict("records"),
                "provenance": self.provenance}

    # -- the pieces of every report ----------------------------------------------------------
    def _heading(self) -> tuple[str, str]:
        cs = self.change.changeset
        head = (f"changeset {cs.source}" if cs.source != "changeset" else "a changeset") + (
            f" ({cs.date})" if cs.date else "")
        return head, cs.description

    def _outcome(self) -> str:
        """The answer in one or two sentences: whose core changed, whose other tiers moved."""
        n = len(self.recomputed)
        others = (f" {len(self.unchanged)} other opportunit"
                  f"{'y was' if len(self.unchanged) == 1 else 'ies were'} not affected."
                  if self.unchanged else "")
        if not n:
            return "No opportunity depends on what changed: every partner set is as it was."
        one = n == 1
        touched = (f"the one opportunity the change touches ({self.recomputed[0]})" if one
                   else f"the {n} opportunities the change touches")
        core = [d.opportunity for d in self.diffs if d.joined or d.left]
        tiers = [d.opportunity for d in self.diffs if d.moved and not (d.joined or d.left)]
        if core:
            line = (f"The core partners change for {touched}." if one else
                    f"The core partners change for {len(core)} of {touched}: "
                    f"{', '.join(core)}.")
        elif tiers:
            line = f"No core partner changes for {'' if one else 'any of '}{touched}."
        else:
            line = f"Nothing changes for {'' if one else 'any of '}{touched}."
        if tiers:
            line += (" Partners outside the core move" + ("." if one else
                     f" for {len(tiers)}: {', '.join(tiers)}."))
        money = [d.opportunity for d in self.diffs if d.money_moved]
        if money:  # a change that moves the money is never "nothing changes"
            line = line.replace("Nothing changes for", "No partner changes for")
            line += " The money moves" + ("." if one else f" for {', '.join(money)}.")
        return line + others

    def _shown(self, items: list) -> tuple[list, int]:
        """The first ``top`` items and how many are left out."""
        if self.top is None or self.top <= 0 or len(items) <= self.top:
            return items, 0
        return items[:self.top], len(items) - self.top

    def _events(self) -> tuple[list, str]:
        shown, more = self._shown(list(self.change.log))
        rest = (f"and {more} more event{'s' if more != 1 else ''} (the JSON output lists "
                "every one; --top 0 shows them all here)") if more else ""
        return shown, rest

    def _flow_summary(self) -> list[str]:
        f = self.change.flows_affected
        if f.empty:
            return []
        # "set from 800 to 880", "set from 84 to 92", ...: one line for all the new numbers
        action = f["action"].where(~f["action"].str.startswith("set from "), "patients set")
        grouped = f.groupby(action, sort=False)["patients"].agg(["size", "sum"])
        # summed over flows these are patient movements (a patient moving twice counts twice),
        # not patients
        return [f"{action}: {int(n)} flow{'s' if n != 1 else ''}, {fmt_patients(total)} "
                "patient movements a year" for action, (n, total) in grouped.iterrows()]

    def _largest_flows(self) -> tuple[pd.DataFrame, int]:
        """The flows affected, cut to ``top``: dropped flows first (patients lost), then flows
        that moved, were re-routed, added or made internal, then flows whose numbers changed;
        within each, largest first (ties in event order)."""
        f = self.change.flows_affected
        action = f["action"]
        rank = np.where(action == "dropped", 0,
                        np.where(action.str.startswith(("set from ", "scaled ")), 2, 1))
        order = f.assign(_rank=rank, _order=range(len(f))).sort_values(
            ["_rank", "patients", "_order"], ascending=[True, False, True], kind="mergesort")
        order = order.drop(columns=["_rank", "_order"])
        shown, more = self._shown(list(range(len(order))))
        columns = ["event", "pathway", "source", "target"] + (
            ["place"] if f["place"].notna().any() else []) + ["patients", "action"]
        frame = order.iloc[:len(shown)][columns]
        if "place" in columns:
            frame = frame.assign(place=frame["place"].where(frame["place"].notna(), ""))
        return frame.assign(patients=frame["patients"].map(fmt_patients)), more

    # -- the reports --------------------------------------------------------------------------
    def _flow_blocks(self) -> list:
        """The flows affected: in words, then (Markdown and HTML) the largest of them."""
        lines = self._flow_summary() or ["none"]
        blocks = [Paragraph("Flows affected:", apart=True, only=TEXT),
                  Lines([f"  {line}" for line in lines], only=TEXT),
                  Heading("Flows affected", 2, only=PAGES), Bullets(lines, only=PAGES)]
        if not self.change.flows_affected.empty:
            frame, more = self._largest_flows()
            blocks += [Paragraph("Flows affected, dropped and moved first, then the largest:"
                                 if more else "Every flow affected:", only=MARKDOWN),
                       Table(frame, right=("event", "patients"), only=PAGES)]
            if more:
                blocks.append(Paragraph(f"and {more} more flow{'s' if more != 1 else ''} (the "
                                        "JSON output lists every one)", emphasis=True,
                                        only=PAGES))
        return blocks

    def report(self) -> Document:
        """The update as a `netkit.render.document.Document`: what changed, the answer (whose
        partners change), each recomputed opportunity's diff, the events and the flows."""
        head, description = self._heading()
        recomputed = ", ".join(self.recomputed) or "none"
        unchanged = ", ".join(self.unchanged) or "none"
        blocks = [Paragraph(f"What changed: {head}", only=TEXT),
                  Heading(f"What changed: {head}", only=PAGES),
                  Paragraph(description) if description else None,
                  Heading("Partners", 2, only=PAGES), Paragraph(self._outcome(), apart=True)]
        for i, diff in enumerate(self.diffs):
            diff_blocks = list(diff.report().blocks)
            if i == 0:  # in text the diffs run together, apart from the answer above them
                diff_blocks[0] = replace(diff_blocks[0], apart=True)
            blocks += diff_blocks
        blocks += [Lines([f"Recomputed: {recomputed}", "Left as they were (nothing they depend "
                          f"on changed): {unchanged}"], apart=True, only=TEXT),
                   Lines([f"Recomputed: {recomputed}", f"Left as they were: {unchanged}"],
                         only=MARKDOWN),
                   Paragraph(f"Recomputed: {recomputed}; left as they were: {unchanged}",
                             only=HTML)]
        shown, rest = self._events()
        events = [f"event {n}: {t}" for n, t in shown]
        blocks += [Paragraph(f"Events ({len(self.change.log)}):", apart=True, only=TEXT),
                   Lines([f"  {line}" for line in events + ([rest] if rest else [])], only=TEXT),
                   Heading(f"Events ({len(self.change.log)})", 2, only=PAGES),
                   Bullets(events, more=rest, only=PAGES)]
        blocks += self._flow_blocks()
        blocks += [Paragraph(f"warning: {w}") for w in self.change.warnings]
        if self.provenance:
            blocks.append(Footer(self.provenance))
        return Document(blocks, title="What changed")


    def _repr_html_(self) -> str:
        return render_html(Document([b for d in self.diffs for b in d.report().blocks]),
                           compact=True)


def _provenance(system: System, result: ChangeResult, options: dict, tolerance: float) -> str:
    """netkit version, input path and SHA-256, changeset and options: enough to reproduce."""
    from netkit._version import __version__

    line = f"netkit {__version__} · input {system.source}"
    if system.checksum:
        line += f" (sha256 {system.checksum})"
    given = {k: v for k, v in options.items() if v not in (None, "", {}, ())}
    settings = "; ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(given.items()))
    return (line + f" · changeset {result.changeset.source} · tolerance {tolerance:g}"
            + (f"; {settings}" if settings else "; each opportunity's own settings"))


class PartnerTracker:
    """Partner sets for a system's opportunities, kept current as changesets arrive.

    Parameters
    ----------
    system : System
    opportunities : iterable of str or Opportunity, optional
        Default: every opportunity of the system.
    tolerance : float
        Hysteresis: an incumbent core partner stays unless dropping it gains more than this; a
        newcomer joins only if it adds more. Score moves up to ``max(tolerance, 0.005)`` are
        not reported. 0 (the default) makes recomputing identical to computing afresh.
    jobs : int
        Opportunities whose first partner sets are found at once, each in its own process
        (as `netkit.find_all_partners`); the partner sets are the same whatever the number.
    **options
        Passed to `netkit.find_partners` (weights, coordination_cost, represent, ...).

    Examples
    --------
    >>> import netkit
    >>> from netkit.change.changeset import Changeset
    >>> tracker = netkit.PartnerTracker(netkit.load_system(netkit.sample_path("tiny")))
    >>> update = tracker.apply(Changeset.of([{"remove_organisation": {"id": "COUNCIL",
    ...                                        "services": "remove"}}]))
    >>> update.recomputed, update.unchanged
    (['frailty'], ['falls'])
    >>> update.diffs[0].summary[0]
    'Vale Council leaves the core and the scope: the organisation closed (event 1)'
    """

    def __init__(self, system: System, opportunities=None, tolerance: float = 0.0, jobs: int = 1,
                 **options):
        self.system = system
        self.tolerance = float(tolerance)
        self.options = options
        chosen = list(opportunities) if opportunities is not None else list(system.opportunities)
        self._given = {(o.id if isinstance(o, Opportunity) else o): o for o in chosen}
        self.partner_sets: dict[str, PartnerSet] = {}
        self.dependencies: dict[str, Dependencies] = {}
        found = ordered_map(lambda oid: self._find(oid, system), self._given, "partner sets",
                            jobs)
        for oid, (ps, deps) in zip(self._given, found):
            self.partner_sets[oid], self.dependencies[oid] = ps, deps

    def _opportunity(self, oid: str, system: System):
        given = self._given[oid]
        if isinstance(given, Opportunity) and oid not in system.opportunities:
            return given
        return system.opportunity(oid) if oid in system.opportunities else given

    def _find(self, oid: str, system: System, incumbents=()) -> tuple[PartnerSet, Dependencies]:
        ps = find_partners(system, self._opportunity(oid, system), incumbents=incumbents,
                           hysteresis=self.tolerance, **self.options)
        return ps, dependencies_of(ps, system)

    def _compute(self, oid: str, system: System, incumbents=()) -> PartnerSet:
        ps, self.dependencies[oid] = self._find(oid, system, incumbents)
        self.partner_sets[oid] = ps
        return ps

    def apply(self, changes: Changeset | ChangeResult) -> TrackerUpdate:
        """Apply a changeset (or an already applied `ChangeResult`) and recompute only the
        opportunities it touches.

        Returns
        -------
        TrackerUpdate
            Which opportunities were recomputed and which left, with a `PartnerDiff` for each
            recomputed one.
        """
        if not isinstance(changes, ChangeResult):
            stage("applying the changes")
        result = changes if isinstance(changes, ChangeResult) else apply_changes(self.system,
                                                                                  changes)
        recomputed, unchanged, diffs, by_opp = [], [], [], {}
        for oid in steps(self._given, "recomputing what the changes touch"):
            deps = self.dependencies[oid]
            events = [n for n, t in sorted(result.touched.items()) if deps.touched_by(t)]
            if not events:
                unchanged.append(oid)
                continue
            before = self.partner_sets[oid]
            after = self._compute(oid, result.system, incumbents=before.core)
            by_opp[oid] = events
            recomputed.append(oid)
            diff = diff_partner_sets(before, after, result, events, self.tolerance)
            diffs.append(replace(diff, money=money_diff(before, after, result, events,
                                                        (self.system, result.system))))
        provenance = _provenance(self.system, result, self.options, self.tolerance)
        self.system = result.system
        return TrackerUpdate(recomputed, unchanged, diffs, result, by_opp,
                             provenance=provenance)

    def core(self) -> dict[str, list]:
        """Core partners of every tracked opportunity."""
        return {oid: ps.core for oid, ps in self.partner_sets.items()}
