"""Pathways from patient-level event data: who goes where next.

`directly_follows` counts, for every case (patient), each step from one event to the next in
time order, and where cases start and end: the directly-follows graph of process mining.
`mine_pathways` turns that into the ``flows.csv`` of a system: distinct patients and
transitions per step between services, entry from and exit to ``@home``, and the median days
between steps.

**Method.** Columns are integer-coded (``pandas.factorize``), events are put in (case, time)
order with one stable sort (``numpy.lexsort``) so that events with the same time keep their file
order, and neighbours are compared: a step is a pair of neighbouring events of the same case.
Counts are ``numpy.bincount`` over pair codes. No Python loop runs over events, and when the
input is already in (case, time) order the sort is skipped.

References
----------
van der Aalst, W. M. P. (2016). *Process Mining: Data Science in Action*, 2nd ed., Springer:
directly-follows graphs (§6.2) and handover-of-work networks (§9.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from netkit.model.disclosure import SUPPRESSED, DisclosureRules, disclosure_rules
from netkit.errors import InputError, OptionError, Problem
from netkit.mining.events import MISSING, check_columns, parse_times
from netkit.model.schema import HOME

__all__ = ["directly_follows", "mine_pathways", "MinedPathways", "EventSequence",
           "order_events"]

NS_PER_DAY = 86_400e9


@dataclass(frozen=True)
class EventSequence:
    """Events in (case, time) order, integer-coded.

    Attributes
    ----------
    case : ndarray of int
        Case code of each event (codes in order of first appearance).
    activity : ndarray of int
        Activity (service) code of each event; ``labels[code]`` is its text.
    time : ndarray of int64
        Nanoseconds.
    labels : ndarray
    n_cases : int
    was_sorted : bool
        True when the input was already in (case, time) order and no sort ran.
    """

    case: np.ndarray
    activity: np.ndarray
    time: np.ndarray
    labels: np.ndarray
    n_cases: int
    was_sorted: bool
    same: np.ndarray | None = None  # same[i]: events i and i + 1 are of one case

    def same_case(self) -> np.ndarray:
        """``same[i]``: events ``i`` and ``i + 1`` belong to one case (computed once)."""
        if self.same is None:
            object.__setattr__(self, "same", self.case[1:] == self.case[:-1])
        return self.same

    def first_and_last(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions of each case's first and last event."""
        starts = np.r_[0, np.flatnonzero(~self.same_case()) + 1] if len(self.case) else \
            np.zeros(0, dtype=np.int64)
        ends = np.r_[starts[1:] - 1, len(self.case) - 1]
        return starts, ends


def order_events(case_values, time_ns: np.ndarray, activity_values,
                 missing: str = MISSING, keep_time: bool = True) -> EventSequence:
    """Integer-code the columns and put events in (case, time) order (stable: ties keep file
    order); no sort when they already are.

    ``keep_time=False`` leaves the times out of the result (``time`` is None), saving 8 bytes
    an event where only the order matters.

    Examples
    --------
    >>> seq = order_events(["b", "a", "b"], np.array([2, 5, 1]), ["X", "Y", "Z"])
    >>> [seq.labels[a] for a in seq.activity], seq.was_sorted
    (['Z', 'X', 'Y'], False)
    """
    case_codes, n_cases, grouped = _case_codes(case_values)
    act_codes, act_labels = _activity_codes(activity_values, missing)
    time_ns = np.asarray(time_ns, dtype=np.int64)
    ordered = grouped or bool(np.all(case_codes[1:] >= case_codes[:-1]))
    same = None
    if ordered:
        same = case_codes[1:] == case_codes[:-1]
        earlier = np.less(time_ns[1:], time_ns[:-1])  # an event before its predecessor...
        earlier &= same  # ...in the same case
        ordered = not bool(earlier.any())
        del earlier
    if not ordered:
        same = None
        order = _case_time_order(case_codes, n_cases, time_ns)
        case_codes, act_codes = case_codes[order], act_codes[order]
        time_ns = time_ns[order] if keep_time else None
        del order
    elif not keep_time:
        time_ns = None
    return EventSequence(case_codes, act_codes, time_ns, act_labels, n_cases, ordered, same)


def _case_codes(values) -> tuple[np.ndarray, int, bool]:
    """Case codes (ascending in order of first appearance), the number of cases, and whether
    the codes are known to be grouped in ascending order. Integer ids already grouped in
    ascending order need no hashing, and are used as they are (no copy)."""
    raw = _integers(values)
    if raw is not None and len(raw) and raw[0] >= 0 and raw[-1] < 2**31:
        step = np.diff(raw)
        if bool((step >= 0).all()):
            # Grouped, ascending, non-negative ids serve as codes as they are: only their
            # equality and order are used.
            return raw, 1 + int(np.count_nonzero(step)), True
        del step
    codes, labels = pd.factorize(values if isinstance(values, (pd.Series, np.ndarray))
                                 else np.asarray(values, dtype=object))
    return _narrow(codes, len(labels)), len(labels), False


