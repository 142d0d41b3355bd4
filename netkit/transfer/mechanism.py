"""The mechanism being copied, carried from the source system to the target.

An intervention is more than its pathways: it moves patients from some services to others
(the shift), seats some organisations (include), leaves some out (exclude), deliberately moves
activity away from some providers (decommission), and relies on money moving under each
provider's contracts. `map_mechanism` carries each of these onto the target:

* **services** by counterpart: a service of the same category, preferring the same id, then a
  provider of the same kind (`netkit.transfer.kinds`), then the closest name, then the most
  in-scope activity; "no counterpart" where the target has no service of that category;
* **organisations** by counterpart: the same id if it is of the same kind, else the partner
  matched by `netkit.transfer.roles`, else the organisation of the same kind with the closest
  name;
* the result is the opportunity as it would be written for the target.

`compare_incentives` then computes the money in both systems, each under its own payment bases,
and lines up each organisation with its counterpart: where the direction differs ("the acute
trust loses under activity payment in the source, gains under block in the target"), that is a
named risk.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

import pandas as pd

from netkit._frames import isin
from netkit.model.opportunity import Opportunity
from netkit.model.selectors import SERVICE_KINDS, parse_selector
from netkit.model.system import System
from netkit.transfer.kinds import kind_of, type_words

__all__ = ["map_services", "map_organisations", "map_mechanism", "compare_incentives",
           "payment_basis", "payment_bases", "UNAFFECTED"]

#: £ a year below which an organisation's position is "unaffected" (rounding noise).
UNAFFECTED = 1.0


def _name_likeness(a: str, names: pd.Series) -> pd.Series:
    return names.map(lambda b: difflib.SequenceMatcher(None, str(a), str(b)).ratio())


def map_services(source: System, target: System, selectors, activity: pd.Series | None = None,
                 every: bool = False) -> pd.DataFrame:
    """Each of the source's service selectors (ids or ``category:NAME``) with its counterpart
    in the target.

    With ``every``, a service's counterpart is every target service of its category whose
    provider is of the same kind (the emergency departments of all the target's acute trusts,
    where the source has one): what a shift takes patients *from* is all such work. Otherwise
    it is the one closest service (the same id, else a provider of the same kind, else the
    closest name, else the most in-scope activity).

    Returns
    -------
    DataFrame
        ``source, category, counterpart, why``: ``counterpart`` is the target's service ids
        (``;``-separated with ``every``), or the category selector unchanged; empty where there
        is none.

    Examples
    --------
    >>> import netkit
    >>> r = netkit.load_system(netkit.sample_path("riverside"))
    >>> s = netkit.load_system(netkit.sample_path("shire"))
    >>> map_services(r, s, ["ED-RIV", "category:acute_inpatient", "UCR-COM"])[
    ...     ["source", "counterpart"]].values.tolist()
    [['ED-RIV', 'ED-SHI'], ['category:acute_inpatient', 'category:acute_inpatient'], ['UCR-COM', 'UCR-COM']]
    """
    src_services = source.services.set_index("id")
    tgt = target.services
    kinds = target.organisation_lookup("type")
    src_kinds = source.organisation_lookup("type")
    activity = activity if activity is not None else pd.Series(dtype=float)
    rows = []
    for selector in selectors:
        parsed = parse_selector(selector, SERVICE_KINDS)
        if parsed.kind == "category":
            there = (tgt["category"] == parsed.value).any()
            rows.append({"source": selector, "category": parsed.value,
                         "counterpart": selector if there else "",
                         "why": "" if there else f"no {parsed.value} service in the target"})
            continue
        row = src_services.loc[selector]
        pool = tgt[tgt["category"] == row["category"]]
        on_pathways = isin(pool["id"], activity.index.tolist()) if len(activity) else None
        if on_pathways is not None and on_pathways.any():
            pool = pool[on_pathways]  # on the opportunity's pathways
        if pool.empty:
            rows.append({"source": selector, "category": row["category"], "counterpart": "",
                         "why": f"{target.name} has no {row['category'].replace('_', ' ')} "
                                "service"})
            continue
        kind = kind_of(src_kinds.get(row["provider"]))
        same_kind = pool["provider"].map(lambda p: kind_of(kinds.get(p)) == kind)
        if every and same_kind.any():
            found = ";".join(sorted(pool.loc[same_kind, "id"]))
        else:
            rank = pd.DataFrame({
                "same_id": (pool["id"] == selector).astype(int),
                "same_kind": same_kind.astype(int),
                "name": _name_likeness(row["name"], pool["name"]),
                "activity": pool["id"].map(activity).fillna(0.0),
                "id": pool["id"]})
            found = rank.sort_values(["same_id", "same_kind", "name", "activity", "id"],
                                     ascending=[False, False, False, False, True]).iloc[0]["id"]
        rows.append({"source": selector, "category": row["category"], "counterpart": found,
                     "why": ""})
    return pd.DataFrame(rows, columns=["source", "category", "counterpart", "why"])


def map_organisations(source: System, target: System, ids, matched: dict | None = None
                      ) -> pd.DataFrame:
    """Each of the source's organisations with its counterpart in the target: the same id if
    it is of the same kind, else the counterpart found by roles (``matched``), else the
    organisation of the same kind with the closest name; none where the target has no
    organisation of that kind.

    Returns
    -------
    DataFrame
        ``source, type, counterpart, why``.
    """
    matched = matched or {}
    src_type, tgt_type = source.organisation_lookup("type"), target.organisation_lookup("type")
    names = source.organisation_names()
    orgs = target.organisations
    rows = []
    for org in ids:
        kind = kind_of(src_type.get(org))
        if org in tgt_type and kind_of(tgt_type[org]) == kind:
            found = org
        elif matched.get(org):
            found = matched[org]
        else:
            pool = orgs[orgs["type"].map(kind_of) == kind]
            found = ""
            if len(pool):
                likeness = _name_likeness(names.get(org, org), pool["name"])
                found = pool.loc[likeness.idxmax(), "id"]
        rows.append({"source": org, "type": src_type.get(org), "counterpart": found,
                     "why": "" if found else f"{target.name} has no {kind} organisation"})
    return pd.DataFrame(rows, columns=["source", "type", "counterpart", "why"])


def map_mechanism(source: System, target: System, opportunity: Opportunity,
                  carried: Opportunity, matched: dict | None = None,
                  activity: pd.Series | None = None
                  ) -> tuple[Opportunity, pd.DataFrame, pd.DataFrame]:
    """The source's opportunity with its mechanism carried onto the target.

    Parameters
    ----------
    opportunity : Opportunity
        The source's opportunity.
    carried : Opportunity
        The opportunity's pathways as they apply in the target
        (`netkit.transfer.mapping.transferred_opportunity`).
    matched : dict, optional
        Source organisation → its counterpart found by roles.
    activity : Series, optional
        Contacts a year at each target service on the opportunity's pathways (service id →
        contacts): counterparts are sought among these first.

    Returns
    -------
    opportunity, services, organisations
        The target's opportunity (shift, include, exclude and decommission mapped, those with
        no counterpart left out), and the service and organisation mappings.
    """
    shift = opportunity.shift
    services = pd.DataFrame(columns=["source", "category", "counterpart", "why", "side"])
    if shift is not None:
        services = pd.concat([
            map_services(source, target, shift.from_, activity, every=True).assign(side="from"),
            map_services(source, target, shift.to, activity).assign(side="to")],
            ignore_index=True)
    named = list(dict.fromkeys([*opportunity.include, *opportunity.exclude,
                                *opportunity.decommission]))
    organisations = map_organisations(source, target, named, matched)
    counterpart = dict(zip(organisations["source"], organisations["counterpart"]))

    def mapped(ids):
        return tuple(dict.fromkeys(counterpart[i] for i in ids if counterpart.get(i)))

    new_shift = None
    if shift is not None:
        from_ = tuple(dict.fromkeys(
            s for found in services.loc[(services["side"] == "from")
                                        & (services["counterpart"] != ""), "counterpart"]
            for s in found.split(";")))
        to = tuple(services.loc[(services["side"] == "to") & (services["counterpart"] != ""),
                                "counterpart"])
        if from_ and to:
            new_shift = replace(shift, from_=from_, to=tuple(s for s in to if s not in from_))
    target_opp = replace(carried, shift=new_shift, include=mapped(opportunity.include),
                         exclude=mapped(opportunity.exclude),
                         decommission=mapped(opportunity.decommission),
                         evidence=opportunity.evidence, risk_share=opportunity.risk_share,
                         reach=opportunity.reach)
    return target_opp, services, organisations


def payment_basis(system: System, org: str) -> str:
    """How an organisation is paid for its commissioned work: ``activity``, ``block``,
    ``api`` (aligned payment and incentive), ``mixed`` or ``none`` (it is not commissioned).

    Examples
    --------
    >>> import netkit
    >>> payment_basis(netkit.load_system(netkit.sample_path("tiny")), "ACUTE")
    'activity'
    """
    return payment_bases(system).get(org, "none")


def payment_bases(system: System) -> dict[str, str]:
    """Every commissioned organisation's `payment_basis`, from one pass over the
    relationships (an organisation missing from it is ``none``).

    Examples
    --------
    >>> import netkit
    >>> payment_bases(netkit.load_system(netkit.sample_path("tiny")))["ACUTE"]
    'activity'
    """
    rels = system.relationships
    paid = rels.loc[(rels["type"] == "commissions").fillna(False).to_numpy(dtype=bool),
                    ["target", "payment"]]
    targets = paid["target"].to_numpy(dtype=object)
    payments = paid["payment"].astype(object).where(paid["payment"].notna(), "block").to_numpy()
    bases: dict[str, set] = {}
    for org, payment in zip(targets.tolist(), payments.tolist()):
        bases.setdefault(org, set()).add(payment)
    return {org: next(iter(found)) if len(found) == 1 else "mixed"
            for org, found in bases.items()}


def _direction(net: float) -> str:
    if net > UNAFFECTED:
        return "gains"
    if net < -UNAFFECTED:
        return "loses"
    return "is unaffected"


def _paid(basis: str) -> str:
    return {"none": "a commissioner", "mixed": "paid on several bases",
            "api": "paid by aligned payment and incentive"}.get(basis, f"paid by {basis}")


def compare_incentives(source: System, target: System, source_money, target_money,
                       counterpart_of: dict) -> pd.DataFrame:
    """Each organisation whose money moves in the source, beside its counterpart in the target.

    Parameters
    ----------
    source_money, target_money : Incentives or None
        The money under the shift in each system (`netkit.finance.incentives`).
    counterpart_of : dict
        Source organisation id → target organisation id.

    Returns
    -------
    DataFrame
        ``source_id, source_type, source_net, source_payment, source_direction, target_id,
        target_net, target_payment, target_direction, reversed, risk`` (``risk`` in words where
        the direction differs, else empty), largest source position first.
    """
    columns = ["source_id", "source_type", "source_net", "source_payment", "source_direction",
               "target_id", "target_net", "target_payment", "target_direction", "reversed",
               "risk"]
    if source_money is None:
        return pd.DataFrame(columns=columns)
    from netkit.render.formats import fmt_money

    s_net = source_money.organisations.set_index("id")["net"]
    t_net = (target_money.organisations.set_index("id")["net"] if target_money is not None
             else pd.Series(dtype=float))
    s_names, t_names = source.organisation_names(), target.organisation_names()
    s_type = source.organisation_lookup("type")
    s_bases, t_bases = payment_bases(source), payment_bases(target)
    rows = []
    for org, net in s_net.items():
        other = counterpart_of.get(org, "")
        other_net = float(t_net.get(other, 0.0)) if other else float("nan")
        s_dir = _direction(net)
        t_dir = _direction(other_net) if other else "has no counterpart"
        s_pay = s_bases.get(org, "none")
        t_pay = t_bases.get(other, "none") if other else ""
        reversed_ = bool(other) and s_dir != t_dir
        risk = ""
        if reversed_:
            risk = (f"{s_names.get(org, org)} ({type_words(s_type.get(org))}, "
                    f"{_paid(s_pay)}) {s_dir} {fmt_money(abs(net))} a year in {source.name}; "
                    f"its counterpart {t_names.get(other, other)} ({_paid(t_pay)}) {t_dir}"
                    + (f" {fmt_money(abs(other_net))} a year" if t_dir != "is unaffected" else "")
                    + f" in {target.name}: the incentive that made it work there "
                    + ("runs the other way here" if {s_dir, t_dir} == {"gains", "loses"}
                       else "is not there"))
        rows.append({"source_id": org, "source_type": s_type.get(org), "source_net": float(net),
                     "source_payment": s_pay, "source_direction": s_dir, "target_id": other,
                     "target_net": other_net, "target_payment": t_pay, "target_direction": t_dir,
                     "reversed": reversed_, "risk": risk})
    frame = pd.DataFrame(rows, columns=columns)
    frame["_size"] = frame["source_net"].abs()
    return (frame.sort_values(["_size", "source_id"], ascending=[False, True], kind="stable")
            .drop(columns="_size").reset_index(drop=True))
