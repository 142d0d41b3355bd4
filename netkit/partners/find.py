"""Find the partners for an opportunity: who, in which role, why, and when one more stops paying.

`find_partners` runs the method the README describes ("How netkit chooses partners"): scope
(`netkit.partners.scope`), criteria (`netkit.partners.criteria`), incentives under the shift
(`netkit.finance.incentives`), greedy selection (`netkit.partners.selection`), tiers, brokerage roles
(`netkit.metrics.brokerage`), stakeholder frameworks (`netkit.partners.frameworks`), stability
(`netkit.partners.stability`) and reasons in plain words (`netkit.partners.reasons`). The result is a
`PartnerSet`.

Tiers: **core** are the selected partners; **involve** are candidates outside the core whose
benefit, if added to the core, would be at least half their coordination cost (material, but
not worth a seat at the table); **inform** are the rest of the scope.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from netkit._frames import isin
from netkit._strings import plain_strings
from netkit.errors import OpportunityError, OptionError
from netkit.finance.gain_share import gain_share
from netkit.finance.incentives import Incentives
from netkit.finance.draws import DEFAULT_DRAWS, check_draws
from netkit.finance.incentives import incentives as compute_incentives
from netkit.finance.risk_share import design_share
from netkit.metrics.brokerage import roles_and_sole_brokers
from netkit.model.disclosure import disclosure_rules
from netkit.model.opportunity import (
    CRITERIA,
    DEFAULT_GROUPING,
    GROUPINGS,
    Opportunity,
)
from netkit.model.system import System, kept
from netkit.partners.criteria import Criteria, compute_criteria
from netkit.partners.disclosure_check import DisclosureCheck, compare_tiers, released_system
from netkit.partners.burden import BURDEN_KEYS, burden_settings, coordination_burden
from netkit.partners.duties import duty_candidates
from netkit.partners.frameworks import settlement_payers, shift_deliverers, stakeholder_frameworks
from netkit.partners.money_blocks import below_collar, collar_of
from netkit.partners.glossary import role_findings
from netkit.partners.reasons import INVOLVE_RATIO, route_lines
from netkit.partners.result import TIERS, PartnerSet
from netkit.partners.scope import Scope, find_scope, represent_rules
from netkit.partners.seats import DEFAULT_RULES, candidate_frame, scope_seats, with_seats
from netkit.partners.selection import Selection, select_partners
from netkit.partners.table_reasons import add_reasons
from netkit.partners.stability import judgement_calls, judgement_line
from netkit.partners.stability import stability as run_stability
from netkit.partners.verdict import parse_thresholds, proportionality
from netkit.partners.weights import parse_weights
from netkit.partners.warnings import coverage_warnings
from netkit.render.formats import fmt_number

__all__ = ["find_partners", "money_flows", "disclosure_check", "parse_weights", "PartnerSet",
           "TIERS"]
#: In scopes larger than this, reasons in words are written for the core, the involve tier and
#: this many of the highest-ranked others; the rest have their figures only (and the report
#: says so). Writing reasons for 45,000 organisations took longer than the analysis.
REASONS_LIMIT = 500
#: The note of a partner set found with ``explain=False``.
NOT_EXPLAINED = ("reasons in words were not asked for (explain=False): the tiers and figures "
                 "are as a full query gives them")
#: The note of a partner set found with ``draws=0``.
NOT_DRAWN = ("the money's ranges were not drawn (0 Monte Carlo draws asked for): every figure "
             "is the central one, with no range or chance of loss")
UNEXPLAINED = ("figures only: reasons in words are written for the highest-ranked "
               f"{REASONS_LIMIT} organisations in scopes this large")


def _options(opp, scope, burden, thresholds, min_patients, stability, seed, groups, hysteresis,
             share, cap_at_capacity) -> dict:
    """The options a partner set was found with, as its JSON reports them."""
    options = {"weights": dict(opp.weights), "coordination_cost": dict(opp.coordination_cost),
               "burden": burden, "verdict": thresholds,
               "represent": dict(scope.represent), "min_patients": float(min_patients),
               "stability": int(stability), "seed": int(seed), "groups": groups,
               "seats": str(getattr(opp, "seats", None) or "default")}
    if hysteresis:
        options["hysteresis"] = float(hysteresis)
    if share is not None:
        options["risk_share"] = share.rule.to_dict()
    if cap_at_capacity:
        options["cap_at_capacity"] = True
    return options


@plain_strings
def find_partners(system: System, opportunity: str | Opportunity, *,
                  weights: Mapping[str, float] | str | None = None,
                  coordination_cost: Mapping[str, float] | str | None = None,
                  represent: Mapping[str, str] | str | None = None,
                  min_patients: float | None = None, stability: int = 0, seed: int = 0,
                  groups: str = DEFAULT_GROUPING, incumbents: Iterable[str] = (),
                  hysteresis: float = 0.0, disclosure=None, seats=None,
                  cap_at_capacity: bool = False,
                  verdict: Mapping[str, float] | str | None = None,
                  explain: bool = True, draws: int = DEFAULT_DRAWS) -> PartnerSet:
    """Find the partners for an opportunity.

    Parameters
    ----------
    system : System
    opportunity : str or Opportunity
        An opportunity id in ``system.opportunities``, or an `Opportunity`.
    weights : mapping or str, optional
        Criterion weights, merged over the opportunity's (defaults: `DEFAULT_WEIGHTS` in
        `netkit.model.opportunity`, where brokerage counts half). ``"brokerage=0,activity=2"``
        works too.
    coordination_cost : mapping or str, optional
        ``partner`` and ``new_tie``, in units of benefit, merged over the opportunity's
        (defaults: `DEFAULT_COORDINATION_COST` in `netkit.model.opportunity`); and the
        burden in real units, ``seat_days``, ``tie_days`` and ``day_cost``, over
        ``system.yaml``'s ``finance`` (defaults in `netkit.partners.burden`).
    represent : mapping or str, optional
        Representation rules: ``"care_home=parent"``, ``"gp_practice=self"`` or ``"none"``,
        merged over the opportunity's (else the default, GP practices through their PCN);
        ``"none"`` clears them all. Each type must be a known organisation type or one in the
        system (`netkit.partners.scope.represent_rules`).
    min_patients : float, optional
        Leave out organisation-to-organisation ties carrying fewer patients a year (default:
        the opportunity's ``min_patients``, else 0). The report says which partners depend on
        the threshold.
    stability : int
        Re-run selection this many times with the flows resampled, the weights and cost
        constants perturbed (±50%) and relationships dropped at random (seeded); near-ties
        are flagged (`netkit.partners.stability`).
    seed : int
        Seed for the perturbations.
    groups : {"type", "sector"}
        What groups organisations for Gould–Fernandez brokerage roles (`GROUPINGS` in
        `netkit.model.opportunity`).
    incumbents, hysteresis :
        The core partners before a change, and how much benefit a change must bring to swap
        them (see `netkit.partners.selection.select_partners`); used by `netkit.PartnerTracker`.
    disclosure : str or DisclosureRules, optional
        Disclosure control (``nhs``, ``cms``, ``threshold=N,round=R``) for the patient counts
        the result shows (reasons, reports, maps); the computation uses the true figures. The
        result's notes say whether the partner set is the same when computed on the rounded
        figures (`netkit.disclosure_check`).
    seats : {"default", "none"} or path, optional
        Seats (`netkit.partners.seats`): the default rules and ``seats.csv``, none, or a
        seats file in the ``seats.csv`` format; over the opportunity's ``seats: none``.
    cap_at_capacity : bool
        Cap the shift where a receiving service reaches its capacity (default: the money is
        computed on the whole shift and the notes warn of each service taken past capacity).
    verdict : mapping or str, optional
        Thresholds of the proportionality verdict (``"internal=0.95,bilateral=0.9,money=1"``;
        defaults in `netkit.partners.verdict`).
    explain : bool
        Write each partner's reasons in words with the input rows behind them (default). False
        leaves the ``reasons``, ``reason_sources`` and ``sources`` columns empty and says so in
        the notes: the tiers, scores, money and everything else are the same, in about a
        quarter less time. For callers that read the partner set rather than show it
        (`netkit.compare`, `netkit.track`).
    draws : int
        Monte Carlo draws behind the money's ranges and chances of loss (default 1,000,
        `netkit.finance.draws`): 0 gives the central figures alone (each range is its central
        figure), else at least 100; the tiers do not depend on the draws.

    Returns
    -------
    PartnerSet

    Raises
    ------
    OpportunityError
        If the opportunity is unknown or has nothing in scope.
    OptionError
        If an option has a value netkit cannot use.

    Examples
    --------
    >>> import netkit
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> ps = netkit.find_partners(system, "frailty")
    >>> ps.core
    ['ICB', 'ACUTE', 'AMB', 'PCN1', 'COMM', 'COUNCIL', 'CARE']
    >>> ps.tier_of("GP1")
    'core'
    """
    opp = system.opportunity(opportunity) if isinstance(opportunity, str) else opportunity
    weights = parse_weights(weights, "weights")
    coordination_cost = parse_weights(coordination_cost, "coordination_cost") or {}
    burden_given = {k: coordination_cost.pop(k) for k in BURDEN_KEYS if k in coordination_cost}
    burden, burden_sources = burden_settings(system.meta.get("finance"), burden_given)
    thresholds = parse_thresholds(verdict)
    opp = with_seats(opp.with_options(weights=weights, coordination_cost=coordination_cost),
                     seats)
    rules = represent_rules(system, opp, represent)
    if min_patients is None:
        min_patients = opp.min_patients
    _check_counts(min_patients, stability, draws, groups)
    scope = find_scope(system, opp, rules)
    if scope.flows.empty:
        raise OpportunityError(
            f"opportunity {opp.id!r} has no patient flows in scope (pathways "
            f"{', '.join(opp.pathways)}; places {', '.join(opp.places) or 'all'}; cohort "
            f"{', '.join(opp.cohort) or 'all'}); check its pathways, places and cohort")
    related = _related_pairs(system, scope)
    include, exclude = scope.candidates_for(opp.include), scope.candidates_for(opp.exclude)
    released = disclosure_rules(disclosure)
    # the money's draws are made alongside the criteria, selection and reasons, which do not
    # depend on them; the verdict does
    partners, selection, crit, inc, routes, roles, share = _analyse(
        system, opp, scope, related, min_patients, groups, incumbents, hysteresis, released,
        cap_at_capacity, explain, draws, ranges_later=True, settle=True)
    inc = inc.released(released) if inc is not None else None  # the notes' counts, as shown
    notes = _notes(partners, crit, inc, min_patients, released, explain)
    if inc is not None and not draws:
        notes.append(NOT_DRAWN)
    notes += list(share.notes) if share is not None else []
    if stability:
        notes += _stability_notes(partners, crit, related, opp, include, exclude, stability, seed,
                                  scope, min_patients)
    if min_patients > 0:
        notes.append(_threshold_note(partners, system, opp, scope, related, groups))
    costs = coordination_burden(selection.core, crit.pairs, related, burden, burden_sources)
    options = _options(opp, scope, burden, thresholds, min_patients, stability, seed, groups,
                       hysteresis, share, cap_at_capacity)
    if not explain:
        options["explain"] = False
    if draws != DEFAULT_DRAWS:
        options["draws"] = int(draws)
    if released.active:
        options["disclosure"] = released.name
        check = _check_released(system, opp, released, partners, rules, min_patients, groups)
        options["disclosure_check"] = check.to_dict()
        notes.append(check.line())
    brokers = _broker_lines(system, routes, roles)
    # worked out while the money's draws are still being made (neither reads their ranges)
    coverage = tuple(coverage_warnings(system, scope, inc, share, released))
    other_names = _other_names(system, inc, share)
    inc = inc.with_ranges() if inc is not None else None
    judged = proportionality(scope, crit, inc, opp, selection.core, costs,
                             system.organisation_lookup("name"), thresholds, released)
    return PartnerSet(opp, system.name, partners, selection.curve, selection.stop, inc, roles,
                      brokers, scope, crit, options,
                      exclude, notes, system.source,
                      system.checksum, risk_share=share, verdict=judged,
                      warnings=coverage, other_names=other_names)


def _check_counts(min_patients: float, stability: int, draws: int, groups: str) -> None:
    """The query's numbers and grouping are ones it can use (else `OptionError`)."""
    if min_patients < 0 or stability < 0:
        raise OptionError("min_patients and stability must be ≥ 0")
    check_draws(draws)
    if groups not in GROUPINGS:
        raise OptionError(f"groups: {groups!r} is not a grouping (expected "
                          f"{' or '.join(map(repr, GROUPINGS))})")


