"""The Spark engine of `mine_pathways` gives the pandas engine's flows, services and summary.

Runs Spark in local mode. Needs pyspark (the spark extra) and a Java runtime (Debian's
default-jre-headless); skipped where either is missing, unless ``NETKIT_REQUIRE_SPARK=1`` (set by
``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SHARED_DATA
from netkit.cli import cli

import netkit

pytestmark = pytest.mark.spark
SUMMARY = ("events", "cases", "transitions", "repeats", "first", "last", "span_days")


# ``spark``, the one Spark session of the run, is a fixture in conftest.py.


def _same(spark_result, pandas_result):
    pd.testing.assert_frame_equal(spark_result.flows, pandas_result.flows, check_dtype=False)
    pd.testing.assert_frame_equal(spark_result.services, pandas_result.services,
                                  check_dtype=False)
    assert {k: spark_result.summary[k] for k in SUMMARY} == {
        k: pandas_result.summary[k] for k in SUMMARY}
    assert spark_result.summary["engine"] == "spark"


def _synthetic(seed: int = 7, n: int = 4000) -> pd.DataFrame:
    """Shuffled events of 300 patients over 12 services, with ties in time (whole hours),
    repeated stays and a few events with no service."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "patient": [f"P{i:04d}" for i in rng.integers(0, 300, n)],
        "when": (pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 24 * 60, n),
                                                              unit="h")).strftime(
            "%Y-%m-%dT%H:%M:%S"),
        "unit": [f"S{i:02d}" for i in rng.integers(0, 12, n)]})
    frame.loc[rng.random(n) < 0.01, "unit"] = None
    frame["seq"] = np.arange(n)
    return frame


def test_synthetic_log_with_ties_matches_pandas(spark):
    events = _synthetic()
    rows = [tuple(None if v is None or v != v else v for v in row)
            for row in events.astype(object).itertuples(index=False, name=None)]
    sdf = spark.createDataFrame(rows, "patient string, when string, unit string, seq long")
    got = netkit.mine_pathways(sdf, case="patient", time="when", service="unit",
                               pathway="synthetic")
    want = netkit.mine_pathways(events, case="patient", time="when", service="unit",
                                pathway="synthetic")
    assert len(want.flows) > 150 and want.summary["repeats"] > 0
    _same(got, want)
    assert got.warnings == want.warnings


def test_order_column_breaks_ties(spark):
    """Two events at one time: the order column, not the storage order, decides."""
    from netkit.mining.spark import mine_pathways_spark

    sdf = spark.createDataFrame([("p1", "2025-01-01T10:00:00", "WARD", 2),
                                 ("p1", "2025-01-01T10:00:00", "ED", 1)],
                                "case string, t string, svc string, o long")
    mined = mine_pathways_spark(sdf, "case", "t", "svc", order="o")
    assert mined.flows[["source", "target"]].values.tolist() == [
        ["@home", "ED"], ["ED", "WARD"], ["WARD", "@home"]]


@pytest.mark.shared_data
def test_sepsis_matches_pandas(spark):
    path = SHARED_DATA / "sepsis" / "sepsis_events.csv"
    if not path.exists():
        pytest.skip("../shared/data is not beside the checkout")
    from netkit.mining.spark import read_events_spark

    got = netkit.mine_pathways(read_events_spark(spark, path), case="case_id",
                               time="timestamp", service="activity", pathway="sepsis")
    want = netkit.mine_pathways(netkit.read_events(path, text_columns=["case_id", "activity"]),
                                case="case_id", time="timestamp", service="activity",
                                pathway="sepsis")
    assert want.summary["cases"] == 1050
    _same(got, want)


def test_cli_engines_write_the_same_flows(spark, tmp_path):
    events = _synthetic(seed=3, n=1500).drop(columns="seq")
    path = tmp_path / "events.csv"
    events.to_csv(path, index=False)
    args = ["pathways", "mine", str(path), "--case", "patient", "--time", "when",
            "--service", "unit", "--per-year", "--disclosure", "nhs"]
    runner = CliRunner()
    by_pandas = runner.invoke(cli, args)
    by_spark = runner.invoke(cli, args + ["--engine", "spark", "--master", "local[2]"])
    assert by_pandas.exit_code == 0, by_pandas.output
    assert by_spark.exit_code == 0, by_spark.output
    assert by_spark.stdout == by_pandas.stdout
    assert by_pandas.stdout.startswith("pathway,source,target,patients")


def test_options_the_spark_engine_lacks_are_refused(spark):
    sdf = spark.createDataFrame([("p1", "2025-01-01T10:00:00", "ED")],
                                "case string, t string, svc string")
    with pytest.raises(netkit.OptionError, match="organisation: not available on the Spark"):
        netkit.mine_pathways(sdf, "case", "t", "svc", organisation="svc")
    result = CliRunner().invoke(cli, ["pathways", "mine", "x.csv", "--engine", "spark",
                                      "--dayfirst"])
    assert result.exit_code == 2


def test_bad_time_names_the_value(spark):
    sdf = spark.createDataFrame([("p1", "yesterday", "ED")], "case string, t string, svc string")
    with pytest.raises(netkit.InputError, match="yesterday"):
        netkit.mine_pathways(sdf, "case", "t", "svc")
