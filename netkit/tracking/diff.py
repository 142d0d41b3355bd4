"""What changed in a partner set, and why: `PartnerDiff`.

**Attribution.** Each change to an organisation (joined, left, moved tier, score moved) is tied
to the change events that touched it *directly*: events that name it, one of its services, a flow
at one of its services, a relationship of it, or one of the organisations it stands for. Where no
event touched it directly, the change came through the rest of the network (another partner's
volumes moved, say), and it is tied to every event that touched the opportunity, with the words
"through changes elsewhere".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netkit._views import DISPLAY_BUDGET, picture
from netkit.change.apply import ChangeResult
from netkit.change.changeset import ChangeEvent
from netkit.change.events import EVENTS
from netkit.render.document import (
    HTML,
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
from netkit.render.views import ReportViews

__all__ = ["PartnerDiff", "diff_partner_sets", "SCORE_TOLERANCE"]

#: Score moves smaller than this are not reported (unless a larger tolerance is asked for).
SCORE_TOLERANCE = 0.005


@dataclass(frozen=True, repr=False)
class PartnerDiff(ReportViews):
    """How one opportunity's partner set changed.

    Attributes
    ----------
    opportunity : str
    joined, left : list of dict
        Organisations that entered or left the core: ``id, name, before, after, events,
        why``.
    moved : list of dict
        Other tier changes (including entering or leaving the scope): same keys.
    scores : list of dict
        Score moves beyond the tolerance: ``id, name, before, after, change, events``.
    summary : list of str
        One plain-words line per change, e.g. ``Age Well leaves the core: the organisation
        closed (event 2)``.
    before, after : PartnerSet
    money : MoneyChange or None
        How the change moved each partner's position and the system's net, and payment bases
        that changed (`netkit.tracking.money.money_diff`; the tracker fills it in).
    """

    opportunity: str
    title: str
    joined: list
    left: list
    moved: list
    scores: list
    summary: list
    before: object = field(repr=False, default=None)
    after: object = field(repr=False, default=None)
    money: object = field(repr=False, default=None)  # netkit.tracking.money.MoneyChange

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<PartnerDiff {self.opportunity!r}: {len(self.joined)} joined, "
                f"{len(self.left)} left, {len(self.moved)} moved>")

    @property
    def changed(self) -> bool:
        """Did the partner set change (anyone joined, left or moved tier)?"""
        return bool(self.joined or self.left or self.moved)

    @property
    def money_moved(self) -> bool:
        """Did the money move (a position, the system's net or a payment basis)?"""
        return self.money is not None and self.money.moved

    def to_frame(self) -> pd.DataFrame:
        rows = [{"opportunity": self.opportunity, "change": kind, **{k: item.get(k) for k in
                                                                    ("id", "name", "before",
                                                                     "after", "why")},
                 "events": ", ".join(map(str, item["events"]))}
                for kind, items in (("joined", self.joined), ("left", self.left),
                                    ("moved", self.moved), ("score", self.scores))
                for item in items]
        return pd.DataFrame(rows, columns=["opportunity", "change", "id", "name", "before",
                                           "after", "why", "events"])

    def to_dict(self) -> dict:
        return {"opportunity": self.opportunity, "title": self.title,
                "changed": self.changed, "joined": self.joined, "left": self.left,
                "moved": self.moved, "scores": self.scores, "summary": self.summary,
                "core_before": list(self.before.core) if self.before is not None else [],
                "core_after": list(self.after.core) if self.after is not None else [],
                "partners": self.after.to_dict()["partners"] if self.after is not None else [],
                "money": self.money.to_dict() if self.money is not None else None}

    def report(self) -> Document:
        """The diff as a `netkit.render.document.Document`: the opportunity, what changed in
        words, the core now and, in HTML, the table of changes (`to_frame`)."""
        head = f"{self.title or self.opportunity} ({self.opportunity})"
        money = self.money.summary() if self.money_moved else []
        nothing = not self.changed and not self.scores and not money
        summary = self.summary + money
        core = ", ".join(self._core_names()) if self.after is not None else None
        if nothing:
            blocks = [Paragraph(f"{head}: no change", only=TEXT)]
        else:
            blocks = [Paragraph(head, only=TEXT), Bullets(summary, wrap=False, only=TEXT),
                      Paragraph(f"core now: {core}", indent=2, only=TEXT) if core is not None
                      else None]
        blocks += [Heading(head, 3, only=PAGES),
                   Bullets(summary or ["no change"], only=MARKDOWN),
                   Paragraph(f"Core now: {core}", only=MARKDOWN) if core and self.changed else None]
        if nothing:
            blocks.append(Paragraph("no change", only=HTML))
        else:
            blocks += [Bullets(summary, only=HTML),
                       Paragraph(f"Core now: {core}", only=HTML) if core is not None else None,
                       Table(self._display_frame(), only=HTML)]
        return Document(blocks, title=head)


    def _core_names(self) -> list[str]:
        """The core now as a reader knows it: each partner's name, or its id where it has
        none (seats are named, e.g. "Primary care in Riverton"; JSON keeps the ids)."""
        partners = self.after.partners
        names = dict(zip(partners["id"], partners["name"])) if "name" in partners else {}
        return [names.get(i) if isinstance(names.get(i), str) and names.get(i) else i
                for i in self.after.core]

    def _display_frame(self) -> pd.DataFrame:
        """`to_frame` as a person reads it: tiers in words ("—" where out of scope), scores to
        2 decimals with a signed change."""
        frame = self.to_frame()
        score = frame["change"] == "score"
        shown = frame.astype(object)
        for column in ("before", "after"):
            shown[column] = [_score(v) if is_score else (v if isinstance(v, str) and v else "—")
                             for v, is_score in zip(frame[column], score)]
        changes = {item["id"]: item["change"] for item in self.scores}
        words = {"joined": "joined the core", "left": "left the core", "moved": "moved tier"}
        shown["change"] = [
            _score_change(changes[i]) if c == "score"
            else "entered the scope" if c == "moved" and not isinstance(b, str)
            else "left the scope" if c == "moved" and not isinstance(a, str)
            else words[c]
            for i, c, b, a in zip(frame["id"], frame["change"], frame["before"], frame["after"])]
        shown["why"] = shown["why"].map(lambda w: w if isinstance(w, str) and w else "—")
        return shown.drop(columns="opportunity")

    def visualise(self, seed: int = 0, max_nodes: int | None = DISPLAY_BUDGET):
        """The map of this change (`netkit.viz.maps.map_diff`): joined and left highlighted."""
        return picture("diff_map")(self, seed=seed, max_nodes=max_nodes)

    def _repr_html_(self) -> str:
        return render_html(self.report(), compact=True)


def _score(value) -> str:
    """A score to 2 decimals, or "—" where there is none."""
    return "—" if value is None or pd.isna(value) else f"{float(value):.2f}"


def _score_change(change: float) -> str:
    """A score move in words to 2 decimals; one too small to show is "slightly"."""
    if round(abs(change), 2) < 0.01 or abs(change) < 0.01:
        return f"score {'up' if change > 0 else 'down'} slightly (under 0.01)"
    return f"score {change:+.2f}"


def _event_reason(event: ChangeEvent, org: str) -> str:
    """What an event did, from the point of view of one organisation."""
    return EVENTS[event.kind].reason(event.params, org)


def _events_label(numbers: list) -> str:
    return f"event{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def _attribute(org: str, members: set, touched: dict, relevant: list, result) -> tuple[list, str]:
    names = {org} | members
    direct = [n for n in sorted(touched) if touched[n].mentions(names)]
    if direct:
        events = {e.number: e for e in result.changeset.events}
        reasons: dict[str, list] = {}
        for n in direct:
            reasons.setdefault(_event_reason(events[n], org), []).append(n)
        return direct, "; ".join(f"{r} ({_events_label(ns)})" for r, ns in reasons.items())
    if relevant:
        return list(relevant), f"through changes elsewhere in the network ({_events_label(relevant)})"
    return [], "no event named it"


def diff_partner_sets(before, after, result: ChangeResult | None = None,
                      events: list | None = None, tolerance: float = 0.0) -> PartnerDiff:
    """Compare two partner sets of one opportunity and attribute each change to events.

    Parameters
    ----------
    before, after : PartnerSet
    result : ChangeResult, optional
        The applied changeset, for attribution.
    events : list of int, optional
        The events that touched this opportunity (for indirect attribution).
    tolerance : float
        Score moves of at most ``max(tolerance, SCORE_TOLERANCE)`` are not reported.
    """
    touched = result.touched if result is not None else {}
    relevant = sorted(events if events is not None else touched)
    b = before.partners.set_index("id")
    a = after.partners.set_index("id")
    members = {**{k: set(v) for k, v in before.scope.members().items()}}
    for k, v in after.scope.members().items():
        members.setdefault(k, set()).update(v)
    names = {**b["name"].to_dict(), **a["name"].to_dict()}
    tiers = pd.concat([b["tier"].rename("before"), a["tier"].rename("after")], axis=1)
    tiers = tiers.astype(object).where(tiers.notna(), None)
    differ = tiers[tiers["before"].to_numpy() != tiers["after"].to_numpy()]
    joined, left, moved, scores, summary = [], [], [], [], []
    for org, tier_before, tier_after in sorted(zip(differ.index, differ["before"],
                                                   differ["after"])):
        ev, why = _attribute(org, members.get(org, set()), touched, relevant, result)
        item = {"id": org, "name": names.get(org, org), "before": tier_before,
                "after": tier_after, "events": ev, "why": why}
        if tier_after == "core":
            joined.append(item)
            verb = "joins the core" + (f" (was {tier_before})" if tier_before else "")
        elif tier_before == "core":
            left.append(item)
            verb = ("leaves the core" + (f" (now {tier_after})" if tier_after
                                         else " and the scope"))
        else:
            moved.append(item)
            verb = (f"moves from {tier_before} to {tier_after}" if tier_before and tier_after
                    else f"enters the scope as {tier_after}" if tier_after
                    else f"leaves the scope (was {tier_before})")
        item["summary"] = f"{item['name']} {verb}: {why}"
    for item in left + joined + moved:
        summary.append(item.pop("summary"))
    threshold = max(tolerance, SCORE_TOLERANCE)
    common = b.index.intersection(a.index)
    before_scores = b["score"].reindex(common).astype(float)
    after_scores = a["score"].reindex(common).astype(float)
    change = after_scores - before_scores
    big = change.index[np.abs(change.to_numpy()) > threshold]
    for org in sorted(big):
        ev, why = _attribute(org, members.get(org, set()), touched, relevant, result)
        scores.append({"id": org, "name": names.get(org, org),
                       "before": float(before_scores[org]), "after": float(after_scores[org]),
                       "change": float(change[org]), "events": ev, "why": why})
    return PartnerDiff(after.opportunity.id, after.opportunity.title, joined, left, moved,
                       scores, summary, before, after)
