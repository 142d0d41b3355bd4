"""Disclosure control in everything `netkit diagnose` writes: the CSV, the JSON and the drafts
carry the counts the text report shows, and the reports' shares are worked out from them
(netkit/diagnosis/result.py, report.py, candidates.py, cli/diagnose.py).

The system is the hand-worked "Three Towns" of test_diagnosis_diagnose.py. Its three candidates,
all in Town C, in the order of their value, with the figures as computed:

    candidate               observed  expected  excess low  excess  excess high
    admissions                   190       140      12.520      50       85.628
    transfers                    320   253.333      16.563  66.667      114.904
    emergency attendances        300   233.333      18.545  66.667      112.920

The low and high excess are the observed count less the funnel's 99.8% limits (190 − 177.48 and
190 − 104.37 for admissions). The rules round half up to a multiple and show 1 to the threshold
as ``*``:

* ``nhs`` (1–7 hidden, nearest 5): 12.520 is 2.504 fives, so 15; 85.628 is 17.13 fives, so 85;
  253.333 is 50.67 fives, so 255; 16.563 → 15; 66.667 → 65; 114.904 → 115; 233.333 → 235;
  18.545 → 20; 112.920 → 115.
* ``threshold=15,round=10``: 12.520 is hidden (``*``); 85.628 → 90; 253.333 → 250;
  16.563 → 20; 66.667 → 70; 114.904 → 110; 233.333 → 230; 18.545 → 20; 112.920 → 110.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from click.testing import CliRunner
from conftest import sample_system

import netkit
from netkit.cli import cli
from tests.test_diagnosis_diagnose import flows_of, write_system

COLUMNS = ["observed", "expected", "excess_low", "excess", "excess_high"]
NHS = {"p/C/admissions": ["190", "140", "15", "50", "85"],
       "p/C/transfers": ["320", "255", "15", "65", "115"],
       "p/C/emergency_attendances": ["300", "235", "20", "65", "115"]}
CUSTOM = {"p/C/admissions": ["190", "140", "*", "50", "90"],
          "p/C/transfers": ["320", "250", "20", "70", "110"],
          "p/C/emergency_attendances": ["300", "230", "20", "70", "110"]}
EXACT = {"p/C/admissions": [190, 140, 12.520076, 50, 85.627966],
         "p/C/transfers": [320, 253.333333, 16.563469, 66.666667, 114.903847],
         "p/C/emergency_attendances": [300, 233.333333, 18.544979, 66.666667, 112.919904]}


@pytest.fixture(scope="module")
def towns_dir(tmp_path_factory):
    return write_system(tmp_path_factory.mktemp("towns") / "towns", flows_of())


@pytest.fixture(scope="module")
def towns(towns_dir):
    return netkit.load_system(towns_dir)


def _csv(text: str) -> dict[str, dict]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_figures_as_computed_are_the_ones_worked_by_hand(towns):
    found = netkit.diagnose(towns).candidates.set_index("id")
    assert list(found.index) == list(EXACT)
    for cid, figures in EXACT.items():
        assert found.loc[cid, COLUMNS].tolist() == pytest.approx(figures, abs=1e-6)


@pytest.mark.parametrize("rules, released", [("nhs", NHS), ("threshold=15,round=10", CUSTOM)])
def test_the_csv_releases_the_counts_by_the_rules(towns_dir, rules, released):
    result = _run("diagnose", towns_dir, "--disclosure", rules, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = _csv(result.stdout)
    assert list(rows) == list(released)
    for cid, cells in released.items():
        assert [rows[cid][c] for c in COLUMNS] == cells
        # money, the ratio and the rest are as computed (pounds are not disclosure-controlled)
        assert rows[cid]["value"] != "" and "." in rows[cid]["ratio"]


def test_without_rules_the_csv_keeps_the_exact_figures(towns_dir, towns):
    result = _run("diagnose", towns_dir, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = _csv(result.stdout)
    found = netkit.diagnose(towns).candidates.set_index("id")
    assert rows["p/C/admissions"]["observed"] == "190.0"
    for cid in EXACT:
        # the full float, as before: it reads back as exactly the computed figure
        assert [float(rows[cid][c]) for c in COLUMNS] == found.loc[cid, COLUMNS].tolist()


def test_the_csv_shows_what_the_text_report_shows():
    # riverside under nhs, where counts run to thousands: each CSV cell is the report's cell
    # without its thousands separator (2,520 → 2520; the range 375–655 → 375 and 655)
    found = netkit.diagnose(sample_system("riverside"), disclosure="nhs")
    frame = found.to_frame()
    table = [line.split(" | ") for line in found.to_markdown(top=0).splitlines()
             if line.startswith("| ") and line.split(" | ")[0][2:].isdigit()]  # ranked rows
    assert len(table) == len(frame) == 4
    for cells, (_, row) in zip(table, frame.iterrows()):
        observed, expected, _, excess = cells[4:8]
        central, bounds = excess.split(" (")
        low, high = bounds.rstrip(")").split("–")
        shown = [observed, expected, low, central, high]
        # Markdown escapes a suppressed count: "\\*" is the text "*"
        assert [row[c] for c in COLUMNS] == [s.replace(",", "").replace("\\", "")
                                             for s in shown]
    assert frame.loc[0, COLUMNS].tolist() == ["2520", "2005", "375", "515", "655"]
    assert frame.loc[1, "excess_low"] == "*"  # 1.03 care-home admissions


def test_the_json_releases_every_patient_count(towns):
    data = json.loads(json.dumps(netkit.diagnose(towns, disclosure="threshold=15,round=10")
                                 .to_dict()))
    first = data["candidates"][0]
    assert (first["observed"], first["expected"]) == ("190", "140")
    assert first["excess"] == {"low": "*", "central": "50", "high": "90"}
    assert first["organisations"] == [{"id": "H", "name": "Town Hospital", "count": "190",
                                       "share": 1.0}]
    assert first["value"]["central"] == pytest.approx(50_000)  # pounds as computed
    rates = {(r["place"], r["measure"]): r for r in data["rates"]}
    # every place's counts, not only the candidates': B's 120 admissions against 140, and
    # 253.33 transfers expected → 250
    assert (rates["B", "admissions"]["observed"], rates["B", "admissions"]["expected"]) == \
        ("120", "140")
    assert rates["A", "transfers"]["expected"] == "250"
    assert [(c["internal"], c["touching"]) for c in data["collaboratives"]] == [("760", "760")]
    assert data["disclosure"].startswith("disclosure control threshold=15,round=10")


def test_without_rules_the_json_is_as_before(towns):
    data = json.loads(json.dumps(netkit.diagnose(towns).to_dict()))
    first = data["candidates"][0]
    assert first["observed"] == 190.0 and first["excess"]["low"] == pytest.approx(12.520076)
    assert first["organisations"][0]["count"] == 190.0
    assert data["collaboratives"][0]["internal"] == 760.0 and "disclosure" not in data


def test_the_drafts_describe_the_released_counts(towns_dir, tmp_path):
    released, exact = tmp_path / "released.yaml", tmp_path / "exact.yaml"
    result = _run("diagnose", towns_dir, "--disclosure", "threshold=15,round=10",
                  "--write-drafts", released, "--format", "json")
    assert result.exit_code == 0, result.output
    assert _run("diagnose", towns_dir, "--write-drafts", exact, "-o",
                tmp_path / "d.json").exit_code == 0
    said = {d["id"]: d["description"] for d in yaml.safe_load(released.read_text())}
    assert said["draft-p-c-emergency-attendances"].startswith(
        "Draft from netkit diagnose: 300 attendances a year against 230 expected")
    assert said["draft-p-c-transfers"].startswith(
        "Draft from netkit diagnose: 320 transfers a year against 250 expected")
    # the JSON's drafts are the same; without rules the description is as computed (233)
    data = json.loads(result.stdout)
    assert [c["draft"]["description"] for c in data["candidates"]] == list(said.values())
    plain = {d["id"]: d["description"] for d in yaml.safe_load(exact.read_text())}
    assert "300 attendances a year against 233 expected" in \
        plain["draft-p-c-emergency-attendances"]
    # the drafts' shifts do not change: they are the analyst's to edit
    assert [d.get("shift") for d in yaml.safe_load(released.read_text())] == \
        [d.get("shift") for d in yaml.safe_load(exact.read_text())]


def test_the_reports_shares_come_from_the_released_counts(towns):
    # the transfers candidate is carried by the hospital (300) and the community trust (20)
    # of 320: 94% and 6%; under threshold=25,round=100, 300 of 300 (100%) and 20 hidden (*)
    row = next(line for line in netkit.diagnose(towns).to_markdown().splitlines()
               if "| transfers between organisations per patient |" in line)
    assert "Town Hospital 94%; Town Community Trust 6%" in row
    row = next(line for line in netkit.diagnose(towns, disclosure="threshold=25,round=100")
               .to_markdown().splitlines() if "| transfers between organisations per patient |" in line)
    assert "Town Hospital 100%; Town Community Trust \\*" in row


def test_a_collaboratives_share_comes_from_the_released_transfers():
    # riverside's first community keeps 8,638 of the 14,608 transfers touching it: 59%; rounded
    # to the nearest 1,000, 9,000 of 15,000: 60%
    found = netkit.diagnose(sample_system("riverside"), disclosure="threshold=7,round=1000")
    first = found.collaboratives.iloc[0]
    assert (first["internal"], first["touching"]) == (8638.0, 14608.0)
    lines = found.to_text().splitlines()
    start = lines.index("Natural collaboratives")
    row = next(line for line in lines[start:] if line.startswith("CHILD-RIV"))
    assert row.rstrip().endswith(" 60%")


def test_a_bad_rule_pack_is_refused_before_anything_is_written(towns_dir, tmp_path):
    out = tmp_path / "d.csv"
    result = _run("diagnose", towns_dir, "--disclosure", "hes", "-o", out)
    assert result.exit_code == 2 and "disclosure 'hes' is not a rule pack" in result.output
    assert not out.exists()
