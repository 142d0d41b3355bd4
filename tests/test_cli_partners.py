"""The partners and opportunities commands: exit codes and the text a person reads."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from netkit.cli import cli

import netkit

TINY = str(netkit.sample_path("tiny"))
RIVERSIDE = str(netkit.sample_path("riverside"))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_opportunities_lists_them():
    result = run("opportunities", TINY)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Tiny Vale: 2 opportunities"
    assert lines[4].startswith("frailty  Fewer emergency admissions of frail older people  frailty")
    assert lines[4].endswith("20% from ED to UCR")
    data = json.loads(run("opportunities", TINY, "-f", "json").stdout)
    assert [o["id"] for o in data["opportunities"]] == ["frailty", "falls"]


def test_partners_text():
    result = run("partners", TINY, "--opportunity", "frailty")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Partners for: Fewer emergency admissions of frail older "
                                    "people (frailty)\n")
    assert "every candidate is core: each added more benefit than coordination cost" in \
        result.stdout
    assert result.stderr == ""


@pytest.mark.usefixtures("reuse_results")  # one computation, rendered
def test_partners_json_contract():
    data = json.loads(run("partners", TINY, "-O", "frailty", "-f", "json").stdout)
    assert set(data) >= {"opportunity", "partners", "curve", "incentives"}
    assert {p["tier"] for p in data["partners"]} <= {"core", "involve", "inform"}
    for partner in data["partners"]:
        assert set(partner) >= {"id", "name", "type", "tier", "score", "criteria", "reasons"}
    assert "ICB" in {p["id"] for p in data["partners"]}
    assert "GP1" not in {p["id"] for p in data["partners"]}  # represented by PCN1


@pytest.mark.usefixtures("reuse_results")  # one computation, rendered
def test_partners_csv_and_markdown():
    csv_text = run("partners", TINY, "-O", "frailty", "-f", "csv").stdout
    assert csv_text.splitlines()[0].startswith("id,name,type,tier,rank,score,activity,")
    assert len(csv_text.splitlines()) == 8
    md = run("partners", TINY, "-O", "frailty", "-f", "markdown").stdout
    assert md.startswith("# Partners for: Fewer emergency admissions of frail older people\n")
    assert "| rank | name | id | tier | score | why |" in md


@pytest.mark.usefixtures("reuse_results")  # one computation, rendered
def test_partners_html_to_file_with_curve(tmp_path):
    out, curve = tmp_path / "report.html", tmp_path / "curve.png"
    result = run("partners", TINY, "-O", "frailty", "-f", "html", "-o", out, "--curve", curve)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {curve}\nwrote {out}\n"
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert f"netkit {netkit.__version__} · input {TINY} (sha256 " in page
    assert curve.read_bytes().startswith(b"\x89PNG")


def test_partners_options_change_the_answer():
    plain = json.loads(run("partners", TINY, "-O", "frailty", "-f", "json").stdout)
    cheap = json.loads(run("partners", TINY, "-O", "frailty", "-f", "json",
                           "--coordination-cost", "partner=0,new_tie=0").stdout)
    assert [p["tier"] for p in cheap["partners"]].count("core") == 7
    assert cheap["opportunity"]["coordination_cost"] == {"partner": 0.0, "new_tie": 0.0}
    assert plain["opportunity"]["coordination_cost"]["partner"] == 0.02
    none = json.loads(run("partners", TINY, "-O", "frailty", "-f", "json",
                          "--represent", "none").stdout)
    assert "GP1" in {p["id"] for p in none["partners"]}
    stable = json.loads(run("partners", TINY, "-O", "frailty", "-f", "json",
                            "--stability", "10", "--seed", "3").stdout)
    assert all("stability" in p for p in stable["partners"])


@pytest.mark.usefixtures("reuse_results")  # one computation, rendered
def test_partners_all():
    result = run("partners", RIVERSIDE, "--all", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["opportunities"]) == 7


def test_partners_errors():
    result = run("partners", TINY)
    assert result.exit_code == 2
    assert "give --opportunity ID or --all" in result.stderr
    result = run("partners", TINY, "-O", "nope")
    assert result.exit_code == 1
    assert result.stderr == ("Error: no opportunity 'nope' in Tiny Vale (opportunities: "
                             "frailty, falls); see 'netkit opportunities'\n")
    result = run("partners", TINY, "-O", "frailty", "--weights", "activity=-1")
    assert result.exit_code == 2  # a bad option value is a usage error
    assert result.stderr == ("Error: weights: activity=-1 is out of range (expected a number "
                             "≥ 0)\n")
    result = run("partners", TINY, "--all", "--curve", "x.png")
    assert result.exit_code == 2
    assert "--picture draws one opportunity's curve" in result.stderr


def test_same_input_same_bytes(tmp_path):
    a = run("partners", RIVERSIDE, "-O", "frailty-admissions", "-f", "html").stdout
    b = run("partners", RIVERSIDE, "-O", "frailty-admissions", "-f", "html").stdout
    assert a == b


def test_draws_zero_gives_the_central_figures_and_says_so():
    from netkit.partners.find import NOT_DRAWN

    text = run("partners", RIVERSIDE, "-O", "stroke-early-discharge", "--draws", "0")
    assert text.exit_code == 0, text.output
    assert "Range (90%) and chance of losing money" not in text.stdout
    assert "note: the money's ranges were not drawn (0 Monte Carlo draws asked for)" in \
        text.stdout
    assert "\n  the system gains £500,000 a year\n" in text.stdout  # no range, no gap
    full = run("partners", RIVERSIDE, "-O", "stroke-early-discharge")
    assert "Range (90%) and chance of losing money" in full.stdout
    data = json.loads(run("partners", RIVERSIDE, "-O", "stroke-early-discharge", "--draws", "0",
                          "-f", "json").stdout)
    assert data["options"]["draws"] == 0 and NOT_DRAWN in data["notes"]
    assert data["system_net_low"] == data["system_net"] == data["system_net_high"]
    drawn = json.loads(run("partners", RIVERSIDE, "-O", "stroke-early-discharge", "-f",
                           "json").stdout)
    assert data["system_net_low"] > drawn["system_net_low"]
    assert ([(p["id"], p["tier"]) for p in data["partners"]]
            == [(p["id"], p["tier"]) for p in drawn["partners"]])


def test_draws_must_not_be_negative():
    result = run("partners", TINY, "-O", "frailty", "--draws", "-1")
    assert result.exit_code == 2
    assert "Invalid value for '--draws': -1 is not in the range x>=0." in result.output


@pytest.mark.parametrize("sample", ["tiny", "riverside", "metro", "shire"])
def test_partners_json_curve_grows_and_keeps_cost_and_net(sample):
    """The curve's JSON rows keep ``cost`` and ``net`` as they were (a seat's ``partner`` per
    member and ``new_tie`` per pair of members with no relationship; net = benefit - cost) and
    add ``seat_cost``, ``net_of_seats`` (benefit - seat_cost) and ``new_relationships`` (pairs
    of members that hand patients to each other with no relationship), which at the stop is the
    staff-time line's count."""
    from netkit.partners.find import _related_pairs

    path = netkit.sample_path(sample)
    result = run("partners", path, "--all", "-f", "json")
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)["opportunities"]
    system = netkit.load_system(path)
    sets = netkit.find_all_partners(system).partner_sets
    for data, ps in zip(reports, sets):
        assert data["opportunity"]["id"] == ps.opportunity.id
        cost = data["opportunity"]["coordination_cost"]
        known = {frozenset(p) for p in _related_pairs(system, ps.scope)}
        curve = data["curve"]
        assert [list(row) for row in curve] == [
            ["size", "added", "benefit", "cost", "net", "marginal_benefit", "marginal_cost",
             "core", "seat_cost", "net_of_seats", "new_relationships"]] * len(curve)
        added = [row["added"] for row in curve]
        for row in curve:
            members = added[1:row["size"] + 1]
            unrelated = sum(frozenset((a, b)) not in known
                            for i, a in enumerate(members) for b in members[i + 1:])
            assert row["cost"] == pytest.approx(cost["partner"] * row["size"]
                                                + cost["new_tie"] * unrelated)
            assert row["net"] == pytest.approx(row["benefit"] - row["cost"])
            assert row["seat_cost"] == pytest.approx(cost["partner"] * row["size"])
            assert row["net_of_seats"] == pytest.approx(row["benefit"] - row["seat_cost"])
        at_stop = [row for row in curve if row["core"]][-1]
        assert at_stop["new_relationships"] == len(data["verdict"]["burden"]["new_relationships"])
