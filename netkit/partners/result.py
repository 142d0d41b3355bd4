"""`PartnerSet`, the result of `netkit.find_partners`, and `PartnerReport` for several
opportunities: the tables, and the reports people read (text briefing, markdown for board
papers, JSON, CSV, a self-contained HTML page)."""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field

import pandas as pd

from netkit._views import DISPLAY_BUDGET, picture
from netkit.finance.incentives import Incentives
from netkit.model.opportunity import CRITERIA, Opportunity
from netkit.partners.criteria import Criteria
from netkit.partners.reasons import money, type_name
from netkit.partners.scope import Scope
from netkit.render.formats import (
    escape_markdown,
    fmt_money,
    fmt_number,
    fmt_share,
    html_page,
    html_table,
    markdown_table,
    shorten,
    terminal_safe,
    text_table,
)

__all__ = ["PartnerSet", "PartnerReport", "TIERS"]

TIERS = ("core", "involve", "inform")

#: How many partners per tier (after the core, always shown whole), broker lines and grid rows
#: the text and markdown reports show; the JSON and CSV reports are always whole.
TOP = 20


def _more(hidden: int, what: str, capital: bool = False) -> str:
    """``and 1,375 more inform partners (the CSV and JSON reports list every one)``."""
    text = f"and {hidden:,} more {what} (the CSV and JSON reports list every one)"
    return "A" + text[1:] if capital else text


