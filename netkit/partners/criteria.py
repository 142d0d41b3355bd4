"""Criteria per candidate partner: each a share in [0, 1], with the raw figure kept.

* **activity**: patient contacts a year at its in-scope services, as a share of all in-scope
  contacts (shares sum to 1).
* **handoffs**: patients a year on cross-organisation transitions it is party to (sending or
  receiving), as a share of all cross-organisation transitions in scope. Every transition has
  two parties, so these shares sum to 2. Transitions between members of one representative
  (two practices of a PCN) are internal to it.
* **brokerage**: weighted betweenness on the scoped organisation network (directed, as patients
  move; tie length ``1 / patients``), as a share of the total (shares sum to 1 where any route
  has a broker). See `netkit.metrics.brokerage`.
* **commissioning**: in-scope spend it controls, £ a year: each in-scope service's activity
  times its price (its unit cost where it has no price), attributed to the responsible
  commissioners of the patients (the flow's ``commissioner``, else their place's in
  ``places.csv``), else to the provider's commissioners in proportion to contract value
  (`netkit.partners.residents.commissioning_spend`); as a share of all attributed spend.
* **incentives**: the size of its net financial change under the shift, £ a year (signed in
  ``incentives``), as a share of the total size of all changes; zero without a shift.

A candidate stands for the organisations it represents: its figures add up theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from netkit._frames import key_sums
from netkit.finance.incentives import Incentives
from netkit.metrics.brokerage import weighted_betweenness
from netkit.model.opportunity import CRITERIA
from netkit.model.system import System
from netkit.partners.residents import _apply_spend, _spend_basis
from netkit.partners.scope import Scope
from netkit.partners.service_ends import service_ends

__all__ = ["Criteria", "compute_criteria"]

#: Above this many candidates, brokerage is estimated from `BROKERAGE_SOURCES` sampled route
#: sources rather than computed exactly (exact weighted betweenness is O(n m): measured about
#: 0.3 s at 1,400 organisations and minutes at 45,000; see benchmarks/README.md).
EXACT_BROKERAGE_LIMIT = 1000
BROKERAGE_SOURCES = 256

@dataclass(frozen=True, repr=False)
class Criteria:
    """Criteria for every candidate in a scope.

    Attributes
    ----------
    table : DataFrame
        Indexed by candidate id (sorted); for each criterion ``NAME`` (raw figure) and
        ``NAME_share``.
    pairs : DataFrame
        ``source, target, patients``: cross-candidate handoffs a year in scope, at or above
        the ``min_patients`` threshold.
    thin : DataFrame
        The pairs left out by the threshold.
    network : networkx.DiGraph
        The candidates' handoff network (edge attribute ``patients``).
    spend : DataFrame
        ``commissioner, provider, spend``: in-scope spend attributed to each commissioner.
    notes : tuple of str
        Where a figure was estimated rather than computed exactly, and how.
    """

    table: pd.DataFrame
    pairs: pd.DataFrame
    thin: pd.DataFrame
    network: nx.DiGraph
    spend: pd.DataFrame
    notes: tuple = ()

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<Criteria: {len(self.table):,} candidates, {len(self.pairs):,} pairs, "
                f"{len(self.thin):,} thin ties left out>")

    def shares(self) -> pd.DataFrame:
        return self.table[[f"{c}_share" for c in CRITERIA]].rename(
            columns=lambda c: c.removesuffix("_share"))


def _share(values: pd.Series) -> pd.Series:
    total = values.sum()
    return values / total if total > 0 else values * 0.0


def _candidate_pairs(flows: pd.DataFrame, service_candidate: dict) -> pd.DataFrame:
    """``source, target, patients``: the flows between two candidates' services (not within
    one), summed per ordered pair of candidates, pairs sorted by name.

    On integer codes, each distinct service looked up once (mapping every flow's ends to
    candidates by text took a fifth of the criteria's time nationally); the sums add the same
    numbers in the same order as grouping by the candidates' names.

    Examples
    --------
    >>> flows = pd.DataFrame({"source": ["a1", "b", "a2", "a1", "x"],
    ...                       "target": ["b", "a1", "b", "a2", "b"],
    ...                       "patients": [5.0, 2.0, 1.0, 9.0, 4.0]})
    >>> _candidate_pairs(flows, {"a1": "A", "a2": "A", "b": "B"}).values.tolist()
    [['A', 'B', 6.0], ['B', 'A', 2.0]]
    """
    n = len(flows)
    ends, labels = pd.factorize(pd.concat([flows["source"], flows["target"]], ignore_index=True))
    # each service's candidate by a dict lookup (mapping an index through the dict made text
    # of pandas' own and took 60 ms nationally; missing: None, as NaN, no code)
    codes, names = pd.factorize(np.array([service_candidate.get(s) for s in labels.tolist()],
                                         dtype=object), sort=True)
    end_code = np.append(codes, -1)[ends]  # -1: a service no candidate provides
    return _summed_pairs(end_code[:n], end_code[n:], names, flows["patients"])


def _scope_pairs(flows: pd.DataFrame, services: pd.DataFrame, ends: tuple) -> pd.DataFrame:
    """`_candidate_pairs` of the scope's flows from their ends' positions among its services
    (`netkit.partners.service_ends.service_ends`): each service's candidate coded once, no
    text looked up per flow."""
    codes, names = pd.factorize(services["candidate"].to_numpy(dtype=object), sort=True)
    code = np.append(codes, [-1, -1])  # @home, then a service not in scope (-1)
    source, target = ends
    return _summed_pairs(code[source], code[target], names, flows["patients"])


def _summed_pairs(source: np.ndarray, target: np.ndarray, names, patients: pd.Series
                  ) -> pd.DataFrame:
    """The patients of flows between two candidates (codes into sorted ``names``; -1 none),
    summed per ordered pair in row order, the pairs sorted by name."""
    between = ((source >= 0) & (target >= 0) & (source != target)
               & patients.notna().to_numpy())
    width = max(len(names), 1)
    summed = pd.Series(patients.to_numpy()[between]).groupby(
        source[between].astype(np.int64) * width + target[between]).sum()
    at, names = summed.index.to_numpy(), np.asarray(names, dtype=object)
    return pd.DataFrame({"source": names[at // width], "target": names[at % width],
                         "patients": summed.to_numpy()})


def _candidates_of(ids, candidate_of: dict, keep: bool = False) -> np.ndarray:
    """The candidate standing for each of ``ids``, as an object array, each distinct id
    looked up once (a lookup per row, or pandas' map through the dict, took 50 ms a
    national query); one with none: missing (NaN), or with ``keep`` the id itself.

    Examples
    --------
    >>> _candidates_of(pd.Series(["GP1", "X", "GP1"]), {"GP1": "PCN1"}, keep=True).tolist()
    ['PCN1', 'X', 'PCN1']
    """
    codes, distinct = pd.factorize(np.asarray(ids, dtype=object))
    found = np.empty(len(distinct) + 1, dtype=object)  # the last: a missing id (code -1)
    found[:-1] = [candidate_of.get(o, o if keep else np.nan) for o in distinct.tolist()]
    found[-1] = np.nan
    return found[codes]


def _by_candidate(values: pd.Series, ids, candidate_of: dict, keep: bool = False) -> pd.Series:
    """``values.groupby(_candidates_of(ids, candidate_of, keep)).sum()``: the distinct ids'
    candidates coded once, in order of name, and the values summed by those codes as pandas
    sums them (`netkit._frames.key_sums`), rather than grouping by the candidates' names
    (~51,000 hashed nationally); by pandas itself where a candidate is missing or the values
    are not floats.

    Examples
    --------
    >>> _by_candidate(pd.Series([1.0, 2.0, 4.0]), ["GP1", "X", "GP2"],
    ...               {"GP1": "PCN1", "GP2": "PCN1"}, keep=True).to_dict()
    {'PCN1': 5.0, 'X': 2.0}
    """
    codes, distinct = pd.factorize(np.asarray(ids, dtype=object))
    found = np.empty(len(distinct), dtype=object)
    found[:] = [candidate_of.get(o, o if keep else np.nan) for o in distinct.tolist()]
    group, names = pd.factorize(found, sort=True)
    if (codes < 0).any() or (group < 0).any() or values.dtype != np.float64 or \
            pd.api.types.infer_dtype(names, skipna=False) not in ("string", "empty"):
        return values.groupby(_candidates_of(ids, candidate_of, keep)).sum()
    at, summed = key_sums(group[codes], values.to_numpy())
    return pd.Series(summed, index=pd.Index(np.asarray(names, dtype=object)[at], dtype=object))


def spend_basis(scope: Scope, system: System) -> dict:
    """What splitting spend by commissioner reads whatever the spend
    (`netkit.partners.residents._spend_basis`), kept on the scope: `find_scope` keeps it as
    it finds the commissioners (a spend of 1 a service), the criteria apply the services'."""
    return scope.kept(system, "spend basis", lambda s, sc: _spend_basis(
        s, sc.flows, sc.services, sc.responsible(s)))


def compute_criteria(system: System, scope: Scope, incentives: Incentives | None = None,
                     min_patients: float = 0.0) -> Criteria:  # long: one criterion after another
    """Compute every criterion for every candidate in ``scope``.

    Examples
    --------
    >>> import netkit
    >>> from netkit.partners.scope import find_scope
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> crit = compute_criteria(system, find_scope(system, system.opportunity("falls")))
    >>> crit.table["activity"].to_dict()
    {'COMM': 120.0, 'ICB': 0.0, 'PCN1': 300.0}
    """
    candidates = scope.candidates
    services = scope.services
    candidate_of = scope.candidate_of
    table = pd.DataFrame(index=pd.Index(candidates, name="id"))

    table["activity"] = services.groupby("candidate")["activity"].sum().reindex(candidates,
                                                                               fill_value=0.0)
    flows = scope.flows
    ends = service_ends(scope, system)  # kept on the scope: the verdict reads them too
    pairs = (_candidate_pairs(flows, dict(zip(services["id"].tolist(),
                                              services["candidate"].tolist())))
             if ends is None else _scope_pairs(flows, services, ends))
    thin = pairs[pairs["patients"] < min_patients].reset_index(drop=True)
    pairs = pairs[pairs["patients"] >= min_patients].reset_index(drop=True)
    party = pd.concat([pairs[["source", "patients"]].rename(columns={"source": "id"}),
                       pairs[["target", "patients"]].rename(columns={"target": "id"})])
    table["handoffs"] = party.groupby("id")["patients"].sum().reindex(candidates, fill_value=0.0)
    total_handoffs = pairs["patients"].sum()
    table["handoffs_share"] = table["handoffs"] / total_handoffs if total_handoffs else 0.0

    network = nx.DiGraph()
    network.add_nodes_from(sorted(services["candidate"].unique()))
    network.add_weighted_edges_from(zip(pairs["source"].tolist(), pairs["target"].tolist(),
                                        pairs["patients"].tolist()), weight="patients")
    notes = []
    sources = None
    if network.number_of_nodes() > EXACT_BROKERAGE_LIMIT:
        sources = BROKERAGE_SOURCES
        notes.append(f"brokerage estimated from {sources} randomly drawn (seeded) route sources "
                     f"of {network.number_of_nodes():,} organisations, scaled up; exact up to "
                     f"{EXACT_BROKERAGE_LIMIT:,}")
    between = weighted_betweenness(list(network.nodes), pairs["source"].tolist(),
                                   pairs["target"].tolist(), pairs["patients"].tolist(),
                                   sources=sources)
    table["brokerage"] = pd.Series(between, dtype="float64").reindex(candidates, fill_value=0.0)

    price = services["price"].fillna(services["unit_cost"])
    service_spend = services["activity"] * price.fillna(0.0)
    spend, spend_notes = _apply_spend(spend_basis(scope, system),
                                      service_spend.to_numpy(dtype=float))
    notes += spend_notes
    by_candidate = _by_candidate(spend["spend"], spend["commissioner"], candidate_of)
    table["commissioning"] = by_candidate.reindex(candidates, fill_value=0.0)

    if incentives is not None:
        net = incentives.organisations.set_index("id")["net"]
        net = _by_candidate(net, net.index, candidate_of, keep=True)
        table["incentives"] = net.reindex(candidates, fill_value=0.0)
    else:
        table["incentives"] = 0.0

    for name in ("activity", "brokerage", "commissioning"):
        table[f"{name}_share"] = _share(table[name])
    table["incentives_share"] = _share(table["incentives"].abs())
    table = table[[c for name in CRITERIA for c in (name, f"{name}_share")]].astype("float64")
    return Criteria(table, pairs, thin, network, spend, tuple(notes))
