"""Each organisation's money under a shift, for the central case and for any number of draws at
once: cash versus capacity, payment bases, capacity, and the responsible commissioner.

Per service, with Δ the change in contacts (`netkit.finance.diversion`, times the fraction):

* contacts no longer delivered save their **marginal cost** in cash (``cash_releasing``) and
  free the rest of their unit cost as **capacity** (``capacity_releasing``: not cash unless beds
  close or posts go);
* contacts gained within the service's spare capacity (``capacity`` minus its contacts a year
  over every pathway) cost their marginal cost in cash and use up the rest as capacity
  (``capacity_used``); contacts beyond it need **new staff**, so their whole unit cost is cash.
  A service with no stated capacity has no spare capacity;
* ``cost_change`` = new cash costs − cash released.

Payment: each contract (a ``commissions`` relationship) pays a **variable share** of the price
for each contact: 1 under ``activity``, 0 under ``block``, ``variable_share`` under ``api``
(aligned payment and incentive: a fixed part and a variable part). The change in the provider's
income for its patients is ``price × Δ × variable share``, paid by their **responsible
commissioner** under its contract for the service's **line** (its contract with the provider
naming that service in ``service``, else the one naming none: `service_lines`); where no
responsible commissioner is known, or it holds no contract covering the service, the change is
shared among the commissioners of the line by contract value (the contract-share rule, noted).

``net`` = income change − cost change − spend change; the system's net is minus the sum of the
cost changes (payments between organisations net out).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit._frames import by_distinct, isin
from netkit._parallel import in_threads

__all__ = [
    "ACTIVITY_SHARE",
    "ContractLines",
    "ServiceMoney",
    "contract_lines",
    "draw_blocks",
    "evaluate",
    "fraction_cap",
    "paid_by",
    "payments",
    "service_lines",
    "simulate",
    "variable_share",
]

#: The variable share of the price each payment basis pays per contact (``api`` uses the
#: contract's own ``variable_share``).
ACTIVITY_SHARE = {"activity": 1.0, "block": 0.0}


def variable_share(relationships: pd.DataFrame) -> pd.Series:
    """Per contract row, the share of the price paid for each contact: ``activity`` 1, ``block``
    0, ``api`` its ``variable_share`` (0, all fixed, where missing); other or no basis 0.

    Examples
    --------
    >>> rels = pd.DataFrame({"payment": ["activity", "block", "api", "api", None],
    ...                      "variable_share": [None, None, 0.4, None, None]})
    >>> variable_share(rels).tolist()
    [1.0, 0.0, 0.4, 0.0, 0.0]
    """
    payment = (relationships["payment"].astype(object) if "payment" in relationships
               else pd.Series(None, index=relationships.index, dtype=object))  # no basis: 0
    share = payment.map(ACTIVITY_SHARE).astype("float64")
    if "variable_share" in relationships:
        api = pd.to_numeric(relationships["variable_share"], errors="coerce").fillna(0.0)
    else:
        api = pd.Series(0.0, index=relationships.index)
    share = share.where(payment != "api", api)
    return share.fillna(0.0).astype("float64")


@dataclass(frozen=True)
class ServiceMoney:
    """The per-service figures the money is computed from, aligned arrays (one per service).

    ``delta`` is the change in contacts at fraction 1; ``headroom`` is spare capacity (0 where
    the service is full, NaN where no capacity is stated: no spare capacity for costing, no
    limit for capping).
    """

    ids: np.ndarray
    delta: np.ndarray
    unit_cost: np.ndarray
    marginal: np.ndarray
    headroom: np.ndarray
    provider_of: np.ndarray  # index into the organisation list
    organisations: np.ndarray
    income_unit: np.ndarray  # per organisation: income change at fraction 1
    spend_unit: np.ndarray  # per organisation: spend change at fraction 1


def payments(by_payer: pd.DataFrame, contracts: pd.DataFrame
             ) -> tuple[pd.DataFrame, list[str]]:
    """Who pays whom for a change in contacts: ``payer, provider, amount`` at fraction 1.

    Each row's patients are paid for by the first of their commissioners (the responsible
    commissioner, then the place's council: ``"ICB;COUNCIL"``) that holds a contract covering
    the service, at that contract's variable share; where none does (or none is known) the
    change is shared among the provider's commissioners by contract value (the contract-share
    rule). A contract naming the service (its **service line**) covers it; else the
    commissioner's contract with the provider that names no service (`service_lines`).

    Parameters
    ----------
    by_payer : DataFrame
        ``service, provider, commissioner, priced``: ``priced`` = price × Δ contacts for the
        patients of those commissioners (``;``-separated, in order; "" where none is known).
    contracts : DataFrame
        ``commissioner, provider, share, variable`` per contract (``share``: its part of the
        provider's commissioning by value; ``variable``: `variable_share`), and optionally
        ``service``: the services a contract pays for (``;``-separated; "" for every service
        not named on another contract).

    Returns
    -------
    (DataFrame, list of str)
        The payments, and the providers whose change the contract-share rule split among
        several commissioners.

    Examples
    --------
    The ICB's patients at a provider the council commissions are paid for by the council:

    >>> contracts = pd.DataFrame({"commissioner": ["ICB", "LA", "LA"],
    ...     "provider": ["P", "P", "CH"], "share": [0.75, 0.25, 1.0],
    ...     "variable": [1.0, 0.0, 1.0]})
    >>> by_payer = pd.DataFrame({"service": ["S", "S", "H"], "provider": ["P", "P", "CH"],
    ...     "commissioner": ["", "LA", "ICB;LA"], "priced": [-1000.0, -400.0, -200.0]})
    >>> paid, ruled = payments(by_payer, contracts)
    >>> paid.values.tolist(), ruled
    ([['ICB', 'P', -750.0], ['LA', 'CH', -200.0], ['LA', 'P', 0.0]], ['P'])

    A block line for community care and an activity line for acute care at one provider: only
    the acute change is paid for.

    >>> lines = pd.DataFrame({"commissioner": ["ICB", "ICB"], "provider": ["T", "T"],
    ...     "service": ["", "COMM"], "share": [0.5, 0.5], "variable": [1.0, 0.0]})
    >>> by_payer = pd.DataFrame({"service": ["ACUTE", "COMM"], "provider": ["T", "T"],
    ...     "commissioner": ["ICB", "ICB"], "priced": [-1000.0, 800.0]})
    >>> payments(by_payer, lines)[0].values.tolist()
    [['ICB', 'T', -1000.0]]
    """
    return paid_by(by_payer, contract_lines(contracts))


@dataclass(frozen=True)
class ContractLines:
    """What `payments` reads of the contracts, worked out from them alone (so once per
    system: `netkit.finance.basis` keeps it): each service line's contracts (`service_lines`),
    the (commissioner, provider, line) held (and as an index of ``effective``'s rows, where
    each is held once), the (provider, line) named and the providers with several
    commissioners."""

    effective: pd.DataFrame
    held: frozenset
    keyed: pd.Index | None  # the held lines' keys, in order, where each is held once
    named: frozenset
    split: frozenset
    #: ``keyed`` as integers (`_coded_lines`): the ids and lines coded, and each held line's
    #: key as one integer, in order; None where ``keyed`` is or a value is missing
    coded: tuple | None = None


def contract_lines(contracts: pd.DataFrame) -> ContractLines:
    """`ContractLines` of ``contracts`` (as `payments` takes them)."""
    effective = service_lines(contracts)
    keys = pd.Index((effective["commissioner"] + "\x1f" + effective["provider"] + "\x1f"
                     + effective["line"]).astype(object))
    held = frozenset(keys.tolist())
    named = effective.loc[effective["line"] != ""]
    holders = effective.drop_duplicates(["commissioner", "provider"])
    several = holders.groupby("provider")["commissioner"].transform("size") > 1
    keyed = keys if keys.is_unique else None
    return ContractLines(effective, held, keyed,
                         frozenset(named["provider"] + "\x1f" + named["line"]),
                         frozenset(holders.loc[several, "provider"]),
                         _coded_lines(effective) if keyed is not None else None)


def _coded_lines(effective: pd.DataFrame) -> tuple | None:
    """``(ids, lines, keys)``: the contracts' commissioners and providers (an index), their
    lines (an index) and each held line's (commissioner, provider, line) as one integer of
    their positions (an index, in ``effective``'s order: a row's position is its line's);
    None where a value is missing or the integers would not be unique."""
    commissioner = effective["commissioner"].to_numpy(dtype=object)
    provider = effective["provider"].to_numpy(dtype=object)
    line = effective["line"].to_numpy(dtype=object)
    if pd.isna(commissioner).any() or pd.isna(provider).any() or pd.isna(line).any():
        return None
    ids = pd.Index(pd.unique(np.concatenate([commissioner, provider])))
    lines = pd.Index(pd.unique(line))
    keys = pd.Index(_line_keys(ids.get_indexer(commissioner), ids.get_indexer(provider),
                               lines.get_indexer(line), len(ids), len(lines)))
    if not keys.is_unique:
        return None
    # each id's and line's place in sorted order (a groupby's), and the contracts by
    # (provider, line) in that order, to find a line's contracts by position
    id_rank, line_rank = _ranks(ids), _ranks(lines)
    by_line = (id_rank[ids.get_indexer(provider)].astype(np.int64) * len(lines)
               + line_rank[lines.get_indexer(line)])
    order = np.argsort(by_line, kind="stable")
    return ids, lines, keys, id_rank, line_rank, order, by_line[order]


def _ranks(index: pd.Index) -> np.ndarray:
    """Each value's position among the values sorted."""
    rank = np.empty(len(index), dtype=np.int64)
    rank[np.argsort(index.to_numpy(dtype=object), kind="stable")] = np.arange(len(index))
    return rank


def _line_keys(who: np.ndarray, provider: np.ndarray, line: np.ndarray, ids: int, lines: int
               ) -> np.ndarray:
    """(commissioner, provider, line) positions as one integer each; -1 where one is
    unknown (-1)."""
    key = (who.astype(np.int64) * ids + provider) * lines + line
    return np.where((who >= 0) & (provider >= 0) & (line >= 0), key, -1)


def paid_by(by_payer: pd.DataFrame, lines: ContractLines) -> tuple[pd.DataFrame, list[str]]:
    """`payments` with the contracts read already (`contract_lines`)."""
    line = _line_of(by_payer, lines.named)
    if lines.coded is not None:
        paid = _paid_coded(by_payer, lines, line, *_coded_payers(by_payer, lines.coded, line))
        if len(paid[0]):  # (none: as below, for the empty table's column types)
            return paid
    held = lines.held
    candidates = by_payer["commissioner"].astype(str)
    payer = pd.Series("", index=by_payer.index, dtype=object)
    at = "\x1f" + by_payer["provider"] + "\x1f" + line
    for place in (1, 0):  # the first candidate with a contract wins
        # "ICB;COUNCIL" split once per distinct value (a few), not once per row
        who = by_distinct(candidates, lambda s, k=place: s.map(
            lambda v: (v.split(";") + [""])[k]).astype(object))
        key = who + at
        found = (lines.keyed.get_indexer(key) >= 0 if lines.keyed is not None
                 else isin(key, held))  # (the kept index's table, not a new one each time)
        payer = payer.where(~found, who)
    paying = (payer != "").to_numpy()
    at_line = lines.keyed.get_indexer((payer + at)[paying]) if lines.keyed is not None else None
    return _paid(by_payer, lines, line, payer, paying, at_line)


def _coded_payers(by_payer: pd.DataFrame, coded: tuple, line: pd.Series) -> tuple:
    """`paid_by`'s payers found by integer keys (`ContractLines.coded`): the same first
    candidate holding a contract for the line, each row's (commissioner, provider, line)
    looked up as one integer, not as text joined per row (England's 100,000 rows thrice).
    Returns the payers (text, "" where none), which rows have one, their lines' positions
    in the contracts' lines and the rows' providers' positions in the ids."""
    ids, lines, keys = coded[:3]
    # "ICB;COUNCIL" split once per distinct value (a few), not once per row
    codes, distinct = pd.factorize(by_payer["commissioner"].astype(str).to_numpy(dtype=object))
    provider = ids.get_indexer(by_payer["provider"].to_numpy(dtype=object))
    at = lines.get_indexer(line.to_numpy(dtype=object))
    payer = np.full(len(by_payer), "", dtype=object)
    position = np.full(len(by_payer), -1, dtype=np.int64)
    for place in (1, 0):  # the first candidate with a contract wins
        who = np.array([(v.split(";") + [""])[place] for v in distinct.tolist()], dtype=object)
        held = keys.get_indexer(_line_keys(ids.get_indexer(who)[codes], provider, at,
                                           len(ids), len(lines)))
        found = held >= 0
        payer = np.where(found, who[codes], payer)
        position = np.where(found, held, position)
    return payer, payer != "", position, provider


def _paid_coded(by_payer: pd.DataFrame, lines: ContractLines, line_text: pd.Series,
                payer: np.ndarray, paying: np.ndarray, position: np.ndarray,
                provider: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    """`_paid` by integer codes (`_coded_payers`' payers, and the rows' providers and lines
    as positions in ``lines.coded``): the same payments, each total summed over the same
    rows in the same order (the direct payments, then the shared ones by provider and line
    in sorted order), each line's contracts found by position, not by merging text."""
    ids, names, _, id_rank, line_rank, order, by_line = lines.coded
    effective = lines.effective
    priced = by_payer["priced"].to_numpy(dtype=float)
    variable = effective["variable"].to_numpy(dtype=float)
    # paid directly: each row's payer under its own line's contract
    direct_payer = ids.get_indexer(payer[paying])
    direct_amount = priced[paying] * variable[position[paying]]
    direct_provider = provider[paying]
    # shared: the rows with no payer summed per (provider, line) in sorted order, then each
    # split among that line's contracts (in the contracts' order) by share
    # (grouped by their text as before: pandas sums a group in another order where the
    # groups' labels come sorted, so the rows and labels must be the same)
    rest = ~paying
    summed = by_payer[rest].assign(line=line_text[rest]).groupby(
        ["provider", "line"], as_index=False)["priced"].sum()
    at_provider = ids.get_indexer(summed["provider"].to_numpy(dtype=object))
    at_line = names.get_indexer(summed["line"].to_numpy(dtype=object))
    known = (at_provider >= 0) & (at_line >= 0)
    key = np.full(len(known), -1, dtype=np.int64)  # -1 matches no contract's key
    key[known] = id_rank[at_provider[known]] * len(names) + line_rank[at_line[known]]
    start = np.searchsorted(by_line, key, side="left")
    count = np.where(known, np.searchsorted(by_line, key, side="right") - start, 0)
    within = np.arange(count.sum()) - np.repeat(count.cumsum() - count, count)
    at = order[np.repeat(start, count) + within]
    share_priced = np.repeat(summed["priced"].to_numpy(dtype=float), count)
    shared_amount = (share_priced * effective["share"].to_numpy(dtype=float)[at]
                     * variable[at])
    contract_payer = ids.get_indexer(effective["commissioner"].to_numpy(dtype=object)[at])
    contract_provider = ids.get_indexer(effective["provider"].to_numpy(dtype=object)[at])
    # totals per (payer, provider), in sorted order
    who = np.concatenate([direct_payer, contract_payer])
    whom = np.concatenate([direct_provider, contract_provider])
    amount = np.concatenate([direct_amount, shared_amount])
    total = pd.Series(amount).groupby(id_rank[who] * len(ids) + id_rank[whom], sort=True).sum()
    sorted_ids = ids.to_numpy(dtype=object)[np.argsort(id_rank)]
    pair = total.index.to_numpy()
    paid = pd.DataFrame({"payer": sorted_ids[pair // len(ids)],
                         "provider": sorted_ids[pair % len(ids)],
                         "amount": total.to_numpy(dtype=float)})
    ruling = effective["provider"].to_numpy(dtype=object)[at][shared_amount != 0]
    return paid, sorted(set(ruling.tolist()) & lines.split)


def _paid(by_payer: pd.DataFrame, lines: ContractLines, line: pd.Series, payer: pd.Series,
          paying: np.ndarray, at_line: np.ndarray | None) -> tuple[pd.DataFrame, list[str]]:
    """`paid_by` once each row's payer is found (``paying``: rows with one; ``at_line``: their
    lines' positions in the contracts' lines, or None)."""
    effective = lines.effective
    rows = by_payer.assign(commissioner=payer, line=line)
    keys = ["commissioner", "provider", "line"]
    if at_line is not None and (at_line >= 0).all():  # one contract per line held: by position
        direct = rows[paying]  # (every payer found holds one: as the merge below finds it)
        direct = direct.assign(amount=direct["priced"].to_numpy()
                               * lines.effective["variable"].to_numpy()[at_line])
    else:
        direct = rows[paying].merge(effective, on=keys)
        direct["amount"] = direct["priced"] * direct["variable"]
    shared = rows[rows["commissioner"] == ""].groupby(["provider", "line"], as_index=False)[
        "priced"].sum()
    # merged with those providers' lines alone (the same rows, in the same order)
    shared = shared.merge(effective[isin(effective["provider"], set(shared["provider"]))],
                          on=["provider", "line"])
    shared["amount"] = shared["priced"] * shared["share"] * shared["variable"]
    paid = pd.concat([direct[["commissioner", "provider", "amount"]],
                      shared[["commissioner", "provider", "amount"]]], ignore_index=True)
    paid = paid.groupby(["commissioner", "provider"], as_index=False, sort=True)["amount"].sum()
    ruled = sorted(set(shared.loc[shared["amount"] != 0, "provider"]) & lines.split)
    return paid.rename(columns={"commissioner": "payer"}), ruled


def service_lines(contracts: pd.DataFrame) -> pd.DataFrame:
    """The contract that pays for each service line: ``commissioner, provider, line, share,
    variable`` (and the contracts' other columns).

    A provider's lines are "" (every service no contract of it names) and each service a
    contract of it names (``service``, ``;``-separated). On a named line each commissioner of
    the provider pays under its contract naming that service, else under its contract naming
    none; on the "" line under its contract naming none. Where a provider has a named line the
    ``share`` of each line's contracts is their part of that line (so the contract-share rule
    splits a line's change among the commissioners paying for it); otherwise ``share`` is as
    given. Contracts without ``service`` are the "" line, unchanged.

    Examples
    --------
    >>> contracts = pd.DataFrame({"commissioner": ["ICB", "ICB", "LA"],
    ...     "provider": ["T", "T", "T"], "service": ["", "COMM;REHAB", ""],
    ...     "share": [0.6, 0.3, 0.1], "variable": [1.0, 0.0, 1.0]})
    >>> lines = service_lines(contracts).round({"share": 4})
    >>> lines[["commissioner", "line", "share", "variable"]].values.tolist()
    [['ICB', '', 0.8571, 1.0], ['LA', '', 0.1429, 1.0], ['ICB', 'COMM', 0.75, 0.0], \
['ICB', 'REHAB', 0.75, 0.0], ['LA', 'COMM', 0.25, 1.0], ['LA', 'REHAB', 0.25, 1.0]]
    """
    named = (contracts["service"].astype(object).where(contracts["service"].notna(), "")
             .astype(str).str.strip() if "service" in contracts
             else pd.Series("", index=contracts.index, dtype=object))
    wide = contracts[(named == "").to_numpy()].assign(line="")
    if not (named != "").any():
        return wide
    lines = contracts[(named != "").to_numpy()].assign(line=named[named != ""].str.split(";"))
    lines = lines.explode("line")
    lines["line"] = lines["line"].str.strip()
    lines = lines[lines["line"] != ""].drop_duplicates(["commissioner", "provider", "line"])
    # every other commissioner of the provider pays for a named line under its wide contract
    each = lines[["provider", "line"]].drop_duplicates().merge(
        wide.drop(columns="line"), on="provider")
    each = each[~(each["commissioner"] + "\x1f" + each["provider"] + "\x1f" + each["line"])
                .isin(set(lines["commissioner"] + "\x1f" + lines["provider"] + "\x1f"
                          + lines["line"]))]
    out = pd.concat([wide, lines, each], ignore_index=True)
    lined = out["provider"].isin(set(lines["provider"]))
    total = out.groupby(["provider", "line"])["share"].transform("sum")
    count = out.groupby(["provider", "line"])["share"].transform("size")
    even = np.where(total > 0, out["share"] / total.where(total > 0, 1), 1.0 / count)
    out["share"] = np.where(lined, even, out["share"])
    return out.reset_index(drop=True)


def _line_of(by_payer: pd.DataFrame, named: frozenset) -> pd.Series:
    """The service line each row's service is paid on: the service where a contract of its
    provider names it (``named``: provider and line, joined by ``"\\x1f"``), else ""."""
    if not named:
        return pd.Series("", index=by_payer.index, dtype=object)
    key = by_payer["provider"].astype(str) + "\x1f" + by_payer["service"].astype(str)
    return by_payer["service"].astype(object).where(key.isin(named), "")


def fraction_cap(money: ServiceMoney, fractions: np.ndarray) -> np.ndarray:
    """The fractions capped so that no receiving service with a stated capacity goes past it."""
    gaining = money.delta > 0
    limit = np.where(gaining & np.isfinite(money.headroom),
                     money.headroom / np.where(gaining, money.delta, 1.0), np.inf)
    return np.minimum(fractions, limit.min(initial=np.inf))


def evaluate(money: ServiceMoney, fractions: np.ndarray, cost_factor: np.ndarray | None = None
             ) -> dict[str, np.ndarray]:
    """Money for a batch of draws, vectorised: ``fractions`` (D,) and ``cost_factor`` (D, S)
    multiplying each service's unit and marginal cost (1 for the central case).

    Returns arrays per service (D, S): ``delta, cash_releasing, capacity_releasing, cash_cost,
    capacity_used, cost_change``; per organisation (D, O): ``cost, income, spend, net``,
    ``cash_releasing``, ``capacity_releasing``; and ``system_net`` (D,).

    Examples
    --------
    One service loses 100 contacts (unit £300, marginal £90); another gains 100 with room for
    40 (unit £200, marginal £140): 40 × £140 + 60 × £200 = £17,600 cash; the system saves
    £9,000 − £17,600 = −£8,600.

    >>> money = ServiceMoney(np.array(["A", "B"]), np.array([-100.0, 100.0]),
    ...     np.array([300.0, 200.0]), np.array([90.0, 140.0]), np.array([0.0, 40.0]),
    ...     np.array([0, 1]), np.array(["PA", "PB"]), np.zeros(2), np.zeros(2))
    >>> out = evaluate(money, np.array([1.0]))
    >>> out["cash_cost"].tolist(), out["capacity_releasing"].tolist(), out["system_net"].tolist()
    ([[0.0, 17600.0]], [[21000.0, 0.0]], [-8600.0])
    """
    fractions = np.asarray(fractions, dtype=float)
    factor = np.ones((len(fractions), len(money.ids))) if cost_factor is None else cost_factor
    delta = fractions[:, None] * money.delta[None, :]
    lost, gain = np.maximum(-delta, 0.0), np.maximum(delta, 0.0)
    within = np.minimum(gain, np.where(np.isfinite(money.headroom), money.headroom, 0.0))
    unit, marginal = money.unit_cost * factor, money.marginal * factor
    fixed = unit - marginal
    out = {"delta": delta, "cash_releasing": marginal * lost, "capacity_releasing": fixed * lost,
           "cash_cost": marginal * within + unit * (gain - within),
           "capacity_used": fixed * within}
    out["cost_change"] = out["cash_cost"] - out["cash_releasing"]
    to_org = _to_organisations(money)
    org = {name: np.asarray((to_org.T @ out[name].T).T) for name in
           ("cost_change", "cash_releasing", "capacity_releasing")}
    income = fractions[:, None] * money.income_unit[None, :]
    spend = fractions[:, None] * money.spend_unit[None, :]
    out.update({"org_cost": org["cost_change"], "org_income": income, "org_spend": spend,
                "org_cash_releasing": org["cash_releasing"],
                "org_capacity_releasing": org["capacity_releasing"],
                "org_net": income - org["cost_change"] - spend,
                "system_net": -out["cost_change"].sum(axis=1)})
    return out


def _to_organisations(money: ServiceMoney, weights: np.ndarray | None = None):
    """Services × organisations, 1 (or the service's weight) where the organisation provides
    the service (sparse)."""
    from scipy import sparse

    n = len(money.ids)
    weights = np.ones(n) if weights is None else weights
    return sparse.csr_matrix((weights, (np.arange(n), money.provider_of)),
                             shape=(n, len(money.organisations)))


#: The draws are worked in blocks of rows: about 16 MB of a block's cost factors, so that a
#: block stays in the processor's cache and in memory the allocator reuses, instead of five
#: draws × services arrays of 380 MB each nationally (48,067 services × 1,000 draws; fresh
#: memory is what cost the time). Each draw's sums are numpy's over its own row, so the
#: figures do not depend on the blocks (nor on how many threads a BLAS library would use).
_BLOCK_BYTES = 16_000_000


def draw_blocks(count: int, width: int) -> list[tuple[int, int]]:
    """The blocks of draws (start, stop) that `simulate` works in, for ``width`` services.

    Examples
    --------
    >>> draw_blocks(1000, 48_067)[:2], len(draw_blocks(1000, 48_067))
    ([(0, 40), (40, 80)], 25)
    >>> draw_blocks(1000, 20)
    [(0, 1000)]
    """
    rows = max(8, _BLOCK_BYTES // (8 * max(width, 1)) // 8 * 8)
    return [(start, min(start + rows, count)) for start in range(0, count, rows)]


def simulate(money: ServiceMoney, fractions: np.ndarray, cost_factor=None
             ) -> dict[str, np.ndarray]:
    """The draws, lean: ``org_net`` (D, O), ``system_net`` and ``released`` (system cash
    released, D). Both costs of a service move with one factor, so a service's cost change is
    ``factor × cost at the stated costs``, worked out once per distinct fraction.

    ``cost_factor`` is None (the stated costs), the (D, S) factors, or a function
    ``(start, stop)`` giving rows ``start`` to ``stop`` of them, called once per block of
    `draw_blocks` in order, so that the draws can be made a block at a time.

    Examples
    --------
    >>> money = ServiceMoney(np.array(["A", "B"]), np.array([-100.0, 100.0]),
    ...     np.array([300.0, 200.0]), np.array([90.0, 140.0]), np.array([0.0, 40.0]),
    ...     np.array([0, 1]), np.array(["PA", "PB"]), np.zeros(2), np.zeros(2))
    >>> out = simulate(money, np.array([1.0, 1.0]), np.array([[1.0, 1.0], [2.0, 1.0]]))
    >>> out["system_net"].tolist(), out["released"].tolist()
    ([-8600.0, 400.0], [9000.0, 18000.0])
    """
    fractions = np.asarray(fractions, dtype=float)
    n, count = len(money.ids), len(fractions)
    rows = (cost_factor if callable(cost_factor) or cost_factor is None
            else lambda start, stop: cost_factor[start:stop])
    released_unit = np.where(money.delta < 0, -money.delta * money.marginal, 0.0)
    # one fraction: a service's cost change is its factor times one figure, so the
    # organisations' costs are one sparse product (draws × services) · (services × orgs)
    one = bool(count) and bool(np.all(fractions == fractions[0]))
    base = _base_cost(money, fractions[:1])[0] if one else None
    to_org = _to_organisations(money, base).T.tocsr()
    flows = money.income_unit - money.spend_unit
    # organisations × draws in memory (each organisation's draws side by side, as the
    # percentiles read them); returned transposed, a view
    org_net = np.empty((len(money.organisations), count))
    system_cost, released = np.empty(count), np.empty(count)

    blocks = draw_blocks(count, n)
    # one fraction: each block's income less spend is the same products (made once)
    same = flows[:, None] * fractions[None, :blocks[0][1]] if one and blocks else None

    def cost_block(start: int, stop: int, factor) -> None:  # writes its own draws only
        at = fractions[start:stop]
        moved = same[:, :stop - start] if one else flows[:, None] * at[None, :]
        if one:
            factor = np.ones((stop - start, n)) if factor is None else factor
            cost, system_cost[start:stop] = factor, (factor * base).sum(axis=1)
        else:
            cost = _base_cost(money, at)
            cost = cost * factor if factor is not None else cost
            system_cost[start:stop] = cost.sum(axis=1)
        # the services' draws side by side in memory for the sparse product
        np.subtract(moved, to_org @ np.ascontiguousarray(cost.T), out=org_net[:, start:stop])
        released[start:stop] = ((factor * released_unit).sum(axis=1) if factor is not None
                                else released_unit.sum()) * at

    # the draws are made here, in order, from the one seeded stream; each block is costed in
    # a thread of its own meanwhile (numpy lets the others run), a few blocks at most in hand
    pending: deque = deque()
    with in_threads(len(blocks)) as submit:
        for start, stop in blocks:
            factor = rows(start, stop) if rows is not None else None
            pending.append(submit(lambda a=start, b=stop, f=factor: cost_block(a, b, f)))
            while len(pending) > _IN_HAND:
                pending.popleft().result()
        for block in pending:
            block.result()
    return {"org_net": org_net.T, "system_net": -system_cost, "released": released}


#: Blocks of draws made but not yet costed, at most (each about `_BLOCK_BYTES`).
_IN_HAND = 3


def _base_cost(money: ServiceMoney, fractions: np.ndarray) -> np.ndarray:
    """Cash cost change per service at the stated costs, for each fraction (F, S)."""
    delta = fractions[:, None] * money.delta[None, :]
    gain = np.maximum(delta, 0.0)
    within = np.minimum(gain, np.where(np.isfinite(money.headroom), money.headroom, 0.0))
    return (money.marginal * within + money.unit_cost * (gain - within)
            - money.marginal * np.maximum(-delta, 0.0))
