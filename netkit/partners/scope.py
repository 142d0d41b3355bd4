"""Scope: which flows, services and organisations an opportunity concerns.

1. Pathways named by id or ``tag:NAME``, kept where their cohort is one the opportunity names.
2. Their flows, kept where they belong to one of the opportunity's places (if it names any). A
   flow belongs to its own ``place`` where given, else to the places of its two ends (a service's
   place, else its provider's). A service with neither is system-wide: it enters a place's scope
   only through flows whose other end is in that place.
3. In-scope services are the ends of those flows (``@home`` is not a service); their providers
   are in scope, and so are the organisations that commission an in-scope provider. Where the
   opportunity names places, a commissioner that belongs to another place is left out (a
   council commissions for its own residents).
4. Representation: an organisation may take part through its parent (by default GP practices
   through their PCN). Each in-scope organisation maps to the *candidate* that stands for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit.errors import OptionError, unknown_name
from netkit.model.opportunity import DEFAULT_REPRESENT, Opportunity
from netkit.model.schema import HOME
from netkit.model.selectors import select_pathways
from netkit.model.system import System

__all__ = ["Scope", "find_scope", "DEFAULT_REPRESENT", "parse_represent", "represent_rules",
           "flow_places"]


@dataclass(frozen=True, repr=False)
class Scope:
    """What an opportunity concerns, in one system.

    Attributes
    ----------
    pathways : tuple of str
        Pathway ids in scope.
    flows : DataFrame
        The in-scope flows (``pathway, source, target, patients, place``).
    services : DataFrame
        In-scope services (``id, name, provider, category, unit_cost, price``), with
        ``activity`` (patient contacts a year in scope) and ``candidate`` (who stands for the
        provider).
    organisations : DataFrame
        Every in-scope organisation: ``id, name, type, role`` (``provider``, ``commissioner``
        or both), ``candidate``.
    represent : dict
        Organisation type → ``"parent"``; the rules used.
    """

    opportunity: Opportunity
    pathways: tuple[str, ...]
    flows: pd.DataFrame
    services: pd.DataFrame
    organisations: pd.DataFrame
    represent: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<Scope {self.opportunity.id!r}: pathways {', '.join(self.pathways)}; "
                f"{len(self.flows):,} flows, {len(self.services):,} services, "
                f"{len(self.organisations):,} organisations>")

    @cached_property
    def candidate_of(self) -> dict[str, str]:
        """In-scope organisation → the candidate that stands for it."""
        return dict(zip(self.organisations["id"].tolist(), self.organisations["candidate"].tolist()))

    def candidates_for(self, orgs) -> list[str]:
        """The candidates standing for some organisations (an include list, say), sorted;
        organisations outside the scope are left out."""
        return sorted({self.candidate_of.get(o, o) for o in orgs} & set(self.candidates))

    @cached_property
    def candidates(self) -> list[str]:
        """Organisations that can be chosen as partners (representatives), sorted by id."""
        return sorted(set(self.organisations["candidate"].tolist()))

    def members(self) -> dict[str, list[str]]:
        """Candidate → the in-scope organisations it stands for (other than itself)."""
        orgs = self.organisations
        others = orgs[orgs["id"] != orgs["candidate"]]
        return {c: sorted(g["id"]) for c, g in others.groupby("candidate")}

    @property
    def patients(self) -> float:
        """Patients a year entering the in-scope pathways from ``@home``."""
        return float(self.flows.loc[self.flows["source"] == HOME, "patients"].sum())


def parse_represent(text: str | Mapping | None, base: Mapping[str, str] | None = None,
                    known: Iterable[str] | None = None) -> dict[str, str] | None:
    """Read representation rules: ``"none"``, ``"gp_practice=parent,care_home=parent"`` or a
    mapping. ``None`` means "use the default".

    Parameters
    ----------
    text : str or mapping or None
        The rules. ``TYPE=self`` undoes a rule; ``none`` clears every rule, including the
        ones in ``base`` (``"none,care_home=parent"`` keeps only the care-home rule).
    base : mapping, optional
        The rules these are merged over (the opportunity's, else `DEFAULT_REPRESENT`), as
        ``--weights`` are merged over the defaults. Without it the rules are taken alone.
    known : iterable of str, optional
        The organisation types a rule may name (the known vocabulary and the types in the
        system); another name is an `OptionError` with a did-you-mean.

    Examples
    --------
    >>> parse_represent("gp_practice=parent, care_home=parent")
    {'gp_practice': 'parent', 'care_home': 'parent'}
    >>> parse_represent("none")
    {}
    >>> parse_represent("care_home=parent", base=DEFAULT_REPRESENT)
    {'gp_practice': 'parent', 'care_home': 'parent'}
    >>> parse_represent("gp_practise=parent", known=["gp_practice", "care_home"])
    Traceback (most recent call last):
    ...
    netkit.errors.OptionError: represent: 'gp_practise' is not a known name (did you mean 'gp_practice'?); expected one of care_home, gp_practice, e.g. gp_practice=parent
    """
    if text is None:
        return None
    merged = dict(base or {})
    if isinstance(text, Mapping):
        rules = {str(k): v for k, v in text.items()}
    else:
        rules = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            if part.lower() == "none":
                merged, rules = {}, {}
                continue
            org_type, _, how = part.partition("=")
            rules[org_type.strip()] = how.strip() or "parent"
    for org_type, how in rules.items():
        if how not in ("parent", "self"):
            raise OptionError(f"represent: {org_type}={how!r} is not a rule (expected "
                              f"TYPE=parent or TYPE=self, or 'none'), e.g. gp_practice=parent")
        if known is not None and org_type not in set(known):
            raise unknown_name("represent", org_type, sorted(set(known)), "gp_practice=parent")
    merged.update(rules)
    return {t: h for t, h in merged.items() if h == "parent"}


def flow_places(system: System, flows: pd.DataFrame) -> pd.DataFrame:
    """The places each flow belongs to: ``place`` (its own), else ``source_place`` and
    ``target_place`` (the ends' places; missing for ``@home`` and system-wide services)."""
    services = system.services
    orgs = system.organisations.set_index("id")
    service_place = services["place"].fillna(services["provider"].map(orgs["place"]))
    service_place.index = services["id"]
    return pd.DataFrame({"place": flows["place"],
                         "source_place": flows["source"].map(service_place),
                         "target_place": flows["target"].map(service_place)}, index=flows.index)


def _selected_pathways(system: System, opportunity: Opportunity) -> list[str]:
    pathways = system.pathways
    chosen = set(select_pathways(pathways, opportunity.pathways))
    if opportunity.cohort:
        in_cohort = set(pathways.loc[pathways["cohort"].isin(opportunity.cohort), "id"])
        chosen &= in_cohort
    return [p for p in pathways["id"] if p in chosen]


def _representatives(orgs: pd.DataFrame, rules: Mapping[str, str]) -> pd.Series:
    """Each organisation's candidate: follow ``parent`` while the type's rule says so."""
    ids = pd.Index(orgs["id"].to_numpy(dtype=object))
    parent = orgs["parent"].to_numpy(dtype=object)
    parent_at = ids.get_indexer(pd.Index(np.where(pd.notna(parent), parent, None)))
    follows = (orgs["type"].isin([t for t, how in rules.items() if how == "parent"]).to_numpy()
               & (parent_at >= 0))
    at = np.arange(len(ids))
    for _ in range(len(rules) + 1):  # a chain is at most as long as the rules used in it
        step = np.where(follows[at], parent_at[at], at)
        if np.array_equal(step, at):
            break
        at = step
    return pd.Series(ids.to_numpy()[at], index=ids.to_numpy())


def represent_rules(system: System, opportunity: Opportunity,
                    represent: str | Mapping | None) -> dict[str, str] | None:
    """The representation rules asked for, checked against the organisation types (the
    vocabulary and the system's own) and merged over the opportunity's, else the default;
    ``None`` where none were asked for. What every function taking ``represent=`` uses.

    Examples
    --------
    >>> import netkit
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> represent_rules(system, system.opportunity("falls"), "care_home=parent")
    {'gp_practice': 'parent', 'care_home': 'parent'}
    """
    from netkit.model.schema import ORGANISATION_TYPES

    base = opportunity.represent if opportunity.represent is not None else DEFAULT_REPRESENT
    known = set(ORGANISATION_TYPES) | set(system.organisations["type"].dropna().tolist())
    return parse_represent(represent, base=base, known=known)


def find_scope(system: System, opportunity: Opportunity,
               represent: Mapping[str, str] | None = None) -> Scope:
    """Work out an opportunity's scope in a system (see the module's description).

    Parameters
    ----------
    system : System
    opportunity : Opportunity
    represent : mapping, optional
        Representation rules (organisation type → ``"parent"``). By default the opportunity's
        own ``represent``, else `DEFAULT_REPRESENT`.

    Examples
    --------
    >>> import netkit
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> scope = find_scope(system, system.opportunity("falls"))
    >>> scope.candidates
    ['COMM', 'ICB', 'PCN1']
    >>> scope.members()
    {'PCN1': ['GP1']}
    """
    if represent is None:
        represent = opportunity.represent if opportunity.represent is not None else DEFAULT_REPRESENT
    pathway_ids = _selected_pathways(system, opportunity)
    flows = system.flows
    flows = flows[isin(flows["pathway"], pathway_ids)]
    if opportunity.places:
        places = flow_places(system, flows)
        wanted = list(opportunity.places)
        own = places["place"].notna()
        keep = np.where(own, places["place"].isin(wanted),
                        places["source_place"].isin(wanted) | places["target_place"].isin(wanted))
        flows = flows[keep]
    flows = flows.reset_index(drop=True)

    from netkit.model.activity import service_activity

    activity = service_activity(flows)
    services = system.services
    services = services[isin(services["id"], activity.index.tolist())].copy()
    services["activity"] = services["id"].map(activity).astype("float64")

    orgs = system.organisations
    candidate = _representatives(orgs, represent)
    providers = set(services["provider"].tolist())
    rels = system.relationships
    commissions = rels[(rels["type"] == "commissions") & isin(rels["target"], providers)]
    commissioners = set(commissions["source"].tolist())
    if opportunity.places:
        place_of = orgs.set_index("id")["place"]
        commissioners = {c for c in commissioners
                         if pd.isna(place_of.get(c)) or place_of.get(c) in opportunity.places}
    in_scope = orgs[isin(orgs["id"], providers | commissioners)]
    provides = isin(in_scope["id"], providers)
    role = np.select([provides & isin(in_scope["id"], commissioners), provides],
                     ["provider and commissioner", "provider"], "commissioner")
    organisations = pd.DataFrame({
        "id": in_scope["id"].to_numpy(), "name": in_scope["name"].to_numpy(),
        "type": in_scope["type"].to_numpy(), "role": role,
        "candidate": in_scope["id"].map(candidate).to_numpy(),
    }).sort_values("id", kind="mergesort").reset_index(drop=True)
    services["candidate"] = services["provider"].map(candidate)
    return Scope(opportunity, tuple(pathway_ids), flows,
                 services.sort_values("id", kind="mergesort").reset_index(drop=True),
                 organisations, dict(represent))
