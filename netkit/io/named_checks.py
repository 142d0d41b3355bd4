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
    if pathways is not None:  # the pathways asked about alone (a region has 168,000 flows)
        flows = flows[flows["pathway"].isin(list(pathways)).to_numpy(dtype=bool)]
    provider = dict(zip(services["id"], services["provider"]))
    path = flows["pathway"].to_numpy(dtype=object)
    p_code, p_names = pd.factorize(np.concatenate([path, path]))
    s_code, s_names = pd.factorize(np.concatenate([flows["source"].to_numpy(dtype=object),
                                                   flows["target"].to_numpy(dtype=object)]))
    known = (p_code >= 0) & (s_code >= 0)
    width = max(len(s_names), 1)
    pair = np.unique(p_code[known].astype(np.int64) * width + s_code[known])  # each pair once
    ends = pd.DataFrame({"pathway": np.asarray(p_names, dtype=object)[pair // width],
                         "service": np.asarray(s_names, dtype=object)[pair % width]})
    ends = ends.assign(org=ends["service"].map(provider)).dropna(subset=["org"])
    ends = ends[["pathway", "org"]]
    if rels is not None and len(rels):
        payers = rels[rels["type"].isin(["commissions", "subcontracts"])]
        paid = ends.merge(payers[["source", "target"]], left_on="org", right_on="target")
        ends = pd.concat([ends, paid[["pathway", "source"]].rename(columns={"source": "org"})])
    orgs_of: dict = {}  # a set per pathway, filled in one pass (a grouped set() took longer)
    for pathway, org in zip(ends["pathway"].tolist(), ends["org"].tolist()):
        orgs_of.setdefault(pathway, set()).add(org)
    return {"pathway_table": tables["pathways"], "pathway_orgs": dict(sorted(orgs_of.items()))}


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
