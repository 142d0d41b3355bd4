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
from itertools import repeat

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
                        codes=None, service_codes: np.ndarray | None = None) -> dict:
    """Council → patients a year of its residents entering ``services`` from outside them: a
    patient moving on from one of them to another (discharge social work to reablement to home
    care) is one person entering, not one per service. ``codes``: the flows' codes
    (`netkit.partners.coded.FlowCodes`), where known; ``service_codes``: the end codes of
    ``services`` (-1 where no flow names one), where known (their ids are then not looked
    up)."""
    if codes is None:
        into = flows[flows["target"].isin(services) & ~flows["source"].isin(services)]
        if into.empty:
            return {}
        shares = resident_shares(system, into)
    else:
        if service_codes is None:
            at = codes.mask(services)
        else:
            at = np.zeros(len(codes.tables["labels"]) + 1, dtype=bool)
            at[service_codes[service_codes >= 0]] = True
        chosen = at[codes.target] & ~at[codes.source]
        if not chosen.any():
            return {}
        # only the rows' labels and patients are read: no frame of every column cut
        into = pd.DataFrame({"patients": flows["patients"].to_numpy()[chosen]},
                            index=flows.index[chosen])
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
                codes=None, service_codes: np.ndarray | None = None) -> dict[str, dict]:
    """`duty_parts`; ``codes`` and ``service_codes`` (each service's end code) as
    `_residents_reaching` takes them."""
    names = system.organisation_lookup("name")  # read only: no copy
    # the councils and what they commission, kept per system: masks over every organisation
    # and relationship a query took a tenth of this
    councils, commissions = kept(system, ("partners", "councils' commissions"),
                                 _council_commissions)
    out: dict = {}
    is_social = isin(services["category"], set(SOCIAL_CARE))
    social = services[is_social]
    social_codes = None if service_codes is None else np.asarray(service_codes)[is_social]
    residents = _residents_reaching(system, flows, set(social["id"]), codes, social_codes)
    said = _social_words(social, commissions, names, councils)
    if said is None:
        return _duty_parts_by_row(system, flows, services, social, commissions, residents,
                                  councils, names, codes, service_codes)
    own_rows, bought_words = said
    # only the councils with something to say: two masks for every council in England took 8 s
    concerned = councils & (set(own_rows) | set(bought_words) | set(residents))
    labels, activity = social["name"].tolist(), social["activity"].to_numpy(dtype=float)
    for council in sorted(concerned):
        own = own_rows.get(council, [])
        bought = bought_words.get(council)
        parts = _council_parts(own, activity, labels, bought, residents.get(council, 0))
        if own or bought or parts["residents"] is not None:
            out[council] = parts
    _mental_health(system, flows, services, councils, codes, service_codes, out)
    return out


def _council_parts(own: list, activity, labels, commissions, residents: float) -> dict:
    """One council's parts of its duty line: the contacts of its own services (rows ``own``
    of ``activity`` and ``labels``), what it commissions in words, and its residents."""
    return {  # summed as pandas sums a column: missing values as 0, numpy's order
        "contacts": float(np.nansum(activity[own])) if own else None,
        "own": _listed([labels[i] for i in own]) if own else None,
        "commissions": commissions,
        "residents": residents if residents > 0 else None,
        "mental_health": None}