def _other_names(system: System, inc: Incentives | None, share=None) -> dict:
    """Names of the organisations the money names (a commissioner paying for its residents
    elsewhere has no candidate row, nor a funder the rules name), from the system."""
    if inc is None:
        return {}
    ids = inc.organisations["id"].tolist()
    more = share.positions["id"].tolist() if share else []
    if more != ids:  # (the settlement's positions are the money's organisations again)
        ids += more
    named = kept(system, ("partners", "organisation names"), _names_by_id)
    # a dict lookup each (looking the 95,000 ids of a national query up in an index, and
    # picking the named ones by position, took 20 ms)
    found = dict(zip(ids, map(named.get, ids)))
    if None in found.values():  # not named: left out
        found = {i: name for i, name in found.items() if name is not None}
    return found


def _names_by_id(system: System) -> dict:
    """The system's organisation names by id (`System.organisation_lookup`) where the name is
    text and not empty, for `_other_names`: once per system."""
    return {i: n for i, n in system.organisation_lookup("name").items()
            if isinstance(n, str) and n}


def _notes(partners: pd.DataFrame, crit: Criteria, inc: Incentives | None, min_patients: float,
           released, explain: bool = True) -> list[str]:
    """The notes on incentives, criteria, unexplained organisations and ties left out."""
    notes = (list(inc.notes) if inc is not None else []) + list(crit.notes)
    explained = max(REASONS_LIMIT, int((partners["tier"] != "inform").sum()))
    if not explain:
        notes.append(NOT_EXPLAINED)
    elif len(partners) > explained:
        notes.append(f"reasons in words are given for the {explained:,} highest-ranked of "
                     f"{len(partners):,} organisations in scope; the others have their figures "
                     "only")
    if len(crit.thin):
        shown = released.count if released.active else fmt_number
        notes.append(f"{len(crit.thin)} organisation-to-organisation ties under {min_patients:g} "
                     f"patients a year ({shown(crit.thin['patients'].sum())} patients in "
                     "all) were left out")
    return notes


