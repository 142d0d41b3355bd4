"""Stakeholder frameworks computed from evidence rather than workshop guesses.

**Mendelow's power/interest grid** (Mendelow 1991). *Power* is the mean of three figures, each
scaled so that the largest among the candidates is 1: the share of in-scope spend it
commissions, its annual budget, and its brokerage. *Interest* is the mean of its activity,
handoffs and incentive-exposure shares, scaled the same way. High means at least half of the
largest. Power is also high for an organisation that delivers the shift (it provides a ``from``
or ``to`` service: the shift cannot happen without it) or carries a large financial exposure
(at least `LARGE_EXPOSURE`, a fifth, of the money the shift moves) or pays under the
risk-and-gain share (the settlement needs its agreement: it can withhold it). Quadrants: ``manage
closely`` (high power, high interest), ``keep satisfied`` (high power), ``keep informed`` (high
interest), ``monitor``.

Where the tiers are known (a ``tier`` column), the grid agrees with them: a core partner is
selected because the opportunity changes its work materially, so its interest counts as high (it
is never ``monitor``); where the grid still differs from the tier (an ``inform`` organisation with
high power and interest, an ``involve`` one graded ``manage closely``), ``grid_note`` says why.
Every candidate's ``grid_why`` says in words what puts it where it is on the grid (and, for a
core partner that is not ``manage closely``, why that is enough), followed by ``grid_note``.

**Mitchell, Agle & Wood's salience** (1997). *Power*: high Mendelow power. *Legitimacy*: a
statutory body (ICB, NHS trust, local authority), a commissioner in scope, a core partner, or an
organisation delivering at least `LEGITIMATE_ACTIVITY` (10%) of the contacts in scope (the
people doing the work have a legitimate claim; a hospice delivering a fifth of end-of-life
contacts is not a "non-stakeholder"). *Urgency*: at least
10% of the incentive exposure, or it loses money while the system gains (the caller leaves
out losses under the risk-and-gain share's collar, which are not settled). One attribute makes a
latent stakeholder (``dormant`` = power, ``discretionary`` = legitimacy, ``demanding`` =
urgency); two an expectant one (``dominant`` = power and legitimacy, ``dangerous`` = power and
urgency, ``dependent`` = legitimacy and urgency); all three ``definitive``; none
``non-stakeholder``.

References
----------
Mendelow, A. (1991). Stakeholder mapping. Proc. 2nd Int. Conf. on Information Systems.
Mitchell, R. K., Agle, B. R. & Wood, D. J. (1997). Toward a theory of stakeholder identification
and salience. *Academy of Management Review* 22(4), 853–886.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from netkit.model.schema import STATUTORY_TYPES
from netkit.model.selectors import select_services
from netkit.render.formats import fmt_money_rounded

__all__ = ["stakeholder_frameworks", "shift_deliverers", "settlement_payers", "pays_words", "SALIENCE", "LEGITIMATE_ACTIVITY",
           "LARGE_EXPOSURE", "TIER_QUADRANTS"]

#: A share of the in-scope contacts at or above which delivering them is a legitimate claim.
LEGITIMATE_ACTIVITY = 0.10
#: A share of the money the shift moves (incentive exposure) at or above which it gives power.
LARGE_EXPOSURE = 0.20
#: The Mendelow quadrants each tier agrees with; any other has a ``grid_note`` saying why.
TIER_QUADRANTS = {"core": ("manage closely", "keep informed"),
                  "involve": ("keep informed", "keep satisfied", "monitor"),
                  "inform": ("keep satisfied", "keep informed", "monitor")}

SALIENCE = {
    (False, False, False): "non-stakeholder",
    (True, False, False): "dormant",
    (False, True, False): "discretionary",
    (False, False, True): "demanding",
    (True, True, False): "dominant",
    (True, False, True): "dangerous",
    (False, True, True): "dependent",
    (True, True, True): "definitive",
}


def _scaled(values: pd.Series) -> pd.Series:
    values = values.fillna(0.0).astype(float)
    top = values.max()
    return values / top if top > 0 else values * 0.0


def shift_deliverers(services: pd.DataFrame, shift) -> set:
    """The candidates that provide a service the shift moves patients from or to (the
    ``candidate`` column where the services have one, else the provider).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> services = pd.DataFrame({"id": ["ED", "UCR", "GP"], "provider": ["ACUTE", "COM", "GP1"],
    ...                          "category": ["urgent_emergency", "community", "primary_care"]})
    >>> sorted(shift_deliverers(services, SimpleNamespace(from_=["ED"], to=["UCR"])))
    ['ACUTE', 'COM']
    """
    if shift is None or services.empty:
        return set()
    picked = (np.asarray(select_services(services, shift.from_), dtype=bool)
              | np.asarray(select_services(services, shift.to), dtype=bool))
    who = services["candidate"].fillna(services["provider"]) if "candidate" in services \
        else services["provider"]
    return set(who[picked])


def stakeholder_frameworks(table: pd.DataFrame, types: pd.Series, budgets: pd.Series,
                           commissioners: set, losers: set,
                           deliverers: set = frozenset(),
                           payers: Mapping[str, float] | None = None,
                           disclosure=None) -> pd.DataFrame:
    """Mendelow quadrant and salience class for each candidate.

    Parameters
    ----------
    table : DataFrame
        Criteria shares (``activity_share``, ... as from `netkit.partners.criteria.compute_criteria`),
        indexed by candidate.
    types, budgets : Series
        Organisation type and annual budget by candidate.
    commissioners : set
        Candidates that commission in-scope providers.
    losers : set
        Candidates that lose money while the system gains.
    deliverers : set, optional
        Candidates that provide a service the shift moves patients from or to
        (`shift_deliverers`).
    payers : mapping of str to float, optional
        Candidates that pay under the risk-and-gain share: £ a year each pays in all
        (`settlement_payers`).
    disclosure : DisclosureRules, optional
        Where active (`netkit.model.disclosure`), the share of contacts ``grid_why`` gives is
        computed from the disclosed counts (``activity`` beside ``activity_share``), as the
        reasons' shares are; the grid itself is placed on the true figures.

    Returns
    -------
    DataFrame
        ``power, interest, mendelow, salience, grid_note, grid_why`` indexed like ``table``.

    Examples
    --------
    >>> table = pd.DataFrame({"activity_share": [0.0, 0.9], "handoffs_share": [0.0, 1.0],
    ...     "brokerage_share": [0.0, 1.0], "commissioning_share": [1.0, 0.0],
    ...     "incentives_share": [0.5, 0.5]}, index=["ICB", "ACUTE"])
    >>> out = stakeholder_frameworks(table, pd.Series({"ICB": "icb", "ACUTE": "acute_trust"}),
    ...     pd.Series({"ICB": 5e7, "ACUTE": 2e7}), {"ICB"}, set())
    >>> out[["mendelow", "salience"]].values.tolist()
    [['keep satisfied', 'definitive'], ['manage closely', 'definitive']]
    >>> print(out.loc["ICB", "grid_why"])  # doctest: +NORMALIZE_WHITESPACE
    commissions 100% of the spend in scope, carries 50% of the money the shift moves, has a large
    budget
    """
    index = table.index
    power = (_scaled(table["commissioning_share"]) + _scaled(budgets.reindex(index))
             + _scaled(table["brokerage_share"])) / 3
    interest = (_scaled(table["activity_share"]) + _scaled(table["handoffs_share"])
                + _scaled(table["incentives_share"])) / 3
    tier = table["tier"] if "tier" in table else pd.Series("", index=index)
    core = (tier == "core").to_numpy()
    delivers = index.isin(list(deliverers))
    exposed = (table["incentives_share"] >= LARGE_EXPOSURE).to_numpy()
    paid = pd.Series(dict(payers or {}), dtype="float64").reindex(index).fillna(0.0)
    high_power = (_scaled(power) >= 0.5).to_numpy() | delivers | exposed | (paid > 0).to_numpy()
    high_interest = (_scaled(interest) >= 0.5).to_numpy() | core
    mendelow = np.select([high_power & high_interest, high_power, high_interest],
                         ["manage closely", "keep satisfied", "keep informed"], "monitor")
    legitimate = (types.reindex(index).isin(STATUTORY_TYPES) | index.isin(list(commissioners))
                  | core | (table["activity_share"] >= LEGITIMATE_ACTIVITY)).to_numpy()
    urgent = ((table["incentives_share"] >= 0.10) | index.isin(list(losers))).to_numpy()
    salience = [SALIENCE[(bool(p), bool(l), bool(u))]
                for p, l, u in zip(high_power, legitimate, urgent)]
    notes = [_grid_note(t, m) for t, m in zip(tier, mendelow)]
    held = [[w for w, on in (("has a large budget", b),
                                         ("is a go-between on patients' routes", g)) if on]
            for b, g in zip(_scaled(budgets.reindex(index)) >= 0.5,
                            _scaled(table["brokerage_share"]) >= 0.5)]
    share = (disclosure.share if disclosure is not None and disclosure.active
             and "activity" in table else None)
    why = [_grid_why(m, t, row, d, h, n, pays, share) for m, t, row, d, h, n, pays in
           zip(mendelow, tier, table.to_dict("records"), delivers, held, notes, paid)]
    return pd.DataFrame({"power": power.round(6), "interest": interest.round(6),
                         "mendelow": mendelow, "salience": salience, "grid_note": notes,
                         "grid_why": why}, index=index)


def _grid_why(quadrant: str, tier: str, row: dict, delivers: bool, held: list,
              note: str, pays: float = 0.0, share=None) -> str:
    """What puts a candidate in its quadrant, in words: what gives it power, what gives it
    interest; for a core partner short of ``manage closely``, why that is enough. ``share``
    (part, whole → words: `DisclosureRules.share`) gives the share of contacts from the
    disclosed counts."""
    power = (["delivers the shift (provides a 'from' or 'to' service)"] if delivers else [])
    if row.get("commissioning_share", 0) >= 0.05:
        power.append(f"commissions {row['commissioning_share']:.0%} of the spend in scope")
    if row.get("incentives_share", 0) >= LARGE_EXPOSURE:
        power.append(f"carries {row['incentives_share']:.0%} of the money the shift moves")
    if pays > 0:
        power.append(pays_words(pays))
    contacts = (f"{row['activity_share']:.0%}" if share is None else
                share(row["activity"], row["activity"] / row["activity_share"])
                if row.get("activity_share", 0) > 0 else "")
    interest = ([f"delivers {contacts} of the contacts in scope"]
                if row.get("activity_share", 0) >= 0.005 else [])
    if quadrant in ("manage closely", "keep satisfied"):
        text = ", ".join(power + held or ["powerful in this scope"])
    elif quadrant == "keep informed":
        text = ", ".join(interest or ["much affected by the shift"])
        if tier == "core":
            short = (f"; it {' and '.join(power)}, but its power in this scope (commissioning, "
                     "budget and brokerage together) is under half the largest's and it does "
                     "not deliver the shift" if power else  # some power: say both
                     ", but it neither delivers the shift, commissions much of it nor gains or "
                     "loses much of the money the shift moves")
            text += (f"; in the core for its part in the pathway{short}, so it is consulted "
                     "rather than managed closely (any payment asked of it under the "
                     "risk-and-gain-share is set out there)")
    else:
        text = "little of the work or the money in scope"
    return f"{text}. {note[0].upper()}{note[1:]}" if note else text


def pays_words(amount: float) -> str:
    """What a payer pays, net, under the risk-and-gain share (`settlement_payers`), in words.

    >>> pays_words(283_000.0)
    'pays £280,000 a year, net, under the risk-and-gain share (which needs its agreement)'
    """
    return (f"pays {fmt_money_rounded(amount)} a year, net, under the risk-and-gain share "
            "(which needs its agreement)")


def settlement_payers(share, candidate_of: Mapping) -> dict:
    """Candidate → £ a year it pays, net of what it receives, under a risk-and-gain share
    (``share``, a `netkit.finance.risk_share.ShareDesign`, or None): the settlement column of
    the positions table, organisations counted in their seats; only those that pay on balance.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> share = SimpleNamespace(transfers=pd.DataFrame({
    ...     "payer": ["ICB", "LA", "CH1", "CH2", "ICB"],
    ...     "payee": ["ACUTE", "ICB", "LA", "LA", "COMM"],
    ...     "amount": [90_000.0, 15_000, 200, 300, 10_000]}))
    >>> settlement_payers(share, {"CH1": "care_homes:North", "CH2": "care_homes:North"})
    {'ICB': 85000.0, 'LA': 14500.0, 'care_homes:North': 500.0}
    >>> settlement_payers(None, {})
    {}
    """
    if share is None or not len(share.transfers):
        return {}
    t = share.transfers
    seat = (lambda column: t[column].map(lambda o: candidate_of.get(o, o)).to_numpy())
    amount = t["amount"].astype("float64").to_numpy()
    paid = pd.Series(np.concatenate([amount, -amount]),
                     index=np.concatenate([seat("payer"), seat("payee")]))
    paid = paid.groupby(level=0, sort=False).sum()
    return {str(k): float(v) for k, v in paid.items() if v > 0.5}


def _grid_note(tier: str, quadrant: str) -> str:
    """Why a quadrant differs from the tier ("" where they agree or the tier is unknown)."""
    if not tier or quadrant in TIER_QUADRANTS.get(tier, (quadrant,)):
        return ""
    if tier == "involve":
        return ("powerful and much affected, but a seat would cost more coordination than it "
                "adds: keep it closely involved without a seat")
    return ("powerful and much affected in general, but little in this scope depends on it: "
            "inform it, and revisit if the scope widens")
