"""The real numbers the generator follows: organisations per ICB, and national rates.

`ics_counts` reads the counts of GP practices, primary care networks, places and NHS trusts per
ICB that ship with netkit (``netkit/data/ics_counts.csv``, derived by
``sample_networks/make_ics_counts.py`` from NHS England's organisation data; Open Government
Licence v3.0). `choose_area` picks the ICBs a scale and area ask for.
"""

from __future__ import annotations

from importlib import resources
from io import StringIO

import pandas as pd

from netkit.errors import OptionError

__all__ = ["ics_counts", "choose_area", "SCALES", "LIST_SIZE", "PER_PRACTICE", "ATTRIBUTION"]

SCALES = ("ics", "region", "national")
#: Patients registered per GP practice in England (about 60 million over 6,348 practices).
LIST_SIZE = 9_450
#: Organisations that ODS does not count here, per GP practice at national rates: about
#: 14,000 care homes (CQC), 8,500 home-care providers, 10,500 community pharmacies, 200
#: hospices, and the voluntary bodies that take referrals in these pathways.
PER_PRACTICE = {"care_home": 2.2, "social_care_provider": 1.35, "pharmacy": 1.65,
                "vcse": 1.5, "hospice": 0.032}
ATTRIBUTION = ("Structure derived from NHS England Organisation Data Service data and ONS ICB "
               "names and codes; contains public sector information licensed under the Open "
               "Government Licence v3.0. Every organisation name, code and volume is synthetic.")


def ics_counts() -> pd.DataFrame:
    """The real per-ICB counts the generator follows (one row per ICB).

    Examples
    --------
    >>> counts = ics_counts()
    >>> len(counts), int(counts["gp_practices"].sum())
    (42, 6348)
    """
    text = resources.files("netkit").joinpath("data/ics_counts.csv").read_text(encoding="utf-8")
    return pd.read_csv(StringIO(text), comment="#", dtype={"icb": str, "region": str})


def choose_area(counts: pd.DataFrame, scale: str, area: str | None, rng):
    """The rows of `counts` a scale and area cover, and the area's name.

    Without an area, ``rng`` picks an ICB (``ics``) or a region (``region``).
    """
    if scale == "national":
        if area not in (None, "", "England", "national"):
            raise OptionError(f"area: national scale covers all of England; leave out "
                              f"--area (got {area!r})")
        return counts, "England"
    if scale == "ics":
        if area is None:
            area = counts["icb"].iloc[int(rng.integers(len(counts)))]
        match = counts[counts["icb"].str.upper() == str(area).upper()]
        if match.empty:
            raise OptionError(f"area: {area!r} is not an ICB code (expected one of "
                              f"{', '.join(counts['icb'])})")
        return match, f"{match['icb'].iloc[0]} {match['icb_name'].iloc[0]}"
    regions = counts.drop_duplicates("region")[["region", "region_name"]]
    if area is None:
        area = regions["region"].iloc[int(rng.integers(len(regions)))]
    key = str(area).strip().lower()
    hit = regions[(regions["region"].str.lower() == key) | (regions["region_name"].str.lower() == key)]
    if hit.empty:
        raise OptionError(f"area: {area!r} is not an NHS region (expected a code or name: " +
                          ", ".join(f"{r} {n}" for r, n in zip(regions["region"],
                                                               regions["region_name"])) + ")")
    code = hit["region"].iloc[0]
    return counts[counts["region"] == code], f"{code} {hit['region_name'].iloc[0]}"
