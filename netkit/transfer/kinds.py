"""Kinds of organisation for matching across systems: a council's counterpart is a council, an
ambulance trust's is an ambulance trust, never a GP practice.

`KIND_OF` maps each organisation type to the kind it is matched within (GP practices, PCNs and
GP federations are all primary care; community and mental health trusts are matched with each
other, since one system's combined trust does what two trusts do in another); `TYPE_WORDS`
names each type as a board paper would.
"""

from __future__ import annotations

__all__ = ["KIND_OF", "TYPE_WORDS", "kind_of", "type_words"]

KIND_OF = {
    "icb": "commissioner", "local_authority": "council",
    "acute_trust": "acute", "community_trust": "community and mental health",
    "mental_health_trust": "community and mental health", "ambulance_trust": "ambulance",
    "gp_practice": "primary care", "pcn": "primary care", "gp_federation": "primary care",
    "social_care_provider": "social care", "care_home": "social care", "hospice": "hospice",
    "vcse": "voluntary sector", "pharmacy": "pharmacy", "housing": "housing", "other": "other",
}

TYPE_WORDS = {
    "icb": "ICB", "local_authority": "council", "acute_trust": "acute trust",
    "community_trust": "community trust", "mental_health_trust": "mental health trust",
    "ambulance_trust": "ambulance trust", "gp_practice": "GP practice", "pcn": "PCN",
    "gp_federation": "GP federation", "social_care_provider": "social care provider",
    "care_home": "care home", "hospice": "hospice", "vcse": "voluntary body",
    "pharmacy": "pharmacy", "housing": "housing provider", "other": "other provider",
}


def kind_of(org_type) -> str:
    """The kind an organisation type is matched within (an unknown type is its own kind).

    Examples
    --------
    >>> kind_of("pcn"), kind_of("mental_health_trust"), kind_of("hospital_at_home_co")
    ('primary care', 'community and mental health', 'hospital_at_home_co')
    """
    return KIND_OF.get(str(org_type), str(org_type))


def type_words(org_type) -> str:
    """The type in words (``acute_trust`` → ``acute trust``)."""
    return TYPE_WORDS.get(str(org_type), str(org_type).replace("_", " "))
