"""What the money under a shift is worked out from, at a fraction of 1 (`MoneyBasis`): the
patients diverted along the in-scope flows (`netkit.finance.diversion`), each touched
service's change, costs, price, capacity and headroom, who pays whom for it
(`netkit.finance.positions.payments`), and the per-service arrays the money and its draws are
evaluated from. Every figure is proportional to the fraction, so the same shift at another
fraction reuses it (`netkit.finance.incentives.incentives`, ``basis=``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit._frames import first_rows, isin, joint_codes
from netkit.finance.coded_flows import MoneyCodes, money_codes
from netkit.finance.contracts import contract_table
from netkit.finance.diversion import _diverted
from netkit.finance.positions import ServiceMoney, contract_lines, paid_by
from netkit.model.opportunity import Shift
from netkit.model.schema import HOME, counted_in_days
from netkit.model.system import System, kept, system_flow_codes

__all__ = ["MoneyBasis", "money_basis"]


@dataclass(frozen=True)
class MoneyBasis:
    """What the money under a shift is worked out from, all at a fraction of 1 (every figure
    is proportional to the fraction): the patients diverted, the services' costs and the
    payments, for one system, its in-scope services and flows and the shift's services."""

    moves: tuple  # the shift's services and contacts per patient: what the basis depends on
    diverted: pd.DataFrame
    table: pd.DataFrame
    notes: tuple
    money: ServiceMoney


def moves_of(shift: Shift) -> tuple:
    """What a basis depends on: the shift's services and contacts per patient."""
    return (tuple(shift.from_), tuple(shift.to), getattr(shift, "contacts_per_patient", None))


def money_basis(system: System, shift: Shift, services: pd.DataFrame,
                flows: pd.DataFrame | None = None, rows=None) -> MoneyBasis:
    """The figures at a fraction of 1 that `netkit.finance.incentives.incentives` works the
    money out from; ``rows``, if given, are the ``flows``' labels in ``system.flows``
    (their codes are then the system's: `netkit.finance.coded_flows`)."""
    codes = money_codes(system, rows) if flows is not None else None
    flows = _flows_between(system, services) if flows is None else flows
    flows, by_contract, payers = _with_commissioner(system, flows, codes)
    diverted, service_ends = _diverted(flows, services, shift, payers, codes)
    change = None if service_ends is None else _change(diverted, service_ends, codes)
    table, notes = _service_table(system, services, diverted,
                                  None if change is None else change[0])
    if change is None:
        priced = diverted.merge(table[["id", "provider", "price"]], left_on="service",
                                right_on="id")
        priced = priced.assign(priced=priced["price"].fillna(0.0) * priced["contacts"])
        priced = priced[["service", "provider", "commissioner", "priced"]]
    else:  # the touched services, as _service_table keeps them
        touched = change[1][np.abs(change[0]["contacts"].to_numpy()) > 1e-9]
        priced = _priced(diverted, service_ends, table, touched, codes)
    # the contracts' lines are the system's: read once per system (a tenth of a query's money)
    lines = kept(system, ("finance", "lines"), lambda s: contract_lines(contract_table(s)))
    paid, ruled = paid_by(priced, lines)
    pay_notes = [] if not ruled else [(
        f"contract-share rule: for {', '.join(ruled)}, the change in what they are paid is "
        "shared among each one's commissioners by contract value, because the patients' "
        "commissioner holds no contract with it or is not known ("
        f"{by_contract:,} of {len(flows):,} in-scope flows have no commissioner on the flow "
        "or their place)")]
    # the distinct ids found by hashing, then only they sorted (iterating the providers'
    # pandas text one by one into a set took a tenth of a second nationally)
    ends = np.concatenate([table["provider"].to_numpy(dtype=object),
                           paid["payer"].to_numpy(dtype=object)])
    orgs = np.array(sorted(pd.unique(ends).tolist()), dtype=object)
    index = pd.Index(orgs)  # positions looked up at once, not one by one
    income = np.bincount(index.get_indexer(paid["provider"]), paid["amount"], len(orgs))
    spend = np.bincount(index.get_indexer(paid["payer"]), paid["amount"], len(orgs))
    money = ServiceMoney(table["id"].to_numpy(dtype=object),
                         table["delta"].to_numpy(dtype=float),
                         table["unit_cost"].fillna(0.0).to_numpy(dtype=float),
                         table["marginal_cost"].fillna(0.0).to_numpy(dtype=float),
                         table["headroom"].to_numpy(dtype=float),
                         index.get_indexer(table["provider"]).astype(np.int64),
                         orgs, income, spend)
    return MoneyBasis(moves_of(shift), diverted, table, (tuple(notes), tuple(pay_notes)), money)


