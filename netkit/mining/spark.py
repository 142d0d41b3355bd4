"""Pathways from event data on a Spark cluster: the same flows as `netkit.mine_pathways`,
computed where national patient-level data lives.

`mine_pathways_spark` takes a PySpark DataFrame of events and returns the same `MinedPathways`
(flows, services, summary) that the pandas engine gives for the same events: only the small
tables come back to the driver. Each case's events are ordered by time, ties in the given
event order (``order``: a column, or the order Spark read them in), with window functions
(``lead``) per case; distinct patients, transitions and exact medians of the days between
steps are aggregated on the cluster.

`netkit.mine_pathways` calls this when it is given a PySpark DataFrame; ``netkit pathways mine
--engine spark --master URL`` reads a CSV or parquet file with Spark and calls it.

Not on Spark (yet): a mapping table, an organisation column (handovers) and cohort filters;
apply them in Spark first (a join, a filter), or use the pandas engine.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from typing import Callable

import numpy as np
import pandas as pd

from netkit.errors import InputError, OptionError, Problem
from netkit.mining.events import MISSING
from netkit.mining.mined import MinedPathways, flow_table, per_year_flows, short_log_warning
from netkit.model.disclosure import disclosure_rules

__all__ = ["mine_pathways_spark", "is_spark_frame", "spark_session", "read_events_spark"]

US_PER_DAY = 86_400e6
ORDER = "__netkit_order__"


@contextlib.contextmanager
def _quiet_pyspark():
    """pyspark warns on import that it does not fully support pandas 3; netkit does not use
    pyspark's pandas conversions (it collects rows itself), so the warning is not for the user."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                category=FutureWarning)
        yield


def is_spark_frame(value) -> bool:
    """Whether ``value`` is a PySpark DataFrame (without importing pyspark).

    Examples
    --------
    >>> is_spark_frame(pd.DataFrame())
    False
    """
    return any(cls.__module__.startswith("pyspark.sql") and cls.__name__ == "DataFrame"
               for cls in type(value).__mro__)


def spark_session(master: str = "local[*]", app: str = "netkit"):
    """A Spark session for netkit: the given master, UTC session time (so that text times
    are read as wall-clock times, as the pandas engine reads them), quiet logs."""
    try:
        with _quiet_pyspark():
            from pyspark.sql import SparkSession
    except ImportError:
        raise OptionError("the Spark engine needs pyspark (pip install 'netkit[spark]') and a "
                          "Java runtime (Debian: apt-get install default-jre-headless)") from None
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with _quiet_pyspark():
        return _session(SparkSession, master, app)


def _session(SparkSession, master, app):
    session = (SparkSession.builder.master(master).appName(app)
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "8")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def read_events_spark(session, path):
    """Read a CSV (header row; every column as text, like `netkit.read_events`) or parquet
    file into a Spark DataFrame, with the file order kept in a column for ties in time."""
    from pyspark.sql import functions as F

    path = str(path)
    if path.lower().endswith((".parquet", ".pq")):
        frame = session.read.parquet(path)
    else:
        frame = session.read.option("header", True).option("inferSchema", False).csv(path)
    return frame.withColumn(ORDER, F.monotonically_increasing_id())


def _frame(rows, columns) -> pd.DataFrame:
    """Collected rows as a pandas frame (built here: the tables are small, and pyspark's own
    ``toPandas`` does not yet support pandas 3)."""
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def mine_pathways_spark(events, case: str = "patient_id", time: str = "timestamp",
                        service: str = "service", *, pathway: str = "mined",
                        order: str | None = None, time_format: str | None = None,
                        per_year: bool = False, disclosure=None,
                        progress: Callable[[str], None] | None = None):
    """`netkit.mine_pathways` on a PySpark DataFrame.

    Parameters
    ----------
    events : pyspark.sql.DataFrame
    case, time, service, pathway, per_year, disclosure :
        As for `netkit.mine_pathways`. ``time`` may be a timestamp column or text (ISO 8601,
        or ``time_format`` in Spark's datetime pattern, e.g. ``dd/MM/yyyy HH:mm``).
    order : str, optional
        A column giving the order of events with the same time in a case (the file order).
        By default the column `read_events_spark` adds, else the order Spark holds them in
        (``monotonically_increasing_id``), which is the file order for one file read in one
        go.

    Returns
    -------
    MinedPathways
        With ``summary["engine"] == "spark"``; ``was_sorted`` is not known (``None``).
    """
    with _quiet_pyspark():
        return _mine(events, case, time, service, pathway, order, time_format, per_year,
                     disclosure, progress)


def _mine(events, case, time, service, pathway, order, time_format, per_year, disclosure,
          progress):
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rules = disclosure_rules(disclosure)
    step = progress or (lambda stage: None)
    ev = _timed_events(events, case, time, service, order, time_format, step)
    step("ordering events")
    w = Window.partitionBy("case").orderBy("t", "ord")
    ev = (ev.withColumn("next", F.lead("service").over(w))
            .withColumn("next_t", F.lead("t").over(w))
            .withColumn("first", F.lag("service").over(w).isNull()))
    ev = ev.cache()
    step("counting steps")
    totals, pairs, starts, ends, services = _aggregates(ev)
    ev.unpersist()
    return _mined(pathway, service, totals, flow_table(pairs, starts, ends, pathway), services,
                  per_year, rules)


