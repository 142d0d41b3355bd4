"""Activity from the flow table: patient contacts a year at each service, and the patients handed from one organisation to another. Plain functions of DataFrames, shared by the system, its summary, scope, maps and profiles."""

from __future__ import annotations

import pandas as pd

from netkit.model.schema import HOME

__all__ = ['service_activity', 'organisation_flows', 'flow_codes']


def flow_codes(flows: pd.DataFrame) -> tuple:
    """The flows' pathways and ends as integer codes (`pandas.factorize`, in order of first
    appearance, a missing value as -1): ``(pathway, pathways, ends, services)``, where
    ``ends`` codes the targets then the sources (``2 × len(flows)`` codes) of ``services``.

    Examples
    --------
    >>> flows = pd.DataFrame({"pathway": ["p", "q"], "source": ["@home", "A"],
    ...                       "target": ["A", "B"], "patients": [1.0, 1.0]})
    >>> [part.tolist() for part in flow_codes(flows)]
    [[0, 1], ['p', 'q'], [0, 1, 2, 0], ['A', 'B', '@home']]
    """
    pathway, pathways = pd.factorize(flows["pathway"])
    ends, services = pd.factorize(pd.concat([flows["target"], flows["source"]],
                                            ignore_index=True))
    return pathway, pathways, ends, services


def service_activity(flows: pd.DataFrame, codes: tuple | None = None) -> pd.Series:
    """Patient contacts a year at each service: per pathway, the larger of patients arriving and
    patients leaving (so a pathway recorded from its middle still counts its first service),
    summed over pathways. ``@home`` is not a service and is left out. ``codes``, if given, is
    `flow_codes` of ``flows`` (a system keeps them: one factorisation for several uses).

    Examples
    --------
    >>> flows = pd.DataFrame({"pathway": ["p", "p", "p"], "source": ["@home", "A", "B"],
    ...                       "target": ["A", "B", "@home"], "patients": [100.0, 60.0, 60.0]})
    >>> service_activity(flows).to_dict()
    {'A': 100.0, 'B': 60.0}
    """
    pathway, _, ends, services = flow_codes(flows) if codes is None else codes
    per_service = coded_activity(pathway, ends, flows["patients"].to_numpy(dtype=float),
                                 len(services))
    out = pd.Series(per_service, index=pd.Index(services, name="service"), dtype="float64")
    return out.drop(HOME, errors="ignore").sort_index()


def coded_activity(pathway, ends, patients, n_services: int):
    """`service_activity` on codes: ``pathway`` codes of the flows, ``ends`` (the targets' then
    the sources' codes, 0 to ``n_services - 1``), ``patients``; an array by service code (a
    service no flow reaches: 0). The sums over pathways run in order of the pathway codes."""
    import numpy as np

    n = len(patients)
    width = max(n_services, 1)
    # one key per (pathway, service): patients arriving (first n) and leaving (last n)
    keys = np.tile(pathway.astype(np.int64), 2) * width + ends
    # np.unique(keys, return_inverse=True), by hashing: it sorted all 338,000 of the region's
    # keys (a fifth of a second a worker's first query), this sorts only the distinct ones
    where, unique = pd.factorize(keys, sort=True)
    arriving = np.bincount(where[:n], patients, len(unique))
    leaving = np.bincount(where[n:], patients, len(unique))
    return np.bincount(unique % width, np.maximum(arriving, leaving), n_services)


def organisation_flows(flows: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """Project service-to-service flows onto provider organisations.

    Returns a frame ``source, target, patients`` (organisation ids), one row per ordered pair,
    including pairs within one organisation (``source == target``). Flows to or from ``@home``
    are left out.
    """
    import numpy as np

    codes, providers = pd.factorize(services["provider"], sort=True)
    at = pd.Index(services["id"])
    source, target = at.get_indexer(flows["source"]), at.get_indexer(flows["target"])
    inner = (source >= 0) & (target >= 0)  # @home (and unknown services) left out
    if not inner.any():
        return pd.DataFrame({"source": pd.Series([], dtype=object),
                             "target": pd.Series([], dtype=object), "patients": []})
    n = len(providers)
    key = codes[source[inner]].astype(np.int64) * n + codes[target[inner]]
    pairs, where = np.unique(key, return_inverse=True)  # sorted: providers are sorted
    patients = np.bincount(where, flows["patients"].to_numpy(dtype=float)[inner], len(pairs))
    names = np.asarray(providers, dtype=object)
    return pd.DataFrame({"source": names[pairs // n], "target": names[pairs % n],
                         "patients": patients})
