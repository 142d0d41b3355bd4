"""apply, recompute, timeline and watch on the command line."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from netkit.cli import cli

import netkit

RIVERSIDE = netkit.sample_path("riverside")
CHANGESET = RIVERSIDE / "changesets" / "2026-10-virtual-ward.yaml"
TINY = netkit.sample_path("tiny")

# a recompute the reports tests also render is computed once per run (conftest.reuse_results)
pytestmark = pytest.mark.usefixtures("reuse_results")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_apply_writes_the_new_system(tmp_path):
    out = tmp_path / "after"
    result = run("apply", RIVERSIDE, CHANGESET, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Changeset 2026-10-virtual-ward.yaml (2026-10-01): ")
    assert "  event 7: VCSE-AGE closes: its 1 service goes to VCSE-AWS; 2 relationships end" \
        in result.stdout
    assert result.stderr == f"wrote {out}\n"
    after = netkit.load_system(out)
    assert after.services.set_index("id").at["VW-ACU", "provider"] == "COM-TRUST"


def test_apply_refuses_to_overwrite(tmp_path):
    out = tmp_path / "after"
    out.mkdir()
    (out / "system.yaml").write_text("name: earlier\n")  # an empty folder would be fine
    result = run("apply", RIVERSIDE, CHANGESET, "-o", out)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {out} already exists; choose another --output or add "
                             "--force to replace it\n")
    assert run("apply", RIVERSIDE, CHANGESET, "-o", out, "--force").exit_code == 0


def test_apply_bad_changeset_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("changes:\n  - transfer_service: {service: NOPE, to: COM-TRUST}\n"
                   "  - remove_organisation: {id: GHOST, services: remove}\n")
    out = tmp_path / "after"
    result = run("apply", RIVERSIDE, bad, "-o", out)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 2 problems in the input:\n"
        "  bad.yaml line 2, column event 1 transfer_service.service: 'NOPE' is not a service id\n"
        "  bad.yaml line 3, column event 2 remove_organisation.id: 'GHOST' is not an "
        "organisation id\n")
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]


def test_recompute_json_and_exit_code():
    result = run("recompute", RIVERSIDE, CHANGESET, "-f", "json", "--exit-code")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["recomputed"] == ["frailty-admissions", "riverton-home-first",
                                  "crisis-alternatives"]
    assert data["unchanged"] == ["stroke-early-discharge", "diabetes-community",
                                 "end-of-life-at-home", "childrens-asthma"]
    diff = data["diffs"][0]
    assert set(diff) >= {"opportunity", "joined", "left", "moved", "partners"}
    # partners in score order (weights 1, 1, 0.5, 1, 1 over 4.5): under the diverted-patients
    # money the acute trust carries 30% of the money moved (it loses £1.3m a year), so
    # ACU-RIV (0.37 + 0.75 + 0.5 × 1.00 + 0 + 0.30) / 4.5 = 0.43 now leads
    # ICB-RIV (0 + 0 + 0 + 0.97 + 0.58) / 4.5 = 0.34
    assert [p["id"] for p in diff["partners"][:2]] == ["ACU-RIV", "ICB-RIV"]
    assert data["flows_affected"][0]["action"] == "moves with VW-ACU from ACU-RIV to COM-TRUST"


def test_recompute_without_change_exits_0(tmp_path):
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text("changes:\n  - update_organisation: {id: CARE, set: {name: Smith & Sons}}\n")
    result = run("recompute", TINY, quiet, "--exit-code")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "What changed: changeset quiet.yaml\n\nNothing changes for the one opportunity the "
        "change touches (frailty). 1 other opportunity was not affected.\n\n")
    assert "\nRecomputed: frailty\n" in result.stdout


def test_recompute_to_a_later_snapshot(riverside_later):
    # riverside_later is written by this same apply command (test_apply_writes_the_new_system)
    result = run("recompute", RIVERSIDE, "--to", riverside_later, "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["recomputed"] == ["frailty-admissions",
                                                      "riverton-home-first",
                                                      "crisis-alternatives"]


def test_recompute_needs_one_source_of_change():
    result = run("recompute", TINY)
    assert result.exit_code == 2
    assert "give a CHANGESET or --to NEWPATH" in result.stderr


def test_timeline_with_picture(tmp_path):
    picture = tmp_path / "t.png"
    result = run("timeline", RIVERSIDE, CHANGESET, "-O", "frailty-admissions",
                 "--picture", picture)
    assert result.exit_code == 0, result.output
    # organisations by name (cut at 40 characters), then the id column as wide as its longest
    # id: the seat primary_care:North (18 characters), named for Riverton's practices
    assert ("frailty-admissions\nname" + " " * 38 + "id                  2026-04-01  2026-10-01\n"
            + "-" * 40 + "  ------------------  ----------  ----------\n") in result.stdout
    assert ("\nPrimary care in Riverton" + " " * 18 + "primary_care:North  ●           ●\n"
            in result.stdout)
    assert "\nRiverside University Hospitals NHS Foun…  ACU-RIV  " in result.stdout
    assert picture.read_bytes()[:4] == b"\x89PNG"


def test_watch_once(tmp_path):
    folder = shutil.copytree(TINY, tmp_path / "tiny")
    result = run("watch", folder, "--polls", "1")
    assert result.exit_code == 0
    # the core in selection order, as tests/test_partners_result.py has it: under the
    # diverted-patients money the care home brings 2.5% of the benefit against a seat's 2%,
    # so CARE earns the seventh seat
    assert result.stdout.startswith("Loaded. Core partners:\n  frailty: ICB, ACUTE, AMB, PCN1, "
                                    "COMM, COUNCIL, CARE\n")
    (folder / "flows.csv").write_text("pathway,source\n")
    result = run("watch", folder, "--polls", "1", "-f", "json")
    assert json.loads(result.stdout)["kind"] == "invalid"
