"""places.csv for a generated system: each place's population from its practices' list sizes
(registered patients, so by registration, counted where the practice is), an age mix, a
deprivation quintile, the ICB as commissioner and the place's council; and the denominator of
each pathway (frailty per head aged 65 and over, the rest per head).

The draws come from their own generator, seeded from the system's, after every other draw: the
other tables of a seed are the same bytes as before places were written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["places_table", "pathway_denominators", "practice_lists", "AGE_BANDS",
           "DENOMINATORS"]

#: The age-band columns written, youngest first; population_65plus is the last two together.
AGE_BANDS = ("population_0_17", "population_18_64", "population_65_79", "population_80plus")
#: The denominator of each pathway theme's rates (themes not named: population).
DENOMINATORS = {"frailty-urgent": "population_65plus", "end-of-life": "population_65plus"}


def places_table(systems, seed_rng: np.random.Generator) -> pd.DataFrame:
    """One row a place of every ICS in ``systems`` (`netkit.io.generate.organisations.ICS`).

    Examples
    --------
    >>> import netkit, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "ics"
    >>> _ = netkit.generate_system(out, "ics", seed=1, area="QKK")
    >>> places = netkit.load_system(out).places
    >>> bool((places[list(AGE_BANDS)].sum(axis=1) == places["population"]).all())
    True
    """
    rng = np.random.default_rng(seed_rng.integers(2**32))
    frames = []
    for ics in systems:
        n = ics.n_places
        people = np.bincount(ics.practices.place, ics.practices.lists, n).round()
        frames.append(pd.DataFrame({
            "place": list(ics.places), "name": list(ics.places), "population": people,
            "commissioner": ics.icb, "council": list(ics.councils)}))
    table = pd.concat(frames, ignore_index=True)
    n = len(table)
    old = rng.uniform(0.13, 0.26, n)          # aged 65 and over
    eldest = old * rng.uniform(0.25, 0.35, n)  # aged 80 and over
    young = rng.uniform(0.17, 0.24, n)         # aged 0 to 17
    people = table["population"].to_numpy()
    bands = np.column_stack([young, 1 - young - old, old - eldest, eldest]) * people[:, None]
    bands = np.floor(bands).astype(np.int64)
    bands[:, 1] += people.astype(np.int64) - bands.sum(axis=1)  # whole people that add up
    for k, column in enumerate(AGE_BANDS):
        table[column] = bands[:, k]
    table["population_65plus"] = bands[:, 2] + bands[:, 3]
    # deprivation: quintiles spread evenly over the places, in a random order
    table["deprivation_quintile"] = (rng.permutation(n) * 5 // max(n, 1) + 1).astype(float)
    columns = ["place", "name", "population", "population_65plus", "deprivation_quintile",
               "commissioner", "council", *AGE_BANDS]
    return table[columns]


def pathway_denominators(pathways: pd.DataFrame) -> pd.Series:
    """The ``denominator`` of each generated pathway (ids end with their theme)."""
    theme = pathways["id"].str.split("-", n=1).str[1]
    return theme.map(DENOMINATORS).fillna("population")


def practice_lists(organisations: pd.DataFrame, systems) -> pd.Series:
    """The ``list_size`` column of organisations.csv: each practice's registered patients (whole
    numbers), missing for every other organisation."""
    lists = pd.concat([pd.Series(ics.practices.lists, index=ics.practices.ids)
                       for ics in systems])
    return pd.array(lists.reindex(organisations["id"]).round(), dtype="Int64")
