"""netkit explain: each reason with its input rows; exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner
from netkit.cli import cli

import netkit

TINY = str(netkit.sample_path("tiny"))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_explain_prints_each_reason_with_its_rows():
    result = run("explain", TINY, "--opportunity", "frailty", "--partner", "ACUTE")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Vale Hospital (ACUTE) in frailty"
    at = lines.index("- delivers 30% of the contacts in scope (820 a year: 500 attendances and "
                     "320 admissions)")
    assert lines[at + 1] == "    rows: flows.csv rows 5, 7, 9, 11"
    assert "the header is row 1 and the first record row 2" in result.stdout


def test_explain_a_member_explains_its_seat():
    result = run("explain", TINY, "-O", "frailty", "-p", "GP1")
    assert result.exit_code == 0
    assert result.stdout.startswith("North Vale PCN (PCN1) in frailty")
    assert "    rows: organisations.csv row 8" in result.stdout.splitlines()


def test_explain_json():
    result = run("explain", TINY, "-O", "frailty", "-p", "AMB", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["reasons"][0] == {"reason": "delivers 18% of the contacts in scope (500 "
                                            "emergency responses to 999 calls a year: 400 "
                                            "conveyed to the emergency department)",
                                  "sources": [{"file": "flows.csv", "rows": [3]}]}


def test_unknown_partner_names_the_choices_and_exits_1():
    # The partners in score order (ACUTE .43, ICB .32, PCN1 .15, AMB .14, COUNCIL .081, COMM
    # .077, CARE .025): under the diverted-patients money COMM, which takes the diverted
    # patients, loses £14,000 a year and scores just under COUNCIL.
    result = run("explain", TINY, "-O", "frailty", "-p", "ACUTEX")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: no partner 'ACUTEX' in the partner set for 'frailty' (did you mean 'ACUTE'? "
        "partners: ACUTE, ICB, PCN1, AMB, COUNCIL, COMM, CARE); see 'netkit partners PATH "
        "--opportunity frailty'")
    assert "Traceback" not in result.output


def test_unknown_opportunity_exits_1_and_missing_partner_is_a_usage_error():
    assert run("explain", TINY, "-O", "nope", "-p", "ACUTE").exit_code == 1
    assert run("explain", TINY, "-O", "frailty").exit_code == 2
