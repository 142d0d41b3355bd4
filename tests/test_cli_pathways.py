"""netkit pathways mine: files written, exit codes, messages, and the chain to partners."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner
from netkit.cli import cli

import netkit

EVENTS = netkit.sample_path("tiny_events") / "events.csv"
CODES = netkit.sample_path("tiny_events") / "codes.csv"
SAMPLE = ["--case", "patient", "--time", "when", "--dayfirst", "--service", "code",
          "--map", str(CODES), "--pathway", "frailty"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_mine_writes_flows_csv_that_loads_as_a_system(tmp_path):
    out = tmp_path / "flows.csv"
    result = run("pathways", "mine", EVENTS, *SAMPLE, "--as-counted", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == ("note: patients and transitions in the 298 days of the log (as "
                             f"counted, not scaled to a year)\nwrote {out}\n")
    flows = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(flows.columns) == ["pathway", "source", "target", "patients", "transitions",
                                   "median_days"]
    starts = flows[flows["source"] == "@home"]
    assert starts["patients"].astype(int).sum() == 120  # every patient enters once
    assert set(flows["pathway"]) == {"frailty"}


def test_mine_and_build_a_system_then_find_partners(tmp_path):
    result = run("pathways", "mine", EVENTS, *SAMPLE, "--system", tmp_path / "mined",
                 "-f", "text")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Pathway frailty: 270 events of 120 patients, ")
    assert "wrote " + str(tmp_path / "mined") in result.stderr
    partners = run("partners", tmp_path / "mined", "-O", "frailty")
    assert partners.exit_code == 0, partners.output
    assert partners.stdout.startswith("Partners for: Improve the frailty pathway (frailty)")


def test_nhs_disclosure_marks_small_counts_and_the_system_still_loads(tmp_path):
    out = tmp_path / "flows.csv"
    result = run("pathways", "mine", EVENTS, *SAMPLE, "--disclosure", "nhs", "-o", out,
                 "--system", tmp_path / "mined")
    assert result.exit_code == 0, result.output
    flows = pd.read_csv(out, dtype=str, keep_default_na=False)
    shown = flows["patients"]
    assert (shown == "*").any()
    assert all(v == "*" or int(v) % 5 == 0 for v in shown)
    assert (flows.loc[shown == "*", "median_days"] == "").all()
    loaded = run("validate", tmp_path / "mined")
    assert loaded.exit_code == 0
    assert "marks a count suppressed under disclosure control" in loaded.stderr + loaded.stdout


def test_json_has_summary_and_flows():
    import json

    result = run("pathways", "mine", EVENTS, *SAMPLE, "-f", "json")
    data = json.loads(result.stdout)
    assert data["summary"]["cases"] == 120 and data["pathway"] == "frailty"
    assert data["disclosure"] == "no disclosure control (figures as computed)"


def test_missing_column_lists_the_columns_there_are():
    result = run("pathways", "mine", EVENTS, "--case", "nhs_number", "--time", "when",
                 "--service", "code")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 1 problem in the input:\n  the events, column nhs_number: no such column for "
        "case (the columns are: patient, when, code, age_band); name yours with --case\n")


def test_unparseable_times_name_the_row(tmp_path):
    events = tmp_path / "e.csv"
    events.write_text("patient_id,timestamp,service\n1,2024-01-01,A\n1,soon,B\n")
    result = run("pathways", "mine", events)
    assert result.exit_code == 1
    assert "row 3, column timestamp: 'soon' is not a time" in result.stderr
    assert "Traceback" not in result.output


def test_empty_log_and_bad_disclosure(tmp_path):
    events = tmp_path / "e.csv"
    events.write_text("patient_id,timestamp,service\n")
    result = run("pathways", "mine", events)
    assert result.exit_code == 1
    assert result.stderr == ("Error: 1 problem in the input:\n  the events: has no events: "
                             "expected one row per event\n")
    result = run("pathways", "mine", EVENTS, *SAMPLE, "--disclosure", "tiny")
    assert result.exit_code == 2 and "is not a rule pack" in result.stderr


def test_cohort_option(tmp_path):
    result = run("pathways", "mine", EVENTS, *SAMPLE, "--cohort", "age_band=85+", "-f", "json")
    import json

    cases = json.loads(result.stdout)["summary"]["cases"]
    events = pd.read_csv(EVENTS, dtype=str, keep_default_na=False)  # patient "NA" is an id
    assert cases == events.loc[events["age_band"] == "85+", "patient"].nunique()
    bad = run("pathways", "mine", EVENTS, *SAMPLE, "--cohort", "age_band")
    assert bad.exit_code == 2 and "expected COLUMN=VALUE" in bad.stderr


def test_parquet_input(tmp_path):
    table = pd.read_csv(EVENTS, dtype=str, keep_default_na=False)
    table.to_parquet(tmp_path / "events.parquet")
    a = run("pathways", "mine", tmp_path / "events.parquet", *SAMPLE)
    b = run("pathways", "mine", EVENTS, *SAMPLE)
    assert a.exit_code == 0 and a.stdout == b.stdout


def test_progress_shows_on_large_logs(monkeypatch):
    import netkit.cli.pathways as command

    monkeypatch.setattr(command, "PROGRESS_FROM", 10)
    result = run("pathways", "mine", EVENTS, *SAMPLE, "-f", "text")
    assert result.exit_code == 0
    assert "mining" in result.stderr
