"""Did the shift happen? `track` follows one opportunity's plan on monthly actuals.

**The plan** (``plan`` on the opportunity): ``baseline: [YYYY-MM, YYYY-MM]`` (the months before
the scheme that the limits and means come from), ``start: YYYY-MM``, ``target`` (the fraction of
patients reaching the ``from`` services that the scheme moves to the ``to`` services; default
the shift's ``fraction``) and ``months`` (how long the plan runs). The planned fraction in the
k-th month from the start (k = 1, 2, ...) is ``target × min(1, k / ramp_months)`` with the
shift's ``ramp_months`` (no ramp: the target from the first month), and 0 before the start.

**The measures**, one value a month over the actuals' months, per 100,000 of the population where
``places.csv`` gives it (the pathway's ``denominator`` column, else ``population``), else
patients a month:

* ``from_patients``: patients reaching the ``from`` services, counted on the flows that enter
  them from outside them (emergency department to an acute ward is one patient reaching
  hospital, not two) (better falling);
* ``to_patients``: patients reaching the ``to`` services, likewise (better rising);
* ``diverted_share``: the share of the patients who would have reached the ``from`` services
  that reached the ``to`` services instead, against the baseline's mix: with ``d`` the ``to``
  services' share of patients reaching either, ``(d − d0) / (1 − d0)`` where ``d0`` is the
  baseline's (ratio of sums). It is 0 over the baseline on average and the plan's fraction when
  the plan is met, and it does not move when demand does (better rising);
* ``entries``: patients entering the pathway (from ``@home``), the demand (no better way: a
  special cause is "neither", Making Data Count's purple icon);
* ``community_balance``: context, the share of the pathway's patients reaching a service who
  reach one outside hospital (categories other than urgent_emergency, acute_inpatient and
  acute_outpatient), the system's balance of care on this pathway (better rising).

**Achieved** compares the latest ``window`` months (3) with the baseline: a measure's ``actual``
is its mean there, ``planned`` the plan's value there, and ``achieved_fraction`` the part of the
planned change that happened. The achieved shift is the diverted share's.

**Demand versus effect** splits the change in patients reaching the ``from`` services a month
exactly (``F = E × q × (1 − d)``: entries, the share of entries that reach ``from`` or ``to``
services, and the ``to`` share): ``demand_change = (E1 − E0) q0 (1 − d0)`` (what demand alone
would have done), ``case_mix_change = E1 (q1 − q0)(1 − d0)`` and ``effect = −E1 q1 (d1 − d0)``
(the diversion), summing to ``F1 − F0``. A fall in admissions from falling demand is not
credited to the scheme.

**Settlement** reads who pays whom at the plan's target and at the achieved shift (clamped to
0–1), by the same rules: the risk-and-gain-share designer's proposal, summed per payer and payee:
who owes whom now, against the plan. The plan's is the planned partner set's ``risk_share``
(`netkit.find_partners` at the plan's target, run once: its scope serves the measures too); the
achieved one is designed directly on the same money (`netkit.finance.incentives` and
`netkit.finance.risk_share.design_share`, as a partner query makes it), with no partner query.
**The partnership** is recomputed on the actuals (the last 12 months, or the months since the
start if fewer, as patients a year in place of the pathways' flows) at the achieved shift, and
compared with the planned partner set: seats to add and seats to release, with why.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit._progress import stage
from netkit._strings import plain_strings
from netkit.delivery.actuals import (
    month_index,
    month_indices,
    month_label,
    read_actuals,
)
from netkit.delivery.result import Measure, TrackResult
from netkit.delivery.spc import MIN_BASELINE, xmr
from netkit.errors import OpportunityError, OptionError
from netkit.finance.risk_share import design_share
from netkit.model.schema import HOME
from netkit.model.selectors import select_services
from netkit.model.system import System
from netkit.partners.find import find_partners, money_at
from netkit.partners.scope import find_scope

__all__ = ["track", "plan_of", "planned_fraction", "HOSPITAL", "WINDOW"]

#: Service categories counted as hospital in the balance of care.
HOSPITAL = ("urgent_emergency", "acute_inpatient", "acute_outpatient")
#: Rates are per this many of the population (the care shift tracker's unit).
PER = 100_000
#: The latest months that "actual" means.
WINDOW = 3
PLAN_EXAMPLE = ("plan: {baseline: [2024-04, 2025-03], start: 2025-04, target: 0.2, months: 12}")


def plan_of(opportunity) -> dict:
    """The opportunity's plan, checked: ``baseline`` (two month indices), ``start``,
    ``target``, ``months`` and ``ramp`` (months, 0 for none).

    Examples
    --------
    >>> from netkit.model.opportunity import Opportunity, Shift
    >>> opp = Opportunity("o", shift=Shift(("A",), ("B",), 0.2),
    ...                   extra={"plan": {"baseline": ["2024-01", "2024-12"], "start": "2025-01",
    ...                                   "months": 12}})
    >>> p = plan_of(opp)
    >>> month_label(p["start"]), p["target"], p["ramp"]
    ('2025-01', 0.2, 0.0)
    """
    shift = opportunity.shift
    raw = getattr(opportunity, "plan", None) or opportunity.extra.get("plan")
    where = f"opportunity {opportunity.id!r}"
    if shift is None:
        raise OpportunityError(f"{where} has no shift, so there is nothing to track; give it a "
                               "shift (from, to, fraction) and a plan")
    if not raw:
        raise OpportunityError(f"{where} has no plan; add one to its entry in "
                               f"opportunities.yaml, e.g. {PLAN_EXAMPLE}")
    try:
        first, last = (month_index(str(m)) for m in raw["baseline"])
        start = month_index(str(raw["start"]))
        target = float(shift.fraction if raw.get("target") is None else raw["target"])
        months = int(12 if raw.get("months") is None else raw["months"])
    except (KeyError, TypeError, ValueError):
        raise OpportunityError(f"{where}: its plan {raw!r} should read {PLAN_EXAMPLE}") from None
    if not (first <= last < start) or not 0 < target <= 1 or months < 1:
        raise OpportunityError(f"{where}: its plan needs a baseline that ends before the start, "
                               f"a target above 0 and at most 1, and months ≥ 1; e.g. "
                               f"{PLAN_EXAMPLE}")
    ramp = getattr(shift, "ramp_months", None) or 0.0
    return {"baseline": (first, last), "start": start, "target": target, "months": months,
            "ramp": float(ramp)}


def planned_fraction(months: np.ndarray, plan: dict) -> np.ndarray:
    """The planned fraction in each month (month indices).

    Examples
    --------
    >>> plan = {"start": 10, "target": 0.2, "ramp": 4.0}
    >>> planned_fraction(np.arange(8, 16), plan).round(3).tolist()
    [0.0, 0.0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2]
    """
    k = np.asarray(months, dtype=float) - plan["start"] + 1
    ramp = plan["ramp"]
    share = np.clip(k / ramp, 0, 1) if ramp > 0 else (k >= 1).astype(float)
    return np.where(k >= 1, plan["target"] * share, 0.0)


def _population(system: System, scope, places: list[str]) -> tuple[dict, str | None]:
    """Population per place from places.csv (the pathway's denominator column, else
    ``population``), and who it counts in words ("aged 65 and over"); empty where none is
    given."""
    table = getattr(system, "places", None)
    if table is None or len(table) == 0:
        return {}, None
    from netkit.diagnosis.populations import denominator_words

    column, named = "population", False
    pathways = system.pathways
    if "denominator" in pathways:
        given = pathways.loc[pathways["id"].isin(scope.pathways), "denominator"].dropna()
        given = given[given.astype(str) != ""]
        if len(given) and given.iloc[0] in table:
            column, named = str(given.iloc[0]), True
    if column not in table:
        return {}, None
    given = table.set_index("place")[column].dropna()
    pop = {p: float(given[p]) for p in places if p in given.index}
    words = denominator_words(column, named)
    return (pop, words) if len(pop) == len(places) and places else ({}, None)


#: What `_monthly` sums: patients reaching the from and to services, entering the pathway,
#: reaching any service, and reaching one outside hospital.
FLAGS = ("from", "to", "entry", "reached", "community")


def _weighted(a: pd.DataFrame) -> pd.DataFrame:
    """Each row's patients under each of `FLAGS` (0 where the flag is off), made once for
    every sum below."""
    values = (a["patients"].to_numpy(dtype="float64")[:, None]
              * a[[f"_{f}" for f in FLAGS]].to_numpy(dtype="float64"))
    return pd.DataFrame(values, columns=list(FLAGS))


def _monthly(a: pd.DataFrame, weighted: pd.DataFrame, months: np.ndarray,
             by: str | None = None) -> pd.DataFrame:
    """The flags' patients (``weighted``, `_weighted`) summed by month (and by ``by``, e.g.
    place), every month present (0 if none): one groupby over integer month (and group) codes,
    not the text columns."""
    month = a["_month"].to_numpy()
    if by is None:
        summed = weighted.groupby(month).sum()
        summed.index.name = "_month"
        return summed.reindex(pd.Index(months, name="_month"), fill_value=0.0)
    codes, keys = pd.factorize(a[by], sort=True)
    summed = weighted.groupby([codes, month]).sum()
    full = pd.MultiIndex.from_product([np.arange(len(keys)), months])
    summed = summed.reindex(full, fill_value=0.0)
    summed.index = pd.MultiIndex.from_product([keys, months], names=[by, "_month"])
    return summed


def _shares(m: pd.DataFrame) -> pd.DataFrame:
    """``d`` (to share of from + to) and ``q`` (from + to per entry), NaN where undefined."""
    both = m["from"] + m["to"]
    return pd.DataFrame({"d": (m["to"] / both.where(both > 0)),
                         "q": both / m["entry"].where(m["entry"] > 0)})


def _diverted(to, both, d0: float) -> np.ndarray:
    d = np.asarray(to, float) / np.where(np.asarray(both, float) > 0, both, np.nan)
    return (d - d0) / (1 - d0) if d0 < 1 else np.full_like(d, np.nan)


def _split(base: pd.DataFrame, recent: pd.DataFrame, scale: float) -> dict:
    """Demand, case mix and effect on patients reaching the from services a month (exact)."""
    b, r = base.sum(), recent.sum()
    n0, n1 = len(base), len(recent)
    e0, e1 = b["entry"] / n0 * scale, r["entry"] / n1 * scale
    q0 = (b["from"] + b["to"]) / b["entry"] if b["entry"] else 0.0
    q1 = (r["from"] + r["to"]) / r["entry"] if r["entry"] else 0.0
    d0 = b["to"] / (b["from"] + b["to"]) if b["from"] + b["to"] else 0.0
    d1 = r["to"] / (r["from"] + r["to"]) if r["from"] + r["to"] else 0.0
    demand = (e1 - e0) * q0 * (1 - d0)
    mix = e1 * (q1 - q0) * (1 - d0)
    effect = -e1 * q1 * (d1 - d0)
    return {"entries_before": e0, "entries_after": e1, "from_before": b["from"] / n0 * scale,
            "from_after": r["from"] / n1 * scale, "demand_change": demand,
            "case_mix_change": mix, "effect": effect, "to_share_before": d0,
            "to_share_after": d1}


class _Values:
    """A text column as integer codes over its distinct values, so that membership is judged
    once per distinct value (a few hundred services, not hundreds of thousands of cells)."""

    def __init__(self, column: pd.Series):
        self.codes, uniques = pd.factorize(column)
        self.uniques = pd.Index(uniques)

    def isin(self, ids) -> np.ndarray:
        return np.append(self.uniques.isin(list(ids)), False)[self.codes]  # missing: False


def _member(column: pd.Series, ids) -> np.ndarray:
    """``column.isin(ids)`` as a numpy array (see `_Values`)."""
    return _Values(column).isin(ids)


def _inputs(system: System, opportunity, actuals) -> tuple:
    """The opportunity, its plan and the actuals, read and checked."""
    opp = (system.opportunity(opportunity) if isinstance(opportunity, str) else opportunity)
    plan = plan_of(opp)
    if not isinstance(actuals, pd.DataFrame) or not actuals.attrs.get("netkit_actuals"):
        actuals = read_actuals(actuals, system)
    return opp, plan, actuals


def _flagged(system: System, opp, scope, actuals: pd.DataFrame) -> pd.DataFrame:
    """The in-scope actuals with their month index and a flag per row for each of `FLAGS`."""
    services = scope.services
    from_ids = set(services.loc[select_services(services, opp.shift.from_), "id"])
    to_ids = set(services.loc[select_services(services, opp.shift.to), "id"]) - from_ids
    keep = _member(actuals["pathway"], scope.pathways)
    if opp.places:
        keep &= _member(actuals["place"], opp.places)
    a = actuals[keep]
    if a.empty:
        raise OpportunityError(f"the actuals have no rows for the pathways of {opp.id!r} "
                               f"({', '.join(scope.pathways)}); check the file is this "
                               "opportunity's")
    hospital = set(system.services.loc[system.services["category"].isin(HOSPITAL), "id"])
    target, source = _Values(a["target"]), _Values(a["source"])
    home = target.isin([HOME])
    # a patient reaches a set of services when a flow enters it from outside it (ED to an
    # acute ward is one patient reaching the hospital, not two)
    return a.assign(_month=month_indices(a["period"]),
                    _from=target.isin(from_ids) & ~source.isin(from_ids),
                    _to=target.isin(to_ids) & ~source.isin(to_ids),
                    _entry=source.isin([HOME]),
                    _reached=~home,
                    _community=~home & ~target.isin(hospital))


def _measures(total: pd.DataFrame, months, plan, scale: float, unit: str,
              recent: np.ndarray, base: np.ndarray) -> tuple[list[Measure], float]:
    """The five measures with their SPC, plan and achieved figures."""
    frac = planned_fraction(months, plan)
    b = total[base]
    f0, u0 = b["from"].mean() * scale, b["to"].mean() * scale
    d0 = b["to"].sum() / (b["from"] + b["to"]).sum() if (b["from"] + b["to"]).sum() else 0.0
    both = total["from"] + total["to"]
    series = {
        "from_patients": (total["from"] * scale, f0 * (1 - frac), "decrease", f0 * (1 - plan["target"])),
        "to_patients": (total["to"] * scale, u0 + frac * f0, "increase", u0 + plan["target"] * f0),
        "diverted_share": (pd.Series(_diverted(total["to"], both, d0), index=total.index),
                           frac, "increase", plan["target"]),
        "entries": (total["entry"] * scale, None, None, None),
        "community_balance": (total["community"] / total["reached"].where(total["reached"] > 0),
                              None, "increase", None)}
    units = {"from_patients": unit, "to_patients": unit, "diverted_share": "share",
             "entries": unit, "community_balance": "share"}
    r = total[recent]
    recent_share = _diverted([r["to"].sum()], [(r["from"] + r["to"]).sum()], d0)[0]
    out = []
    for name, (values, planned, better, target) in series.items():
        values = pd.Series(np.asarray(values, float), index=[month_label(m) for m in months])
        spc = _spc(values, base, better, target)
        actual = (recent_share if name == "diverted_share" else float(values[recent].mean()))
        baseline = float(values[base].mean())
        plan_now = None if planned is None else float(np.asarray(planned)[recent].mean())
        moved = None if plan_now is None else plan_now - baseline
        fraction = (None if moved is None or abs(moved) < 1e-12 or name == "entries"
                    else (actual - baseline) / moved)
        out.append(Measure(name, units[name], better, values, None if planned is None else
                           pd.Series(np.asarray(planned, float), index=values.index),
                           baseline, plan_now, actual, fraction, target, spc))
    return out, float(recent_share)


def _spc(values: pd.Series, base: np.ndarray, better, target):
    """The XmR chart from the baseline (trial limits if it is shorter than 12 months)."""
    start, stop = int(np.flatnonzero(base)[0]), int(np.flatnonzero(base)[-1]) + 1
    clean = values.fillna(values[base].mean()) if values.isna().any() else values
    return xmr(clean, baseline=slice(start, stop), improvement=better, target=target,
               min_baseline=min(MIN_BASELINE, max(stop - start, 2)))


def _by_place(a, weighted, months, plan, base, recent, pop) -> pd.DataFrame:
    """The achieved shift and the change in entries per place (every place at once)."""
    m = _monthly(a, weighted, months, by="place")
    places = m.index.levels[0]
    cube = m.to_numpy().reshape(len(places), len(months), len(FLAGS))
    b, r = cube[:, base, :].sum(axis=1), cube[:, recent, :].sum(axis=1)
    col = {f: i for i, f in enumerate(FLAGS)}
    b_both = b[:, col["from"]] + b[:, col["to"]]
    r_both = r[:, col["from"]] + r[:, col["to"]]
    d0 = np.divide(b[:, col["to"]], b_both, out=np.zeros(len(places)), where=b_both != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = r[:, col["to"]] / np.where(r_both > 0, r_both, np.nan)
        share = np.where(d0 < 1, (d - d0) / (1 - d0), np.nan)
    frac = float(planned_fraction(months, plan)[recent].mean())
    scale = np.array([PER / pop[p] if p in pop else 1.0 for p in places])
    return pd.DataFrame({
        "place": [p or "(none)" for p in places],
        "population": [pop.get(p) for p in places],
        "baseline_to_share": d0, "achieved": share, "planned": frac,
        "achieved_fraction": [x / frac if frac else None for x in share],
        "entries_before": b[:, col["entry"]] / int(base.sum()) * scale,
        "entries_after": r[:, col["entry"]] / int(recent.sum()) * scale})


def _by_partner(a, scope, months, plan, base, recent, t) -> pd.DataFrame:
    """Per partner (the candidate standing for each provider): the planned and the achieved
    change in patients a month at its from and to services, demand held at the actuals'
    (``t``: the monthly totals)."""
    moved = a[["target", "patients", "_from", "_month"]][a["_from"].to_numpy()
                                                         | a["_to"].to_numpy()]
    # the partner of each distinct target service, then one groupby over integer codes
    targets, distinct = pd.factorize(moved["target"])
    candidate = scope.services.set_index("id")["candidate"].reindex(distinct)
    codes, partners = pd.factorize(candidate, sort=True)
    partner = np.append(codes, -1)[targets]
    role = np.where(moved["_from"].to_numpy(), 0, 1)
    kept = partner >= 0
    per = (moved["patients"][kept].groupby([partner[kept], role[kept],
                                            moved["_month"].to_numpy()[kept]]).sum()
           .unstack(fill_value=0.0))
    per.index = pd.MultiIndex.from_arrays(
        [partners.take(per.index.get_level_values(0)),
         np.array(["from", "to"], dtype=object)[per.index.get_level_values(1)]],
        names=["partner", "role"])
    per = per.reindex(columns=months, fill_value=0.0)
    demand = (t[recent]["entry"].mean() / t[base]["entry"].mean()) if t[base]["entry"].mean() else 1.0
    frac = float(planned_fraction(months, plan)[recent].mean())
    before = per.loc[:, base].mean(axis=1)
    after = per.loc[:, recent].mean(axis=1)
    expected = before * demand
    total_from = t[base]["from"].mean() * demand
    total_to = before.xs("to", level="role").sum() if "to" in before.index.get_level_values("role") else 0.0
    role = before.index.get_level_values("role")
    to_share = np.where(total_to > 0, before / (total_to or 1.0), 0.0)
    planned = np.where(role == "from", -frac * expected, frac * total_from * to_share)
    frame = pd.DataFrame({"baseline": before, "expected": expected, "actual": after,
                          "planned_change": planned, "actual_change": after - expected})
    frame["achieved_fraction"] = frame["actual_change"] / frame["planned_change"].where(
        frame["planned_change"].abs() > 1e-9)
    return frame.reset_index().sort_values(["role", "partner"], kind="mergesort").reset_index(drop=True)


def _transfers(design) -> pd.DataFrame:
    """Who pays whom under a risk-and-gain-share design (``PartnerSet.risk_share``, or
    `netkit.finance.risk_share.design_share` called directly): every rule's transfers summed
    per payer and payee, to the penny."""
    pairs = design.by_pair()
    return pairs.assign(amount=pairs["amount"].round(2)) if len(pairs) else pairs


def _design_at(system: System, opp, scope, basis=None):
    """The risk-and-gain-share design at ``opp``'s shift, as `find_partners` makes it (its
    money, `netkit.partners.find.money_at`, and the designer's rules) without the rest of a
    partner query: settlement needs the money, not the partners. ``basis``: the plan's money
    at a fraction of 1 (`netkit.finance.incentives.MoneyBasis`), the same patients and prices
    at another fraction. No Monte Carlo: the transfers are worked out on the central figures,
    and the ranges the draws give are not part of a settlement."""
    return design_share(money_at(system, opp, scope, draws=0, basis=basis), system, opp)


def _settle(system, opp, achieved, at_plan) -> tuple:
    """Who owes whom at the achieved shift against the plan: the plan's design is the partner
    set's (``at_plan``); the achieved one is designed on the same scope, no partner query."""
    notes = []
    used = min(max(achieved, 0.0), 1.0) if np.isfinite(achieved) else 0.0
    if used != achieved:
        notes.append(f"the achieved shift ({achieved:.1%}) is outside 0–100%; money is settled "
                     f"at {used:.0%}")
    planned = _transfers(at_plan.risk_share)
    # the plan met exactly: the same shift, the same design
    now = (planned.copy() if used == at_plan.opportunity.shift.fraction
           else _transfers(_design_at(system, _at(opp, used), at_plan.scope,
                                      at_plan.incentives.basis)))
    both = planned.merge(now, on=["payer", "payee"], how="outer", suffixes=("_plan", ""))
    both = both.fillna({"amount": 0.0, "amount_plan": 0.0})
    both["difference"] = (both["amount"] - both["amount_plan"]).round(2)  # to the penny
    both = both.sort_values(["amount", "payer", "payee"], ascending=[False, True, True],
                            kind="mergesort").reset_index(drop=True)
    return both[["payer", "payee", "amount", "amount_plan", "difference"]], notes