def _integers(values) -> np.ndarray | None:
    """The values as a numpy integer array, or None when they are not integers (checked on the
    dtype first: converting a text column to numpy would copy every string)."""
    dtype = getattr(values, "dtype", None)
    if dtype is None:
        values = np.asarray(values)
        dtype = values.dtype
    if getattr(dtype, "kind", "O") not in "iu" or not isinstance(dtype, np.dtype):
        return None
    return values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)


def _activity_codes(values, missing: str) -> tuple[np.ndarray, np.ndarray]:
    """Activity codes and their labels. Small non-negative integer activities are coded with a
    lookup table instead of a hash (labels become their text)."""
    raw = _integers(values)
    if raw is not None and len(raw) and raw.min() >= 0 and raw.max() < 1_000_000:
        present = np.bincount(raw) > 0
        labels = np.flatnonzero(present)
        if present.all():  # already dense codes 0..K-1: used as they are, no copy
            return raw, labels.astype(str).astype(object)
        lookup = (np.cumsum(present) - 1).astype(np.int32)
        return lookup[raw], labels.astype(str).astype(object)
    activity = pd.Series(values, copy=False)
    if activity.isna().any():
        activity = activity.astype(object).where(activity.notna(), missing)
    codes, labels = pd.factorize(activity)
    return _narrow(codes, len(labels)), np.asarray(labels, dtype=object)


def _case_time_order(case_codes: np.ndarray, n_cases: int, time_ns: np.ndarray) -> np.ndarray:
    """The stable (case, time) order. Where case and time fit in one int64 key (times at the
    coarsest unit that divides them all: days, seconds, ...), one stable argsort of that key;
    otherwise ``numpy.lexsort`` (also stable, about 2.5x slower)."""
    if len(time_ns) == 0:
        return np.arange(0)
    start = time_ns.min()
    offset = time_ns - start
    for unit in (86_400 * 10**9, 10**9, 10**6, 10**3, 1):
        if not np.any(offset % unit):
            break
    offset //= unit
    span = int(offset.max()) + 1
    # ids used as codes as they are (grouped integer ids) can exceed the number of cases
    if (int(case_codes.max()) + 1) * span < 2**62:
        offset += case_codes.astype(np.int64) * span
        return np.argsort(offset, kind="stable")
    return np.lexsort((time_ns, case_codes))


