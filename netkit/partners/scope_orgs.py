"""The organisations in a scope and each one's role, found by their positions in the system's
organisations.

The providers of the in-scope services, the commissioners, the councils with duties and the
organisations the analyst includes were sets of ids, each checked against every organisation
by a text ``isin`` (four such on ~50,000 ids took ~0.03 s a national query); here each
service's provider's row is kept per system (`netkit.model.system.kept`), and only the few
commissioners, councils and included organisations are looked up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit.model.system import kept

__all__ = ["organisations_in_scope"]

ROLES = ["provider and commissioner", "provider", "commissioner", "council (statutory duty)"]


def organisations_in_scope(system, services: pd.DataFrame, service_rows, commissioners: set,
                           duties: dict, include, has_flows: bool) -> tuple:
    """The in-scope rows of ``system.organisations`` (in its order), each one's role (an
    array), and the organisations in scope only because they are included (``include``
    known to the system, where the scope has flows; sorted).

    ``services`` are the in-scope services, ``service_rows`` their positions in
    ``system.services`` (None where not known: every id is then checked by text)."""
    orgs = system.organisations
    coded = None if service_rows is None else _provider_rows(system)
    if coded is None:
        return _by_text(orgs, services, commissioners, duties, include, has_flows)
    ids, provider_row = coded
    n = len(ids)
    provides = np.zeros(n, dtype=bool)
    at = provider_row[np.asarray(service_rows, dtype=np.int64)]
    provides[at[at >= 0]] = True
    commissions, duty = _marked(ids, commissioners), _marked(ids, duties)
    known = sorted(o for o in include if o in ids) if has_flows else []
    included = _marked(ids, known)
    rows = np.flatnonzero(provides | commissions | duty | included)
    role = np.select([provides[rows] & commissions[rows], provides[rows], commissions[rows],
                      duty[rows]], ROLES, "included by the analyst")
    taken = provides | commissions | duty
    return (orgs.iloc[rows], role,
            tuple(o for o in known if not taken[ids.get_loc(o)]))


def _marked(ids: pd.Index, wanted) -> np.ndarray:
    """True at the positions of ``wanted`` among ``ids``."""
    out = np.zeros(len(ids), dtype=bool)
    at = ids.get_indexer(pd.Index(list(wanted), dtype=object))
    out[at[at >= 0]] = True
    return out


def _provider_rows(system) -> tuple | None:
    """The organisations' ids (an Index), and each service's provider's position among them
    (-1 where none), once per system; None where an id repeats or is missing."""
    def build(s):
        ids = pd.Index(s.organisations["id"].to_numpy(dtype=object))
        if not ids.is_unique or ids.hasnans or \
                pd.api.types.infer_dtype(ids, skipna=False) != "string":
            return None
        return ids, ids.get_indexer(s.services["provider"].to_numpy(dtype=object))

    return kept(system, ("partners", "service provider rows"), build)


def _by_text(orgs: pd.DataFrame, services: pd.DataFrame, commissioners: set, duties: dict,
             include, has_flows: bool) -> tuple:
    """`organisations_in_scope` by text ``isin``."""
    providers = set(services["provider"].tolist())
    known = set(orgs["id"].tolist())
    included = tuple(sorted(o for o in include if o in known) if has_flows else ())
    in_scope = orgs[isin(orgs["id"], providers | commissioners | set(duties) | set(included))]
    included = tuple(o for o in included if o not in providers | commissioners | set(duties))
    provides = isin(in_scope["id"], providers)
    commissions = isin(in_scope["id"], commissioners)
    role = np.select([provides & commissions, provides, commissions,
                      isin(in_scope["id"], list(duties))], ROLES, "included by the analyst")
    return in_scope, role, included
