"""Who pays whom under a risk-and-gain-share: each organisation's total under the rules routed
along the contracts that carry the money, netted per pair, and payments under the collar left out.

`netkit.finance.risk_share` fixes what each organisation gains or gives under each rule; this
module settles it:

1. **Along contracts**: a provider receives from, and gives to, the commissioner(s) holding its
   contract(s), by contract value (a part under the collar goes to its larger commissioners
   instead). What a provider gives is a **contract reduction** (a *block contract reduction*
   where its contracts are block contracts). A provider with no contract in relationships.csv
   settles with the pool.
2. **Netted per pair**: a commissioner and a provider exchange one payment, the difference.
3. **Between commissioners**: what each commissioner should end with, against what its
   contracts moved, is settled with one net transfer per pair (largest first), a council and
   the NHS through the Better Care Fund or a section 75 pooled budget (``pooled budget``).
4. **Collar**: a payment under the collar is not made; each party keeps its position.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.finance.contracts import contract_table
from netkit.finance.share_rule import HALF_PENNY, NON_PAYING_TYPES, pounds
from netkit.model.system import kept
from netkit.render.naming import Org

__all__ = ["settle", "settlement", "match_in_order", "contracts_of", "payers", "non_payers",
           "dropped_note", "new_contacts", "types_of", "POOLED", "BETWEEN"]

POOLED = "pooled budget"
BETWEEN = "between commissioners"
_NHS = ("icb",)


def contracts_of(system) -> pd.DataFrame:
    """``commissioner, provider, weight, block``: each provider's contract holders, weighted by
    contract value (equal parts where values are missing)."""
    columns = ["commissioner", "provider", "weight", "block"]
    if system is None:
        return pd.DataFrame(columns=columns)
    return contract_table(system).rename(columns={"share": "weight"})[columns]


def _contracts(system) -> pd.DataFrame:
    """`contracts_of`, worked out once per system (read only): the settlement reads it twice
    a query."""
    return kept(system, ("finance", "contracts of"), contracts_of)


def _label(rules: list[str]) -> str:
    return " and ".join(dict.fromkeys(rules))


def _segments(group: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted array of group numbers."""
    return np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group


