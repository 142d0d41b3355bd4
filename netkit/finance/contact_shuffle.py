"""Version 1's contact shuffle, kept for comparison (`shift_activity`):
`netkit.finance.incentives.incentives` no longer uses it (it diverts patients:
`netkit.finance.diversion`)."""

from __future__ import annotations

import pandas as pd

from netkit.model.opportunity import Shift
from netkit.model.selectors import select_services

__all__ = ["shift_activity"]


def _expand(selectors, services: pd.DataFrame) -> pd.Series:
    return pd.Series(select_services(services, selectors), index=services.index)


def shift_activity(shift: Shift, services: pd.DataFrame) -> pd.Series:
    """Version 1's contact shuffle, kept for comparison: change in activity per in-scope service
    when ``fraction`` of the *contacts* at the ``from`` services move to the ``to`` services.
    `incentives` no longer uses it (it diverts patients: `netkit.finance.diversion`).

    Examples
    --------
    >>> services = pd.DataFrame({"id": ["ED", "UCR", "DN"], "category": ["a", "c", "c"],
    ...                          "activity": [500.0, 300.0, 100.0]})
    >>> shift_activity(Shift(("ED",), ("category:c",), 0.2), services).to_dict()
    {'ED': -100.0, 'UCR': 75.0, 'DN': 25.0}
    """
    source = _expand(shift.from_, services)
    target = _expand(shift.to, services) & ~source
    moved = services["activity"].where(source, 0.0) * shift.fraction
    receiving = services["activity"].where(target, 0.0)
    if receiving.sum() > 0:
        weights = receiving / receiving.sum()
    else:
        weights = target.astype(float) / max(int(target.sum()), 1)
    change = -moved + weights * moved.sum()
    return pd.Series(change.to_numpy(), index=services["id"].to_numpy()).astype("float64")
