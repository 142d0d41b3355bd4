"""Who pays whom under a risk-and-gain-share: each organisation's total under the rules routed
along the contracts that carry the money, netted per pair, and payments under the collar left out.

`netkit.finance.risk_share` fixes what each organisation gains or gives under each rule; this
module settles it:

1. **Along contracts**: a provider receives from, and gives to, the commissioner(s) holding its
   contract(s), by contract value (a part under the collar goes to its larger commissioners
   instead). What a provider gives is a **contract reduction** (a *block contract reduction*
   where its contracts are block contracts). A provider with no contract settles with the pool.
2. **Netted per pair**: a commissioner and a provider exchange one payment, the difference.
3. **Between commissioners**: what each commissioner should end with, against what its
   contracts moved, is settled with one net transfer per pair (largest first), a council and
   the NHS through the Better Care Fund or a section 75 pooled budget (``pooled budget``).
4. **Collar**: a payment under the collar is not made; each party keeps its position.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["settle", "contracts_of", "POOLED", "BETWEEN"]

POOLED = "pooled budget"
BETWEEN = "between commissioners"
_EPS = 0.005
_NHS = ("icb",)


def contracts_of(system) -> pd.DataFrame:
    """``commissioner, provider, weight, block``: each provider's contract holders, weighted by
    contract value (equal parts where values are missing)."""
    if system is None:
        return pd.DataFrame(columns=["commissioner", "provider", "weight", "block"])
    rels = system.relationships
    c = rels[rels["type"] == "commissions"]
    frame = pd.DataFrame({"commissioner": c["source"].to_numpy(), "provider": c["target"].to_numpy(),
                          "value": pd.to_numeric(c["value"], errors="coerce").to_numpy(),
                          "block": (c["payment"].astype(str) == "block").to_numpy()
                          if "payment" in c else np.zeros(len(c), dtype=bool)})
    total = frame.groupby("provider")["value"].transform("sum")
    count = frame.groupby("provider")["value"].transform("size")
    frame["weight"] = np.where(total > 0, frame["value"].fillna(0.0) / total.where(total > 0, 1),
                               1.0 / count)
    return frame[["commissioner", "provider", "weight", "block"]]


def _split(amount: float, holders: pd.DataFrame, collar: float) -> pd.DataFrame:
    """An amount split over contract holders by weight; parts under the collar go to the
    others (all to the largest where every part is under it)."""
    w = holders["weight"].to_numpy(dtype=float)
    keep = amount * w >= collar
    if not keep.any():
        keep = np.arange(len(w)) == int(np.argmax(w))
    w = np.where(keep, w, 0.0)
    return holders.assign(amount=amount * w / w.sum())[holders.columns.tolist() + ["amount"]][keep]


def _label(rules: list[str]) -> str:
    return " and ".join(dict.fromkeys(rules))


def _along_contracts(by_rule: pd.DataFrame, hubs: set, contracts: pd.DataFrame,
                     collar: float) -> tuple[pd.DataFrame, set]:
    """Signed flows commissioner → provider (``commissioner, provider, amount, rule``) for every
    non-hub organisation with a contract holder; and those without one."""
    rows, loose = [], set()
    holders = contracts[contracts["commissioner"].isin(hubs)]
    for org, row in by_rule.iterrows():  # one per organisation touched, not per flow
        if org in hubs:
            continue
        mine = holders[holders["provider"] == org]
        if mine.empty:
            if (row.abs() > _EPS).any():
                loose.add(org)
            continue
        block = bool(mine["block"].all())
        for rule, value in row.items():
            if abs(value) <= _EPS:
                continue
            label = rule if value > 0 else ("block contract reduction" if block
                                            else "contract reduction")
            part = _split(float(value), mine, collar)
            rows.append(pd.DataFrame({"commissioner": part["commissioner"], "provider": org,
                                      "amount": part["amount"], "rule": label}))
    if not rows:
        return pd.DataFrame(columns=["commissioner", "provider", "amount", "rule"]), loose
    return pd.concat(rows, ignore_index=True), loose


def _net_pairs(flows: pd.DataFrame) -> pd.DataFrame:
    """One payment per commissioner–provider pair: ``payer, payee, amount, rule``."""
    out = []
    for (c, p), group in flows.groupby(["commissioner", "provider"], sort=True):
        net = float(group["amount"].sum())
        if abs(net) <= _EPS:
            continue
        winning = group[np.sign(group["amount"]) == np.sign(net)]["rule"].tolist()
        losing = group[np.sign(group["amount"]) != np.sign(net)]["rule"].tolist()
        rule = _label(winning) + (f", net of {_label(losing)}" if losing else "")
        out.append((c, p, net, rule) if net > 0 else (p, c, -net, rule))
    return pd.DataFrame(out, columns=["payer", "payee", "amount", "rule"])


def _pool(balance: pd.Series, types: dict, by_rule: pd.DataFrame, hubs: set) -> pd.DataFrame:
    """Commissioners' (and contractless organisations') balances settled with the fewest
    transfers, largest first: ``payer, payee, amount, rule``."""
    give = sorted(((o, -v) for o, v in balance.items() if v < -_EPS), key=lambda x: (-x[1], x[0]))
    take = sorted(((o, v) for o, v in balance.items() if v > _EPS), key=lambda x: (-x[1], x[0]))
    out, i, j = [], 0, 0
    left_give = give[0][1] if give else 0.0
    left_take = take[0][1] if take else 0.0
    while i < len(give) and j < len(take):  # one step per transfer
        amount = min(left_give, left_take)
        payer, payee = give[i][0], take[j][0]
        out.append((payer, payee, amount, _pool_rule(payer, payee, types, by_rule, hubs)))
        left_give, left_take = left_give - amount, left_take - amount
        if left_give <= _EPS:
            i += 1
            left_give = give[i][1] if i < len(give) else 0.0
        if left_take <= _EPS:
            j += 1
            left_take = take[j][1] if j < len(take) else 0.0
    return pd.DataFrame(out, columns=["payer", "payee", "amount", "rule"])


def _pool_rule(payer: str, payee: str, types: dict, by_rule: pd.DataFrame, hubs: set) -> str:
    for org in (payee, payer):
        if org not in hubs and org in by_rule.index:
            row = by_rule.loc[org]
            return _label([r for r, v in row.items() if abs(v) > _EPS])
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
    members = [o for o in by_rule.index if o in hubs or o in loose]
    balance = (total - planned).reindex(members)
    pooled = _pool(balance, types, by_rule, hubs)
    every = pd.concat([pairs, pooled], ignore_index=True)
    every["amount"] = every["amount"].astype("float64").round(2)
    small = every["amount"] < collar
    made = every[~small & (every["amount"] > 0)].sort_values(
        ["amount", "payer", "payee"], ascending=[False, True, True], kind="mergesort")
    dropped = every[small & (every["amount"] > 0)]
    return made[columns].reset_index(drop=True), dropped[columns].reset_index(drop=True)
