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

from typing import Callable, Mapping

import numpy as np
import pandas as pd

from netkit.errors import InputError, OptionError, Problem
from netkit.mining.directly_follows import _count_pairs, _pair_codes
from netkit.mining.events import MISSING, check_columns, parse_times
from netkit.mining.mined import (
    MinedPathways,
    flow_table,
    per_year_flows,
    short_log_warning,
)
from netkit.mining.ordering import (
    NS_PER_DAY,
    EventSequence,
    order_events,
)
from netkit.model.disclosure import disclosure_rules
from netkit.model.schema import HOME

__all__ = ["mine_pathways"]


# long: a numpydoc docstring for 14 parameters; the body is the stages, each a call
def mine_pathways(events: pd.DataFrame, case: str = "patient_id", time: str = "timestamp",
                  service: str = "service", *, pathway: str = "mined",
                  cohort: Mapping | None = None, mapping: pd.DataFrame | None = None,
                  map_code: str = "code", map_service: str = "service",
                  organisation: str | None = None, time_format: str | None = None,
                  dayfirst: bool = False, per_year: bool = False, disclosure=None,
                  progress: Callable[[str], None] | None = None,
                  by: str | None = None) -> MinedPathways:
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
    by : {None, "month"}
        ``"month"``: flows by calendar month, with a ``period`` column (``YYYY-MM``) and
        patients as counted in each month: the monthly actuals `netkit.track` reads. Each
        month is mined as its own log (a patient's events in that month are that month's
        journey, entering from and leaving to ``@home``), so a journey that crosses a month's
        end leaves in one month and enters again in the next. Not with ``per_year``.

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

    if by is not None:
        return _mine_by_month(events, case, time, service, by=by, per_year=per_year,
                              pathway=pathway, cohort=cohort, mapping=mapping,
                              map_code=map_code, map_service=map_service,
                              organisation=organisation, time_format=time_format,
                              dayfirst=dayfirst, disclosure=disclosure, progress=progress)
    if is_spark_frame(events):
        return _mine_on_spark(events, case, time, service, pathway=pathway, cohort=cohort,
                              mapping=mapping, organisation=organisation,
                              time_format=time_format, dayfirst=dayfirst, per_year=per_year,
                              disclosure=disclosure, progress=progress)
    rules = disclosure_rules(disclosure)
    step = progress or (lambda stage: None)
    wanted = {"case": case, "time": time, "service": service, "organisation": organisation}
    wanted.update({f"cohort column {c!r}": c for c in (cohort or {})})
    check_columns(events, wanted)
    warnings: list[str] = []
    if cohort:
        events = _in_cohort(events, cohort)
    events, services, providers_from_map, counted = _services_of(
        events, service, mapping, map_code, map_service, warnings)
    step("reading times")
    times = parse_times(events[time], time, time_format=time_format, dayfirst=dayfirst)
    step("ordering events")
    seq = order_events(events[case], times, services, case_column=case)
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
        handovers = _handovers(events, case, times, organisation, pathway)
        service_table["provider"] = service_table["id"].map(
            _modal(services.to_numpy(dtype=object), events[organisation].to_numpy(dtype=object)))
        missing_org = int(events[organisation].isna().sum())
        if missing_org:
            warnings.append(f"{missing_org:,} events have no {organisation}; they appear as "
                            f"{MISSING!r}")
    elif providers_from_map is not None:
        service_table["provider"] = service_table["id"].map(providers_from_map)
    summary = {"events": int(len(seq.case)), "cases": int(seq.n_cases),
               "transitions": int(n_steps), "repeats": int(repeats),
               "first": pd.Timestamp(int(seq.time.min())).isoformat(),
               "last": pd.Timestamp(int(seq.time.max())).isoformat(), "span_days": span_days,
               "was_sorted": seq.was_sorted, "per_year": per_year, **counted}
    return MinedPathways(pathway, flows, service_table, handovers, summary, warnings, rules,
                         observed)


def _mine_on_spark(events, case, time, service, *, cohort, mapping, organisation, dayfirst,
                   **options) -> MinedPathways:
    """A PySpark DataFrame is mined on its cluster, with the options the Spark engine has."""
    unavailable = [name for name, value in (("mapping", mapping), ("organisation", organisation),
                                            ("cohort", cohort), ("dayfirst", dayfirst))
                   if value]
    if unavailable:
        raise OptionError(f"{', '.join(unavailable)}: not available on the Spark engine; "
                          "apply them in Spark first (a join, a filter; a time pattern in "
                          "time_format) or use a pandas DataFrame")
    from netkit.mining.spark import mine_pathways_spark

    return mine_pathways_spark(events, case, time, service, **options)


