"""Data-coverage warnings: what the data does not show, said before the partner set is read.

A partner set is only as good as the flows behind it. Each warning names what is missing and
what to check:

* ``no_primary_care``: a place in scope where the pathway has no primary care service though it
  has one elsewhere (a service in the ``primary_care`` category, or run by a practice, PCN or GP
  federation, in that place; a primary care service with no place counts for every place). A
  pathway with no primary care at all, or primary care the shift's route does not pass
  through, is not a gap in the data and is not warned about;
* ``no_council``: a place in scope whose council (``places.csv`` ``council``, else the
  ``local_authority`` organisation with that place) is not in scope, or that has none;
* ``empty_destination``: a service the shift moves activity to that has no activity in scope
  (or a ``to`` selector that names no service), so the shift's share for it is a guess;
* ``named_without_flows``: an organisation the opportunity names in ``include``, ``exclude``
  or ``decommission`` that has no flows or contracts in scope (or is not in the system);
* ``capacity``: a shift that takes a service past its stated ``capacity`` (from the money
  side's notes where it gives them, else worked out here from the in-scope contacts alone:
  a lower bound, as the service's other pathways use capacity too);
* ``whole_stays``: a shift to a service that already takes patients straight from a ``from``
  service where patients stay (an ``acute_inpatient`` or ``care_home`` service, or one whose
  ``unit`` is a day, as a mental health ward's may be): early supported discharge after a stroke unit, home
  first after a ward. Such a
  scheme usually shortens stays rather than avoiding them; netkit moves whole stays and their
  income away from the ``from`` service (a bed-day model is not built), so its figures for
  that service are an upper bound;
* ``payer_not_in_scope``: an organisation the risk-and-gain share asks to pay that is not in
  scope (its spend changes because the money follows patients along the whole pathway, beyond
  the partners' scope): it is not at the table, so seat it (``include``) or agree the payments
  with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit.model.schema import HOME, counted_in_days
from netkit.model.selectors import selected_services
from netkit.model.system import kept
from netkit.partners.service_ends import system_flows
from netkit.render.document import PAGES, TEXT, Bullets, Heading, Paragraph
from netkit.render.formats import and_more, fmt_money_rounded
from netkit.render.naming import name_and_id, service_and_provider

__all__ = ["CoverageWarning", "coverage_warnings", "warning_blocks", "PRIMARY_CARE_TYPES"]

PRIMARY_CARE_TYPES = ("gp_practice", "pcn", "gp_federation")

#: Warnings of one kind the text, markdown and HTML reports show (the first, by subject); the
#: rest of that kind are counted in one line (the JSON report lists every one). England's
#: frailty query has 766, which would stand between a reader and the partners.
SHOWN_PER_KIND = 5

#: What the warnings of each kind are about, for the line counting those not shown.
_KIND_WORDS = {
    "no_primary_care": "places in scope with no primary care on the pathway though it has "
                       "some elsewhere",
    "no_council": "places in scope whose council is not in scope",
    "empty_destination": "services the shift moves activity to that have no activity in scope",
    "named_without_flows": "organisations named by the opportunity with no flows or contracts "
                           "in scope",
    "capacity": "services the shift takes past their stated capacity",
    "whole_stays": "services where patients stay that already send patients straight to a "
                   "service the shift moves them to, whose figures are an upper bound for the "
                   "same reason",
    "payer_not_in_scope": "organisations asked to pay that are not in scope"}


@dataclass(frozen=True)
class CoverageWarning:
    """One data-coverage warning: ``kind`` (see the module), ``subject`` (the place,
    organisation or service it is about) and ``message`` (plain words)."""

    kind: str
    subject: str
    message: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


def _service_places(system, services: pd.DataFrame) -> pd.Series:
    place = services["place"] if "place" in services else pd.Series(None, index=services.index)
    return place.fillna(services["provider"].map(_org_column(system, "place")))


def _org_column(system, column: str) -> pd.Series:
    """The organisations' ``column`` by id, built once per system (read only)."""
    return kept(system, ("warnings", "organisations by id", column),
                lambda s: s.organisations.set_index("id")[column])


