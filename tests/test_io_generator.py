"""`netkit generate`: realistic synthetic systems that load, follow the real ICS counts, are
byte-for-byte reproducible, and fail clearly on bad options."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT, SHARED_DATA
from netkit.cli import cli

import netkit
from netkit.errors import NetkitError, OptionError
from netkit.io.generator import ATTRIBUTION, generate_system, ics_counts

SMALLEST = "QOC"  # the ICB with fewest GP practices (52): quick to generate


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "ics"
    return generate_system(path, "ics", seed=5, area=SMALLEST)


def test_ics_counts_are_englands():
    counts = ics_counts()
    assert len(counts) == 42 and counts["icb"].is_unique
    assert int(counts["gp_practices"].sum()) == 6348
    assert sorted(counts["region"].unique()) == ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]
    assert int(counts["ambulance_trusts"].sum()) == 10


def test_ics_follows_the_real_counts_and_loads_cleanly(small):
    row = ics_counts().set_index("icb").loc[SMALLEST]
    system = netkit.load_system(small.path)
    assert system.warnings == ()
    by_type = system.organisations["type"].value_counts()
    assert by_type["gp_practice"] == row["gp_practices"] == small.organisations["gp_practice"]
    assert by_type["pcn"] == row["pcns"]
    assert by_type["acute_trust"] == max(1, row["acute_trusts"])
    assert by_type["icb"] == 1 and by_type["ambulance_trust"] >= 1
    places = max(1, row["places"], round(row["gp_practices"] / 40))
    assert by_type["local_authority"] == places
    assert system.organisations["place"].dropna().nunique() == places
    # every practice belongs to a PCN of the ICB
    practices = system.organisations[system.organisations["type"] == "gp_practice"]
    pcns = set(system.organisations.loc[system.organisations["type"] == "pcn", "id"])
    assert set(practices["parent"]) <= pcns
    assert small.tables == {name: len(getattr(system, name)) for name in small.tables}
    assert ATTRIBUTION in system.meta["description"]


def test_pathways_flows_and_opportunities(small):
    system = netkit.load_system(small.path)
    assert sorted(system.pathways["id"]) == sorted(
        f"{SMALLEST}-{t}" for t in ("frailty-urgent", "end-of-life", "diabetes", "copd",
                                    "mh-crisis", "stroke"))
    region = ics_counts().set_index("icb").loc[SMALLEST, "region"]
    assert system.pathways["tags"].str.contains(f"stroke-{region}").sum() == 1
    flows = system.flows
    assert (flows["patients"] >= 1).all() and (flows["patients"] == flows["patients"].round()).all()
    assert not flows.duplicated(["pathway", "source", "target", "place"]).any()
    # heavy-tailed volumes: the largest flow dwarfs the typical one
    assert flows["patients"].max() > 100 * flows["patients"].median()
    lists = system.services.loc[system.services["id"].str.endswith("-GEN"), "capacity"]
    assert lists.max() > 2.5 * lists.median()
    assert list(system.opportunities) == [f"{SMALLEST}-frailty-admissions",
                                          f"{SMALLEST}-crisis-alternatives"]
    ps = netkit.find_partners(system, f"{SMALLEST}-frailty-admissions")
    assert SMALLEST in ps.core and f"{SMALLEST}-ACU1" in ps.core


def test_same_seed_same_bytes_other_seed_other_flows(tmp_path, small):
    again = generate_system(tmp_path / "again", "ics", seed=5, area=SMALLEST)
    for file in sorted(small.path.iterdir()):
        assert (again.path / file.name).read_bytes() == file.read_bytes(), file.name
    other = generate_system(tmp_path / "other", "ics", seed=6, area=SMALLEST)
    assert (other.path / "flows.csv").read_bytes() != (small.path / "flows.csv").read_bytes()


def test_region_crosses_ics_boundaries(tmp_path):
    made = generate_system(tmp_path / "sw", "region", seed=0, area="South West")
    assert made.area == "Y58 South West"
    counts = ics_counts()
    assert set(made.icbs) == set(counts.loc[counts["region"] == "Y58", "icb"])
    assert made.organisations["gp_practice"] == 539
    system = netkit.load_system(made.path)
    assert "Y58-stroke-network" in system.opportunities
    flows = system.flows
    to_centre = flows[flows["target"].str.endswith("-THR")]
    assert to_centre["pathway"].str.split("-").str[0].nunique() == len(made.icbs)
    ps = netkit.find_partners(system, "Y58-stroke-network")
    centre = to_centre["target"].iloc[0].removesuffix("-THR")
    assert centre in ps.core


@pytest.mark.slow  # about 25 s
def test_national_scale_is_about_50000_organisations_and_a_million_flows(tmp_path):
    made = generate_system(tmp_path / "england", "national", seed=0)
    assert len(made.icbs) == 42
    assert 48_000 <= made.tables["organisations"] <= 55_000
    assert 850_000 <= made.tables["flows"] <= 1_100_000
    assert made.organisations["gp_practice"] == 6348
    assert "national-frailty-admissions" in made.opportunities
    assert sum(1 for o in made.opportunities if o.endswith("-stroke-network")) == 7


def test_bad_options_are_refused(tmp_path, small):
    with pytest.raises(OptionError, match="scale: 'county' is not a scale"):
        generate_system(tmp_path / "x", "county")
    with pytest.raises(OptionError, match="area: 'ZZZ' is not an ICB code"):
        generate_system(tmp_path / "x", "ics", area="ZZZ")
    with pytest.raises(OptionError, match="area: 'Wales' is not an NHS region"):
        generate_system(tmp_path / "x", "region", area="Wales")
    with pytest.raises(OptionError, match="national scale covers all of England"):
        generate_system(tmp_path / "x", "national", area="QKK")
    with pytest.raises(NetkitError, match="already exists"):
        generate_system(small.path, "ics", area=SMALLEST)
    assert not (tmp_path / "x").exists()


def test_cli(tmp_path):
    runner = CliRunner()
    out = tmp_path / "qoc"
    result = runner.invoke(cli, ["generate", "--scale", "ics", "--area", "qoc", "--seed", "2",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}: ics scale (QOC ")
    assert "gp_practice 52," in " ".join(result.output.split())
    again = runner.invoke(cli, ["generate", "--area", "QOC", "-o", str(out)])
    assert again.exit_code == 1
    assert again.output == (f"Error: {out} already exists; choose another --output or add "
                            "--force to replace it\n")
    forced = runner.invoke(cli, ["generate", "--area", "QOC", "-o", str(out), "--force"])
    assert forced.exit_code == 0
    bad = runner.invoke(cli, ["generate", "--area", "ZZZ", "-o", str(tmp_path / "z")])
    assert bad.exit_code == 2 and bad.output.startswith("Error: area: 'ZZZ' is not an ICB code")
    assert "Traceback" not in bad.output and not (tmp_path / "z").exists()
    assert runner.invoke(cli, ["generate", "--scale", "county", "-o", "z"]).exit_code == 2


@pytest.mark.shared_data
def test_shipped_counts_are_derived_from_the_ods_data():
    if not (SHARED_DATA / "nhs_ods").exists():
        pytest.skip("../shared/data is not beside the checkout")
    done = subprocess.run([sys.executable, str(ROOT / "sample_networks" / "make_ics_counts.py"),
                           "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "the shipped counts match the ODS data"
