"""The partner table's reasons in words and the input rows behind them (`add_reasons`, for
`netkit.partners.find`): the words for the highest-ranked candidates, the rows for all.
"""

from __future__ import annotations

import pandas as pd

from netkit.finance.incentives import Incentives
from netkit.model.system import System
from netkit.partners.criteria import Criteria
from netkit.partners.duties import scope_reasons
from netkit.partners.flow_match import scope_flow_ends
from netkit.partners.reasons import contact_kinds, sourced_reasons, top_counterparts
from netkit.partners.scope import Scope
from netkit.partners.seats import candidate_frame, scope_seats
from netkit.partners.sources import partner_sources

__all__ = ["add_reasons"]


def _contact_kinds(system: System, scope: Scope) -> dict:
    """Candidate → {kind: contacts a year}, for the reasons' words
    (`netkit.partners.reasons.contact_kinds`), on the flows' codes kept per system."""
    orgs = scope.organisations  # their types by id (not a copy of the frame by id)
    types = pd.Series(orgs["type"].to_numpy(dtype=object), dtype=object,
                      index=pd.Index(orgs["id"].to_numpy(dtype=object), dtype=object))
    return contact_kinds(scope.services, scope.flows, types, scope_flow_ends(system, scope))


#: The partner table's columns the reasons read (`sourced_reasons`): a record of these, not
#: of all forty columns (0.02 s nationally).
_REASON_FIGURES = ["tier", "activity", "activity_share", "handoffs", "handoffs_share",
                   "brokerage_share", "commissioning", "commissioning_share", "incentives",
                   "marginal_benefit", "marginal_cost"]


def add_reasons(table: pd.DataFrame, system: System, scope: Scope, crit: Criteria,
                inc: Incentives | None, include: list, routes: dict, disclosure,
                limit: int, unexplained: str) -> None:
    """Add ``reasons`` (words), ``reason_sources`` (the input rows behind each) and
    ``sources`` (behind all its figures) to the partner table, in its order: words for the
    core, the involve tier and at least ``limit`` candidates from the top, the others'
    reasons the line ``unexplained`` (and any of their seats' or duties' lines)."""
    members, names = scope.members(), system.organisation_names()
    names.update(candidate_frame(system, scope)["name"].dropna().to_dict())  # seats' names
    system_net = inc.system_net if inc is not None else 0.0
    counterparts = top_counterparts(crit.pairs)
    explained = max(limit, int((table["tier"] != "inform").sum()))
    head = table.iloc[:explained]
    sources = partner_sources(system, scope, crit.pairs, scope.opportunity.shift)
    breakdown = _contact_kinds(system, scope)
    extra = scope_reasons(scope, names, system.organisations,  # seats, duties, included
                          disclosure, system=system)
    seat_ids = set(scope_seats(scope)["id"])
    seat_cost = scope.opportunity.coordination_cost.get("partner")  # as the stop line weighs
    own = (dict(zip(inc.organisations["id"].tolist(), inc.organisations["net"].tolist()))
           if inc is not None else {})
    reasons = [
        sourced_reasons(c, row, names=names, counterpart=counterparts.get(c),
                        members=[] if c in seat_ids else members.get(c, []),
                        sole_routes=routes.get(c, []),
                        included=c in include, system_net=system_net,
                        has_shift=inc is not None, tier=row["tier"],
                        marginal=(row["marginal_benefit"], row["marginal_cost"])
                        if row["tier"] != "core" else None, disclosure=disclosure,
                        breakdown=breakdown.get(c), seat_cost=seat_cost,
                        own_money=own.get(c) if c in seat_ids else None)
        for c, row in zip(head["id"].tolist(), head[_REASON_FIGURES].to_dict("records"))]
    if len(table) > explained:
        reasons += [[(unexplained, ())] for _ in range(len(table) - explained)]
    reasons = [r + [(line, ()) for line in extra.get(c, [])]
               for c, r in zip(table["id"], reasons)]
    table["reasons"] = [[text for text, _ in r] for r in reasons]
    table["reason_sources"] = [_reason_sources(sources, c, r)
                               for c, r in zip(table["id"].tolist(), reasons)]
    table["sources"] = [sources.of(c) for c in table["id"]]


def _reason_sources(sources, candidate: str, reasons: list) -> list:
    """The input rows behind each of a candidate's ``reasons`` (``(text, figures)``): those
    of figures cited again (its transfers of care back a handoffs reason, its go-between
    share and its sole routes) made once and copied (made again, they took a third of the
    rows' time nationally)."""
    made: dict = {}
    out = []
    for _, figures in reasons:
        if not figures:
            out.append([])
        elif figures in made:
            out.append([{"file": s["file"], "rows": list(s["rows"])} for s in made[figures]])
        else:
            made[figures] = found = sources.of(candidate, *figures)
            out.append(found)
    return out
