"""Hostile and careless input: YAML bombs, floods of bad rows, absurd numbers, misspelt types and
options, look-alike ids and YAML of the wrong type. Each is refused or warned about with a
message naming the file, row and column, never a traceback, a hang or a silent change."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tracemalloc

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT, append_row, set_cell
from netkit.cli import cli

import netkit
from netkit.io import reading
from netkit.change.changeset import read_changeset
from netkit.errors import ChangesetError, OptionError

TINY = str(netkit.sample_path("tiny"))

#: 342 bytes that expand to 9**9 (387 million) strings when loaded.
LAUGHS = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
          + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                    for p, c in zip("abcdefgh", "bcdefghi")))


def messages(path):
    report = netkit.validate(path)
    return [str(p) for p in report.errors], [str(p) for p in report.warnings]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# -- item 10: YAML aliases, nesting and size ---------------------------------------------------

@contextlib.contextmanager
def bounded_memory(mib: float):
    """Fail if the block allocates more than ``mib`` MiB at its peak (a resource bound that
    does not depend on how busy the machine is, unlike a time limit)."""
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < mib * 2**20, f"peak {peak / 2**20:.0f} MiB"


ALIAS_MESSAGE = ("uses aliases (*name) that expand to more than 1,000,000 values; write the "
                 "values out, or use fewer aliases")


@pytest.mark.parametrize("filename", ["system.yaml", "opportunities.yaml"])
def test_billion_laughs_is_refused_at_once(tiny_dir, filename):
    (tiny_dir / filename).write_text(LAUGHS)
    with bounded_memory(50):  # refused at the alias count, never expanded (9**9 values)
        errors, _ = messages(tiny_dir)
    assert f"{filename} line 7: {ALIAS_MESSAGE}" in errors  # where 9**7 values are passed


def test_billion_laughs_changeset_is_refused(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(LAUGHS.replace("a: &a", "changes: []\na: &a"))
    with bounded_memory(50), pytest.raises(ChangesetError) as caught:
        read_changeset(path)
    assert [str(p) for p in caught.value.problems] == [f"bomb.yaml line 8: {ALIAS_MESSAGE}"]


def test_a_few_aliases_are_fine(tiny_dir):
    (tiny_dir / "opportunities.yaml").write_text(
        "- id: a\n  pathways: &p [frailty]\n  shift: &s {from: [ED], to: [UCR], fraction: 0.2}\n"
        "- id: b\n  pathways: *p\n  shift: *s\n")
    system = netkit.load_system(tiny_dir)
    assert system.opportunity("b").shift.to == ("UCR",)


DEPTH_MESSAGE = ("nests lists and mappings more than 100 deep; netkit's files need only a few "
                 "levels: check the indentation and brackets near that line")


def test_deep_nesting_is_a_message_not_a_recursion_error(tiny_dir):
    (tiny_dir / "opportunities.yaml").write_text("- id: x\n  pathways: " + "[" * 500
                                                 + "]" * 500 + "\n")
    errors, _ = messages(tiny_dir)
    assert errors == [f"opportunities.yaml line 2: {DEPTH_MESSAGE}"]


def test_deep_nesting_through_the_command_line(tiny_dir):
    (tiny_dir / "system.yaml").write_text("name: x\nd: " + "{a: " * 500 + "1" + "}" * 500)
    result = subprocess.run([sys.executable, "-m", "netkit", "validate", str(tiny_dir)],
                            capture_output=True, text=True, cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == (f"{tiny_dir}: 1 problem\n"
                             f"  error: system.yaml line 2: {DEPTH_MESSAGE}\n")


def test_a_huge_yaml_file_is_refused(tiny_dir, monkeypatch):
    monkeypatch.setattr(reading, "MAX_YAML_CHARS", 100)
    (tiny_dir / "system.yaml").write_text("name: Tiny\ndescription: " + "x" * 199 + "\n")
    errors, _ = messages(tiny_dir)
    assert errors[0] == ("system.yaml: is 224 characters long, more than netkit reads (100); a "
                      "system's YAML files are small: check that this is the right file")


def test_a_huge_yaml_file_is_refused_before_it_is_read(tiny_dir, monkeypatch):
    monkeypatch.setattr(reading, "MAX_YAML_CHARS", 10)
    (tiny_dir / "system.yaml").write_text("name: Tiny\ndescription: " + "x" * 75 + "\n")
    errors, _ = messages(tiny_dir)
    assert errors[0] == ("system.yaml: is 100 bytes long, more than netkit reads; a system's "
                         "YAML files are small: check that this is the right file")


needs_libyaml = pytest.mark.skipif(reading._FAST_LOADER is None,
                                   reason="PyYAML was built without libyaml")

#: YAML that reads, and YAML that does not, each as netkit has always treated it.
YAML_CASES = ["name: Tiny\n", "- id: a\n  pathways: &p [frailty]\n- id: b\n  pathways: *p\n",
              "a: [1, 2\n", "a: b: c\n", "name: !!python/object/apply:os.system ['true']\n",
              "when: 2026-13-01\n", "a: 1\na: 2\n", "- [x, {y: z}]\n  - bad\n", LAUGHS]


@needs_libyaml
@pytest.mark.parametrize("text", YAML_CASES + [
    p.read_text() for p in sorted((ROOT / "sample_networks").rglob("*.yaml"))])
def test_the_fast_reader_gives_what_the_pure_python_one_gives(text, monkeypatch):
    """libyaml reads netkit's YAML ten times faster; the document, the line of every key and
    every refusal's message are those of the pure-Python reader (whose messages netkit quotes:
    a file libyaml refuses is read again by it)."""
    fast_problems, slow_problems = [], []
    fast = reading.load_yaml_text(text, "x.yaml", fast_problems)
    monkeypatch.setattr(reading, "_FAST_LOADER", None)
    slow = reading.load_yaml_text(text, "x.yaml", slow_problems)
    assert repr(fast) == repr(slow)
    assert [str(p) for p in fast_problems] == [str(p) for p in slow_problems]


@needs_libyaml
def test_a_tab_between_words_is_read_as_yaml_allows(monkeypatch):
    """YAML allows a tab as white space inside a line; the pure-Python reader refused it ('found
    character \\t that cannot start any token'), libyaml reads it, and so netkit now does."""
    assert reading.load_yaml_text("name: Tiny\t Vale\n", "system.yaml", []) == (
        {"name": "Tiny\t Vale"}, {(): 1, ("name",): 1})
    monkeypatch.setattr(reading, "_FAST_LOADER", None)
    problems = []
    assert reading.load_yaml_text("name: Tiny\t Vale\n", "system.yaml", problems)[0] is None
    assert "cannot start any token" in problems[0].message


# -- item 12: a flood of bad rows gives a short report -----------------------------------------

@pytest.mark.slow  # about 5 s
def test_a_million_bad_flows_give_a_short_report(tiny_dir):
    n = 1_000_000
    with open(tiny_dir / "flows.csv", "w") as fh:
        fh.write("pathway,source,target,patients\n")
        fh.write("frailty,@home,GPS,lots\n" * n)
    report = netkit.validate(tiny_dir)  # 1M messages once took minutes and gigabytes
    # Two kinds of problem in flows.csv (not a number; a repeated flow): 20 rows of each, then
    # one line that counts the rest.
    assert len(report.errors) == 42
    assert report.error_count == 2 * n - 1
    text = report.to_text()
    assert len(text) < 20_000
    assert text.splitlines()[0] == f"{tiny_dir}: 1,999,999 problems"
    assert ("  error: flows.csv row 22, column patients: and 999,980 more rows like these, from "
            "this row on (the first: 'lots' is not a number (expected a number of patients a "
            "year (≥ 0)))") in text
    assert ("  error: flows.csv row 23, column target: and 999,979 more rows like these, from "
            "this row on (the first: 'GPS' repeats the flow at row 2 (same pathway, source, "
            "target and place); add the patients together in one row)") in text
    data = report.to_dict()
    assert data["error_count"] == 2 * n - 1
    summary = [p for p in data["errors"] if "more" in p]
    assert [(p["row"], p["column"], p["more"]) for p in summary] == [
        (22, "patients", 999_980), (23, "target", 999_979)]
    assert "more" not in data["errors"][0]


def test_twenty_bad_rows_are_all_listed(tiny_dir):
    with open(tiny_dir / "flows.csv", "a") as fh:
        fh.writelines(f"frailty,GPS,ED{i},1\n" for i in range(20))
    errors, _ = messages(tiny_dir)
    assert len(errors) == 20 and not any("more rows" in e for e in errors)


# -- item 13: absurd numbers --------------------------------------------------------------------

def test_absurd_counts_and_money_are_errors(tiny_dir):
    set_cell(tiny_dir, "flows", 2, "patients", "1e308")
    set_cell(tiny_dir, "flows", 3, "patients", "99999999999999999999999")
    set_cell(tiny_dir, "relationships", 2, "value", "99999999999999999999999")
    set_cell(tiny_dir, "services", 2, "capacity", "2e9")
    set_cell(tiny_dir, "organisations", 2, "budget", "1000000000001")
    errors, _ = messages(tiny_dir)
    too_big = "check for a typing error or the wrong units"
    assert errors == [
        "organisations.csv row 2, column budget: '1000000000001' is too large: netkit takes "
        f"pounds up to 1,000,000,000,000 (expected an amount in pounds a year (≥ 0)); {too_big}",
        "services.csv row 2, column capacity: '2e9' is too large: netkit takes patient contacts "
        "a year up to 1,000,000,000 (expected a number of patient contacts a year (≥ 0)); "
        f"{too_big}",
        "flows.csv row 2, column patients: '1e308' is too large: netkit takes patients a year up "
        f"to 1,000,000,000 (expected a number of patients a year (≥ 0)); {too_big}",
        "flows.csv row 3, column patients: '99999999999999999999999' is too large: netkit takes "
        "patients a year up to 1,000,000,000 (expected a number of patients a year (≥ 0)); "
        f"{too_big}",
        "relationships.csv row 2, column value: '99999999999999999999999' is too large: netkit "
        "takes pounds up to 1,000,000,000,000 (expected an amount in pounds a year (≥ 0)); "
        f"{too_big}",
    ]


def test_the_ceilings_themselves_are_allowed(tiny_dir):
    set_cell(tiny_dir, "flows", 2, "patients", "1000000000")
    set_cell(tiny_dir, "relationships", 2, "value", "1e12")
    assert messages(tiny_dir) == ([], [])


def test_an_absurd_population(tiny_dir):
    (tiny_dir / "system.yaml").write_text("name: Tiny\npopulation: 1.0e+308\n")
    errors, _ = messages(tiny_dir)
    assert errors == ["system.yaml line 2, column population: '1e+308' is too large: netkit "
                      "takes a population up to 1,000,000,000; check for a typing error"]


def test_an_absurd_min_patients(tiny_dir):
    (tiny_dir / "opportunities.yaml").write_text(
        "- id: x\n  pathways: [frailty]\n  min_patients: 99999999999999999999999\n")
    errors, _ = messages(tiny_dir)
    assert errors == ["opportunities.yaml line 3, column opportunity x.min_patients: '1e+23' is "
                      "out of range (expected patients a year from 0 to 1,000,000,000)"]


# -- item 14: relationship types -----------------------------------------------------------------

def test_misspelt_relationship_type_is_an_error(tiny_dir):
    set_cell(tiny_dir, "relationships", 2, "type", "commisions")
    errors, _ = messages(tiny_dir)
    assert errors == ["relationships.csv row 2, column type: 'commisions' is not a relationship "
                      "type (did you mean 'commissions'?); a misspelt type leaves the "
                      "relationship out of the analysis: correct it"]


def test_a_type_of_the_systems_own_is_a_warning(tiny_dir):
    set_cell(tiny_dir, "relationships", 2, "type", "alliance")
    set_cell(tiny_dir, "relationships", 3, "type", "subcontracts")  # format version 2
    errors, warnings = messages(tiny_dir)
    assert errors == []
    assert warnings == ["relationships.csv row 2, column type: 'alliance' is not a known "
                        "relationship type (known: commissions, contract, partnership, "
                        "data_sharing, governance, staff_sharing, subcontracts); it is kept, but "
                        "counts only as an existing tie"]


# -- item 15: key=value options are checked and merged --------------------------------------------

def test_misspelt_represent_type_is_refused():
    system = netkit.load_system(TINY)
    with pytest.raises(OptionError) as caught:
        netkit.find_partners(system, "frailty", represent="gp_practise=parent")
    message = str(caught.value)
    assert message.startswith("represent: 'gp_practise' is not a known name (did you mean "
                              "'gp_practice'?); expected one of acute_trust, ")
    assert message.endswith(", e.g. gp_practice=parent")


def test_represent_is_merged_over_the_default():
    system = netkit.load_system(TINY)
    default = netkit.find_partners(system, "frailty")
    merged = netkit.find_partners(system, "frailty", represent="care_home=parent")
    assert merged.options["represent"] == {"gp_practice": "parent", "care_home": "parent"}
    assert merged.core == default.core
    assert "GP1" not in merged.scope.candidates  # still through PCN1
    cleared = netkit.find_partners(system, "frailty", represent="none")
    assert cleared.options["represent"] == {}
    assert "GP1" in cleared.scope.candidates
    undone = netkit.find_partners(system, "frailty", represent="gp_practice=self")
    assert undone.options["represent"] == {}


def test_a_type_present_only_in_the_system_is_allowed(tiny_dir):
    set_cell(tiny_dir, "organisations", 8, "type", "hub")
    system = netkit.load_system(tiny_dir)
    ps = netkit.find_partners(system, "frailty", represent="hub=parent")
    assert ps.options["represent"] == {"gp_practice": "parent", "hub": "parent"}


def test_every_key_value_option_shares_one_message():
    system = netkit.load_system(TINY)
    with pytest.raises(OptionError, match=r"^weights: 'brokrage' is not a known name \(did you "
                                          r"mean 'brokerage'\?\); expected one of activity, "
                                          r"handoffs, brokerage, commissioning, incentives, "
                                          r"e\.g\. activity=1$"):
        netkit.find_partners(system, "frailty", weights="brokrage=0")
    with pytest.raises(OptionError, match=r"^coordination_cost: 'partners' is not a known name "
                                          r"\(did you mean 'partner'\?\)"):
        netkit.find_partners(system, "frailty", coordination_cost="partners=0.1")


def test_bad_option_value_is_a_usage_error_on_the_command_line():
    result = run("partners", TINY, "-O", "frailty", "--represent", "gp_practise=parent")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: represent: 'gp_practise' is not a known name (did "
                                    "you mean 'gp_practice'?); expected one of ")
    assert "Traceback" not in result.stderr


# -- item 16: look-alike ids --------------------------------------------------------------------

def test_spaces_and_invisible_characters_around_ids_are_stripped(tiny_dir):
    set_cell(tiny_dir, "services", 2, "provider", "ACUTE\u00a0")
    set_cell(tiny_dir, "services", 3, "provider", "\tACUTE")
    set_cell(tiny_dir, "flows", 2, "source", "\u200b@home")
    errors, warnings = messages(tiny_dir)
    assert errors == []
    assert warnings == [
        "services.csv row 2, column provider: 'ACUTE\\xa0' has a no-break space (U+00A0) "
        "around it; removed, as ids are compared exactly",
        "services.csv row 3, column provider: '\\tACUTE' has a tab around it; removed, as ids "
        "are compared exactly",
        "flows.csv row 2, column source: '\\u200b@home' has a zero width space (U+200B) around "
        "it; removed, as ids are compared exactly",
    ]
    system = netkit.load_system(tiny_dir)
    assert system.services["provider"].iloc[0] == "ACUTE"


def test_an_id_with_spaces_around_it_is_a_duplicate_once_stripped(tiny_dir):
    row = append_row(tiny_dir, "organisations", id=" ACUTE ", name="Again", type="other")
    errors, warnings = messages(tiny_dir)
    assert errors == [f"organisations.csv row {row}, column id: 'ACUTE' is used twice (first "
                      "at row 3); give each row its own id"]
    assert warnings == [f"organisations.csv row {row}, column id: ' ACUTE ' has a space around "
                        "it; removed, as ids are compared exactly"]


def test_ids_that_differ_only_in_case_or_hidden_characters(tiny_dir):
    row1 = append_row(tiny_dir, "organisations", id="Acute", name="Lower", type="other")
    row2 = append_row(tiny_dir, "organisations", id="AC\u200bUTE", name="Hidden", type="other")
    errors, warnings = messages(tiny_dir)
    assert errors == []
    assert warnings == [
        f"organisations.csv row {row1}, column id: 'Acute' looks like the id 'ACUTE' at row 3 "
        "but differs in case or in characters that do not show; they are different ids: use "
        "one spelling",
        f"organisations.csv row {row2}, column id: 'AC\\u200bUTE' looks like the id 'ACUTE' at "
        "row 3 but differs in case or in characters that do not show; they are different ids: "
        "use one spelling",
    ]


def test_a_reference_in_the_wrong_case_gets_a_suggestion(tiny_dir):
    set_cell(tiny_dir, "services", 2, "provider", "acute")
    errors, _ = messages(tiny_dir)
    assert errors == ["services.csv row 2, column provider: 'acute' is not an organisation id in "
                      "organisations.csv (did you mean 'ACUTE'? ids are compared exactly, case "
                      "included); name the organisation that provides the service"]


# -- item 17: YAML of the wrong type --------------------------------------------------------------

def test_opportunity_id_and_title_of_the_wrong_type(tiny_dir):
    (tiny_dir / "opportunities.yaml").write_text(
        "- id: [x]\n  pathways: [frailty]\n"
        "- id: ok\n  title: [a, b]\n  pathways: [frailty]\n")
    errors, _ = messages(tiny_dir)
    assert errors == [
        "opportunities.yaml line 1, column opportunity 1.id: \"['x']\" should be text such as "
        "'frailty-admissions', not a list",
        "opportunities.yaml line 4, column opportunity ok.title: \"['a', 'b']\" should be text, not "
        "a list; put quotes around it if it has brackets or a colon",
    ]


def test_system_name_of_the_wrong_type(tiny_dir):
    (tiny_dir / "system.yaml").write_text("name: [a, b]\n")
    errors, _ = messages(tiny_dir)
    assert errors == ["system.yaml line 1, column name: \"['a', 'b']\" should be text, e.g. "
                      "'name: Riverside ICS', not a list; put quotes around it if it has "
                      "brackets or a colon"]


@pytest.mark.parametrize("text", ["", "# nothing here\n", "population: 10\n"])
def test_system_yaml_without_a_name(tiny_dir, text):
    (tiny_dir / "system.yaml").write_text(text)
    errors, _ = messages(tiny_dir)
    assert [e.split(": ", 1)[1] for e in errors] == [
        "is missing; add 'name: <the system's name>'"]
    assert errors[0].startswith("system.yaml")


def test_unknown_system_yaml_key_is_a_warning(tiny_dir):
    (tiny_dir / "system.yaml").write_text("name: Tiny\npopulaton: 100\nowner: me\n")
    errors, warnings = messages(tiny_dir)
    assert errors == []
    keys = "keys: name, snapshot, population, currency, description, finance, coordination"
    assert warnings == [
        f"system.yaml line 2, column populaton: is not a key of system.yaml (did you mean "
        f"'population'? {keys}); it is kept, but netkit does not use it",
        f"system.yaml line 3, column owner: is not a key of system.yaml ({keys}); it is kept, "
        "but netkit does not use it",
    ]


@pytest.mark.parametrize("orgs, shown, said", [
    ("[ACUTE, ACUTE]", "\"['ACUTE', 'ACUTE']\"",
     "names only 'ACUTE'; a merge needs two or more different organisations"),
    ("[ACUTE]", "\"['ACUTE']\"",
     "names only 'ACUTE'; a merge needs two or more different organisations"),
    ("ACUTE", "'ACUTE'", "should be a list of organisation ids, e.g. [ACUTE-A, ACUTE-B]"),
])
def test_merge_needs_two_different_organisations(tmp_path, orgs, shown, said):
    path = tmp_path / "merge.yaml"
    path.write_text("changes:\n  - merge_organisations:\n"
                    f"      organisations: {orgs}\n"
                    "      into: {id: NEW, name: New, type: acute_trust}\n")
    with pytest.raises(ChangesetError) as caught:
        read_changeset(path)
    assert [str(p) for p in caught.value.problems] == [
        f"merge.yaml line 2, column event 1 merge_organisations.organisations: {shown} {said}"]


# -- item 25 (part): sheet names in the wrong case -----------------------------------------------

def test_workbook_sheet_in_the_wrong_case_gets_a_hint(tmp_path):
    system = netkit.load_system(TINY)
    path = tmp_path / "tiny.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame([{"name": "Tiny"}]).to_excel(book, sheet_name="System", index=False)
        for name, frame in system.tables().items():
            sheet = "Organisations" if name == "organisations" else name
            frame.to_excel(book, sheet_name=sheet, index=False)
    errors, _ = messages(path)
    assert errors == [
        "tiny.xlsx, sheet system: is missing; the workbook needs a sheet named 'system' (sheet "
        "'System' found; sheet names are lower case: rename it to 'system')",
        "tiny.xlsx, sheet organisations: is missing; the workbook needs a sheet named "
        "'organisations' (sheet 'Organisations' found; sheet names are lower case: rename it "
        "to 'organisations')",
    ]


@pytest.mark.filterwarnings("error")  # and nothing from pandas on the way
def test_a_junk_header_gives_a_short_report(tiny_dir):
    names = ",".join(f"c{i}" for i in range(500))
    (tiny_dir / "organisations.csv").write_text(names + "\n1,2\n")
    (tiny_dir / "pathways.csv").write_text("id,name," + ",".join(["x"] * 30) + "\n")
    (tiny_dir / "services.csv").write_text(",".join(f"c{i}" for i in range(100_000)) + "\n")
    errors, _ = messages(tiny_dir)
    found = ", ".join(f"c{i}" for i in range(20)) + " and 480 more"
    assert errors[0] == ("organisations.csv row 1, column id: is a required column and is "
                         f"missing (found: {found}); add it to the header")
    assert errors[3] == ("services.csv row 1: has 100,000 columns, more than netkit reads "
                         "(1,000); check that this is the right file and that its header is one "
                         "row")
    assert errors[4:] == ["pathways.csv row 1, column x: is a column name used twice; keep one "
                          "of them"] * 20 + ["pathways.csv row 1: and 9 more column names used "
                                             "twice"]
    assert netkit.validate(tiny_dir).error_count == 4 + 29


def test_an_enormous_value_is_cut_in_the_report(tiny_dir):
    set_cell(tiny_dir, "flows", 2, "patients", "9" * 100 + "x" * 1_000_000)
    report = netkit.validate(tiny_dir)
    shown = "9" * 100 + "x" * 100 + "… (1,000,100 characters)"
    assert str(report.errors[0]) == (f"flows.csv row 2, column patients: {shown!r} is not a "
                                     "number (expected a number of patients a year (≥ 0))")
    assert report.to_dict()["errors"][0]["value"] == shown


# -- item 19: messages, not tracebacks ---------------------------------------------------------

def test_a_corrupt_parquet_file_is_a_message(tmp_path):
    bad = tmp_path / "events.parquet"
    bad.write_bytes(b"garbage, not parquet")
    result = run("pathways", "mine", bad, "--case", "a", "--time", "b", "--service", "c")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{bad}: could not be read as a parquet file" in result.stderr
    assert "export the events as CSV" in result.stderr


def test_a_bad_time_format_directive_is_a_usage_error(tmp_path):
    events = netkit.sample_path("tiny_events") / "events.csv"
    result = run("pathways", "mine", events, "--case", "patient", "--time", "when",
                 "--service", "code", "--time-format", "%Q %d", "-o", tmp_path / "f.csv")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --time-format '%Q %d' is not a time layout netkit can read "
                             "('Q' is a bad directive in format '%Q %d'); use strptime codes "
                             "such as '%d/%m/%Y %H:%M'\n")
    assert not (tmp_path / "f.csv").exists()


def test_an_absurd_scale_factor_is_refused_not_overflowed(tiny_dir, tmp_path):
    changeset = tmp_path / "cs.yaml"
    changeset.write_text("date: 2026-01-01\nchanges:\n"
                         "  - scale_flows: {pathway: frailty, factor: 1e300}\n"
                         "  - scale_flows: {pathway: frailty, factor: 1e300}\n")
    result = run("apply", tiny_dir, changeset, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.count("scale_flows.factor: '1e300' is out of range (expected a number "
                               "from 0 to 1,000)") == 2
    assert not (tmp_path / "out").exists()
