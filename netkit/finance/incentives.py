"""Incentives under a shift: who gains and who loses money, with ranges, the chance of losing,
a time profile, and the gain-share that would leave every core partner no worse off.

The method, step by step (each step is a module a finance reader can check):

1. **Patients diverted** (`netkit.finance.diversion`): ``fraction`` of the patients who reach the
   ``from`` services go to the ``to`` services instead; their later care on the pathway goes
   with them; at the new service they have its own contacts per patient.
   Bed days: where a service's ``unit`` (an optional services.csv column the loader keeps) is
   ``day``, its contacts are bed days; without it, contacts at a ward are admissions and no bed
   days are counted.
2. **Money** (`netkit.finance.positions`): contacts no longer delivered release their marginal
   cost as cash and the rest as capacity; contacts gained cost their marginal cost within spare
   capacity and their whole unit cost (new staff) beyond it; income follows each contract's
   payment basis (activity, block, aligned payment and incentive); spend lands with the patients'
   responsible commissioner. net = income change − cost change − spend change.
3. **Capacity**: a receiving service taken past its capacity is a warning with the shortfall in
   contacts and the staff cost it implies at unit cost; ``cap_at_capacity`` caps the shift
   there instead.
4. **Ranges and risk**: the central figures use the shift's fraction and the stated costs;
   ``draws`` seeded draws take the fraction from a triangular distribution over ``shift.range``
   (low, central, high) and each service's costs from a triangular distribution within
   ± ``cost_spread`` (`DEFAULT_COST_SPREAD`) of the stated ones. Low and high are the 5th and
   95th percentiles of the draws; ``p_loss`` is the share of draws in which an organisation
   loses money.
5. **Time** (`netkit.finance.profile`): ramp-up, implementation cost and double running give
   years 1 to 3 and the payback month.

The system's net is minus the total change in cash cost (money between organisations nets out).
Where the system gains and an organisation loses, the loser is flagged, and gainers pay losers
in proportion to their gains (core gainers first) so that no core partner is worse off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netkit._parallel import in_background, spare_processor
from netkit.finance.basis import MoneyBasis, money_basis, moves_of
from netkit.finance.contact_shuffle import shift_activity
from netkit.finance.contracts import commissioning_shares
from netkit.finance.draws import (
    DEFAULT_COST_SPREAD,
    DEFAULT_DRAWS,
    DEFAULT_SEED,
)
from netkit.finance.draws import draws as _draws
from netkit.finance.draws import percentiles as _range
from netkit.finance.gain_share import gain_share
from netkit.finance.positions import ServiceMoney, evaluate, fraction_cap
from netkit.finance.profile import payback_month, profile, profile_frame
from netkit.model.opportunity import Shift
from netkit.model.system import System

__all__ = [
    "DEFAULT_COST_SPREAD",
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "Incentives",
    "MoneyBasis",
    "commissioning_shares",
    "incentives",
    "money_basis",
    "shift_activity",
]

_ORG_COLUMNS = ["id", "activity_change", "cost_change", "income_change", "spend_change", "net",
                "patients_change", "bed_days_change", "cash_releasing", "capacity_releasing",
                "net_low", "net_high", "p_loss"]


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("id", "payer", "payee", "provider",
                                                            "rule", "service") else float)
                         for c in columns})


@dataclass(frozen=True, repr=False)
class Incentives:
    """The money side of a shift.

    Attributes
    ----------
    organisations : DataFrame
        ``id, activity_change, cost_change, income_change, spend_change, net`` (£ a year, and
        contacts a year for activity), then ``patients_change, bed_days_change,
        cash_releasing, capacity_releasing, net_low, net_high, p_loss``; one row per
        organisation touched. ``cost_change`` is the change in cash cost.
    services : DataFrame
        ``id, provider, activity, activity_change, unit_cost, price`` and the working per
        service: patients and bed days moved, marginal cost and its source, capacity, contacts
        before and after (every pathway), cash and capacity released and used.
    system_net : float
        £ a year the system as a whole gains (positive) or loses (central).
    transfers : DataFrame
        ``payer, payee, amount``: the gain-share that leaves every core partner no worse off.
    notes : tuple of str
        What could not be priced, capacity warnings, rules used.
    system_net_low, system_net_high : float
        5th and 95th percentiles of the system's net over the draws.
    commissioners : DataFrame
        ``id, spend_change, spend_low, spend_high`` by responsible commissioner.
    profile : DataFrame
        ``year, net, net_low, net_high``: the system's net in years 1 to 3.
    payback_month : int or None
        First month the running total reaches zero (None: not within ten years).
    capacity : DataFrame
        ``service, capacity, before, after, shortfall, staff_cost`` for receiving services
        taken past their capacity.
    settings : dict
        ``fraction, fraction_low, fraction_high, fraction_used, cost_spread, draws, seed,
        patients_diverted`` (and its low and high).
    """

    organisations: pd.DataFrame
    services: pd.DataFrame
    system_net: float
    transfers: pd.DataFrame = field(default_factory=lambda: _empty(["payer", "payee", "amount"]))
    notes: tuple[str, ...] = ()
    system_net_low: float = math.nan
    system_net_high: float = math.nan
    commissioners: pd.DataFrame = field(default_factory=lambda: _empty(
        ["id", "spend_change", "spend_low", "spend_high"]))
    profile: pd.DataFrame = field(default_factory=lambda: _empty(
        ["year", "net", "net_low", "net_high"]))
    payback_month: int | None = None
    capacity: pd.DataFrame = field(default_factory=lambda: _empty(
        ["service", "capacity", "before", "after", "shortfall", "staff_cost"]))
    settings: dict = field(default_factory=dict)
    #: What the figures were worked out from at a fraction of 1 (`MoneyBasis`): the same shift
    #: at another fraction reuses it (``incentives(..., basis=...)``). Not part of the result.
    basis: MoneyBasis | None = field(default=None, repr=False, compare=False)
    #: The draws still being made in the background (``incentives(..., ranges_later=True)``)
    #: and how to finish the figures from them: see `with_ranges`. Not part of the result.
    pending: tuple | None = field(default=None, repr=False, compare=False)
    #: Each service in `capacity` as its notes name it (by name and id, and who runs it:
    #: `_service_labels`), for `released` to word them again.
    capacity_names: dict = field(default_factory=dict, repr=False, compare=False)

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

    def range_words(self) -> str:
        """``(90% range £1.2m to £2.1m, unit costs only)`` for the system's net, saying what the
        range covers (unit costs, and the shift's own range only where ``shift.range`` is
        given), or "" without draws."""
        from netkit.render.formats import fmt_money_rounded

        if math.isnan(self.system_net_low) or self.system_net_low == self.system_net_high:
            return ""
        covers = ("unit costs and shift.range" if self.shift_ranged else "unit costs only")
        return (f"(90% range {fmt_money_rounded(self.system_net_low)} to "
                f"{fmt_money_rounded(self.system_net_high)}, {covers})")

    @property
    def drawn(self) -> bool:
        """Were the ranges drawn (a Monte Carlo run), not the central figure repeated?"""
        return self.settings.get("draws", 1) > 0

    @property
    def shift_ranged(self) -> bool:
        """Do the draws vary the shift's fraction (``shift.range`` given) as well as costs?"""
        s = self.settings
        return s.get("fraction_low", 0.0) != s.get("fraction_high", 0.0)

    def summary_lines(self, disclosure=None) -> list[str]:
        """Patients diverted with the cash and capacity released; the cash bridge (cash
        released − new cash costs = the system's net); the years and the payback (assessed only
        where an implementation cost is entered). Under active ``disclosure`` rules
        (`netkit.model.disclosure`) the patients and bed days are shown as the rules show
        counts.

        Examples
        --------
        >>> import netkit
        >>> ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty")
        >>> ps.incentives.summary_lines()[0]
        '100 patients a year diverted; cash released £116,000, capacity released £160,000 a year'
        """
        from netkit.finance.profile import summary_lines

        return summary_lines(self, disclosure)

    def released(self, disclosure) -> Incentives:
        """The same figures, with the notes' counts (each receiving service past its capacity:
        its contacts before and after the shift, its capacity and the shortfall) as active
        ``disclosure`` rules show counts (`netkit.model.disclosure.DisclosureRules.count`);
        itself where the rules change nothing."""
        if disclosure is None or not disclosure.active or not len(self.capacity):
            return self
        from dataclasses import replace

        from netkit.render.formats import fmt_money_rounded, fmt_number

        rows = list(self.capacity.itertuples())
        said = self.capacity_names
        words = {_capacity_words(r, whole_count, fmt_money_rounded, said.get(r.service)):
                 _capacity_words(r, disclosure.count, fmt_money_rounded, said.get(r.service))
                 for r in rows}
        return replace(self, notes=tuple(words.get(n, n) for n in self.notes))

    @staticmethod
    def json_money(incentives: Incentives | None) -> dict:
        """The version 2 money keys of the partner JSON: ``system_net_low``,
        ``system_net_high`` and ``commissioners[]: {id, spend_change}`` (None and [] without a
        shift)."""
        if incentives is None:
            return {"system_net_low": None, "system_net_high": None, "commissioners": []}
        return {"system_net_low": incentives.system_net_low,
                "system_net_high": incentives.system_net_high,
                "commissioners": incentives.commissioners[["id", "spend_change"]].to_dict(
                    "records")}

    def range_table(self, labels, rows=None) -> pd.DataFrame:
        """Each organisation's net for a report: low, central and high (5th and 95th
        percentiles of the draws) rounded for people, and its chance of losing money (never
        0% or 100%: "<1%" and ">99%" of the draws); ``labels`` names the rows (default: the
        ids); ``rows``: only these positions of `organisations`, in this order."""
        from netkit.render.formats import fmt_chance, fmt_money_rounded

        t = self.organisations if rows is None else self.organisations.iloc[rows]
        return pd.DataFrame({"organisation": t["id"] if labels is None else list(labels),
                             "low": t["net_low"].map(fmt_money_rounded),
                             "net": t["net"].map(fmt_money_rounded),
                             "high": t["net_high"].map(fmt_money_rounded),
                             "chance of loss": t["p_loss"].map(fmt_chance)})

    def with_ranges(self) -> Incentives:
        """The figures with their ranges and chances of loss, once the draws started in the
        background (``incentives(..., ranges_later=True)``) are made: the same figures as
        drawing them at once. Until then the ranged columns and keys are missing, so that
        nothing can read them early. Itself where nothing is pending.

        Examples
        --------
        >>> import netkit
        >>> from netkit.partners.scope import find_scope
        >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
        >>> opp = tiny.opportunity("frailty")
        >>> scope = find_scope(tiny, opp)
        >>> early = incentives(tiny, opp.shift, scope.services, flows=scope.flows,
        ...                    ranges_later=True)
        >>> done = early.with_ranges()
        >>> at_once = incentives(tiny, opp.shift, scope.services, flows=scope.flows)
        >>> done.organisations.equals(at_once.organisations), done.settings == at_once.settings
        (True, True)
        """
        if self.pending is None:
            return self
        from dataclasses import replace

        work, finish = self.pending
        return replace(self, **finish(work.result()), pending=None)

    def with_transfers(self, transfers: pd.DataFrame) -> Incentives:
        """The same figures with another gain-share."""
        from dataclasses import replace

        return replace(self, transfers=transfers)

    def to_frame(self) -> pd.DataFrame:
        return self.organisations

    def to_dict(self) -> dict:
        return {"system_net": self.system_net, "losers": self.losers,
                "organisations": self.organisations.to_dict("records"),
                "services": self.services.to_dict("records"),
                "transfers": self.transfers.to_dict("records"), "notes": list(self.notes),
                "system_net_low": self.system_net_low, "system_net_high": self.system_net_high,
                "commissioners": self.commissioners.to_dict("records"),
                "profile": self.profile.to_dict("records"), "payback_month": self.payback_month,
                "capacity": self.capacity.to_dict("records"), "settings": dict(self.settings)}

    def _repr_html_(self) -> str:
        import html

        from netkit.render.formats import fmt_money_rounded, html_table

        verdict = "gains" if self.system_net > 0 else "loses"
        money = ("cost_change", "income_change", "spend_change", "net", "cash_releasing",
                 "capacity_releasing", "net_low", "net_high")
        table = self.organisations.assign(**{c: self.organisations[c].map(fmt_money_rounded)
                                             for c in money})
        return (f"<p>The system {verdict} {html.escape(fmt_money_rounded(abs(self.system_net)))}"
                f" a year (90% range {html.escape(fmt_money_rounded(self.system_net_low))} to "
                f"{html.escape(fmt_money_rounded(self.system_net_high))}).</p>"
                + html_table(table) + "".join(f"<p>{html.escape(n)}</p>" for n in self.notes))


