"""The risk-and-gain-share designer: who pays whom under an activity shift, by stated rules.

`design_share` starts from each organisation's position under the shift (the per-organisation
table of `netkit.finance.incentives`) and applies the rules in this order, each transfer naming
the rule that made it:

1. **subcontract**: a subcontractor is paid by its lead provider (``subcontracts``
   relationships carry money from the lead to the subcontractor), so a subcontractor that
   loses under the shift is made whole by its lead (by contract value where it has several);
   the lead carries that loss into step 2.
2. **keep whole**: every provider that delivers or loses under the shift is kept whole on its
   *marginal* position: what it is better off in cash (income change − spend change − change
   in cash cost; contacts no longer delivered save only their marginal cost, the rest is
   capacity: beds and staff time, not cash), or on its net where the cash split is absent
   (`marginal_positions`). A provider bears the first ``collar`` £ of its loss itself, and no
   provider receives more than ``cap`` £ in all (what a cap holds back stays with the payers).
   Providers the opportunity names in ``decommission`` are not compensated, nor given a share:
   their activity is being moved away on purpose. The organisations that gain pay, each in
   proportion to its gain.
3. **investment**: where the gains do not cover step 2 (the system as a whole loses money), the
   funders pay the rest (by default the commissioners, in proportion to their change in
   spend; ``funded_by`` names others). The opportunity is then an investment: the result says
   how much, who funds it and what it buys (patients diverted, contacts and bed days released,
   the benefits the opportunity names).
4. **gain share**: what the gainers still hold is shared, ``commissioner_share`` to the
   commissioners and the rest to the providers that deliver the shift (those taking on
   activity, a subcontractor's part going to its lead), in proportion to the activity they take
   on. A commissioner keeps its own part of its own gain (no transfer to itself).

Within each rule, each payer's total and each payee's total are fixed by the rule; who pays whom
is then settled with as few transfers as it takes (largest payer to largest payee first).
Positions are per organisation (a legal entity pays and is paid), not per partner seat.

The rules are stated up front (`ShareRule.describe`) and can be set per opportunity in
``opportunities.yaml`` (``risk_share: {keep_whole: marginal, commissioner_share: 0.5, cap: …,
collar: …, funded_by: [ICB]}``) or given to `design_share`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from netkit._frames import records as _records
from netkit._strings import plain_strings
from netkit.finance.investment import investment as _investment
from netkit.finance.investment import investment_line
from netkit.finance.settlement import (
    collar_note,
    dropped_note,
    match_in_order,
    new_contacts,
    non_payers,
    payers,
    settlement,
)
from netkit.finance.share_rule import (
    HALF_PENNY,
    KEEP_WHOLE,
    RULE_KEYS,
    ShareRule,
    parse_rule,
    pounds,
)
from netkit.model.system import kept
from netkit.render.naming import Org, said

__all__ = ["ShareRule", "ShareDesign", "design_share", "parse_rule", "marginal_positions",
           "RULE_KEYS", "KEEP_WHOLE"]

#: The order transfers are listed in (the order the rules apply).
RULE_ORDER = ("subcontract", "keep whole", "investment", "gain share")


def marginal_positions(table: pd.DataFrame, keep_whole: str = "marginal") -> tuple[pd.Series, str]:
    """Each organisation's position the rules keep whole, and the basis used.

    The marginal position is what the organisation is better off in cash: income change −
    spend change − the change in its *cash* cost, where contacts no longer delivered save only
    their marginal cost (``cash_releasing``) and the rest of their unit cost is capacity
    (``capacity_releasing``: beds and staff time, not cash). The incentives table gives
    ``cost_change`` as the change in cash cost, so there ``net`` is the marginal position; a
    table whose ``cost_change`` is at average cost (``cost_change = −(cash_releasing +
    capacity_releasing)`` where activity falls) has the capacity part taken off its net. Without
    the cash split, the net at average cost stands in (basis ``net``).

    Examples
    --------
    The acute trust loses £100 of income; of its £80 of cost saved only £30 is cash. With the
    cost at average cost its net is −£20, but in cash it is £70 worse off:

    >>> t = pd.DataFrame({"id": ["A", "C"], "activity_change": [-10.0, 0.0],
    ...                   "income_change": [-100.0, 0.0], "spend_change": [0.0, -100.0],
    ...                   "cost_change": [-80.0, 0.0], "net": [-20.0, 100.0],
    ...                   "cash_releasing": [30.0, 0.0], "capacity_releasing": [50.0, 0.0]})
    >>> marginal_positions(t)
    ([-70.0, 100.0], 'marginal')
    >>> marginal_positions(t.assign(cost_change=[-30.0, 0.0], net=[-70.0, 100.0]))
    ([-70.0, 100.0], 'marginal')
    """
    net = table["net"].astype("float64")
    if keep_whole != "marginal" or "cash_releasing" not in table:
        return net.tolist(), "net"
    cash = table["cash_releasing"].astype("float64").fillna(0.0)
    capacity = (table["capacity_releasing"].astype("float64").fillna(0.0)
                if "capacity_releasing" in table else pd.Series(0.0, index=table.index))
    cost = table["cost_change"].astype("float64").fillna(0.0)
    falling = (table["activity_change"] < 0) & (capacity > HALF_PENNY)
    at_average = bool(falling.any()) and bool(
        ((cost + cash + capacity).abs()[falling] < 0.01).all())
    position = net - capacity if at_average else net
    return position.tolist(), "marginal"


@dataclass(frozen=True, repr=False)
class ShareDesign:
    """A proposed risk-and-gain-share (the result of `design_share`).

    Attributes
    ----------
    rule : ShareRule
    positions : DataFrame
        ``id, role (commissioner|provider), decommissioned, position, received, paid, final``,
        £ a year: the position the rules keep whole, and after the transfers.
    transfers : DataFrame
        ``payer, payee, amount, rule``: who pays whom, £ a year (exact to the penny).
    investment : dict or None
        When the system loses: ``{amount, funded_by: [{id, amount}], buys: {patients,
        contacts, bed_days, benefits}, borne_by: [{id, amount, reason}]}``; else None.
        ``amount`` is what the organisations still lose after the transfers: the commissioners
        (and named funders) among them fund it (``funded_by``); a provider left with a loss
        (under the collar, beyond the cap) bears it itself (``borne_by``), which is not
        funding.
    basis : str
        ``marginal`` or ``net``: the positions the rules used.
    notes : tuple of str
        Organisations by id (the JSON report's notes).
    wording : tuple
        The same notes as parts (`netkit.render.naming`), for the reports to name each
        organisation by name; where empty, they show ``notes`` as they are.
    """

    rule: ShareRule
    positions: pd.DataFrame
    transfers: pd.DataFrame
    investment: dict | None = None
    basis: str = "net"
    notes: tuple = ()
    wording: tuple = ()
    #: How a count of patients or contacts is written (the windfall's new contacts, what an
    #: investment buys): as computed, or as disclosure rules show it (`design_share`).
    count: object = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        inv = (f", investment {pounds(self.investment['amount'])}"
               if self.investment else "")
        return f"<ShareDesign: {len(self.transfers)} transfers{inv}>"

    def to_frame(self) -> pd.DataFrame:
        return self.transfers

    def by_pair(self) -> pd.DataFrame:
        """``payer, payee, amount``: every rule's transfers summed per pair, pairs in order
        (who pays whom in all; the tracker and the settlement on actuals compare these)."""
        if not len(self.transfers):
            return pd.DataFrame(columns=["payer", "payee", "amount"])
        summed = self.transfers.groupby(["payer", "payee"], sort=True)["amount"].sum()
        return summed.astype("float64").reset_index()

    def records(self) -> list[dict]:
        """The transfers as JSON rows ``{payer, payee, amount, rule}``."""
        return [{"payer": p, "payee": q, "amount": float(a), "rule": r} for p, q, a, r in
                zip(self.transfers["payer"], self.transfers["payee"], self.transfers["amount"],
                    self.transfers["rule"])]

    def to_dict(self) -> dict:
        return {"rule": self.rule.to_dict(), "basis": self.basis, "transfers": self.records(),
                "positions": _records(self.positions), "investment": self.investment,
                "notes": list(self.notes)}

    def lines(self, names: Mapping | None = None) -> list[str]:
        """The proposal in words: each transfer, then the investment; each organisation by id,
        or with ``names`` (id to name) by name with its id in brackets.

        Examples
        --------
        >>> t = pd.DataFrame({"payer": ["ICB"], "payee": ["COMM"], "amount": [90.0],
        ...                   "rule": ["keep whole"]})
        >>> d = ShareDesign(ShareRule(), t.iloc[0:0], t)
        >>> d.lines(), d.lines({"ICB": "Vale ICB", "COMM": "Vale Community Health"})
        (['ICB pays COMM £90 a year (keep whole)'], ['Vale ICB (ICB) pays Vale Community Health (COMM) £90 a year (keep whole)'])
        """
        out = [said((Org(q), " reduces ", Org(p, possessive=True), f" contract by {pounds(a)} "
                     f"a year ({r})") if r.startswith(("block contract reduction",
                                                      "contract reduction")) else
                    (Org(p), " pays ", Org(q), f" {pounds(a)} a year ({r})"), names)
               for p, q, a, r in zip(self.transfers["payer"], self.transfers["payee"],
                                     self.transfers["amount"], self.transfers["rule"])]
        if self.investment:
            out.append(investment_line(self.investment, names, self.count))
        return out

    def blocks(self, top: int | None = None, names: Mapping | None = None,
               width: int = 100) -> list:
        """The proposal as report blocks (`netkit.finance.share_report.share_blocks`): its
        rules, who pays whom, any investment, the notes and the positions, the ``top`` largest
        of each where given, each organisation by name where ``names`` (id to name) gives one;
        text wraps at ``width``."""
        from netkit.finance.share_report import share_blocks

        return share_blocks(self, top, names, width)

    def position_table(self, top: int | None = None, names: Mapping | None = None,
                       width: int | None = None) -> pd.DataFrame:
        """``organisation, before, settlement, after`` for people, with a total row
        (`netkit.finance.share_report.position_table`)."""
        from netkit.finance.share_report import position_table

        return position_table(self, top, names, width)

    def _repr_html_(self) -> str:
        import html

        from netkit.render.formats import html_table

        return ("<ul>" + "".join(f"<li>{html.escape(r)}</li>"
                                 for r in self.rule.describe(self.basis))
                + "</ul>" + html_table(self.transfers)
                + "".join(f"<p>{html.escape(x)}</p>" for x in self.lines()[len(self.transfers):]))


def _roles(table: pd.DataFrame, system, delivers) -> np.ndarray:
    """``True`` where an organisation is a commissioner: the source of a ``commissions``
    relationship in the system, else one whose spend changes and whose activity does not. A
    commissioner that delivers the shift (``delivers``: its new contacts) with its spend
    unchanged (a council's in-house reablement) is a provider here, kept whole like any other
    that delivers."""
    if system is None:
        return ((table["activity_change"] == 0) & (table["spend_change"] != 0)).to_numpy()
    commissioners = table["id"].isin(kept(system, ("finance", "commissioners"), _sources))
    in_house = ((np.asarray(delivers, dtype="float64") > 0)
                & (table["spend_change"].to_numpy(dtype="float64") == 0))
    return commissioners.to_numpy() & ~in_house


def _sources(system) -> frozenset:
    """The sources of the system's ``commissions`` relationships."""
    rels = system.relationships
    return frozenset(rels.loc[rels["type"] == "commissions", "source"])


def _subcontracts(system) -> pd.DataFrame:
    """``lead, sub, weight``: each subcontractor's leads, weighted by contract value (worked
    out once per system; read only)."""
    if system is None:
        return pd.DataFrame(columns=["lead", "sub", "weight"])
    return kept(system, ("finance", "subcontracts"), _subcontract_frame)


def _subcontract_frame(system) -> pd.DataFrame:  # see _subcontracts
    rels = system.relationships
    subs = rels[rels["type"] == "subcontracts"]
    frame = pd.DataFrame({"lead": subs["source"].to_numpy(), "sub": subs["target"].to_numpy(),
                          "value": pd.to_numeric(subs["value"], errors="coerce").to_numpy()})
    total = frame.groupby("sub")["value"].transform("sum")
    count = frame.groupby("sub")["value"].transform("size")
    frame["weight"] = np.where(total > 0, frame["value"].fillna(0.0) / total.where(total > 0, 1),
                               1.0 / count)
    return frame[["lead", "sub", "weight"]]


class _Ledger:
    """Positions by organisation and the transfers booked against them."""

    def __init__(self, ids: list, position: np.ndarray):
        self.ids = list(ids)
        self.at = dict(zip(self.ids, range(len(self.ids))))
        self.p = position.astype("float64").copy()
        self.received = np.zeros(len(self.ids))
        self.paid = np.zeros(len(self.ids))
        self.rows: list[pd.DataFrame] = []

    def index(self, org: str) -> int:
        """The row of an organisation, adding one (position 0) if it is new."""
        if org not in self.at:
            self.at[org] = len(self.ids)
            self.ids.append(org)
            self.p, self.received, self.paid = (np.append(a, 0.0) for a in
                                                (self.p, self.received, self.paid))
        return self.at[org]

    def book(self, payer: np.ndarray, payee: np.ndarray, amount: np.ndarray, rule: str) -> None:
        keep = (amount > HALF_PENNY) & (payer != payee)
        payer, payee, amount = payer[keep], payee[keep], amount[keep]
        np.subtract.at(self.p, payer, amount)
        np.add.at(self.paid, payer, amount)
        np.add.at(self.p, payee, amount)
        np.add.at(self.received, payee, amount)
        ids = np.asarray(self.ids, dtype=object)
        self.rows.append(pd.DataFrame({"payer": ids[payer], "payee": ids[payee],
                                       "amount": amount, "rule": rule}))

    def book_matrix(self, to: np.ndarray, weights: np.ndarray, payers: np.ndarray,
                    rule: str) -> None:
        """Pay ``to[i]`` to each payee i, the payers giving in proportion to ``weights``.

        Each payer's total and each payee's total are fixed by the rule; who pays whom is then
        settled with as few transfers as it takes (largest payer to largest payee first, ties
        by id), so a proposal reads as a handful of payments, not every payer paying every
        payee a few pounds."""
        if to.sum() <= HALF_PENNY or weights.sum() <= 0:
            return
        give = pd.Series(to.sum() * (weights / weights.sum()), index=payers).groupby(level=0).sum()
        take = pd.Series(to, index=np.arange(len(to)))
        payer_at, payee_at, amount = match_in_order(self._ordered(give), self._ordered(take))
        self.book(np.asarray(payer_at, dtype=int), np.asarray(payee_at, dtype=int),
                  np.asarray(amount, dtype="float64"), rule)

    def _ordered(self, amounts: pd.Series) -> list:
        """``(row, amount)`` with something to give or take, largest first, ties by id."""
        amounts = amounts[amounts > HALF_PENNY]
        return sorted(zip(amounts.index.tolist(), amounts.tolist()),
                      key=lambda item: (-item[1], self.ids[item[0]]))

    def transfers(self) -> pd.DataFrame:
        rows = [r for r in self.rows if len(r)]
        if not rows:
            return pd.DataFrame({"payer": pd.Series(dtype=object),
                                 "payee": pd.Series(dtype=object),
                                 "amount": pd.Series(dtype="float64"),
                                 "rule": pd.Series(dtype=object)})
        frame = pd.concat(rows, ignore_index=True).groupby(
            ["rule", "payer", "payee"], as_index=False, sort=False)["amount"].sum()
        frame["amount"] = frame["amount"].round(2)
        frame = frame[frame["amount"] > 0]
        frame["_rule"] = frame["rule"].map({r: i for i, r in enumerate(RULE_ORDER)})
        frame = frame.sort_values(["_rule", "amount", "payer", "payee"],
                                  ascending=[True, False, True, True], kind="mergesort")
        return frame[["payer", "payee", "amount", "rule"]].reset_index(drop=True)


def _opportunity_rule(opportunity) -> Mapping | None:
    """The opportunity's ``risk_share`` settings (an `Opportunity` attribute)."""
    return getattr(opportunity, "risk_share", None) if opportunity is not None else None


def _decommissioned(opportunity) -> tuple:
    """The providers the opportunity decommissions (an `Opportunity` attribute)."""
    return tuple(getattr(opportunity, "decommission", ()) or ()) if opportunity is not None \
        else ()


@plain_strings
def design_share(incentives, system=None, opportunity=None, *, rule=None,
                 decommission=None, disclosure=None) -> ShareDesign:
    """Propose who pays whom under a shift, by stated rules (see the module's description).

    Parameters
    ----------
    incentives : Incentives or DataFrame
        `netkit.finance.incentives.Incentives` (or its per-organisation table: ``id,
        activity_change, cost_change, income_change, spend_change, net`` and, where given,
        ``cash_releasing, capacity_releasing``).
    system : System, optional
        For who commissions (``commissions`` relationships), subcontracts and organisation ids.
    opportunity : Opportunity, optional
        Its ``risk_share`` settings, ``decommission`` list and ``benefits``.
    rule : ShareRule or mapping, optional
        Settings over the opportunity's (``{"commissioner_share": 0.3, "cap": 50000}``).
    decommission : iterable of str, optional
        Providers not compensated (default: the opportunity's ``decommission``).
    disclosure : DisclosureRules, optional
        Where active (`netkit.model.disclosure`), the counts of contacts and patients the notes
        and the investment's line give are shown as the rules show counts; the money is not
        changed.

    Returns
    -------
    ShareDesign

    Examples
    --------
    The system saves £100: the acute trust loses £30 of income less £10 of cash it saves, the
    community trust's new work costs it £40, and the commissioner spends £160 less.

    >>> t = pd.DataFrame({"id": ["ACUTE", "COMM", "ICB"], "activity_change": [-10.0, 10, 0],
    ...                   "cost_change": [-10.0, 40, 0], "income_change": [-30.0, 0, 0],
    ...                   "spend_change": [0.0, 0, -160], "net": [-20.0, -40, 160]})
    >>> d = design_share(t, rule={"collar": 0})  # no collar: the example moves a few pounds
    >>> d.lines()
    ['ICB pays COMM £90 a year (keep whole and gain share)', 'ICB pays ACUTE £20 a year (keep whole)']
    """
    table = getattr(incentives, "organisations", incentives).reset_index(drop=True)
    where = (f"opportunities.yaml: opportunity {opportunity.id!r}" if opportunity is not None
             else "risk_share")
    known = system.organisations["id"].tolist() if system is not None else None
    rule = parse_rule(rule, "design_share(rule=...)", known,
                      parse_rule(_opportunity_rule(opportunity), where, known))
    decommissioned = set(decommission if decommission is not None
                         else _decommissioned(opportunity))
    position, basis = marginal_positions(
        table, "net" if rule.keep_whole == "net" else "marginal")
    ledger = _Ledger(table["id"].tolist(), np.asarray(position, dtype="float64"))
    initial = ledger.p.copy()
    delivers, full_cost = new_contacts(incentives, system, opportunity, table)
    commissioner = list(_roles(table, system, delivers))
    notes = _subcontract_step(ledger, system, decommissioned, commissioner, delivers, full_cost)
    for funder in rule.funded_by:
        ledger.index(funder)
    n = len(ledger.ids)
    commissioner = np.array(commissioner + [False] * (n - len(commissioner)), dtype=bool)
    delivers = np.array(delivers + [0.0] * (n - len(delivers)), dtype="float64")
    full_cost = np.array(full_cost + [np.nan] * (n - len(full_cost)), dtype="float64")
    out = np.fromiter(map(decommissioned.__contains__, ledger.ids), dtype=bool,
                      count=len(ledger.ids))
    pays = payers(ledger.ids, commissioner, system)
    start = np.append(initial, np.zeros(n - len(initial)))  # before any transfer
    notes += _keep_whole_step(ledger, rule, commissioner, out, table, pays)
    count = disclosure.count if disclosure is not None and disclosure.active else None
    notes += _gain_share_step(ledger, rule, commissioner, out, delivers, pays, full_cost,
                              count or (lambda v: f"{v:,.0f}"))
    notes += non_payers(ledger.ids, start, pays, commissioner)
    transfers, dropped = settlement(ledger.transfers(), ledger.ids, system, commissioner,
                                    rule, RULE_ORDER)
    notes += dropped_note(dropped, rule.collar)
    received = transfers.groupby("payee")["amount"].sum().reindex(ledger.ids, fill_value=0.0)
    paid = transfers.groupby("payer")["amount"].sum().reindex(ledger.ids, fill_value=0.0)
    positions = pd.DataFrame({"id": ledger.ids,
                              "role": np.where(commissioner, "commissioner", "provider"),
                              "decommissioned": out, "position": start,
                              "received": received.to_numpy(), "paid": paid.to_numpy(),
                              "final": start + received.to_numpy() - paid.to_numpy()})
    ends = _windfall_ends(positions, [n[1].id for n in notes if n[:1] == ("windfall: ",)])
    notes = [_windfall_end(n, *ends[n[1].id]) if n[:1] == ("windfall: ",) and n[1].id in ends
             else n for n in notes]
    lost = positions[out & (start < -HALF_PENNY)]
    notes += [(Org(o), f" is decommissioned: its loss of {pounds(-v)} a year is not "
               "compensated") for o, v in zip(lost["id"], lost["position"])]
    investment = _investment(positions, incentives, opportunity,
                             float(getattr(incentives, "system_net", start.sum())), rule)
    return ShareDesign(rule, positions, transfers, investment, basis,
                       tuple(said(n) for n in notes), tuple(notes), count)


def _subcontract_step(ledger: _Ledger, system, decommissioned: set, commissioner: list,
                      delivers: list, full_cost: list) -> list[tuple]:
    """Each losing subcontractor is made whole by its lead(s); a subcontractor's delivery
    counts for its lead in the gain share."""
    links = _subcontracts(system)
    links = links[links["sub"].isin(ledger.at) & ~links["sub"].isin(decommissioned)]
    if links.empty:
        return []
    sub_at = links["sub"].map(ledger.at).to_numpy()
    lead_at = np.array([ledger.index(lead) for lead in links["lead"]])
    commissioner += [False] * (len(ledger.ids) - len(commissioner))
    delivers += [0.0] * (len(ledger.ids) - len(delivers))
    full_cost += [np.nan] * (len(ledger.ids) - len(full_cost))
    weight = links["weight"].to_numpy()
    moved = np.array(delivers)[sub_at] * weight
    cost = np.array(full_cost)[sub_at] * weight
    for sub, lead, amount, c in zip(sub_at, lead_at, moved, cost):  # one per subcontract
        delivers[lead] += amount
        full_cost[lead] = np.nansum([full_cost[lead], c]) if not np.isnan(c) else full_cost[lead]
    for sub in sub_at:
        delivers[sub] = 0.0
        full_cost[sub] = np.nan
    loss = np.clip(-ledger.p[sub_at], 0, None) * links["weight"].to_numpy()
    ledger.book(lead_at, sub_at, loss, "subcontract")
    return []


def _keep_whole_step(ledger: _Ledger, rule: ShareRule, commissioner: np.ndarray,
                     out: np.ndarray, table: pd.DataFrame, pays: np.ndarray) -> list[tuple]:
    """Providers kept whole (a loss under the collar is borne; up to the cap) from the gains of
    those who may pay, then the investment funders."""
    if rule.keep_whole == "none":
        return []
    need = np.clip(-ledger.p, 0, None)
    need[commissioner | out] = 0.0
    if rule.cap is not None:
        need = np.minimum(need, rule.cap)
    under = (need > HALF_PENNY) & (need < rule.collar)
    note = collar_note(ledger.ids, need, under, rule.collar) if under.any() else None
    notes = [note] if note else []
    need[under] = 0.0
    total = need.sum()
    if total <= HALF_PENNY:
        return notes
    gains = np.where((ledger.p > HALF_PENNY) & pays[:len(ledger.p)], ledger.p, 0.0)
    covered = min(total, gains.sum())
    everyone = np.arange(len(ledger.ids))
    ledger.book_matrix(need / total * covered, gains, everyone, "keep whole")
    short = total - covered
    if short <= HALF_PENNY:
        return notes
    funders, weights = _funders(ledger, rule, commissioner, table)
    if not len(funders):
        return notes + [(f"no commissioner or named funder to fund {pounds(short)} a year: "
                         "the providers bear it",)]
    ledger.book_matrix(need / total * short, weights, funders, "investment")
    return notes


def _funders(ledger: _Ledger, rule: ShareRule, commissioner: np.ndarray,
             table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Who funds a shortfall, and in what proportions."""
    if rule.funded_by:
        return (np.array([ledger.index(o) for o in rule.funded_by]),
                np.ones(len(rule.funded_by)))
    at = np.nonzero(commissioner)[0]
    spend = table.set_index("id")["spend_change"].reindex(
        [ledger.ids[i] for i in at]).fillna(0.0).abs().to_numpy()
    return at, (spend if spend.sum() > 0 else np.ones(len(at)))


def _gain_share_step(ledger: _Ledger, rule: ShareRule, commissioner: np.ndarray,
                     out: np.ndarray, delivers: np.ndarray, pays: np.ndarray,
                     full_cost: np.ndarray, count) -> list[tuple]:
    """What those who may pay still hold: ``commissioner_share`` to the commissioners, the rest
    to the delivering providers by their new contacts at the receiving services (each up to the
    caps; a share under the collar is not paid). Returns the windfall notes."""
    held = np.where((ledger.p > HALF_PENNY) & pays[:len(ledger.p)], ledger.p, 0.0)
    held[out] = 0.0
    pool = held.sum()
    if pool <= HALF_PENNY:
        return []
    delivers = np.where(commissioner | out, 0.0, delivers)
    everyone = np.arange(len(ledger.ids))
    share = 1.0 - rule.commissioner_share if commissioner.any() else 1.0
    notes = []
    if delivers.sum() > 0:
        wanted = pool * share * (delivers / delivers.sum())
        to = wanted.copy()
        if rule.cap is not None:
            to = np.minimum(to, np.clip(rule.cap - ledger.received, 0, None))
        if rule.share_cap is not None:
            limit = np.where(np.isnan(full_cost), np.inf, rule.share_cap * full_cost)
            capped = to > limit + HALF_PENNY
            notes += [("windfall: ", Org(ledger.ids[i], possessive=True), " gain share would "
                       f"be {pounds(wanted[i])} a year for {count(delivers[i])} new contacts; "
                       f"capped at {pounds(limit[i])} ({rule.share_cap:g} × their full cost at "
                       "unit cost; risk_share.share_cap), the rest stays with the payers")
                      for i in np.nonzero(capped)[0]]
            to = np.minimum(to, limit)
        to = np.where(to < rule.collar, 0.0, to)
        ledger.book_matrix(to, held, everyone, "gain share")
    else:
        share = 0.0
    if not commissioner.any():
        return notes
    comm_held = np.where(commissioner, held, 0.0)
    weights = comm_held if comm_held.sum() > 0 else commissioner.astype(float)
    others = np.nonzero(~commissioner & (held > 0))[0]
    if len(others):  # a commissioner keeps its own part of its own gain
        to = held[others].sum() * (1.0 - share) * (weights / weights.sum())
        ledger.book_matrix(to, held[others], others, "gain share")
    return notes


def _windfall_ends(positions: pd.DataFrame, capped: list) -> dict:
    """For each capped provider (id) that is itself one of the payers: its share of the gains
    under the shift and where it ends (`_windfall_end`), worked out once for all of them
    (England has 90 windfall notes over 51,000 positions)."""
    held = positions["position"].clip(lower=0.0).to_numpy()
    total = held.sum()
    if not capped or total <= HALF_PENNY:
        return {}
    at = pd.Index(positions["id"]).get_indexer(list(dict.fromkeys(capped)))
    final = positions["final"].to_numpy()
    return {positions["id"].iat[i]: (held[i] / total, float(final[i]))
            for i in at if i >= 0 and held[i] > HALF_PENNY}


def _windfall_end(note: tuple, share: float, final: float) -> tuple:
    """A windfall note, with where the capped provider ends where it is itself one of the
    payers (``share`` of the gains under the shift; ``final`` £ a year after settlement): it
    keeps its part of what the cap holds back (most of it, where it holds most of the gain),
    and a reader of "capped at £170,000" beside an end position of £360,000 should be told
    why.

    Examples
    --------
    >>> positions = pd.DataFrame({"id": ["MH", "ICB"], "position": [718_000.0, 78_000.0],
    ...                           "final": [359_000.0, 393_000.0]})
    >>> note = ("windfall: ", Org("MH", possessive=True), " gain share would be £380,000 a year "
    ...         "for 354 new contacts; capped at £170,000 (...), the rest stays with the payers")
    >>> _windfall_end(note, *_windfall_ends(positions, ["MH"])["MH"])[-2:]
    (Org(id='MH', extra='', possessive=False), ' is among them (90% of the gains under the shift): it ends £360,000 a year better off (positions below)')
    """
    org = note[1].id
    return note + (", and ", Org(org), f" is among them ({share:.0%} of the gains under the "
                   f"shift): it ends {pounds(final)} a year better off (positions below)")
