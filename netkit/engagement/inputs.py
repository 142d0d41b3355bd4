"""What the engagement pack reads from a partner result, each with a fallback.

The partner result grows: a proportionality verdict (``verdict``), data-coverage warnings
(``warnings``), seats (``kind`` and ``members`` columns), a risk-and-gain-share proposal
(``risk_share`` with ``records()`` and ``investment``, or ``incentives.risk_share``) and money
ranges (``system_net_low``/``system_net_high``, ``net_low``/``net_high``). Each reader here
returns what the result carries, or ``None`` where this netkit's result has none, so the pack
says "not computed" rather than failing, and improves as the result does.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from netkit.model.schema import STATUTORY_TYPES
from netkit.model.selectors import select_services
from netkit.partners.verdict import range_covers
from netkit.render.naming import said

__all__ = ["as_dict", "verdict_of", "warnings_of", "seats_of", "risk_share_of", "investment_of",
           "money_of", "lead_of", "shift_services", "commissioners_of", "commissioned_by",
           "service_rows", "designed", "payers_of", "share_lines", "share_notes", "plain"]


def as_dict(value) -> dict | None:
    """A value as plain data: a dict as given, an object through its ``to_dict()``.

    Examples
    --------
    >>> as_dict(None) is None, as_dict({"kind": "internal"})
    (True, {'kind': 'internal'})
    """
    if value is None:
        return None
    if isinstance(value, dict):
        return dict(value)
    if hasattr(value, "to_dict"):
        return dict(value.to_dict())
    return {k: getattr(value, k) for k in ("kind", "lead", "reason", "at_stake", "burden")
            if hasattr(value, k)}


def verdict_of(ps) -> dict | None:
    """The proportionality verdict (``kind, lead, reason, at_stake, burden``), or ``None``."""
    return as_dict(getattr(ps, "verdict", None))


def warnings_of(ps) -> list[str] | None:
    """The data-coverage warnings as sentences; ``None`` where the result has no such field
    (an empty list where it has and found none)."""
    if not hasattr(ps, "warnings"):
        return None
    out = []
    for warning in ps.warnings or ():
        if isinstance(warning, str):
            out.append(warning)
        else:
            message = getattr(warning, "message", None) or (as_dict(warning) or {}).get("message")
            out.append(str(message or warning))
    return out


def seats_of(ps) -> pd.DataFrame:
    """The partners that are seats (``kind == "seat"``): ``id, name, tier, members``; empty
    where the result has no seats."""
    p = ps.partners
    if "kind" not in p or "members" not in p:
        return pd.DataFrame(columns=["id", "name", "tier", "members"])
    seats = p[p["kind"] == "seat"]
    return seats[["id", "name", "tier", "members"]].reset_index(drop=True)


def risk_share_of(ps) -> pd.DataFrame | None:
    """The risk-and-gain-share proposal (``payer, payee, amount, rule``), or ``None`` where the
    result has no designer's proposal."""
    share = getattr(ps, "risk_share", None)
    if share is not None:
        if hasattr(share, "records"):
            return pd.DataFrame(share.records(), columns=["payer", "payee", "amount", "rule"])
        if isinstance(share, pd.DataFrame):
            return share.reindex(columns=["payer", "payee", "amount", "rule"])
    table = getattr(ps.incentives, "risk_share", None) if ps.incentives is not None else None
    if isinstance(table, pd.DataFrame):
        return table.reindex(columns=["payer", "payee", "amount", "rule"])
    return None


def investment_of(ps) -> dict | None:
    """The investment the proposal asks for (``amount, funded_by, buys``), or ``None``."""
    for holder in (getattr(ps, "risk_share", None), ps.incentives):
        investment = getattr(holder, "investment", None) if holder is not None else None
        if isinstance(investment, dict) and investment:
            return investment
    return None