def _stability_notes(partners: pd.DataFrame, crit: Criteria, related: list, opp: Opportunity,
                     include: list, exclude: list, runs: int, seed: int, scope: Scope,
                     min_patients: float) -> list[str]:
    """Add the ``stability`` column (share of perturbed runs in which each is core) and
    ``judgement_call``; a near-tie's reasons start with "core in 46% of runs: a judgement
    call", and the note names them."""
    service_candidate = dict(zip(scope.services["id"], scope.services["candidate"]))
    partners["stability"] = partners["id"].map(run_stability(
        crit.shares(), crit.pairs, related, opp.weights, opp.coordination_cost, include, exclude,
        runs=runs, seed=seed, flows=scope.flows, service_candidate=service_candidate,
        min_patients=min_patients)).fillna(0.0)
    partners["judgement_call"] = judgement_calls(partners["tier"], partners["stability"])
    calls = partners["judgement_call"].to_numpy()
    partners["reasons"] = [[judgement_line(s)] + list(r) if call else r for s, r, call in zip(
        partners["stability"], partners["reasons"], calls)]
    if "reason_sources" in partners:  # the judgement cites no rows: keep the two aligned
        partners["reason_sources"] = [[[]] + list(r) if call else r for r, call in zip(
            partners["reason_sources"], calls)]
    if calls.any():
        return ["judgement calls (near-ties, not firm): " + ", ".join(
            f"{i} ({t}, {judgement_line(s)})" for i, t, s in zip(
                partners.loc[calls, "id"], partners.loc[calls, "tier"],
                partners.loc[calls, "stability"]))]
    return []