def _timed_events(events, case, time, service, order, time_format, step):
    """The events as ``case, ord, service, time_text, t`` (microseconds): the order column
    found or made, missing services named `MISSING`; raises on a missing column, and on
    events with no case or a time that does not parse (the first ten)."""
    from pyspark.sql import functions as F

    columns = set(events.columns)
    missing = [c for c in (case, time, service, order) if c is not None and c not in columns]
    if missing:
        raise InputError([Problem("the events", None, c, None,
                                  f"is not a column (columns: {', '.join(sorted(columns))})")
                          for c in missing])
    if order is None:
        order = ORDER if ORDER in columns else None
    ev = events if order is not None else events.withColumn(
        ORDER, F.monotonically_increasing_id())
    order = order or ORDER
    kind = dict(events.dtypes)[time]
    stamp = F.col(time).cast("timestamp") if kind.startswith("timestamp") else (
        F.try_to_timestamp(F.col(time), F.lit(time_format)) if time_format
        else F.try_to_timestamp(F.col(time)))  # malformed times become null, reported below
    step("reading times")
    ev = ev.select(F.col(case).alias("case"), F.col(order).alias("ord"),
                   F.coalesce(F.col(service).cast("string"), F.lit(MISSING)).alias("service"),
                   F.col(time).cast("string").alias("time_text"),
                   F.unix_micros(stamp).alias("t"))
    bad = ev.filter(F.col("t").isNull() | F.col("case").isNull()).limit(10).collect()
    if bad:
        raise InputError([Problem(
            "the events", None, case if row["case"] is None else time,
            row["case"] if row["case"] is None else row["time_text"],
            "is empty: every event needs a case (patient) id" if row["case"] is None else
            "is not a time (ISO 8601, e.g. 2025-03-31T14:05, or give its layout as "
            "time_format='dd/MM/yyyy HH:mm', in Spark's pattern)")
            for row in bad])
    return ev


def _aggregates(ev):
    """What comes back to the driver from the ordered events (each with its ``next`` service
    and time, and whether it is its case's ``first``): the totals, and as pandas frames the
    steps between services, entries, exits and the services."""
    from pyspark.sql import functions as F

    totals = ev.agg(F.count(F.lit(1)).alias("events"), F.countDistinct("case").alias("cases"),
                    F.sum(F.col("next").isNotNull().cast("long")).alias("steps"),
                    F.sum((F.col("next").isNotNull() & (F.col("next") == F.col("service")))
                          .cast("long")).alias("repeats"),
                    F.min("t").alias("first_t"), F.max("t").alias("last_t")).collect()[0]
    if not totals["events"]:
        raise InputError([Problem("the events", None, None, None, "hold no events")])
    moves = ev.filter(F.col("next").isNotNull() & (F.col("next") != F.col("service")))
    pairs = _frame(moves.groupBy(F.col("service").alias("source"), F.col("next").alias("target"))
             .agg(F.countDistinct("case").alias("patients"), F.count(F.lit(1)).alias("transitions"),
                  F.percentile(((F.col("next_t") - F.col("t")) / US_PER_DAY), F.lit(0.5))
                  .alias("median_days"))
             .collect(), ["source", "target", "patients", "transitions", "median_days"])
    starts = _frame(ev.filter("first").groupBy(F.col("service").alias("target"))
                    .agg(F.count(F.lit(1)).alias("patients")).collect(), ["target", "patients"])
    ends = _frame(ev.filter(F.col("next").isNull()).groupBy(F.col("service").alias("source"))
                  .agg(F.count(F.lit(1)).alias("patients")).collect(), ["source", "patients"])
    services = _frame(ev.groupBy(F.col("service").alias("id"))
                      .agg(F.count(F.lit(1)).alias("events"),
                           F.countDistinct("case").alias("patients")).collect(),
                      ["id", "events", "patients"])
    return totals, pairs, starts, ends, services


def _mined(pathway, service, totals, flows, services, per_year, rules) -> MinedPathways:
    """The result, as the pandas engine gives it: flows (scaled to a year if asked), services
    in id order, the summary and warnings."""
    span_days = float(totals["last_t"] - totals["first_t"]) / US_PER_DAY
    observed = None
    if per_year:
        observed = flows[["patients", "transitions"]].copy()
        flows = per_year_flows(flows, span_days)
    services = services.assign(provider=pd.Series([None] * len(services), dtype=object))
    services = services.sort_values("id", kind="stable").reset_index(drop=True)
    services["events"] = services["events"].astype(np.int64)
    services["patients"] = services["patients"].astype(np.int64)
    micros = pd.Timestamp(0)
    summary = {"events": int(totals["events"]), "cases": int(totals["cases"]),
               "transitions": int(totals["steps"]), "repeats": int(totals["repeats"]),
               "first": (micros + pd.Timedelta(microseconds=int(totals["first_t"]))).isoformat(),
               "last": (micros + pd.Timedelta(microseconds=int(totals["last_t"]))).isoformat(),
               "span_days": span_days, "was_sorted": None, "per_year": per_year,
               "engine": "spark"}
    warnings = [w for w in [short_log_warning(span_days) if per_year else None] if w]
    missing_service = int(services.loc[services["id"] == MISSING, "events"].sum())
    if missing_service:
        warnings.append(f"{missing_service:,} events have no {service}; they appear as "
                        f"service {MISSING!r}")
        summary["missing_service"] = missing_service
    return MinedPathways(pathway, flows, services, None, summary, warnings, rules, observed)
