"""A system's profile: a named feature vector that says what kind of system it is, overall or
for one opportunity's scope, so that two systems can be compared before an intervention is
copied from one to the other.

Every feature is explained in one line in `FEATURES`. Shares are between 0 and 1; counts per
100,000 population need ``population`` in ``system.yaml`` (missing otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit._strings import plain_strings
from netkit.finance.positions import variable_share
from netkit.model.activity import organisation_flows, service_activity
from netkit.model.opportunity import Opportunity
from netkit.model.schema import HOME
from netkit.model.system import System

__all__ = ["Profile", "profile", "profile_in_scope", "FEATURES", "ACUTE", "COMMUNITY", "SOCIAL_CARE",
           "format_value"]

ACUTE = ("urgent_emergency", "acute_inpatient", "acute_outpatient")
COMMUNITY = ("community", "mental_health", "primary_care", "pharmacy")
SOCIAL_CARE = ("social_care", "care_home")

#: Feature name → what it measures, in one line.
FEATURES = {
    "organisations": "organisations in scope (providers and commissioners)",
    "providers_per_100k": "provider organisations per 100,000 population",
    "acute_trusts_per_100k": "acute trusts per 100,000 population",
    "care_homes_per_100k": "care homes per 100,000 population",
    "vcse_per_100k": "voluntary, community and social enterprise bodies per 100,000 population",
    "patients_entering_per_100k": "patients a year entering the pathways, per 100,000 population",
    "activity_concentration": "Herfindahl index of activity across providers (1: one provider "
                              "does everything)",
    "providers_for_80pct": "fewest providers that together deliver 80% of the activity",
    "cross_organisation_share": "share of moves between services that cross from one "
                                "organisation to another",
    "handoffs_per_patient": "moves between organisations per patient entering the pathways",
    "acute_share": "share of activity in acute services (emergency, inpatient, outpatient)",
    "community_share": "share of activity in community, mental health and primary care",
    "social_care_share": "share of activity in social care and care homes",
    "vcse_share": "share of activity delivered by voluntary, hospice and housing bodies",
    "relationship_density": "existing relationships between organisations in scope, as a share "
                            "of all pairs",
    "relationship_strength": "mean strength (0-1) of those relationships, where recorded",
    "paid_by_activity_share": "share of commissioned value paid by activity rather than block "
                              "(an aligned-payment contract counts at its variable share)",
    "largest_provider_share": "share of activity at the single largest provider",
}

VCSE_TYPES = ("vcse", "hospice", "housing")


@dataclass(frozen=True)
class Profile:
    """A system's features (see `FEATURES`), overall or for an opportunity's scope.

    Attributes
    ----------
    system_name : str
    scope : str
        ``"whole system"`` or ``"opportunity ID"``.
    features : Series
        Feature name → value (NaN where it cannot be computed, e.g. no population).
    """

    system_name: str
    scope: str
    features: pd.Series

    def __getitem__(self, name: str) -> float:
        return float(self.features[name])

    def to_frame(self) -> pd.DataFrame:
        """``feature, value, meaning``."""
        return pd.DataFrame({"feature": self.features.index, "value": self.features.to_numpy(),
                             "meaning": [FEATURES[f] for f in self.features.index]})

    def to_dict(self) -> dict:
        from netkit.render.formats import to_jsonable

        return to_jsonable({"system": self.system_name, "scope": self.scope,
                            "features": self.features.to_dict()})

    def report(self):
        """The profile as a `netkit.render.document.Document`: the system and scope, then
        each feature and its value."""
        from netkit.render.document import HTML, TEXT, Document, Heading, Paragraph, Table

        frame = self.to_frame().assign(value=self.features.map(format_value).to_numpy())
        head = f"{self.system_name} ({self.scope})"
        return Document([Paragraph(head, only=TEXT), Heading(head, only=HTML),
                         Table(frame, right=("value",))], title=head)

    def to_text(self) -> str:
        from netkit.render.text import render_text

        return render_text(self.report())

    def _repr_html_(self) -> str:
        from netkit.render.html import render_html

        return render_html(self.report(), notebook=True)


def format_value(value: float) -> str:
    """A feature's value as shown: whole numbers from 100, else three significant figures.

    Examples
    --------
    >>> format_value(3280.6), format_value(0.18712), format_value(float("nan"))
    ('3,281', '0.187', '')
    """
    if value is None or np.isnan(value):
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


@plain_strings
def profile(system: System, opportunity: str | Opportunity | None = None,
            represent=None) -> Profile:
    """The profile of a system, or of an opportunity's scope in it.

    Examples
    --------
    >>> import netkit
    >>> p = profile(netkit.load_system(netkit.sample_path("tiny")))
    >>> round(p["cross_organisation_share"], 3), p["providers_for_80pct"]
    (0.776, 3.0)
    """
    if opportunity is None:
        flows, services = system.flows, system.services
        orgs = system.organisations
        scope_label = "whole system"
    else:
        from netkit.partners.scope import find_scope, represent_rules

        opp = system.opportunity(opportunity) if isinstance(opportunity, str) else opportunity
        return profile_in_scope(system, find_scope(system, opp,
                                                   represent_rules(system, opp, represent)))
    return Profile(system.name, scope_label, _features(system, flows, services, orgs))


@plain_strings
def profile_in_scope(system: System, scope) -> Profile:
    """The profile of an opportunity's scope already found (`netkit.partners.scope.Scope`, such
    as a partner set's ``scope``): the same as `profile` with that opportunity, without
    finding the scope again.

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> ps = netkit.find_partners(tiny, "frailty")
    >>> profile_in_scope(tiny, ps.scope).features.equals(profile(tiny, "frailty").features)
    True
    """
    services = system.services[isin(system.services["id"], scope.services["id"].tolist())]
    orgs = system.organisations[isin(system.organisations["id"],
                                     scope.organisations["id"].tolist())]
    return Profile(system.name, f"opportunity {scope.opportunity.id}",
                   _features(system, scope.flows, services, orgs))


def _features(system: System, flows: pd.DataFrame, services: pd.DataFrame,
              orgs: pd.DataFrame) -> pd.Series:
    per_100k = _per_100k(system)
    activity = service_activity(flows)
    svc = services.set_index("id")
    by_service = activity.reindex(svc.index).fillna(0.0)
    by_provider = by_service.groupby(svc["provider"]).sum()
    total = float(by_provider.sum())
    shares = (by_provider / total).sort_values(ascending=False) if total else by_provider * 0
    types = system.organisation_lookup("type")
    providers = set(svc["provider"])
    org_types = orgs.set_index("id")["type"]
    category = svc["category"].reindex(by_service.index)

    moves, crossing, entering = _movement(flows, services)

    ids = set(orgs["id"])
    rels = system.relationships
    rels = rels[isin(rels["source"], ids) & isin(rels["target"], ids)
                & (rels["source"] != rels["target"]).fillna(False).to_numpy(dtype=bool)]
    pairs = _distinct_pairs(rels["source"], rels["target"])
    n = len(ids)
    strength = rels["strength"].mean()
    commissions = system.relationships[
        (system.relationships["type"] == "commissions").fillna(False).to_numpy(dtype=bool)]
    commissions = commissions[isin(commissions["target"], providers)]
    value = commissions["value"].fillna(0)
    paid = float(value.sum())
    # an aligned-payment (api) contract is paid by activity on its variable share only
    by_activity = float((value * variable_share(commissions)).sum()) if paid else np.nan
    cumulative = shares.cumsum().to_numpy()
    needed = float(np.searchsorted(cumulative, 0.8 - 1e-9) + 1) if total else np.nan

    def share_of(categories):
        return float(by_service[category.isin(categories)].sum() / total) if total else np.nan

    return pd.Series({
        "organisations": float(n),
        "providers_per_100k": len(providers) * per_100k,
        "acute_trusts_per_100k": float((org_types == "acute_trust").sum()) * per_100k,
        "care_homes_per_100k": float((org_types == "care_home").sum()) * per_100k,
        "vcse_per_100k": float(org_types.isin(VCSE_TYPES).sum()) * per_100k,
        "patients_entering_per_100k": entering * per_100k,
        "activity_concentration": float((shares ** 2).sum()) if total else np.nan,
        "providers_for_80pct": needed,
        "cross_organisation_share": crossing / moves if moves else np.nan,
        "handoffs_per_patient": crossing / entering if entering else np.nan,
        "acute_share": share_of(ACUTE),
        "community_share": share_of(COMMUNITY),
        "social_care_share": share_of(SOCIAL_CARE),
        "vcse_share": (float(by_provider[np.array(
            [types.get(o) in VCSE_TYPES for o in by_provider.index], dtype=bool)].sum())
            / total) if total else np.nan,
        "relationship_density": pairs / (n * (n - 1) / 2) if n > 1 else np.nan,
        "relationship_strength": float(strength) if strength == strength else np.nan,
        "paid_by_activity_share": by_activity / paid if paid else np.nan,
        "largest_provider_share": float(shares.iloc[0]) if total else np.nan,
    }, dtype="float64")


def _distinct_pairs(source: pd.Series, target: pd.Series) -> int:
    """How many distinct unordered pairs (a tie either way counts once).

    Examples
    --------
    >>> _distinct_pairs(pd.Series(["a", "b", "a"]), pd.Series(["b", "a", "c"]))
    2
    """
    codes, _ = pd.factorize(np.concatenate([source.to_numpy(dtype=object),
                                            target.to_numpy(dtype=object)]))
    a, b = codes[:len(source)].astype(np.int64), codes[len(source):].astype(np.int64)
    low, high = np.minimum(a, b), np.maximum(a, b)
    return int(len(np.unique(low * (int(codes.max(initial=0)) + 1) + high)))


def _per_100k(system: System) -> float:
    """The factor that turns a count into a count per 100,000 population (missing without a
    usable ``population``)."""
    population = system.meta.get("population")
    try:
        return 100_000 / float(population) if population else np.nan
    except (TypeError, ValueError):
        return np.nan


def _movement(flows: pd.DataFrame, services: pd.DataFrame) -> tuple[float, float, float]:
    """Patients moving between services, those of them crossing between organisations, and
    patients entering the pathways from home, a year."""
    inner = flows[(flows["source"] != HOME) & (flows["target"] != HOME)]
    handoffs = organisation_flows(inner, services)
    moves = float(inner["patients"].sum())
    crossing = float(handoffs.loc[handoffs["source"] != handoffs["target"], "patients"].sum())
    entering = float(flows.loc[flows["source"] == HOME, "patients"].sum())
    return moves, crossing, entering
