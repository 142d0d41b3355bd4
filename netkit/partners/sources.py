"""Where each figure in a partner's reasons comes from: the input rows it sums.

Row numbers are as a spreadsheet shows the file (and as netkit's validation messages number
rows): the header is row 1 and the first record is row 2; blank lines count. For a workbook the
file is the sheet (``riverside.xlsx, sheet flows``). They come from `netkit.model.system.System.input_rows`,
so a system that was not read from files (or was changed since) has none, and every figure's
sources are then empty.

Figures and the rows behind them:

* ``activity`` (contacts at its in-scope services): ``flows`` rows into each of its services,
  or out of it where more patients leave than arrive on that pathway (what
  `netkit.model.activity.service_activity` counts). Summing ``patients`` over them gives the
  figure (a row between two of its own services counts once for each it is the counted side of).
* ``handoffs`` (transfers of care with other organisations): the ``flows`` rows between one of
  its services and another organisation's, on the ties kept (at or above ``min_patients``). Its
  go-between position (brokerage) and sole routes are computed on those same transfers.
* ``commissioning``: the ``relationships`` rows by which it (or an organisation it stands for)
  commissions an in-scope provider, and the ``services`` rows whose activity times price is the
  spend.
* ``incentives``: the ``services`` rows of the shift's services it provides or commissions, the
  ``relationships`` rows of those contracts, and the ``flows`` rows into the services activity
  is shifted from.
* ``members``: the ``organisations`` rows of the organisations it stands for.
* ``organisation``: its own ``organisations`` row.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netkit.errors import OpportunityError
from netkit.model.selectors import selected_services
from netkit.model.system import System, kept, system_flow_codes
from netkit.partners.coded import end_tables
from netkit.partners.flow_match import positions, scope_flow_positions, service_ends
from netkit.partners.scope import Scope
from netkit.partners.source_codes import join_codes, lookup, system_codes
from netkit.partners.source_rows import distinct as _distinct, group_rows
from netkit.render.document import Document, Heading, Lines, Note
from netkit.render.text import wrap
from netkit.render.views import ReportViews

__all__ = ["Sources", "partner_sources", "FIGURES", "merge_sources", "format_sources",
           "Explanation", "explain_partner", "ROW_CONVENTION"]

_positions = positions  # where the scope's flows are among the system's (as tests know it)
#: The figures a reason can rest on, in the order reasons give them.
FIGURES = ("organisation", "activity", "handoffs", "commissioning", "incentives", "members")
#: Files in the order a reader meets them.
_FILE_ORDER = ("organisations", "services", "pathways", "flows", "relationships")


@dataclass(frozen=True, repr=False)
class Sources:
    """The input rows behind each candidate's figures.

    Attributes
    ----------
    rows : mapping
        ``{candidate: {figure: {table: row numbers}}}`` for the figures in `FIGURES`, each an
        int64 array of distinct numbers in ascending order (`of` gives them as lists).
    files : dict
        Table name → the file a person opens (``flows.csv``).
    """

    rows: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    #: ``{candidate: ((table, rows), ...)}``: every row behind all its figures, per file in
    #: reading order (an int64 array each), worked out for all candidates at once; else
    #: `of` merges ``rows`` candidate by candidate
    whole: dict | None = None
    #: Python ints by value (an object array, `_row_numbers`), which the lists share: made
    #: once per system, not 1.2 million times a national query (half the lists' time)
    numbers: np.ndarray | None = None

    def _list(self, rows: np.ndarray) -> list:
        """``rows`` as a list of Python ints."""
        return self.numbers[rows].tolist() if self.numbers is not None else rows.tolist()

    def __repr__(self) -> str:
        return f"<Sources: {len(self.rows):,} candidates, files {', '.join(self.files.values())}>"

    def of(self, candidate: str, *figures: str) -> list[dict]:
        """``[{file, rows}]`` behind some of a candidate's figures (all of them without
        ``figures``), files in reading order, rows ascending."""
        if not figures and self.whole is not None:
            # all its figures: merged for every candidate by one sort (merging them one
            # candidate at a time took a tenth of a second nationally)
            return [{"file": self.files[t], "rows": self._list(rows)}
                    for t, rows in self.whole.get(candidate, ())]
        theirs = self.rows.get(candidate, {})
        merged: dict = {}
        for figure in figures or tuple(theirs):
            for table, rows in theirs.get(figure, {}).items():
                if len(rows):
                    merged.setdefault(table, []).append(rows)
        # one sorted union per file, as Python ints (a set of numpy ints converted one by
        # one took a quarter of the sources' time at national scale); a file behind one
        # figure only is that figure's rows as they are; else a sort (np.unique hashes first:
        # 0.4 s nationally). Made lists here, for the candidates asked about only (all
        # England's rows made lists took 0.05 s)
        return [{"file": self.files[t], "rows": self._list(merged[t][0]) if len(merged[t]) == 1
                 else self._list(_distinct(np.concatenate(merged[t])))}
                for t in _FILE_ORDER if t in merged]


def merge_sources(groups) -> list[dict]:
    """Several ``[{file, rows}]`` lists as one, files in first-seen order, rows ascending.

    Examples
    --------
    >>> merge_sources([[{"file": "flows.csv", "rows": [5, 7]}],
    ...                [{"file": "flows.csv", "rows": [2, 5]}, {"file": "services.csv", "rows": [3]}]])
    [{'file': 'flows.csv', 'rows': [2, 5, 7]}, {'file': 'services.csv', 'rows': [3]}]
    """
    merged: dict = {}
    for group in groups:
        for item in group:
            merged.setdefault(item["file"], set()).update(item["rows"])
    return [{"file": f, "rows": sorted(rows)} for f, rows in merged.items()]


def format_sources(sources: list[dict], limit: int | None = None) -> str:
    """``flows.csv rows 5, 7, 9–11; services.csv row 2`` (runs of consecutive rows joined; with
    ``limit``, at most that many runs per file and how many rows more).

    Examples
    --------
    >>> format_sources([{"file": "flows.csv", "rows": [5, 7, 9, 10, 11]},
    ...                 {"file": "services.csv", "rows": [2]}])
    'flows.csv rows 5, 7, 9–11; services.csv row 2'
    >>> format_sources([])
    'no input rows (a figure worked out from the others)'
    """
    if not sources:
        return "no input rows (a figure worked out from the others)"
    parts = []
    for item in sources:
        rows = item["rows"]
        runs, start = [], None
        for i, r in enumerate(rows):
            if start is None:
                start = r
            if i + 1 == len(rows) or rows[i + 1] != r + 1:
                runs.append(str(start) if start == r else f"{start}–{r}")
                start = None
        shown = runs if limit is None or len(runs) <= limit else runs[:limit]
        text = ", ".join(shown)
        if len(shown) < len(runs):
            more = len(runs) - len(shown)
            text += f" and {more:,} more run{'s' if more != 1 else ''} of rows"
        parts.append(f"{item['file']} row{'s' if len(rows) != 1 else ''} {text}")
    return "; ".join(parts)


class _Found:
    """The ``(candidate, figure, table, row)`` found, figure by figure, grouped once at the end
    (`sources`): a factorisation, sort and loop for each figure and table took a third of the
    sources' time (0.28 s nationally). Candidates are codes into ``names``, one numbering
    for every figure (each figure's labels factorised and matched again took 30 ms a query
    nationally)."""

    def __init__(self, names) -> None:
        self.names = np.asarray(names, dtype=object)
        self.parts: list = []  # (candidate codes, rows, slot)
        self.slots: list = []  # (figure, table) in first-seen order

    def add(self, candidates, rows, table: str, figure: str) -> None:
        """Add rows behind ``figure`` in ``table``, ``candidates`` as codes into ``names``
        (-1: none, left out)."""
        rows = np.asarray(rows)
        candidates = np.asarray(candidates, dtype=np.int64)
        valid = candidates >= 0
        if rows.dtype.kind == "f":
            valid &= ~np.isnan(rows)
        if not valid.any():
            return
        if (figure, table) not in self.slots:
            self.slots.append((figure, table))
        self.parts.append((candidates[valid], rows[valid].astype("int64"),
                           self.slots.index((figure, table))))

    def sources(self, files: dict, numbers: np.ndarray | None = None) -> Sources:
        """The `Sources`: ``{candidate: {figure: {table: distinct rows ascending}}}``, and
        each candidate's rows behind all its figures (``whole``), by
        `netkit.partners.source_rows.group_rows`."""
        if not self.parts:
            return Sources({}, files, {})
        rows, whole = group_rows(self.names, self.parts, self.slots, _FILE_ORDER)
        return Sources(rows, files, whole, numbers)


def _scope_flow_rows(system: System, scope: Scope, rows: np.ndarray) -> pd.DataFrame:
    """The input flows behind the scope's flows
    (`netkit.partners.flow_match.scope_flow_positions`) as a frame: ``pathway, source,
    target, place, patients, row`` (a missing place as ``""``)."""
    taken = system.flows.take(scope_flow_positions(system, scope, rows))
    return taken[["pathway", "source", "target", "place", "patients"]].assign(
        row=rows[taken.index.to_numpy()],
        place=taken["place"].fillna("").astype(str)).reset_index(drop=True)


def partner_sources(system: System, scope: Scope, pairs: pd.DataFrame,
                    shift=None) -> Sources:  # long: one figure after another
    """The input rows behind every candidate's figures (see the module's description).

    Parameters
    ----------
    system : System
    scope : Scope
    pairs : DataFrame
        ``source, target``: the cross-candidate transfers kept (`netkit.partners.criteria.Criteria.pairs`).
    shift : Shift, optional
        The opportunity's shift.

    Examples
    --------
    >>> import netkit
    >>> from netkit.partners.criteria import compute_criteria
    >>> from netkit.partners.scope import find_scope
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> scope = find_scope(tiny, tiny.opportunity("frailty"))
    >>> src = partner_sources(tiny, scope, compute_criteria(tiny, scope).pairs)
    >>> src.of("ACUTE", "activity")
    [{'file': 'flows.csv', 'rows': [5, 7, 9, 11]}]
    """
    if "flows" not in system.input_rows:
        return Sources()
    files = {t: label for t, (label, _) in system.input_rows.items()}
    candidate_of = scope.candidate_of
    services = scope.services
    codes = system_codes(system)  # the ids as codes, kept per system
    # the candidates, one numbering: those the scope's organisations and its services stand
    # for (as the dicts keep them: an id's last row)
    org_ids = list(candidate_of)
    service_candidate = dict(zip(services["id"].tolist(), services["candidate"].tolist()))
    candidate, names = pd.factorize(np.array(list(candidate_of.values())
                                             + list(service_candidate.values()), dtype=object))
    name_of = dict(zip(names.tolist(), range(len(names))))
    out = _Found(names)
    n_ids = codes["size"]
    by_org = np.full(n_ids + 1, -1, dtype=np.int64)  # an id's candidate (the last slot: -1)
    at = lookup(codes["code_of"], org_ids)
    by_org[at[at >= 0]] = candidate[:len(org_ids)][at >= 0]
    as_candidate = np.full(n_ids + 1, -1, dtype=np.int64)  # an id that is a candidate's own
    at = lookup(codes["code_of"], scope.candidates)
    as_candidate[at[at >= 0]] = lookup(name_of, scope.candidates)[at >= 0]

    # the input flows behind the scope's, by their codes kept per system (the flows'
    # services and pathways; factorising their text took a tenth of a second nationally)
    every_row = system.input_rows["flows"][1]
    at = scope_flow_positions(system, scope, every_row)
    n, whole = len(at), len(system.flows)
    pathway, pathways, ends, labels = system_flow_codes(system)
    ends = np.concatenate([ends[at], ends[whole + at]])  # the targets, then the sources
    pathway = pathway[at].astype(np.int64)
    flow_rows = every_row[system.flows.index.to_numpy()[at]]
    # each end's candidate (that of the service it names; the last slot: no service)
    end_of = end_tables(system)["code_of"]
    label_code = np.full(len(labels) + 1, -1, dtype=np.int64)
    found = (service_ends(system, scope) if len(service_candidate) == len(services)
             else lookup(end_of, list(service_candidate)))  # (ids distinct: kept per scope)
    label_code[found[found >= 0]] = candidate[len(org_ids):][found >= 0]
    end_code = label_code[ends]  # each end's candidate as a code into ``names`` (-1: none)
    source, target = end_code[n:], end_code[:n]

    # activity: per (pathway, service) the larger side, arriving (first n) or leaving
    # (the sums below add in row order whatever the numbering): the pair's codes, the scope's
    # few pathways numbered 0, 1, ..., where there are not too many of them, else numbered
    # by a hash (np.unique sorted a million keys nationally: 0.15 s; the hash took 10 ms)
    present = np.zeros(len(pathways) + 1, dtype=bool)
    present[pathway + 1] = True  # (a missing pathway: -1)
    pathway = (np.cumsum(present) - 1)[pathway + 1]
    where = np.tile(pathway, 2) * (len(labels) + 1) + (ends + 1)  # a missing end: -1
    size = int(present.sum()) * (len(labels) + 1)
    if size > 8 * n:
        where = pd.factorize(where)[0]
        size = int(where.max()) + 1 if n else 0
    patients = np.nan_to_num(system.flows["patients"].to_numpy(dtype=float)[at])
    by_leaving = (np.bincount(where[n:], patients, size)
                  > np.bincount(where[:n], patients, size))
    arrive_counts, leave_counts = ~by_leaving[where[:n]], by_leaving[where[n:]]
    into = (target >= 0) & arrive_counts
    out_of = (source >= 0) & leave_counts
    out.add(np.concatenate([target[into], source[out_of]]),
            np.concatenate([flow_rows[into], flow_rows[out_of]]), "flows", "activity")

    # transfers of care between candidates, on the ties kept: each tie one integer (from the
    # candidates' codes), where filtering and merging the flows on text took 70 ms nationally
    width = len(names) + 1
    tie_source = lookup(name_of, pairs["source"].tolist())
    tie_target = lookup(name_of, pairs["target"].tolist())
    ties = (tie_source * width + tie_target)[(tie_source >= 0) & (tie_target >= 0)]
    on_tie = ((source >= 0) & (target >= 0) & (source != target)
              & np.isin(source * width + target, ties))
    rows = flow_rows[on_tie]
    out.add(np.concatenate([source[on_tie], target[on_tie]]), np.concatenate([rows, rows]),
            "flows", "handoffs")

    # commissioning: contracts with in-scope providers, and those providers' services, on
    # the ids' codes (isin, merges and lookups of the text took 0.1 s nationally)
    svc_all = system.services
    svc_rows = system.input_rows.get("services", ("", np.zeros(len(svc_all), "int64")))[1]
    in_scope = np.zeros(codes["services"] + 1, dtype=bool)  # the last slot: no id
    in_scope[lookup(codes["service_code_of"], list(service_candidate))] = True
    in_scope[-1] = False
    in_scope = np.flatnonzero(in_scope[codes["service"]])  # the system's rows, in order
    in_scope_rows = svc_rows[svc_all.index.to_numpy()[in_scope]]
    in_provider = codes["provider"][in_scope]
    providing = np.zeros(n_ids + 1, dtype=bool)
    providing[in_provider] = True
    providing[-1] = False
    held = providing[codes["target"]] & (by_org[codes["source"]] >= 0)
    payer = by_org[codes["source"][held]]
    provider = codes["target"][held]
    contract_rows = codes["row"][held]
    out.add(payer, contract_rows, "relationships", "commissioning")
    i, j = join_codes(provider, in_provider)
    out.add(payer[i], in_scope_rows[j], "services", "commissioning")

    if shift is not None:
        moved_from = selected_services(system, shift.from_)[in_scope]
        touched = moved_from | selected_services(system, shift.to)[in_scope]
        shifted = in_provider[touched]
        shifted_rows = in_scope_rows[touched]
        out.add(by_org[shifted], shifted_rows, "services", "incentives")
        paying = np.zeros(n_ids + 1, dtype=bool)
        paying[shifted] = True
        paying[-1] = False
        paying = paying[provider]
        out.add(payer[paying], contract_rows[paying], "relationships", "incentives")
        i, j = join_codes(provider[paying], shifted)
        out.add(payer[paying][i], shifted_rows[j], "services", "incentives")
        origin = svc_all["id"].to_numpy(dtype=object)[in_scope[moved_from]].tolist()
        moved = np.zeros(len(labels) + 1, dtype=bool)  # the last: no service (code -1)
        found = lookup(end_of, origin)
        moved[found[found >= 0]] = True
        into_moved = moved[ends[:n]]
        out.add(target[into_moved], flow_rows[into_moved], "flows", "incentives")

    # the organisations' rows: the candidates' own, and those of the organisations each
    # stands for (by their ids' codes, not a text isin over every organisation)
    orgs = system.organisations
    org_rows = system.input_rows.get("organisations", ("", np.zeros(len(orgs), "int64")))[1]
    org_rows = org_rows[orgs.index.to_numpy()]
    own, standing = as_candidate[codes["org"]], by_org[codes["org"]]
    mine = own >= 0
    out.add(own[mine], org_rows[mine], "organisations", "organisation")
    other = (standing >= 0) & (own != standing)
    out.add(standing[other], org_rows[other], "organisations", "members")
    return out.sources(files, kept(system, ("sources", "row numbers"), _row_numbers))


def _row_numbers(system: System) -> np.ndarray:
    """0, 1, ... up to the last input row of any table, as Python ints in an object array."""
    last = max((int(rows.max()) for _, rows in system.input_rows.values() if len(rows)),
               default=0)
    return np.arange(last + 1).astype(object)


#: How row numbers are counted, said wherever they are shown.
ROW_CONVENTION = ("row numbers as a spreadsheet shows each file: the header is row 1 and the "
                  "first record row 2 (as validation messages count them)")


@dataclass(frozen=True, repr=False)
class Explanation(ReportViews):
    """One partner's reasons with the input rows behind each (`netkit explain`).

    Attributes
    ----------
    opportunity, partner, name, tier : str
    rank, of : int
        Its place in the partner list (by score within a tier) and how many there are.
    reasons : list of (str, list)
        Each reason in words with its ``[{file, rows}]``.
    sources : list of dict
        Every input row behind its figures.
    members : list of str
        The organisations it stands for.
    traced : bool
        Whether the system kept its row numbers (a system read from files does; one built in
        code or changed by a changeset does not).
    """

    opportunity: str
    partner: str
    name: str
    tier: str
    rank: int
    of: int
    reasons: list
    sources: list
    members: list = field(default_factory=list)
    traced: bool = True

    def __repr__(self) -> str:
        return (f"<Explanation {self.partner!r} in {self.opportunity!r}: {self.tier}, "
                f"{len(self.reasons)} reasons>")

    def to_dict(self) -> dict:
        return {"opportunity": self.opportunity, "partner": self.partner, "name": self.name,
                "tier": self.tier, "rank": self.rank, "members": self.members,
                "reasons": [{"reason": text, "sources": found} for text, found in self.reasons],
                "sources": self.sources, "rows": ROW_CONVENTION}

    def to_frame(self) -> pd.DataFrame:
        """One row per reason: ``reason, sources`` (as text)."""
        return pd.DataFrame({"reason": [t for t, _ in self.reasons],
                             "sources": [format_sources(f) for _, f in self.reasons]})

    def report(self) -> Document:
        lines = []
        for text, found in self.reasons:
            lines += wrap(text, 98, initial_indent="- ", subsequent_indent="  ")
            lines += wrap(format_sources(found), 96, initial_indent="    rows: ",
                          subsequent_indent="      ")
        blocks = [Heading(f"{self.name} ({self.partner}) in {self.opportunity}"),
                  Lines([f"{self.tier}; number {self.rank} of {self.of} in the partner list (by "
                         "tier, then score)" + (f"; stands for {', '.join(self.members)}"
                                   if self.members else "")], muted=True),
                  Heading("Reasons and the input rows behind them", 2), Lines(lines),
                  Note(format_sources(self.sources), label="All rows behind its figures"),
                  Note(ROW_CONVENTION, label="Rows")]
        if not self.traced:
            blocks.append(Note("this system was not read from files (or was changed since), so "
                               "it has no row numbers to cite", label="Sources"))
        return Document(blocks, title=f"Why {self.name}")


def explain_partner(partner_set, partner: str) -> Explanation:
    """The reasons for one partner of a `netkit.partners.result.PartnerSet`, with their rows.

    ``partner`` is a partner's id or that of an organisation it stands for.

    Raises
    ------
    OpportunityError
        If ``partner`` is not in the partner set, naming the ones that are.

    Examples
    --------
    >>> import netkit
    >>> ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty")
    >>> print(explain_partner(ps, "AMB").to_text())  # doctest: +ELLIPSIS
    Vale Ambulance Service (AMB) in frailty
    ...
    - delivers 18% of the contacts in scope (500 emergency responses to 999 calls a year: 400 conveyed to the emergency department)
        rows: flows.csv row 3
    ...
    """
    table = partner_set.partners
    wanted = partner_set.scope.candidate_of.get(partner, partner)
    found = table[table["id"] == wanted]
    if found.empty:
        known = table["id"].tolist()
        close = difflib.get_close_matches(str(partner), known, 1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        shown = ", ".join(known[:30]) + (f" and {len(known) - 30:,} more" if len(known) > 30
                                         else "")
        raise OpportunityError(
            f"no partner {partner!r} in the partner set for {partner_set.opportunity.id!r} "
            f"({hint}partners: {shown}); see 'netkit partners PATH --opportunity "
            f"{partner_set.opportunity.id}'")
    row = found.iloc[0]
    pairs = row.get("reason_sources")
    pairs = pairs if isinstance(pairs, list) else [[] for _ in row["reasons"]]
    sources = row.get("sources") if isinstance(row.get("sources"), list) else []
    return Explanation(partner_set.opportunity.id, str(row["id"]), str(row["name"]),
                       str(row["tier"]), int(row["rank"]), len(table),
                       list(zip(row["reasons"], pairs)), sources, list(row["stands_for"]),
                       traced=bool(sources))
