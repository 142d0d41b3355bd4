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

import pandas as pd

from netkit.model.system import System
from netkit.partners.residents import SOCIAL_CARE, resident_shares
from netkit.render.formats import fmt_number

__all__ = ["duty_councils", "AMHP_PATTERN"]

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


def _residents_reaching(system: System, flows: pd.DataFrame, services: set) -> dict:
    """Council → patients a year of its residents arriving at ``services``."""
    into = flows[flows["target"].isin(services)]
    if into.empty:
        return {}
    shares = resident_shares(system, into)
    shares["patients"] = shares["share"] * into.loc[shares["row"], "patients"].to_numpy()
    council = shares["place"].map(_councils_of_places(system))
    return shares.groupby(council)["patients"].sum().to_dict()


def duty_councils(system: System, flows: pd.DataFrame, services: pd.DataFrame) -> dict[str, str]:
    """Council id → the reason naming the statutory duty the scope touches.

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
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> scope = find_scope(tiny, tiny.opportunity("frailty"))
    >>> duty_councils(tiny, scope.flows, scope.services)["COUNCIL"][:60]
    'its Care Act duties are touched: adult social care is in scop'
    """
    orgs = system.organisations
    councils = set(orgs.loc[orgs["type"] == "local_authority", "id"])
    reasons: dict = {}
    social = services[services["category"].isin(SOCIAL_CARE)]
    rels = system.relationships
    commissions = rels[(rels["type"] == "commissions") & rels["source"].isin(councils)
                       & rels["target"].isin(set(social["provider"]))]
    residents = _residents_reaching(system, flows, set(social["id"]))
    for council in sorted(councils):
        own = social[social["provider"] == council]
        bought = social[social["provider"].isin(
            commissions.loc[commissions["source"] == council, "target"])]
        parts = []
        if len(own):
            parts.append(f"it provides {fmt_number(own['activity'].sum())} contacts a year of "
                         f"it ({_names(own)})")
        if len(bought):
            parts.append(f"it commissions {_names(bought)}")
        if residents.get(council, 0) > 0:
            parts.append(f"{fmt_number(residents[council])} of its residents reach it a year")
        if parts:
            reasons[council] = ("its Care Act duties are touched: adult social care is in "
                                "scope (" + "; ".join(parts) + ")")
    amhp = services[services["id"].str.contains(AMHP_PATTERN, na=False)
                    | services["name"].str.contains(AMHP_PATTERN, na=False)]
    if len(amhp):
        reached = _residents_reaching(system, flows, set(amhp["id"]))
        for council in sorted(councils & (set(amhp["provider"]) | set(reached))):
            line = (f"its Mental Health Act duties are touched: Approved Mental Health "
                    f"Professional assessments are in scope ({_names(amhp)})")
            reasons[council] = (reasons[council] + "; " + line) if council in reasons else line
    return reasons


def _names(services: pd.DataFrame) -> str:
    names = services["name"].drop_duplicates().tolist()
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def duty_candidates(scope) -> set:
    """The candidates standing for a council whose statutory duties the scope touches."""
    return {scope.candidate_of.get(c, c) for c in scope.duties}


def scope_reasons(scope, names) -> dict[str, list[str]]:
    """Candidate → reason lines the scope gives it: what its seat is
    (`netkit.partners.seats.seat_lines`), the statutory duty it touches, and, for an
    organisation the opportunity includes with no flows in scope, that the analyst included
    it."""
    from netkit.partners.seats import seat_lines

    out: dict = {c: list(lines) for c, lines in seat_lines(scope, names).items()}
    for council, reason in scope.duties.items():
        out.setdefault(scope.candidate_of.get(council, council), []).append(reason)
    for org in scope.included:
        line = "included by the analyst (no patient flows in scope)"
        candidate = scope.candidate_of.get(org, org)
        if candidate != org:
            line = f"included by the analyst: {names.get(org, org)} ({org}) has no patient " \
                   "flows in scope"
        out.setdefault(candidate, []).insert(0, line)
    return out
