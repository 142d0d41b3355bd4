"""Incentives under an activity shift: who gains and who loses money, and the gain-share that
would leave every core partner no worse off.

The shift moves ``fraction`` of the in-scope activity at the ``from`` services to the ``to``
services, shared among them in proportion to their in-scope activity (equally where they have
none). Then, per organisation, a year:

* change in cost = Σ unit_cost × change in activity, over its services;
* change in income = Σ price × change in activity, over its services, times the share of its
  commissioning (by contract value) that is paid by activity; block contracts pay the same
  whatever the activity;
* each commissioner's change in spend = its activity-based share of each provider's
  ``price × change in activity``;
* net = change in income − change in cost − change in spend.

The system's net is minus the total change in cost (money between organisations nets out).
Where the system gains and an organisation loses, the loser is flagged, and gainers pay losers
in proportion to their gains (core gainers first) so that no core partner is worse off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netkit.model.opportunity import Shift
from netkit.model.selectors import select_services
from netkit.model.system import System

__all__ = ["Incentives", "shift_activity", "incentives", "commissioning_shares"]


@dataclass(frozen=True, repr=False)
class Incentives:
    """The money side of an activity shift.

    Attributes
    ----------
    organisations : DataFrame
        ``id, activity_change, cost_change, income_change, spend_change, net``, £ a year (and
        patient contacts a year for activity), one row per organisation touched.
    services : DataFrame
        ``id, provider, activity, activity_change, unit_cost, price``: the services the shift
        moves activity from or to.
    system_net : float
        £ a year the system as a whole gains (positive) or loses.
    transfers : DataFrame
        ``payer, payee, amount``: the gain-share that leaves every core partner no worse off.
    notes : list of str
        What could not be priced (a service with no unit cost, say).
    """

    organisations: pd.DataFrame
    services: pd.DataFrame
    system_net: float
    transfers: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["payer", "payee", "amount"]))
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<Incentives: {len(self.organisations):,} organisations, system net "
                f"{self.system_net:+,.0f} a year, {len(self.losers)} losing, "
                f"{len(self.transfers)} gain-share transfers>")

    @property
    def losers(self) -> list[str]:
        """Organisations that lose while the system gains."""
        if self.system_net <= 0:
            return []
        return sorted(self.organisations.loc[self.organisations["net"] < -0.5, "id"])

    def net_of(self, org: str) -> float:
        row = self.organisations.loc[self.organisations["id"] == org, "net"]
        return float(row.iloc[0]) if len(row) else 0.0

    def to_frame(self) -> pd.DataFrame:
        return self.organisations

    def to_dict(self) -> dict:
        return {"system_net": self.system_net, "losers": self.losers,
                "organisations": self.organisations.to_dict("records"),
                "services": self.services.to_dict("records"),
                "transfers": self.transfers.to_dict("records"), "notes": list(self.notes)}

    def _repr_html_(self) -> str:
        import html

        from netkit.render.formats import fmt_money, html_table

        verdict = "gains" if self.system_net > 0 else "loses"
        table = self.organisations.assign(**{c: self.organisations[c].map(fmt_money) for c in
                                             ("cost_change", "income_change", "spend_change",
                                              "net")})
        return (f"<p>The system {verdict} {html.escape(fmt_money(abs(self.system_net)))} a "
                "year.</p>" + html_table(table)
                + "".join(f"<p>{html.escape(n)}</p>" for n in self.notes))


def _expand(selectors, services: pd.DataFrame) -> pd.Series:
    return pd.Series(select_services(services, selectors), index=services.index)


def shift_activity(shift: Shift, services: pd.DataFrame) -> pd.Series:
    """Change in activity per in-scope service under a shift (contacts a year).

    Parameters
    ----------
    shift : Shift
    services : DataFrame
        In-scope services with ``id, category, activity``.

    Examples
    --------
    >>> services = pd.DataFrame({"id": ["ED", "UCR", "DN"], "category": ["a", "c", "c"],
    ...                          "activity": [500.0, 300.0, 100.0]})
    >>> shift_activity(Shift(("ED",), ("category:c",), 0.2), services).to_dict()
    {'ED': -100.0, 'UCR': 75.0, 'DN': 25.0}
    """
    source = _expand(shift.from_, services)
    target = _expand(shift.to, services) & ~source
    moved = services["activity"].where(source, 0.0) * shift.fraction
    receiving = services["activity"].where(target, 0.0)
    if receiving.sum() > 0:
        weights = receiving / receiving.sum()
    else:
        weights = target.astype(float) / max(int(target.sum()), 1)
    change = -moved + weights * moved.sum()
    return pd.Series(change.to_numpy(), index=services["id"].to_numpy()).astype("float64")


def commissioning_shares(system: System) -> pd.DataFrame:
    """Who pays each provider, and how: ``commissioner, provider, share, activity_share``.

    ``share`` is the commissioner's part of the provider's commissioning by contract value
    (equal parts where values are missing); ``activity_share`` is the same part where the
    contract pays by activity, else 0.
    """
    rels = system.relationships
    commissions = rels[rels["type"] == "commissions"]
    frame = pd.DataFrame({"commissioner": commissions["source"].to_numpy(),
                          "provider": commissions["target"].to_numpy(),
                          "value": commissions["value"].to_numpy(dtype="float64"),
                          "activity": (commissions["payment"] == "activity").to_numpy()})
    total = frame.groupby("provider")["value"].transform("sum")
    count = frame.groupby("provider")["value"].transform("size")
    frame["share"] = np.where(total > 0, frame["value"].fillna(0.0) / total.where(total > 0, 1),
                              1.0 / count)
    frame["activity_share"] = frame["share"] * frame["activity"]
    return frame[["commissioner", "provider", "share", "activity_share"]]


def incentives(system: System, shift: Shift, services: pd.DataFrame,
               core: list[str] | None = None, candidate_of: dict | None = None) -> Incentives:
    """The financial effect of a shift on each organisation and on the system.

    Parameters
    ----------
    system : System
    shift : Shift
    services : DataFrame
        In-scope services with ``id, provider, category, activity, unit_cost, price``.
    core : list of str, optional
        Core partners (candidate ids); the gain-share makes each of them no worse off.
    candidate_of : dict, optional
        Organisation → the candidate that stands for it, to total nets per candidate.

    Examples
    --------
    In the tiny sample, 20% of ED activity (100 contacts) moves to urgent community response:

    >>> import netkit
    >>> from netkit.partners.scope import find_scope
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> opp = system.opportunity("frailty")
    >>> result = incentives(system, opp.shift, find_scope(system, opp).services)
    >>> result.organisations.set_index("id")["net"].to_dict()
    {'ACUTE': 5000.0, 'COMM': -20000.0, 'ICB': 25000.0}
    >>> result.system_net
    10000.0
    """
    change = shift_activity(shift, services)
    touched = services.assign(activity_change=services["id"].map(change).to_numpy())
    touched = touched[touched["activity_change"] != 0]
    unit_cost, price = touched["unit_cost"], touched["price"]
    notes = [f"{sid} has no unit cost; its cost change is counted as £0"
             for sid in touched.loc[unit_cost.isna(), "id"]]
    touched = touched.assign(unit_cost=unit_cost, price=price,
                             cost_change=unit_cost.fillna(0.0) * touched["activity_change"],
                             priced=price.fillna(0.0) * touched["activity_change"])
    shares = commissioning_shares(system)
    paid = touched.groupby("provider")[["activity_change", "cost_change", "priced"]].sum()
    by_provider = shares.merge(paid.rename_axis("_provider").reset_index(),
                               left_on="provider", right_on="_provider")
    by_provider["spend_change"] = by_provider["activity_share"] * by_provider["priced"]
    income = by_provider.groupby("provider")["spend_change"].sum()
    spend = by_provider.groupby("commissioner")["spend_change"].sum()
    orgs = sorted(set(paid.index) | set(spend.index))
    table = pd.DataFrame({"id": orgs})
    table["activity_change"] = table["id"].map(paid["activity_change"]).fillna(0.0)
    table["cost_change"] = table["id"].map(paid["cost_change"]).fillna(0.0)
    table["income_change"] = table["id"].map(income).fillna(0.0)
    table["spend_change"] = table["id"].map(spend).fillna(0.0)
    table["net"] = table["income_change"] - table["cost_change"] - table["spend_change"]
    table = table.astype({c: "float64" for c in table.columns if c != "id"})
    system_net = float(-touched["cost_change"].sum())
    service_table = touched[["id", "provider", "activity", "activity_change", "unit_cost",
                             "price"]].sort_values("id", kind="mergesort").reset_index(drop=True)
    transfers = gain_share(table, system_net, core, candidate_of)
    return Incentives(table, service_table, system_net, transfers, tuple(notes))


def gain_share(table: pd.DataFrame, system_net: float, core: list[str] | None,
               candidate_of: dict | None = None) -> pd.DataFrame:
    """Transfers from gainers to core losers, each gainer paying in proportion to its gain.

    Core gainers pay first; other gainers are asked only where core gains do not cover core
    losses. Amounts are £ a year, rounded to the pound, largest first.
    """
    empty = pd.DataFrame(columns=["payer", "payee", "amount"])
    if system_net <= 0:
        return empty
    candidate_of = candidate_of or {}
    net = table.groupby([candidate_of.get(o, o) for o in table["id"].tolist()])["net"].sum()
    core_set = set(core if core is not None else net.index)
    losses = net[(net < 0) & net.index.isin(core_set)].abs()
    if losses.empty:
        return empty
    gains = net[net > 0]
    core_gains = gains[gains.index.isin(core_set)]
    payers = core_gains if core_gains.sum() >= losses.sum() else gains
    if payers.sum() <= 0:
        return empty
    amounts = np.round(np.outer(losses.to_numpy(), payers.to_numpy() / payers.sum()))
    payee_at, payer_at = np.nonzero(amounts > 0)  # every payee-payer pair, as the loops were
    frame = pd.DataFrame({"payer": payers.index.to_numpy(dtype=object)[payer_at],
                          "payee": losses.index.to_numpy(dtype=object)[payee_at],
                          "amount": amounts[payee_at, payer_at].astype(np.int64)})
    return frame.sort_values(["amount", "payer", "payee"], ascending=[False, True, True],
                             kind="mergesort").reset_index(drop=True)