def _threshold_note(partners: pd.DataFrame, system: System, opp: Opportunity, scope: Scope,
                    related: list, groups: str) -> str:
    """Add the ``depends_on_threshold`` column (tier differs with no min-patients threshold);
    the note names those partners."""
    baseline, *_ = _analyse(system, opp, scope, related, 0.0, groups, explain=False, draws=0)
    before = dict(zip(baseline["id"], baseline["tier"]))
    partners["depends_on_threshold"] = [before.get(i) != t for i, t in
                                        zip(partners["id"], partners["tier"])]
    moved = partners.loc[partners["depends_on_threshold"], "id"].tolist()
    return ("depend on the min-patients threshold (tier differs without it): "
            + (", ".join(f"{i} ({before.get(i)} → {t})" for i, t in
                         zip(partners["id"], partners["tier"]) if i in moved)
               or "none"))


@plain_strings
def disclosure_check(system: System, opportunity: str | Opportunity, rules,
                     partners: pd.DataFrame | None = None, **options) -> DisclosureCheck:
    """Compare an opportunity's partner set on the true and on the released figures.

    Parameters
    ----------
    system : System
    opportunity : str or Opportunity
    rules : str or DisclosureRules
    partners : DataFrame, optional
        The partner table on the true figures, if already computed.
    **options
        Settings for `find_partners` (weights, coordination cost, ...).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> disclosure_check(tiny, "frailty", "nhs").line()
    'disclosure check (nhs): the partner set is the same when computed on the rounded figures'
    """
    rules = disclosure_rules(rules)
    options.pop("disclosure", None)
    if partners is None:
        partners = find_partners(system, opportunity, **options).partners
    opp = system.opportunity(opportunity) if isinstance(opportunity, str) else opportunity
    opp = with_seats(opp, options.get("seats"))
    cost = parse_weights(options.get("coordination_cost"), "coordination_cost") or {}
    opp = opp.with_options(weights=parse_weights(options.get("weights"), "weights"),
                           coordination_cost={k: v for k, v in cost.items()
                                              if k not in BURDEN_KEYS})
    min_patients = options.get("min_patients")
    return _check_released(system, opp, rules, partners,
                           represent_rules(system, opp, options.get("represent")),
                           opp.min_patients if min_patients is None else min_patients,
                           options.get("groups", DEFAULT_GROUPING))