@dataclass(frozen=True, repr=False)
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
        Benefit, cost and net against set size (`netkit.partners.selection.Selection.curve`).
    stop : str
        Why selection stopped.
    incentives : Incentives or None
        The money side of the shift, where the opportunity has one.
    brokerage_roles : DataFrame
        Gould–Fernandez roles per candidate (``node, role, observed, expected, sd, z``),
        against the paper's null model as R's ``sna::brokerage`` computes it; ``z`` only where
        at least 5 were expected (see `netkit.metrics.brokerage.brokerage_roles`).
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
    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        counts = self.partners["tier"].value_counts()
        core = self.core
        return (f"<PartnerSet {self.opportunity.id!r} in {self.system_name!r}: "
                + ", ".join(f"{counts.get(t, 0):,} {t}" for t in TIERS)
                + f"; core {', '.join(core[:5])}" + (", ..." if len(core) > 5 else "") + ">")

    @property
    def disclosure(self):
        """The disclosure rules for what this result shows (`netkit.model.disclosure`)."""
        from netkit.model.disclosure import disclosure_rules

        return disclosure_rules(self.options.get("disclosure"))

    def _count(self, value) -> str:
        rules = self.disclosure
        return rules.count(value) if rules.active else fmt_number(value)

    def _released_counts(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Patient counts (activity, handoffs) as the disclosure rules show them."""
        rules = self.disclosure
        if not rules.active:
            return frame
        frame = frame.copy()
        for column in ("activity", "handoffs"):
            frame[column] = [rules.count(v).replace(",", "") for v in frame[column]]
        return frame

    @property
    def core(self) -> list[str]:
        """Core partner ids in order of selection."""
        return self.partners.loc[self.partners["tier"] == "core", "id"].tolist()

    def tier_of(self, org: str) -> str | None:
        """The tier of an organisation (or of its representative); ``None`` if out of scope."""
        candidate = self.scope.candidate_of.get(org, org)
        rows = self.partners.loc[self.partners["id"] == candidate, "tier"]
        return rows.iloc[0] if len(rows) else None

    def to_frame(self) -> pd.DataFrame:
        """The partner table, one row per candidate, lists joined with ``; `` (for CSV)."""
        frame = self._released_counts(self.partners).copy()  # never join self.partners in place
        for column in ("stands_for", "reasons"):
            frame[column] = frame[column].map("; ".join)
        return frame

    def to_sheets(self) -> dict[str, pd.DataFrame]:
        """The report's tables for a workbook, one sheet each: ``partners`` (as `to_frame`),
        ``curve`` (benefit, cost and net by set size) and, where the opportunity shifts
        activity, ``incentives`` (by organisation) and ``gain_share`` (transfers). Patient
        counts follow the disclosure rules, as in every other report."""
        sheets = {"partners": self.to_frame(), "curve": self.curve.copy()}
        if self.incentives is not None:
            incentives = self.incentives.organisations.copy()
            if self.disclosure.active and "activity_change" in incentives:
                incentives["activity_change"] = incentives["activity_change"].map(
                    self._signed_count)
            sheets["incentives"] = incentives
            sheets["gain_share"] = self.incentives.transfers.copy()
        return sheets

    def _partner_dicts(self) -> list[dict]:
        out = []
        for row in self._released_counts(self.partners).to_dict("records"):
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
        from netkit._version import __version__

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
            f"{self._count(s.patients)} patients a year enter",
            f"{len(s.organisations):,} organisations in scope as {len(s.candidates):,} "
            "candidates: " + ", ".join(f"{counts.get(t, 0):,} {t}" for t in TIERS)
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
            "activity": t["activity_change"].map(self._signed_count),
            "cost": t["cost_change"].map(fmt_money),
            "income": t["income_change"].map(fmt_money),
            "spend": t["spend_change"].map(fmt_money),
            "net": t["net"].map(fmt_money)})

    def _signed_count(self, value: float) -> str:
        if not value:
            return ""
        if not self.disclosure.active:
            return f"{value:+,.0f}"
        shown = self.disclosure.count(abs(value))
        return shown if shown == "*" else ("+" if value > 0 else "-") + shown

    def _curve_table(self, rows: int = 12) -> pd.DataFrame:
        c = self.curve.head(rows)
        return pd.DataFrame({"size": c["size"], "added": c["added"],
                             "benefit": c["benefit"].map(fmt_share),
                             "cost": c["cost"].map(fmt_share), "net": c["net"].map(fmt_share),
                             "core": c["core"].map({True: "yes", False: ""})})

    def _shown(self, tier: str, top: int | None) -> tuple[pd.DataFrame, int]:
        """The rows of a tier a report shows, and how many it leaves out: the core whole (it is
        the answer), the first ``top`` of the others (``None`` or 0: all)."""
        rows = self.partners[self.partners["tier"] == tier]
        if tier == "core" or not top or len(rows) <= top:
            return rows, 0
        return rows.head(top), len(rows) - top

    def _brokers_shown(self, top: int | None) -> tuple[list, int]:
        if not top or len(self.brokers) <= top:
            return list(self.brokers), 0
        return list(self.brokers[:top]), len(self.brokers) - top

    def _grid(self, top: int | None) -> pd.DataFrame:
        """The stakeholder grid: the core and the involve partners the report shows."""
        return pd.concat([self._shown("core", top)[0], self._shown("involve", top)[0]])

    def to_text(self, width: int = 100, top: int | None = TOP) -> str:
        """A briefing that fits a terminal.

        Parameters
        ----------
        width : int
            Line width.
        top : int or None
            The core is shown whole; the involve and inform tiers, the broker lines and the
            stability table show their first ``top`` entries and say how many more there are
            (``None`` or 0: everything).
        """
        opp = self.opportunity
        title = terminal_safe(f"Partners for: {opp.title or opp.id} ({opp.id})", inline=True)
        out = [title, "=" * min(len(title), width)] + self._headline()
        for tier, heading in (("core", "Core partners (at the table)"),
                              ("involve", "Involve (material, not worth a seat)"),
                              ("inform", "Inform (touches the scope marginally)")):
            rows, hidden = self._shown(tier, top)
            if rows.empty:
                continue
            out += ["", heading]
            for row in rows.itertuples():
                label = terminal_safe(f"{row.rank:>3}. {row.name} ({row.id}, "
                                      f"{type_name(row.type)})", inline=True)
                out.append(f"{shorten(label, width - 12):<{width - 12}} score {row.score:.2f}")
                reasons = row.reasons if tier != "inform" else row.reasons[:1]
                out += [textwrap.fill(r, width, initial_indent="       - ",
                                      subsequent_indent="         ") for r in reasons]
            if hidden:
                out.append(f"     {_more(hidden, f'{tier} partners')}")
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
            brokers, hidden = self._brokers_shown(top)
            out += ["", f"Brokers (Gould & Fernandez, groups by {self.options['groups']})"]
            out += [textwrap.fill(b, width, initial_indent="  - ", subsequent_indent="    ")
                    for b in brokers]
            if hidden:
                out.append(f"  {_more(hidden, 'broker lines')}")
        out += ["", "Stakeholder grid (from the evidence)",
                text_table(self._grid(top)[["id", "tier", "mendelow", "salience"]])]
        if "stability" in self.partners:
            stable = self.partners.assign(stability=self.partners["stability"].map(fmt_share))
            shown = stable.head(top) if top else stable
            out += ["", f"Stability ({self.options['stability']} runs, weights ±50%, seed "
                        f"{self.options['seed']}): share of runs in which each is core",
                    text_table(shown[["id", "tier", "stability"]], right=["stability"])]
            if len(stable) > len(shown):
                out.append(f"  {_more(len(stable) - len(shown), 'partners')}")
        out += [textwrap.fill(f"note: {note}", width, subsequent_indent="  ")
                for note in self.notes]
        out += ["", textwrap.fill("Options: " + _options_line(self.options), width,
                                  subsequent_indent="  ")]
        return terminal_safe("\n".join(out) + "\n")

    def to_markdown(self, top: int | None = TOP) -> str:
        """A report that pastes into a board paper (``top`` as in `to_text`)."""
        opp = self.opportunity
        esc = escape_markdown
        out = [f"# Partners for: {esc(opp.title or opp.id)}", ""] + [f"{esc(line)}  " for line
                                                                    in self._headline()]
        shown = [self._shown(tier, top) for tier in TIERS]
        rows = pd.concat([r for r, _ in shown])
        table = rows.assign(
            score=rows["score"].map(lambda v: f"{v:.2f}"),
            why=rows["reasons"].map(lambda r: "; ".join(r[:3])))
        out += ["", "## Partners", "",
                markdown_table(table[["rank", "name", "id", "tier", "score", "why"]],
                               right=["rank", "score"])]
        out += [f"\n*{_more(hidden, f'{tier} partners', True)}.*"
                for tier, (_, hidden) in zip(TIERS, shown) if hidden]
        out += ["", "## Where one more stops paying", "", esc(self.stop), "",
                markdown_table(self._curve_table(), right=["size", "benefit", "cost", "net"])]
        if self.incentives is not None:
            inc = self.incentives
            out += ["", f"## Incentives ({esc(self._shift_line())})", "",
                    f"System net: {money(inc.system_net)} a year.", "",
                    markdown_table(self._incentive_table(),
                                   right=["activity", "cost", "income", "spend", "net"])]
            if len(inc.transfers):
                out += ["", "Gain-share that leaves every core partner no worse off:", ""]
                out += [esc(f"- {t.payer} pays {t.payee} {money(t.amount)} a year")
                        for t in inc.transfers.itertuples()]
        if self.brokers:
            brokers, hidden = self._brokers_shown(top)
            out += ["", "## Brokers", ""] + [f"- {esc(b)}" for b in brokers]
            if hidden:
                out += ["", f"*{_more(hidden, 'broker lines', True)}.*"]
        grid = self._grid(top) if top else self.partners
        out += ["", "## Stakeholder grid", "",
                markdown_table(grid[["id", "tier", "mendelow", "salience"]])]
        if self.notes:
            out += [""] + [f"*Note: {esc(n)}*" for n in self.notes]
        out += ["", f"*Options: {esc(_options_line(self.options))}*"]
        return "\n".join(out) + "\n"

    def _html_body(self, provenance: str = "", with_map: bool = True) -> str:
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
                  f"<figure>{picture('curve_svg')(self.curve)}</figure>"]
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
        if with_map:
            parts += ["<h2>Network map</h2>",
                      picture("map_section")(self.visualise(), heading="")]
        if provenance:
            parts.append(f"<footer>{e(provenance)}</footer>")
        return "\n".join(parts)

    def to_html(self, with_map: bool = True) -> str:
        """A single-file HTML report (no external resources): summary, partner table,
        incentives, the benefit/cost curve, the network map and a provenance footer."""
        opp = self.opportunity
        return html_page(f"Partners for {opp.title or opp.id}",
                         self._html_body(self.provenance(), with_map), **_map_assets(with_map))

    def visualise(self, seed: int = 0, max_nodes: int | None = DISPLAY_BUDGET):
        """The network map of this opportunity (`netkit.viz.maps.map_partners`): in a notebook it
        shows inline; ``.save("map.html")`` or ``.save_picture("map.png")`` to keep it."""
        return picture("partner_map")(self, seed=seed, max_nodes=max_nodes, disclosure=self.disclosure)

    def _repr_html_(self) -> str:
        e = html.escape
        table = self.partners.assign(
            score=self.partners["score"].map(lambda v: f"{v:.2f}"),
            reasons=self.partners["reasons"].map(lambda r: " · ".join(r[:3])))
        return (f"<h4>Partners for: {e(self.opportunity.title or self.opportunity.id)}</h4>"
                + "".join(f"<p>{e(line)}</p>" for line in self._headline())
                + html_table(table[["rank", "name", "id", "tier", "score", "reasons"]])
                + f"<p>{e(self.stop)}</p>")

    def plot_curve(self):
        """The benefit/cost curve as a matplotlib figure (shows inline in a notebook)."""
        return picture("plot_curve")(self.curve, title=self.opportunity.title or self.opportunity.id)

    def save_curve(self, path) -> None:
        """Save the benefit/cost curve as PNG or SVG."""
        picture("save_curve")(self.curve, path, title=self.opportunity.title or self.opportunity.id)


def _map_assets(with_map: bool) -> dict:
    """The scripts and styles a page needs for the maps in it."""
    if not with_map:
        return {}
    return picture("map_assets")()


def _options_line(options: dict) -> str:
    weights = ", ".join(f"{k}={v:g}" for k, v in options["weights"].items())
    cost = ", ".join(f"{k}={v:g}" for k, v in options["coordination_cost"].items())
    represent = ", ".join(f"{k}=parent" for k in options["represent"]) or "none"
    line = f"weights {weights}; coordination cost {cost}; represent {represent}"
    if options.get("min_patients"):
        line += f"; min patients {options['min_patients']:g}"
    if options.get("disclosure"):
        line += f"; disclosure {options['disclosure']}"
    return line


@dataclass(frozen=True, repr=False)
class PartnerReport:
    """Partner sets for several opportunities of one system (``netkit partners --all``)."""

    system_name: str
    partner_sets: list

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<PartnerReport {self.system_name!r}: {len(self.partner_sets)} opportunities ("
                + ", ".join(ps.opportunity.id for ps in self.partner_sets) + ")>")

    def __getitem__(self, opportunity_id: str) -> PartnerSet:
        for ps in self.partner_sets:
            if ps.opportunity.id == opportunity_id:
                return ps
        raise KeyError(opportunity_id)

    def to_frame(self) -> pd.DataFrame:
        frames = [ps.to_frame().assign(opportunity=ps.opportunity.id) for ps in self.partner_sets]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["opportunity"] + [c for c in frame.columns if c != "opportunity"]]

    def to_sheets(self) -> dict[str, pd.DataFrame]:
        """Each table of `PartnerSet.to_sheets` for every opportunity, one sheet per table, with
        the opportunity's id as the first column."""
        tables: dict[str, list] = {}
        for ps in self.partner_sets:
            for name, frame in ps.to_sheets().items():
                tables.setdefault(name, []).append(
                    frame.assign(opportunity=ps.opportunity.id))
        out = {}
        for name, frames in tables.items():
            frame = pd.concat(frames, ignore_index=True)
            out[name] = frame[["opportunity"] + [c for c in frame.columns if c != "opportunity"]]
        return out

    def to_dict(self) -> dict:
        return {"system": self.system_name,
                "opportunities": [ps.to_dict() for ps in self.partner_sets]}

    def to_text(self, width: int = 100, top: int | None = TOP) -> str:
        """Each opportunity's briefing (`PartnerSet.to_text`), one after another."""
        return "\n\n".join(ps.to_text(width, top) for ps in self.partner_sets)

    def to_markdown(self, top: int | None = TOP) -> str:
        """Each opportunity's report (`PartnerSet.to_markdown`), one after another."""
        return "\n\n".join(ps.to_markdown(top) for ps in self.partner_sets)

    def to_html(self) -> str:
        body = "\n<hr>\n".join(ps._html_body() for ps in self.partner_sets)
        footer = self.partner_sets[0].provenance().rsplit(" · opportunity", 1)[0] \
            if self.partner_sets else ""
        return html_page(f"Partners for {self.system_name}",
                         body + f"\n<footer>{html.escape(footer)}</footer>",
                         **_map_assets(True))

    def _repr_html_(self) -> str:
        return "<hr>".join(ps._repr_html_() for ps in self.partner_sets)