def _places_in_scope(system, scope) -> list[str]:
    opp = scope.opportunity
    if opp.places:
        return list(opp.places)
    # the places of the flows and of their ends (`netkit.partners.scope.flow_places`), each
    # distinct end looked up once: mapping both ends of every flow took a quarter of a second
    # nationally
    flows = scope.flows
    ends = _distinct_ends(system, scope)
    place_of = kept(system, ("warnings", "service place dict"), _service_place_dict)
    if place_of is not None:  # a dict lookup each: pandas' map by id took 0.03 s nationally
        end_places = pd.Series([place_of.get(e, np.nan) for e in ends.tolist()], dtype=object)
    else:
        from netkit.partners.scope import _service_place

        end_places = pd.Series(ends, dtype=object).map(
            kept(system, ("partners", "service place by id"), _service_place))
    seen = pd.concat([pd.Series(pd.unique(flows["place"].to_numpy(dtype=object)), dtype=object),
                      end_places])
    return sorted(set(seen.dropna().astype(str).unique().tolist()))


def _service_place_dict(system) -> dict | None:
    """`netkit.partners.scope.flow_places`' place of each service, by id, as a dict (once per
    system); None where service ids repeat (a map by them fails as it did)."""
    from netkit.partners.scope import _service_place

    place = kept(system, ("partners", "service place by id"), _service_place)
    if not place.index.is_unique:
        return None
    return dict(zip(place.index.tolist(), place.tolist()))


def _distinct_ends(system, scope) -> np.ndarray:
    """The distinct ends of the scope's flows (services, and ``@home``), in no set order:
    from their positions among the scope's services where known
    (`netkit.partners.service_ends.service_ends`, kept on the scope), else by text."""
    from netkit.partners.service_ends import service_ends

    flows, services = scope.flows, scope.services
    at = service_ends(scope, system)
    if at is not None:
        seen = np.zeros(len(services) + 2, dtype=bool)  # the services, @home, not in scope
        seen[at[0]] = True
        seen[at[1]] = True
        if not seen[-1]:  # every end a service in scope, or @home
            ends = services["id"].to_numpy(dtype=object)[seen[:len(services)]]
            return np.append(ends, HOME) if seen[len(services)] else ends
    return pd.unique(np.concatenate([flows["source"].to_numpy(dtype=object),
                                     flows["target"].to_numpy(dtype=object)]))


def _place_name(system, place: str) -> str:
    places = getattr(system, "places", None)
    if places is not None and len(places) and "name" in places:
        row = places.loc[places["place"].astype(str) == place, "name"].dropna()
        if len(row):
            return f"{row.iloc[0]} ({place})"
    return place


def _pathway_services(system, scope) -> pd.DataFrame:
    """The services of the whole pathway in scope (before a shift narrows it), else the scope's."""
    flows = getattr(scope, "pathway_flows", None)
    if flows is None:
        return scope.services
    return system.services[_on_pathway(system, flows, getattr(scope, "pathways", ()),
                                       system_flows(scope, system))]


def _on_pathway(system, flows: pd.DataFrame, pathways=(), checked: bool = False) -> np.ndarray:
    """Which of the system's services are an end of ``flows``: each distinct end once, as
    its code among the system's flows where ``flows`` are all the system's flows on
    ``pathways`` (checked)."""
    coded = _coded_ends(system, flows, pathways, checked)
    if coded is not None:
        return coded
    ends = pd.unique(np.concatenate([flows["source"].to_numpy(dtype=object),
                                     flows["target"].to_numpy(dtype=object)]))
    return isin(system.services["id"], set(ends.tolist()))


