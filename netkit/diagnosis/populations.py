"""Populations: the places table as a diagnosis reads it, its age bands, and the population
column each pathway's rates are per (``pathways.denominator``, else ``population``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["place_table", "age_bands", "denominators"]

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
