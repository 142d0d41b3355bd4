"""First use, as a new user would meet netkit (issue 14, items 18, 20, 21, 25): mined counts say
what period they cover, the output format follows the file's ending, long reports lead with the
answer and summarise their tails, and results print as one line."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT, riverside_partners, sample_system
from netkit.cli import cli
from netkit.cli.options import as_flags, choose_format

import netkit

TINY = str(netkit.sample_path("tiny"))
RIVERSIDE = str(netkit.sample_path("riverside"))
EVENTS = netkit.sample_path("tiny_events") / "events.csv"
CODES = netkit.sample_path("tiny_events") / "codes.csv"
SAMPLE = ["--case", "patient", "--time", "when", "--dayfirst", "--service", "code",
          "--map", str(CODES), "--pathway", "frailty"]
# The sample log runs from 2025-04-02T20:00 to 2026-01-25T11:00: 297.625 days, so a year is
# 365.25 / 297.625 = 1.2272... times the counts.
FACTOR = 365.25 / 297.625

# reports of one partner query in several formats and places compute it once a run
# (conftest.reuse_results)
pytestmark = pytest.mark.usefixtures("reuse_results")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _log(rows):
    return pd.DataFrame(rows, columns=["patient_id", "timestamp", "service"])


# -- 18: mined counts say what period they cover ------------------------------------------------
def test_mined_flows_are_per_year_by_default_on_the_command_line(tmp_path):
    out = tmp_path / "flows.csv"
    result = run("pathways", "mine", EVENTS, *SAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == ("note: patients and transitions a year (scaled ×1.23 from the 298 "
                             f"days of the log)\nwrote {out}\n")
    flows = pd.read_csv(out)
    entries = flows[flows["source"] == "@home"].set_index("target")["patients"]
    # 75 patients entered at GPS and 45 at AMB999 in the log: 92.0 and 55.2 a year.
    assert entries.to_dict() == {"AMB999": round(45 * FACTOR, 1), "GPS": round(75 * FACTOR, 1)}
    assert entries.to_dict() == {"AMB999": 55.2, "GPS": 92.0}


def test_as_counted_keeps_the_counts_and_says_so_in_every_report(tmp_path):
    text = run("pathways", "mine", EVENTS, *SAMPLE, "--as-counted", "-f", "text")
    assert text.exit_code == 0, text.output
    assert ("patients and transitions in the 298 days of the log (as counted, not scaled to a "
            "year)") in text.stdout
    assert "Largest flows, patients in the 298 days of the log:\n" in text.stdout
    assert "a year" not in text.stdout.replace("not scaled to a year", "")
    markdown = run("pathways", "mine", EVENTS, *SAMPLE, "--as-counted", "-f", "markdown").stdout
    assert "- patients and transitions in the 298 days of the log" in markdown
    data = json.loads(run("pathways", "mine", EVENTS, *SAMPLE, "--as-counted", "-f",
                          "json").stdout)
    assert data["counts"] == ("patients and transitions in the 298 days of the log (as counted, "
                              "not scaled to a year)")
    assert data["summary"]["per_year"] is False
    per_year = json.loads(run("pathways", "mine", EVENTS, *SAMPLE, "-f", "json").stdout)
    assert per_year["counts"] == ("patients and transitions a year (scaled ×1.23 from the 298 "
                                  "days of the log)")


def test_as_counted_into_a_system_is_refused(tmp_path):
    """A system's flows.csv holds patients a year and every report on it says so: counts from
    298 days written into one would be called "a year" (found in review), so the two options
    together are a usage error, and nothing is written."""
    result = run("pathways", "mine", EVENTS, *SAMPLE, "--as-counted", "--system",
                 tmp_path / "mined", "-o", tmp_path / "flows.csv")
    assert result.exit_code == 2
    assert ("--system writes a system, whose flows.csv holds patients a year, and its reports "
            "would call counts from part of a year 'a year': leave out --as-counted") in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_system_output_named_like_a_report_is_refused(tmp_path):
    result = run("apply", ROOT / "sample_networks" / "riverside",
                 ROOT / "sample_networks" / "riverside" / "changesets" / "2026-10-virtual-ward.yaml",
                 "-o", tmp_path / "rep.md")
    assert result.exit_code == 2
    assert "looks like a report file (.md), but this writes a whole system: give a folder, or a " \
           "workbook ending .xlsx" in result.stderr
    assert not (tmp_path / "rep.md").exists()


def test_a_misspelt_opportunity_gets_a_suggestion():
    result = run("partners", ROOT / "sample_networks" / "riverside", "-O", "fraility-admissions")
    assert result.exit_code == 1
    assert "no opportunity 'fraility-admissions' in Riverside Integrated Care System (did you " \
           "mean 'frailty-admissions'? opportunities: frailty-admissions," in result.stderr


def test_a_short_log_is_scaled_with_a_warning_and_the_library_default_stays_raw():
    # 2 patients over 7 days: ×52.2 to a year, from too short a log to trust.
    log = _log([("p", "2024-01-01", "A"), ("p", "2024-01-02", "B"),
                ("q", "2024-01-07", "A"), ("q", "2024-01-08", "B")])
    raw = netkit.mine_pathways(log)
    assert raw.flows.set_index(["source", "target"]).loc[("A", "B"), "patients"] == 2
    assert raw.warnings == []
    assert "in the 7 days of the log (as counted, not scaled to a year)" in raw.to_text()
    scaled = netkit.mine_pathways(log, per_year=True)
    assert scaled.flows.set_index(["source", "target"]).loc[("A", "B"), "patients"] == 104.4
    assert scaled.warnings == [
        "the log spans only 7.0 days: counts scaled to a year (×52.2) are unreliable from fewer "
        "than 28 days; use a longer extract, or keep the counts as found (per_year=False)"]
    # On the command line the same warning names the flag.
    assert as_flags(scaled.warnings[0]).endswith("keep the counts as found (--as-counted)")


def test_a_log_at_one_moment_cannot_be_scaled_and_says_why_in_python_terms():
    log = _log([("p", "2024-01-01", "A"), ("q", "2024-01-01", "B")])
    with pytest.raises(netkit.OptionError, match=r"per_year=True needs events at more than one "
                                                 r"time.*keep the counts as found "
                                                 r"\(per_year=False\)"):
        netkit.mine_pathways(log, per_year=True)


def test_cli_one_moment_log_exits_2_naming_the_flag(tmp_path):
    events = tmp_path / "e.csv"
    events.write_text("patient_id,timestamp,service\np,2024-01-01,A\nq,2024-01-01,B\n")
    result = run("pathways", "mine", events)
    assert result.exit_code == 2
    assert result.stderr == ("Error: --per-year needs events at more than one time: the log's "
                             "first and last events are at the same moment, so it has no span to "
                             "scale from; keep the counts as found (--as-counted)\n")


# -- 25: largest flows first, none dropped; help keeps its line breaks ---------------------------
def test_largest_flows_are_by_patients_and_none_is_dropped():
    result = run("pathways", "mine", EVENTS, *SAMPLE, "--as-counted", "-f", "text")
    lines = result.stdout.split("Largest flows")[1].splitlines()[3:]
    patients = [int(line.split()[3]) for line in lines if line.strip()]
    assert len(patients) == 16  # all 16 flows: a cap of 15 would leave out only one
    assert patients[:4] == [75, 46, 45, 38]
    assert patients == sorted(patients, reverse=True)
    # 14 patients: ED -> @home, REABLE -> @home and WARD -> REABLE tie, and sort by source.
    fourteen = [line.split()[1] for line in lines if line.split()[3:4] == ["14"]]
    assert fourteen == ["ED", "REABLE", "WARD"]


def test_largest_flows_say_how_many_more_there_are():
    rows = [(f"p{i}", f"2024-01-{d:02d}", f"S{d:02d}") for i in range(3) for d in range(1, 20)]
    mined = netkit.mine_pathways(_log(rows))
    flows, hidden = mined.largest_flows(15)
    assert len(mined.flows) == 20 and len(flows) == 15 and hidden == 5
    assert mined.to_text().rstrip().endswith("and 5 more flows (the CSV lists every one)")


def test_spark_example_in_help_keeps_its_line_break():
    help_text = run("pathways", "mine", "--help").stdout
    assert ("    netkit pathways mine events.parquet --engine spark --master spark://head:7077 \\\n"
            "        --case patient_id --time arrival --service unit -o flows.csv\n") in help_text


# -- 20: the format follows the file ------------------------------------------------------------
@pytest.mark.parametrize("name, fmt", [
    ("r.txt", "text"), ("r.TEXT", "text"), ("r.md", "markdown"), ("r.json", "json"),
    ("r.csv", "csv"), ("r.html", "html"), ("r.htm", "html"), ("r.xlsx", "xlsx"),
    ("r.png", "picture"), ("r.svg", "picture"), ("report", "text")])
def test_the_ending_picks_the_format(name, fmt):
    formats = ("text", "markdown", "json", "csv", "html", "xlsx")
    assert choose_format(None, Path(name), formats, "text", pictures=True) == fmt


def test_explicit_format_wins_unless_it_contradicts_the_ending():
    formats = ("text", "json", "csv")
    assert choose_format("json", None, formats, "text") == "json"
    assert choose_format("json", Path("out"), formats, "text") == "json"
    with pytest.raises(click.UsageError, match="--format csv does not match the output file "
                                               "'r.json', whose ending means json"):
        choose_format("csv", Path("r.json"), formats, "text")
    with pytest.raises(click.UsageError, match="this command cannot write html"):
        choose_format(None, Path("r.html"), formats, "text")
    with pytest.raises(click.UsageError, match="does not draw pictures"):
        choose_format(None, Path("r.png"), formats, "text")
    with pytest.raises(click.UsageError, match="xlsx is a workbook, not text: give --output"):
        choose_format("xlsx", None, formats + ("xlsx",), "text")


def test_partners_writes_what_the_file_ending_says(tmp_path):
    for name, check in [("r.md", lambda t: t.startswith("# Partners for: ")),
                        ("r.json", lambda t: json.loads(t)["opportunity"]["id"] == "frailty"),
                        ("r.csv", lambda t: t.startswith("id,name,type,tier,rank,score")),
                        ("r.html", lambda t: t.startswith("<!DOCTYPE html>")),
                        ("r.txt", lambda t: t.startswith("Partners for: "))]:
        result = run("partners", TINY, "-O", "frailty", "-o", tmp_path / name)
        assert result.exit_code == 0, result.output
        assert result.stderr == f"wrote {tmp_path / name}\n"
        assert check((tmp_path / name).read_text()), name


def test_partners_picture_ending_saves_the_curve_alone(tmp_path):
    result = run("partners", TINY, "-O", "frailty", "-o", tmp_path / "curve.png")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert (tmp_path / "curve.png").read_bytes().startswith(b"\x89PNG")
    # --curve is still understood (a hidden alias of --picture).
    result = run("partners", TINY, "-O", "frailty", "--curve", tmp_path / "c.svg", "-f", "json")
    assert result.exit_code == 0 and (tmp_path / "c.svg").exists()
    assert "--curve" not in run("partners", "--help").stdout
    assert "--picture FILE" in run("partners", "--help").stdout


def test_a_contradicting_format_is_a_usage_error_and_writes_nothing(tmp_path):
    result = run("partners", TINY, "-O", "frailty", "-f", "csv", "-o", tmp_path / "r.md")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --format csv does not match the output file 'r.md', "
                                  "whose ending means markdown; leave out --format, or give the "
                                  "file the ending of the format\n")
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_ending_gets_the_default_with_a_note(tmp_path):
    result = run("opportunities", TINY, "-o", tmp_path / "list.log")
    assert result.exit_code == 0
    assert result.stderr == ("note: list.log: the ending .log names no format; writing text "
                             f"(give --format to choose)\nwrote {tmp_path / 'list.log'}\n")
    assert (tmp_path / "list.log").read_text().startswith("Tiny Vale: 2 opportunities")


def test_visualise_png_output_is_a_picture_not_html(tmp_path):
    result = run("visualise", TINY, "-O", "frailty", "-o", tmp_path / "map.png")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "map.png").read_bytes().startswith(b"\x89PNG")
    assert result.stdout == ""


def test_visualise_picture_alone_writes_no_html_to_the_terminal(tmp_path):
    result = run("visualise", TINY, "--png", tmp_path / "only.png")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {tmp_path / 'only.png'}\n"
    assert (tmp_path / "only.png").read_bytes().startswith(b"\x89PNG")
    assert "--png" not in run("visualise", "--help").stdout


def test_bad_option_values_exit_2():
    result = run("partners", TINY, "-O", "frailty", "--represent", "gp_practice=sideways")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: represent: gp_practice='sideways' is not a rule")
    assert run("partners", TINY, "-O", "frailty", "--groups", "colour").exit_code == 2
    assert run("summary", TINY, "--disclosure", "loose").exit_code == 2


def test_lower_case_o_with_an_opportunity_id_asks_did_you_mean():
    result = run("partners", RIVERSIDE, "-o", "frailty-admissions")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: -o frailty-admissions names the output file, and frailty-admissions is an "
        "opportunity of Riverside Integrated Care System: did you mean --opportunity "
        "frailty-admissions (-O, a capital O)?\n")
    assert not Path("frailty-admissions").exists()


def test_every_reporting_command_offers_csv_and_xlsx():
    for command in (["validate"], ["summary"], ["opportunities"], ["partners"], ["recompute"],
                    ["timeline"], ["compare"], ["roles"], ["pathways", "mine"]):
        help_text = run(*command, "--help").stdout
        assert "csv" in help_text and "xlsx" in help_text, command


# -- 21: the partner report leads with the outcome and summarises its tails --------------------
def test_partner_text_shows_the_core_whole_and_caps_the_other_tiers():
    ps = riverside_partners("frailty-admissions")
    counts = ps.partners["tier"].value_counts()
    # Seats (primary care of a place, care homes of a place) leave 14 candidates: 8 core, and
    # 6 inform (the two home care agencies, The Oaks, Southmere's care homes, Age UK and the
    # pharmacy: all downstream of the admissions the shift avoids).
    assert (counts["core"], counts.get("involve", 0), counts["inform"]) == (8, 0, 6)
    text = ps.to_text(top=1)
    assert "     and 5 more inform partners (the CSV and JSON reports list every one)" in text
    core_block = text.split("Core partners (at the table)")[1].split("Involve")[0]
    assert all(f"({org}," in core_block for org in ps.core)  # the core is never cut
    assert "more involve partners" not in text
    assert ps.to_text(top=0) == ps.to_text(top=None)
    assert "more inform partners" not in ps.to_text(top=None)
    markdown = ps.to_markdown(top=1)
    assert "*And 5 more inform partners (the CSV and JSON reports list every one).*" in markdown
    assert "*And 1 more inform partner (the CSV" in ps.to_markdown(top=5)


def test_partners_top_option_and_full_csv(tmp_path):
    short = run("partners", RIVERSIDE, "-O", "frailty-admissions", "--top", "5")
    assert short.exit_code == 0, short.output
    assert "and 1 more inform partner (the CSV" in short.stdout  # 6 inform, 5 shown
    every = run("partners", RIVERSIDE, "-O", "frailty-admissions", "--top", "0")
    assert "more inform partners" not in every.stdout
    csv = run("partners", RIVERSIDE, "-O", "frailty-admissions", "--top", "2", "-f", "csv")
    assert len(csv.stdout.splitlines()) == 1 + 14  # the header and every candidate


def test_broker_lines_are_capped_with_a_count():
    # Under the shift's scope frailty has one go-between line; end of life at home has three
    # (the acute trust, the community trust and the hospice).
    ps = riverside_partners("end-of-life-at-home")
    n = len(ps.brokers)
    assert n == 3
    text = ps.to_text(top=1)
    # the go-between lines are in the appendix, capped like every list
    appendix = text[text.index("Appendix: go-betweens"):]
    assert f"  and {n - 1:,} more (the JSON report lists every one)" in appendix


# -- 25: results print as one line; a System has a table --------------------------------------
def test_results_print_as_one_line():
    ps = riverside_partners("frailty-admissions")
    assert repr(ps) == ("<PartnerSet 'frailty-admissions' in 'Riverside Integrated Care System': "
                        "8 core, 0 involve, 6 inform; core ICB-RIV, ACU-RIV, AMB-WC, COM-TRUST, "
                        "LA-NORTH, ...>")
    # The scope is what the shift changes, and for admissions avoided that is the whole
    # pathway: every service is a referrer to the emergency department or the wards, or is
    # reached after them (reablement, home care, care homes, the pharmacy), so all 163 flows,
    # 40 services and 33 organisations.
    assert repr(ps.scope) == ("<Scope 'frailty-admissions': pathways frailty-urgent; 163 flows, "
                              "40 services, 33 organisations>")
    system = sample_system("riverside")
    for result in (ps, ps.scope, ps.incentives, ps.criteria, riverside_partners(),
                   system.summary(), netkit.validate(TINY), netkit.list_opportunities(system)):
        assert "\n" not in repr(result) and len(repr(result)) < 300, type(result).__name__
    mined = netkit.mine_pathways(_log([("p", "2024-01-01", "A"), ("p", "2024-01-03", "B")]))
    assert repr(mined) == ("<MinedPathways 'mined': 3 flows between 2 services from 2 events of "
                           "1 patients; counts in the 2 days of the log (as counted, not scaled "
                           "to a year)>")


def test_system_to_frame_has_one_row_per_organisation():
    system = netkit.load_system(TINY)
    frame = system.to_frame()
    assert frame["id"].tolist() == system.organisations["id"].tolist()
    assert list(frame.columns) == ["id", "name", "type", "sector", "place", "parent", "services",
                                   "activity", "relationships"]
    row = frame.set_index("id").loc["GP1"]
    # GPS: 1,000 frailty + 300 falls patients arrive a year; one tie (PCN1 is its parent).
    assert (row["services"], row["activity"]) == (1, 1300.0)
    assert frame["services"].sum() == len(system.services)


def test_library_errors_name_python_options_and_the_cli_names_flags(tmp_path):
    with pytest.raises(netkit.InputError, match=r"time_format='%d/%m/%Y %H:%M' \(for example\), "
                                                r"or dayfirst=True"):
        netkit.mine_pathways(_log([("p", "31/12/2024", "A")]))
    events = tmp_path / "e.csv"
    events.write_text("patient_id,timestamp,service\np,31/12/2024,A\n")
    result = run("pathways", "mine", events)
    assert result.exit_code == 1
    assert result.stderr.endswith("is not a time (give the layout as --time-format "
                                  "'%d/%m/%Y %H:%M' (for example), or --dayfirst)\n")
    result = run("pathways", "mine", events, "--case", "nhs_number")
    assert result.stderr.endswith("name yours with --case\n")


# -- 26: the test extras stay lean; CI still runs the Spark tests --------------------------------
def test_pyspark_is_not_a_test_extra_but_ci_installs_it():
    import configparser

    root = Path(__file__).resolve().parent.parent
    config = configparser.ConfigParser()
    config.read(root / "setup.cfg")
    extras = config["options.extras_require"]
    test = [line.split(">")[0].strip() for line in extras["test"].split("\n") if line.strip()]
    # python-docx: the engagement pack's Word output is tested (opened with python-docx);
    # pytest-xdist: the suite runs on every core (pytest -n auto)
    assert test == ["pytest", "hypothesis", "playwright", "pyarrow", "nbmake", "python-docx",
                    "pytest-xdist"]
    assert "pyspark>=3.5" in extras["spark"]
    ci = (root / ".ci" / "run").read_text()
    assert "export NETKIT_REQUIRE_BROWSER=1 NETKIT_REQUIRE_SPARK=1" in ci
    # The spark extra goes in first, then the README's test command exactly as a person types
    # it (the second fenced block of the Quick start).
    import re

    readme = (root / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert len(commands) == 2
    assert ci.index("pip install '.[spark]'\n") < ci.index(commands[1] + "\n")