def incentives(system: System, shift: Shift, services: pd.DataFrame,
               core: list[str] | None = None, candidate_of: dict | None = None,
               flows: pd.DataFrame | None = None, *, cap_at_capacity: bool = False,
               draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
               cost_spread: float = DEFAULT_COST_SPREAD,
               basis: MoneyBasis | None = None, ranges_later: bool = False,
               flow_rows=None) -> Incentives:
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
    flows : DataFrame, optional
        The in-scope flows the patients are diverted along (default: the system's flows
        between these services).
    cap_at_capacity : bool
        Cap the shift where a receiving service reaches its capacity (default: warn).
    draws, seed : int
        Monte Carlo draws (0 for none) and their seed.
    cost_spread : float
        Each service's costs are drawn within ± this share of the stated ones.
    basis : MoneyBasis, optional
        ``Incentives.basis`` of the same system, services and flows under a shift moving the
        same services (at any fraction): the figures are then worked out from it, without
        diverting the patients and pricing the services again.
    ranges_later : bool
        Make the draws in a thread of their own while the caller goes on (where there is a
        processor to spare, `netkit._parallel.spare_processor`; else at once): the ranges
        and chances of loss are then missing until
        `Incentives.with_ranges` waits for them. `netkit.find_partners` does so, as its tiers
        do not depend on the draws.
    flow_rows : array of int, optional
        The ``flows``' labels in ``system.flows``: the patients are then diverted along
        the system's codes of them, not their text (`netkit.finance.coded_flows`; the same
        figures).

    Examples
    --------
    In the tiny sample 20% of the 500 patients reaching ED (100) go to urgent community
    response instead, and the 60 admissions and 37.5 discharges to care that followed go with them:

    >>> import netkit
    >>> from netkit.partners.scope import find_scope
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> opp = system.opportunity("frailty")
    >>> scope = find_scope(system, opp)
    >>> result = incentives(system, opp.shift, scope.services, flows=scope.flows, draws=0)
    >>> result.services.set_index("id")["activity_change"].round(3).to_dict()
    {'CH': -9.375, 'ED': -100.0, 'REABLE': -28.125, 'UCR': 100.0, 'WARD': -60.0}
    """
    if basis is None or basis.moves != moves_of(shift):
        basis = money_basis(system, shift, services, flows, flow_rows)
    diverted, table, money = basis.diverted, basis.table, basis.money
    fraction = np.array([float(shift.fraction)])
    used = fraction_cap(money, fraction) if cap_at_capacity else fraction
    central = evaluate(money, used)
    system_net = float(central["system_net"][0]) + 0.0  # no "-0"

    def drawn() -> dict | None:
        return _drawn(money, shift, draws, seed, cost_spread, cap_at_capacity,
                      central["org_net"][0])

    changes = _changes(money, table, used[0])  # (not drawn: worked out once, not twice)
    per_place = diverted.drop_duplicates(["place", "commissioner"])["diverted"].sum()

    def ranged(sampled: dict | None) -> dict:  # the fields that depend on the draws
        low, high = _range(sampled["system_net"] if sampled else None, system_net)
        years, payback = _time(shift, central, sampled)
        return {"organisations": _organisation_table(money.organisations, central, sampled,
                                                     changes),
                "commissioners": _commissioner_table(money.organisations, money.spend_unit,
                                                     used[0], sampled),
                "system_net_low": low, "system_net_high": high, "profile": years,
                "payback_month": payback,
                "settings": _settings(shift, used[0], cost_spread, draws, seed, per_place,
                                      sampled)}

    later = ranges_later and draws > 0 and spare_processor()  # else drawn at once, as before
    pending = (in_background(drawn), ranged) if later else None
    parts = ranged(None if later else drawn())
    capacity, capacity_notes, said = _capacity(table, central["delta"][0], used[0],
                                               fraction[0], cap_at_capacity, system)
    transfers = gain_share(parts["organisations"], system_net, core, candidate_of)
    notes, pay_notes = list(basis.notes[0]), list(basis.notes[1])
    return Incentives(services=_services_out(table, central, used[0]), system_net=system_net,
                      transfers=transfers, notes=tuple(notes + capacity_notes + pay_notes),
                      capacity=capacity, basis=basis, pending=pending, capacity_names=said,
                      **(_without_ranges(parts) if later else parts))


def _drawn(money: ServiceMoney, shift: Shift, draws: int, seed: int, spread: float, cap: bool,
           net: np.ndarray) -> dict | None:
    """The draws (`netkit.finance.draws.draws`) with each organisation's 5th and 95th
    percentiles and chance of loss worked out (``org_range``), in place of its draws
    themselves (380 MB for England, let go here); None for no draws."""
    sampled = _draws(money, shift, draws, seed, spread, cap)
    if sampled is None:
        return None
    org_net = sampled.pop("org_net")
    low, high = _range(org_net, net)
    # counted, not averaged: the mean of a (organisations, draws) mask makes floats of it
    sampled["org_range"] = (low, high, np.count_nonzero(org_net.T < -0.5, axis=1)  # along rows
                            / org_net.shape[0])
    return sampled


def _without_ranges(parts: dict) -> dict:
    """The fields of `incentives` with what depends on the draws left out (until
    `Incentives.with_ranges`)."""
    settings = {k: v for k, v in parts["settings"].items()
                if k not in ("patients_diverted_low", "patients_diverted_high")}
    return {**parts, "organisations": parts["organisations"].drop(
                columns=["net_low", "net_high", "p_loss"]),
            "commissioners": parts["commissioners"].drop(columns=["spend_low", "spend_high"]),
            "system_net_low": math.nan, "system_net_high": math.nan,
            "profile": parts["profile"].drop(columns=["net_low", "net_high"]),
            "settings": settings}


def _changes(money: ServiceMoney, table: pd.DataFrame, used: float) -> dict:
    """Each organisation's change in contacts, patients and bed days (by its position in the
    money's ``organisations``)."""
    # grouped by each service's organisation as its position in ``orgs`` (the money's
    # ``provider_of``), not by its id as text: the same sums, in the same order
    orgs, of = money.organisations, np.asarray(money.provider_of)
    known = of >= 0
    by_provider = pd.DataFrame({
        "activity_change": table["delta"].to_numpy() * used,
        "patients_change": table["patients"].to_numpy() * used,
        "bed_days_change": table["delta"].where(table["per_day"], 0.0).to_numpy() * used}
    )[known].groupby(of[known])[["activity_change", "patients_change", "bed_days_change"]].sum()
    at = by_provider.index.to_numpy()
    changes = {}
    for c in by_provider.columns:  # as reindex(orgs).fillna(0.0)
        changes[c] = np.zeros(len(orgs))
        changes[c][at] = by_provider[c].to_numpy(dtype="float64")
        changes[c][np.isnan(changes[c])] = 0.0
    return changes