def _social_words(social: pd.DataFrame, commissions: pd.DataFrame, names, councils: set
                  ) -> tuple | None:
    """Council → the positions of its own social care services in ``social`` (in order), and
    council → the social care it commissions in words (`_by_provider` of every service of
    the providers it commissions), on codes: each provider's words made once, and each
    council's distinct words found by sorting codes (a sorted list of rows and the words per
    council took most of the duties' 0.1 s nationally). None where a service's name is
    missing (`_duty_parts_by_row` then says what it can)."""
    provider = social["provider"].to_numpy(dtype=object)
    label = social["name"].to_numpy(dtype=object)
    l_code, l_names = pd.factorize(label)
    if (l_code < 0).any():
        return None
    p_code, p_names = pd.factorize(provider)  # in order of each provider's first row
    p_names = np.asarray(p_names, dtype=object)
    rows = np.flatnonzero(p_code >= 0)
    # the councils' own rows only (a list for each of ~22,000 providers took 0.01 s)
    council = np.flatnonzero(isin(pd.Series(p_names, dtype=object), councils))
    mine = rows[np.isin(p_code[rows], council)]
    mine = mine[np.argsort(p_code[mine], kind="stable")]  # each council's rows in order
    sizes = np.bincount(p_code[mine], minlength=len(p_names))[council]
    ends = np.cumsum(sizes)
    listed = mine.tolist()
    own_rows = {p: listed[e - n:e] for p, e, n in zip(p_names[council].tolist(), ends.tolist(),
                                                       sizes.tolist())}
    # the councils' commissions of social care providers, each pair once (by dict: an index
    # of the providers took 0.01 s)
    at = dict(zip(p_names.tolist(), range(len(p_names))))
    target = np.fromiter(map(at.get, commissions["target"].tolist(), repeat(-1)),
                         dtype=np.int64, count=len(commissions))
    buyer = commissions["source"].to_numpy(dtype=object)[target >= 0]
    target = target[target >= 0]
    if not len(target):
        return own_rows, {}
    c_code, c_names = pd.factorize(buyer)
    pair = np.unique(c_code.astype(np.int64) * len(p_names) + target)  # by council, then
    council, target = pair // len(p_names), pair % len(p_names)       # first row
    bought, target = np.unique(target, return_inverse=True)
    w_code, w_names = _provider_words(p_code, l_code, l_names, p_names, bought, names)
    w_code = w_code[target]
    said = council * len(w_names) + w_code  # each council's words, each once
    _, keep = np.unique(said, return_index=True)
    keep = np.sort(keep)
    per = np.bincount(council[keep], minlength=len(c_names))
    stop = np.cumsum(per)
    text = np.asarray(w_names, dtype=object)[w_code[keep]].tolist()
    return own_rows, {c: _listed(text[e - n:e]) for c, e, n in zip(
        np.asarray(c_names, dtype=object).tolist(), stop.tolist(), per.tolist()) if n}


def _provider_words(p_code: np.ndarray, l_code: np.ndarray, l_names, p_names: np.ndarray,
                    chosen: np.ndarray, names) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the words `_by_provider` gives each ``chosen`` provider (codes in ``p_names``;
    its services at the rows with that ``p_code``, named ``l_names[l_code]``), and the
    distinct words: ``Meadowbank House's Nursing care and Residential care``."""
    rows = np.flatnonzero(np.isin(p_code, chosen))
    key = p_code[rows].astype(np.int64) * len(l_names) + l_code[rows]
    _, first = np.unique(key, return_index=True)  # each provider's distinct names, in order
    first = rows[np.sort(first)]
    first = first[np.argsort(p_code[first], kind="stable")]
    count = np.bincount(p_code[first], minlength=len(p_names))[chosen]
    start = np.cumsum(count) - count
    label = np.asarray(l_names, dtype=object)[l_code[first]]
    provider = p_names[chosen].tolist()
    owner = np.array(list(map(str, map(names.get, provider, provider))), dtype=object)
    words = owner + "'s " + label[start]  # one service name each, elementwise
    for i in np.flatnonzero(count > 1).tolist():
        ls = label[start[i]:start[i] + count[i]].tolist()
        words[i] = f"{owner[i]}'s " + ", ".join(ls[:-1]) + " and " + ls[-1]
    codes, distinct = pd.factorize(words)
    return codes, np.asarray(distinct, dtype=object)


def _duty_parts_by_row(system: System, flows: pd.DataFrame, services: pd.DataFrame,
                       social: pd.DataFrame, commissions: pd.DataFrame, residents: dict,
                       councils: set, names, codes, service_codes) -> dict:
    """`_duty_parts` row by row (where a social care service has no name)."""
    out: dict = {}
    commissions = commissions[commissions["target"].isin(set(social["provider"]))]
    buys = commissions.groupby("source")["target"].agg(set).to_dict()
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
        parts = _council_parts(own, activity, labels,
                               _by_provider(bought, providers, labels, names) if bought else None,
                               residents.get(council, 0))
        if own or bought or parts["residents"] is not None:
            out[council] = parts
    _mental_health(system, flows, services, councils, codes, service_codes, out)
    return out


def _mental_health(system: System, flows, services: pd.DataFrame, councils: set, codes,
                   service_codes, out: dict) -> None:
    """Add the Mental Health Act line to ``out`` for the councils whose AMHP service is in
    scope or whose residents reach one."""
    amhp_at = isin(services["id"], kept(system, ("partners", "AMHP services"), _amhp))
    amhp = services[amhp_at]
    if len(amhp):
        reached = _residents_reaching(system, flows, set(amhp["id"]), codes,
                                      None if service_codes is None
                                      else np.asarray(service_codes)[amhp_at])
        for council in sorted(councils & (set(amhp["provider"]) | set(reached))):
            out.setdefault(council, {"contacts": None, "own": None, "commissions": None,
                                     "residents": None})["mental_health"] = (
                "its Mental Health Act duties (Approved Mental Health Professionals) are "
                f"touched: {_names(amhp)} is in scope")


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
