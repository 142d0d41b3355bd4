"""Each validation rule, with the exact message a person reads."""

from __future__ import annotations

import pytest
from conftest import append_row, read_table, set_cell, write_table

import netkit


def messages(path):
    report = netkit.validate(path)
    return [str(p) for p in report.errors], [str(p) for p in report.warnings]


def test_samples_are_valid():
    for name in ("tiny", "riverside"):
        report = netkit.validate(netkit.sample_path(name))
        assert report.errors == [], name
        assert report.warnings == [], name


def test_missing_file(tiny_dir):
    (tiny_dir / "services.csv").unlink()
    errors, _ = messages(tiny_dir)
    assert errors == [f"services.csv: is missing from {tiny_dir}; every system needs it "
                      "(required columns: id, name, provider, category)"]


def test_optional_files_may_be_missing(tiny_dir):
    (tiny_dir / "relationships.csv").unlink()
    (tiny_dir / "opportunities.yaml").unlink()
    system = netkit.load_system(tiny_dir)
    assert len(system.relationships) == 0
    # the optional columns are there, empty, so analysis code needs no guards
    assert list(system.relationships.columns) == ["source", "target", "type", "value", "payment",
                                                  "strength", "variable_share", "service"]
    assert system.given_columns["relationships"] == ()
    assert dict(system.opportunities) == {}


def test_missing_required_column(tiny_dir):
    frame = read_table(tiny_dir, "services").drop(columns=["category"])
    write_table(tiny_dir, "services", frame)
    errors, _ = messages(tiny_dir)
    assert errors == ["services.csv row 1, column category: is a required column and is missing "
                      "(found: id, name, provider, place, capacity, unit_cost, price); "
                      "add it to the header"]


def test_duplicate_id(tiny_dir):
    row = append_row(tiny_dir, "organisations", id="AMB", name="Another ambulance", type="other")
    errors, _ = messages(tiny_dir)
    assert errors == [f"organisations.csv row {row}, column id: 'AMB' is used twice "
                      "(first at row 5); give each row its own id"]


def test_unknown_provider_with_suggestion(tiny_dir):
    set_cell(tiny_dir, "services", 2, "provider", "ACUTEE")
    errors, _ = messages(tiny_dir)
    assert errors == ["services.csv row 2, column provider: 'ACUTEE' is not an organisation id in "
                      "organisations.csv (did you mean 'ACUTE'?); name the organisation that "
                      "provides the service"]


def test_id_with_stray_space_is_stripped_with_a_warning(tiny_dir):
    # Spaces around a reference used to make it an unknown id; now they are removed, with a
    # warning, and the reference is checked as it reads.
    set_cell(tiny_dir, "flows", 3, "target", "ZZ ")
    set_cell(tiny_dir, "flows", 2, "target", "GPS ")
    errors, warnings = messages(tiny_dir)
    assert errors == ["flows.csv row 3, column target: 'ZZ' is not a service id in services.csv "
                      "or @home"]
    assert warnings == [
        "flows.csv row 2, column target: 'GPS ' has a space around it; removed, as ids are "
        "compared exactly",
        "flows.csv row 3, column target: 'ZZ ' has a space around it; removed, as ids are "
        "compared exactly"]


def test_unknown_parent_and_parent_cycle(tiny_dir):
    set_cell(tiny_dir, "organisations", 7, "parent", "GP1")   # PCN1's parent is GP1: a cycle
    set_cell(tiny_dir, "organisations", 2, "parent", "NOWHERE")
    errors, _ = messages(tiny_dir)
    assert errors == [
        "organisations.csv row 2, column parent: 'NOWHERE' is not an organisation id in "
        "organisations.csv; name an existing organisation or leave the cell empty",
        "organisations.csv row 7, column parent: 'GP1' makes a cycle of parents "
        "(PCN1 → GP1 → PCN1); one of them must have no parent",
        "organisations.csv row 8, column parent: 'PCN1' makes a cycle of parents "
        "(GP1 → PCN1 → GP1); one of them must have no parent",
    ]