def _at(opp, fraction: float):
    """The opportunity with its shift's fraction set to ``fraction``."""
    return replace(opp, shift=replace(opp.shift, fraction=fraction))


def _actual_system(system: System, scope, a: pd.DataFrame, months: np.ndarray,
                   start: int) -> System:
    """The system with the opportunity's pathways' flows replaced by the actuals' latest year
    (or the months since the start, if fewer), as patients a year."""
    recent = months[-12:] if len(months[months >= start]) >= 12 else months[months >= start]
    columns = ["pathway", "source", "target", "place", "patients"]
    last = a[columns][np.isin(a["_month"].to_numpy(), recent)]  # only the columns it needs
    flows = (last.groupby(columns[:-1], sort=True)["patients"].sum()
             * (12 / len(recent))).reset_index()
    flows["place"] = flows["place"].replace("", np.nan)
    kept = system.flows[~isin(system.flows["pathway"], scope.pathways)]
    tables = {**system.tables(), "flows": pd.concat([kept, flows], ignore_index=True)}
    return System(tables, system.meta, system.opportunities.values(), system.source,
                  given_columns=system.given_columns)


def _partnership(system, scope, a, months, plan, opp_now, at_plan) -> dict:
    """The partner set recomputed on the actuals, against the planned one."""
    actual_system = _actual_system(system, scope, a, months, plan["start"])
    now = find_partners(actual_system, opp_now, incumbents=at_plan.core, explain=False,
                        draws=0)  # tiers and transfers: the central figures
    before = at_plan.partners.set_index("id")
    after = now.partners.set_index("id")
    names = {**before["name"].to_dict(), **after["name"].to_dict()}

    def why(org, verb):
        b = before["score"].get(org)
        n = after["score"].get(org)
        told = (f"its score moved from {b:.3f} to {n:.3f}" if b is not None and n is not None
                else "it is new to the scope" if b is None else "it has left the scope")
        return {"id": org, "name": names.get(org, org), "why": f"{verb}: {told} on the actuals"}

    planned, found = at_plan.core, now.core  # each worked out from its table: once
    add = [why(o, "its part in the pathway as delivered earns a seat")
           for o in found if o not in planned]
    release = [why(o, "its part in the pathway as delivered no longer pays for its seat")
               for o in planned if o not in found]
    return {"core_plan": list(planned), "core_now": list(found), "add": add,
            "release": release, "still_right": not add and not release, "partner_set": now}


