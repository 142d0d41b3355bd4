"""Marginal cost: the part of a contact's cost that goes when the contact goes.

A service's ``unit_cost`` is an average: it spreads the fixed costs of wards, buildings and
salaried staff over the contacts. When a few contacts fewer happen, only the short-run marginal
part is saved in cash (drugs, consumables, bank and agency shifts, commissioned hours); the rest
is capacity released for other patients, which is cash only if beds close or posts go.
Each service's marginal cost per contact is, in order:

1. ``services.marginal_cost``, where the data give it;
2. ``unit_cost × finance.marginal_share[category]`` from ``system.yaml``;
3. ``unit_cost × DEFAULT_MARGINAL_SHARE[category]``.

The defaults are stated assumptions, not measurements; set your own in ``system.yaml``. The
reasoning for each:

* acute inpatient 0.3, urgent and emergency care 0.3, ambulance 0.3: staffed beds, departments
  and fleets are fixed in the short run; NHS payment rules have long assumed a low marginal cost
  of emergency activity (the marginal rate emergency rule, 2010/11 to 2019/20, paid 30% of the
  tariff, later 50%, for emergency admissions above a 2008/09 baseline);
* acute outpatient 0.4: clinics are sessions of salaried staff; tests and consumables vary;
* mental health 0.5, primary care 0.5, other 0.5: mostly salaried teams;
* community 0.7: community teams grow and shrink with their caseloads through bank, agency and
  recruitment within a year, so most of their cost moves with contacts;
* social care 0.85, care home 0.9: councils buy home-care hours and care-home weeks from
  providers by the unit, so nearly all of the price goes with the contact;
* voluntary sector 0.8, pharmacy 0.8: paid per referral or item in most contracts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from netkit.model.system import System

__all__ = ["DEFAULT_MARGINAL_SHARE", "marginal_unit_costs", "marginal_share_source"]

#: Share of a service's unit cost that is short-run marginal, by service category (the
#: module's docstring gives the reasoning). Override in ``system.yaml`` under
#: ``finance: {marginal_share: {CATEGORY: share}}``, or per service with ``marginal_cost``.
DEFAULT_MARGINAL_SHARE = {
    "acute_inpatient": 0.3, "urgent_emergency": 0.3, "ambulance": 0.3, "acute_outpatient": 0.4,
    "mental_health": 0.5, "primary_care": 0.5, "community": 0.7, "social_care": 0.85,
    "care_home": 0.9, "vcse_support": 0.8, "pharmacy": 0.8, "other": 0.5,
}
_UNKNOWN_CATEGORY_SHARE = DEFAULT_MARGINAL_SHARE["other"]


def _shares(system: System, services: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The share used for each service, and where it came from (system.yaml or default)."""
    finance = system.meta.get("finance") or {}
    configured = finance.get("marginal_share") or {}
    category = services["category"]
    from_yaml = category.map(configured)
    default = category.map(DEFAULT_MARGINAL_SHARE).fillna(_UNKNOWN_CATEGORY_SHARE)
    share = from_yaml.where(from_yaml.notna(), default).astype("float64")
    source = pd.Series("default", index=services.index).where(from_yaml.isna(), "system.yaml")
    return share, source


def marginal_unit_costs(system: System, services: pd.DataFrame | None = None) -> pd.Series:
    """Marginal cost per contact of each service (£), indexed by service id.

    Parameters
    ----------
    system : System
    services : DataFrame, optional
        Rows of ``system.services`` (default: all), with ``id, category, unit_cost,
        marginal_cost``.

    Returns
    -------
    Series
        ``marginal_cost`` where given, else ``unit_cost`` times the category's marginal share
        (`marginal_share_source` says which); missing where neither cost is known.

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> costs = marginal_unit_costs(tiny)
    >>> float(costs["ED"]), float(tiny.services.set_index("id").at["ED", "unit_cost"])
    (90.0, 300.0)
    """
    services = system.services if services is None else services
    share, _ = _shares(system, services)
    derived = services["unit_cost"].astype("float64") * share
    given = services["marginal_cost"].astype("float64")
    cost = given.where(given.notna(), derived)
    return pd.Series(cost.to_numpy(), index=services["id"].to_numpy(), name="marginal_cost")


def marginal_share_source(system: System, services: pd.DataFrame | None = None) -> pd.Series:
    """Where each service's marginal cost comes from: ``data`` (``services.marginal_cost``),
    ``system.yaml`` (``finance.marginal_share``) or ``default`` (`DEFAULT_MARGINAL_SHARE`).

    Examples
    --------
    >>> import netkit
    >>> marginal_share_source(netkit.load_system(netkit.sample_path("tiny")))["ED"]
    'default'
    """
    services = system.services if services is None else services
    _, source = _shares(system, services)
    source = source.where(services["marginal_cost"].isna(), "data")
    return pd.Series(source.to_numpy(), index=services["id"].to_numpy(), name="source")