def _organisation_table(orgs: np.ndarray, central: dict, sampled, changes: dict
                        ) -> pd.DataFrame:
    net = np.asarray(central["org_net"][0], dtype="float64")
    low, high, p_loss = sampled["org_range"] if sampled else (net, net, (net < -0.5).astype(float))
    columns = {"activity_change": changes["activity_change"], "cost_change": central["org_cost"][0],
               "income_change": central["org_income"][0], "spend_change": central["org_spend"][0],
               "net": net, "patients_change": changes["patients_change"],
               "bed_days_change": changes["bed_days_change"],
               "cash_releasing": central["org_cash_releasing"][0],
               "capacity_releasing": central["org_capacity_releasing"][0],
               "net_low": low, "net_high": high, "p_loss": p_loss}
    return pd.DataFrame({"id": orgs, **{c: np.asarray(columns[c], dtype="float64")
                                        for c in _ORG_COLUMNS[1:]}})


def _commissioner_table(orgs: np.ndarray, spend: np.ndarray, used: float, sampled
                        ) -> pd.DataFrame:
    paying = np.abs(spend) > 1e-9
    central = spend[paying] * used
    low, high = _range(np.outer(sampled["fractions"], spend[paying]) if sampled else None,
                       central)
    return pd.DataFrame({"id": orgs[paying], "spend_change": central,
                         "spend_low": np.asarray(low), "spend_high": np.asarray(high)})


