"""One palette for everything netkit draws: organisation types, partner tiers and changes on
the maps, the lines of charts, and the ink and rules of every page. No colour is written anywhere
else in netkit's Python (a test checks).

The scheme colours are the Okabe–Ito set, which stays distinct for the common forms of colour
blindness, with NHS blue for the core. Sixteen organisation types cannot each have a distinct,
colour-blind-safe colour, so types are grouped into eight families, and each family also has its
own shape: colour is never the only cue. Text, lines and page furniture use the NHS identity's
blues and greys.

The palette lives in the base layer, beside the page writer, so that pages and charts made in any
layer (reports, timelines, comparisons, maps) take their colours from it.

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
           "fade", "SHAPES", "SCHEME_TITLES", "TIER_LABELS", "NHS_BLUE", "NHS_DARK_BLUE", "INK",
           "INK_MUTED", "OUTLINE", "LINE", "RULE", "PANEL", "CURVE_COLOURS",
           "DIFFERENCE_COLOURS", "NHS_GREEN", "SPC_COLOURS", "FUNNEL_COLOURS"]

# -- ink and page: the NHS identity's blues and greys ------------------------------------------
NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
#: Text and labels (NHS black).
INK = "#212B32"
#: Secondary text: subtitles, notes, footers.
INK_MUTED = "#4C6272"
#: Node outlines, legend swatches, reference lines (NHS dark grey).
OUTLINE = "#425563"
#: Edges, and points shown only for context (NHS mid grey).
LINE = "#768692"
#: Borders and rules.
RULE = "#D8DDE0"
#: Table headings' background.
PANEL = "#F0F4F5"


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

TIER_COLOURS = {"core": NHS_BLUE, "involve": "#E69F00", "inform": "#BBBBBB"}

CHANGE_COLOURS = {"joined": "#009E73", "left": "#D55E00", "moved": "#E69F00",
                  "entered": "#009E73", "exited": "#D55E00",
                  "changed": "#E69F00", "added": "#009E73", "removed": "#D55E00",
                  "core": NHS_BLUE, "unchanged": "#BBBBBB"}

#: Services drawn on the system map, and anything shown only for context.
FADED = RULE

#: The benefit/cost curve's lines (NHS blue, red and green) and the chosen size's marker.
CURVE_COLOURS = {"benefit": NHS_BLUE, "cost": "#DA291C", "net": "#007F3B", "stop": OUTLINE}

#: Bars of a comparison: where the target is above the source, and where it is below.
DIFFERENCE_COLOURS = {"above": NHS_BLUE, "below": "#D55E00"}

#: NHS green: a plan's line on a delivery chart.
NHS_GREEN = "#007F3B"

#: Making Data Count's SPC colours: blue for improvement, orange for concern, purple for a
#: special cause that is neither, grey for common cause; the assurance icon's pass, fail and
#: hit-and-miss; grey where there is no signal.
SPC_COLOURS = {"improvement": "#289DE0", "concern": "#FAB428", "neither": "#490092",
               "common_cause": "#7B7D7D", "pass": "#289DE0", "fail": "#FAB428",
               "hit_and_miss": "#7B7D7D", None: "#BBBBBB"}

#: A funnel plot's places: above the upper limit (NHS red), below the lower (NHS green).
FUNNEL_COLOURS = {"above": "#D5281B", "below": NHS_GREEN}


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
