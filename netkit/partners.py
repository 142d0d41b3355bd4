"""Find the partners for an opportunity: who, in which role, why, and when one more stops paying.

`find_partners` runs the method in ``DESIGN.md`` ("How a partner set is found"): scope
(`netkit.scope`), criteria (`netkit.criteria`), incentives under the shift
(`netkit.incentives`), greedy selection (`netkit.selection`), tiers, brokerage roles
(`netkit.metrics.brokerage`), stakeholder frameworks (`netkit.frameworks`), stability
(`netkit.stability`) and reasons in plain words (`netkit.explain`). The result is a
`PartnerSet`.

Tiers: **core** are the selected partners; **involve** are candidates outside the core whose
benefit, if added to the core, would be at least half their coordination cost (material, but
not worth a seat at the table); **inform** are the rest of the scope.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import pandas as pd

from .criteria import Criteria, compute_criteria
from .errors import OpportunityError, OptionError
from .explain import money, partner_reasons, route_lines, top_counterparts, type_name
from .frameworks import stakeholder_frameworks
from .incentives import Incentives, gain_share, incentives as compute_incentives
from .metrics.brokerage import brokerage_roles, sole_brokers
from .opportunity import CRITERIA, DEFAULT_COORDINATION_COST, Opportunity
from .report import (fmt_money, fmt_number, fmt_share, html_page, html_table, markdown_table,
                     shorten, text_table)
from .scope import Scope, find_scope, parse_represent
from .selection import Selection, select_partners
from .stability import stability as run_stability
from .system import System

__all__ = ["PartnerSet", "PartnerReport", "find_partners", "find_all_partners", "TIERS",
           "parse_weights"]

TIERS = ("core", "involve", "inform")
INVOLVE_RATIO = 0.5


def parse_weights(text: str | Mapping | None, what: str = "weights") -> dict | None:
    """Read ``"activity=1,brokerage=0.5"`` (or a mapping) into a dict of weights.

    Examples
    --------
    >>> parse_weights("activity=2, brokerage=0")
    {'activity': 2.0, 'brokerage': 0.0}
    """
    if text is None:
        return None
    known = CRITERIA if what == "weights" else tuple(DEFAULT_COORDINATION_COST)
    items = text.items() if isinstance(text, Mapping) else (
        part.partition("=")[::2] for part in filter(None, (p.strip() for p in text.split(","))))
    out = {}
    for name, value in items:
        name = str(name).strip()
        if name not in known:
            raise OptionError(f"{what}: {name!r} is not a known name (expected one of "
                              f"{', '.join(known)}), e.g. {known[0]}=1")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise OptionError(f"{what}: {name}={value!r} is not a number (expected a number "
                              f"≥ 0), e.g. {name}=0.5") from None
        if not number >= 0 or number == float("inf"):
            raise OptionError(f"{what}: {name}={value} is out of range (expected a number ≥ 0)")
        out[name] = number
    return out


@dataclass(frozen=True)
class PartnerSet:
    """The partners for one opportunity in one system.

    Attributes
    ----------
    opportunity : Opportunity
        As analysed (with any weights or costs given as options merged in).
    system_name : str
    partners : DataFrame
        One row per in-scope candidate (excluded ones are in ``excluded``): ``id, name, type,
        tier, rank, score`` (its own weighted share of the criteria), each criterion's raw
        figure and ``_share``, ``marginal_benefit, marginal_cost`` (of adding it to the core,
        for non-core), ``power, interest, mendelow, salience``, ``stands_for`` (organisations it
        represents), ``reasons`` and, when computed, ``stability`` and
        ``depends_on_threshold``. Sorted core (in order of selection), involve, inform.
    curve : DataFrame
        Benefit, cost and net against set size (`netkit.selection.Selection.curve`).
    stop : str
        Why selection stopped.
    incentives : Incentives or None
        The money side of the shift, where the opportunity has one.
    brokerage_roles : DataFrame
        Gould–Fernandez roles per candidate (``node, role, observed, expected, z``).
    brokers : list of str
        Plain-words lines about notable brokers.
    scope : Scope
    criteria : Criteria
    options : dict
        The settings used (weights, coordination cost, representation, thresholds, seed).
    excluded : list of str
    notes : list of str
        Caveats (thin ties left out, unpriced services, ...).
    """

    opportunity: Opportunity
    system_name: str
    partners: pd.DataFrame
    curve: pd.DataFrame
    stop: str
    incentives: Incentives | None
    brokerage_roles: pd.DataFrame
    brokers: list
    scope: Scope
    criteria: Criteria
    options: dict
    excluded: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    source: str | None = None
    checksum: str | None = None

    # -- views --------------------------------------------------------------------------------
    @property
    def core(self) -> list[str]:
        """Core partner ids in order of selection."""
        return self.partners.loc[self.partners["tier"] == "core", "id"].tolist()

    def tier_of(self, org: str) -> str | None:
        """The tier of an organisation (or of its representative); ``None`` if out of scope."""
        candidate = dict(zip(self.scope.organisations["id"],
                             self.scope.organisations["candidate"])).get(org, org)
        rows = self.partners.loc[self.partners["id"] == candidate, "tier"]
        return rows.iloc[0] if len(rows) else None

    def to_frame(self) -> pd.DataFrame:
        """The partner table, one row per candidate, lists joined with ``; `` (for CSV)."""
        frame = self.partners.copy()
        for column in ("stands_for", "reasons"):
            frame[column] = frame[column].map("; ".join)
        return frame

    def _partner_dicts(self) -> list[dict]:
        out = []
        for row in self.partners.to_dict("records"):
            item = {"id": row["id"], "name": row["name"], "type": row["type"],
                    "tier": row["tier"], "rank": row["rank"], "score": row["score"],
                    "criteria": {c: {"share": row[f"{c}_share"], "raw": row[c]}
                                 for c in CRITERIA},
                    "reasons": row["reasons"], "stands_for": row["stands_for"],
                    "mendelow": row["mendelow"], "salience": row["salience"],
                    "power": row["power"], "interest": row["interest"]}
            if row["tier"] != "core":
                item["marginal_benefit"] = row["marginal_benefit"]
                item["marginal_cost"] = row["marginal_cost"]
            for extra in ("stability", "depends_on_threshold"):
                if extra in row:
                    item[extra] = row[extra]
            out.append(item)
        return out

    def to_dict(self) -> dict:
        """Everything as plain data (the JSON report)."""
        opp = self.opportunity
        inc = self.incentives
        return {
            "opportunity": {**opp.to_dict(), "title": opp.title,
                            "weights": dict(opp.weights),
                            "coordination_cost": dict(opp.coordination_cost)},
            "system": self.system_name,
            "scope": self.scope_summary(),
            "partners": self._partner_dicts(),
            "excluded": self.excluded,
            "curve": self.curve.to_dict("records"),
            "stop": self.stop,
            "incentives": inc.organisations.to_dict("records") if inc is not None else [],
            "system_net": inc.system_net if inc is not None else None,
            "losers": inc.losers if inc is not None else [],
            "gain_share": inc.transfers.to_dict("records") if inc is not None else [],
            "brokerage_roles": self.brokerage_roles[self.brokerage_roles["observed"] > 0]
            .to_dict("records"),
            "brokers": self.brokers,
            "options": self.options,
            "notes": self.notes,
            "provenance": self.provenance_dict(),
        }

    def provenance_dict(self) -> dict:
        from ._version import __version__

        return {"netkit": __version__, "input": self.source, "sha256": self.checksum,
                "opportunity": self.opportunity.id}

    def provenance(self) -> str:
        """netkit version, input path and checksum, and options: enough to reproduce."""
        p = self.provenance_dict()
        return (f"netkit {p['netkit']} · input {p['input']} (sha256 {p['sha256']}) · "
                f"opportunity {p['opportunity']} · {_options_line(self.options)}")

    def scope_summary(self) -> dict:
        s = self.scope
        return {"pathways": list(s.pathways), "places": list(self.opportunity.places),
                "cohort": list(self.opportunity.cohort), "flows": len(s.flows),
                "services": len(s.services), "organisations": len(s.organisations),
                "candidates": len(s.candidates), "patients": s.patients,
                "represented": s.members()}

    # -- reports ------------------------------------------------------------------------------
    def _headline(self) -> list[str]:
        opp, s = self.opportunity, self.scope
        counts = self.partners["tier"].value_counts()
        places = ", ".join(opp.places) if opp.places else "all places"
        return [
            f"{self.system_name} · pathways {', '.join(s.pathways)} · {places} · "
            f"{fmt_number(s.patients)} patients a year enter",
            f"{len(s.organisations)} organisations in scope as {len(s.candidates)} candidates: "
            + ", ".join(f"{counts.get(t, 0)} {t}" for t in TIERS)
            + (f"; excluded: {', '.join(self.excluded)}" if self.excluded else ""),
        ]

    def _shift_line(self) -> str:
        shift = self.opportunity.shift
        return (f"shift {fmt_share(shift.fraction)} of activity from {', '.join(shift.from_)} "
                f"to {', '.join(shift.to)}")

    def _incentive_table(self) -> pd.DataFrame:
        names = dict(zip(self.partners["id"], self.partners["name"]))
        names.update(self.scope.organisations.set_index("id")["name"].to_dict())
        t = self.incentives.organisations
        return pd.DataFrame({
            "organisation": t["id"].map(lambda i: f"{names.get(i, i)} ({i})"),
            "activity": t["activity_change"].map(lambda v: f"{v:+,.0f}" if v else ""),
            "cost": t["cost_change"].map(fmt_money),
            "income": t["income_change"].map(fmt_money),
            "spend": t["spend_change"].map(fmt_money),
            "net": t["net"].map(fmt_money)})

    def _curve_table(self, rows: int = 12) -> pd.DataFrame:
        c = self.curve.head(rows)
        return pd.DataFrame({"size": c["size"], "added": c["added"],
                             "benefit": c["benefit"].map(fmt_share),
                             "cost": c["cost"].map(fmt_share), "net": c["net"].map(fmt_share),
                             "core": c["core"].map({True: "yes", False: ""})})

    def to_text(self, width: int = 100) -> str:
        """A briefing that fits a terminal."""
        opp = self.opportunity
        title = f"Partners for: {opp.title or opp.id} ({opp.id})"
        out = [title, "=" * min(len(title), width)] + self._headline()
        for tier, heading in (("core", "Core partners (at the table)"),
                              ("involve", "Involve (material, not worth a seat)"),
                              ("inform", "Inform (touches the scope marginally)")):
            rows = self.partners[self.partners["tier"] == tier]
            if rows.empty:
                continue
            out += ["", heading]
            for row in rows.itertuples():
                label = f"{row.rank:>3}. {row.name} ({row.id}, {type_name(row.type)})"
                out.append(f"{shorten(label, width - 12):<{width - 12}} score {row.score:.2f}")
                reasons = row.reasons if tier != "inform" else row.reasons[:1]
                out += [textwrap.fill(r, width, initial_indent="       - ",
                                      subsequent_indent="         ") for r in reasons]
        out += ["", "Where one more stops paying", f"  {self.stop}",
                text_table(self._curve_table(), right=["size", "benefit", "cost", "net"])]
        if self.incentives is not None:
            inc = self.incentives
            verdict = "gains" if inc.system_net > 0 else "loses"
            out += ["", f"Incentives ({self._shift_line()})",
                    f"  the system {verdict} {money(abs(inc.system_net))} a year",
                    text_table(self._incentive_table(),
                               right=["activity", "cost", "income", "spend", "net"], max_width=36)]
            for loser in inc.losers:
                out.append(f"  ! {loser} loses {money(abs(inc.net_of(loser)))} a year while the "
                           "system gains")
            for t in inc.transfers.itertuples():
                out.append(f"  gain-share: {t.payer} pays {t.payee} {money(t.amount)} a year")
        if self.brokers:
            out += ["", f"Brokers (Gould & Fernandez, groups by {self.options['groups']})"]
            out += [textwrap.fill(b, width, initial_indent="  - ", subsequent_indent="    ")
                    for b in self.brokers]
        grid = self.partners[self.partners["tier"] != "inform"]
        out += ["", "Stakeholder grid (from the evidence)",
                text_table(grid[["id", "tier", "mendelow", "salience"]])]
        if "stability" in self.partners:
            out += ["", f"Stability ({self.options['stability']} runs, weights ±50%, seed "
                        f"{self.options['seed']}): share of runs in which each is core",
                    text_table(self.partners.assign(stability=self.partners["stability"]
                                                    .map(fmt_share))[["id", "tier", "stability"]],
                               right=["stability"])]
        out += [textwrap.fill(f"note: {note}", width, subsequent_indent="  ")
                for note in self.notes]
        out += ["", textwrap.fill("Options: " + _options_line(self.options), width,
                                  subsequent_indent="  ")]
        return "\n".join(out) + "\n"

    def to_markdown(self) -> str:
        """A report that pastes into a board paper."""
        opp = self.opportunity
        out = [f"# Partners for: {opp.title or opp.id}", ""] + [f"{line}  " for line in
                                                               self._headline()]
        table = self.partners.assign(
            score=self.partners["score"].map(lambda v: f"{v:.2f}"),
            why=self.partners["reasons"].map(lambda r: "; ".join(r[:3])))
        out += ["", "## Partners", "",
                markdown_table(table[["rank", "name", "id", "tier", "score", "why"]],
                               right=["rank", "score"])]
        out += ["", "## Where one more stops paying", "", self.stop, "",
                markdown_table(self._curve_table(), right=["size", "benefit", "cost", "net"])]
        if self.incentives is not None:
            inc = self.incentives
            out += ["", f"## Incentives ({self._shift_line()})", "",
                    f"System net: {money(inc.system_net)} a year.", "",
                    markdown_table(self._incentive_table(),
                                   right=["activity", "cost", "income", "spend", "net"])]
            if len(inc.transfers):
                out += ["", "Gain-share that leaves every core partner no worse off:", ""]
                out += [f"- {t.payer} pays {t.payee} {money(t.amount)} a year"
                        for t in inc.transfers.itertuples()]
        if self.brokers:
            out += ["", "## Brokers", ""] + [f"- {b}" for b in self.brokers]
        out += ["", "## Stakeholder grid", "",
                markdown_table(self.partners[["id", "tier", "mendelow", "salience"]])]
        if self.notes:
            out += [""] + [f"*Note: {n}*" for n in self.notes]
        out += ["", f"*Options: {_options_line(self.options)}*"]
        return "\n".join(out) + "\n"

    def _html_body(self, provenance: str = "") -> str:
        from .curve import curve_svg

        opp = self.opportunity
        e = html.escape
        table = self.partners.assign(
            score=self.partners["score"].map(lambda v: f"{v:.2f}"),
            reasons=self.partners["reasons"].map(lambda r: " · ".join(r)))
        parts = [f"<h1>Partners for: {e(opp.title or opp.id)}</h1>"]
        parts += [f"<p class=\"muted\">{e(line)}</p>" for line in self._headline()]
        parts += ["<h2>Partners</h2>",
                  html_table(table[["rank", "name", "id", "tier", "score", "mendelow",
                                    "salience", "reasons"]]),
                  "<h2>Where one more stops paying</h2>", f"<p>{e(self.stop)}</p>",
                  f"<figure>{curve_svg(self.curve)}</figure>"]
        if self.incentives is not None:
            inc = self.incentives
            parts += [f"<h2>Incentives ({e(self._shift_line())})</h2>",
                      f"<p>System net: {e(money(inc.system_net))} a year.</p>",
                      html_table(self._incentive_table())]
            if len(inc.transfers):
                parts.append("<ul>" + "".join(
                    f"<li>{e(t.payer)} pays {e(t.payee)} {e(money(t.amount))} a year</li>"
                    for t in inc.transfers.itertuples()) + "</ul>")
        if self.brokers:
            parts += ["<h2>Brokers</h2>",
                      "<ul>" + "".join(f"<li>{e(b)}</li>" for b in self.brokers) + "</ul>"]
        parts += [f"<p class=\"muted\">Options: {e(_options_line(self.options))}</p>"]
        parts += [f"<p class=\"muted\">Note: {e(n)}</p>" for n in self.notes]
        if provenance:
            parts.append(f"<footer>{e(provenance)}</footer>")
        return "\n".join(parts)

    def to_html(self) -> str:
        """A single-file HTML report (no external resources), with a provenance footer."""
        opp = self.opportunity
        return html_page(f"Partners for {opp.title or opp.id}",
                         self._html_body(self.provenance()))

    def _repr_html_(self) -> str:
        e = html.escape
        table = self.partners.assign(
            score=self.partners["score"].map(lambda v: f"{v:.2f}"),
            reasons=self.partners["reasons"].map(lambda r: " · ".join(r[:3])))
        return (f"<h4>Partners for: {e(self.opportunity.title or self.opportunity.id)}</h4>"
                + "".join(f"<p>{e(line)}</p>" for line in self._headline())
                + html_table(table[["rank", "name", "id", "tier", "score", "reasons"]])
                + f"<p>{e(self.stop)}</p>")

    def save_curve(self, path) -> None:
        """Save the benefit/cost curve as PNG or SVG."""
        from .curve import save_curve

        save_curve(self.curve, path, title=self.opportunity.title or self.opportunity.id)


def _options_line(options: dict) -> str:
    weights = ", ".join(f"{k}={v:g}" for k, v in options["weights"].items())
    cost = ", ".join(f"{k}={v:g}" for k, v in options["coordination_cost"].items())
    represent = ", ".join(f"{k}=parent" for k in options["represent"]) or "none"
    line = f"weights {weights}; coordination cost {cost}; represent {represent}"
    if options.get("min_patients"):
        line += f"; min patients {options['min_patients']:g}"
    return line


def find_partners(system: System, opportunity: str | Opportunity, *,
                  weights: Mapping[str, float] | str | None = None,
                  coordination_cost: Mapping[str, float] | str | None = None,
                  represent: Mapping[str, str] | str | None = None,
                  min_patients: float | None = None, stability: int = 0, seed: int = 0,
                  groups: str = "type", incumbents: Iterable[str] = (),
                  hysteresis: float = 0.0) -> PartnerSet:
    """Find the partners for an opportunity.

    Parameters
    ----------
    system : System
    opportunity : str or Opportunity
        An opportunity id in ``system.opportunities``, or an `Opportunity`.
    weights : mapping or str, optional
        Criterion weights, merged over the opportunity's (defaults: activity 1, handoffs 1,
        brokerage 0.5, commissioning 1, incentives 1). ``"brokerage=0,activity=2"`` works too.
    coordination_cost : mapping or str, optional
        ``partner`` (default 0.04) and ``new_tie`` (default 0.005), in units of benefit.
    represent : mapping or str, optional
        Representation rules: ``"gp_practice=parent,care_home=parent"`` or ``"none"``. By
        default the opportunity's, else GP practices through their PCN.
    min_patients : float, optional
        Leave out organisation-to-organisation ties carrying fewer patients a year (default:
        the opportunity's ``min_patients``, else 0). The report says which partners depend on
        the threshold.
    stability : int
        Re-run selection this many times with weights perturbed (±50%, seeded).
    seed : int
        Seed for the perturbations.
    groups : {"type", "sector"}
        What groups organisations for Gould–Fernandez brokerage roles.
    incumbents, hysteresis :
        The core partners before a change, and how much benefit a change must bring to swap
        them (see `netkit.selection.select_partners`); used by `netkit.PartnerTracker`.

    Returns
    -------
    PartnerSet

    Raises
    ------
    OpportunityError
        If the opportunity is unknown or has nothing in scope.
    OptionError
        If an option has a value netkit cannot use.

    Examples
    --------
    >>> import netkit
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> ps = netkit.find_partners(system, "frailty")
    >>> ps.core
    ['ICB', 'ACUTE', 'AMB', 'COMM', 'PCN1', 'COUNCIL']
    >>> ps.tier_of("GP1")
    'core'
    """
    opp = system.opportunity(opportunity) if isinstance(opportunity, str) else opportunity
    weights = parse_weights(weights, "weights")
    coordination_cost = parse_weights(coordination_cost, "coordination_cost")
    opp = opp.with_options(weights=weights, coordination_cost=coordination_cost)
    rules = parse_represent(represent)
    if min_patients is None:
        min_patients = opp.min_patients
    if min_patients < 0 or stability < 0:
        raise OptionError("min_patients and stability must be ≥ 0")
    if groups not in ("type", "sector"):
        raise OptionError(f"groups: {groups!r} is not a grouping (expected 'type' or 'sector')")

    scope = find_scope(system, opp, rules)
    if scope.flows.empty:
        raise OpportunityError(
            f"opportunity {opp.id!r} has no patient flows in scope (pathways "
            f"{', '.join(opp.pathways)}; places {', '.join(opp.places) or 'all'}; cohort "
            f"{', '.join(opp.cohort) or 'all'}); check its pathways, places and cohort")
    result = _analyse(system, opp, scope, min_patients, groups, incumbents, hysteresis)
    partners, selection, crit, inc = result
    notes = list(inc.notes) if inc is not None else []
    if len(crit.thin):
        notes.append(f"{len(crit.thin)} organisation-to-organisation ties under {min_patients:g} "
                     f"patients a year ({fmt_number(crit.thin['patients'].sum())} patients in "
                     "all) were left out")
    if stability:
        shares = crit.shares()
        related = _related_pairs(system, scope)
        include, exclude = _candidates_of(scope, opp.include), _candidates_of(scope, opp.exclude)
        partners["stability"] = partners["id"].map(run_stability(
            shares, crit.pairs, related, opp.weights, opp.coordination_cost, include, exclude,
            runs=stability, seed=seed)).fillna(0.0)
        borderline = partners.loc[(partners["stability"] > 0) & (partners["stability"] < 0.8),
                                  "id"].tolist()
        if borderline:
            notes.append("borderline (core in 1–79% of perturbed runs): " + ", ".join(borderline))
    if min_patients > 0:
        baseline, *_ = _analyse(system, opp, scope, 0.0, groups)
        before = dict(zip(baseline["id"], baseline["tier"]))
        partners["depends_on_threshold"] = [before.get(i) != t for i, t in
                                            zip(partners["id"], partners["tier"])]
        moved = partners.loc[partners["depends_on_threshold"], "id"].tolist()
        notes.append("depend on the min-patients threshold (tier differs without it): "
                     + (", ".join(f"{i} ({before.get(i)} → {t})" for i, t in
                                  zip(partners["id"], partners["tier"]) if i in moved)
                        or "none"))
    roles = brokerage_roles(crit.network, _groups(system, crit.network, groups))
    options = {"weights": dict(opp.weights), "coordination_cost": dict(opp.coordination_cost),
               "represent": dict(scope.represent), "min_patients": float(min_patients),
               "stability": int(stability), "seed": int(seed), "groups": groups}
    if hysteresis:
        options["hysteresis"] = float(hysteresis)
    brokers = _broker_lines(system, crit, roles, groups)
    return PartnerSet(opp, system.name, partners, selection.curve, selection.stop, inc, roles,
                      brokers, scope, crit, options,
                      sorted(_candidates_of(scope, opp.exclude)), notes, system.source,
                      system.checksum)


@dataclass(frozen=True)
class PartnerReport:
    """Partner sets for several opportunities of one system (``netkit partners --all``)."""

    system_name: str
    partner_sets: list

    def __getitem__(self, opportunity_id: str) -> PartnerSet:
        for ps in self.partner_sets:
            if ps.opportunity.id == opportunity_id:
                return ps
        raise KeyError(opportunity_id)

    def to_frame(self) -> pd.DataFrame:
        frames = [ps.to_frame().assign(opportunity=ps.opportunity.id) for ps in self.partner_sets]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["opportunity"] + [c for c in frame.columns if c != "opportunity"]]

    def to_dict(self) -> dict:
        return {"system": self.system_name,
                "opportunities": [ps.to_dict() for ps in self.partner_sets]}

    def to_text(self) -> str:
        return "\n\n".join(ps.to_text() for ps in self.partner_sets)

    def to_markdown(self) -> str:
        return "\n\n".join(ps.to_markdown() for ps in self.partner_sets)

    def to_html(self) -> str:
        body = "\n<hr>\n".join(ps._html_body() for ps in self.partner_sets)
        footer = self.partner_sets[0].provenance().rsplit(" · opportunity", 1)[0] \
            if self.partner_sets else ""
        return html_page(f"Partners for {self.system_name}",
                         body + f"\n<footer>{html.escape(footer)}</footer>")

    def _repr_html_(self) -> str:
        return "<hr>".join(ps._repr_html_() for ps in self.partner_sets)


def find_all_partners(system: System, **options) -> PartnerReport:
    """`find_partners` for every opportunity of a system, in file order.

    Examples
    --------
    >>> import netkit
    >>> report = netkit.find_all_partners(netkit.load_system(netkit.sample_path("tiny")))
    >>> [ps.opportunity.id for ps in report.partner_sets]
    ['frailty', 'falls']
    """
    return PartnerReport(system.name, [find_partners(system, o, **options)
                                       for o in system.opportunities])


def _candidates_of(scope: Scope, orgs) -> list[str]:
    candidate_of = dict(zip(scope.organisations["id"], scope.organisations["candidate"]))
    return sorted({candidate_of.get(o, o) for o in orgs} & set(scope.candidates))


def _related_pairs(system: System, scope: Scope) -> list[tuple[str, str]]:
    rels = system.relationships
    candidate_of = dict(zip(scope.organisations["id"], scope.organisations["candidate"]))
    a = rels["source"].map(lambda o: candidate_of.get(o, o))
    b = rels["target"].map(lambda o: candidate_of.get(o, o))
    return list(zip(a, b))


def _groups(system: System, network, groups: str) -> dict:
    orgs = system.organisations.set_index("id")
    column = orgs[groups] if groups in orgs else pd.Series("(none)", index=orgs.index)
    return {n: (column.get(n) if isinstance(column.get(n), str) else "(none)") for n in network}


def _broker_lines(system, crit: Criteria, roles: pd.DataFrame, groups: str) -> list[str]:
    names = system.organisation_names()
    group_of = _groups(system, crit.network, groups)
    routes: dict = {}
    for b, ga, gc in sole_brokers(crit.network, group_of):
        routes.setdefault(b, []).append((ga, gc))
    lines = [f"{names.get(b, b)} is {line}" for b in sorted(routes)
             for line in route_lines(routes[b])]
    notable = roles[(roles["observed"] >= 2) & (roles["z"] >= 1.96)]
    for row in notable.itertuples():
        lines.append(f"{names.get(row.node, row.node)} acts as {row.role} more than chance "
                     f"would give ({row.observed} open two-paths, {row.expected:.1f} expected, "
                     f"z = {row.z:.1f})")
    return lines


def _analyse(system: System, opp: Opportunity, scope: Scope, min_patients: float, groups: str,
             incumbents: Iterable[str] = (), hysteresis: float = 0.0):
    """Criteria, selection, tiers and reasons for one set of settings."""
    candidate_of = dict(zip(scope.organisations["id"], scope.organisations["candidate"]))
    inc = None
    if opp.shift is not None:
        inc = compute_incentives(system, opp.shift, scope.services, candidate_of=candidate_of)
    crit = compute_criteria(system, scope, inc, min_patients)
    shares = crit.shares()
    related = _related_pairs(system, scope)
    include = _candidates_of(scope, opp.include)
    exclude = _candidates_of(scope, opp.exclude)
    selection = select_partners(shares, crit.pairs, related, opp.weights, opp.coordination_cost,
                                include, exclude, incumbents=incumbents, hysteresis=hysteresis)
    if inc is not None:
        inc = Incentives(inc.organisations, inc.services, inc.system_net,
                         gain_share(inc.organisations, inc.system_net, selection.core,
                                    candidate_of), inc.notes)
    partners = _partner_table(system, scope, crit, selection, inc, include, exclude, groups)
    return partners, selection, crit, inc


def _partner_table(system: System, scope: Scope, crit: Criteria, selection: Selection,
                   inc: Incentives | None, include: list, exclude: list,
                   groups: str) -> pd.DataFrame:
    orgs = system.organisations.set_index("id")
    table = crit.table.copy()
    w = selection.weights
    table["score"] = sum(w[c] * table[f"{c}_share"] for c in CRITERIA)
    table = table.join(selection.marginal, how="left")
    core_order = {c: i for i, c in enumerate(selection.core)}
    tier = pd.Series("inform", index=table.index)
    tier[table.index.isin(selection.core)] = "core"
    involve = (~table.index.isin(selection.core)
               & (table["marginal_benefit"] >= INVOLVE_RATIO * table["marginal_cost"]))
    tier[involve] = "involve"
    table["tier"] = tier
    table = table[~table.index.isin(exclude)]
    commissioners = set(scope.organisations.loc[
        scope.organisations["role"] != "provider", "candidate"])
    losers = {scope_id for scope_id in (inc.losers if inc is not None else [])}
    losers = {dict(zip(scope.organisations["id"], scope.organisations["candidate"])).get(o, o)
              for o in losers}
    budgets = orgs["budget"] if "budget" in orgs else pd.Series(0.0, index=orgs.index)
    frames = stakeholder_frameworks(table, orgs["type"], budgets, commissioners, losers)
    table = table.join(frames)
    table["name"] = table.index.map(orgs["name"])
    table["type"] = table.index.map(orgs["type"])
    members = scope.members()
    names = system.organisation_names()
    sole = sole_brokers(crit.network, _groups(system, crit.network, groups))
    system_net = inc.system_net if inc is not None else 0.0
    table["stands_for"] = [members.get(c, []) for c in table.index]
    counterparts = top_counterparts(crit.pairs)
    table["reasons"] = [
        partner_reasons(c, row, names=names, counterpart=counterparts.get(c),
                        members=members.get(c, []),
                        sole_routes=[(ga, gc) for b, ga, gc in sole if b == c],
                        included=c in include, system_net=system_net,
                        has_shift=inc is not None, tier=row["tier"],
                        marginal=(row["marginal_benefit"], row["marginal_cost"])
                        if row["tier"] != "core" else None)
        for c, row in table.iterrows()]
    table["_tier"] = table["tier"].map({t: i for i, t in enumerate(TIERS)})
    table["_order"] = [core_order.get(c, len(core_order)) for c in table.index]
    table = table.reset_index().sort_values(["_tier", "_order", "score", "id"],
                                            ascending=[True, True, False, True], kind="mergesort")
    table["rank"] = range(1, len(table) + 1)
    columns = (["id", "name", "type", "tier", "rank", "score"]
               + [c for name in CRITERIA for c in (name, f"{name}_share")]
               + ["marginal_benefit", "marginal_cost", "power", "interest", "mendelow",
                  "salience", "stands_for", "reasons"])
    return table[columns].reset_index(drop=True)
