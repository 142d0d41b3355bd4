"""Workstreams and who is responsible, accountable, consulted and informed for each (RACI).

Workstreams follow the shift: one per receiving service ("Stand up" a service with no activity
yet, "Expand" one that has some), one per service patients are diverted from ("Reduce demand
at"), then "Contracts and money" and "Data and evaluation". For each:

* **Responsible**: the provider(s) of the service (as the partner that takes part for them);
  for contracts and money, the commissioners; for data and evaluation, the providers of every
  service the shift touches (they record the activity that shows whether it happened).
* **Accountable**: the lead (`netkit.engagement.inputs.lead_of`), one per workstream.
* **Consulted**: the other core partners and seats.
* **Informed**: the involve and inform tiers, counted, with the top ones by score named.
"""

from __future__ import annotations

import pandas as pd

from netkit.partners.sources import format_sources, merge_sources

__all__ = ["workstreams", "raci", "informed_line", "INFORMED_NAMED"]

#: How many of the involve and inform tiers the RACI names (by score); the rest are counted.
INFORMED_NAMED = 5


def workstreams(services: pd.DataFrame, commissioners: list, lead: str | None) -> pd.DataFrame:
    """One row per workstream: ``workstream, kind, services, responsible`` (partner ids).

    Examples
    --------
    >>> services = pd.DataFrame({"id": ["UCR", "ED"], "name": ["Urgent response", "A&E"],
    ...     "partner": ["COM", "ACUTE"], "side": ["to", "from"], "activity": [0.0, 900.0]})
    >>> workstreams(services, ["ICB"], "ICB")[["workstream", "responsible"]].values.tolist()
    [['Stand up Urgent response', ['COM']], ['Reduce demand at A&E', ['ACUTE']], \
['Contracts and money', ['ICB']], ['Data and evaluation', ['COM', 'ACUTE']]]
    """
    rows = []
    for s in services.itertuples(index=False):  # a handful of services, not a hot path
        if s.side == "to":
            verb = "Expand" if (s.activity or 0) > 0 else "Stand up"
            rows.append((f"{verb} {s.name}", "receiving", [s.id], [s.partner]))
        else:
            rows.append((f"Reduce demand at {s.name}", "diverted from", [s.id], [s.partner]))
    providers = list(dict.fromkeys(services["partner"]))
    rows.append(("Contracts and money", "contracts", [], list(commissioners)
                 or ([lead] if lead else [])))
    rows.append(("Data and evaluation", "evaluation", list(services["id"]), providers
                 or ([lead] if lead else [])))
    return pd.DataFrame(rows, columns=["workstream", "kind", "services", "responsible"])


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
        consulted = [c for c in core if c not in row.responsible and c != lead]
        out.append({"workstream": row.workstream, "responsible": _label(row.responsible, names),
                    "accountable": _label([lead] if lead else [], names),
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