def _service_labels(system: System | None, ids) -> list[str]:
    """Services as the capacity notes name them, each followed by a comma: ``Crisis house
    (CRISIS-H), run by Metro Mind (VCSE-MIND),``
    (`netkit.render.naming.service_and_provider`); the ids alone without a ``system``."""
    from netkit.render.naming import service_and_provider

    ids = [str(i) for i in ids]
    if system is None or not ids:
        return ids
    said = service_and_provider(system.services, system.organisation_lookup("name"), ids)
    return [said[i] + ("," if said[i] != i else "") for i in ids]


def _capacity(table: pd.DataFrame, delta: np.ndarray, used: float, fraction: float,
              capped: bool, system: System | None = None
              ) -> tuple[pd.DataFrame, list[str], dict]:
    """Receiving services taken past their capacity, the warnings (or the cap's note), and
    each service as the warnings name it (`_service_labels`, in ``system``)."""
    from netkit.render.formats import fmt_money_rounded, fmt_number, fmt_share

    after = table["before"].to_numpy() + delta
    capacity = table["capacity"].to_numpy()
    with np.errstate(invalid="ignore"):
        short = np.where((delta > 0) & ~np.isnan(capacity),
                         np.minimum(delta, np.maximum(after - capacity, 0.0)), 0.0)
    over = short > 1e-6
    frame = pd.DataFrame({"service": table["id"].to_numpy()[over], "capacity": capacity[over],
                          "before": table["before"].to_numpy()[over], "after": after[over],
                          "shortfall": short[over],
                          "staff_cost": short[over] * table["unit_cost"].fillna(0).to_numpy()[over]})
    said = dict(zip(frame["service"], _service_labels(system, frame["service"])))
    notes = [_capacity_words(r, whole_count, fmt_money_rounded, said[r.service])
             for r in frame.itertuples()]
    if capped and used < fraction - 1e-12:
        notes.append(f"capacity: the shift is capped at {fmt_share(used)} of patients instead "
                     f"of {fmt_share(fraction)}, where a receiving service reaches its capacity")
    return frame, notes, said