def _check_released(system: System, opp: Opportunity, rules, partners: pd.DataFrame,
                    represent: Mapping, min_patients: float, groups: str) -> DisclosureCheck:
    """The disclosure check, running the pipeline once on the released figures (not the whole
    of `find_partners`: no stability runs, no threshold baseline)."""
    released = released_system(system, rules)
    scope = find_scope(released, opp, represent)
    after = None
    if not scope.flows.empty:
        after, *_ = _analyse(released, opp, scope, _related_pairs(released, scope), min_patients,
                             groups, explain=False, draws=0)
    return compare_tiers(opp.id, rules, partners, after,
                         len(system.flows) - len(released.flows))


def _related_pairs(system: System, scope: Scope) -> list[tuple[str, str]]:
    """Pairs of candidates with an existing relationship (ends mapped to their candidates)."""
    rels = system.relationships
    candidate_of = scope.candidate_of
    get = candidate_of.get
    return [(get(s, s), get(t, t)) for s, t in zip(rels["source"].tolist(),
                                                   rels["target"].tolist())]


def _groups(system: System, network, groups: str, scope: Scope | None = None) -> dict:
    group_of = system.organisation_lookup(groups)
    kinds = candidate_frame(system, scope)["type"].to_dict() if scope is not None else {}
    seated: set = set()
    if groups == "type" and scope is not None:
        # an organisation outside a seat groups with the seats of its kind (a lone care home
        # with the care homes' seats), else one kind of organisation counts as two groups
        seated = set(scope_seats(scope)["kind"])
    if seated:  # the network's organisations only (all the system's took 50 ms nationally)
        group_of = {n: DEFAULT_RULES[t] if DEFAULT_RULES.get(t) in seated else t
                    for n in network if (t := group_of.get(n, _NONE)) is not _NONE}
    return {n: str(group_of.get(n) or kinds.get(n) or "(none)") for n in network}


