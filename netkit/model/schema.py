"""The input format contract (versions 1 and 2) as data: tables, columns, kinds of value, vocabularies.

Reading, validation and saving all work from these specifications, so the contract is written down
once. ``docs/format.md`` is the prose version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads this module for its help text: no pandas at start-up
    import pandas as pd

__all__ = [
    "DAY_UNITS",
    "counted_in_days",
    "unit_words",
    "MONEY_CEILING",
    "COUNT_CEILING",
    "HOME",
    "TableSpec",
    "TABLES",
    "ORGANISATION_TYPES",
    "SERVICE_CATEGORIES",
    "PAYMENT_BASES",
    "RELATIONSHIP_TYPES",
    "SYSTEM_KEYS",
    "BENEFITS",
    "STATUTORY_TYPES",
    "complete_columns",
    "VERSION_1_TABLES",
    "POPULATION_PREFIX",
    "population_words",
    "FINANCE_KEYS",
    "EVIDENCE_QUALITY",
]

#: The largest amount of money netkit takes, in pounds a year (or per contact): a thousand
#: times the NHS in England's annual budget, so only a typing error or the wrong units exceed it.
MONEY_CEILING = 1e12
#: The largest count netkit takes: patients or contacts a year, or a population (England has
#: about 57 million people).
COUNT_CEILING = 1e9

#: The stand-in for "outside the modelled services" in flows.
HOME = "@home"


@dataclass(frozen=True)
class TableSpec:
    """One table of the contract.

    ``kinds`` maps each known column to ``"id"`` (text, exactly as written, must be present),
    ``"ref"`` (text naming an id elsewhere), ``"text"``, ``"number"`` (a plain decimal) or
    ``"list"`` (``;``-separated text). Columns not named are kept as text attributes.
    """

    name: str
    required: tuple[str, ...]
    kinds: dict
    key: tuple[str, ...] = ()
    must_have_rows: bool = True
    must_exist: bool = True

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.kinds)

    def numeric_columns(self) -> tuple[str, ...]:
        return tuple(c for c, k in self.kinds.items() if k == "number")

    @property
    def optional(self) -> tuple[str, ...]:
        """The contract's columns a file may leave out."""
        return tuple(c for c in self.kinds if c not in self.required)

    def empty_column(self, column: str, index) -> pd.Series:
        """An optional column with every cell missing, typed as the loader types it: numbers as
        float64, text, references and lists as text."""
        import numpy as np
        import pandas as pd

        if self.kinds[column] == "number":
            return pd.Series(np.nan, index=index, dtype="float64")
        return pd.Series(np.nan, index=index, dtype=str)  # every cell missing text