def whole_count(value: float) -> str:
    """Contacts as a capacity note counts them: whole (``90.9`` is ``91``), with commas.

    >>> whole_count(90.9), whole_count(3968.4)
    ('91', '3,968')
    """
    return f"{round(value):,}"


def _capacity_words(r, fmt_number, fmt_money, said: str | None = None) -> str:
    """A receiving service past its capacity in words (``said``: the service as the note names
    it, `_service_labels`; else its id): how far past it already is before the shift, the
    shortfall after it (that included), and the staff for the shift's own part."""
    already = max(r.before - r.capacity, 0.0)
    past = (f"is already {fmt_number(already)} contacts a year past its capacity of "
            f"{fmt_number(r.capacity)} before the shift; the shift takes it to "
            f"{fmt_number(r.after)}, {fmt_number(r.after - r.capacity)} short in all, of which "
            f"the shift's own {fmt_number(r.shortfall)} cost") if already > 1e-6 else (
            f"goes from {fmt_number(r.before)} to {fmt_number(r.after)} contacts a year with the "
            f"shift against its capacity of {fmt_number(r.capacity)}: "
            f"{fmt_number(r.shortfall)} contacts short,")
    return (f"capacity: {said or r.service} {past} about {fmt_money(r.staff_cost)} a year of staff at "
            "its unit cost (costed as new staff; --cap-at-capacity caps the shift instead)")


