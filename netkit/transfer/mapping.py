"""An opportunity carried from the system where it was defined (the source) to another (the target): the same pathway tags, in all places; what names the source's own services and organisations is left behind."""

from __future__ import annotations

from netkit.errors import OpportunityError
from netkit.model.opportunity import Opportunity
from netkit.model.selectors import PATHWAY_KINDS, Selector, parse_selector, pathway_tags
from netkit.model.system import System

__all__ = ['transferred_opportunity']


def transferred_opportunity(source: System, target: System, opportunity) -> Opportunity:
    """The source's opportunity as it applies in the target: the same pathway tags (or ids),
    all places, no shift, include or exclude (those name the source's own services and
    organisations)."""
    opp = source.opportunity(opportunity) if isinstance(opportunity, str) else opportunity
    tags = source.pathways.set_index("id")["tags"]
    selectors = []
    for p in opp.pathways:
        if parse_selector(p, PATHWAY_KINDS).kind == "tag":
            selectors.append(p)
        elif isinstance(tags.get(p), str) and tags.get(p):
            selectors += [str(Selector("tag", t.strip()))
                          for t in tags.get(p).split(";")[:1] if t.strip()]
        else:
            selectors.append(p)
    known = set(target.pathways["id"])
    target_tags = {t for tags in pathway_tags(target.pathways) for t in tags}

    def usable_in_target(text: str) -> bool:
        selector = parse_selector(text, PATHWAY_KINDS)
        return selector.value in (target_tags if selector.kind == "tag" else known)

    usable = tuple(dict.fromkeys(s for s in selectors if usable_in_target(s)))
    if not usable:
        raise OpportunityError(
            f"opportunity {opp.id!r} selects pathways {', '.join(selectors)}, and "
            f"{target.name or 'the target'} has none of them; give its pathways the same tags")
    return Opportunity(id=opp.id, title=opp.title, benefits=opp.benefits, pathways=usable,
                       cohort=opp.cohort, weights=opp.weights,
                       coordination_cost=opp.coordination_cost, min_patients=opp.min_patients)