def _along_contracts(by_rule: pd.DataFrame, hubs: set, contracts: pd.DataFrame,
                     collar: float) -> tuple[pd.DataFrame, set]:
    """Signed flows commissioner → provider (``commissioner, provider, amount, rule``) for every
    non-hub organisation with a contract holder; and those without one.

    One row per organisation, rule and contract holder, in that order; each (organisation,
    rule) amount is split over its holders by weight (equal parts where their weights are all
    0), a part under the collar going to the others (all to the largest where every part is
    under it); all at once on integer codes.
    """
    columns = ["commissioner", "provider", "amount", "rule"]
    orgs = by_rule.index.to_numpy(dtype=object)
    values = by_rule.to_numpy(dtype="float64")
    outside = ~pd.Index(orgs).isin(list(hubs))
    holders = contracts[pd.Index(contracts["commissioner"].to_numpy(dtype=object)).isin(
        list(hubs))]
    at = pd.Index(orgs).get_indexer(holders["provider"].to_numpy(dtype=object))
    mine = (at >= 0)
    mine[mine] = outside[at[mine]]
    order = np.argsort(at[mine], kind="stable")  # by organisation, contracts' order within
    h_org = at[mine][order]
    h_who = holders["commissioner"].to_numpy(dtype=object)[mine][order]
    h_weight = holders["weight"].to_numpy(dtype="float64")[mine][order]
    h_block = holders["block"].to_numpy(dtype=bool)[mine][order]
    count = np.bincount(h_org, minlength=len(orgs))
    first = np.cumsum(count) - count
    loose = set(orgs[outside & (count == 0) & (np.abs(values) > HALF_PENNY).any(axis=1)].tolist())
    moves = ~(np.abs(values) <= HALF_PENNY)
    org_i, rule_j = np.nonzero(moves & (outside & (count > 0))[:, None])
    if not len(org_i):
        return pd.DataFrame(columns=columns), loose
    block = np.bincount(h_org, weights=(~h_block).astype(float), minlength=len(orgs)) == 0
    size = count[org_i]
    group = np.repeat(np.arange(len(org_i)), size)
    starts = np.cumsum(size) - size
    holder = first[org_i][group] + np.arange(len(group)) - starts[group]
    amount = values[org_i, rule_j][group]
    w = h_weight[holder]
    # holders whose weights are all 0 (their contracts valued at nothing, the value held by
    # commissioners outside the settlement) take equal parts, as where no values are given
    w = np.where((np.add.reduceat(w, starts) <= 0)[group], 1.0 / size[group], w)
    keep = np.abs(amount * w) >= collar  # a reduction's parts are negative
    none = ~np.logical_or.reduceat(keep, starts)
    if none.any():  # every part under the collar: all to the largest holder (the first)
        largest = np.maximum.reduceat(w, starts)[group]
        at_max = np.where(w == largest, np.arange(len(w)), len(w))
        chosen = np.minimum.reduceat(at_max, starts)
        keep = np.where(none[group], np.arange(len(w)) == chosen[group], keep)
    kept = np.where(keep, w, 0.0)
    part = amount * kept / np.add.reduceat(kept, starts)[group]
    names = np.asarray(by_rule.columns.tolist(), dtype=object)[rule_j]
    reduction = np.where(block[org_i], "block contract reduction", "contract reduction")
    label = np.where(values[org_i, rule_j] > 0, names, reduction.astype(object))[group]
    return pd.DataFrame({"commissioner": h_who[holder][keep], "provider": orgs[org_i][group][keep],
                         "amount": part[keep], "rule": label[keep]}), loose


def _net_pairs(flows: pd.DataFrame) -> pd.DataFrame:
    """One payment per commissioner–provider pair: ``payer, payee, amount, rule``; the pairs in
    sorted order, each pair's rules in the order of its flows."""
    who = flows["commissioner"].to_numpy(dtype=object)
    whom = flows["provider"].to_numpy(dtype=object)
    c_code, _ = pd.factorize(who, sort=True)
    p_code, _ = pd.factorize(whom, sort=True)
    order = np.lexsort((np.arange(len(flows)), p_code, c_code))
    amount = flows["amount"].to_numpy(dtype="float64")[order]
    starts = _segments(c_code[order] * (p_code.max() + 1) + p_code[order])
    net = np.add.reduceat(np.where(np.isnan(amount), 0.0, amount), starts)
    rules = flows["rule"].to_numpy(dtype=object)[order].tolist()
    side = np.sign(amount).tolist()
    ends = np.r_[starts[1:], len(amount)].tolist()
    out = []
    for s, e, total in zip(starts.tolist(), ends, net.tolist()):  # one step per pair
        if abs(total) <= HALF_PENNY:
            continue
        sign = np.sign(total)
        winning = [rules[k] for k in range(s, e) if side[k] == sign]
        losing = [rules[k] for k in range(s, e) if side[k] != sign]
        rule = _label(winning) + (f", net of {_label(losing)}" if losing else "")
        c, p = who[order[s]], whom[order[s]]
        out.append((c, p, total, rule) if total > 0 else (p, c, -total, rule))
    return pd.DataFrame(out, columns=["payer", "payee", "amount", "rule"])