def test_own_parent(tiny_dir):
    set_cell(tiny_dir, "organisations", 3, "parent", "ACUTE")
    errors, _ = messages(tiny_dir)
    assert errors == ["organisations.csv row 3, column parent: 'ACUTE' is the organisation itself; "
                      "an organisation cannot be its own parent"]


@pytest.mark.parametrize("value, message", [
    ("lots", "is not a number (expected a number of patients a year (≥ 0))"),
    ("-5", "is negative (expected a number of patients a year (≥ 0))"),
    ("nan", "is not a number; leave the cell empty if it is unknown "
            "(expected a number of patients a year (≥ 0))"),
    ("inf", "is infinite (expected a number of patients a year (≥ 0))"),
    ("1,200", "is not a plain number; write it without thousands separators "
              "(expected a number of patients a year (≥ 0))"),
])
def test_bad_patients(tiny_dir, value, message):
    set_cell(tiny_dir, "flows", 12, "patients", value)
    errors, _ = messages(tiny_dir)
    assert errors == [f"flows.csv row 12, column patients: {value!r} {message}"]


def test_empty_required_cell(tiny_dir):
    set_cell(tiny_dir, "flows", 4, "patients", "")
    errors, _ = messages(tiny_dir)
    assert errors == ["flows.csv row 4, column patients: '' is empty; every row needs a patients"]


def test_currency_sign_and_strength_range(tiny_dir):
    set_cell(tiny_dir, "relationships", 2, "value", "£2000000")
    set_cell(tiny_dir, "relationships", 3, "strength", "1.5")
    errors, _ = messages(tiny_dir)
    assert errors == [
        "relationships.csv row 2, column value: '£2000000' is not a plain number; leave out the "
        "currency sign (expected an amount in pounds a year (≥ 0))",
        "relationships.csv row 3, column strength: '1.5' is more than 1 "
        "(expected a number from 0 to 1)",
    ]


def test_unknown_payment_basis(tiny_dir):
    set_cell(tiny_dir, "relationships", 2, "payment", "PbR")
    errors, _ = messages(tiny_dir)
    assert errors == ["relationships.csv row 2, column payment: 'PbR' is not a payment basis "
                      "(expected 'activity', 'block' or 'api', or leave it empty)"]


def test_duplicate_flow(tiny_dir):
    row = append_row(tiny_dir, "flows", pathway="frailty", source="GPS", target="ED",
                     patients="5")
    errors, _ = messages(tiny_dir)
    assert errors == [f"flows.csv row {row}, column target: 'ED' repeats the flow at row 5 "
                      "(same pathway, source, target and place); add the patients together in "
                      "one row"]


def test_same_flow_in_two_places_is_fine(tiny_dir):
    frame = read_table(tiny_dir, "flows")
    frame["place"] = ""
    write_table(tiny_dir, "flows", frame)
    append_row(tiny_dir, "flows", pathway="frailty", source="GPS", target="ED", patients="5",
               place="South")
    assert netkit.validate(tiny_dir).ok


def test_home_to_home_and_unknown_pathway(tiny_dir):
    append_row(tiny_dir, "flows", pathway="fraility", source="@home", target="@home", patients="1")
    errors, _ = messages(tiny_dir)
    assert errors == [
        "flows.csv row 22, column pathway: 'fraility' is not a pathway id in pathways.csv "
        "(did you mean 'frailty'?)",
        "flows.csv row 22, column target: '@home' makes a flow from @home to @home, which stays "
        "outside every service; remove the row",
    ]


def test_unknown_relationship_end(tiny_dir):
    set_cell(tiny_dir, "relationships", 4, "target", "AMBULANCE")
    errors, _ = messages(tiny_dir)
    assert errors == ["relationships.csv row 4, column target: 'AMBULANCE' is not an organisation "
                      "id in organisations.csv"]


def test_empty_table(tiny_dir):
    (tiny_dir / "pathways.csv").write_text("id,name,cohort,tags\n")
    errors, _ = messages(tiny_dir)
    assert errors[0] == "pathways.csv: has no rows; a system needs at least one"


def test_empty_file(tiny_dir):
    (tiny_dir / "pathways.csv").write_text("")
    errors, _ = messages(tiny_dir)
    assert errors == ["pathways.csv: is empty; it needs a header row naming its columns"]


