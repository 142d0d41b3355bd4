"""The responsible commissioner of a flow: the body that pays for these patients' care.

In the NHS the commissioner responsible for a patient is, broadly, the ICB of the place where
the patient is registered or lives, not the ICB that hosts the provider's contract: when a
neighbouring ICS's residents are treated by a trust over the border, their own ICB pays. So a
flow's responsible commissioner is, in order:

1. the flow's own ``commissioner`` (``flows.csv``), where the data give it (``basis`` ``flow``);
2. the ``commissioner`` of the flow's place in ``places.csv`` (``basis`` ``place``);
3. none: the caller falls back on the contract-share rule (each commissioner's share of the
   provider's contracts by value), which is right only when every commissioner of a provider
   pays for the same mix of patients, and should say so (``basis`` ``contract``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from netkit.model.system import System

__all__ = ["responsible_commissioner", "CONTRACT_RULE_NOTE"]

#: The note a result gives when some flows fall back on the contract-share rule.
CONTRACT_RULE_NOTE = (
    "{n} of {total} in-scope flows have no responsible commissioner in the data (no "
    "commissioner on the flow, no place with a commissioner in places.csv); their spend is "
    "split by each commissioner's share of the provider's contracts")


def responsible_commissioner(system: System, flows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The responsible commissioner of each flow, and on what basis.

    Parameters
    ----------
    system : System
    flows : DataFrame, optional
        Rows of ``system.flows`` (default: all), with ``place`` and ``commissioner``.

    Returns
    -------
    DataFrame
        Indexed like ``flows``: ``commissioner`` (organisation id, missing where the contract
        rule applies) and ``basis`` (``flow``, ``place`` or ``contract``).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> flows = tiny.flows.head(1).assign(place="North")
    >>> responsible_commissioner(tiny, flows).iloc[0].tolist()
    ['ICB', 'place']
    """
    flows = system.flows if flows is None else flows
    places = system.places
    by_place = dict(zip(places["place"], places["commissioner"]))
    own = flows["commissioner"] if "commissioner" in flows else pd.Series(None, index=flows.index)
    of_place = flows["place"].map(by_place) if "place" in flows else pd.Series(
        None, index=flows.index)
    commissioner = own.where(own.notna(), of_place)
    basis = pd.Series("contract", index=flows.index, dtype=object)
    basis[of_place.notna()] = "place"
    basis[own.notna()] = "flow"
    return pd.DataFrame({"commissioner": commissioner.astype(object), "basis": basis},
                        index=flows.index)
