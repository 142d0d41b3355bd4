"""Checks on the organisations an opportunity names: an included or excluded organisation that
takes no part in the opportunity's pathways is a warning (`netkit.io.validation` runs it).

An organisation takes part in a pathway where it provides one of the pathway's services, or
commissions or subcontracts to a provider that does. Naming one that takes no part is allowed
(an analyst may seat a housing association on purpose) but is said aloud: an include is seated
with no figures, an exclude changes nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.model.opportunity import Opportunity
from netkit.model.selectors import select_pathways

__all__ = ["taking_part", "check_named_outside"]

WHAT_FOLLOWS = {"include": "it is seated as included by the analyst, with no figures",
                "exclude": "excluding it changes nothing"}


def taking_part(tables: dict[str, pd.DataFrame], pathways=None) -> dict:
    """``{"pathway_table": pathways, "pathway_orgs": {pathway: organisations}}``: the
    organisations taking part in each pathway (providers of its services, and those who
    commission or subcontract to them); only in ``pathways`` (ids) where given.

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> sorted(taking_part(tiny.tables())["pathway_orgs"]["falls"])
    ['COMM', 'GP1', 'ICB']
    >>> list(taking_part(tiny.tables(), ["falls"])["pathway_orgs"])
    ['falls']
    """
    flows, services, rels = tables["flows"], tables["services"], tables.get("relationships")
    p_code, p_names = pd.factorize(flows["pathway"].to_numpy(dtype=object))
    if pathways is not None:  # the pathways asked about alone (a region has 168,000 flows)
        asked = np.asarray(pd.Series(p_names, dtype=object).isin(list(pathways)), dtype=bool)
        p_code = np.where(np.append(asked, False)[p_code], p_code, -1)  # -1: no pathway
    kept = p_code >= 0  # the flows of the pathways asked about, with a pathway
    s_code, s_names = pd.factorize(np.concatenate([flows["source"].to_numpy(dtype=object)[kept],
                                                   flows["target"].to_numpy(dtype=object)[kept]]))
    p_code = np.concatenate([p_code[kept], p_code[kept]])
    # each service's provider, as a code into the organisations named (providers, payers)
    provider = _provider_of(services, s_names)
    pay_source = pay_target = np.empty(0, dtype=object)
    if rels is not None and len(rels):
        payers = rels[rels["type"].isin(["commissions", "subcontracts"])]
        pay_source = payers["source"].to_numpy(dtype=object)
        pay_target = payers["target"].to_numpy(dtype=object)
    o_code, o_names = pd.factorize(np.concatenate([provider.to_numpy(dtype=object), pay_source,
                                                   pay_target]), use_na_sentinel=False)
    n_services, n_payers = len(s_names), len(pay_source)
    org_of = np.where(provider.notna().to_numpy(), o_code[:n_services], -1)
    known = (p_code >= 0) & (s_code >= 0)
    width = max(len(s_names), 1)
    pair = np.unique(p_code[known].astype(np.int64) * width + s_code[known])  # each pair once
    path, org = pair // width, org_of[pair % width]
    width = max(len(o_names), 1)
    pair = np.unique(path[org >= 0] * width + org[org >= 0])  # each pathway and provider
    ends = pd.DataFrame({"pathway": pair // width, "org": pair % width})
    paid = ends.merge(pd.DataFrame({"org": o_code[n_services + n_payers:],
                                    "payer": o_code[n_services:n_services + n_payers]}),
                      on="org")  # those who pay a pathway's provider take part in it too
    both = np.concatenate([ends.to_numpy(), paid[["pathway", "payer"]].to_numpy()])
    pair = np.unique(both[:, 0].astype(np.int64) * width + both[:, 1])  # each pair once
    path, who = pair // width, pair % width
    starts = np.flatnonzero(np.r_[True, path[1:] != path[:-1]]) if len(pair) else []
    names = np.asarray(o_names, dtype=object)
    orgs_of = {p_names[path[i]]: set(names[who[i:j]].tolist())  # a set per pathway
               for i, j in zip(starts, list(starts[1:]) + [len(pair)])}
    return {"pathway_table": tables["pathways"], "pathway_orgs": dict(sorted(orgs_of.items()))}


def _provider_of(services: pd.DataFrame, names) -> pd.Series:
    """The provider of each service named (missing where none is), as a map from the
    services' ids gives it (the last row of an id used twice); looked up by an index of the
    ids where each is used once (no dictionary of England's 52,000 services built first)."""
    ids = services["id"]
    if not ids.is_unique:
        return pd.Series(names, dtype=object).map(dict(zip(ids, services["provider"])))
    at = pd.Index(ids.to_numpy(dtype=object)).get_indexer(pd.Index(names, dtype=object))
    providers = services["provider"].to_numpy(dtype=object)
    return pd.Series(np.where(at >= 0, providers[at] if len(providers) else None, np.nan),
                     dtype=object)


def check_named_outside(opp: Opportunity, known: dict, bad) -> None:
    """Warn (through ``bad(key, value, message, severity)``) for each included or excluded
    organisation that takes no part in the opportunity's pathways."""
    orgs_of = known.get("pathway_orgs")
    if orgs_of is None:
        return
    pathways = set(select_pathways(known["pathway_table"], opp.pathways))
    inside = set().union(*(orgs_of.get(p, set()) for p in pathways))
    for key in ("include", "exclude"):
        for org in getattr(opp, key):
            if org in known["org_ids"] and org not in inside:
                bad(key, org, "is outside the opportunity's part of the system (no service or "
                              f"contract on its pathways); {WHAT_FOLLOWS[key]}", "warning")
