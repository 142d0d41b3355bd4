"""Workstreams and who is responsible, accountable, consulted and informed for each (RACI).

Workstreams follow the shift: one per receiving service ("Stand up" a service with no activity
yet, "Expand" one that has some), one per service patients are diverted from ("Reduce demand
at"), then "Contracts and money" and "Data and evaluation". For each:

* **Responsible**: the provider(s) of the service (as the partner that takes part for them);
  for contracts and money, the commissioners; for data and evaluation, the providers of every
  service the shift touches (they record the activity that shows whether it happened).
* **Accountable**: for a service, the body answerable for it: its provider, except a social
  care service, for which the council(s) commissioning it answer (through the section 75
  agreement or the Better Care Fund); for contracts and money, the ICB for NHS contracts and the
  councils for social care; for data and evaluation, the senior responsible owner, whom the
  board appoints (`netkit.engagement.inputs.lead_of` only recommends one).
* **Consulted**: the other core partners and seats.
* **Informed**: the involve and inform tiers, counted, with the top ones by score named.
"""

from __future__ import annotations

import pandas as pd

from netkit.partners.sources import format_sources, merge_sources

__all__ = ["workstreams", "raci", "informed_line", "INFORMED_NAMED", "SOCIAL_CARE", "SRO"]

#: How many of the involve and inform tiers the RACI names (by score); the rest are counted.
INFORMED_NAMED = 5
#: Service categories the councils answer for (social care, commissioned through the councils).
SOCIAL_CARE = ("social_care", "care_home")
#: The accountable body of the programme-wide workstreams: the board appoints it.
SRO = "the senior responsible owner (the board appoints)"
#: How the councils' part of contracts and money is held.
S75 = "for social care, through the section 75 agreement or the Better Care Fund"


def workstreams(services: pd.DataFrame, commissioners: list, lead: str | None,
                types: dict | None = None, commissioned_by: dict | None = None) -> pd.DataFrame:
    """One row per workstream: ``workstream, kind, services, responsible, accountable``
    (partner ids; ``accountable`` empty where the board appoints the senior responsible owner).

    ``types`` maps a partner to its organisation type and ``commissioned_by`` a provider to the
    partners that commission it: a social care service (category in `SOCIAL_CARE`) answers to
    the council(s) commissioning it, or to its provider where that is a council; contracts and
    money answer to the ICB(s) and the councils among ``commissioners``.

    Examples
    --------
    >>> services = pd.DataFrame({"id": ["UCR", "ED"], "name": ["Urgent response", "A&E"],
    ...     "partner": ["COM", "ACUTE"], "side": ["to", "from"], "activity": [0.0, 900.0]})
    >>> out = workstreams(services, ["ICB"], "ICB", {"ICB": "icb"})
    >>> out[["workstream", "responsible", "accountable"]].values.tolist()
    [['Stand up Urgent response', ['COM'], ['COM']], ['Reduce demand at A&E', ['ACUTE'], \
['ACUTE']], ['Contracts and money', ['ICB'], ['ICB']], ['Data and evaluation', ['COM', \
'ACUTE'], []]]
    """
    types, commissioned_by = dict(types or {}), dict(commissioned_by or {})
    councils = [c for c in commissioners if types.get(c) == "local_authority"]
    rows = []
    for s in services.itertuples(index=False):  # a handful of services, not a hot path
        verb = ("Expand" if (s.activity or 0) > 0 else "Stand up") if s.side == "to" else ""
        name = f"{verb} {s.name}" if verb else f"Reduce demand at {s.name}"
        accountable = [s.partner]
        if getattr(s, "category", "") in SOCIAL_CARE and types.get(s.partner) != "local_authority":
            accountable = [c for c in commissioned_by.get(s.partner, [])
                           if types.get(c) == "local_authority"] or accountable
        rows.append((name, "receiving" if verb else "diverted from", [s.id], [s.partner],
                     accountable))
    providers = list(dict.fromkeys(services["partner"]))
    money = list(commissioners) or ([lead] if lead else [])
    nhs = [c for c in money if types.get(c) == "icb"] or [c for c in money if c not in councils]
    rows.append(("Contracts and money", "contracts", [], money, nhs + councils))
    rows.append(("Data and evaluation", "evaluation", list(services["id"]), providers
                 or ([lead] if lead else []), []))
    return pd.DataFrame(rows, columns=["workstream", "kind", "services", "responsible",
                                       "accountable"])