def match_in_order(give: list, take: list) -> tuple[list, list, list]:
    """Match what payers give with what payees take, in order, with the fewest transfers: at
    most one fewer than payers and payees together. ``give`` and ``take`` are ``(who,
    amount)`` pairs; returns the payers, the payees and the amounts, in step.

    Examples
    --------
    >>> match_in_order([("ICB", 30.0)], [("A", 20.0), ("B", 10.0)])
    (['ICB', 'ICB'], ['A', 'B'], [20.0, 10.0])
    """
    payers, payees, amounts = [], [], []
    i = j = 0
    left_give = give[0][1] if give else 0.0
    left_take = take[0][1] if take else 0.0
    while i < len(give) and j < len(take):  # one step per transfer, not per row of a frame
        amount = min(left_give, left_take)
        payers.append(give[i][0])
        payees.append(take[j][0])
        amounts.append(amount)
        left_give -= amount
        left_take -= amount
        if left_give <= HALF_PENNY:
            i += 1
            left_give = give[i][1] if i < len(give) else 0.0
        if left_take <= HALF_PENNY:
            j += 1
            left_take = take[j][1] if j < len(take) else 0.0
    return payers, payees, amounts


def _pool(balance: pd.Series, types: dict, by_rule: pd.DataFrame, hubs: set) -> pd.DataFrame:
    """Commissioners' (and contractless organisations') balances settled with the fewest
    transfers, largest first: ``payer, payee, amount, rule``."""
    give = sorted(((o, -v) for o, v in balance.items() if v < -HALF_PENNY), key=lambda x: (-x[1], x[0]))
    take = sorted(((o, v) for o, v in balance.items() if v > HALF_PENNY), key=lambda x: (-x[1], x[0]))
    out = [(payer, payee, amount, _pool_rule(payer, payee, types, by_rule, hubs))
           for payer, payee, amount in zip(*match_in_order(give, take))]
    return pd.DataFrame(out, columns=["payer", "payee", "amount", "rule"])


def _pool_rule(payer: str, payee: str, types: dict, by_rule: pd.DataFrame, hubs: set) -> str:
    for org in (payee, payer):
        if org not in hubs and org in by_rule.index:
            row = by_rule.loc[org]
            return _label([r for r, v in row.items() if abs(v) > HALF_PENNY])
    kinds = {types.get(payer), types.get(payee)}
    return POOLED if "local_authority" in kinds and kinds & set(_NHS) else BETWEEN


