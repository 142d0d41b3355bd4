"""The system's contracts as the money reads them: who commissions each provider, for which
service lines, on what basis, and each commissioner's share of the provider's contract value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.finance.positions import variable_share
from netkit.model.system import System, kept

__all__ = ["commissioning_shares", "contract_table"]


def commissioning_shares(system: System) -> pd.DataFrame:
    """Who pays each provider, and how: ``commissioner, provider, share, activity_share``.

    ``share`` is the commissioner's part of the provider's commissioning by contract value
    (equal parts where values are missing); ``activity_share`` is that part times the
    contract's variable share (1 for activity, 0 for block, ``variable_share`` for api).
    """
    frame = contract_table(system)
    frame["activity_share"] = frame["share"] * frame["variable"]
    return frame[["commissioner", "provider", "share", "activity_share"]]


def contract_table(system: System) -> pd.DataFrame:
    """``commissioner, provider, value, share, variable, block, service`` per ``commissions``
    relationship (``share``: of the provider's contract value, equal parts where values are
    missing; ``block``: paid as a block; ``service``: its service lines, ``;``-separated, "" for
    the rest); worked out
    once per system (a partner query asks three times), a copy each time."""
    return kept(system, ("finance", "contracts"), _contract_table).copy()


def _contract_table(system: System) -> pd.DataFrame:  # see contract_table
    rels = system.relationships
    commissions = rels[rels["type"] == "commissions"]
    service = commissions.get("service", pd.Series(None, index=commissions.index, dtype=object))
    frame = pd.DataFrame({"commissioner": commissions["source"].to_numpy(),
                          "provider": commissions["target"].to_numpy(),
                          "value": commissions["value"].to_numpy(dtype="float64"),
                          "variable": variable_share(commissions).to_numpy(),
                          "block": (commissions["payment"].astype(object) == "block").to_numpy()
                          if "payment" in commissions else np.zeros(len(commissions), bool),
                          "service": service.astype(object).fillna("").to_numpy(dtype=object)})
    total = frame.groupby("provider")["value"].transform("sum")
    count = frame.groupby("provider")["value"].transform("size")
    frame["share"] = np.where(total > 0, frame["value"].fillna(0.0) / total.where(total > 0, 1),
                              1.0 / count)
    return frame