_NONE = object()  # no such organisation in the system


def _roles_and_routes(system: System, crit: Criteria, groups: str,
                      scope: Scope | None = None) -> tuple[pd.DataFrame, dict]:
    """Brokerage roles, and broker → the (from group, to group) routes that pass through it
    alone (a seat's group is its kind of seat)."""
    roles, sole = roles_and_sole_brokers(crit.network, _groups(system, crit.network, groups,
                                                               scope))
    routes: dict = {}
    for b, ga, gc in sole:
        routes.setdefault(b, []).append((ga, gc))
    return roles, routes


def _broker_lines(system: System, routes: dict, roles: pd.DataFrame) -> list[str]:
    names = system.organisation_lookup("name")  # read only: no copy
    lines = [f"{names.get(b, b)} is {line}" for b in sorted(routes)
             for line in route_lines(routes[b])]
    return lines + role_findings(roles[roles["observed"] >= 2], names)


def money_flows(system: System, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The flows and services the money follows: the whole pathway in the opportunity's places
    (diverted patients take all their later care with them, and the referrals that brought
    them count however narrow the partners' scope), with each service's contacts a year."""
    from netkit.finance.coded_flows import money_services
    from netkit.model.activity import service_activity

    if scope.pathway_flows is None or len(scope.pathway_flows) == len(scope.flows):
        return scope.flows, scope.services
    flows = scope.pathway_flows
    # by the system's codes of the flows, where the scope kept their rows
    services = money_services(system, flows, scope.kept(system, "pathway rows", lambda *_: None))
    if services is None:  # not coded: by the flows' text
        activity = service_activity(flows)
        services = system.services
        services = services[isin(services["id"], activity.index.tolist())].assign(
            activity=lambda f: f["id"].map(activity).astype("float64"))
        services = services.sort_values("id", kind="mergesort")
    services = services.assign(candidate=lambda f: f["provider"].map(scope.candidate_of))
    return flows, services.reset_index(drop=True)


def money_at(system: System, opp: Opportunity, scope: Scope, *, cap_at_capacity: bool = False,
             draws: int = DEFAULT_DRAWS, basis=None, ranges_later: bool = False) -> Incentives:
    """The money under ``opp``'s shift as a query works it out: along `money_flows`, no core
    yet (the gain-share needs it, found after); ``basis`` and ``ranges_later`` as `incentives`
    takes them."""
    flows, services = money_flows(system, scope)
    rows = (scope.flow_rows if flows is scope.flows  # their positions in system.flows
            else scope.kept(system, "pathway rows", lambda *_: None))
    return compute_incentives(system, opp.shift, services, core=(),
                              candidate_of=scope.candidate_of, flows=flows,
                              cap_at_capacity=cap_at_capacity, draws=draws, basis=basis,
                              ranges_later=ranges_later, flow_rows=rows)


def _analyse(system: System, opp: Opportunity, scope: Scope, related: list, min_patients: float,
             groups: str, incumbents: Iterable[str] = (), hysteresis: float = 0.0,
             disclosure=None, cap_at_capacity: bool = False, explain: bool = True,
             draws: int = DEFAULT_DRAWS, ranges_later: bool = False, settle: bool = False):
    """Criteria, selection, tiers and reasons (unless not ``explain``) for one set of
    settings; with ``ranges_later``, the money's draws are still being made (the tiers and
    reasons do not depend on them): `Incentives.with_ranges` waits for them. With ``settle``,
    the risk-and-gain share too (its payers have power on the grid), else None."""
    candidate_of = scope.candidate_of
    inc = None
    if opp.shift is not None:
        inc = money_at(system, opp, scope, cap_at_capacity=cap_at_capacity, draws=draws,
                       ranges_later=ranges_later)
    crit = compute_criteria(system, scope, inc, min_patients)
    include, exclude = scope.candidates_for(opp.include), scope.candidates_for(opp.exclude)
    selection = select_partners(crit.shares(), crit.pairs, related, opp.weights, opp.coordination_cost,
                                include, exclude, incumbents=incumbents, hysteresis=hysteresis)
    if inc is not None:
        inc = inc.with_transfers(gain_share(inc.organisations, inc.system_net, selection.core,
                                            candidate_of))
    roles, routes = _roles_and_routes(system, crit, groups, scope)
    share = design_share(inc, system, opp, disclosure=disclosure) if settle and inc else None
    partners = _partner_table(system, scope, crit, selection, inc, include, exclude, routes,
                              disclosure, explain, share)
    return partners, selection, crit, inc, routes, roles, share


def _partner_table(system: System, scope: Scope, crit: Criteria, selection: Selection,
                   inc: Incentives | None, include: list, exclude: list,
                   routes: dict, disclosure=None, explain: bool = True,
                   share=None) -> pd.DataFrame:
    orgs = candidate_frame(system, scope)  # organisations and seats
    table = crit.table.copy()
    w = selection.weights
    table["score"] = sum(w[c] * table[f"{c}_share"] for c in CRITERIA)
    table = table.join(selection.marginal, how="left")
    core_order = {c: i for i, c in enumerate(selection.core)}
    tier = pd.Series("inform", index=table.index)
    tier[table.index.isin(selection.core)] = "core"
    involve = (~table.index.isin(selection.core)
               & (table["marginal_benefit"] >= INVOLVE_RATIO * table["marginal_cost"]))
    tier[involve] = "involve"
    tier[table.index.isin(duty_candidates(scope)) & (tier == "inform")] = "involve"
    table["tier"] = tier
    table = table[~table.index.isin(exclude)]
    commissioners = set(scope.organisations.loc[
        scope.organisations["role"] != "provider", "candidate"])
    small = set(below_collar(inc, collar_of(inc, share)))  # not settled: no urgency on the grid
    losers = {scope.candidate_of.get(o, o) for o in (inc.losers if inc else []) if o not in small}
    frames = stakeholder_frameworks(table, orgs["type"], orgs["budget"], commissioners, losers,
                                    shift_deliverers(scope.services, scope.opportunity.shift),
                                    settlement_payers(share, scope.candidate_of), disclosure)
    table = table.join(frames)
    table["name"] = table.index.map(orgs["name"])
    table["type"] = table.index.map(orgs["type"])
    table["kind"], table["members"] = table.index.map(orgs["kind"]), table.index.map(orgs["members"])
    members = scope.members()
    table["stands_for"] = [members.get(c, []) for c in table.index]
    table["_tier"] = table["tier"].map({t: i for i, t in enumerate(TIERS)})
    # the core in order of selection is kept in ``selected``; lists are by score within a tier
    table["selected"] = [core_order[c] + 1 if c in core_order else None for c in table.index]
    table = table.reset_index().sort_values(["_tier", "score", "id"],
                                            ascending=[True, False, True], kind="mergesort")
    table["rank"] = range(1, len(table) + 1)
    if explain:
        add_reasons(table, system, scope, crit, inc, include, routes, disclosure,
                    REASONS_LIMIT, UNEXPLAINED)
    else:
        for column in ("reasons", "reason_sources", "sources"):
            table[column] = [[] for _ in range(len(table))]
    columns = (["id", "name", "type", "tier", "rank", "score"]
               + [c for name in CRITERIA for c in (name, f"{name}_share")]
               + ["marginal_benefit", "marginal_cost", "power", "interest", "mendelow",
                  "salience", "stands_for", "reasons", "selected", "grid_note", "grid_why",
                  "sources", "reason_sources", "kind", "members"])
    return table[columns].reset_index(drop=True)