def _number(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def drawn(inc) -> bool:
    """Were the money's ranges drawn (a Monte Carlo run), rather than the central figure
    repeated (``draws`` 0)?"""
    return getattr(inc, "drawn", True)  # a reader of older results: drawn


def money_of(ps, verdict: dict | None) -> dict | None:
    """The system's net £ a year under the shift as ``low, central, high`` (``low`` and
    ``high`` ``None`` where no range is computed, with ``why`` where that is known), or
    ``None`` without a shift."""
    inc = ps.incentives
    if inc is None:
        return None
    central = float(inc.system_net)
    if not drawn(inc):  # the central figures alone
        return {"low": None, "central": central, "high": None,
                "why": "no Monte Carlo draws were asked for"}
    low = _number(getattr(inc, "system_net_low", None))
    high = _number(getattr(inc, "system_net_high", None))
    at_stake = (verdict or {}).get("at_stake") or {}
    if low is None and _number(at_stake.get("low")) is not None \
            and at_stake.get("low") != at_stake.get("high"):
        low, high = _number(at_stake.get("low")), _number(at_stake.get("high"))
    return {"low": low, "central": central, "high": high, "covers": range_covers(inc)}


def lead_of(ps, verdict: dict | None) -> tuple[str | None, str]:
    """The senior responsible owner the pack recommends (the board appoints one) and why: the
    lead an internal or bilateral verdict names; else the core ICB with the highest score (it
    holds the contracts the shift changes); else the highest-scoring core partner that is a
    statutory body; else the highest-scoring core partner."""
    if verdict and verdict.get("lead") and verdict.get("kind") in ("internal", "bilateral"):
        return verdict["lead"], "the lead the proportionality verdict names"
    core = ps.partners[ps.partners["tier"] == "core"].sort_values(
        ["score", "id"], ascending=[False, True], kind="mergesort")
    icb = core[core["type"] == "icb"]
    if len(icb):
        return icb["id"].iloc[0], "the commissioner that holds the contracts the shift changes"
    statutory = core[core["type"].isin(STATUTORY_TYPES)]
    if len(statutory):
        return statutory["id"].iloc[0], "the highest-scoring core partner with a statutory duty"
    if len(core):
        return core["id"].iloc[0], "the highest-scoring core partner (none has a statutory duty)"
    return None, "no core partner"


def shift_services(ps) -> pd.DataFrame:
    """The in-scope services the shift moves activity from and to: ``id, name, provider,
    partner, side`` (``"to"`` or ``"from"``), ``activity``, ``category``; receiving services
    first, each side in the services' order."""
    services = ps.scope.services
    shift = ps.opportunity.shift
    columns = ["id", "name", "provider", "partner", "side", "activity", "category"]
    if shift is None or services.empty:
        return pd.DataFrame(columns=columns)
    source = np.asarray(select_services(services, shift.from_), dtype=bool)
    target = np.asarray(select_services(services, shift.to), dtype=bool) & ~source
    partner = services["candidate"] if "candidate" in services else services["provider"]
    table = services.assign(partner=partner.fillna(services["provider"]),
                            side=np.where(target, "to", np.where(source, "from", "")))
    table = table[table["side"] != ""]
    order = table["side"].map({"to": 0, "from": 1})
    table = table.assign(_order=order).sort_values("_order", kind="mergesort")
    return table.reindex(columns=columns).reset_index(drop=True)


def commissioners_of(ps, system, providers) -> list[str]:
    """The partners that pay for the shift's providers: those whose spend the shift changes,
    the payers of the risk share, and those holding a ``commissions`` relationship with a
    provider; as partner ids (an organisation that takes part through another, as that one)."""
    candidate_of = ps.scope.candidate_of
    ids = []
    inc = ps.incentives
    if inc is not None and "spend_change" in inc.organisations:
        spend = inc.organisations
        ids += spend.loc[spend["spend_change"].abs() > 0.5, "id"].tolist()
    rel = system.relationships
    if {"source", "target", "type"} <= set(rel.columns):
        ids += rel.loc[(rel["type"] == "commissions") & rel["target"].isin(list(providers)),
                       "source"].tolist()
    in_scope = set(ps.partners["id"])
    out = []
    for org in ids:
        partner = candidate_of.get(org, org)
        if partner in in_scope and partner not in out:
            out.append(partner)
    return out


def commissioned_by(ps, system) -> dict:
    """``{partner: [partner, ...]}``: who commissions each in-scope provider (``commissions``
    relationships), as partner ids."""
    candidate_of = ps.scope.candidate_of
    rel = system.relationships
    out: dict = {}
    if not {"source", "target", "type"} <= set(rel.columns):
        return out
    pairs = rel.loc[rel["type"] == "commissions", ["source", "target"]]
    for source, target in pairs.itertuples(index=False, name=None):  # a handful of contracts
        payer, paid = candidate_of.get(source, source), candidate_of.get(target, target)
        if payer not in out.setdefault(paid, []):
            out[paid].append(payer)
    return out


def service_rows(system, ids, table: str = "services") -> list[dict]:
    """``[{file, rows}]``: the input rows of some services (or of another table's rows whose
    ``id`` is in ``ids``), for citing where a figure comes from; empty for a system not read
    from files."""
    rows = system.input_rows.get(table) if hasattr(system, "input_rows") else None
    frame = getattr(system, table, None)
    if not rows or frame is None or "id" not in frame:
        return []
    label, numbers = rows
    picked = np.asarray(numbers)[frame["id"].isin(list(ids)).to_numpy()]
    return [{"file": label, "rows": sorted(int(r) for r in picked)}] if len(picked) else []


def contract_rows(system, providers) -> list[dict]:
    """``[{file, rows}]``: the ``commissions`` rows of relationships.csv paying ``providers``."""
    rows = system.input_rows.get("relationships") if hasattr(system, "input_rows") else None
    rel = system.relationships
    if not rows or not {"target", "type"} <= set(rel.columns):
        return []
    label, numbers = rows
    mask = ((rel["type"] == "commissions") & rel["target"].isin(list(providers))).to_numpy()
    picked = np.asarray(numbers)[mask]
    return [{"file": label, "rows": sorted(int(r) for r in picked)}] if len(picked) else []


def designed(ps):
    """The designer's risk-and-gain-share proposal (a `netkit.finance.risk_share.ShareDesign`:
    its transfers, positions, notes and their wording), or ``None`` where the result has none.
    """
    share = getattr(ps, "risk_share", None)
    needed = ("transfers", "positions", "notes", "lines", "position_table")
    return share if share is not None and all(hasattr(share, a) for a in needed) else None


def payers_of(ps, design) -> dict:
    """Partner id → £ a year it pays under the proposal (organisations in their seats), as the
    stakeholder grid counts it; empty without a proposal."""
    if design is None:
        return {}
    from netkit.partners.frameworks import settlement_payers

    return settlement_payers(design, ps.scope.candidate_of)


def share_lines(design, names: dict) -> list[str]:
    """The proposal's payments as the partner report words them, each organisation by name with
    its id in brackets (``... reduces ...'s contract`` where the rule is a contract reduction).
    """
    if design is None:
        return []
    return list(design.lines(names)[:len(design.transfers)])


#: A setting's name (``risk_share.share_cap``) in a note, with what joins it to the words
#: before it: a board pack names a setting only where it tells the analyst what to change.
_SETTING = re.compile(r"(?:; |, )?`?risk_share\.[a-z_]+`?")


def plain(note: str) -> str:
    """A note for a board: without the name of the setting behind a figure.

    Examples
    --------
    >>> plain("capped at £610,000 (1 × their full cost at unit cost; risk_share.share_cap), "
    ...       "the rest stays with the payers")
    'capped at £610,000 (1 × their full cost at unit cost), the rest stays with the payers'
    >>> plain("capped (risk_share.share_cap)")
    'capped'
    """
    return _SETTING.sub("", note).replace(" ()", "").replace("()", "")


def share_notes(design, names: dict) -> list[str]:
    """The proposal's notes as the partner report words them (`netkit.render.naming.said`:
    each organisation by name with its id in brackets), without settings' names (`plain`)."""
    if design is None:
        return []
    wording = getattr(design, "wording", ())
    notes = [said(w, names) for w in wording] if wording else list(design.notes)
    return [plain(n) for n in notes]
