"""The two projections of the flow table a map of organisations needs, computed together: each
organisation's activity and the patients handed between organisations."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["organisation_projection"]


def organisation_projection(flows: pd.DataFrame, services: pd.DataFrame
                            ) -> tuple[pd.Series, pd.DataFrame]:
    """Each organisation's patient contacts a year (`service_activity` summed over the services
    it provides) and the patients handed between organisations (`organisation_flows`, pairs
    within one organisation and non-positive flows left out), from one integer coding of the
    flows' ends: the two projections a map of the organisations needs.

    Examples
    --------
    >>> flows = pd.DataFrame({"pathway": ["p", "p", "p"], "source": ["@home", "A", "B"],
    ...                       "target": ["A", "B", "@home"], "patients": [100.0, 60.0, 60.0]})
    >>> services = pd.DataFrame({"id": ["A", "B"], "provider": ["X", "Y"]})
    >>> activity, handoffs = organisation_projection(flows, services)
    >>> activity.to_dict(), handoffs.values.tolist()
    ({'X': 100.0, 'Y': 60.0}, [['X', 'Y', 60.0]])
    """
    ids = pd.Index(services["id"])
    provider, providers = pd.factorize(services["provider"], sort=True)
    source, target = _positions(ids, flows["source"]), _positions(ids, flows["target"])
    patients = flows["patients"].to_numpy(dtype=float)
    pathway = pd.factorize(flows["pathway"])[0].astype(np.int64)
    width = max(len(ids), 1)
    # per (pathway, service): the larger of patients arriving and leaving (service_activity)
    arrive, leave = target >= 0, source >= 0  # @home and unknown services are -1
    keys = np.concatenate([pathway[arrive] * width + target[arrive],
                           pathway[leave] * width + source[leave]])
    unique, where = np.unique(keys, return_inverse=True)
    split = int(arrive.sum())
    larger = np.maximum(np.bincount(where[:split], patients[arrive], len(unique)),
                        np.bincount(where[split:], patients[leave], len(unique)))
    per_service = np.bincount(unique % width, larger, width)[:len(ids)]
    provided = provider >= 0  # a service without a provider counts for no organisation
    activity = pd.Series(np.bincount(provider[provided], per_service[provided],
                                     len(providers)),
                         index=pd.Index(np.asarray(providers, dtype=object)), dtype="float64")
    inner = arrive & leave
    inner[inner] = (provider[source[inner]] >= 0) & (provider[target[inner]] >= 0)
    n = len(providers)
    key = provider[source[inner]].astype(np.int64) * n + provider[target[inner]]
    pairs, where = np.unique(key, return_inverse=True)  # sorted: providers are sorted
    moved = np.bincount(where, patients[inner], len(pairs))
    keep = (pairs // n != pairs % n) & (moved > 0)
    names = np.asarray(providers, dtype=object)
    return activity, pd.DataFrame({"source": names[pairs[keep] // n],
                                   "target": names[pairs[keep] % n], "patients": moved[keep]})


def _positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """``index.get_indexer(values)``, looking up each distinct value once (a flow table names
    each service many times).

    >>> _positions(pd.Index(["A", "B"]), pd.Series(["B", "@home", "B", "A"])).tolist()
    [1, -1, 1, 0]
    """
    codes, distinct = pd.factorize(values)
    found = np.append(index.get_indexer(distinct), -1)  # code -1 (a missing id) finds nothing
    return found[codes]