def _flows_between(system: System, services: pd.DataFrame) -> pd.DataFrame:
    """The system's flows whose ends are these services (or home)."""
    ids = set(services["id"]) | {HOME}
    flows = system.flows
    return flows[isin(flows["source"], ids) & isin(flows["target"], ids)]


def _with_commissioner(system: System, flows: pd.DataFrame, codes: MoneyCodes | None = None
                       ) -> tuple[pd.DataFrame, int, tuple]:
    """Flows with who pays for their patients, in order: the responsible commissioner
    (`netkit.finance.commissioners`: the flow's own, else its place's) and the place's council
    (for services the council commissions), as ``"ICB;COUNCIL"`` ("" where neither is known);
    how many flows have no responsible commissioner; and the flows' places and payers coded
    as `netkit.finance.diversion.divert` takes them (``payers``)."""
    from netkit.finance.commissioners import responsible_commissioner

    # worked out once per distinct (commissioner, place) of the flows (a few hundred), not
    # once per flow (England's 938,000 took a tenth of a second)
    columns = [flows[c] for c in ("commissioner", "place") if c in flows]
    coded = [] if codes is None else [getattr(codes, c) for c in ("commissioner", "place")
                                      if c in flows]
    if len(coded) == len(columns) and all(c is not None for c in coded):
        columns = coded  # the system's codes: the same pairs, numbered the same
    pair = joint_codes(columns) if columns else np.zeros(len(flows), dtype=np.int64)
    distinct = flows.iloc[first_rows(pair)]  # each pair's first flow
    found = responsible_commissioner(system, distinct)
    places = system.places
    council = (distinct["place"].map(dict(zip(places["place"], places["council"])))
               if "place" in distinct and len(places)
               else pd.Series(None, index=distinct.index))

    def text(values: pd.Series) -> pd.Series:
        return values.astype(object).where(values.notna(), "").astype(str)

    first, second = text(found["commissioner"]).to_numpy(), text(council).to_numpy()
    words = np.array([(f + ";" + c).strip(";") for f, c in zip(first, second)], dtype=object)
    contract = (found["basis"] == "contract").to_numpy()
    places_of = distinct["place"].to_numpy(dtype=object) if "place" in distinct else None
    return (flows.assign(commissioner=words[pair]),
            int(np.bincount(pair, minlength=len(words))[contract].sum()),
            (pair, places_of, words))


