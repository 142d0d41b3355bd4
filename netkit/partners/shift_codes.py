"""What a shift changes, on the flows' end codes: `netkit.partners.scope.intervention_flows`
with every set of services a boolean mask over the system's end codes
(`netkit.partners.coded.end_tables`).

The services a shift names, where their patients go next, the referrers it redirects and the
services downstream of it were sets of names, each turned back into a mask by a dict lookup
per name (the chosen services' mask alone took 0.03 s nationally); here they stay masks, and
no name is looked up.
"""

from __future__ import annotations

import numpy as np

from netkit.model.selectors import select_services

__all__ = ["shift_services"]


def shift_services(system, opportunity, codes) -> np.ndarray | None:
    """The services an opportunity's shift concerns (`netkit.partners.scope._intervention`'s
    ``chosen``), as a mask over end codes with one slot more (code -1: a missing end, never
    chosen), for flows coded as ``codes`` (`netkit.partners.coded.FlowCodes`); None where
    none of the shift's services has a flow among them."""
    tables = codes.tables
    slots = len(tables["labels"]) + 1
    source, target = codes.source, codes.target
    named = _mask(slots, np.concatenate([source, target]))
    shift = opportunity.shift
    from_ = _selected(system, shift.from_, tables, slots) & named
    to = _selected(system, shift.to, tables, slots) & named
    core = from_ | to
    if not core.any():
        return None
    home = np.zeros(slots, dtype=bool)
    if tables["home"] >= 0:
        home[tables["home"]] = True
    feeds_to = _mask(slots, source[to[target]])
    instead = from_ & ~feeds_to  # patients go to the 'to' services instead of these at all
    changers = ((_mask(slots, source[from_[target]]) & feeds_to)
                | _mask(slots, source[instead[target]])) & ~core
    chosen = (core | _mask(slots, target[core[source]]) | changers
              | _downstream(source, target, from_, home)) & ~home
    for _ in range(int(getattr(opportunity, "reach", None) or 0)):
        chosen |= (_mask(slots, target[chosen[source]]) | _mask(slots, source[chosen[target]])) \
            & ~home
    return chosen


def _mask(slots: int, codes: np.ndarray) -> np.ndarray:
    """True at ``codes`` (the names they stand for), never in the last slot (a missing end)."""
    out = np.zeros(slots, dtype=bool)
    out[codes] = True
    out[-1] = False
    return out


def _selected(system, selectors, tables: dict, slots: int) -> np.ndarray:
    """The end codes of the system's services ``selectors`` name."""
    code = tables["code_of_service"][select_services(system.services, selectors)]
    return _mask(slots, code[code >= 0])


def _downstream(source: np.ndarray, target: np.ndarray, start: np.ndarray,
                home: np.ndarray) -> np.ndarray:
    """`netkit.partners.scope._downstream` on masks: every service patients reach, step by
    step, from ``start``, never through ``@home`` or a missing end."""
    seen = start.copy()
    blocked = home.copy()
    blocked[-1] = True
    frontier = seen.copy()
    while frontier.any():
        reached = np.zeros_like(seen)
        reached[target[frontier[source]]] = True
        frontier = reached & ~seen & ~blocked
        seen |= frontier
    seen[-1] = False
    return seen