@plain_strings
def track(system: System, opportunity, actuals, *, window: int = WINDOW,
          partners: bool = True) -> TrackResult:
    """Follow an opportunity's plan on monthly actuals (see the module's docstring).

    Parameters
    ----------
    system : System
    opportunity : str or Opportunity
        With a ``shift`` and a ``plan``.
    actuals : path, or DataFrame
        Flows by month (`netkit.delivery.actuals.read_actuals` reads and checks them).
    window : int
        The latest months that "actual" means (3).
    partners : bool
        Settle the gain-share and recompute the partner set (False: the measures alone).

    Returns
    -------
    TrackResult

    Raises
    ------
    InputError
        Bad actuals (each problem with its file, row, column and value).
    OpportunityError
        No shift, no plan, or no actuals for the opportunity's pathways.
    OptionError
        A window of less than 1 month, or actuals that do not cover the baseline and at least
        ``window`` months from the start.

    Examples
    --------
    >>> import netkit
    >>> system = netkit.load_system(netkit.sample_path("riverside"))
    >>> result = track(system, "frailty-admissions",
    ...                netkit.sample_path("riverside") / "actuals" / "frailty-monthly.csv")
    >>> [m.name for m in result.measures]
    ['from_patients', 'to_patients', 'diverted_share', 'entries', 'community_balance']
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise OptionError(f"window={window!r}: give a whole number of months, at least 1")
    stage("reading the actuals")
    opp, plan, actuals = _inputs(system, opportunity, actuals)
    at_plan, failed = None, None
    if partners:  # the planned partner set: its scope and its money serve everything below
        stage("the partner set at the plan")
        try:
            at_plan = find_partners(system, _at(opp, plan["target"]), explain=False, draws=0)
        except OpportunityError as error:  # said after the actuals' own problems, as before
            failed = error
    scope = at_plan.scope if at_plan is not None else find_scope(system, opp)
    a = _flagged(system, opp, scope, actuals)
    months = np.arange(a["_month"].min(), a["_month"].max() + 1)
    first, last = plan["baseline"]
    if months[0] > first or months[-1] < plan["start"] + window - 1:
        raise OptionError(
            f"the actuals run {month_label(months[0])} to {month_label(months[-1])}; the plan "
            f"needs the baseline ({month_label(first)} to {month_label(last)}) and at least "
            f"{window} month{'s' if window != 1 else ''} from its start "
            f"({month_label(plan['start'])})")
    if failed is not None:
        raise failed
    base = (months >= first) & (months <= last)
    recent = np.zeros(len(months), bool)
    recent[-window:] = True
    places = sorted(set(pd.unique(a["place"])))
    pop, words = _population(system, scope, places)
    scale = PER / sum(pop.values()) if pop else 1.0
    unit = f"patients per {PER:,} {words} a month" if pop else "patients a month"
    stage("measures and control limits")
    weighted = _weighted(a)
    total = _monthly(a, weighted, months)
    measures, achieved = _measures(total, months, plan, scale, unit, recent, base)
    split = _split(total[base], total[recent], scale)
    notes = [] if base.sum() >= MIN_BASELINE else [
        f"the baseline has {int(base.sum())} months; the process limits are trial limits "
        f"until it has {MIN_BASELINE}"]
    settlement = pd.DataFrame(columns=["payer", "payee", "amount", "amount_plan", "difference"])
    partnership = None
    if partners:
        stage("settling the gain-share on the actuals")
        settlement, more = _settle(system, opp, achieved, at_plan)
        notes += more
        stage("recomputing the partnership on the actuals")
        used = _at(opp, min(max(achieved, 0.0), 1.0))
        partnership = _partnership(system, scope, a, months, plan, used, at_plan)
    return TrackResult(
        opportunity=opp, system_name=system.name, plan=plan, unit=unit,
        periods=tuple(month_label(m) for m in months), window=window, measures=tuple(measures),
        achieved=achieved, demand=split,
        by_place=_by_place(a, weighted, months, plan, base, recent, pop),
        by_partner=_by_partner(a, scope, months, plan, base, recent, total),
        settlement=settlement, partnership=partnership, names=system.organisation_names(),
        notes=tuple(notes))