def test_ragged_csv_row(tiny_dir):
    with open(tiny_dir / "pathways.csv", "a") as fh:
        fh.write("extra,Extra,a,b,c,d\n")
    errors, _ = messages(tiny_dir)
    assert len(errors) == 1
    assert errors[0].startswith("pathways.csv: could not be read as CSV (Expected 4 fields in "
                                "line 4, saw 6)")


def test_unknown_type_and_category_are_warnings(tiny_dir):
    set_cell(tiny_dir, "organisations", 9, "type", "care_hme")
    set_cell(tiny_dir, "services", 8, "category", "residential")
    report = netkit.validate(tiny_dir)
    assert report.ok
    assert [str(w) for w in report.warnings] == [
        "organisations.csv row 9, column type: 'care_hme' is not a known organisation type; it "
        "is kept, but has no special meaning (did you mean 'care_home'?)",
        "services.csv row 8, column category: 'residential' is not a known service category; "
        "it is kept, but has no special meaning",
    ]


def test_blank_lines_keep_row_numbers(tiny_dir):
    text = (tiny_dir / "flows.csv").read_text().splitlines()
    text.insert(3, "")  # a blank line as row 4
    (tiny_dir / "flows.csv").write_text("\n".join(text) + "\n")
    set_cell_after = text[5].split(",")
    assert set_cell_after[1] == "GPS"
    text[5] = "frailty,GPS,ED,lots"
    (tiny_dir / "flows.csv").write_text("\n".join(text) + "\n")
    errors, _ = messages(tiny_dir)
    assert errors == ["flows.csv row 6, column patients: 'lots' is not a number "
                      "(expected a number of patients a year (≥ 0))"]


def test_all_problems_in_one_pass(tiny_dir):
    set_cell(tiny_dir, "flows", 2, "patients", "x")
    set_cell(tiny_dir, "services", 3, "provider", "NOBODY")
    set_cell(tiny_dir, "relationships", 2, "payment", "cash")
    errors, _ = messages(tiny_dir)
    assert [e.split(":")[0] for e in errors] == [
        "services.csv row 3, column provider", "flows.csv row 2, column patients",
        "relationships.csv row 2, column payment"]


def test_load_system_raises_with_every_problem(tiny_dir):
    set_cell(tiny_dir, "flows", 2, "patients", "x")
    set_cell(tiny_dir, "flows", 3, "patients", "y")
    with pytest.raises(netkit.InputError) as info:
        netkit.load_system(tiny_dir)
    assert len(info.value.problems) == 2
    assert str(info.value).startswith("2 problems in the input:\n  flows.csv row 2")


# -- YAML --------------------------------------------------------------------------------------