def _time(shift: Shift, central: dict, sampled) -> tuple[pd.DataFrame, int | None]:
    """Years 1 to 3 (central and range) and the payback month."""
    ramp = getattr(shift, "ramp_months", None)
    cost = getattr(shift, "implementation_cost", None)
    running = getattr(shift, "double_running_months", None)
    net, released = central["system_net"], central["cash_releasing"].sum(axis=1)
    years = profile(net, released, cost, ramp, running)[0]
    spread = (profile(sampled["system_net"], sampled["released"], cost, ramp,
                      running) if sampled else None)
    return (profile_frame(years, spread),
            payback_month(float(net[0]), float(released[0]), cost, ramp, running))


def _settings(shift: Shift, used: float, spread: float, draws: int, seed: int,
              per_place: float, sampled) -> dict:
    given = getattr(shift, "range", None)
    patients = float(per_place * used)
    low, high = _range(per_place * sampled["fractions"] if sampled else None, patients)
    return {"fraction": float(shift.fraction), "fraction_used": float(used),
            "fraction_low": float(given[0]) if given else float(shift.fraction),
            "fraction_high": float(given[1]) if given else float(shift.fraction),
            "cost_spread": float(spread), "draws": int(draws), "seed": int(seed),
            "patients_diverted": patients, "patients_diverted_low": low,
            "patients_diverted_high": high,
            "implementation_cost": float(getattr(shift, "implementation_cost", None) or 0.0)}


def _services_out(table: pd.DataFrame, central: dict, used: float) -> pd.DataFrame:
    delta = central["delta"][0]
    out = pd.DataFrame({
        "id": table["id"], "provider": table["provider"], "activity": table["activity"],
        "activity_change": delta, "unit_cost": table["unit_cost"], "price": table["price"],
        "patients_change": table["patients"] * used,
        "bed_days_change": np.where(table["per_day"], delta, 0.0),
        "marginal_cost": table["marginal_cost"], "marginal_source": table["marginal_source"],
        "capacity": table["capacity"], "before": table["before"],
        "after": table["before"] + delta,
        **{k: central[k][0] for k in ("cash_releasing", "capacity_releasing", "cash_cost",
                                      "capacity_used", "cost_change")}})
    return out.sort_values("id", kind="mergesort").reset_index(drop=True)