def complete_columns(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every optional column of table ``name`` that it lacks added, empty and
    typed (`TableSpec.empty_column`), after the columns it has; ``frame`` itself when it lacks
    none. Analysis code can then read any contract column without asking whether it is there.

    Examples
    --------
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"pathway": ["p"], "source": ["A"], "target": ["B"],
    ...                       "patients": [10.0]})
    >>> complete_columns("flows", flows)["place"].isna().tolist()
    [True]
    """
    spec = TABLES[name]
    missing = [c for c in spec.optional if c not in frame.columns]
    if not missing:
        return frame
    return frame.assign(**{c: spec.empty_column(c, frame.index) for c in missing})


TABLES: dict[str, TableSpec] = {
    "organisations": TableSpec(
        "organisations",
        required=("id", "name", "type"),
        kinds={"id": "id", "name": "text", "type": "text", "sector": "text", "place": "text",
               "parent": "ref", "budget": "number"},
        key=("id",),
    ),
    "services": TableSpec(
        "services",
        required=("id", "name", "provider", "category"),
        kinds={"id": "id", "name": "text", "provider": "ref", "category": "text", "place": "text",
               "capacity": "number", "unit_cost": "number", "price": "number",
               "marginal_cost": "number"},
        key=("id",),
    ),
    "pathways": TableSpec(
        "pathways",
        required=("id", "name"),
        kinds={"id": "id", "name": "text", "cohort": "text", "tags": "list",
               "denominator": "text"},
        key=("id",),
    ),
    "flows": TableSpec(
        "flows",
        required=("pathway", "source", "target", "patients"),
        kinds={"pathway": "ref", "source": "ref", "target": "ref", "patients": "number",
               "place": "text", "commissioner": "ref", "period": "text"},
        key=("pathway", "source", "target", "place", "period"),
    ),
    "relationships": TableSpec(
        "relationships",
        required=("source", "target", "type"),
        kinds={"source": "ref", "target": "ref", "type": "text", "value": "number",
               "payment": "text", "strength": "number", "variable_share": "number",
               "service": "ref"},
        must_have_rows=False,
        must_exist=False,
    ),
    # version 2: the places the ``place`` columns name, with their populations and the bodies
    # responsible for their residents; extra ``population_*`` columns are age bands (numbers)
    "places": TableSpec(
        "places",
        required=("place",),
        kinds={"place": "id", "name": "text", "population": "number",
               "population_65plus": "number", "deprivation_quintile": "number",
               "commissioner": "ref", "council": "ref"},
        key=("place",),
        must_have_rows=False,
        must_exist=False,
    ),
    # version 2: named seats (several organisations taking part as one partner)
    "seats": TableSpec(
        "seats",
        required=("id", "name", "members"),
        kinds={"id": "id", "name": "text", "members": "list", "kind": "text"},
        key=("id",),
        must_have_rows=False,
        must_exist=False,
    ),
}

#: The tables of format version 1 (every system has them, perhaps empty); version 2 adds
#: ``places`` and ``seats``.
VERSION_1_TABLES = ("organisations", "services", "pathways", "flows", "relationships")

#: Extra columns of ``places.csv`` whose names start with this are age bands, read as numbers.
POPULATION_PREFIX = "population_"


def population_words(column: str | None) -> str:
    """A population column of ``places.csv`` (a denominator) in words for a report:
    ``population_65plus`` is ``aged 65 and over``, ``population_0_17`` ``aged 0 to 17``,
    ``population_under5`` ``aged under 5``, ``population`` ``people``.

    Examples
    --------
    >>> [population_words(c) for c in ("population_65plus", "population_0_17", "population",
    ...                                "population_under5", "population_adults", None)]
    ['aged 65 and over', 'aged 0 to 17', 'people', 'aged under 5', 'adults', 'people']
    """
    import re

    band = str(column or "population")
    band = band[len(POPULATION_PREFIX):] if band.startswith(POPULATION_PREFIX) else (
        "" if band == "population" else band)
    for pattern, words in ((r"(\d+)_?plus", "aged {0} and over"), (r"(\d+)_(\d+)",
                                                                   "aged {0} to {1}"),
                           (r"under_?(\d+)", "aged under {0}")):
        match = re.fullmatch(pattern, band)
        if match:
            return words.format(*match.groups())
    return band.replace("_", " ") if band else "people"

ORGANISATION_TYPES = (
    "icb", "acute_trust", "community_trust", "mental_health_trust", "ambulance_trust",
    "gp_practice", "pcn", "gp_federation", "local_authority", "social_care_provider", "care_home",
    "hospice", "vcse", "pharmacy", "housing", "other",
)

SERVICE_CATEGORIES = (
    "primary_care", "urgent_emergency", "acute_inpatient", "acute_outpatient", "community",
    "mental_health", "social_care", "ambulance", "care_home", "vcse_support", "pharmacy", "other",
)

#: How a contract pays: by ``activity``, a fixed ``block``, or aligned payment and incentive
#: (``api``: a fixed part and a variable part, ``variable_share`` of the contract, that moves
#: with activity) from version 2.
PAYMENT_BASES = ("activity", "block", "api")

#: Relationship types: version 1's six, and ``subcontracts`` (source pays target for part of a
#: service it is commissioned for) from version 2, so a version 2 file is not warned about.
RELATIONSHIP_TYPES = (
    "commissions", "contract", "partnership", "data_sharing", "governance", "staff_sharing",
    "subcontracts",
)

#: The keys of ``system.yaml``: version 1's, and version 2's ``finance`` and ``coordination``.
SYSTEM_KEYS = ("name", "snapshot", "population", "currency", "description", "finance",
               "coordination")

#: The keys of ``system.yaml``'s ``finance`` mapping (version 2): ``marginal_share`` by service
#: category (0–1), and the coordination burden's days a year per seat and per new relationship
#: and the cost of a day of staff time (£).
FINANCE_KEYS = ("marginal_share", "seat_days", "tie_days", "day_cost")

#: How sure an evaluation is (``evidence.quality`` on an opportunity).
EVIDENCE_QUALITY = ("high", "moderate", "low")

BENEFITS = ("quality", "outcomes", "allocative_efficiency", "technical_efficiency")

#: Organisation types with a statutory duty in health and care (used for legitimacy).
STATUTORY_TYPES = (
    "icb", "acute_trust", "community_trust", "mental_health_trust", "ambulance_trust",
    "local_authority",
)


#: Values of ``services.unit`` (read stripped and in lower case) meaning a contact there is a bed
#: day: the diagnosis counts bed days there, a shift's bed days moved are its contacts there, and
#: validation checks near misses against these words.
DAY_UNITS = ("day", "days", "bed_day", "bed day", "bed days", "bed_days")


def counted_in_days(services) -> "np.ndarray":
    """Which services count a contact as a bed day: ``services.unit`` (any case, spaces around
    ignored) is one of `DAY_UNITS`; all False without a ``unit`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> counted_in_days(pd.DataFrame({"unit": ["Bed Days", "contact", None]})).tolist()
    [True, False, False]
    """
    import numpy as np

    if "unit" not in services:
        return np.zeros(len(services), dtype=bool)
    return unit_words(services).isin(DAY_UNITS).to_numpy()


def unit_words(services) -> pd.Series:
    """Each service's ``unit`` as netkit reads it: trimmed, lower case, "" where blank.

    Examples
    --------
    >>> import pandas as pd
    >>> unit_words(pd.DataFrame({"unit": [" Bed Days", None]})).tolist()
    ['bed days', '']
    """
    unit = services["unit"].astype(object).where(services["unit"].notna(), "")
    return unit.astype(str).str.strip().str.lower()