def _accountable(ids: list, kind: str, types: dict, names: dict) -> str:
    """The accountable column's words: the SRO where ``ids`` is empty; for contracts and money,
    the NHS part and the councils' part (s75 or BCF) said apart."""
    if not ids:
        return SRO
    councils = [i for i in ids if types.get(i) == "local_authority"]
    if kind != "contracts" or not councils:
        return _label(ids, names)
    nhs = [i for i in ids if i not in councils]
    return "; ".join(([f"{_label(nhs, names)} for NHS contracts"] if nhs else [])
                     + [f"{_label(councils, names)} {S75}"])


def _label(ids, names: dict) -> str:
    return "; ".join(f"{names.get(i, i)} ({i})" for i in ids) or "none"


def raci(streams: pd.DataFrame, partners: pd.DataFrame, lead: str | None, names: dict,
         sources: dict) -> pd.DataFrame:
    """The RACI table: ``workstream, responsible, accountable, consulted, informed, sources``
    as text a person reads, with ``responsible_ids``, ``consulted_ids`` kept as lists.

    ``sources`` maps a workstream to the ``[{file, rows}]`` behind it. The informed are the
    same in every workstream, so the table counts them and names the top two
    (`informed_line` names more)."""
    core = partners.loc[partners["tier"] == "core", "id"].tolist()
    types = (partners.set_index("id")["type"].to_dict() if "type" in partners else {})
    wider = partners[partners["tier"].isin(["involve", "inform"])].sort_values(
        ["score", "id"], ascending=[False, True], kind="mergesort")
    counts = wider["tier"].value_counts()
    top = wider["id"].head(INFORMED_NAMED).tolist()
    if len(wider):
        informed = (f"{len(wider):,} (involve {counts.get('involve', 0):,}, "
                    f"inform {counts.get('inform', 0):,}; top: {_label(top[:2], names)}"
                    + (" and more)" if len(wider) > 2 else ")"))
    else:
        informed = "none (no involve or inform partners)"
    out = []
    for row in streams.itertuples(index=False):
        accountable = list(getattr(row, "accountable", [lead] if lead else []))
        consulted = [c for c in core if c not in row.responsible and c not in accountable]
        out.append({"workstream": row.workstream, "responsible": _label(row.responsible, names),
                    "accountable": _accountable(accountable, row.kind, types, names),
                    "accountable_ids": accountable,
                    "consulted": _label(consulted, names), "informed": informed,
                    "sources": format_sources(merge_sources([sources.get(row.workstream, [])])),
                    "responsible_ids": list(row.responsible), "consulted_ids": consulted,
                    "informed_ids": wider["id"].tolist()})
    return pd.DataFrame(out)


def informed_line(partners: pd.DataFrame, names: dict) -> str:
    """``Informed in every workstream: 12 organisations (involve 1, inform 11); the top 5 by
    score: ...``"""
    wider = partners[partners["tier"].isin(["involve", "inform"])].sort_values(
        ["score", "id"], ascending=[False, True], kind="mergesort")
    if not len(wider):
        return "Informed: no one (the partner set has no involve or inform tier)."
    counts = wider["tier"].value_counts()
    top = wider["id"].head(INFORMED_NAMED).tolist()
    more = len(wider) - len(top)
    return (f"Informed in every workstream: {len(wider):,} organisation"
            f"{'s' if len(wider) != 1 else ''} (involve {counts.get('involve', 0):,}, inform "
            f"{counts.get('inform', 0):,}); the top {len(top)} by score: {_label(top, names)}"
            + (f", and {more:,} more." if more else "."))