def _coded_ends(system, flows: pd.DataFrame, pathways, checked: bool = False
                ) -> np.ndarray | None:
    """`_on_pathway` from the system's flow codes (`netkit.model.system.system_flow_codes`),
    or None where ``flows`` are not the system's flows on ``pathways``, in order, or the
    system's service ids repeat; ``checked``: ``flows`` are known to be some of the system's
    (`netkit.partners.service_ends.system_flows`), whose ends are then not compared."""
    from netkit.model.system import system_flow_codes
    from netkit.partners.scope import _pathway_codes
    from netkit.partners.service_ends import _end_services

    every = getattr(system, "flows", None)
    if every is None or not hasattr(system, "derived") or not len(flows):
        return None
    codes, code_of = kept(system, ("partners", "pathway codes"), _pathway_codes)
    wanted = np.zeros(len(code_of) + 1, dtype=bool)  # the last slot: flows with no pathway
    wanted[[code_of[p] for p in pathways if p in code_of]] = True
    rows = np.flatnonzero(wanted[codes])
    known = kept(system, ("partners", "flow ends' services"), _end_services)
    if len(rows) != len(flows) or known is None:
        return None
    n = len(every)
    ends, labels = system_flow_codes(system)[2:]  # the targets, then the sources
    labels = np.asarray(labels, dtype=object)
    seen = np.zeros(len(labels), dtype=bool)
    for column, end in (("source", ends[n:]), ("target", ends[:n])):
        code = end[rows]
        if code.min(initial=0) < 0 or not (checked or np.array_equal(
                labels[code], flows[column].to_numpy(dtype=object))):
            return None
        seen[code] = True
    ids, at = known
    out = np.zeros(len(ids) + 2, dtype=bool)  # the services, @home, not a service (-1)
    out[at[seen]] = True
    return out[:len(ids)]