def _narrow(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes as int32 where they fit (half the memory of pandas' int64)."""
    return codes.astype(np.int32) if n < 2**31 else codes


def _pair_codes(seq: EventSequence) -> tuple[np.ndarray, np.ndarray]:
    """Per step between neighbours of one case: the pair code ``source × K + target`` (int32
    where K² fits) and the mask of steps among neighbours."""
    k = len(seq.labels)
    same = seq.same_case()
    dtype = np.int32 if k * k < 2**31 else np.int64
    pairs = np.multiply(seq.activity[:-1], k, dtype=dtype)
    pairs += seq.activity[1:]
    return pairs[same], same


def _count_pairs(pairs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pair codes and how often each occurs (bincount when K² is small)."""
    if k * k <= 50_000_000:
        counts = np.bincount(pairs, minlength=k * k)
        codes = np.flatnonzero(counts)
        return codes, counts[codes]
    return np.unique(pairs, return_counts=True)


def directly_follows(events: pd.DataFrame, case: str = "case_id", time: str = "timestamp",
                     activity: str = "activity", time_format: str | None = None,
                     missing: str = MISSING) -> pd.DataFrame:
    """The directly-follows graph of an event log, with its start and end activities.

    Parameters
    ----------
    events : DataFrame
        One row per event, in file order.
    case, time, activity : str
        Column names.
    time_format : str, optional
        ``strptime`` layout of text times (default ISO 8601).
    missing : str
        Label for an empty activity (pm4py shows ``(missing)`` too).

    Returns
    -------
    DataFrame
        ``kind`` (``dfg``, ``start``, ``end``), ``source``, ``target``, ``count``: a start has
        an empty source, an end an empty target. Within a kind, largest count first, then by
        name. The same numbers as pm4py's ``discover_dfg`` (start and end activities too).

    Examples
    --------
    >>> log = pd.DataFrame({"case_id": ["1", "1", "1", "2", "2"],
    ...                     "timestamp": ["2024-01-01", "2024-01-02", "2024-01-02",
    ...                                   "2024-01-01", "2024-01-03"],
    ...                     "activity": ["ED", "WARD", "HOME", "ED", "WARD"]})
    >>> directly_follows(log).values.tolist()
    [['dfg', 'ED', 'WARD', 2], ['dfg', 'WARD', 'HOME', 1], ['start', '', 'ED', 2], ['end', 'HOME', '', 1], ['end', 'WARD', '', 1]]
    """
    check_columns(events, {"case": case, "time": time, "activity": activity})
    seq = order_events(_case_ids(events, case), parse_times(events[time], time,
                                                            time_format=time_format),
                       events[activity], missing, keep_time=False)
    k = len(seq.labels)
    starts, ends = seq.first_and_last()
    if k * k <= 50_000_000:
        # Count every neighbouring pair, then take away the few that straddle two cases
        # (one per case boundary): cheaper than selecting the steps within cases first.
        dtype = np.int32 if k * k < 2**31 else np.int64
        pairs = np.multiply(seq.activity[:-1], k, dtype=dtype)
        pairs += seq.activity[1:]
        counts = np.bincount(pairs, minlength=k * k)
        del pairs
        straddling = ends[:-1]
        counts -= np.bincount(seq.activity[straddling].astype(np.int64) * k
                              + seq.activity[straddling + 1], minlength=k * k)
        codes = np.flatnonzero(counts)
        counts = counts[codes]
    else:
        pairs, same = _pair_codes(seq)
        del same
        codes, counts = _count_pairs(pairs, k)
        del pairs
    start_counts = np.bincount(seq.activity[starts], minlength=k)
    end_counts = np.bincount(seq.activity[ends], minlength=k)
    labels = seq.labels.astype(str)
    frames = [
        pd.DataFrame({"kind": "dfg", "source": labels[codes // k], "target": labels[codes % k],
                      "count": counts}),
        pd.DataFrame({"kind": "start", "source": "", "target": labels[start_counts > 0],
                      "count": start_counts[start_counts > 0]}),
        pd.DataFrame({"kind": "end", "source": labels[end_counts > 0], "target": "",
                      "count": end_counts[end_counts > 0]}),
    ]
    out = pd.concat(frames, ignore_index=True)
    out["count"] = out["count"].astype(np.int64)
    out["_kind"] = out["kind"].map({"dfg": 0, "start": 1, "end": 2})
    out["_name"] = out["source"].where(out["kind"] != "start", out["target"])
    out = out.sort_values(["_kind", "count", "_name", "target"],
                          ascending=[True, False, True, True], kind="stable")
    return out.drop(columns=["_kind", "_name"]).reset_index(drop=True)


def _case_ids(events: pd.DataFrame, case: str) -> pd.Series:
    ids = events[case]
    missing = ids.isna().to_numpy()
    if missing.any():
        rows = np.flatnonzero(missing)
        problems = [Problem("the events", int(r) + 2, case, None,
                            "is empty: every event needs a case (patient) id") for r in rows[:10]]
        if len(rows) > 10:
            problems.append(Problem("the events", None, case, None,
                                    f"and {len(rows) - 10:,} more rows like these"))
        raise InputError(problems)
    return ids


@dataclass(frozen=True, repr=False)
class MinedPathways:
    """Flows mined from event data, ready to become the ``flows.csv`` of a system.

    Attributes
    ----------
    pathway : str
    flows : DataFrame
        ``pathway, source, target, patients`` (distinct patients), ``transitions`` and
        ``median_days`` (between the two events; blank for entries and exits), the true
        figures. Entries come from and exits go to ``@home``. Consecutive events at the same
        service are one stay, not a flow (counted in ``summary["repeats"]``).
    services : DataFrame
        ``id, events, patients`` and ``provider`` (from the mapping table, or the organisation
        that most of the service's events name, when given).
    handovers : DataFrame or None
        With an organisation column: ``source, target, patients, transitions`` between
        different organisations (handover of work).
    summary : dict
        ``events, cases, transitions, repeats, first, last, span_days, was_sorted``, and
        ``unmapped_events``, ``missing_service`` where relevant.
    warnings : list of str
    disclosure : DisclosureRules
        Applied to everything written or shown (`released_flows`, the reports); never to
        ``flows`` itself.
    """

    pathway: str
    flows: pd.DataFrame
    services: pd.DataFrame
    handovers: pd.DataFrame | None
    summary: dict
    warnings: list = field(default_factory=list)
    disclosure: DisclosureRules = field(default_factory=lambda: disclosure_rules(None))
    #: The patients and transitions as counted in the log, row for row with ``flows``, when
    #: ``flows`` holds them scaled to a year: disclosure control decides what to suppress on
    #: the people actually counted (7 patients scaled to 8.6 a year are still 7 people).
    observed: pd.DataFrame | None = field(default=None, repr=False)

    def released_flows(self) -> pd.DataFrame:
        """The flows as they may be shared: counts rounded, small counts ``*``, medians on
        small counts blank. With no disclosure control, the true figures."""
        return _release(self.flows, self.disclosure, ("patients", "transitions"),
                        observed=self.observed)

    def released_handovers(self) -> pd.DataFrame | None:
        if self.handovers is None:
            return None
        return _release(self.handovers, self.disclosure, ("patients", "transitions"))

    def to_frame(self) -> pd.DataFrame:
        """The released flows (what `netkit pathways mine` writes)."""
        return self.released_flows()

    def to_dict(self) -> dict:
        from netkit.render.formats import to_jsonable

        return to_jsonable({"pathway": self.pathway, "summary": self.summary,
                            "counts": f"patients and transitions {self._basis()}",
                            "disclosure": self.disclosure.describe(),
                            "flows": self.released_flows().to_dict("records"),
                            "handovers": (self.released_handovers().to_dict("records")
                                          if self.handovers is not None else None),
                            "warnings": self.warnings})

    def _lines(self) -> list[str]:
        s, d = self.summary, self.disclosure
        out = [f"Pathway {self.pathway}: {d.count(s['events'])} events of {d.count(s['cases'])} "
               f"patients, {s['first']} to {s['last']} ({s['span_days']:,.0f} days)",
               f"{d.count(s['transitions'])} steps between events; "
               f"{d.count(s['repeats'])} at the same service (one stay, not a flow)",
               f"{len(self.flows):,} flows between {len(self.services):,} services and @home",
               "patients and transitions "
               + counts_basis(s["span_days"], s.get("per_year", False))]
        if self.handovers is not None:
            out.append(f"{len(self.handovers):,} handovers between organisations")
        out.append(d.describe())
        return out + [f"warning: {w}" for w in self.warnings]

    def largest_flows(self, top: int | None = 15) -> tuple[pd.DataFrame, int]:
        """The released flows with most patients first (ties by source, then target), the
        first ``top`` of them (all when only one more would be left out), and how many are
        left out. Suppressed counts sort last."""
        flows = self.released_flows()
        shown = pd.to_numeric(flows["patients"], errors="coerce").fillna(-1)
        order = flows.assign(_n=shown).sort_values(["_n", "source", "target"],
                                                   ascending=[False, True, True], kind="stable")
        order = order.drop(columns="_n").reset_index(drop=True)
        if top is None or len(order) <= top + 1:
            return order, 0
        return order.head(top), len(order) - top

    def _largest(self, top: int) -> tuple[pd.DataFrame, list[str]]:
        flows, hidden = self.largest_flows(top)
        more = [f"and {hidden:,} more flows (the CSV lists every one)"] if hidden else []
        return flows, more

    def to_text(self) -> str:
        from netkit.render.formats import terminal_safe, text_table

        flows, more = self._largest(15)
        return terminal_safe("\n".join(self._lines() + ["", f"Largest flows, patients "
                                                          f"{self._basis(True)}:",
                                                          text_table(flows)] + more) + "\n")

    def to_markdown(self) -> str:
        from netkit.render.formats import escape_markdown as esc
        from netkit.render.formats import markdown_table

        flows, more = self._largest(25)
        return "\n".join([f"# Pathway {esc(self.pathway)}", ""] + [f"- {esc(line)}" for line in
                                                                 self._lines()]
                         + ["", f"Largest flows, patients {self._basis(True)}:", "",
                            markdown_table(flows)] + [f"\n*{esc(m)}*" for m in more]) + "\n"

    def _basis(self, short: bool = False) -> str:
        return counts_basis(self.summary["span_days"], self.summary.get("per_year", False),
                            short)

    def _repr_html_(self) -> str:
        import html

        from netkit.render.formats import html_table

        return ("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in self._lines())
                + "</ul>" + html_table(self._largest(25)[0]))

    def __repr__(self) -> str:
        s = self.summary
        return (f"<MinedPathways {self.pathway!r}: {len(self.flows):,} flows between "
                f"{len(self.services):,} services from {s['events']:,} events of "
                f"{s['cases']:,} patients; counts {self._basis()}>")

    def to_system(self, name: str | None = None, organisation_types: Mapping | None = None,
                  opportunity: bool = True, released: bool = False):
        """A `System` from these flows: services as mined, each provided by its provider (or,
        without one, by an organisation of the same name), one pathway and, by default, one
        opportunity over it, so that `netkit.find_partners` runs at once.

        By default the true figures are used (a system is for computation on your desk);
        ``released=True`` uses the released ones (rounded; suppressed flows left out), as
        `save_system` writes them.
        """
        from netkit.model.system import System

        flows = self.flows[["pathway", "source", "target", "patients"]]
        if released and self.disclosure.active:
            flows = self.disclosure.released_flows(flows)
        services = self.services
        providers = services["provider"].fillna(services["id"])
        org_ids = sorted(set(providers))
        types = dict(organisation_types or {})
        organisations = pd.DataFrame({"id": org_ids, "name": org_ids,
                                      "type": [types.get(o, "other") for o in org_ids]})
        service_table = pd.DataFrame({"id": services["id"], "name": services["id"],
                                      "provider": providers, "category": "other"})
        pathways = pd.DataFrame({"id": [self.pathway], "name": [self.pathway]})
        relationships = pd.DataFrame({"source": pd.Series([], dtype=object),
                                      "target": pd.Series([], dtype=object),
                                      "type": pd.Series([], dtype=object)})
        opportunities = []
        if opportunity:
            from netkit.model.opportunity import Opportunity

            opportunities = [Opportunity(id=self.pathway, title=f"Improve the {self.pathway} "
                                         "pathway", pathways=(self.pathway,))]
        tables = {"organisations": organisations, "services": service_table,
                  "pathways": pathways, "flows": flows.reset_index(drop=True),
                  "relationships": relationships}
        return System(tables, {"name": name or f"Mined: {self.pathway}"}, opportunities)

    def save_system(self, path, name: str | None = None, **options):
        """Write the released system as a folder or workbook: its ``flows.csv`` holds the
        released figures, with suppressed flows kept and marked ``*`` (netkit reads them and
        leaves them out, with a warning). Other options go to `to_system`."""
        from netkit._files import write_atomic
        from netkit.io.saving import save_system

        path = save_system(self.to_system(name, released=True, **options), path)
        flows = self.released_flows()
        if self.disclosure.active and (flows["patients"] == SUPPRESSED).any() \
                and path.is_dir():
            write_atomic(path / "flows.csv", flows.to_csv(index=False, lineterminator="\n"))
        return path


def _release(frame: pd.DataFrame, rules: DisclosureRules, counts=("patients",),
             observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows as they may be shared. What is suppressed is decided on the counts as observed
    (``observed``, where ``frame`` holds them scaled to a year), what is shown is the figure
    rounded by the rules."""
    if not rules.active:
        return frame.copy()
    counted = frame if observed is None else observed
    out = frame.copy()
    hidden = rules.suppressed(counted["patients"]).to_numpy()
    for column in counts:
        values = rules.values(frame[column])
        text = values.map(lambda v: "" if np.isnan(v) else f"{v:.0f}")
        text[rules.suppressed(counted[column]).to_numpy() | hidden] = SUPPRESSED
        out[column] = text.to_numpy()
    if "median_days" in out:
        out["median_days"] = rules.median(frame["median_days"], counted["patients"]).to_numpy()
    return out


def mine_pathways(events: pd.DataFrame, case: str = "patient_id", time: str = "timestamp",
                  service: str = "service", *, pathway: str = "mined",
                  cohort: Mapping | None = None, mapping: pd.DataFrame | None = None,
                  map_code: str = "code", map_service: str = "service",
                  organisation: str | None = None, time_format: str | None = None,
                  dayfirst: bool = False, per_year: bool = False, disclosure=None,
                  progress: Callable[[str], None] | None = None) -> MinedPathways:
    """Turn patient-level events into the flows of a system.

    Parameters
    ----------
    events : DataFrame or pyspark.sql.DataFrame
        One row per event, in file order (ties in time keep this order). A PySpark
        DataFrame is mined on its cluster (`netkit.mining.spark.mine_pathways_spark`),
        giving the same flows; only the small tables come back.
    case, time, service : str
        Column names: the patient (or spell), when, and the service (or activity code, with
        ``mapping``).
    pathway : str
        The pathway id the flows get.
    cohort : mapping, optional
        ``{column: value or list of values}``: keep only events whose column has one of the
        values (say ``{"age_band": ["75-84", "85+"]}``).
    mapping : DataFrame, optional
        Activity codes to service ids: columns ``map_code`` and ``map_service``, and
        optionally ``provider``. Events whose code is not in it are left out, with a warning
        naming the commonest such codes.
    organisation : str, optional
        A column naming the organisation or department of each event: gives each service a
        provider (the one most of its events name) and the handover network between them.
    time_format, dayfirst
        How to read text times (default ISO 8601).
    per_year : bool
        Scale patients and transitions to a year by the log's span (first to last event), as
        a system's ``flows.csv`` holds them (patients a year); a log shorter than
        `SHORT_LOG_DAYS` gets a warning. By default (``False``) the counts are as found in
        the log, and the reports say "in the N days of the log". (The command line's
        ``netkit pathways mine`` scales by default, since it writes ``flows.csv``;
        ``--as-counted`` keeps the counts as found.)
    disclosure : str or DisclosureRules, optional
        Rules for everything written or shown (``nhs``, ``cms``, ``none``, or
        ``threshold=N,round=R``).
    progress : callable, optional
        Called with the name of each stage as it starts (for a progress bar).

    Examples
    --------
    >>> log = pd.DataFrame({
    ...     "patient_id": ["p1", "p1", "p1", "p2", "p2", "p2"],
    ...     "timestamp": ["2024-01-01", "2024-01-03", "2024-01-04",
    ...                   "2024-02-01", "2024-02-02", "2024-02-02"],
    ...     "service": ["ED", "WARD", "REABLE", "ED", "WARD", "WARD"]})
    >>> mined = mine_pathways(log, pathway="frailty")
    >>> mined.flows[["source", "target", "patients", "median_days"]].values.tolist()
    [['@home', 'ED', 2, nan], ['ED', 'WARD', 2, 1.5], ['REABLE', '@home', 1, nan], ['WARD', '@home', 1, nan], ['WARD', 'REABLE', 1, 1.0]]
    >>> mined.summary["repeats"]
    1
    """
    from netkit.mining.spark import is_spark_frame

    if is_spark_frame(events):
        unavailable = [name for name, value in (("mapping", mapping), ("organisation", organisation),
                                                ("cohort", cohort), ("dayfirst", dayfirst))
                       if value]
        if unavailable:
            raise OptionError(f"{', '.join(unavailable)}: not available on the Spark engine; "
                              "apply them in Spark first (a join, a filter; a time pattern in "
                              "time_format) or use a pandas DataFrame")
        from netkit.mining.spark import mine_pathways_spark

        return mine_pathways_spark(events, case, time, service, pathway=pathway,
                                   time_format=time_format, per_year=per_year,
                                   disclosure=disclosure, progress=progress)
    rules = disclosure_rules(disclosure)
    step = progress or (lambda stage: None)
    wanted = {"case": case, "time": time, "service": service, "organisation": organisation}
    wanted.update({f"cohort column {c!r}": c for c in (cohort or {})})
    check_columns(events, wanted)
    warnings: list[str] = []
    if cohort:
        keep = np.ones(len(events), dtype=bool)
        for column, values in cohort.items():
            values = [values] if isinstance(values, str) or not hasattr(values, "__iter__") \
                else list(values)
            keep &= events[column].astype(str).isin([str(v) for v in values]).to_numpy()
        events = events[keep]
        if len(events) == 0:
            raise InputError([Problem("the events", None, None, None,
                                      f"no events are left in the cohort {dict(cohort)}")])
    services = events[service]
    providers_from_map = None
    unmapped_count = 0
    if mapping is not None:
        check_columns(mapping, {"map_code": map_code, "map_service": map_service},
                      "the mapping table")
        table = mapping.drop_duplicates(map_code)
        mapped = services.map(dict(zip(table[map_code], table[map_service])))
        unmapped = mapped.isna() & services.notna()
        unmapped_count = int(unmapped.sum())
        if unmapped.any():
            common = services[unmapped].value_counts().head(5)
            warnings.append(f"{int(unmapped.sum()):,} events have codes that are not in the "
                            "mapping table and are left out (commonest: "
                            + ", ".join(f"{c} ×{n:,}" for c, n in common.items()) + ")")
            events, mapped = events[~unmapped.to_numpy()], mapped[~unmapped]
            if len(events) == 0:
                raise InputError([Problem("the mapping table", None, map_code, None,
                                          "maps none of the events' codes")])
        services = mapped
        if "provider" in mapping:
            providers_from_map = dict(zip(table[map_service], table["provider"]))
    missing_service = int(services.isna().sum())
    if missing_service:
        warnings.append(f"{missing_service:,} events have no {service}; they appear as "
                        f"service {MISSING!r}")
    step("reading times")
    times = parse_times(events[time], time, time_format=time_format, dayfirst=dayfirst)
    step("ordering events")
    seq = order_events(_case_ids(events, case), times, services)
    step("counting steps")
    flows, repeats, n_steps = _flows(seq, pathway)
    span_days = float(seq.time.max() - seq.time.min()) / NS_PER_DAY
    observed = None
    if per_year:
        observed = flows[["patients", "transitions"]].copy()
        flows = per_year_flows(flows, span_days)
        if short_log_warning(span_days):
            warnings.append(short_log_warning(span_days))
    service_table = _services(seq)
    handovers = None
    if organisation is not None:
        step("handovers between organisations")
        orgs = order_events(_case_ids(events, case), times, events[organisation])
        handovers, _, _ = _flows(orgs, pathway)
        handovers = handovers[(handovers["source"] != HOME) & (handovers["target"] != HOME)]
        handovers = handovers[["source", "target", "patients", "transitions"]].reset_index(
            drop=True)
        service_table["provider"] = service_table["id"].map(
            _modal(services.to_numpy(dtype=object), events[organisation].to_numpy(dtype=object)))
        missing_org = int(events[organisation].isna().sum())
        if missing_org:
            warnings.append(f"{missing_org:,} events have no {organisation}; they appear as "
                            f"{MISSING!r}")
    elif providers_from_map is not None:
        service_table["provider"] = service_table["id"].map(providers_from_map)
    first = pd.Timestamp(int(seq.time.min())).isoformat()
    last = pd.Timestamp(int(seq.time.max())).isoformat()
    summary = {"events": int(len(seq.case)), "cases": int(seq.n_cases),
               "transitions": int(n_steps), "repeats": int(repeats), "first": first,
               "last": last, "span_days": span_days, "was_sorted": seq.was_sorted,
               "per_year": per_year}
    if mapping is not None:
        summary["unmapped_events"] = unmapped_count
    if missing_service:
        summary["missing_service"] = missing_service
    return MinedPathways(pathway, flows, service_table, handovers, summary, warnings, rules,
                         observed)


#: Logs shorter than this many days are scaled to a year only with a warning: a few weeks say
#: little about a year (seasons, holidays, one busy week).
SHORT_LOG_DAYS = 28


def year_factor(span_days: float) -> float:
    """The factor that scales counts from a log spanning ``span_days`` to a year (365.25 days).

    Examples
    --------
    >>> year_factor(182.625)
    2.0
    """
    if span_days <= 0:
        raise OptionError("per_year=True needs events at more than one time: the log's first "
                          "and last events are at the same moment, so it has no span to scale "
                          "from; keep the counts as found (per_year=False)")
    return 365.25 / span_days


def per_year_flows(flows: pd.DataFrame, span_days: float) -> pd.DataFrame:
    """Patients and transitions scaled to a year by the span of the log (first to last event).

    Examples
    --------
    >>> per_year_flows(pd.DataFrame({"patients": [10], "transitions": [12]}), 182.625)
       patients  transitions
    0      20.0         24.0
    """
    scale = year_factor(span_days)
    flows = flows.copy()
    for column in ("patients", "transitions"):
        flows[column] = (flows[column] * scale).round(1)
    return flows


def counts_basis(span_days: float, per_year: bool, short: bool = False) -> str:
    """What the mined counts are, in words: ``a year (scaled ×1.23 from the 298 days of the
    log)`` or ``in the 298 days of the log (not scaled to a year)``.

    Examples
    --------
    >>> counts_basis(298.0, True)
    'a year (scaled ×1.23 from the 298 days of the log)'
    >>> counts_basis(298.0, False)
    'in the 298 days of the log (as counted, not scaled to a year)'
    >>> counts_basis(298.0, False, short=True)
    'in the 298 days of the log'
    """
    days = f"{span_days:,.0f} day{'' if round(span_days) == 1 else 's'}" if span_days >= 1 \
        else f"{span_days * 24:,.1f} hours"
    if per_year:
        return "a year" if short else (f"a year (scaled ×{year_factor(span_days):,.2f} from "
                                       f"the {days} of the log)")
    return f"in the {days} of the log" + ("" if short else " (as counted, not scaled to a year)")


def short_log_warning(span_days: float) -> str | None:
    """A warning when counts are scaled to a year from a log too short to say much about one."""
    if span_days >= SHORT_LOG_DAYS:
        return None
    return (f"the log spans only {span_days:,.1f} days: counts scaled to a year "
            f"(×{year_factor(span_days):,.1f}) are unreliable from fewer than {SHORT_LOG_DAYS} "
            "days; use a longer extract, or keep the counts as found (per_year=False)")


def _flows(seq: EventSequence, pathway: str) -> tuple[pd.DataFrame, int, int]:
    """Flows between different services plus entries and exits; the count of repeats."""
    k = len(seq.labels)
    pairs, same = _pair_codes(seq)
    n_steps = len(pairs)
    moving = seq.activity[:-1][same] != seq.activity[1:][same]
    repeats = n_steps - int(moving.sum())
    pairs = pairs[moving]
    codes, transitions = _count_pairs(pairs, k)
    # Distinct patients per pair: distinct (case, pair) keys, counted per pair. The steps are
    # already in case order, so a stable in-place sort of the keys only orders each case's few
    # steps (timsort runs), with no hash table.
    key = seq.case[:-1][same][moving].astype(np.int64)
    key *= k * k
    key += pairs
    key.sort(kind="stable")
    firsts = key[np.r_[True, key[1:] != key[:-1]][:len(key)]]
    del key
    firsts %= k * k
    patient_codes, patients = _count_pairs(firsts, k)
    del firsts
    starts, ends = seq.first_and_last()
    # Median days per pair: sort the steps by (pair, time taken) and take the middle of each
    # group. Where pair and time taken (in the coarsest unit that divides them all) fit in one
    # int64, the key is sorted in place: 8 bytes a step, with no order array.
    gaps = np.diff(seq.time)[same]
    gaps = gaps[moving]
    del same, moving
    object.__setattr__(seq, "same", None)  # no longer needed: its byte an event is freed
    first = np.r_[0, np.cumsum(transitions)[:-1]]
    middle = (first + (transitions - 1) // 2, first + transitions // 2)
    unit = next((u for u in (86_400 * 10**9, 10**9, 10**6, 10**3) if not np.any(gaps % u)), 1)
    if unit > 1:
        gaps //= unit
    span = int(gaps.max()) + 1 if len(gaps) else 1
    if k * k * span < 2**62:
        offset = np.multiply(pairs, span, dtype=np.int64)
        del pairs
        gaps += offset
        del offset
        gaps.sort()
        medians = ((gaps[middle[0]] % span + gaps[middle[1]] % span) / 2) * (unit / NS_PER_DAY)
    else:
        order = np.lexsort((gaps, pairs))
        del pairs
        gaps = gaps[order]
        del order
        medians = ((gaps[middle[0]] + gaps[middle[1]]) / 2) * (unit / NS_PER_DAY)
    del gaps
    labels = seq.labels.astype(str)
    start_counts = np.bincount(seq.activity[starts], minlength=k)
    end_counts = np.bincount(seq.activity[ends], minlength=k)
    entering, leaving = np.flatnonzero(start_counts), np.flatnonzero(end_counts)
    assert np.array_equal(patient_codes, codes)
    flows = flow_table(
        pd.DataFrame({"source": labels[codes // k], "target": labels[codes % k],
                      "patients": patients, "transitions": transitions,
                      "median_days": medians}),
        pd.DataFrame({"target": labels[entering], "patients": start_counts[entering]}),
        pd.DataFrame({"source": labels[leaving], "patients": end_counts[leaving]}), pathway)
    return flows, repeats, n_steps


def flow_table(moves: pd.DataFrame, entries: pd.DataFrame, exits: pd.DataFrame,
               pathway: str) -> pd.DataFrame:
    """The flows as `MinedPathways.flows` holds them, from the moves between services
    (``source, target, patients, transitions, median_days``), the entries (``target,
    patients``: each case's first service) and the exits (``source, patients``): entries come
    from and exits go to ``@home``. Both mining engines finish here."""
    flows = pd.concat([
        moves.astype({"median_days": "float64"}),
        entries.assign(source=HOME, transitions=entries["patients"], median_days=np.nan),
        exits.assign(target=HOME, transitions=exits["patients"], median_days=np.nan),
    ], ignore_index=True)[["source", "target", "patients", "transitions", "median_days"]]
    flows["patients"] = flows["patients"].astype(np.int64)
    flows["transitions"] = flows["transitions"].astype(np.int64)
    flows["median_days"] = flows["median_days"].round(3)
    flows.insert(0, "pathway", pathway)
    return flows.sort_values(["source", "target"], kind="stable").reset_index(drop=True)


def _services(seq: EventSequence) -> pd.DataFrame:
    k = len(seq.labels)
    events = np.bincount(seq.activity, minlength=k)
    key = seq.case.astype(np.int64)
    key *= k
    key += seq.activity
    key.sort(kind="stable")  # already in case order: only each case's events move
    firsts = key[np.r_[True, key[1:] != key[:-1]][:len(key)]]
    del key
    patients = np.bincount(firsts % k, minlength=k)
    return (pd.DataFrame({"id": seq.labels.astype(str), "events": events, "patients": patients,
                          "provider": pd.Series([None] * k, dtype=object)})
            .sort_values("id", kind="stable").reset_index(drop=True))


def _modal(services: np.ndarray, organisations: np.ndarray) -> dict:
    """Each service's commonest organisation (ties: the first by name)."""
    frame = pd.DataFrame({"service": services, "organisation": organisations}).fillna(MISSING)
    counts = frame.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["service", "n", "organisation"], ascending=[True, False, True],
                                kind="stable").drop_duplicates("service")
    return dict(zip(counts["service"], counts["organisation"]))
