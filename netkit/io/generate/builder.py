"""The tables of a generated system while they are built, and the draws every builder shares.

Organisations and services are kept as column lists, flows as integer service indices with
patients, so a national system is a few seconds of numpy; `Builder.frames` turns them into the
five tables of the format contract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.io.generate.services import SERVICES

__all__ = ["Builder", "FAN_OUT"]

#: How many pharmacies and voluntary bodies in its place a practice refers to, per pathway.
FAN_OUT = 6


class Builder:
    """Collects organisations, services, pathways, flows and relationships; every random draw
    comes from ``rng``, in the order the builders ask."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.orgs: dict[str, list] = {k: [] for k in
                                      ("id", "name", "type", "sector", "place", "parent", "budget")}
        self.svc: dict[str, list] = {k: [] for k in ("id", "name", "provider", "category",
                                                     "place", "capacity", "unit_cost", "price")}
        self.flow_parts: list[tuple] = []  # (pathway, src idx array, tgt idx array, patients, place)
        self.rels: list[tuple] = []
        self.pathways: list[tuple] = []
        self.stroke_pathways: dict = {}  # HASU service index -> (stroke pathway, strokes a year)

    # -- rows -------------------------------------------------------------------------------
    def org(self, ids, names, kind, sector, places="", parents="", budgets=None) -> np.ndarray:
        """Organisations of one type and sector; returns their ids."""
        ids = list(ids)
        n = len(ids)
        as_list = (lambda v: list(v) if not isinstance(v, str) else [v] * n)
        self.orgs["id"] += ids
        self.orgs["name"] += as_list(names)
        self.orgs["type"] += [kind] * n
        self.orgs["sector"] += [sector] * n
        self.orgs["place"] += as_list(places)
        self.orgs["parent"] += as_list(parents)
        self.orgs["budget"] += list(budgets) if budgets is not None else [None] * n
        return np.array(ids, dtype=object)

    def service(self, providers, code, places="", capacity=None) -> np.ndarray:
        """One service of kind ``code`` at each provider; returns their indices."""
        name, category, cost, price = SERVICES[code]
        providers = list(providers)
        n = len(providers)
        start = len(self.svc["id"])
        ids = [f"{p}-{code}" for p in providers]
        self.svc["id"] += ids
        self.svc["name"] += [name] * n
        self.svc["provider"] += providers
        self.svc["category"] += [category] * n
        self.svc["place"] += list(places) if not isinstance(places, str) else [places] * n
        self.svc["capacity"] += list(capacity) if capacity is not None else [None] * n
        self.svc["unit_cost"] += [cost] * n
        self.svc["price"] += [price] * n
        return np.arange(start, start + n)

    def service_ids(self, indices) -> list[str]:
        """The ids of the services at ``indices``."""
        return [self.svc["id"][i] for i in indices]

    def pathway(self, pid, name, cohort, tags) -> None:
        self.pathways.append((pid, name, cohort, ";".join(tags)))

    def flow(self, pathway, src, tgt, patients, place="") -> None:
        """Flows from service indices ``src`` to ``tgt`` (-1 is @home), broadcast together."""
        arrays = [np.asarray(src), np.asarray(tgt), np.asarray(patients, dtype=float)]
        if not isinstance(place, str):
            arrays.append(np.asarray(place, dtype=object))
        arrays = np.broadcast_arrays(*arrays)
        places = place if isinstance(place, str) else arrays[3].ravel()
        self.flow_parts.append((pathway, arrays[0].ravel(), arrays[1].ravel(), arrays[2].ravel(),
                                places))

    def rel(self, sources, targets, kind, values=None, payment="", strength=None) -> None:
        """Relationships from each source to each target (broadcast together); strengths are
        drawn where not given."""
        sources, targets = np.broadcast_arrays(np.asarray(sources, dtype=object),
                                               np.asarray(targets, dtype=object))
        n = sources.size
        values = [None] * n if values is None else list(np.broadcast_to(values, (n,)))
        strength = (np.round(self.rng.uniform(0.3, 0.9, n), 2) if strength is None
                    else np.broadcast_to(strength, (n,)))
        self.rels += list(zip(sources.ravel(), targets.ravel(), [kind] * n, values,
                              [payment] * n, strength))

    # -- shared draws -----------------------------------------------------------------------
    def draw(self, mean, n) -> np.ndarray:
        """``n`` heavy-tailed (log-normal) volumes around ``mean``."""
        return mean * self.rng.lognormal(-0.045, 0.3, n)

    def pick(self, where, among_place, n_places, k=FAN_OUT) -> np.ndarray:
        """For each item in place ``where``, ``k`` of the providers whose places are
        ``among_place`` in the same place (any, where the place has none): which of several
        same-place providers a practice or ward refers to."""
        order = np.argsort(among_place, kind="stable")
        starts = np.searchsorted(among_place[order], np.arange(n_places))
        ends = np.searchsorted(among_place[order], np.arange(n_places), side="right")
        size = np.where(ends > starts, ends - starts, len(order))
        base = np.where(ends > starts, starts, 0)[where]
        draws = self.rng.integers(0, 1 << 30, (len(where), k)) % size[where][:, None]
        return order[base[:, None] + draws]

    # -- the tables -------------------------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        """The organisations, services, pathways, flows and relationships tables."""
        orgs = pd.DataFrame(self.orgs)
        orgs["budget"] = orgs["budget"].astype("float64")
        services = pd.DataFrame(self.svc)
        for col in ("capacity", "unit_cost", "price"):
            services[col] = services[col].astype("float64")
        rels = pd.DataFrame(self.rels, columns=["source", "target", "type", "value", "payment",
                                                "strength"])
        rels["value"] = rels["value"].astype("float64")
        rels = rels.drop_duplicates(["source", "target", "type"]).reset_index(drop=True)
        pathways = pd.DataFrame(self.pathways, columns=["id", "name", "cohort", "tags"])
        return {"organisations": orgs, "services": services, "pathways": pathways,
                "flows": self._flows(services), "relationships": rels}

    def _flows(self, services: pd.DataFrame) -> pd.DataFrame:
        """Flows summed per pathway, source, target and place, rounded, at least 1 patient."""
        ids = np.array(services["id"].tolist() + ["@home"], dtype=object)  # index -1 is @home
        parts = []
        for pathway, src, tgt, patients, place in self.flow_parts:
            part = pd.DataFrame({"pathway": pathway, "source": ids[src], "target": ids[tgt],
                                 "patients": patients})
            part["place"] = place
            parts.append(part)
        flows = pd.concat(parts, ignore_index=True)
        flows = flows[flows["source"] != flows["target"]]
        flows = flows.groupby(["pathway", "source", "target", "place"], sort=True,
                              as_index=False)["patients"].sum()
        flows["patients"] = flows["patients"].round()
        return flows[flows["patients"] >= 1].reset_index(drop=True)