def settle(by_rule: pd.DataFrame, hubs: set, contracts: pd.DataFrame, types: dict,
           collar: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The payments that settle ``by_rule`` (organisations × rules: what each gains, + , or
    gives, −, under each rule; each column sums to zero), and those under the collar left out.

    Returns ``(made, dropped)``, each ``payer, payee, amount, rule`` (£ a year).

    Examples
    --------
    The acute trust is kept whole (£50,000) and the community trust gets a £30,000 share; the
    ICB holds the acute and community contracts, the council gains £20,000 of the £80,000:

    >>> by_rule = pd.DataFrame({"keep whole": [50_000.0, 0, -40_000, -10_000],
    ...                         "gain share": [0.0, 30_000, -20_000, -10_000]},
    ...                        index=["ACUTE", "COMM", "ICB", "LA"])
    >>> contracts = pd.DataFrame({"commissioner": ["ICB", "ICB"], "provider": ["ACUTE", "COMM"],
    ...                           "weight": [1.0, 1.0], "block": [False, True]})
    >>> made, dropped = settle(by_rule, {"ICB", "LA"}, contracts, {"LA": "local_authority",
    ...                        "ICB": "icb"}, 10_000)
    >>> made.values.tolist()
    [['ICB', 'ACUTE', 50000.0, 'keep whole'], ['ICB', 'COMM', 30000.0, 'gain share'], ['LA', 'ICB', 20000.0, 'pooled budget']]
    """
    columns = ["payer", "payee", "amount", "rule"]
    flows, loose = _along_contracts(by_rule, hubs, contracts, collar)
    pairs = _net_pairs(flows) if len(flows) else pd.DataFrame(columns=columns)
    planned = (pairs.groupby("payee")["amount"].sum().reindex(by_rule.index, fill_value=0.0)
               - pairs.groupby("payer")["amount"].sum().reindex(by_rule.index, fill_value=0.0))
    total = by_rule.sum(axis=1)
    # (looked up at once, not one organisation at a time: England's 51,000)
    members = by_rule.index[by_rule.index.isin(list(set(hubs) | set(loose)))].tolist()
    balance = (total - planned).reindex(members)
    pooled = _pool(balance, types, by_rule, hubs)
    every = pd.concat([pairs, pooled], ignore_index=True)
    every["amount"] = every["amount"].astype("float64").round(2)
    small = every["amount"] < collar
    made = every[~small & (every["amount"] > 0)].sort_values(
        ["amount", "payer", "payee"], ascending=[False, True, True], kind="mergesort")
    dropped = every[small & (every["amount"] > 0)]
    return made[columns].reset_index(drop=True), dropped[columns].reset_index(drop=True)


def settlement(gross: pd.DataFrame, ids: list, system, commissioner: np.ndarray, rule,
               order: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rules' totals settled along the contracts, netted per pair, the collar applied
    (`netkit.finance.settlement`); a lead's payments to its subcontractors as they are."""
    sub = gross[gross["rule"] == "subcontract"]
    rest = gross[gross["rule"] != "subcontract"]
    rules = [r for r in order if r != "subcontract"]
    got = rest.groupby(["payee", "rule"])["amount"].sum().unstack(fill_value=0.0)
    gave = rest.groupby(["payer", "rule"])["amount"].sum().unstack(fill_value=0.0)
    by_rule = (got.reindex(index=ids, columns=rules, fill_value=0.0)
               - gave.reindex(index=ids, columns=rules, fill_value=0.0)).fillna(0.0)
    by_rule = by_rule.loc[:, (by_rule.abs() > HALF_PENNY).any()]
    hubs = {o for o, c in zip(ids, commissioner) if c} | set(rule.funded_by)
    if by_rule.empty:
        made = dropped = sub.iloc[0:0]
    else:
        made, dropped = settle(by_rule, hubs, _contracts(system), types_of(system),
                               rule.collar)
    small = sub["amount"] < rule.collar
    made = pd.concat([sub[~small], made], ignore_index=True)
    dropped = pd.concat([sub[small], dropped], ignore_index=True)
    made = made.sort_values(["amount", "payer", "payee"], ascending=[False, True, True],
                            kind="mergesort").reset_index(drop=True)
    return made[["payer", "payee", "amount", "rule"]], dropped


def types_of(system):
    """Organisation id to type (read only; the system's own lookup, built once)."""
    return {} if system is None else kept(system, ("finance", "types"), _types)


def _types(system) -> dict:
    orgs = system.organisations
    return dict(zip(orgs["id"], orgs["type"])) if "type" in orgs else {}


def payers(ids: list, commissioner: np.ndarray, system) -> np.ndarray:
    """Who may pay: the commissioners, and providers holding a contract in relationships.csv
    that are not voluntary bodies, hospices or pharmacies (their gain is less work, not money
    they can hand over). Without a system, everyone."""
    if system is None:
        return np.ones(len(ids), dtype=bool)
    paying = kept(system, ("finance", "paying providers"), _paying_providers)
    # each id looked up in one set, without a Python step per organisation
    provider_pays = np.fromiter(map(paying.__contains__, ids), dtype=bool, count=len(ids))
    return commissioner | provider_pays


def _paying_providers(system) -> frozenset:
    """The providers that may pay (`payers`): holding a contract, of a type that pays."""
    types = types_of(system)
    held = kept(system, ("finance", "contract holders"),
                lambda s: frozenset(_contracts(s)["provider"]))
    return frozenset(o for o in held if types.get(o) not in NON_PAYING_TYPES)


#: A note names this many organisations one by one; more are counted, with their total and the
#: five largest (England's frailty shift leaves 22,000 under the collar, mostly care homes: a
#: 4,000-line note before; the generated region's 175 GP practices keeping a gain, 220 lines).
NAMED = 20


def _named(ids, amounts: np.ndarray, at: np.ndarray) -> list:
    """``A (£500), B (£20)`` as `Org` parts: the organisations at positions ``at`` and their
    amounts."""
    parts: list = []
    for k, i in enumerate(at):
        parts += [", "] * bool(k) + [Org(ids[i], pounds(amounts[i]))]
    return parts


def _largest(ids, amounts: np.ndarray, at: np.ndarray) -> list:
    """``the largest: A (£400), ...; the JSON report's positions name every one``."""
    values = amounts[at]
    if len(at) > 5 and not np.isnan(values).any():
        # only those as large as the fifth largest sorted (ties kept), not every one of them
        # (England's 31,000 one by one)
        at = at[values >= -np.partition(-values, 4)[4]]
    largest = sorted(at.tolist(), key=lambda i: (-amounts[i], str(ids[i])))[:5]
    return ["the largest: ", *_named(ids, amounts, largest), "; the JSON report's positions "
            "name every one"]


def non_payers(ids: list, start: np.ndarray, pays: np.ndarray,
               commissioner: np.ndarray) -> list[tuple]:
    """The note on those who keep a gain and pay nothing (its parts, `netkit.render.naming`):
    named one by one up to `NAMED`, else counted.

    Examples
    --------
    >>> from netkit.render.naming import said
    >>> ids, gain = ["PH1", "PH2"], np.array([40.0, 7.0])
    >>> no = np.zeros(2, dtype=bool)
    >>> said(non_payers(ids, gain, no, no)[0])[:60]
    'PH1 (£40), PH2 (£7) keep their gain and pay nothing: volunta'
    >>> said(non_payers(ids, gain, no, no)[0], {"PH1": "Vale Pharmacy"})[:48]
    'Vale Pharmacy (PH1, £40), PH2 (£7) keep their ga'
    >>> many = [f"GP{i:03d}" for i in range(175)]
    >>> gains = np.arange(1.0, 176.0)
    >>> print(said(non_payers(many, gains, np.zeros(175, bool), np.zeros(175, bool))[0]))
    175 organisations keep their gain, £15,000 a year in all, and pay nothing: voluntary bodies, hospices, pharmacies and organisations with no contract in relationships.csv never pay (less work is not money they can hand over); the largest: GP174 (£180), GP173 (£170), GP172 (£170), GP171 (£170), GP170 (£170); the JSON report's positions name every one
    """
    keep = np.nonzero(~pays & ~commissioner & (start >= 1.0))[0]
    if not len(keep):
        return []
    why = ("voluntary bodies, hospices, pharmacies and organisations with no contract in "
           "relationships.csv never pay (less work is not money they can hand over)")
    if len(keep) > NAMED:
        return [(f"{len(keep):,} organisations keep their gain, {pounds(start[keep].sum())} a "
                 f"year in all, and pay nothing: {why}; ", *_largest(ids, start, keep))]
    one = len(keep) == 1
    return [(*_named(ids, start, keep), f" keep{'s' * one} {'its' if one else 'their'} gain "
             f"and pay{'s' * one} nothing: {why}")]


#: A loss of this or less (£ a year) rounds to £0: the collar's note does not count it, as
#: the money section does not count it a loss (`netkit.finance.incentives.Incentives.losers`),
#: so that the two say the same number (a generated ICS's two care homes losing 25p and 18p a
#: year made them 698 here and 696 there).
LOSS = 0.5


def collar_note(ids, need: np.ndarray, under: np.ndarray, collar: float) -> tuple | None:
    """The collar's note (its parts, `netkit.render.naming`): who bears a loss under it, named
    one by one up to `NAMED`, else counted; a loss of `LOSS` or less is not counted (None where
    there is no other).

    Examples
    --------
    >>> from netkit.render.naming import said
    >>> ids, need = ["A", "B", "C"], np.array([500.0, 20.0, 7000.0])
    >>> said(collar_note(ids, need, need > 0, 10000))
    'collar: A (£500), B (£20), C (£7,000) each bear a loss under £10,000 a year themselves: no payment under the collar is made'
    >>> said(collar_note(ids, need, need > 600, 10000), {"C": "Oak Care"})
    'collar: Oak Care (C, £7,000) bears a loss under £10,000 a year itself: no payment under the collar is made'

    A loss of 25p a year is no loss, as in the money section:

    >>> said(collar_note(ids, np.array([500.0, 0.25, 0.0]), np.array([True, True, False]),
    ...                  10000))
    'collar: A (£500) bears a loss under £10,000 a year itself: no payment under the collar is made'
    >>> collar_note(ids, np.array([0.25, 0.0, 0.0]), np.array([True, False, False]), 10000)
    """
    at = np.nonzero(under & (need > LOSS))[0]
    if not len(at):
        return None
    if len(at) > NAMED:
        return (f"collar: {len(at):,} organisations each bear a loss under {pounds(collar)} a "
                f"year themselves, {pounds(need[at].sum())} a year in all: no payment under the "
                "collar is made (", *_largest(ids, need, at), ")")
    bearing = _named(ids, need, at)
    if len(at) == 1:
        return ("collar: ", *bearing, f" bears a loss under {pounds(collar)} a year itself: no "
                "payment under the collar is made")
    return ("collar: ", *bearing, f" each bear a loss under {pounds(collar)} a year "
            "themselves: no payment under the collar is made")


def dropped_note(dropped: pd.DataFrame, collar: float) -> list[tuple]:
    """The note on payments under the collar left out (its parts, `netkit.render.naming`)."""
    if not len(dropped):
        return []
    items: list = []
    for k, (p, q, a) in enumerate(zip(dropped["payer"], dropped["payee"], dropped["amount"])):
        items += [", "] * bool(k) + [Org(p), " to ", Org(q), f" {pounds(a)}"]
    return [(f"collar: payments under {pounds(collar)} a year are not made (", *items, "); "
             "each party keeps its position")]


def new_contacts(incentives, system, opportunity, table: pd.DataFrame) -> tuple[list, list]:
    """Per organisation of the table: its new contacts at the shift's receiving services, and
    their full cost at unit cost (NaN where not known). Without the services, the rise in its
    activity stands in (no cost)."""
    services = getattr(incentives, "services", None)
    fallback = (table["activity_change"].clip(lower=0).astype("float64").tolist(),
                [np.nan] * len(table))
    if services is None or "provider" not in services or "activity_change" not in services:
        return fallback
    rec = services[services["activity_change"] > 0]
    shift = getattr(opportunity, "shift", None)
    if shift is not None and system is not None:
        from netkit.model.selectors import select_services

        def receiving(s) -> frozenset:  # once per system and services: it reads them all
            mask = np.asarray(select_services(s.services, shift.to), dtype=bool)
            return frozenset(s.services.loc[mask, "id"])

        to = kept(system, ("finance", "receiving", tuple(shift.to)), receiving)
        receives = rec["id"].isin(to)
        if receives.any():
            rec = rec[receives]
    contacts = rec.groupby("provider")["activity_change"].sum()
    cost = (rec["activity_change"] * pd.to_numeric(rec.get("unit_cost"), errors="coerce")
            ).groupby(rec["provider"]).sum(min_count=1)
    # looked up in dicts of the few providers (Python keeps each id's hash), not by mapping
    # the whole table's ids through a new hash table twice (England's 47,555 rows)
    ids, contacts, cost = table["id"].tolist(), _floats(contacts), _floats(cost)
    nan = float("nan")
    return ([0.0 if (v := contacts.get(i, 0.0)) != v else v for i in ids],
            [cost.get(i, nan) for i in ids])


def _floats(sums: pd.Series) -> dict:
    """A group sum as a dict of Python floats by label."""
    return dict(zip(sums.index.tolist(), sums.astype("float64").tolist()))
