"""Monthly actuals: `netkit pathways mine --by month` writes them, `read_actuals` reads and checks
them like flows.csv (every problem with its file, row, column and value)."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from netkit.cli import cli

import netkit
from netkit.delivery.actuals import month_index, month_label, read_actuals
from netkit.errors import InputError, OptionError
from netkit.mining.pathways import mine_pathways

HEADER = "pathway,source,target,place,period,patients\n"
GOOD = ("frailty,@home,GPS,,2025-01,10\n"
        "frailty,GPS,ED,,2025-01,4\n"
        "frailty,@home,GPS,,2025-02,12\n"
        "frailty,GPS,ED,,2025-02,5\n")


def write(tmp_path, text, name="actuals.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(source, system=None) -> list[str]:
    with pytest.raises(InputError) as err:
        read_actuals(source, system)
    return [str(p) for p in err.value.problems]


@pytest.fixture(scope="module")
def tiny():
    return netkit.load_system(netkit.sample_path("tiny"))


def test_reads_a_good_file(tmp_path, tiny):
    table = read_actuals(write(tmp_path, HEADER + GOOD), tiny)
    assert table.columns.tolist() == ["pathway", "source", "target", "place", "period",
                                      "patients"]
    assert table["period"].tolist() == ["2025-01", "2025-01", "2025-02", "2025-02"]
    assert table["patients"].tolist() == [10.0, 4.0, 12.0, 5.0]
    assert table["place"].tolist() == [""] * 4


def test_months_count():
    assert month_index("2026-01") - month_index("2025-12") == 1
    assert month_label(month_index("2024-02")) == "2024-02"


def test_bad_periods_with_their_rows(tmp_path):
    text = HEADER + GOOD + "frailty,GPS,UCR,,2025-13,1\nfrailty,GPS,UCR,,25-02,1\n"
    assert problems(write(tmp_path, text)) == [
        "actuals.csv row 6, column period: '2025-13' is not a month written YYYY-MM (e.g. "
        "2026-04)",
        "actuals.csv row 7, column period: '25-02' is not a month written YYYY-MM (e.g. "
        "2026-04)"]


def test_duplicate_rows_name_the_first(tmp_path):
    text = HEADER + GOOD + "frailty,GPS,ED,,2025-01,3\n"
    assert problems(write(tmp_path, text)) == [
        "actuals.csv row 6, column period: '2025-01' repeats the flow at row 3 (same pathway, "
        "source, target, place and period); add the patients together in one row"]


def test_the_same_flow_in_two_places_or_months_is_not_a_duplicate(tmp_path):
    text = HEADER + "frailty,GPS,ED,North,2025-01,3\nfrailty,GPS,ED,South,2025-01,3\n" \
        "frailty,GPS,ED,North,2025-02,3\n"
    assert len(read_actuals(write(tmp_path, text))) == 3


def test_a_gap_is_reported(tmp_path):
    text = HEADER + GOOD + "frailty,GPS,ED,,2025-05,1\n"
    assert problems(write(tmp_path, text)) == [
        "actuals.csv, column period: has no rows for 2025-03, 2025-04, between its first month "
        "(2025-01) and its last (2025-05); a missing month would read as a fall to zero: add "
        "that month's flows (or start the file after the gap)"]


def test_no_period_column(tmp_path):
    text = "pathway,source,target,patients\nfrailty,GPS,ED,4\n"
    assert problems(write(tmp_path, text)) == [
        "actuals.csv row 1, column period: is a required column of actuals and is missing; "
        "actuals are flows by month (netkit pathways mine --by month writes them)"]


def test_numbers_and_references_checked_like_flows(tmp_path, tiny):
    text = HEADER + "frailty,GPS,ED,,2025-01,many\nfrailty,GPS,EDX,,2025-01,2\n" \
        "falls2,GPS,ED,,2025-01,2\n"
    found = problems(write(tmp_path, text), tiny)
    assert found[0].startswith("actuals.csv row 2, column patients: 'many' is not a number")
    found = problems(write(tmp_path, text.replace("many", "1")), tiny)
    assert found == [
        "actuals.csv row 4, column pathway: 'falls2' is not a pathway id in the system's "
        "pathways.csv",
        "actuals.csv row 3, column target: 'EDX' is not a service id in the system's "
        "services.csv or @home"]


def test_not_a_file(tmp_path):
    assert problems(tmp_path / "missing.csv")[0].endswith(
        "is not a file; give the actuals CSV (netkit pathways mine --by month writes one)")


# mining by month --------------------------------------------------------------------------------

LOG = pd.DataFrame({
    "patient_id": ["a", "a", "b", "b", "c", "c", "a", "a"],
    "timestamp": ["2025-01-05", "2025-01-06", "2025-01-30", "2025-02-01", "2025-02-10",
                  "2025-02-11", "2025-03-01", "2025-03-02"],
    "service": ["ED", "WARD", "ED", "WARD", "ED", "UCR", "GPS", "UCR"]})


def test_mine_by_month_counts_each_month_alone():
    mined = mine_pathways(LOG, pathway="frailty", by="month")
    f = mined.flows
    assert f.columns.tolist()[:5] == ["pathway", "source", "target", "period", "patients"]
    by = {(r.period, r.source, r.target): r.patients for r in f.itertuples()}
    # January: a (ED→WARD) and b's ED; b's WARD is in February, entering from @home there
    assert by[("2025-01", "@home", "ED")] == 2
    assert by[("2025-01", "ED", "WARD")] == 1
    assert by[("2025-01", "ED", "@home")] == 1
    assert by[("2025-02", "@home", "WARD")] == 1
    assert by[("2025-02", "ED", "UCR")] == 1
    assert by[("2025-03", "GPS", "UCR")] == 1
    assert sorted(set(f["period"])) == ["2025-01", "2025-02", "2025-03"]
    assert mined.summary["by"] == "month" and mined.summary["periods"] == 3
    assert "in each month" in mined.to_text()


def test_mined_months_read_back_as_actuals():
    mined = mine_pathways(LOG, pathway="frailty", by="month")
    table = read_actuals(mined.released_flows())
    assert len(table) == len(mined.flows)
    assert table.groupby("period")["patients"].sum().to_dict() == \
        mined.flows.groupby("period")["patients"].sum().astype(float).to_dict()


def test_by_month_options():
    with pytest.raises(OptionError, match="by='quarter'|flows can be mined by 'month'"):
        mine_pathways(LOG, by="quarter")
    with pytest.raises(OptionError, match="leave per_year out"):
        mine_pathways(LOG, by="month", per_year=True)
    with pytest.raises(OptionError, match="not a system's flows"):
        mine_pathways(LOG, by="month").to_system()


def test_cli_mine_by_month(tmp_path):
    events = tmp_path / "events.csv"
    LOG.to_csv(events, index=False)
    out = tmp_path / "actuals.csv"
    run = CliRunner().invoke(cli, ["pathways", "mine", str(events), "--pathway", "frailty",
                                   "--by", "month", "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert out.read_text().splitlines()[0] == \
        "pathway,source,target,period,patients,transitions,median_days"
    assert "note: patients and transitions in each month (one row per month, as counted)" \
        in run.stderr
    assert len(read_actuals(out)) == len(mine_pathways(LOG, pathway="frailty", by="month").flows)


def test_cli_mine_by_month_refuses_a_system(tmp_path):
    events = tmp_path / "events.csv"
    LOG.to_csv(events, index=False)
    run = CliRunner().invoke(cli, ["pathways", "mine", str(events), "--by", "month",
                                   "--system", str(tmp_path / "sys")])
    assert run.exit_code == 2
    assert "--by month writes monthly actuals, not a system's flows" in run.output
    assert not (tmp_path / "sys").exists()


def test_rows_come_back_in_order_whatever_the_file_order(tmp_path):
    """Sorted by period, pathway, source, target and place (blank first), periods stripped."""
    text = HEADER + ("frailty,GPS,ED,South,2025-02,5\n"
                     "frailty,@home,GPS,,2025-02,12\n"
                     "frailty,GPS,ED,North, 2025-01 ,4\n"
                     "frailty,@home,GPS,South,2025-01,3\n"
                     "frailty,@home,GPS,,2025-01,10\n")
    out = read_actuals(write(tmp_path, text))
    assert out[["period", "source", "place", "patients"]].values.tolist() == [
        ["2025-01", "@home", "", 10.0], ["2025-01", "@home", "South", 3.0],
        ["2025-01", "GPS", "North", 4.0], ["2025-02", "@home", "", 12.0],
        ["2025-02", "GPS", "South", 5.0]]


def test_a_repeat_is_found_however_far_apart_the_rows_are(tmp_path):
    text = HEADER + GOOD + "frailty,GPS,ED,North,2025-01,1\n" + "frailty,GPS,ED,,2025-01,7\n"
    assert problems(write(tmp_path, text)) == [
        "actuals.csv row 7, column period: '2025-01' repeats the flow at row 3 (same pathway, "
        "source, target, place and period); add the patients together in one row"]
