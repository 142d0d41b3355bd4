"""Populations: the places table as a diagnosis reads it, its age bands, the population column
each pathway's rates are per (``pathways.denominator``, else ``population``), and primary care
networks' registered lists.

Rates by place are by residence (the ``place`` of a flow). Rates by PCN are by registration:
practices' ``list_size`` (an optional extra column of ``organisations.csv``, on
``gp_practice`` rows whose ``parent`` is their PCN) summed over the PCN, against the patients
entering each pathway through the practices' own services. Only entries can be put to a practice
from pathway flows (later steps are not tied to where a patient is registered).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["place_table", "age_bands", "denominators", "denominator_words", "pathway_bases",
           "pcn_entries"]

_FIXED = ("population", "population_65plus")


def place_table(system) -> pd.DataFrame:
    """``system.places`` indexed by place (empty when the system has no ``places.csv``)."""
    places = getattr(system, "places", None)
    if places is None or len(places) == 0 or "place" not in places:
        return pd.DataFrame(columns=["population"], index=pd.Index([], name="place"))
    out = places.set_index("place")
    for column in [c for c in out.columns if str(c).startswith("population")]:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    return out


def age_bands(places: pd.DataFrame) -> list[str]:
    """The age-band columns of a places table: ``population_*`` other than population_65plus."""
    return [c for c in places.columns
            if str(c).startswith("population_") and c not in _FIXED
            and places[c].notna().all() and len(places)]


def denominators(system) -> pd.Series:
    """The places column each pathway's rates are per (pathways.denominator, else population)."""
    pathways = system.pathways.set_index("id")
    given = pathways["denominator"] if "denominator" in pathways else pd.Series(
        np.nan, index=pathways.index)
    return given.where(given.notna() & (given.astype(str) != ""), "population").astype(str)


def denominator_words(column: str, given: bool = True) -> str:
    """Who a rate is per, in words: the people of a ``places.csv`` population column.

    ``given=False`` says the pathway names no denominator (``population``, all ages, stands in).

    Examples
    --------
    >>> denominator_words("population_65plus"), denominator_words("population_18_64")
    ('aged 65 and over', 'aged 18 to 64')
    >>> denominator_words("population", given=False)
    'residents (all ages: pathways.csv gives no denominator)'
    """
    import re

    column = str(column)
    if column == "population":
        return "residents (all ages)" if given else \
            "residents (all ages: pathways.csv gives no denominator)"
    if column == "list_size":
        return "registered patients"
    over = re.fullmatch(r"population_(\d+)plus", column)
    if over:
        return f"aged {over.group(1)} and over"
    band = re.fullmatch(r"population_(\d+)_(\d+)", column)
    if band:
        return f"aged {band.group(1)} to {band.group(2)}"
    return f"people ({column})"


def pathway_bases(system) -> dict:
    """Each pathway's denominator in words (`denominator_words`), by pathway id.

    Examples
    --------
    >>> import netkit
    >>> pathway_bases(netkit.load_system(netkit.sample_path("riverside")))["frailty-urgent"]
    'aged 65 and over'
    """
    pathways = system.pathways.set_index("id")
    given = pathways["denominator"] if "denominator" in pathways else pd.Series(
        np.nan, index=pathways.index)
    named = given.notna() & (given.astype(str) != "")
    return {p: denominator_words(c, bool(n)) for p, c, n in
            zip(pathways.index, denominators(system).reindex(pathways.index), named)}


def pcn_entries(system) -> pd.DataFrame:
    """Patients entering each pathway through a PCN's practices, per head of its registered list.

    Returns ``pathway, place`` (the PCN's id), ``measure`` (``entries``), ``observed``,
    ``size`` (the PCN's list), ``denominator`` (``list_size``) and ``by`` (``registration``);
    empty when no practice has a list size.

    Examples
    --------
    >>> import netkit
    >>> pcn_entries(netkit.load_system(netkit.sample_path("tiny"))).empty
    True
    """
    columns = ["pathway", "place", "measure", "observed", "size", "denominator", "by"]
    orgs = system.organisations
    if "list_size" not in orgs:
        return pd.DataFrame(columns=columns)
    size = pd.to_numeric(orgs["list_size"], errors="coerce")
    kind = orgs.set_index("id")["type"]
    practices = orgs.assign(list_size=size)[
        (orgs["type"] == "gp_practice") & (size > 0)
        & (kind.reindex(orgs["parent"]).to_numpy() == "pcn")]
    if practices.empty:
        return pd.DataFrame(columns=columns)
    pcn_of = practices.set_index("id")["parent"]
    lists = practices.groupby("parent", sort=True)["list_size"].sum()
    services = system.services.set_index("id")["provider"]
    flows = system.flows
    entering = flows[(flows["source"] == "@home").to_numpy()]
    pcn = pcn_of.reindex(services.reindex(entering["target"]).to_numpy()).to_numpy()
    entering = entering.assign(pcn=pcn)[pd.notna(pcn)]
    observed = entering.groupby(["pathway", "pcn"], sort=True)["patients"].sum()
    out = observed.rename("observed").reset_index().rename(columns={"pcn": "place"})
    out["measure"], out["denominator"], out["by"] = "entries", "list_size", "registration"
    out["size"] = lists.reindex(out["place"]).to_numpy()
    return out[columns]
