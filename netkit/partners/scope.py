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
   through their PCN), never through a commissioner (an ICB that is a PCN's parent in ODS does
   not deliver its patients' contacts), and many small organisations of one kind in one place
   take part as one *seat* (`netkit.partners.seats`). Each in-scope organisation maps to the
   *candidate* that stands for it.

Three refinements (method version 2):

* **Residents** (`netkit.partners.residents`): in a place-scoped opportunity, a flow between
  system-wide services carries the residents of each place in proportion to who arrives, so
  patients keep their place through a county-wide council's services.
* **Intervention scope**: with a shift, the scope is what the shift changes: its ``from`` and
  ``to`` services, the services their patients go to next, and the services whose referrals
  it redirects (see `intervention_flows`); flows between those. ``reach: N`` widens that by
  N steps along the pathway, ``reach: pathway`` takes the whole pathway; without a shift the
  scope is the whole pathway.
* **Duties and the analyst** (`netkit.partners.duties`): councils whose statutory duties the
  scope touches, and organisations the opportunity includes, are in scope even with no flows.
  Commissioners are the responsible commissioners of the in-scope patients (their place's), and
  by contract share only where there is none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from netkit._strings import plain_strings
from netkit.errors import OptionError, unknown_name
from netkit.model.opportunity import DEFAULT_REPRESENT, Opportunity
from netkit.model.schema import HOME
from netkit.model.selectors import select_pathways
from netkit.model.system import System, kept, system_flow_codes
from netkit.partners.coded import FlowCodes
from netkit.partners.members import members_of

__all__ = ["Scope", "find_scope", "DEFAULT_REPRESENT", "parse_represent", "represent_rules",
           "flow_places", "intervention_flows", "COMMISSIONER_TYPES"]

#: Organisation types that commission and never deliver: representation through a parent never
#: stops at one (in ODS a PCN's parent is its ICB).
COMMISSIONER_TYPES = ("icb",)


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
    seats : DataFrame
        The seats in scope (`netkit.partners.seats.assign_seats`); empty where seats are off.
    duties : dict
        Council id → the statutory duty the scope touches, in words
        (`netkit.partners.duties`).
    extent : str
        What the scope covers, in words (the whole pathway, or what the shift changes).
    included : tuple of str
        Organisations in scope only because the opportunity includes them.
    pathway_flows : DataFrame or None
        The flows of the opportunity's pathways in its places before the intervention's scope
        was cut from them: the money follows diverted patients along all of them (their later
        care, and the referrals that bring them), whatever the scope.
    flow_rows : ndarray or None
        For each row of ``flows``, the system's flow it is (its label in ``system.flows``), so
        that a flow's input row is a lookup; None where the scope was put together otherwise.
    duty_parts : dict
        Council id → the figures and words of its ``duties`` reason
        (`netkit.partners.duties.duty_parts`), for writing it again under disclosure rules.
    """

    opportunity: Opportunity
    pathways: tuple[str, ...]
    flows: pd.DataFrame
    services: pd.DataFrame
    organisations: pd.DataFrame
    represent: Mapping[str, str] = field(default_factory=dict)
    seats: pd.DataFrame | None = None
    duties: Mapping[str, str] = field(default_factory=dict)
    extent: str = "the whole pathway"
    included: tuple = ()
    entering: float | None = None
    pathway_flows: pd.DataFrame | None = None
    flow_rows: np.ndarray | None = None
    duty_parts: Mapping[str, dict] = field(default_factory=dict)

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<Scope {self.opportunity.id!r}: pathways {', '.join(self.pathways)}; "
                f"{len(self.flows):,} flows, {len(self.services):,} services, "
                f"{len(self.organisations):,} organisations>")

    def __getstate__(self) -> dict:
        """What a pickle or a copy keeps: not what `kept` holds, which names the system
        itself (a partner set sent back from a worker process would carry the whole system)."""
        state = dict(self.__dict__)
        state.pop("_kept", None)
        return state

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

    def kept(self, system: System, name: str, build):
        """``build(system, scope)``, worked out once per scope and system and kept under
        ``name`` (a scope does not change once found; the system is matched by identity), as
        `netkit.model.system.System.derived` keeps a system's; read the value only."""
        kept = self.__dict__.setdefault("_kept", {}).setdefault(name, [])
        for known, value in kept:
            if known is system:
                return value
        value = build(system, self)
        kept.append((system, value))
        return value

    def responsible(self, system: System) -> pd.DataFrame:
        """The responsible commissioners of the scope's flows in ``system``
        (`netkit.partners.residents.responsible_commissioners`), worked out once per scope and
        system (the scope and the criteria both split spend by them); read it only."""
        from netkit.partners.residents import responsible_commissioners

        return self.kept(system, "responsible",
                         lambda s, scope: responsible_commissioners(s, scope.flows))

    def members(self) -> dict[str, list[str]]:
        """Candidate → the in-scope organisations it stands for (other than itself), candidates
        and members sorted; a fresh dict each call (worked out once per scope)."""
        return {c: list(m) for c, m in self._members.items()}

    @cached_property
    def _members(self) -> dict[str, list[str]]:
        return members_of(self.organisations["id"].to_numpy(dtype=object),
                          self.organisations["candidate"].to_numpy(dtype=object),
                          self.__dict__.get("_ids_sorted", False))

    @property
    def patients(self) -> float:
        """Patients a year entering the scope: from ``@home`` on the whole pathway; from
        ``@home`` or services outside the scope where the scope is what a shift changes."""
        if self.entering is not None:
            return float(self.entering)
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
    # each service's place, kept per system (read only): a map over every service a query
    service_place = kept(system, ("partners", "service place by id"), _service_place)
    return pd.DataFrame({"place": flows["place"],
                         "source_place": flows["source"].map(service_place),
                         "target_place": flows["target"].map(service_place)}, index=flows.index)


def _service_place(system: System) -> pd.Series:
    """Each service's place (its own, else its provider's), by service id."""
    services = system.services
    orgs = system.organisations.set_index("id")
    service_place = services["place"].fillna(services["provider"].map(orgs["place"]))
    service_place.index = services["id"]
    return service_place


def _selected_pathways(system: System, opportunity: Opportunity) -> list[str]:
    pathways = system.pathways
    chosen = set(select_pathways(pathways, opportunity.pathways))
    if opportunity.cohort:
        in_cohort = set(pathways.loc[pathways["cohort"].isin(opportunity.cohort), "id"])
        chosen &= in_cohort
    return [p for p in pathways["id"] if p in chosen]


def _pathway_codes(system: System) -> tuple[np.ndarray, dict]:
    """The flows' pathways as integer codes (a missing pathway as the code after the last), and
    pathway id → code: worked out once per system (`System.derived`), so that every
    opportunity's flows are found by a lookup rather than a text ``isin`` on every flow."""
    codes, labels = system_flow_codes(system)[:2]
    code_of = {label: i for i, label in enumerate(np.asarray(labels, dtype=object).tolist())}
    return np.where(codes < 0, len(code_of), codes), code_of


def _representatives(orgs: pd.DataFrame, rules: Mapping[str, str], as_dict: bool = False):
    """Each organisation's candidate: follow ``parent`` while the type's rule says so (a
    Series by id, or with ``as_dict`` a dict)."""
    ids = pd.Index(orgs["id"].to_numpy(dtype=object))
    parent = orgs["parent"].to_numpy(dtype=object)
    parent_at = ids.get_indexer(pd.Index(np.where(pd.notna(parent), parent, None)))
    commissioner = orgs["type"].isin(COMMISSIONER_TYPES).to_numpy()
    follows = (orgs["type"].isin([t for t, how in rules.items() if how == "parent"]).to_numpy()
               & (parent_at >= 0))
    follows &= ~commissioner[np.maximum(parent_at, 0)]  # never through a commissioner
    at = np.arange(len(ids))
    for _ in range(len(rules) + 1):  # a chain is at most as long as the rules used in it
        step = np.where(follows[at], parent_at[at], at)
        if np.array_equal(step, at):
            break
        at = step
    if as_dict:  # as the Series' to_dict gives it (the last of a repeated id), at C speed
        return dict(zip(ids.to_numpy().tolist(), ids.to_numpy()[at].tolist()))
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


class _Ends:
    """The services at the ends of some flows as integer codes (one `pandas.factorize` of
    ``source`` and ``target`` together), so that "flows from these services" is a lookup in a
    boolean array rather than a text ``isin`` on every flow."""

    def __init__(self, source: pd.Series, target: pd.Series):
        codes, labels = pd.factorize(pd.concat([source, target], ignore_index=True))
        self.labels = np.asarray(labels, dtype=object)
        n = len(self.labels)
        codes = np.where(codes < 0, n, codes)  # a missing end: the last slot, never chosen
        self.source, self.target = codes[:len(source)], codes[len(source):]
        self.code_of = {label: i for i, label in enumerate(self.labels.tolist())}
        self.named = set(self.code_of)

    def mask(self, names) -> np.ndarray:
        """True at the codes of ``names`` (one slot more, for a missing end)."""
        out = np.zeros(len(self.labels) + 1, dtype=bool)
        out[[self.code_of[n] for n in names if n in self.code_of]] = True
        return out

    def names(self, codes: np.ndarray) -> set:
        seen = np.zeros(len(self.labels) + 1, dtype=bool)
        seen[codes] = True  # a missing end (code -1 or the last) in the last slot, left out
        return set(self.labels[np.flatnonzero(seen[:-1])].tolist())


def _downstream(ends: _Ends, start: set) -> set:
    """Every service patients reach, step by step, after ``start``: where the patients diverted
    from the ``from`` services would have gone afterwards, whose activity falls with them."""
    seen = ends.mask(start)
    blocked = ends.mask({HOME})
    blocked[-1] = True
    frontier = seen.copy()
    while frontier.any():
        reached = np.zeros_like(seen)
        reached[ends.target[frontier[ends.source]]] = True
        frontier = reached & ~seen & ~blocked
        seen |= frontier
    return set(start) | ends.names(np.flatnonzero(seen))


def intervention_flows(system: System, opportunity: Opportunity,
                       flows: pd.DataFrame) -> tuple[pd.DataFrame, str, float | None]:
    """The flows an opportunity's intervention concerns, what they cover in words, and the
    patients a year entering them from outside (``None`` for the whole pathway).

    Without a shift, or with ``reach: pathway``, every flow. With a shift: the flows between
    the shift's ``from`` and ``to`` services, the services their patients go to next, every
    service the diverted patients would have reached afterwards (their activity falls with
    them), and the services whose referrals the shift redirects (``@home`` counts as every end),
    widened by ``reach`` steps along the pathway. A referrer's handoffs change where it already sends
    patients to both a ``from`` and a ``to`` service, or where it sends patients to a ``from``
    service that hands none on to a ``to`` service (patients then go to the ``to`` services
    *instead of* it). A ``from`` service that already hands patients on to a ``to`` service
    (a stroke unit to early supported discharge) moves them on sooner: those who brought them
    there (the 999 conveyance) do nothing differently.

    Examples
    --------
    >>> import netkit
    >>> riverside = netkit.load_system(netkit.sample_path("riverside"))
    >>> opp = riverside.opportunity("stroke-early-discharge")
    >>> stroke = riverside.flows[riverside.flows["pathway"] == "stroke"]
    >>> kept, extent, entering = intervention_flows(riverside, opp, stroke)
    >>> "AMB-999" in set(kept["source"]), extent[:40]
    (False, "what the shift changes: the 'from' and '")
    """
    reach = getattr(opportunity, "reach", None)
    if opportunity.shift is None:
        return flows, "the whole pathway (the opportunity gives no shift)", None
    if reach == "pathway":
        return flows, "the whole pathway (reach: pathway)", None
    return _intervention(system, opportunity, flows,
                         _Ends(flows["source"], flows["target"]))  # isin on text took 6 s


def _intervention(system: System, opportunity: Opportunity, flows: pd.DataFrame,
                  ends: _Ends) -> tuple[pd.DataFrame, str, float | None]:
    """`intervention_flows` with a shift, the flows' ends coded as ``ends``."""
    from netkit.model.selectors import select_services

    reach = getattr(opportunity, "reach", None)
    services = system.services
    shift = opportunity.shift
    source, target = ends.source, ends.target
    named = ends.named
    from_ = set(services.loc[select_services(services, shift.from_), "id"]) & named
    to = set(services.loc[select_services(services, shift.to), "id"]) & named
    core = from_ | to
    if not core:
        return flows, "the whole pathway (the shift's services have no flows in scope)", None
    feeds_to = ends.names(source[ends.mask(to)[target]])
    instead = from_ - feeds_to  # patients go to the 'to' services instead of these at all
    changers = ((ends.names(source[ends.mask(from_)[target]]) & feeds_to)
                | ends.names(source[ends.mask(instead)[target]])) - core
    chosen = (core | ends.names(target[ends.mask(core)[source]]) | changers
              | _downstream(ends, from_)) - {HOME}
    steps = int(reach or 0)
    for _ in range(steps):
        at = ends.mask(chosen)
        chosen |= (ends.names(target[at[source]]) | ends.names(source[at[target]])) - {HOME}
    return _cut(opportunity, flows, ends.mask(chosen), ends.mask({HOME}), source, target)


def _cut(opportunity: Opportunity, flows: pd.DataFrame, at: np.ndarray, home: np.ndarray,
         source: np.ndarray, target: np.ndarray) -> tuple[pd.DataFrame, str, float]:
    """`_intervention`'s flows between the chosen services (``at``, a mask over the end codes
    ``source`` and ``target``) and ``@home`` (``home``), its words and the patients entering."""
    steps = int(getattr(opportunity, "reach", None) or 0)
    keep = (at[source] | home[source]) & (at[target] | home[target])
    entering = float(flows.loc[~at[source] & at[target], "patients"].sum())
    extent = ("what the shift changes: the 'from' and 'to' services, where their patients go "
              "next, and the services whose referrals it redirects")
    if steps:
        extent += f", widened by {steps} step{'s' if steps != 1 else ''} along the pathway " \
                  f"(reach: {steps})"
    return flows[keep], extent, entering


def _positions(frame: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
    """The positions of some of ``frame``'s row labels (the labels themselves for a plain
    range index)."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return np.asarray(labels, dtype=np.int64)
    return index.get_indexer(labels)


def _services_in(system: System, flows: pd.DataFrame, codes: FlowCodes
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """The system's services at the ends of ``flows`` (coded as ``codes``), in the system's
    order, with their ``activity`` (`netkit.model.activity.service_activity`), and their end
    codes."""
    from netkit.model.activity import coded_activity

    tables = codes.tables
    n_labels = len(tables["labels"])
    pathway, _ = pd.factorize(codes.pathway)  # in order of first appearance, as by name
    ends = np.concatenate([codes.target, codes.source])
    per_end = coded_activity(pathway, ends, flows["patients"].to_numpy(dtype=float), n_labels)
    present = np.bincount(ends[ends >= 0], minlength=n_labels) > 0
    at = tables["service"]
    chosen = np.flatnonzero(present & (at >= 0))
    rows = np.sort(at[chosen])
    activity = np.full(len(system.services), np.nan)
    activity[at[chosen]] = per_end[chosen]
    services = system.services.iloc[rows].copy()
    services["activity"] = activity[rows]
    return services, tables["code_of_service"][rows]


def _service_rows(system: System, services: pd.DataFrame) -> np.ndarray | None:
    """The positions of ``services`` (rows of ``system.services``) where its index numbers them."""
    index = system.services.index
    plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    return services.index.to_numpy() if plain else None


def _by_id(system: System, table: str, rows: pd.DataFrame) -> np.ndarray:
    """The order that sorts some rows of a system's table by ``id`` (as a stable sort by id
    does), from each row's rank, worked out once per system: sorting the ids by name took
    0.04 s a national query."""
    rank = kept(system, ("partners", "id rank", table), lambda s: np.argsort(np.argsort(
        getattr(s, table)["id"].to_numpy(dtype=object), kind="stable"), kind="stable"))
    return np.argsort(rank[_positions(getattr(system, table), rows.index.to_numpy())],
                      kind="stable")


@plain_strings
def find_scope(system: System, opportunity: Opportunity,
               represent: Mapping[str, str] | None = None,
               seats=None) -> Scope:  # long: the scope's steps in order
    """Work out an opportunity's scope in a system (see the module's description).

    Parameters
    ----------
    system : System
    opportunity : Opportunity
    represent : mapping, optional
        Representation rules (organisation type → ``"parent"``). By default the opportunity's
        own ``represent``, else `DEFAULT_REPRESENT`.
    seats : "default", "none", str path or DataFrame, optional
        Seats (`netkit.partners.seats.seat_source`); by default the rules and ``seats.csv``,
        or none where the opportunity says ``seats: none``.

    Examples
    --------
    >>> import netkit
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> scope = find_scope(system, system.opportunity("falls"))
    >>> scope.candidates
    ['COMM', 'ICB', 'PCN1']
    >>> scope.members()
    {'PCN1': ['GP1']}
    >>> riverside = netkit.load_system(netkit.sample_path("riverside"))
    >>> find_scope(riverside, riverside.opportunity("diabetes-community")).candidates
    ['ACU-RIV', 'COM-TRUST', 'ICB-RIV', 'primary_care:North', 'primary_care:South']
    """
    from netkit.partners.duties import _duty_parts, duty_reason
    from netkit.partners.residents import (_responsible, _spend_basis, paying_commissioners,
                                           place_weights)
    from netkit.partners.seats import assign_seats, seat_source
    from netkit.partners.scope_orgs import organisations_in_scope
    from netkit.partners.shift_codes import shift_services

    if represent is None:
        represent = opportunity.represent if opportunity.represent is not None else DEFAULT_REPRESENT
    pathway_ids = _selected_pathways(system, opportunity)
    codes, code_of = system.derived(("partners", "pathway codes"), _pathway_codes)
    chosen = np.zeros(len(code_of) + 1, dtype=bool)  # the last slot: flows with no pathway
    chosen[[code_of[p] for p in pathway_ids if p in code_of]] = True
    flows = system.flows
    flows = flows[chosen[codes]]
    if opportunity.places:
        weights = place_weights(system, flows, opportunity.places)
        flows = flows[weights > 0].assign(patients=flows["patients"].to_numpy()[weights > 0]
                                          * weights[weights > 0])
    system_rows = flows.index.to_numpy()
    pathway_flows = flows.reset_index(drop=True)
    codes = FlowCodes(system, _positions(system.flows, system_rows))
    if opportunity.shift is None or getattr(opportunity, "reach", None) == "pathway":
        flows, extent, entering = intervention_flows(system, opportunity, pathway_flows)
    else:
        chosen = shift_services(system, opportunity, codes)  # on the end codes
        if chosen is None:
            flows, extent, entering = (pathway_flows, "the whole pathway (the shift's services "
                                       "have no flows in scope)", None)
        else:
            home = np.arange(len(chosen)) == codes.tables["home"]  # -2: no @home
            flows, extent, entering = _cut(opportunity, pathway_flows, chosen, home,
                                           codes.source, codes.target)
    codes = codes.subset(flows.index.to_numpy())
    flow_rows = system_rows[flows.index.to_numpy()]
    flows = flows.reset_index(drop=True)

    services, service_codes = _services_in(system, flows, codes)

    orgs = system.organisations
    who = _responsible(system, flows, codes)
    by_id = _by_id(system, "services", services)  # the scope's order: the criteria's basis
    basis = _spend_basis(system, flows, services.iloc[by_id].reset_index(drop=True), who, codes,
                         service_codes[by_id])  # (a spend of 1 pays the same payers)
    commissioners = paying_commissioners(basis, np.ones(len(services)))
    parts = _duty_parts(system, flows, services, codes, service_codes)
    duties = {council: duty_reason(said) for council, said in parts.items()}
    if opportunity.places:  # a council or commissioner of another place acts for its own residents
        place_of = orgs.set_index("id")["place"]
        ours = {c for c in commissioners | set(duties)
                if pd.isna(place_of.get(c)) or place_of.get(c) in opportunity.places}
        commissioners &= ours
        duties = {c: r for c, r in duties.items() if c in ours}
        parts = {c: said for c, said in parts.items() if c in ours}
    in_scope, role, included = organisations_in_scope(
        system, services, _service_rows(system, services), commissioners, duties,
        opportunity.include, not flows.empty)
    shifted = set()
    if opportunity.shift is not None:
        from netkit.model.selectors import select_services

        moved = select_services(services, opportunity.shift.from_ + opportunity.shift.to)
        shifted = set(services.loc[moved, "provider"])
    seat_of, seat_table = assign_seats(system, in_scope["id"].tolist(),
                                       seat_source(system, opportunity, seats),
                                       alone=set(opportunity.exclude), own_right=shifted)
    parent = system.derived(("partners", "representatives", tuple(sorted(represent.items()))),
                            lambda s: _representatives(s.organisations, represent, True))
    candidate = pd.Series([seat_of.get(o) or seat_of.get(parent[o]) or parent[o]
                           for o in in_scope["id"].tolist()], index=in_scope.index, dtype=object)
    organisations = pd.DataFrame({
        "id": in_scope["id"].to_numpy(), "name": in_scope["name"].to_numpy(),
        "type": in_scope["type"].to_numpy(), "role": role,
        "candidate": candidate.to_numpy(),
    }).iloc[_by_id(system, "organisations", in_scope)].reset_index(drop=True)
    services["candidate"] = services["provider"].map(dict(zip(
        organisations["id"].tolist(), organisations["candidate"].tolist())))
    scope = Scope(opportunity, tuple(pathway_ids), flows,
                  services.iloc[by_id].reset_index(drop=True),
                  organisations, dict(represent), seat_table, duties, extent, included, entering,
                  pathway_flows, flow_rows, duty_parts=parts)
    scope.__dict__["_ids_sorted"] = True  # the organisations by id (`Scope.members` reads it)
    scope.kept(system, "responsible", lambda *_: who)  # the criteria split spend by them too
    scope.kept(system, "spend basis", lambda *_: basis)
    scope.kept(system, "system flows", lambda *_: True)  # (`service_ends.system_flows`)
    scope.kept(system, "pathway rows", lambda *_: system_rows)  # the money codes its flows
    return scope
