"""What a losing system invests: how much the organisations still lose after the
risk-and-gain-share's transfers, who funds it, who only bears a loss, and what it buys.

The commissioners (and the named funders) left worse off fund the investment; a provider left
with a loss (under the collar, beyond the cap, or not kept whole by the rules) bears it itself,
which is not funding. `netkit.finance.risk_share` calls `investment` once the transfers are
settled.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from netkit.finance.share_rule import HALF_PENNY, ShareRule, pounds
from netkit.render.naming import name_and_id

__all__ = ["borne_words", "investment", "investment_line"]



def investment_line(investment: Mapping, names: Mapping | None = None, count=None) -> str:
    """The investment in one sentence: how much, who funds it, what it buys; and, where a
    provider is left with a loss (under the collar, say), that it bears it itself, which is not
    funding the investment. Organisations by id, or with ``names`` (id to name) by name with the
    id in brackets, as the partner report's lists show them. ``count`` writes what it buys in
    patients and contacts (default: whole, with thousands commas; a disclosure rule pack's
    `netkit.model.disclosure.DisclosureRules.count` under disclosure control).

    Examples
    --------
    >>> line = investment_line({"amount": 3300.0, "funded_by": [], "buys": {
    ...     "patients": 165.0, "contacts": 165.0, "bed_days": None, "benefits": ["quality"]},
    ...     "borne_by": [{"id": "ACUTE", "amount": 3300.0,
    ...                   "reason": "under the £10,000 collar, so no payment is made to it"}]})
    >>> print(line)  # doctest: +NORMALIZE_WHITESPACE
    the system loses money, but the commissioners' gains cover what they pay, so none funds an
    investment: ACUTE bears its own loss of £3,300 a year (under the £10,000 collar, so no
    payment is made to it). The shift buys 165 patients diverted, 165 contacts a year, for
    quality
    >>> print(investment_line({"amount": 60.0, "buys": {}, "funded_by": [
    ...     {"id": "ICB", "amount": 60.0}]}, {"ICB": "Vale ICB"}))
    the system loses money: an investment of £60 a year (funded by Vale ICB (ICB) £60) buys the shift a year
    """
    funders = ", ".join(f"{name_and_id(names, f['id'])} {pounds(f['amount'])}"
                        for f in investment["funded_by"])
    buys = investment["buys"]
    count = count or _count  # as disclosure rules show counts, where given
    bought = [f"{count(buys[k])} {k.replace('_', ' ')}" for k in ("patients", "contacts",
                                                                  "bed_days")
              if buys.get(k)]
    what = ", ".join(bought) or "the shift"
    if buys.get("patients"):
        what = what.replace("patients", "patients diverted", 1)
    benefits = ", ".join(b.replace("_", " ") for b in buys.get("benefits", []))
    for_what = f", for {benefits}" if benefits else ""
    borne = investment.get("borne_by") or []
    bearing = borne_words(borne, label=(lambda o: name_and_id(names, o)) if names is not None
                          else None)
    if not borne:
        return (f"the system loses money: an investment of {pounds(investment['amount'])} a "
                f"year (funded by {funders or 'no one named'}) buys {what} a year{for_what}")
    funded = sum(f["amount"] for f in investment["funded_by"])
    if not funders:
        return (f"the system loses money, but the commissioners' gains cover what they pay, so "
                f"none funds an investment: {bearing}. The shift buys {what} a "
                f"year{for_what}")
    return (f"the system loses money: an investment of {pounds(funded)} a year (funded by "
            f"{funders}) buys {what} a year{for_what}; besides, {bearing}")


def borne_words(borne: list, names: Mapping | None = None, label=None) -> str:
    """``ACU bears its own loss of £3,300 a year (under the £10,000 collar)``, for each
    provider left with a loss (``investment.borne_by``), by name where ``names`` gives one, or
    as ``label`` (a function of the id) writes it.

    Examples
    --------
    >>> borne_words([{"id": "ACU", "amount": 3300.0, "reason": "under the £10,000 collar"}],
    ...             {"ACU": "Acute Trust"})
    'Acute Trust bears its own loss of £3,300 a year (under the £10,000 collar)'
    """
    names = names or {}
    label = label or (lambda o: names.get(o, o))
    return "; ".join(f"{label(b['id'])} bears its own loss of "
                     f"{pounds(b['amount'])} a year ({b['reason']})" for b in borne)


def _count(value: float) -> str:
    return f"{value:,.0f}"


def investment(positions: pd.DataFrame, incentives, opportunity, system_net: float,
                rule: ShareRule) -> dict | None:
    """How much the system puts in when it loses, who funds it and what it buys: what the
    organisations still lose after the transfers. The commissioners (and named funders) left
    worse off fund it; a provider left with a loss bears it itself (``borne_by``, with why:
    under the collar, beyond the cap, or not kept whole by the rules), which is not funding.

    Examples
    --------
    After the transfers ICB is £70,000 down and ACUTE keeps a £5,000 loss under the collar:

    >>> positions = pd.DataFrame({"id": ["ACUTE", "ICB"], "role": ["provider", "commissioner"],
    ...                           "decommissioned": False, "position": [-5_000.0, 30_000.0],
    ...                           "final": [-5_000.0, -70_000.0]})
    >>> made = investment(positions, None, None, -75_000.0, ShareRule())
    >>> made["amount"], made["funded_by"], [b["id"] for b in made["borne_by"]]
    (75000.0, [{'id': 'ICB', 'amount': 70000.0}], ['ACUTE'])
    """
    if positions["position"].sum() >= -0.5 and system_net >= -0.5:
        return None
    losing = positions[~positions["decommissioned"] & (positions["final"] < -HALF_PENNY)]
    losing = losing.sort_values(["final", "id"], kind="mergesort")
    amount = float(-losing["final"].sum())
    if amount <= 0.5:
        return None
    funds = ((losing["role"] == "commissioner") | losing["id"].isin(rule.funded_by)).to_numpy()
    return {"amount": round(amount, 2),
            "funded_by": [{"id": o, "amount": round(float(-v), 2)}
                          for o, v in zip(losing["id"][funds], losing["final"][funds])],
            "buys": _buys(incentives, opportunity),
            "borne_by": [{"id": o, "amount": round(float(-v), 2),
                          "reason": _why_borne(-float(v), p, rule)}
                         for o, v, p in zip(losing["id"][~funds], losing["final"][~funds],
                                            losing["position"][~funds])]}


def _why_borne(loss: float, position: float, rule: ShareRule) -> str:
    """Why a provider is left with a loss after the transfers, in words."""
    if rule.keep_whole == "none":
        return "the rules keep no provider whole (keep_whole: none)"
    if rule.collar and loss < rule.collar:
        return f"under the {pounds(rule.collar)} collar, so no payment is made to it"
    if rule.cap is not None and -position > rule.cap:
        return f"beyond the {pounds(rule.cap)} cap"
    return "not covered by the transfers"


def _moved_out(frame, name: str) -> float | None:
    """What a shift takes out (minus the sum of the falls) of a column, where there is one."""
    if frame is None or name not in frame:
        return None
    values = pd.to_numeric(frame[name], errors="coerce")
    return float(-values[values < 0].sum()) + 0.0  # + 0.0: no "-0.0" where nothing falls


def _buys(incentives, opportunity) -> dict:
    """What the shift buys: patients diverted, contacts and bed days released, and the benefits
    the opportunity names."""
    settings = getattr(incentives, "settings", None) or {}
    services = getattr(incentives, "services", None)
    orgs = getattr(incentives, "organisations", None)
    patients = settings.get("patients_diverted")
    return {"patients": float(patients) if patients is not None else None,
            "contacts": _moved_out(services, "activity_change"),
            "bed_days": _moved_out(orgs, "bed_days_change")
            if orgs is not None and "bed_days_change" in orgs
            else _moved_out(services, "bed_days_change"),
            "benefits": list(getattr(opportunity, "benefits", ()) or ())}
