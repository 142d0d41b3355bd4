"""The engagement pack: what a programme circulates once a partner set is agreed.

`engagement_pack` finds the partners (`netkit.find_partners`) and builds from them a RACI per
workstream, an engagement plan with a cadence per tier, a stakeholder map consistent with the
tiers, the risk-and-gain-share summary and a one-page board summary. `EngagementPack` holds the
tables and renders one `netkit.render.document.Document` as Markdown or HTML, the same document
as Word (`netkit.engagement.word`) and its tables as a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netkit._strings import plain_strings
from netkit.engagement import board
from netkit.engagement.inputs import (
    commissioned_by,
    commissioners_of,
    contract_rows,
    drawn,
    designed,
    investment_of,
    lead_of,
    payers_of,
    plain,
    share_lines,
    share_notes,
    money_of,
    risk_share_of,
    seats_of,
    service_rows,
    shift_services,
    verdict_of,
    warnings_of,
)
from netkit.engagement.raci import informed_line, raci, workstreams
from netkit.errors import OptionError
from netkit.finance.investment import investment_line
from netkit.finance.share_report import shown_first
from netkit.partners.sources import format_sources, merge_sources
from netkit.render.document import (
    Bullets,
    Document,
    Footer,
    Heading,
    Note,
    Paragraph,
    Table,
)

# money for people, rounded (two significant figures); the JSON keeps the exact figures
from netkit.render.formats import fmt_money_rounded as fmt_money
from netkit.render.html import render_html
from netkit.render.naming import name_and_id
from netkit.render.text import render_text
from netkit.render.views import ReportViews

#: Under the positions table: the pack writes no JSON, so it says where the exact figures are.
PACK_ROUNDED = ("Figures may not sum due to rounding; the partner report's JSON (netkit partners "
                "with -f json) has them unrounded.")

__all__ = ["EngagementPack", "engagement_pack", "CADENCE"]

#: Default cadence of each engagement; ``cadence={"board": "six-weekly"}`` overrides one.
CADENCE = {"board": "monthly", "working_group": "fortnightly", "involve": "quarterly",
           "inform": "at milestones"}

#: How many partners of a tier the stakeholder map lists (the workbook lists every one).
MAP_ROWS = 20

#: Where the grid (power and interest) and the tier agree: the grid positions each tier takes.
_AGREES = {"core": {"manage closely", "keep satisfied", "keep informed"},
           "involve": {"manage closely", "keep satisfied", "keep informed", "monitor"},
           "inform": {"monitor", "keep informed"}}


@dataclass(frozen=True, repr=False)
class EngagementPack(ReportViews):
    """The engagement pack for one opportunity (`engagement_pack`).

    Attributes
    ----------
    title, system_name : str
    opportunity : str
        The opportunity's id.
    lead : str or None
        The senior responsible owner the pack recommends (the board appoints one);
        ``lead_reason`` says why.
    verdict : dict or None
        The proportionality verdict where the partner result carries one.
    raci : DataFrame
        ``workstream, responsible, accountable, consulted, informed, sources``.
    plan : DataFrame
        ``tier, engagement, cadence, who, purpose``.
    stakeholders : DataFrame
        ``id, name, tier, grid, salience, why`` for every partner.
    risk_share : DataFrame or None
        ``payer, payee, amount, rule`` (``None``: not computed by this netkit).
    positions : DataFrame
        ``organisation, net, range``: each organisation's £ a year under the shift before any
        payment, with its range where the money carries one.
    money : dict or None
        ``low, central, high``: the system's net £ a year.
    asks, partner_lines : list of str
    warnings : list of str or None
    notes : list of str
        The partner result's notes, each organisation by name with its id in brackets.
    share_lines, share_notes : list of str
        The risk-and-gain-share's payments and notes as the partner report words them (by name
        with the id in brackets); empty where the result has no designer's proposal.
    settled : DataFrame or None
        ``organisation, before, settlement, after``: the positions before and after
        settlement as the partner report shows them (the `MAP_ROWS` largest settlements, a
        total row), for people; ``None`` without a proposal. ``settled_all``: every
        organisation (the workbook's settlement sheet); ``settled_caption``, what the shown
        rows are, as the partner report says it.
    positions_shown : DataFrame or None
        ``positions``' `MAP_ROWS` largest, as the page shows them (``None``: all of them).
    partner_sources : list of str
        The input rows behind each of ``partner_lines`` (the workbook's board sheet).
    """

    title: str
    system_name: str
    opportunity: str
    lead: str | None
    lead_reason: str
    verdict: dict | None
    raci: pd.DataFrame
    plan: pd.DataFrame
    stakeholders: pd.DataFrame
    risk_share: pd.DataFrame | None
    risk_share_source: str
    positions: pd.DataFrame
    investment: dict | None
    money: dict | None
    money_sources: list
    core: list
    names: dict
    asks: list
    partner_lines: list
    warnings: list | None
    cadence: dict
    informed: str = ""
    notes: list = field(default_factory=list)
    provenance: str = ""
    share_lines: list = field(default_factory=list)
    share_notes: list = field(default_factory=list)
    settled: pd.DataFrame | None = None
    settled_all: pd.DataFrame | None = None
    settled_caption: str = ""
    positions_shown: pd.DataFrame | None = None
    partner_sources: list = field(default_factory=list)

    def __repr__(self) -> str:
        return (f"<EngagementPack {self.opportunity!r} in {self.system_name!r}: "
                f"{len(self.raci)} workstreams, {len(self.core)} core, lead {self.lead}>")

    # -- tables -------------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The RACI, one row per workstream."""
        return self.raci[["workstream", "responsible", "accountable", "consulted", "informed",
                          "sources"]].copy()

    def to_sheets(self) -> dict[str, pd.DataFrame]:
        """One sheet per table: board (the summary's lines with the input rows behind each),
        raci, plan, stakeholders, risk_share, positions and, with a proposal, settlement (the
        positions before and after it, every organisation)."""
        cited = self.partner_sources or [""] * len(self.partner_lines)
        lines = ([("verdict", board.verdict_words(self.verdict, len(self.core)), ""),
                  ("money", board.money_words(self.money), format_sources(self.money_sources))]
                 + [("partner", line, rows) for line, rows in zip(self.partner_lines, cited)]
                 + [("ask", line, "") for line in self.asks])
        share = self.risk_share if self.risk_share is not None else pd.DataFrame(
            {"payer": [], "payee": [], "amount": [], "rule": []})
        sheets = {"board": pd.DataFrame(lines, columns=["item", "text", "sources"]),
                  "raci": self.to_frame(), "plan": self.plan.copy(),
                  "stakeholders": self.stakeholders.copy(), "risk_share": share.copy(),
                  "positions": self.positions.copy()}
        if self.settled_all is not None:
            sheets["settlement"] = self.settled_all.copy()
        return sheets

    def to_dict(self) -> dict:
        """Everything as plain data."""
        return {"opportunity": self.opportunity, "title": self.title,
                "system": self.system_name, "lead": self.lead, "lead_reason": self.lead_reason,
                "verdict": self.verdict, "money": self.money, "asks": list(self.asks),
                "raci": self.to_frame().to_dict("records"),
                "plan": self.plan.to_dict("records"),
                "stakeholders": self.stakeholders.to_dict("records"),
                "risk_share": None if self.risk_share is None
                else self.risk_share.to_dict("records"),
                "investment": self.investment, "warnings": self.warnings,
                "cadence": dict(self.cadence), "notes": list(self.notes)}

    # -- the document -------------------------------------------------------------------------
    def _share_blocks(self) -> list:
        if self.risk_share is None and self.money is None:
            return [Heading("Risk-and-gain-share", 2),
                    Paragraph("None is needed: the opportunity shifts no activity, so no money "
                              "moves between organisations.")]
        if self.risk_share is None:
            return [Heading("Risk-and-gain-share", 2),
                    Paragraph("The risk-and-gain-share proposal is not computed by this netkit."
                              + (f" {self.risk_share_source}" if self.risk_share_source else ""))]
        if not len(self.risk_share):
            lines = ["No payments: no core partner is worse off under the shift."]
        elif self.share_lines:
            lines = list(self.share_lines)
        else:
            lines = [f"{self.names.get(r['payer'], r['payer'])} pays "
                     f"{self.names.get(r['payee'], r['payee'])} {fmt_money(r['amount'])} a year"
                     + (f" ({r['rule']})" if isinstance(r.get("rule"), str) and r["rule"]
                        else "") for r in self.risk_share.to_dict("records")]
        blocks = [Heading("Risk-and-gain-share", 2), Paragraph(board.money_words(self.money)),
                  *self._position_blocks(),
                  Paragraph("Proposal:"), Bullets(tuple(lines)),
                  Note(self.risk_share_source, label="source")]
        blocks += [Note(n) for n in self.share_notes]
        blocks += self._settled_blocks()
        if self.investment:
            blocks.append(Paragraph("Investment: " + investment_line(self.investment) + "."))
        return blocks

    def _position_blocks(self) -> list:
        """Each organisation's money before any payment: the largest `MAP_ROWS` where there are
        more, saying how many more the workbook lists."""
        if not len(self.positions):
            return []
        shown = self.positions if self.positions_shown is None else self.positions_shown
        hidden = len(self.positions) - len(shown)
        return [Paragraph("Each organisation's money under the shift before any payment (£ a "
                          "year)" + (f", the {len(shown):,} largest; {hidden:,} more in the "
                                     "workbook's positions sheet:" if hidden else ":")),
                Table(shown, right=("net", "range"))]

    def _settled_blocks(self) -> list:
        """The positions before and after settlement, as the partner report shows them."""
        if self.settled is None or not len(self.settled):
            return []
        total = self.settled["organisation"].iloc[-1]
        hidden = (int(total.split()[1].replace(",", "")) - (len(self.settled) - 1)
                  if total != "all organisations" else 0)
        return [Paragraph("Positions before and after settlement (£ a year, in cash)"
                          + (f", {self.settled_caption or 'the largest settlements first'}; "
                             f"{hidden:,} more organisations in the workbook's settlement "
                             "sheet:" if hidden else ":")),
                Table(self.settled, right=("before", "settlement", "after")),
                Paragraph(PACK_ROUNDED)]

    def _map_blocks(self) -> list:
        shown = pd.concat([self.stakeholders[self.stakeholders["tier"] == t].head(
            None if t == "core" else MAP_ROWS) for t in ("core", "involve", "inform")])
        hidden = len(self.stakeholders) - len(shown)
        return [Heading("Stakeholder map", 2),
                Paragraph("Each partner's place on the power and interest grid beside its tier; "
                          "'why' says what puts each there and, where the two differ, which "
                          "to follow."),
                Table(shown[["name", "id", "tier", "grid", "salience", "why"]], max_width=50),
                Paragraph(f"And {hidden:,} more (the workbook lists every one).",
                          emphasis=True) if hidden else None]

    def report(self) -> Document:
        """The pack as a document: the board summary first, then the RACI, the engagement plan,
        the stakeholder map and the risk-and-gain-share."""
        raci_table = self.to_frame()
        blocks = [Heading(f"Engagement pack: {self.title}")]
        blocks += board.board_blocks(self)
        blocks += [Heading("Who does what (RACI)", 2),
                   Paragraph(board.sro_words(self.lead, self.lead_reason, self.names)),
                   Table(raci_table, max_width=60),
                   Paragraph(self.informed),
                   Heading("Engagement plan", 2),
                   Paragraph("Cadences are defaults; change them when the pack is made "
                             "(cadence= in Python; --cadence NAME=HOW-OFTEN on the command "
                             "line)."),
                   Table(self.plan, max_width=60)]
        blocks += self._map_blocks() + self._share_blocks()
        blocks += [Note(n) for n in self.notes]
        if self.provenance:
            blocks.append(Footer(self.provenance))
        return Document(blocks, title=f"Engagement pack: {self.title}")

    def to_text(self) -> str:
        """The pack at a terminal, 110 characters wide (its tables are wide); `to_markdown`
        and `to_html`, a self-contained page, come from `ReportViews`."""
        return render_text(self.report(), 110)

    def to_docx(self) -> bytes:
        """The pack as a Word document (needs python-docx: ``pip install 'netkit[engage]'``)."""
        from netkit.engagement.word import docx_bytes

        return docx_bytes(self.report())

    def _repr_html_(self) -> str:
        return render_html(self.report(), notebook=True)


def _plan(ps, names: dict, cadence: dict) -> pd.DataFrame:
    tiers = ps.partners.sort_values(["score", "id"], ascending=[False, True], kind="mergesort")

    def who(tier: str) -> str:
        ids = tiers.loc[tiers["tier"] == tier, "id"].tolist()
        if not ids:
            return "none"
        named = "; ".join(names.get(i, i) for i in ids[:5])
        return f"{len(ids):,}: {named}" + (f" and {len(ids) - 5:,} more" if len(ids) > 5 else "")

    rows = [("core", "programme board", cadence["board"], who("core"),
             "decide: scope, money, risk share, progress against plan"),
            ("core", "working group", cadence["working_group"], who("core"),
             "deliver: workstreams, data, issues"),
            ("involve", "briefing and consultation", cadence["involve"], who("involve"),
             "consult on design and on changes that touch them"),
            ("inform", "updates", cadence["inform"], who("inform"),
             "inform: what changes and when")]
    return pd.DataFrame(rows, columns=["tier", "engagement", "cadence", "who", "purpose"])


def _positions(ps, names: dict, top: int | None = None) -> pd.DataFrame:
    """Each organisation's net £ a year under the shift, with its range where present; with
    ``top``, the ``top`` largest (by size, ties in the table's order), in the table's order."""
    inc = ps.incentives
    if inc is None or not len(inc.organisations):
        return pd.DataFrame(columns=["organisation", "net", "range"])
    t = inc.organisations
    if top and len(t) > top:
        size = t["net"].abs().to_numpy()
        keep = np.sort(np.argsort(-size, kind="stable")[:top])
        t = t.iloc[keep]
    if {"net_low", "net_high"} <= set(t.columns) and drawn(inc):
        span = [f"{fmt_money(lo)} to {fmt_money(hi)}" if pd.notna(lo) and pd.notna(hi)
                else "not computed" for lo, hi in zip(t["net_low"], t["net_high"])]
    else:
        span = ["not computed"] * len(t)
    return pd.DataFrame({"organisation": [name_and_id(names, i) for i in t["id"]],
                         "net": t["net"].map(fmt_money), "range": span})


def settled(design, names: dict, top: int | None = None) -> pd.DataFrame | None:
    """The positions before and after settlement as the partner report shows them (its
    ``position_table``, by name with the id in brackets; with ``top``, the largest settlements
    first and a total row for everyone), or ``None`` without a proposal."""
    if design is None or not len(design.positions):
        return None
    return design.position_table(top, names)


def settled_caption(design, top: int) -> str:
    """What the first ``top`` rows of the positions table are, as the partner report says it
    (the largest settlements first, then the largest positions left as they are); "" where
    every organisation is shown."""
    if design is None or len(design.positions) <= top:
        return ""
    return shown_first(design.positions, top)


def _stakeholders(ps) -> pd.DataFrame:
    p = ps.partners
    note = p["grid_note"].fillna("") if "grid_note" in p else pd.Series("", index=p.index)
    agrees = [grid in _AGREES.get(tier, set()) for tier, grid in zip(p["tier"], p["mendelow"])]
    fallback = ("the tier weighs the whole evidence and the grid power and interest alone: "
                "engage at the tier's cadence, brief as the grid says")
    why = [n if n else ("" if ok else fallback) for n, ok in zip(note, agrees)]
    if "grid_why" in p:  # what puts each on the grid, and the note where it differs from the tier
        why = [w if isinstance(w, str) and w else old for w, old in zip(p["grid_why"], why)]
    return pd.DataFrame({"id": p["id"], "name": p["name"], "tier": p["tier"],
                         "grid": p["mendelow"], "salience": p["salience"], "why": why})


def _cadence(given) -> dict:
    cadence = dict(CADENCE)
    for key, value in dict(given or {}).items():
        if key not in CADENCE:
            raise OptionError(f"cadence: {key!r} is not an engagement (expected one of "
                              f"{', '.join(CADENCE)})")
        if not str(value).strip():
            raise OptionError(f"cadence: {key!r} is empty; say how often, e.g. 'monthly'")
        cadence[key] = str(value).strip()
    return cadence


@plain_strings
def engagement_pack(system, opportunity, *, cadence=None, partner_set=None,
                    **partner_options) -> EngagementPack:  # long: gathers every part of the pack
    """The engagement pack for an opportunity.

    Parameters
    ----------
    system : System
    opportunity : str
        The opportunity's id.
    cadence : dict, optional
        Overrides of `CADENCE` (``board``, ``working_group``, ``involve``, ``inform``).
    partner_set : PartnerSet, optional
        A partner result already found (otherwise `netkit.find_partners` is run with
        ``partner_options``).
    **partner_options
        As for `netkit.find_partners`.

    Examples
    --------
    >>> import netkit
    >>> pack = netkit.engagement_pack(netkit.load_system(netkit.sample_path("tiny")), "frailty")
    >>> pack.to_frame()["workstream"].tolist()[-2:]
    ['Contracts and money', 'Data and evaluation']
    >>> pack.asks[0].startswith("1. Agree")
    True
    """
    cadence = _cadence(cadence)
    if partner_set is None:
        from netkit.partners.find import find_partners

        partner_set = find_partners(system, opportunity, **partner_options)
    ps = partner_set
    names = dict(getattr(ps, "other_names", None) or {})  # as the partner report names them
    names.update(ps.scope.organisations.set_index("id")["name"].to_dict())
    names.update(zip(ps.partners["id"], ps.partners["name"]))
    design = designed(ps)
    verdict = verdict_of(ps)
    lead, lead_reason = lead_of(ps, verdict)
    services = shift_services(ps)
    providers = services["provider"].tolist()
    commissioners = commissioners_of(ps, system, providers)
    types = ps.partners.set_index("id")["type"].to_dict() if "type" in ps.partners else {}
    streams = workstreams(services, commissioners, lead, types, commissioned_by(ps, system))
    money_sources = merge_sources([service_rows(system, services["id"]),
                                   contract_rows(system, providers)])
    sources = {row.workstream: service_rows(system, row.services)
               for row in streams.itertuples(index=False)}
    sources["Contracts and money"] = contract_rows(system, providers)
    share = risk_share_of(ps)
    share_source = ""
    if share is None and ps.incentives is not None and len(ps.incentives.transfers):
        share_source = ("The gain-share that leaves every core partner no worse off: "
                        + "; ".join(f"{names.get(t.payer, t.payer)} pays "
                                    f"{names.get(t.payee, t.payee)} {fmt_money(t.amount)} a year"
                                    for t in ps.incentives.transfers.itertuples()) + ".")
    elif share is not None:
        share_source = format_sources(money_sources)
    investment = investment_of(ps)
    money = money_of(ps, verdict)
    seats = seats_of(ps)
    opp = ps.opportunity
    title = opp.title or opp.id
    core = ps.partners.loc[ps.partners["tier"] == "core", "id"].tolist()
    return EngagementPack(
        title=title, system_name=ps.system_name, opportunity=opp.id, lead=lead,
        lead_reason=lead_reason, verdict=verdict,
        raci=raci(streams, ps.partners, lead, names, sources),
        plan=_plan(ps, names, cadence), stakeholders=_stakeholders(ps), risk_share=share,
        risk_share_source=share_source, positions=_positions(ps, names),
        investment=investment, money=money,
        money_sources=money_sources, core=core, names=names,
        asks=board.asks(title, verdict, lead, names, core, seats, share, investment, money,
                        cadence, ps.incentives.transfers if ps.incentives is not None else None,
                        lead_reason),
        partner_lines=board.partner_lines(ps.partners, names, payers_of(ps, design)),
        warnings=warnings_of(ps), cadence=cadence, informed=informed_line(ps.partners, names),
        notes=[plain(n) for n in ps.notes if design is None or n not in design.notes],
        provenance=ps.provenance(), share_lines=share_lines(design, names),
        share_notes=share_notes(design, names),
        settled=settled(design, names, MAP_ROWS), settled_all=settled(design, names),
        settled_caption=settled_caption(design, MAP_ROWS),
        positions_shown=_positions(ps, names, MAP_ROWS) if ps.incentives is not None
        and len(ps.incentives.organisations) > MAP_ROWS else None,
        partner_sources=board.partner_sources(ps.partners))