def _mine_by_month(events, case, time, service, *, by, per_year, cohort, time_format,
                   dayfirst, **options) -> MinedPathways:
    """Flows by calendar month (see `mine_pathways`' ``by``): the whole log once for the
    services and the summary, then each month's events mined alone."""
    from netkit.mining.spark import is_spark_frame

    if by != "month":
        raise OptionError(f"by={by!r}: flows can be mined by 'month' (or, without by, over "
                          "the whole log)")
    if per_year:
        raise OptionError("by='month' counts the patients of each month; per_year=True would "
                          "scale them to a year: leave per_year out")
    if is_spark_frame(events):
        raise OptionError("by='month' is not available on the Spark engine; mine each month's "
                          "events (a filter in Spark) or use a pandas DataFrame")
    check_columns(events, {"case": case, "time": time, "service": service})
    if cohort:
        events = _in_cohort(events, cohort)
    whole = mine_pathways(events, case, time, service, time_format=time_format,
                          dayfirst=dayfirst, **options)
    times = parse_times(events[time], time, time_format=time_format, dayfirst=dayfirst)
    months = times.astype("datetime64[ns]").astype("datetime64[M]")
    labels = np.datetime_as_string(np.unique(months), unit="M")
    options["progress"] = None
    frames = []
    for label in labels:
        mask = months == np.datetime64(label, "M")
        month = mine_pathways(events[mask], case, time, service, time_format=time_format,
                              dayfirst=dayfirst, **options)
        frames.append(month.flows.assign(period=str(label)))
    flows = pd.concat(frames, ignore_index=True)
    columns = ["pathway", "source", "target", "period", "patients", "transitions", "median_days"]
    flows = flows[columns].sort_values(["period", "source", "target"], kind="stable")
    summary = {**whole.summary, "by": "month", "periods": len(labels)}
    return MinedPathways(whole.pathway, flows.reset_index(drop=True), whole.services,
                         whole.handovers, summary, whole.warnings, whole.disclosure)


def _in_cohort(events: pd.DataFrame, cohort: Mapping) -> pd.DataFrame:
    """The events whose columns have one of the cohort's values."""
    keep = np.ones(len(events), dtype=bool)
    for column, values in cohort.items():
        values = [values] if isinstance(values, str) or not hasattr(values, "__iter__") \
            else list(values)
        keep &= events[column].astype(str).isin([str(v) for v in values]).to_numpy()
    events = events[keep]
    if len(events) == 0:
        raise InputError([Problem("the events", None, None, None,
                                  f"no events are left in the cohort {dict(cohort)}")])
    return events


def _services_of(events, service, mapping, map_code, map_service, warnings):
    """Each event's service: its ``service`` column, or its code mapped to a service (events
    with codes the mapping lacks are left out). Returns the events kept, their services, the
    providers the mapping names (or None) and the summary's counts of events left out or with
    no service; adds a warning for each."""
    services = events[service]
    providers_from_map = None
    counted = {}
    if mapping is not None:
        check_columns(mapping, {"map_code": map_code, "map_service": map_service},
                      "the mapping table")
        table = mapping.drop_duplicates(map_code)
        mapped = services.map(dict(zip(table[map_code], table[map_service])))
        unmapped = mapped.isna() & services.notna()
        counted["unmapped_events"] = int(unmapped.sum())
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
        counted["missing_service"] = missing_service
    return events, services, providers_from_map, counted


def _handovers(events, case, times, organisation, pathway) -> pd.DataFrame:
    """Patients and transitions between different organisations (the handover-of-work
    network), without entries and exits."""
    orgs = order_events(events[case], times, events[organisation], case_column=case)
    handovers, _, _ = _flows(orgs, pathway)
    handovers = handovers[(handovers["source"] != HOME) & (handovers["target"] != HOME)]
    return handovers[["source", "target", "patients", "transitions"]].reset_index(drop=True)


def _flows(seq: EventSequence, pathway: str) -> tuple[pd.DataFrame, int, int]:
    """Flows between different services plus entries and exits; the count of repeats."""
    k = len(seq.labels)
    pairs, same = _pair_codes(seq)
    n_steps = len(pairs)
    moving = seq.activity[:-1][same] != seq.activity[1:][same]
    repeats = n_steps - int(moving.sum())
    pairs = pairs[moving]
    codes, transitions = _count_pairs(pairs, k)
    patients = _distinct_patients(seq, same, moving, pairs, k)
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
    steps = pd.DataFrame({"source": labels[codes // k], "target": labels[codes % k],
                          "patients": patients, "transitions": transitions,
                          "median_days": medians})
    return _with_entries_and_exits(steps, seq, starts, ends, pathway), repeats, n_steps


def _distinct_patients(seq: EventSequence, same, moving, pairs, k: int) -> np.ndarray:
    """Distinct patients per pair, in the order of `_count_pairs`'s codes: distinct (case,
    pair) keys, counted per pair. The steps are already in case order, so a stable in-place
    sort of the keys only orders each case's few steps (timsort runs), with no hash table.
    Every step is some patient's, so the pairs with patients are the pairs with transitions,
    and the counts line up with theirs."""
    key = seq.case[:-1][same][moving].astype(np.int64)
    key *= k * k
    key += pairs
    key.sort(kind="stable")
    firsts = key[np.r_[True, key[1:] != key[:-1]][:len(key)]]
    del key
    firsts %= k * k
    return _count_pairs(firsts, k)[1]


def _with_entries_and_exits(steps: pd.DataFrame, seq: EventSequence, starts, ends,
                            pathway: str) -> pd.DataFrame:
    """The flows table: the steps between services, with each case's first service entered
    from @home and its last left to @home."""
    k = len(seq.labels)
    labels = seq.labels.astype(str)
    start_counts = np.bincount(seq.activity[starts], minlength=k)
    end_counts = np.bincount(seq.activity[ends], minlength=k)
    entering, leaving = np.flatnonzero(start_counts), np.flatnonzero(end_counts)
    return flow_table(
        steps,
        pd.DataFrame({"target": labels[entering], "patients": start_counts[entering]}),
        pd.DataFrame({"source": labels[leaving], "patients": end_counts[leaving]}), pathway)


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