def _marginal(system: System, rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Marginal cost per contact and where it came from (`netkit.finance.costs`)."""
    from netkit.finance.costs import marginal_share_source, marginal_unit_costs

    return (marginal_unit_costs(system, rows).to_numpy(),
            marginal_share_source(system, rows).to_numpy())


def _service_costs(system: System) -> tuple | None:
    """The system's service ids (an index) with each service's marginal cost and its source
    (`_marginal`), in the services' order: each query's touched services read theirs by
    position (a query's own took a tenth of its money); None where ids repeat."""
    services = system.services
    ids = pd.Index(services["id"])
    if not ids.is_unique:
        return None
    return (ids, *_marginal(system, services))


def _change(diverted: pd.DataFrame, ends: np.ndarray, codes: MoneyCodes) -> tuple:
    """The diverted contacts and patients per service (``ends``: each row's service as the
    system's end code), grouped by the services' ranks among their names sorted, not by
    their text: the same groups in the same order, summed over the same rows in the same
    order; and each group's end code."""
    change = diverted[["contacts", "patients"]].groupby(codes.ranks[ends], sort=True).sum()
    at = codes.by_rank[change.index.to_numpy()]
    return change.set_axis(pd.Index(codes.labels[at], name="service")), at


def _priced(diverted: pd.DataFrame, ends: np.ndarray, table: pd.DataFrame,
            touched: np.ndarray, codes: MoneyCodes) -> pd.DataFrame:
    """``service, provider, commissioner, priced``: the diverted rows of the touched services
    (``table``'s rows, whose end codes are ``touched``), in order, priced; as merging them
    with ``table`` on their text."""
    row = np.full(len(codes.labels), -1, dtype=np.int64)
    row[touched] = np.arange(len(touched))
    at = row[ends]
    has = at >= 0
    at = at[has]
    return pd.DataFrame({
        "service": diverted["service"].to_numpy(dtype=object)[has],
        "provider": table["provider"].to_numpy()[at],
        "commissioner": diverted["commissioner"].to_numpy(dtype=object)[has],
        "priced": table["price"].fillna(0.0).to_numpy()[at]
        * diverted["contacts"].to_numpy()[has]})


def _service_table(system: System, services: pd.DataFrame, diverted: pd.DataFrame,
                   change: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Per touched service: change at fraction 1, costs, price, capacity and headroom
    (``change``: the diverted contacts and patients per service, as `_change` groups them;
    by their text where not given)."""
    from netkit.model.activity import service_activity

    if change is None:
        change = diverted.groupby("service", sort=True)[["contacts", "patients"]].sum()
    change = change[change["contacts"].abs() > 1e-9]
    costs = kept(system, ("finance", "service_costs"), _service_costs)
    at = costs[0].get_indexer(change.index) if costs is not None else None
    if at is not None and (at >= 0).all():
        # by position in the system's services, their marginal costs worked out once
        rows = system.services.take(at)
        marginal, source = costs[1][at], costs[2][at]
    else:  # ids repeated or unknown: by label, as given
        rows = system.services.set_index("id").loc[change.index.tolist()].reset_index()
        marginal, source = _marginal(system, rows)
    in_scope = services.set_index("id")["activity"]
    # each service's contacts in the whole system, worked out once per system (the flows
    # touching these services alone took 0.8 s a query nationally; the two add a service's
    # pathways in their own orders, so they can differ in the last bit)
    total = kept(system, ("finance", "activity"),
                 lambda s: service_activity(s.flows, system_flow_codes(s)))
    total = total.reindex(change.index).fillna(0.0).to_numpy()
    capacity = rows["capacity"].to_numpy(dtype=float)
    table = pd.DataFrame({
        "id": rows["id"].to_numpy(), "provider": rows["provider"].to_numpy(),
        "activity": in_scope.reindex(change.index).fillna(0.0).to_numpy(),
        "delta": change["contacts"].to_numpy(), "patients": change["patients"].to_numpy(),
        "unit_cost": rows["unit_cost"].to_numpy(dtype=float),
        "price": rows["price"].to_numpy(dtype=float), "marginal_cost": marginal,
        "marginal_source": source, "capacity": capacity, "before": total,
        "headroom": np.where(np.isnan(capacity), np.nan, np.maximum(capacity - total, 0.0)),
        "per_day": counted_in_days(rows)})
    notes = [f"{sid} has no unit cost; its cost change is counted as £0"
             for sid in table.loc[table["unit_cost"].isna(), "id"]]
    if not (table["delta"] > 0).any() and (table["delta"] < 0).any():
        notes.append("no `to` service of the shift is in scope, so the diverted patients' new "
                     "care is not costed")
    if table.empty:
        notes.append("no patients reach the shift's `from` services in scope, so nothing moves")
    return table, notes
