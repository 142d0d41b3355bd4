"""Keep partner sets current as the system changes, recomputing only what a change touches.

`PartnerTracker` holds the partner set of each opportunity and what it depends on: the
pathways its selectors chose, the in-scope services, the in-scope organisations with the
candidates that stand for them and their parents, and the organisations it includes or
excludes. Each change event says what it touched (`netkit.apply.Touched`): pathways, services,
organisations, relationships, and whether pathway tags or cohorts changed. An opportunity is
recomputed when a touched id is one it depends on, when a relationship between two of its
organisations (or commissioning one of them) was added or ended, or when tags changed and it
selects pathways by tag or cohort.
Every other opportunity keeps its partner set: nothing it depends on moved, so recomputing it
would give the same answer (a property test checks this).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from .apply import ChangeResult, Touched, apply_changes
from .changeset import Changeset
from .diff import PartnerDiff, diff_partner_sets
from .opportunity import Opportunity
from .partners import PartnerSet, find_partners
from .report import escape_markdown, fmt_number, html_page, terminal_safe
from .system import System

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
    if "parent" in frame:
        parents = frame.set_index("id")["parent"]
        orgs |= {p for p in parents.reindex(list(orgs)).dropna()}
    opp = ps.opportunity
    orgs |= set(opp.include) | set(opp.exclude)
    uses_tags = any(s.startswith("tag:") for s in opp.pathways) or bool(opp.cohort)
    named = {s for s in opp.pathways if not s.startswith("tag:")}
    return Dependencies(frozenset(set(scope.pathways) | named),
                        frozenset(scope.services["id"]), frozenset(orgs), uses_tags)


@dataclass(frozen=True)
class TrackerUpdate:
    """The result of `PartnerTracker.apply`: what was recomputed, and how each set changed."""

    recomputed: list
    unchanged: list
    diffs: list
    change: ChangeResult
    events_by_opportunity: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Did any partner set change?"""
        return any(d.changed for d in self.diffs)

    def to_frame(self) -> pd.DataFrame:
        frames = [d.to_frame() for d in self.diffs]
        return pd.concat(frames, ignore_index=True) if frames else PartnerDiff(
            "", "", [], [], [], [], []).to_frame()

    def to_dict(self) -> dict:
        return {"recomputed": self.recomputed, "unchanged": self.unchanged,
                "changed": [d.opportunity for d in self.diffs if d.changed],
                "diffs": [d.to_dict() for d in self.diffs],
                "events": [{"event": n, "did": t} for n, t in self.change.log],
                "flows_affected": self.change.flows_affected.to_dict("records")}

    def _flow_summary(self) -> list[str]:
        f = self.change.flows_affected
        if f.empty:
            return []
        grouped = f.groupby("action", sort=False)["patients"].agg(["size", "sum"])
        return [f"  {int(n)} flow(s) {action} ({fmt_number(total)} patients a year)"
                for action, (n, total) in grouped.iterrows()]

    def to_text(self) -> str:
        out = self.change.to_text().rstrip("\n").splitlines()
        out += ["", "Flows affected:"] + (self._flow_summary() or ["  none"])
        out += ["", f"Recomputed {len(self.recomputed)} opportunit"
                    f"{'y' if len(self.recomputed) == 1 else 'ies'}: "
                    f"{', '.join(self.recomputed) or 'none'}",
                f"Left as they were (nothing they depend on changed): "
                f"{', '.join(self.unchanged) or 'none'}", ""]
        out += [d.to_text().rstrip("\n") for d in self.diffs]
        return terminal_safe("\n".join(out) + "\n")

    def to_markdown(self) -> str:
        out = ["# What changed", "", self.change.to_markdown(),
               f"Recomputed: {escape_markdown(', '.join(self.recomputed) or 'none')}  ",
               f"Left as they were: {escape_markdown(', '.join(self.unchanged) or 'none')}", ""]
        out += [d.to_markdown() for d in self.diffs]
        return "\n".join(out) + "\n"

    def to_html(self) -> str:
        e = html.escape
        parts = ["<h1>What changed</h1>", "<ul>"
                 + "".join(f"<li>event {n}: {e(t)}</li>" for n, t in self.change.log) + "</ul>",
                 f"<p>Recomputed: {e(', '.join(self.recomputed) or 'none')}; left as they were: "
                 f"{e(', '.join(self.unchanged) or 'none')}</p>"]
        parts += [d._repr_html_() for d in self.diffs]
        return html_page("What changed", "\n".join(parts))

    def _repr_html_(self) -> str:
        return "".join(d._repr_html_() for d in self.diffs)


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
    **options
        Passed to `netkit.find_partners` (weights, coordination_cost, represent, ...).

    Examples
    --------
    >>> import netkit
    >>> from netkit.changeset import Changeset
    >>> tracker = netkit.PartnerTracker(netkit.load_system(netkit.sample_path("tiny")))
    >>> update = tracker.apply(Changeset.of([{"remove_organisation": {"id": "COMM",
    ...                                        "services": "remove"}}]))
    >>> update.recomputed, update.unchanged
    (['frailty', 'falls'], [])
    >>> update.diffs[0].summary[0]
    'Vale Community Health leaves the core and the scope: the organisation closed (event 1)'
    """

    def __init__(self, system: System, opportunities=None, tolerance: float = 0.0, **options):
        self.system = system
        self.tolerance = float(tolerance)
        self.options = options
        chosen = list(opportunities) if opportunities is not None else list(system.opportunities)
        self._given = {(o.id if isinstance(o, Opportunity) else o): o for o in chosen}
        self.partner_sets: dict[str, PartnerSet] = {}
        self.dependencies: dict[str, Dependencies] = {}
        for oid in self._given:
            self._compute(oid, system)

    def _opportunity(self, oid: str, system: System):
        given = self._given[oid]
        if isinstance(given, Opportunity) and oid not in system.opportunities:
            return given
        return system.opportunity(oid) if oid in system.opportunities else given

    def _compute(self, oid: str, system: System, incumbents=()) -> PartnerSet:
        ps = find_partners(system, self._opportunity(oid, system), incumbents=incumbents,
                           hysteresis=self.tolerance, **self.options)
        self.partner_sets[oid] = ps
        self.dependencies[oid] = dependencies_of(ps, system)
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
        result = changes if isinstance(changes, ChangeResult) else apply_changes(self.system,
                                                                                  changes)
        recomputed, unchanged, diffs, by_opp = [], [], [], {}
        for oid in self._given:
            deps = self.dependencies[oid]
            events = [n for n, t in sorted(result.touched.items()) if deps.touched_by(t)]
            if not events:
                unchanged.append(oid)
                continue
            before = self.partner_sets[oid]
            after = self._compute(oid, result.system, incumbents=before.core)
            by_opp[oid] = events
            recomputed.append(oid)
            diffs.append(diff_partner_sets(before, after, result, events, self.tolerance))
        self.system = result.system
        return TrackerUpdate(recomputed, unchanged, diffs, result, by_opp)

    def core(self) -> dict[str, list]:
        """Core partners of every tracked opportunity."""
        return {oid: ps.core for oid, ps in self.partner_sets.items()}
