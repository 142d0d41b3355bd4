"""Patients diverted by a shift: who no longer reaches the ``from`` services, what later care
goes with them, and what they receive at the ``to`` services instead.

A shift diverts *patients*, not contacts. Per pathway, place and responsible commissioner (the
flows' ``commissioner``: patients keep both throughout):

1. **Entering**: patients who reach the ``from`` services from outside them (from home or from a
   service that is not a ``from`` service; where a ``from`` service sends on more patients than
   it receives, the extra count as entering there). ``fraction`` of them are diverted.
2. **Their later care goes with them.** Each service passes its patients on as the flows do:
   the share going from service *i* to service *j* is ``patients(i → j) / contacts(i)``, where a
   service's contacts are the larger of patients arriving and leaving (as
   `netkit.model.activity.service_activity` counts them); patients not passed on leave the
   pathway. The contacts the diverted patients would have had at every later service (a
   ``from`` service or not) are the expected visits of this chain, solved in one sparse linear
   system for every pathway and place at once: ``(I − Q)ᵀ x = entering × fraction``.
3. **At the new service**: the diverted patients are shared among the ``to`` services by their
   in-scope contacts (equally where none have any), and each has its own contacts per patient
   (its contacts over the patients arriving from elsewhere, a repeat contact being a flow from
   the service to itself) unless the shift states ``contacts_per_patient``. Their care after the
   new service is not modelled.

So one avoided patient becomes one patient at the new service, not one new contact for every
contact avoided along the way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit._frames import first_rows, isin, joint_codes
from netkit.model.schema import HOME
from netkit.model.selectors import select_services

__all__ = ["divert"]


def divert(flows: pd.DataFrame, services: pd.DataFrame, shift, payers: tuple | None = None,
           codes=None) -> pd.DataFrame:
    """Change in patients and contacts per (place, service) when ``shift.fraction`` is 1.

    Every figure is proportional to the fraction, so the change at a fraction *f* is *f* times
    these (which is how the ranges and draws use them).

    Parameters
    ----------
    flows : DataFrame
        In-scope flows: ``pathway, source, target, patients`` and ``place`` (may be missing).
    services : DataFrame
        In-scope services: ``id, category, activity``.
    shift : Shift
        ``from_``, ``to`` and optionally ``contacts_per_patient``.
    payers : tuple, optional
        The flows' places and commissioners coded already (`netkit.finance.basis` has them):
        ``(pair, place, commissioner)``, each flow's pair code and each pair's ``place`` and
        ``commissioner`` as the flows give them (a pair's flows all give the same); without
        it they are read from the flows' own columns.
    codes : MoneyCodes, optional
        The flows as the system's codes (`netkit.finance.coded_flows`): their pathways and
        ends are then grouped by these integers, not by their text (the same groups, numbered
        the same).

    Returns
    -------
    DataFrame
        ``place, commissioner, service, patients, contacts, diverted``: signed changes
        (negative where patients no longer come), per place and responsible commissioner (the
        flows' ``commissioner`` column where there is one); ``diverted`` is the patients
        diverted from that place and commissioner (the same on each of its rows). ``place`` and
        ``commissioner`` are "" where the flows give none.

    Examples
    --------
    100 patients reach ED; 60 go on to the ward, and 10 of those to reablement. Diverting all of
    them to UCR takes away 100 ED, 60 ward and 10 reablement contacts and brings 100 patients
    (one contact each) to UCR:

    >>> from netkit.model.opportunity import Shift
    >>> flows = pd.DataFrame({"pathway": "p", "source": ["@home", "ED", "ED", "W", "W", "R", "U"],
    ...     "target": ["ED", "W", "@home", "R", "@home", "@home", "@home"],
    ...     "patients": [100.0, 60, 40, 10, 50, 10, 30], "place": None})
    >>> services = pd.DataFrame({"id": ["ED", "W", "R", "U"], "category": "x",
    ...                          "activity": [100.0, 60, 10, 30]})
    >>> divert(flows, services, Shift(("ED",), ("U",), 1.0)).set_index("service")["contacts"]
    service
    ED   -100.0
    R     -10.0
    U     100.0
    W     -60.0
    Name: contacts, dtype: float64
    """
    return _diverted(flows, services, shift, payers, codes)[0]


def _diverted(flows: pd.DataFrame, services: pd.DataFrame, shift, payers: tuple | None = None,
              codes=None) -> tuple[pd.DataFrame, np.ndarray | None]:
    """`divert`, and each of its rows' service as the system's end code where the flows are
    coded (`divert`'s ``codes``; else None)."""
    source = np.asarray(select_services(services, shift.from_), dtype=bool)
    target = np.asarray(select_services(services, shift.to), dtype=bool) & ~source
    from_ids = services["id"].to_numpy(dtype=object)[source]
    removed, coded = _removed(flows, from_ids, payers, codes)
    if removed.empty:
        return pd.DataFrame({"place": pd.Series(dtype=object),
                             "commissioner": pd.Series(dtype=object),
                             "service": pd.Series(dtype=object),
                             "patients": pd.Series(dtype=float), "contacts": pd.Series(dtype=float),
                             "diverted": pd.Series(dtype=float)}), None
    if coded is not None:
        out = _coded_sums(removed, *coded, flows, services, target, shift, codes)
        if out is not None:
            return out
    diverted = removed.groupby(["place", "commissioner"], sort=True)["entering"].sum()
    received = _received(flows, services, target, diverted, shift, codes)
    keys = ["place", "commissioner", "service"]
    out = pd.concat([removed.drop(columns="entering"), received], ignore_index=True)
    out = out.groupby(keys, as_index=False, sort=True)[["patients", "contacts"]].sum()
    out["diverted"] = diverted.reindex(pd.MultiIndex.from_frame(
        out[["place", "commissioner"]])).to_numpy(dtype=float)
    return out, None


def _coded_sums(removed: pd.DataFrame, pair: np.ndarray, end: np.ndarray,
                flows: pd.DataFrame, services: pd.DataFrame, target: np.ndarray, shift,
                codes) -> tuple[pd.DataFrame, np.ndarray] | None:
    """`divert`'s sums grouped by integers ranked as the text sorts (``pair``: each removed
    row's place and commissioner as one code; ``end``: its service's end code), not by the
    rows' text: the same groups in the same order, each summed over the same rows in the
    same order. None where a receiving service is not a flow end (the text is used then)."""
    present, first = np.unique(pair, return_index=True)
    places = removed["place"].to_numpy(dtype=object)[first]
    payers = removed["commissioner"].to_numpy(dtype=object)[first]
    order = sorted(range(len(present)), key=lambda i: (places[i], payers[i]))
    rank = np.zeros(present[-1] + 1, dtype=np.int64)
    rank[present[order]] = np.arange(len(order))
    places, payers, pair = places[order], payers[order], rank[pair]
    entering = pd.Series(removed["entering"].to_numpy()).groupby(pair, sort=True).sum()
    diverted = pd.Series(entering.to_numpy(), name="entering", index=pd.MultiIndex.from_arrays(
        [places, payers], names=["place", "commissioner"]))
    ids = services["id"].to_numpy(dtype=object)[target]
    at = codes.index.get_indexer(ids)
    if (at < 0).any():
        return None
    received = _received(flows, services, target, diverted, shift, codes)
    ranks, by_rank = codes.ranks, codes.by_rank
    width = len(by_rank)
    key = np.concatenate([pair * width + ranks[end],
                          np.repeat(np.arange(len(places)), len(ids)) * width
                          + np.tile(ranks[at], len(places))])
    sums = pd.DataFrame({c: np.concatenate([removed[c].to_numpy(), received[c].to_numpy()])
                         for c in ("patients", "contacts")}).groupby(key, sort=True).sum()
    key = sums.index.to_numpy()
    pair, ends = key // width, by_rank[key % width]
    return pd.DataFrame({"place": places[pair], "commissioner": payers[pair],
                         "service": codes.labels[ends],
                         "patients": sums["patients"].to_numpy(),
                         "contacts": sums["contacts"].to_numpy(),
                         "diverted": entering.to_numpy()[pair]}), ends


def _removed(flows: pd.DataFrame, from_ids, payers: tuple | None = None, codes=None
             ) -> pd.DataFrame:
    """The diverted patients' contacts at every service (negative), per place, at fraction 1:
    the expected visits of the pathway's chain from the patients entering the ``from`` set
    (``payers`` and ``codes`` as `divert` takes them)."""
    from scipy import sparse

    group, place, payer, pairs = _groups(flows, payers, None if codes is None else codes.pathway)
    if codes is None:  # each (group, end) a node, the ends numbered in order of appearance
        both = np.concatenate([flows["source"].to_numpy(dtype=object),
                               flows["target"].to_numpy(dtype=object)])
        ends, names = pd.factorize(both)
        home = both == HOME
        keys = np.tile(group.astype(np.int64), 2) * max(len(names), 1) + ends
        nodes, where = _sorted_codes(np.where(home, -1, keys))
    else:  # the same nodes from the system's end codes
        both = np.concatenate([codes.source, codes.target])
        nodes, where, distinct = _coded_nodes(group, both, codes.home, len(codes.labels))
        names, home = codes.labels[distinct], both == codes.home
        pairs = pairs if pairs is not None and len(distinct) else None
    n = len(flows)
    width = max(len(names), 1)
    size = len(nodes)
    patients = flows["patients"].to_numpy(dtype=float)
    s_node, t_node = where[:n], where[n:]
    s_home, t_home = home[:n], home[n:]
    arriving = np.bincount(t_node[~t_home], patients[~t_home], size).astype(float)
    leaving = np.bincount(s_node[~s_home], patients[~s_home], size).astype(float)
    base = np.maximum(arriving, leaving)
    at = np.where(nodes >= 0, nodes % width, 0)  # each node's service
    node_name = names[at]
    # by name, once each: np.isin on the nodes' text took 0.27 s nationally
    in_from = pd.Index(names).isin(from_ids)[at] & (nodes >= 0)
    inner = ~s_home & ~t_home
    # the share of a service's patients each flow takes on; a service no patient reaches or
    # leaves (only flows of 0 patients) passes none on (0/0 made NaN, which spoilt the solve)
    through, out_of = patients[inner], base[s_node[inner]]
    share = np.divide(through, out_of, out=np.zeros(len(through)), where=out_of > 0)
    q = sparse.csr_matrix((share, (s_node[inner], t_node[inner])), shape=(size, size))
    # patients reaching the from set from outside it (home or another service)
    outside = ~t_home & in_from[t_node] & (s_home | ~in_from[s_node])
    entering = np.bincount(t_node[outside], patients[outside], size).astype(float)
    entering += np.where(in_from, np.maximum(leaving - arriving, 0.0), 0.0)
    visits = _visits(q, entering)
    stay = q.diagonal()
    keep = (nodes >= 0) & (visits > 1e-12)
    group_of = np.where(nodes >= 0, nodes // width, 0)
    first = first_rows(group)  # each group's first flow: its place, payer
    place_of, payer_of = place(first), payer(first)
    frame = pd.DataFrame({"place": place_of[group_of[keep]],
                          "commissioner": payer_of[group_of[keep]], "service": node_name[keep],
                          "patients": -visits[keep] * (1 - stay[keep]),
                          "contacts": -visits[keep], "entering": entering[keep]})
    if codes is None or pairs is None:
        return frame, None
    # each row's place and commissioner as one code, and its service as the system's end code
    return frame, (pairs(first)[group_of[keep]], distinct[at[keep]])


def _visits(q, entering: np.ndarray) -> np.ndarray:
    """The expected visits to each service of patients entering as ``entering``, where ``q``
    holds the share of a service's patients each flow takes on: the solution of
    (I - qᵀ) v = entering.

    Services in a closed loop of their own (they send each other all their patients and none
    leaves) make the matrix singular. No patient from outside the loop reaches it (a
    service's shares are of the most patients it receives or sends, so a loop that patients
    enter passes some of them out), so the visits are then solved among the services from
    which patients do leave, and a closed loop's services count only the patients said to
    enter them (a shift whose ``from`` services lie in such a loop), not visits round it
    without end.

    Examples
    --------
    100 patients enter A; 60 go on to B, a third of B's patients go round B again; C and D
    send each other all their patients (5 a year, none from outside):

    >>> from scipy import sparse
    >>> q = sparse.csr_matrix(([0.6, 1 / 3, 1.0, 1.0], ([0, 1, 2, 3], [1, 1, 3, 2])),
    ...                       shape=(4, 4))
    >>> _visits(q, np.array([100.0, 0.0, 0.0, 0.0])).round(6).tolist()
    [100.0, 90.0, 0.0, 0.0]
    """
    import warnings

    from scipy import sparse
    from scipy.sparse.linalg import MatrixRankWarning, spsolve

    size = len(entering)
    if not entering.any():
        return np.zeros(size)
    system = sparse.identity(size, format="csc") - q.T.tocsc()
    with warnings.catch_warnings():  # a closed loop: said by the visits' NaN, solved below
        warnings.simplefilter("ignore", MatrixRankWarning)
        visits = np.asarray(spsolve(system, entering), dtype=float)
    if np.all(np.isfinite(visits)):
        return visits
    closed = ~_way_out(q)
    open_ = np.flatnonzero(~closed)
    within = q[open_][:, open_]
    visits = np.where(closed, entering, 0.0)
    if len(open_):
        visits[open_] = spsolve(sparse.identity(len(open_), format="csc") - within.T.tocsc(),
                                entering[open_])
    return visits


def _way_out(q) -> np.ndarray:
    """Whether some of each service's patients can leave the services (home, or out of the
    pathway): it passes on less than all its patients, or sends some to a service that can."""
    from scipy import sparse
    from scipy.sparse.csgraph import breadth_first_order

    size = q.shape[0]
    flows = q.tocoo()
    carries = flows.data > 0
    leaks = np.flatnonzero(np.asarray(q.sum(axis=1)).ravel() < 1 - 1e-9)
    # backwards along the flows from the services patients leave, through one node before all
    back = sparse.csr_matrix(
        (np.ones(carries.sum() + len(leaks)),
         (np.r_[flows.col[carries], np.full(len(leaks), size)],
          np.r_[flows.row[carries], leaks])), shape=(size + 1, size + 1))
    found = np.zeros(size + 1, dtype=bool)
    found[breadth_first_order(back, size, directed=True, return_predecessors=False)] = True
    return found[:size]


def _groups(flows: pd.DataFrame, payers: tuple | None, pathway: np.ndarray | None = None
            ) -> tuple:
    """Each flow's group (pathway, place and commissioner: one integer, numbered in order of
    first appearance as `joint_codes` numbers them), and functions giving the place and the
    commissioner of the flows at given positions (missing as "") and, with ``payers``, their
    place and commissioner as one code (else None).

    With ``payers`` (`divert`) the place and commissioner are found once per pair, not read
    and compared for each flow (England's 938,000 twice took a tenth of a second); the
    groups are the same, numbered the same (first appearance of the same distinct rows).
    ``pathway``, if given, codes the flows' pathways (equal pathways, equal codes): the same
    groups again, without hashing their text.
    """
    pathway = _text(flows["pathway"]) if pathway is None else pathway
    if payers is None:
        place, payer = _column(flows, "place"), _column(flows, "commissioner")
        return (joint_codes([pathway, place, payer]), lambda at: place[at],
                lambda at: payer[at], None)
    pair, places, commissioners = payers
    place = _column(pd.DataFrame({"place": places}), "place") if places is not None \
        else np.full(len(commissioners), "", dtype=object)
    payer = _column(pd.DataFrame({"commissioner": commissioners}), "commissioner")
    both = joint_codes([place, payer])[pair]  # each flow's place and commissioner as one code
    return (joint_codes([pathway, both]), lambda at: place[pair[at]],
            lambda at: payer[pair[at]], lambda at: both[at])


def _coded_nodes(group: np.ndarray, both: np.ndarray, home: int, n_labels: int) -> tuple:
    """`_removed`'s nodes from the flows' ends as the system's codes (``both``: the sources'
    then the targets'; ``home``, ``@home``'s code): ``(nodes, where, distinct)`` as numbering
    the ends in order of first appearance (``distinct``, as `pandas.factorize` of ``both``
    gives them) and then `_sorted_codes` of each (group, end) key would, from one hash of the
    keys on the system's codes rather than two (England's 630,000 flow ends, 0.01 s): an
    end's first appearance is that of the first distinct key naming it.

    Examples
    --------
    >>> [a.tolist() for a in _coded_nodes(np.array([0, 1]), np.array([7, 5, 9, 9]), 9, 10)]
    [[-1, 0, 4], [1, 2, 0, 0], [7, 5, 9]]
    """
    keys = np.tile(group.astype(np.int64), 2) * n_labels + both
    keys[both == home] = -1
    codes, distinct_keys = pd.factorize(keys)
    end_rank, distinct = pd.factorize(np.where(distinct_keys >= 0, distinct_keys % max(n_labels, 1),
                                               home))
    width = max(len(distinct), 1)
    numbered = np.where(distinct_keys >= 0, distinct_keys // max(n_labels, 1) * width + end_rank,
                        -1)
    order = np.argsort(numbered, kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return numbered[order], rank[codes], np.asarray(distinct)


def _sorted_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)``: the distinct keys found by hashing and only
    they sorted, not every key (np.unique sorted all 2 × 938,000 of England's flow ends).

    Examples
    --------
    >>> [a.tolist() for a in _sorted_codes(np.array([5, -1, 5, 3]))]
    [[-1, 3, 5], [2, 0, 2, 1]]
    """
    codes, distinct = pd.factorize(keys)
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return distinct[order], rank[codes]


def _column(flows: pd.DataFrame, name: str) -> np.ndarray:
    """A text column of the flows as an object array, with missing cells (or a missing
    column) as ""."""
    if name not in flows:
        return np.full(len(flows), "", dtype=object)
    values = flows[name].to_numpy(dtype=object)
    missing = pd.isna(values)
    return _text(pd.Series(np.where(missing, "", values) if missing.any() else values,
                           dtype=object))


def _text(values: pd.Series) -> np.ndarray:
    """``values.astype(str)`` as an object array: the values themselves where they are all
    Python text already (converting England's flows to pandas' text took 0.06 s)."""
    from pandas.api.types import infer_dtype

    array = values.to_numpy(dtype=object)
    if infer_dtype(array, skipna=False) == "string":
        return array
    return values.astype(str).to_numpy(dtype=object)


def _received(flows: pd.DataFrame, services: pd.DataFrame, target: np.ndarray,
              diverted: pd.Series, shift, codes=None) -> pd.DataFrame:
    """The diverted patients at the ``to`` services, per place: shared by in-scope contacts,
    each service with its own contacts per patient (or the shift's); ``codes`` as `divert`
    takes them."""
    ids = services["id"].to_numpy(dtype=object)[target]
    activity = services["activity"].to_numpy(dtype=float)[target]
    if len(ids) == 0:
        return pd.DataFrame(columns=["place", "commissioner", "service", "patients", "contacts"])
    weights = activity / activity.sum() if activity.sum() > 0 else np.full(len(ids), 1 / len(ids))
    stated = getattr(shift, "contacts_per_patient", None)
    if stated is not None:
        per_patient = np.full(len(ids), float(stated))
    else:
        # the flows into these services alone: each one's sum is over the same flows in the
        # same order as over every flow's (a tenth of the diversion nationally)
        if codes is None:
            into = flows[isin(flows["target"], set(ids.tolist()))]
            elsewhere = into[into["source"] != into["target"]].groupby("target")[
                "patients"].sum()
            arriving = pd.Series(ids).map(elsewhere).fillna(0.0).to_numpy()
        else:  # by the ends' codes: the same flows summed in the same order
            arriving = _arriving(flows, ids, codes)
        per_patient = np.where(arriving > 0, activity / np.where(arriving > 0, arriving, 1), 1.0)
        per_patient = np.maximum(per_patient, 1.0)
    places = diverted.index.get_level_values("place").to_numpy(dtype=object)
    payers = diverted.index.get_level_values("commissioner").to_numpy(dtype=object)
    patients = np.outer(diverted.to_numpy(), weights)
    return pd.DataFrame({"place": np.repeat(places, len(ids)),
                         "commissioner": np.repeat(payers, len(ids)),
                         "service": np.tile(ids, len(places)),
                         "patients": patients.ravel(),
                         "contacts": (patients * per_patient).ravel()})


def _arriving(flows: pd.DataFrame, ids: np.ndarray, codes) -> np.ndarray:
    """The patients arriving at each of ``ids`` from another service (or home), by the flows'
    end codes (`netkit.finance.coded_flows.MoneyCodes`): each a group sum over the same flows
    in the same order as grouping the flows into them by their text."""
    wanted = codes.ends_of(ids)
    into = wanted[codes.target] & (codes.source != codes.target)
    summed = pd.Series(flows["patients"].to_numpy()[into]).groupby(codes.target[into]).sum()
    at = codes.index.get_indexer(ids)
    return summed.reindex(at).fillna(0.0).to_numpy()