def test_unsafe_yaml_tag_is_refused_not_run(tiny_dir, tmp_path):
    marker = tmp_path / "ran"
    (tiny_dir / "system.yaml").write_text(
        f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    errors, _ = messages(tiny_dir)
    assert not marker.exists()
    assert errors == ["system.yaml line 1: uses a YAML tag that is not allowed (could not "
                      "determine a constructor for the tag 'tag:yaml.org,2002:python/object/"
                      "apply:os.system'); netkit reads plain YAML only: remove the tag"]


def test_malformed_yaml(tiny_dir):
    (tiny_dir / "opportunities.yaml").write_text("- id: a\n  pathways: [frailty\n")
    errors, _ = messages(tiny_dir)
    assert len(errors) == 1
    assert errors[0].startswith("opportunities.yaml line 3: is not valid YAML (")


def test_yaml_of_the_wrong_shape(tiny_dir):
    (tiny_dir / "opportunities.yaml").write_text("id: frailty\npathways: [frailty]\n")
    (tiny_dir / "system.yaml").write_text("- Tiny Vale\n")
    errors, _ = messages(tiny_dir)
    assert errors == [
        "system.yaml line 1: should be a mapping such as 'name: Riverside ICS'",
        "opportunities.yaml line 1: should be a list of opportunities, each starting with "
        "'- id: ...'",
    ]


def test_system_needs_a_name(tiny_dir):
    (tiny_dir / "system.yaml").write_text("population: many\n")
    errors, _ = messages(tiny_dir)
    assert errors == ["system.yaml line 1, column name: is missing; add 'name: <the system's "
                      "name>'",
                      "system.yaml line 1, column population: 'many' is not a population "
                      "(expected a whole number ≥ 0)"]


def test_opportunity_references(tiny_dir):
    (tiny_dir / "opportunities.yaml").write_text(
        "- id: x\n"
        "  pathways: [frailty, 'tag:fraility', nope]\n"
        "  places: [Nowhere]\n"
        "  shift: {from: [ED, 'category:acute'], to: [UCR2], fraction: 0.2}\n"
        "  include: [ACUTE, GHOST]\n"
        "  exclude: [ACUTE]\n")
    errors, _ = messages(tiny_dir)
    assert errors == [
        "opportunities.yaml line 2, column opportunity x.pathways: 'tag:fraility' matches no "
        "pathway (no pathway has the tag 'fraility' (did you mean 'frailty'?))",
        "opportunities.yaml line 2, column opportunity x.pathways: 'nope' is not a pathway id in "
        "pathways.csv; use an id or tag:NAME",
        "opportunities.yaml line 3, column opportunity x.places: 'Nowhere' is not a place named "
        "in the system",
        "opportunities.yaml line 1, column opportunity x.shift.from: 'category:acute' names a "
        "category that no service has",
        "opportunities.yaml line 1, column opportunity x.shift.to: 'UCR2' is not a service id in "
        "services.csv (did you mean 'UCR'?); use an id or category:NAME",
        "opportunities.yaml line 5, column opportunity x.include: 'GHOST' is not an "
        "organisation id in organisations.csv",
        "opportunities.yaml line 6, column opportunity x.exclude: 'ACUTE' is in both include "
        "and exclude; keep it in one",
    ]


def test_opportunity_shape(tiny_dir):
    (tiny_dir / "opportunities.yaml").write_text(
        "- id: x\n"
        "  pathway: [frailty]\n"
        "  shift: {from: [ED], to: [UCR], fraction: 1.5}\n"
        "  weights: {activity: heavy, reach: 1}\n"
        "- title: no id\n"
        "- id: x\n"
        "  pathways: [falls]\n")
    errors, _ = messages(tiny_dir)
    assert errors == [
        "opportunities.yaml line 2, column opportunity x.pathway: unknown key (did you mean "
        "'pathways'?)",
        "opportunities.yaml line 1, column opportunity x.pathways: is missing or empty; name the "
        "pathways this opportunity concerns, by id or as tag:NAME",
        "opportunities.yaml line 3, column opportunity x.shift.fraction: '1.5' is out of range "
        "(expected a fraction from 0 to 1)",
        "opportunities.yaml line 4, column opportunity x.weights.activity: 'heavy' is not a "
        "number (expected a number ≥ 0)",
        "opportunities.yaml line 4, column opportunity x.weights.reach: is not a known name "
        "(expected one of activity, handoffs, brokerage, commissioning, incentives)",
        "opportunities.yaml line 5, column opportunity 2: has no id; add 'id: a-short-name'",
    ]


def test_blank_rows_are_left_out_and_still_counted():
    """A row with every cell empty (a blank line, or only commas) is left out, its number
    kept; a row empty only in its first column is not blank."""
    from netkit.io.reading import ROW_COLUMN, read_csv_text

    problems: list = []
    text = "id,name,type\nA,Alpha,icb\n\n,,\n,Beta,trust\nC,,\n"
    frame = read_csv_text(text, "organisations.csv", problems)
    assert problems == []
    assert frame[ROW_COLUMN].tolist() == [2, 5, 6]
    assert frame["name"].tolist() == ["Alpha", "Beta", ""]


@pytest.mark.parametrize("text, rows", [("name\nAlpha\n\nBeta\n", [2, 4]),  # one column
                                        ("\na\nb\n", [])])  # no header: no columns
def test_blank_rows_of_one_column_and_of_none(text, rows):
    from netkit.io.reading import ROW_COLUMN, read_csv_text

    frame = read_csv_text(text, "x.csv", [])
    assert frame[ROW_COLUMN].tolist() == rows
