"""`PartnerSet`, the result of `netkit.find_partners`, and `PartnerReport` for several
opportunities: the tables, and the reports people read (text briefing, markdown for board
papers, JSON, CSV, a self-contained HTML page)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from netkit._frames import native_list, records
from netkit._views import DISPLAY_BUDGET, picture
from netkit.finance.incentives import Incentives
from netkit.model.opportunity import CRITERIA, Opportunity
from netkit.partners.criteria import Criteria
from netkit.partners.curve_blocks import SHOWN_ROWS, curve_blocks, curve_table
from netkit.partners.money_blocks import (
    CHANGES,
    collar_loss_note,
    collar_of,
    incentive_blocks,
    released_changes,
    released_investment,
    signed_count,
    without_small_losses,
)
from netkit.partners.reasons import type_name
from netkit.partners.scope import Scope
from netkit.partners.stability import stability_blocks
from netkit.partners.glossary import (
    appendix_blocks,
    glossary_blocks,
    options_line,
    sources_html,
)
from netkit.partners.sources import explain_partner, format_sources
from netkit.partners.verdict import Verdict, burden_blocks, verdict_blocks
from netkit.partners.warnings import warning_blocks
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
    Note,
    Paragraph,
    Raw,
    Table,
)
from netkit.render.formats import (
    and_more,
    fmt_number,
    fmt_share,
    shorten,
    terminal_safe,
)
from netkit.render.html import render_html, render_page
from netkit.render.markdown import render_markdown
from netkit.render.text import render_text, wrap

__all__ = ["PartnerSet", "TIERS"]

TIERS = ("core", "involve", "inform")

#: How many partners per tier (after the core, always shown whole), broker lines and grid rows
#: the text and markdown reports show; the JSON and CSV reports are always whole.
TOP = 20
#: Pathways the headline names (England's frailty query has 42, a line of 1,000 characters).
TOP_PATHWAYS = 8


def _more(hidden: int, what: str, capital: bool = False) -> str:
    """``and 1,375 more inform partners (the CSV and JSON reports list every one)``."""
    text = and_more(hidden, what, "the CSV and JSON reports list every one")
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
        Benefit, cost and net against set size, with the seats' cost, the net of it and the new
        working relationships (`netkit.partners.selection.Selection.curve`).
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
    risk_share : ShareDesign or None
        The proposed risk-and-gain-share (`netkit.design_share`): who pays whom, by which
        rule, and the investment when the system loses.
    verdict : Verdict or None
        Internal, bilateral or partnership, and why (`netkit.partners.verdict`).
    warnings : tuple of CoverageWarning
        What the data does not show (`netkit.partners.warnings`).
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
    risk_share: object = None  # netkit.finance.risk_share.ShareDesign, where there is a shift
    verdict: Verdict | None = None
    warnings: tuple = ()
    other_names: dict = field(default_factory=dict)  # the money's non-candidates, by id

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

    def _released(self, value):
        """A count as the CSV and JSON carry it: as computed, or released by the rules."""
        return self.disclosure.count(value).replace(",", "") if self.disclosure.active else value

    def _released_counts(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Patient counts (activity, handoffs) as the disclosure rules show them."""
        if not self.disclosure.active:
            return frame
        return frame.assign(**{c: [self._released(v) for v in frame[c]]
                               for c in ("activity", "handoffs")})

    @property
    def core(self) -> list[str]:
        """Core partner ids in order of selection (the reports list them by score)."""
        core = self.partners[self.partners["tier"] == "core"]
        if "selected" in core:
            core = core.sort_values("selected", kind="mergesort")
        return core["id"].tolist()

    def explain(self, partner: str):
        """One partner's reasons with the input rows behind each
        (`netkit.partners.sources.explain_partner`; ``netkit explain``)."""
        return explain_partner(self, partner)

    def tier_of(self, org: str) -> str | None:
        """The tier of an organisation (or of its representative); ``None`` if out of scope."""
        candidate = self.scope.candidate_of.get(org, org)
        rows = self.partners.loc[self.partners["id"] == candidate, "tier"]
        return rows.iloc[0] if len(rows) else None

    def to_frame(self) -> pd.DataFrame:
        """The partner table, one row per candidate, lists joined with ``; `` (for CSV)."""
        frame = self._released_counts(self.partners).copy()  # never join self.partners in place
        for column in ("stands_for", "reasons", "members"):
            if column in frame:
                frame[column] = frame[column].map("; ".join)
        if "sources" in frame:
            frame["sources"] = frame["sources"].map(format_sources)
            frame["reason_sources"] = frame["reason_sources"].map(
                lambda groups: " | ".join(format_sources(g) for g in groups))
        return frame

    def to_sheets(self) -> dict[str, pd.DataFrame]:
        """The report's tables for a workbook, one sheet each: ``partners`` (as `to_frame`),
        ``curve`` (benefit, cost and net by set size, with the seats' cost, the net of it and
        the new working relationships) and, where the opportunity shifts activity,
        ``incentives`` (by organisation) and ``gain_share`` (transfers). Patient counts follow
        the disclosure rules, as in every other report."""
        sheets = {"partners": self.to_frame(), "curve": self.curve.copy()}
        if self.incentives is not None:
            incentives = self._money_rows()
            for column in CHANGES:  # contacts, patients and bed days
                if self.disclosure.active and column in incentives:
                    incentives[column] = incentives[column].map(
                        lambda v: signed_count(v, self.disclosure))
            sheets["incentives"] = incentives
            sheets["gain_share"] = self.incentives.transfers.copy()
        return sheets

    def _money_rows(self) -> pd.DataFrame:
        """The money's organisations (`Incentives.organisations`, a copy), each one's name beside
        its id (a script naming who pays whom, as the reports do, finds every name here)."""
        t = self.incentives.organisations
        return t.assign(name=t["id"].map(self._names()))[["id", "name"] + [
            c for c in t.columns if c not in ("id", "name")]]

    def _partner_dicts(self) -> list[dict]:
        out = []
        for row in records(self._released_counts(self.partners)):
            item = {"id": row["id"], "name": row["name"], "type": row["type"],
                    "tier": row["tier"], "rank": row["rank"], "score": row["score"],
                    "criteria": {c: {"share": row[f"{c}_share"], "raw": row[c]}
                                 for c in CRITERIA},
                    "reasons": row["reasons"], "stands_for": row["stands_for"],
                    "mendelow": row["mendelow"], "salience": row["salience"],
                    "power": row["power"], "interest": row["interest"],
                    "kind": row.get("kind", "organisation"),
                    "members": list(row.get("members", [row["id"]]))}
            if row["tier"] != "core":
                item["marginal_benefit"] = row["marginal_benefit"]
                item["marginal_cost"] = row["marginal_cost"]
            for extra in ("stability", "judgement_call", "depends_on_threshold", "grid_note",
                          "grid_why", "sources", "reason_sources"):
                if extra in row:
                    item[extra] = row[extra]
            if row.get("selected") == row.get("selected") and row.get("selected") is not None:
                item["selected"] = int(row["selected"])  # order of selection, core only
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
            "curve": records(self.curve),
            "stop": self.stop,
            "incentives": records(released_changes(self._money_rows(), self.disclosure))
            if inc is not None else [],
            "system_net": inc.system_net if inc is not None else None,
            **Incentives.json_money(inc),
            "losers": inc.losers if inc is not None else [],
            "gain_share": records(inc.transfers) if inc is not None else [],
            "risk_share": self.risk_share.records() if self.risk_share is not None else [],
            "investment": released_investment(self.risk_share.investment, self.disclosure)
            if self.risk_share is not None else None,
            "brokerage_roles": records(
                self.brokerage_roles[self.brokerage_roles["observed"] > 0]),
            "brokers": self.brokers,
            "options": self.options,
            "notes": self.notes,
            "verdict": self.verdict.to_dict() if self.verdict is not None else None,
            "warnings": [w.to_dict() for w in self.warnings],
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
                f"opportunity {p['opportunity']} · {options_line(self.options)}")

    def scope_summary(self) -> dict:
        s = self.scope
        return {"pathways": list(s.pathways), "places": list(self.opportunity.places),
                "cohort": list(self.opportunity.cohort), "flows": len(s.flows),
                "services": len(s.services), "organisations": len(s.organisations),
                "candidates": len(s.candidates), "patients": self._released(s.patients),
                "represented": s.members(), "extent": s.extent}

    # -- reports ------------------------------------------------------------------------------
    def _headline(self) -> list[str]:
        opp, s = self.opportunity, self.scope
        counts = self.partners["tier"].value_counts()
        places = ", ".join(opp.places) if opp.places else "all places"
        pathways = ", ".join(s.pathways[:TOP_PATHWAYS]) + (
            " " + and_more(len(s.pathways) - TOP_PATHWAYS)
            if len(s.pathways) > TOP_PATHWAYS else "")
        return [
            f"{self.system_name} · pathways {pathways} · {places} · "
            f"{self._count(s.patients)} patients a year enter",
            f"{len(s.organisations):,} organisations in scope as {len(s.candidates):,} "
            "candidates: " + ", ".join(f"{counts.get(t, 0):,} {t}" for t in TIERS)
            + (f"; excluded: {', '.join(self.excluded)}" if self.excluded else ""),
            f"scope: {s.extent}",
        ] + ([self.disclosure.counts_shown()] if self.disclosure.active else [])

    def _curve_table(self, rows: int = SHOWN_ROWS) -> pd.DataFrame:
        """The curve as the report shows it (`netkit.partners.curve_blocks.curve_table`)."""
        return curve_table(self.curve, rows)

    def _shown(self, tier: str, top: int | None, partners: pd.DataFrame | None = None
               ) -> tuple[pd.DataFrame, int]:
        """The rows of a tier a report shows, and how many it leaves out: the core whole (it is
        the answer), the first ``top`` of the others (``None`` or 0: all)."""
        partners = self.partners if partners is None else partners
        rows = partners[partners["tier"] == tier]
        if tier == "core" or not top or len(rows) <= top:
            return rows, 0
        return rows.head(top), len(rows) - top

    def _grid(self, top: int | None, columns: list, everyone: bool = False) -> pd.DataFrame:
        """The stakeholder grid: the core and the involve partners the report shows (with
        ``everyone``, every partner), with ``why`` where the grid differs from the tier."""
        rows = self.partners if everyone else pd.concat(
            [self._shown("core", top)[0], self._shown("involve", top)[0]])
        why = rows["grid_why"] if "grid_why" in rows else rows.get("grid_note", "")
        return rows.assign(why=why)[columns]

    def _names(self) -> dict:
        names = dict(self.other_names)
        orgs = self.scope.organisations  # as set_index("id")["name"].to_dict() gives them
        names.update(zip(native_list(orgs["id"], box=False), native_list(orgs["name"])))
        names.update(zip(self.partners["id"], self.partners["name"]))
        return names

    def _tier_lines(self, tier: str, top: int | None, width: int, partners=None) -> list[str]:
        """A tier as the terminal shows it: rank, name, id, type and score on one line, the
        reasons wrapped beneath (for inform the first two, saying how many more), and how many
        more partners there are."""
        rows, hidden = self._shown(tier, top, partners)
        out = []
        for row in rows.itertuples():
            label = terminal_safe(f"{row.rank:>3}. {row.name} ({row.id}, "
                                  f"{type_name(row.type)})", inline=True)
            out.append(f"{shorten(label, width - 12):<{width - 12}} score {row.score:.2f}")
            reasons = row.reasons if tier != "inform" else row.reasons[:2]
            for r in reasons:  # one line each: text renders lines on one line apiece
                out += wrap(r, width, initial_indent="       - ",
                            subsequent_indent="         ")
            if len(row.reasons) > len(reasons):
                more = len(row.reasons) - len(reasons)
                out.append(f"       ({more} more reason{'s' if more != 1 else ''} in the "
                           "markdown, HTML and JSON reports)")
        if hidden:
            out.append(f"     {_more(hidden, f'{tier} partner' + ('s' if hidden != 1 else ''))}")
        return out

    def _partner_blocks(self, top: int | None, width: int) -> list:
        """The partners: by tier with reasons in text, one table in Markdown (the first
        ``top`` of each tier after the core) and in HTML (every partner); no reason says a
        loss under the collar (`without_small_losses`)."""
        collar = collar_of(self.incentives, self.risk_share)  # a loss under it is not a reason
        blocks, partners = [], without_small_losses(self.partners, collar)
        for tier, heading in (("core", "Core partners (at the table)"),
                              ("involve", "Involve (material, not worth a seat)"),
                              ("inform", "Inform (touches the scope marginally)")):
            if (partners["tier"] == tier).any():
                blocks += [Heading(heading, 2, only=TEXT),
                           Lines(self._tier_lines(tier, top, width, partners), only=TEXT)]
        shown = [self._shown(tier, top, partners) for tier in TIERS]
        rows = pd.concat([r for r, _ in shown])
        table = rows.assign(score=rows["score"].map(lambda v: f"{v:.2f}"),
                            why=rows["reasons"].map("; ".join))
        whole = partners.assign(score=partners["score"].map(lambda v: f"{v:.2f}"),
                                reasons=partners["reasons"].map(lambda r: " · ".join(r)))
        blocks += [Heading("Partners", 2, only=PAGES),
                   Table(table[["rank", "name", "id", "tier", "score", "why"]],
                         right=("rank", "score"), only=MARKDOWN),
                   Table(whole[["rank", "name", "id", "tier", "score", "mendelow", "salience",
                                "reasons"]], only=HTML)]
        blocks += [Paragraph(_more(hidden, f"{tier} partner{'s' * (hidden != 1)}", True) + ".",
                             emphasis=True,
                             only=MARKDOWN) for tier, (_, hidden) in zip(TIERS, shown) if hidden]
        blocks += [Note("partners are listed by score within each tier (the curve below shows "
                        "the order they were chosen in); 'netkit explain PATH --opportunity "
                        f"{self.opportunity.id} --partner ID' prints the input rows behind each "
                        "reason", label="Order and sources", only=(*TEXT, *MARKDOWN)),
                   Raw(sources_html(partners))]
        return blocks

    def report(self, top: int | None = TOP, width: int = 100, provenance: str | None = None,
               with_map: bool = True, with_curve: bool = True,
               with_glossary: bool = True) -> Document:
        """The report as a `netkit.render.document.Document`, which `to_text`, `to_markdown`
        and `to_html` render (``top``, ``width`` as in `to_text`; ``provenance``, ``with_map``
        and ``with_curve``, the pictures, for the HTML page)."""
        opp = self.opportunity
        provenance = self.provenance() if provenance is None else provenance
        grid = ["id", "tier", "mendelow", "salience", "why"]
        blocks = [Heading(f"Partners for: {opp.title or opp.id} ({opp.id})", only=TEXT),
                  Heading(f"Partners for: {opp.title or opp.id}", only=PAGES),
                  *verdict_blocks(self.verdict, width, self.incentives),
                  *warning_blocks(self.warnings),
                  Lines(self._headline(), muted=True)]
        blocks += self._partner_blocks(top, width)
        blocks += [Heading("Where one more stops paying", 2), Paragraph(self.stop, indent=2),
                   *burden_blocks(self.verdict, width), *curve_blocks(self.curve),
                   Raw(f"<figure>{picture('curve_svg')(self.curve)}</figure>")
                   if with_curve else None]
        names = self._names()  # the money by name and id, as the lists above
        collar = collar_of(self.incentives, self.risk_share)  # a loss under it is not flagged
        services = dict(zip(self.scope.services["id"], self.scope.services["name"]))
        blocks += incentive_blocks(self.incentives, opp.shift, names, self.disclosure, top,
                                   width, collar, services) + (
            self.risk_share.blocks(top, names, width) if self.risk_share is not None else [])
        shown = self._grid(top, grid)  # text: the why under the table, wrapped, not cut
        blocks += [Heading("Stakeholder grid (from the evidence)", 2, only=TEXT),
                   Table(shown[grid[:-1]], only=TEXT),
                   Bullets(tuple(f"{i}: {w}" for i, w in zip(shown["id"], shown["why"])),
                           only=TEXT),
                   Heading("Stakeholder grid", 2, only=PAGES),
                   Table(shown if top else self._grid(None, grid, True), only=PAGES)]
        proposal = set(self.risk_share.notes) if self.risk_share is not None else set()
        blocks += stability_blocks(self.partners, self.options, top) + [
            Note(n) for n in self.notes if n not in proposal]  # the proposal's are in its section
        small = collar_loss_note(self.incentives, collar, names)  # the report's alone, not JSON
        blocks += [Note(small)] if small else []
        blocks += [Note(options_line(self.options), label="Options")]
        if with_map:
            blocks += [Heading("Network map", 2, only=HTML),
                       Raw(picture("map_section")(self.visualise(), heading=""))]
        blocks += appendix_blocks(self.brokers, self.brokerage_roles, self._names(),
                                  self.options.get("groups", "type"), top)
        if provenance:  # which build and which input made it, before the glossary
            blocks += [Note(provenance, label="made by", only=TEXT + MARKDOWN)]
        blocks += glossary_blocks() if with_glossary else []
        if provenance:
            blocks += [Footer(provenance)]
        return Document(blocks, title=f"Partners for {opp.title or opp.id}")

    def to_text(self, width: int = 100, top: int | None = TOP, glossary: bool = True) -> str:
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
        return render_text(self.report(top, width, with_map=False, with_curve=False,
                                       with_glossary=glossary), width)

    def to_markdown(self, top: int | None = TOP, glossary: bool = True) -> str:
        """A report that pastes into a board paper (``top`` as in `to_text`; ``glossary``:
        end with the glossary)."""
        return render_markdown(self.report(top, with_map=False, with_curve=False,
                                           with_glossary=glossary))

    def _html_body(self, provenance: str = "", with_map: bool = True,
                   glossary: bool = True) -> str:
        return render_html(self.report(None, provenance=provenance, with_map=with_map,
                                       with_glossary=glossary))

    def to_html(self, with_map: bool = True) -> str:
        """A single-file HTML report (no external resources): summary, partner table,
        incentives, the benefit/cost curve, the network map and a provenance footer."""
        return render_page(self.report(None, provenance=self.provenance(), with_map=with_map),
                           **_map_assets(with_map))

    def visualise(self, seed: int = 0, max_nodes: int | None = DISPLAY_BUDGET):
        """The network map of this opportunity (`netkit.viz.maps.map_partners`): in a notebook it
        shows inline; ``.save("map.html")`` or ``.save_picture("map.png")`` to keep it."""
        return picture("partner_map")(self, seed=seed, max_nodes=max_nodes, disclosure=self.disclosure)

    def _repr_html_(self) -> str:
        table = self.partners.assign(
            score=self.partners["score"].map(lambda v: f"{v:.2f}"),
            reasons=self.partners["reasons"].map(" · ".join))
        return render_html(Document([
            Heading(f"Partners for: {self.opportunity.title or self.opportunity.id}"),
            *verdict_blocks(self.verdict, inc=self.incentives), *warning_blocks(self.warnings),
            Lines(self._headline()),
            Table(table[["rank", "name", "id", "tier", "score", "reasons"]]),
            Paragraph(self.stop)]), notebook=True)

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
