"""Statutory duties an opportunity touches: a council is at least ``involve`` where they are.

* **Care Act 2014** (adult social care): a council whose social care is in scope: it provides
  an in-scope ``social_care`` or ``care_home`` service, commissions a provider of one, or its
  residents (the ``council`` of their place in ``places.csv``, else the council whose own place
  it is) reach one.
* **Mental Health Act 1983** (Approved Mental Health Professionals): a council whose AMHP
  service is in scope (a service whose id or name says AMHP or approved mental health
  professional), or whose residents reach another provider's AMHP service.

A council with a duty is at least ``involve`` whatever its score, and its reason names the duty;
a council with no flows in scope whose residents' social care is in scope is brought into the
scope for that reason.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit.model.system import System, kept
from netkit.partners.reasons import join_words
from netkit.partners.residents import (SOCIAL_CARE, _shares_codes, _shares_frame,
                                       resident_shares)
from netkit.render.formats import fmt_number

__all__ = ["duty_councils", "duty_parts", "duty_reason", "AMHP_PATTERN"]

#: What marks a service as an Approved Mental Health Professional service.
AMHP_PATTERN = re.compile(r"\bAMHP|approved mental health professional|mental health act",
                          re.IGNORECASE)


def _councils_of_places(system: System) -> dict:
    """Place → its council: ``places.csv`` ``council``, else the local authority whose place
    it is (where exactly one is)."""
    orgs = system.organisations
    las = orgs[orgs["type"] == "local_authority"].dropna(subset=["place"])
    single = las.groupby("place")["id"].agg(list)
    out = {p: ids[0] for p, ids in single.items() if len(ids) == 1}
    places = getattr(system, "places", None)
    if places is not None and len(places) and "council" in places:
        out.update({p: c for p, c in zip(places["place"], places["council"]) if isinstance(c, str)})
    return out


def _residents_reaching(system: System, flows: pd.DataFrame, services: set,
                        codes=None) -> dict:
    """Council → patients a year of its residents entering ``services`` from outside them: a
    patient moving on from one of them to another (discharge social work to reablement to home
    care) is one person entering, not one per service. ``codes``: the flows' codes
    (`netkit.partners.coded.FlowCodes`), where known."""
    if codes is None:
        into = flows[flows["target"].isin(services) & ~flows["source"].isin(services)]
        if into.empty:
            return {}
        shares = resident_shares(system, into)
    else:
        at = codes.mask(services)
        chosen = at[codes.target] & ~at[codes.source]
        into = flows[chosen]
        if into.empty:
            return {}
        row, place, share, places, _ = _shares_codes(system, into, codes.subset(chosen))
        shares = _shares_frame(into.index, row, places, place, share)
    shares["patients"] = shares["share"] * into.loc[shares["row"], "patients"].to_numpy()
    council = shares["place"].map(kept(system, ("partners", "councils of places"),
                                       _councils_of_places))
    return shares.groupby(council)["patients"].sum().to_dict()


def duty_councils(system: System, flows: pd.DataFrame, services: pd.DataFrame) -> dict[str, str]:
    """Council id → the reason naming the statutory duty the scope touches (`duty_reason` of
    `duty_parts`).

    Parameters
    ----------
    system : System
    flows : DataFrame
        The in-scope flows.
    services : DataFrame
        The in-scope services (``id, name, provider, category, activity``).

    Examples
    --------
    >>> import netkit
    >>> from netkit.partners.scope import find_scope
    >>> riverside = netkit.load_system(netkit.sample_path("riverside"))
    >>> scope = find_scope(riverside, riverside.opportunity("stroke-early-discharge"))
    >>> print(duty_councils(riverside, scope.flows, scope.services)["LA-SOUTH"])
    ... # doctest: +NORMALIZE_WHITESPACE
    its Care Act duties (adult social care) are touched: it provides 120 contacts a year at
    Hospital discharge social work (Southmere) and Reablement (Southmere); it commissions
    Bright & Able Care's Home care; 80 of its residents a year enter adult social care in scope
    (each counted once, as they enter it, not again at each service they move on to)
    """
    return {council: duty_reason(parts)
            for council, parts in duty_parts(system, flows, services).items()}


def duty_reason(parts: dict, count=fmt_number) -> str:
    """A council's duty reason in words from its `duty_parts`, each patient count written by
    ``count`` (a disclosure rule pack's ``count`` where one is active).

    Examples
    --------
    >>> parts = {"contacts": 1234.0, "own": "Reablement", "commissions": None,
    ...          "residents": 7.0, "mental_health": None}
    >>> duty_reason(parts)  # doctest: +NORMALIZE_WHITESPACE
    'its Care Act duties (adult social care) are touched: it provides 1,234 contacts a year at
    Reablement; 7 of its residents a year enter adult social care in scope (each counted once,
    as they enter it, not again at each service they move on to)'
    >>> duty_reason(parts, count=lambda n: "*" if n < 10 else f"{round(n, -1):,.0f}")[53:]
    ... # doctest: +NORMALIZE_WHITESPACE
    'it provides 1,230 contacts a year at Reablement; * of its residents a year enter adult
    social care in scope (each counted once, as they enter it, not again at each service they
    move on to)'
    """
    said = []
    if parts["own"] is not None:
        said.append(f"it provides {count(parts['contacts'])} contacts a year at {parts['own']}")
    if parts["commissions"] is not None:
        said.append(f"it commissions {parts['commissions']}")
    if parts["residents"] is not None:
        said.append(f"{count(parts['residents'])} of its residents a year enter adult social "
                    "care in scope (each counted once, as they enter it, not again at each "
                    "service they move on to)")
    care = ("its Care Act duties (adult social care) are touched: " + "; ".join(said)
            if said else None)
    mental_health = parts["mental_health"]
    return "; ".join(line for line in (care, mental_health) if line is not None)


def duty_parts(system: System, flows: pd.DataFrame, services: pd.DataFrame) -> dict[str, dict]:
    """Council id → what its duty reason says (`duty_reason` writes it): ``contacts`` a year
    at its own in-scope social care and ``own`` (those services, in words; None where it
    provides none), ``commissions`` (the social care it buys, in words, or None),
    ``residents`` (its residents entering social care in scope a year, or None) and
    ``mental_health`` (the Mental Health Act line, or None). Arguments as `duty_councils`."""
    return _duty_parts(system, flows, services)


def _duty_parts(system: System, flows: pd.DataFrame, services: pd.DataFrame,
                codes=None) -> dict[str, dict]:
    """`duty_parts`; ``codes`` as `_residents_reaching` takes them."""
    names = system.organisation_lookup("name")  # read only: no copy
    # the councils and what they commission, kept per system: masks over every organisation
    # and relationship a query took a tenth of this
    councils, commissions = kept(system, ("partners", "councils' commissions"),
                                 _council_commissions)
    out: dict = {}
    social = services[services["category"].isin(SOCIAL_CARE)]
    commissions = commissions[commissions["target"].isin(set(social["provider"]))]
    residents = _residents_reaching(system, flows, set(social["id"]), codes)
    buys = commissions.groupby("source")["target"].agg(set).to_dict()
    # only the councils with something to say: two masks for every council in England took 8 s
    concerned = councils & (set(social["provider"].tolist()) | set(buys) | set(residents))
    rows_of: dict = {}  # provider → its social care services' positions, in table order
    providers = social["provider"].tolist()
    for i, provider in enumerate(providers):
        rows_of.setdefault(provider, []).append(i)
    # plain lists per council (a frame per council took 0.45 s for England's 177 councils)
    labels, activity = social["name"].tolist(), social["activity"].to_numpy(dtype=float)
    for council in sorted(concerned):
        own = rows_of.get(council, [])
        bought = sorted(i for p in buys.get(council, ()) for i in rows_of.get(p, []))
        parts = {  # summed as pandas sums a column: missing values as 0, numpy's order
            "contacts": float(np.nansum(activity[own])) if own else None,
            "own": _listed([labels[i] for i in own]) if own else None,
            "commissions": _by_provider(bought, providers, labels, names) if bought else None,
            "residents": residents[council] if residents.get(council, 0) > 0 else None,
            "mental_health": None}
        if own or bought or parts["residents"] is not None:
            out[council] = parts
    amhp = services[isin(services["id"], kept(system, ("partners", "AMHP services"), _amhp))]
    if len(amhp):
        reached = _residents_reaching(system, flows, set(amhp["id"]), codes)
        for council in sorted(councils & (set(amhp["provider"]) | set(reached))):
            out.setdefault(council, {"contacts": None, "own": None, "commissions": None,
                                     "residents": None})["mental_health"] = (
                "its Mental Health Act duties (Approved Mental Health Professionals) are "
                f"touched: {_names(amhp)} is in scope")
    return out


def _council_commissions(system: System) -> tuple[set, pd.DataFrame]:
    """The system's councils (ids), and the ``commissions`` relationships from them."""
    orgs = system.organisations
    councils = set(orgs.loc[orgs["type"] == "local_authority", "id"])
    rels = system.relationships
    return councils, rels[(rels["type"] == "commissions") & rels["source"].isin(councils)]


def _amhp(system: System) -> set:
    """The system's Approved Mental Health Professional services, by id or name (looked for
    once per system: the pattern over every in-scope service took 0.1 s a national query)."""
    services = system.services
    marked = (services["id"].astype(str).str.contains(AMHP_PATTERN, na=False)
              | services["name"].astype(str).str.contains(AMHP_PATTERN, na=False))
    return set(services.loc[marked.to_numpy(), "id"].tolist())


def _names(services: pd.DataFrame, names: dict | None = None) -> str:
    """``Reablement (Riverton) and Home care``; with ``names``, each service is given as its
    provider's (``The Oaks Care Home's Residential care``)."""
    if names is None:
        labels = services["name"]
    else:
        labels = services["provider"].map(lambda p: f"{names.get(p, p)}'s ") + services["name"]
    return _listed(labels.tolist())


def _by_provider(rows: list, providers: list, labels: list, names) -> str:
    """The services at ``rows`` in words, each provider named once with its services
    (``Meadowbank House's Residential and nursing care and Residential care``), up to three
    providers (`_listed`).

    Examples
    --------
    >>> _by_provider([0, 1, 2], ["CH", "CH", "HC"], ["Nursing care", "Residential care",
    ...              "Home care"], {"CH": "Meadowbank House", "HC": "Bright & Able Care"})
    "Meadowbank House's Nursing care and Residential care and Bright & Able Care's Home care"
    """
    theirs: dict = {}
    for i in rows:
        services = theirs.setdefault(providers[i], [])
        if labels[i] not in services:
            services.append(labels[i])
    return _listed([f"{names.get(p, p)}'s " + (", ".join(ls[:-1]) + " and " + ls[-1]
                                                 if len(ls) > 1 else ls[0])
                    for p, ls in theirs.items()])


def _listed(labels: list) -> str:
    """Up to three labels in words, each once, then how many more.

    Examples
    --------
    >>> _listed(["Reablement", "Home care", "Reablement", "Day care", "Meals"])
    'Reablement, Home care, Day care and 1 more'
    """
    labels = list(dict.fromkeys(labels))
    return join_words(labels[:3] + ([f"{len(labels) - 3} more"] if len(labels) > 3 else []))


def duty_candidates(scope) -> set:
    """The candidates standing for a council whose statutory duties the scope touches."""
    return {scope.candidate_of.get(c, c) for c in scope.duties}


def scope_reasons(scope, names, system_orgs=None, disclosure=None, *,
                  system=None) -> dict[str, list[str]]:
    """Candidate → reason lines the scope gives it: what its seat is
    (`netkit.partners.seats.seat_lines`), the statutory duty it touches (its patient counts
    as active ``disclosure`` rules release them), and, for an organisation the opportunity
    includes with no flows in scope, that the analyst included it. ``system_orgs`` and
    ``system`` as `netkit.partners.seats.seat_lines` takes them."""
    from netkit.partners.seats import seat_lines

    out: dict = {c: list(lines) for c, lines in seat_lines(scope, names, system_orgs,
                                                           system=system).items()}
    released = disclosure is not None and disclosure.active
    for council, reason in scope.duties.items():
        parts = scope.duty_parts.get(council) if released else None
        out.setdefault(scope.candidate_of.get(council, council), []).append(
            reason if parts is None else duty_reason(parts, count=disclosure.count))
    for org in scope.included:
        line = "included by the analyst (no patient flows in scope)"
        candidate = scope.candidate_of.get(org, org)
        if candidate != org:
            line = f"included by the analyst: {names.get(org, org)} ({org}) has no patient " \
                   "flows in scope"
        out.setdefault(candidate, []).insert(0, line)
    return out
