"""The partner sets one comparison of systems needs, each found once (`PartnerSets`): the
target's profile, the counterparts by role and the money carried over read the same sets."""

from __future__ import annotations

from netkit.errors import OpportunityError
from netkit.model.system import System

__all__ = ["PartnerSets"]


class PartnerSets:
    """The partner sets one comparison needs, each found once: the same opportunity on the
    same system is never computed twice.

    `get` finds a set the first time it is asked for (the system, by identity, and the
    opportunity, by value; without reasons in words or the money's Monte Carlo ranges, which a
    comparison does not show) and
    returns the same object after; where the opportunity has
    nothing in scope the error is kept, and raised each time it is asked for (or ``None``
    with ``missing_ok``).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> sets = PartnerSets()
    >>> sets.get(tiny, tiny.opportunity("frailty")) is sets.get(tiny, tiny.opportunity("frailty"))
    True
    >>> len(sets)
    1
    """

    def __init__(self):
        self._found: list = []

    def get(self, system: System, opp, missing_ok: bool = False):
        from netkit.partners.find import find_partners

        for known, known_opp, found in self._found:
            if known is system and known_opp == opp:
                break
        else:
            try:
                found = find_partners(system, opp, explain=False, draws=0)
            except OpportunityError as error:
                found = error
            self._found.append((system, opp, found))
        if isinstance(found, OpportunityError):
            if missing_ok:
                return None
            raise found
        return found

    def __len__(self) -> int:
        return len(self._found)
