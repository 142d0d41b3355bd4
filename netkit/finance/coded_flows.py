"""The flows the money follows as the system's integer codes (`MoneyCodes`), for the money's
steps to group and join on integers rather than hash the same text again each query.

The flows a partner query's money follows are rows of the system's flows; their pathways and
ends are coded once per system (`netkit.model.system.system_flow_codes`), and so are their
commissioners and places (`payer_codes`, kept here). A step that numbered the flows' values
in order of first appearance (`pandas.factorize` on the text) numbers these codes the same way
(equal texts, equal codes), so its groups, their order and every sum are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit.model.schema import HOME
from netkit.model.system import System, kept, system_flow_codes

__all__ = ["MoneyCodes", "money_codes", "money_services", "payer_codes"]


@dataclass(frozen=True)
class MoneyCodes:
    """Some of the system's flows (their positions ``rows`` in ``system.flows``) as the
    system's codes: ``pathway`` (pathway codes), ``source`` and ``target`` (end codes, of
    ``labels``; ``index``, the same as an index; ``ranks``, each end's rank among them
    sorted by name, and ``by_rank``, the ends in that order), ``home`` (the end code of ``@home``, -2 where none), ``commissioner`` and
    ``place`` (codes of those columns, -1 where missing; None where the flows have no such
    column)."""

    rows: np.ndarray
    pathway: np.ndarray
    source: np.ndarray
    target: np.ndarray
    labels: np.ndarray
    index: pd.Index
    ranks: np.ndarray
    by_rank: np.ndarray
    home: int
    commissioner: np.ndarray | None
    place: np.ndarray | None

    def ends_of(self, names) -> np.ndarray:
        """True at the end codes of ``names`` (unknown names: none)."""
        out = np.zeros(len(self.labels), dtype=bool)
        at = self.index.get_indexer(list(names))
        out[at[at >= 0]] = True
        return out


def money_codes(system: System, rows) -> MoneyCodes | None:
    """`MoneyCodes` of the system's flows labelled ``rows`` in ``system.flows`` (None where
    ``rows`` is None, or where a flow has no pathway or end: the text is used then, as
    before).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> codes = money_codes(tiny, [0, 1])
    >>> codes.labels[codes.source].tolist() == tiny.flows["source"][:2].tolist()
    True
    """
    if rows is None:
        return None
    rows = _positions(system.flows.index, rows)
    if len(rows) and rows.min() < 0:
        return None
    pathway, _, ends, labels = system_flow_codes(system)
    n = len(system.flows)
    target, source, pathway = ends[rows], ends[n + rows], pathway[rows]
    if len(rows) and min(target.min(), source.min(), pathway.min()) < 0:
        return None
    labels, index, ranks, by_rank, home = kept(system, ("finance", "end labels"), _end_labels)
    commissioner, place = payer_codes(system)
    return MoneyCodes(rows, pathway, source, target, labels, index, ranks, by_rank, home,
                      None if commissioner is None else commissioner[rows],
                      None if place is None else place[rows])


def _positions(index: pd.Index, labels) -> np.ndarray:
    """The positions of some of the flows' row labels (the scope keeps labels; a system's
    flows are numbered 0, 1, ... unless a change took some out).

    >>> _positions(pd.Index([3, 5, 8]), [8, 3]).tolist(), _positions(pd.RangeIndex(4), [2]).tolist()
    ([2, 0], [2])
    """
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return np.asarray(labels, dtype=np.int64)
    return index.get_indexer(labels)


def _end_labels(system: System) -> tuple:
    labels = np.asarray(system_flow_codes(system)[3], dtype=object)
    index = pd.Index(labels)
    home = index.get_indexer([HOME])[0]
    by_rank = np.argsort(labels, kind="stable")  # as pandas sorts text to group it
    ranks = np.empty(len(by_rank), dtype=np.int64)
    ranks[by_rank] = np.arange(len(by_rank))
    return labels, index, ranks, by_rank, int(home) if home >= 0 else -2


def payer_codes(system: System) -> tuple:
    """The system's flows' ``commissioner`` and ``place`` as `pandas.factorize` codes (-1
    where missing; None where there is no such column), worked out once per system."""
    def build(s: System) -> tuple:
        flows = s.flows
        return tuple(pd.factorize(flows[c])[0] if c in flows else None
                     for c in ("commissioner", "place"))

    return kept(system, ("finance", "payer codes"), build)


def money_services(system: System, flows: pd.DataFrame, rows) -> pd.DataFrame | None:
    """The system's services ``flows`` reach (``rows``: their labels in ``system.flows``),
    sorted by id, with each one's contacts a year along them
    (`netkit.model.activity.service_activity`) as ``activity``: the same table as from the
    flows' text, by the system's codes. None where they are not coded (`money_codes`) or
    the system's service ids repeat."""
    from netkit.model.activity import coded_activity

    codes = money_codes(system, rows)
    table = kept(system, ("finance", "service ends"), _service_ends)
    if codes is None or table is None:
        return None
    end_of, by_id = table
    # the pathways numbered in order of first appearance, as factorising their text: each
    # service's sum over them runs in the same order
    pathway = pd.factorize(codes.pathway)[0]
    ends = np.concatenate([codes.target, codes.source])
    activity = coded_activity(pathway, ends, flows["patients"].to_numpy(dtype=float),
                              len(codes.labels))
    reached = np.zeros(len(codes.labels), dtype=bool)
    reached[ends] = True
    if codes.home >= 0:
        reached[codes.home] = False  # home is not a service
    chosen = (end_of >= 0) & reached[end_of]
    at = by_id[chosen[by_id]]
    return system.services.take(at).assign(activity=activity[end_of[at]].astype("float64"))


def _service_ends(system: System) -> tuple | None:
    """Each service's end code (-1 where no flow names it) and the services' positions in
    order of their ids; None where ids repeat."""
    ids = pd.Index(system.services["id"].to_numpy(dtype=object))
    if not ids.is_unique:
        return None
    labels = kept(system, ("finance", "end labels"), _end_labels)[0]
    service_of = ids.get_indexer(labels)
    end_of = np.full(len(ids), -1, dtype=np.int64)
    end_of[service_of[service_of >= 0]] = np.flatnonzero(service_of >= 0)
    return end_of, np.argsort(ids.to_numpy(), kind="stable")
