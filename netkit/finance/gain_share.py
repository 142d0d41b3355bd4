"""The gain-share of method version 1: gainers pay the core's losers, each in proportion to its
gain (`netkit.finance.incentives` computes it for every shift; the risk-and-gain-share designer
of version 2 is `netkit.finance.risk_share`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["gain_share"]


def gain_share(table: pd.DataFrame, system_net: float, core: list[str] | None,
               candidate_of: dict | None = None) -> pd.DataFrame:
    """Transfers from gainers to core losers, each gainer paying in proportion to its gain.

    Core gainers pay first; other gainers are asked only where core gains do not cover core
    losses. Amounts are £ a year, rounded to the pound, largest first.
    """
    empty = pd.DataFrame(columns=["payer", "payee", "amount"])
    if system_net <= 0 or (core is not None and not len(core)):  # no core, no core losers
        return empty
    candidate_of = candidate_of or {}
    ids = table["id"].tolist()
    # one array of labels (get(o, o) per id), not a list: pandas checks a list's items one
    # by one for column names
    stands = np.array(list(map(candidate_of.get, ids, ids)), dtype=object)
    net = table.groupby(stands)["net"].sum()
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
