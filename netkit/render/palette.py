"""One palette for every netkit picture: colours by organisation type, partner tier and change.

The colours are the Okabe–Ito set, which stays distinct for the common forms of colour
blindness, with NHS blue for the core. Sixteen organisation types cannot each have a distinct,
colour-blind-safe colour, so types are grouped into eight families, and each family also has its
own shape: colour is never the only cue.

Examples
--------
>>> family_of("mental_health_trust")
'community'
>>> FAMILIES["community"].label, FAMILIES["community"].colour
('Community and mental health trusts', '#009E73')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Family", "FAMILIES", "family_of", "TIER_COLOURS", "CHANGE_COLOURS", "FADED",
           "fade", "SHAPES"]


@dataclass(frozen=True)
class Family:
    """A group of organisation types drawn alike."""

    label: str
    colour: str
    shape: str  # a vis-network shape; `SHAPES` gives the matplotlib marker
    types: tuple


FAMILIES = {
    "icb": Family("Integrated care boards", "#0072B2", "diamond", ("icb",)),
    "hospital": Family("Hospital trusts", "#D55E00", "square", ("acute_trust",)),
    "community": Family("Community and mental health trusts", "#009E73", "triangle",
                        ("community_trust", "mental_health_trust")),
    "ambulance": Family("Ambulance trusts", "#F0E442", "triangleDown", ("ambulance_trust",)),
    "primary": Family("Primary care and pharmacy", "#56B4E9", "dot",
                      ("gp_practice", "pcn", "gp_federation", "pharmacy")),
    "council": Family("Councils, social care and care homes", "#E69F00", "hexagon",
                      ("local_authority", "social_care_provider", "care_home")),
    "vcse": Family("Voluntary, hospice and housing", "#CC79A7", "star",
                   ("vcse", "hospice", "housing")),
    "other": Family("Other", "#999999", "dot", ("other",)),
}

_FAMILY_OF_TYPE = {t: key for key, fam in FAMILIES.items() for t in fam.types}

#: vis-network shape → matplotlib marker, for the static picture.
SHAPES = {"diamond": "D", "square": "s", "triangle": "^", "triangleDown": "v", "dot": "o",
          "hexagon": "h", "star": "*"}

TIER_COLOURS = {"core": "#005EB8", "involve": "#E69F00", "inform": "#BBBBBB"}

CHANGE_COLOURS = {"joined": "#009E73", "left": "#D55E00", "moved": "#E69F00",
                  "entered": "#009E73", "exited": "#D55E00",
                  "changed": "#E69F00", "added": "#009E73", "removed": "#D55E00",
                  "core": "#005EB8", "unchanged": "#BBBBBB"}

#: Services drawn on the system map, and anything shown only for context.
FADED = "#D8DDE0"


def family_of(org_type: str) -> str:
    """The family key of an organisation type (``other`` for types netkit does not know)."""
    return _FAMILY_OF_TYPE.get(org_type, "other")


def fade(colour: str, amount: float = 0.65) -> str:
    """Blend a ``#RRGGBB`` colour towards white (for nodes shown only for context).

    Examples
    --------
    >>> fade("#000000", 0.5)
    '#808080'
    """
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


SCHEME_TITLES = {"type": "Organisation type", "tier": "Partner tier", "change": "Change"}


TIER_LABELS = {"core": "Core (at the table)", "involve": "Involve", "inform": "Inform"}
