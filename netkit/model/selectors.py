"""Selectors: how an opportunity names pathways and services, parsed here once.

An opportunity names its pathways by id or as ``tag:NAME`` (every pathway with that tag in the
``tags`` column of ``pathways.csv``), and the services of its shift by id or as
``category:NAME`` (every service of that category). `parse_selector` reads one; `select_pathways`,
`select_services` and `pathway_tags` resolve them against a system's tables. Text after the
prefix is taken exactly as written; a prefix that does not apply (``category:`` among pathways,
``tag:`` among services) is part of an id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from netkit._frames import isin

__all__ = ["Selector", "parse_selector", "selected_services", "PATHWAY_KINDS", "SERVICE_KINDS", "pathway_tags",
           "select_pathways", "select_services"]

#: The prefixes a pathway selector may have, and those a service selector may have.
PATHWAY_KINDS = ("tag",)
SERVICE_KINDS = ("category",)


@dataclass(frozen=True)
class Selector:
    """One selector: ``kind`` is ``"id"``, ``"tag"`` or ``"category"``; ``value`` the id, tag or
    category."""

    kind: str
    value: str

    def __str__(self) -> str:
        return self.value if self.kind == "id" else f"{self.kind}:{self.value}"


def parse_selector(text: str, kinds: Iterable[str] = PATHWAY_KINDS + SERVICE_KINDS) -> Selector:
    """Read a selector: ``tag:NAME`` or ``category:NAME`` (where ``kinds`` allows the prefix), or
    an id.

    Examples
    --------
    >>> parse_selector("tag:frailty")
    Selector(kind='tag', value='frailty')
    >>> parse_selector("category:community")
    Selector(kind='category', value='community')
    >>> parse_selector("ED")
    Selector(kind='id', value='ED')
    >>> parse_selector("category:community", kinds=PATHWAY_KINDS)
    Selector(kind='id', value='category:community')
    """
    text = str(text)
    for kind in kinds:
        if text.startswith(kind + ":"):
            return Selector(kind, text[len(kind) + 1:])
    return Selector("id", text)


def pathway_tags(pathways: pd.DataFrame) -> pd.Series:
    """Each pathway's tags (the ``;``-separated ``tags`` column, stripped, empty ones left out),
    as a list per row of ``pathways``.

    Examples
    --------
    >>> pathways = pd.DataFrame({"id": ["a", "b"], "tags": ["frailty; urgent", None]})
    >>> pathway_tags(pathways).tolist()
    [['frailty', 'urgent'], []]
    """
    return pathways["tags"].fillna("").astype(str).str.split(";").map(
        lambda tags: [t.strip() for t in tags if t.strip()])


def select_pathways(pathways: pd.DataFrame, selectors: Iterable[str]) -> list[str]:
    """The ids of the pathways ``selectors`` (ids and ``tag:NAME``) name, in table order.

    Examples
    --------
    >>> pathways = pd.DataFrame({"id": ["a", "b", "c"], "tags": ["x;y", "y", None]})
    >>> select_pathways(pathways, ["tag:y", "c", "nowhere"])
    ['a', 'b', 'c']
    """
    selectors = [parse_selector(s, PATHWAY_KINDS) for s in selectors]
    wanted_tags = {s.value for s in selectors if s.kind == "tag"}
    chosen = {s.value for s in selectors if s.kind == "id"}
    if wanted_tags:
        tagged = pathway_tags(pathways).map(lambda tags: not wanted_tags.isdisjoint(tags))
        chosen |= set(pathways.loc[tagged.to_numpy(dtype=bool), "id"])
    return [p for p in pathways["id"] if p in chosen]


def select_services(services: pd.DataFrame, selectors: Iterable[str]) -> np.ndarray:
    """Which rows of ``services`` the ``selectors`` (ids and ``category:NAME``) name, as a boolean
    array.

    Examples
    --------
    >>> services = pd.DataFrame({"id": ["ED", "UCR", "DN"], "category": ["a", "c", "c"]})
    >>> select_services(services, ["ED", "category:c"]).tolist()
    [True, True, True]
    """
    selectors = [parse_selector(s, SERVICE_KINDS) for s in selectors]
    ids = [s.value for s in selectors if s.kind == "id"]
    categories = [s.value for s in selectors if s.kind == "category"]
    return isin(services["id"], ids) | isin(services["category"], categories)


def selected_services(system, selectors: Iterable[str]) -> np.ndarray:
    """`select_services` of all ``system.services`` (a row's selection depends on that row
    alone), worked out once per system and selectors (`netkit.model.system.kept`); read only.

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> selected_services(tiny, ["category:community", "ED"]).tolist()
    [True, False, True, False, False, False, False]
    """
    from netkit.model.system import kept  # the system's module reads this one's selectors

    selectors = tuple(selectors)
    return kept(system, ("model", "services selected", selectors),
                lambda s: np.asarray(select_services(s.services, selectors), dtype=bool))