def _primary_places(system, services: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """Which of ``services`` are primary care (see `_primary_care`), and their places."""
    types = services["provider"].map(_org_column(system, "type"))
    primary = (services["category"] == "primary_care") | types.isin(PRIMARY_CARE_TYPES)
    return primary.to_numpy(), _service_places(system, services)


def _primary_care(system, scope, places: list[str]) -> list[CoverageWarning]:
    """A place with no primary care in the pathway, where the pathway has primary care
    elsewhere (primary care missing from a pathway that has none is not a gap; nor is primary
    care the shift's route does not pass through). The system's services' kinds and places
    are worked out once per system (read only): mapping the pathway's 48,000 services' providers
    twice took 0.04 s a national query."""
    flows = getattr(scope, "pathway_flows", None)
    if flows is None:
        primary, place = _primary_places(system, scope.services)
    else:
        primary, place = kept(system, ("warnings", "primary care places"),
                              lambda s: _primary_places(s, s.services))
        primary = primary & _on_pathway(system, flows, getattr(scope, "pathways", ()),
                                        system_flows(scope, system))
    where = place[primary]
    if not len(where) or where.isna().any():  # none in the pathway, or one for every place
        return []
    covered = set(where.astype(str))
    return [CoverageWarning(
        "no_primary_care", p,
        f"place {_place_name(system, p)} is in scope but the pathway has no primary care "
        "service there, though it has in other places: if its practices take part, their flows "
        "are missing, or the practices have no place") for p in places if p not in covered]


def _council(system, scope, places: list[str]) -> list[CoverageWarning]:
    """A place whose council is not in scope: the council ``places.csv`` names for it, else
    any local authority in scope with that place or with none (county-wide). Worked out from
    the scope and places.csv alone (the message names no one), so a council that is nowhere
    in scope makes no difference to it."""
    table = getattr(system, "places", None)
    given = {}
    if table is not None and len(table) and "council" in table:
        given = {str(p): c for p, c in zip(table["place"], table["council"]) if pd.notna(c)}
    in_scope = scope.organisations["id"]
    ids = in_scope.tolist()
    in_scope_ids = set(ids)  # once: a set per place took 20 s at national scale
    # a dict lookup each, in the system's lookup (pandas' map by id took 0.02 s nationally)
    type_of = system.organisation_lookup("type")
    local = np.fromiter((type_of.get(i) == "local_authority" for i in ids), dtype=bool,
                        count=len(ids))
    councils = in_scope[local]
    council_places = councils.map(_org_column(system, "place"))
    county = bool(council_places.isna().any())
    covered = set(council_places.dropna().astype(str))
    out = []
    for place in places:
        named = given.get(place)
        if (named in in_scope_ids) if named else (county or place in covered):
            continue
        out.append(CoverageWarning(
            "no_council", place, f"place {_place_name(system, place)} is in scope but its "
            "council is not (no flows or contracts in scope): if its residents use social care "
            "on this pathway, those flows are missing"))
    return out


def _destinations(system, scope) -> list[CoverageWarning]:
    shift = scope.opportunity.shift
    if shift is None:
        return []
    chosen = system.services[selected_services(system, shift.to)]
    if chosen.empty:
        return [CoverageWarning("empty_destination", ", ".join(shift.to),
                                f"the shift's destination {', '.join(shift.to)} names no "
                                "service in this system")]
    services = scope.services
    # the chosen services' activity in scope: those rows only (indexing and making a dict of
    # all 48,000 took 0.01 s nationally), as a dict where their ids are each once
    mine = services[isin(services["id"], set(chosen["id"].tolist()))]
    activity = mine.set_index("id")["activity"]
    if activity.index.is_unique and not activity.index.hasnans:
        activity = dict(zip(activity.index.tolist(), activity.tolist()))
    empty = [s for s in chosen["id"] if float(activity.get(s, 0.0) or 0.0) <= 0]
    names = _service_names(system, empty)
    return [CoverageWarning("empty_destination", s,
                            f"the shift moves activity to {names[s]}, which has no activity in "
                            "scope: "
                            "its share of the shift is a guess (shared equally), and its flows "
                            "onward are unknown") for s in empty]


def _named(system, scope) -> list[CoverageWarning]:
    opp = scope.opportunity
    known = system.organisation_lookup("name")  # ids, kept with the system
    # An included organisation is in scope by the analyst's word alone: not flows or contracts.
    orgs = scope.organisations
    orgs = orgs[~isin(orgs["id"], scope.included)]
    in_scope = set(orgs["id"].tolist()) | set(orgs["candidate"].tolist())
    out = []
    for field in ("include", "exclude", "decommission"):
        for org in getattr(opp, field, ()) or ():
            if org in in_scope:
                continue
            what = ("is not an organisation in this system" if org not in known else
                    "has no flows or contracts in scope")
            out.append(CoverageWarning("named_without_flows", org,
                                       f"{name_and_id(known, org)} is named in {field} but "
                                       f"{what}"))
    return out


def _service_names(system, ids=None) -> dict:
    """Services (``ids``, default every one) as the warnings name them
    (`netkit.render.naming.service_and_provider`).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> _service_names(tiny, ["UCR", "NOPE"])["UCR"]
    'Urgent community response (UCR), run by Vale Community Health (COMM)'
    """
    ids = system.services["id"].tolist() if ids is None else ids
    return service_and_provider(system.services, system.organisation_lookup("name"), ids)


def _whole(value) -> str:
    """A count as computed, whole, with thousands commas (no disclosure control)."""
    return f"{value:,.0f}"


def _capacity(system, scope, inc, count=_whole) -> list[CoverageWarning]:
    if inc is None:
        return []
    notes = [n for n in inc.notes if "capacity" in n.lower()]
    # the ids only where a note may name one (all 48,000 as text took 0.01 s nationally)
    ids = [str(i) for i in inc.services["id"]] if notes and "id" in inc.services else []
    out = [CoverageWarning("capacity", next((i for i in ids if re.search(
        rf"(?<![\w-]){re.escape(i)}(?![\w-])", n)), ""), n.removeprefix("capacity: "))
        for n in notes]
    services = system.services
    if "capacity" not in services or "activity_change" not in inc.services:
        return out
    change = inc.services.set_index("id")["activity_change"]
    capacity = kept(system, ("warnings", "capacity by id"),
                    lambda s: s.services.set_index("id")["capacity"]).reindex(change.index)
    now = scope.services.set_index("id")["activity"].reindex(change.index, fill_value=0.0)
    after = now + change
    over = change.index[(capacity.notna() & (change > 0) & (after > capacity)).to_numpy()]
    names = _service_names(system, over)
    for s in sorted(over):
        if any(s in n for n in notes):
            continue
        out.append(CoverageWarning(
            "capacity", s, f"the shift takes {names[s]}, to {count(after[s])} contacts a year "
                           f"on this opportunity's pathways alone, past its stated capacity of "
                           f"{count(capacity[s])} ({count(after[s] - capacity[s])} over)"))
    return out


def _whole_stays(system, scope, count=_whole) -> list[CoverageWarning]:
    shift = scope.opportunity.shift
    if shift is None:
        return []
    services = system.services
    stays = kept(system, ("warnings", "stays"), _stays)
    sources = set(services.loc[selected_services(system, shift.from_) & stays, "id"].tolist())
    targets = set(services.loc[selected_services(system, shift.to), "id"].tolist())
    flows = scope.flows
    after = flows[_between(system, scope, sources, targets)]
    pairs = after.groupby(["source", "target"], sort=True)["patients"].sum()
    names = kept(system, ("warnings", "service names"),
                 lambda s: dict(zip(s.services["id"].tolist(), s.services["name"].tolist())))
    said = _service_names(system, sorted(set(pairs.index.get_level_values(0))))
    return [CoverageWarning(
        "whole_stays", source,
        f"{names.get(target, target)} ({target}) already takes {count(patients)} patients a year "
        f"straight from {said[source]}: if the scheme shortens stays there rather than avoiding "
        "them, the money overstates that service's loss of income and its savings, as netkit "
        "moves whole stays away from it (a bed-day model is not built); read its figures as an "
        "upper bound")
        for (source, target), patients in pairs.items() if patients > 0]


def _between(system, scope, sources: set, targets: set) -> np.ndarray:
    """Which of the scope's flows go from one of ``sources`` to one of ``targets`` (service
    ids): by their ends' positions among the scope's services, kept on the scope
    (`netkit.partners.service_ends.service_ends`), where every end is one of them or
    ``@home``, rather than by two text lookups of England's 300,000 flows (0.015 s)."""
    from netkit.partners.service_ends import service_ends

    flows, ids = scope.flows, scope.services["id"]
    at = service_ends(scope, system)
    if at is None or (len(flows) and min(at[0].min(), at[1].min()) < 0):
        return isin(flows["source"], sources) & isin(flows["target"], targets)
    # each scope service (then @home) is or is not one of them
    is_source, is_target = (np.append(isin(ids, wanted), False) for wanted in (sources, targets))
    return is_source[at[0]] & is_target[at[1]]


def _stays(system) -> np.ndarray:
    """Services where patients stay: acute inpatient services, care homes and services
    counted in days."""
    services = system.services
    return (isin(services["category"], {"acute_inpatient", "care_home"})
            | counted_in_days(services))


def _payers_outside(system, scope, share) -> list[CoverageWarning]:
    """Those the risk-and-gain share (`netkit.finance.risk_share.ShareDesign`) asks to pay
    that are not in scope, by id: what they pay in all, and to whom."""
    made = getattr(share, "transfers", None)
    if made is None or not len(made):
        return []
    payers = made["payer"].tolist()
    if made["payer"].notna().all():  # each payer looked up in the scope's own lookups (sets
        # of its 48,000 organisations and candidates made again took 0.01 s nationally)
        ids, candidates = scope.candidate_of, set(scope.candidates)
        inside = np.fromiter((p in ids or p in candidates for p in payers), dtype=bool,
                             count=len(payers))
    else:
        orgs = scope.organisations
        inside = isin(made["payer"], set(orgs["id"].tolist()) | set(orgs["candidate"].tolist()))
    outside = made[~inside]
    names = system.organisation_lookup("name")  # read only: no copy
    out = []
    for payer, theirs in sorted(outside.groupby("payer", sort=False), key=lambda g: str(g[0])):
        payees = ", ".join(dict.fromkeys(names.get(p, p) for p in theirs["payee"]))
        out.append(CoverageWarning(
            "payer_not_in_scope", payer,
            f"{names.get(payer, payer)} ({payer}) is asked to pay "
            f"{fmt_money_rounded(theirs['amount'].sum())} a year under the risk and gain share "
            f"(to {payees}) but is not in scope: its spend changes because the money follows "
            "patients along the whole pathway, beyond the partners' scope; seat it (the "
            "opportunity's include) or agree the payments with it"))
    return out


def coverage_warnings(system, scope, inc=None, share=None, disclosure=None
                      ) -> list[CoverageWarning]:
    """Every data-coverage warning for a scope (see the module's description), in the order
    above, each kind sorted by subject; ``share``, the risk-and-gain share, for those it asks
    to pay. Under active ``disclosure`` rules (`netkit.model.disclosure`) the counts of
    patients and contacts the warnings give are shown as the rules show counts (the capacity
    warnings taken from the money's notes are worded so by `Incentives.released`).

    Examples
    --------
    >>> import netkit
    >>> from netkit.partners.scope import find_scope
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> for w in coverage_warnings(tiny, find_scope(tiny, tiny.opportunity("falls"))):
    ...     print(w.kind, w.subject)
    no_council North
    """
    places = _places_in_scope(system, scope)
    count = disclosure.count if disclosure is not None and disclosure.active else _whole
    return (_primary_care(system, scope, places) + _council(system, scope, places)
            + _destinations(system, scope) + _named(system, scope)
            + _capacity(system, scope, inc, count) + _whole_stays(system, scope, count)
            + _payers_outside(system, scope, share))


def warning_blocks(warnings) -> list:
    """The warnings as blocks for the top of a report."""
    if not warnings:
        return []
    count = f"{len(warnings)} thing{'s' if len(warnings) != 1 else ''}"
    return [Heading("Data coverage", 2, only=PAGES),
            Paragraph(f"Data coverage: {count} to check before reading the partners:",
                      only=TEXT),
            Paragraph(f"{count[:1].upper()}{count[1:]} to check before reading the partners:",
                      only=PAGES),
            Bullets(tuple(_shown_lines(warnings)))]


def _shown_lines(warnings) -> list[str]:
    """Each warning's line, at most `SHOWN_PER_KIND` of a kind, and a line counting the rest.

    Examples
    --------
    >>> lines = _shown_lines([CoverageWarning("capacity", f"S{i}", f"S{i} is full")
    ...                       for i in range(7)])
    >>> lines[-2:]
    ['! S4 is full', '! and 2 more services the shift takes past their stated capacity (the JSON report lists every one)']
    """
    by_kind: dict = {}
    for w in warnings:
        by_kind.setdefault(w.kind, []).append(w)
    lines = []
    for kind, group in by_kind.items():
        lines += [f"! {w.message}" for w in group[:SHOWN_PER_KIND]]
        if len(group) > SHOWN_PER_KIND:
            lines.append("! " + and_more(len(group) - SHOWN_PER_KIND,
                                         _KIND_WORDS.get(kind, "warnings of this kind")))
    return lines
