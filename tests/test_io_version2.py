"""Format version 2: places.csv, seats.csv, the new columns, system.yaml's finance and the new
opportunity keys are read, checked with exact messages, followed through changes and saved back."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import netkit
from netkit.change.changeset import Changeset
from netkit.finance.commissioners import responsible_commissioner
from netkit.finance.costs import DEFAULT_MARGINAL_SHARE, marginal_share_source, marginal_unit_costs
from netkit.model.opportunity import parse_opportunities


def messages(path):
    report = netkit.validate(path)
    return [str(p) for p in report.errors], [str(p) for p in report.warnings]


def write(path, name, text):
    (path / name).write_text(text, encoding="utf-8")


def test_every_sample_is_valid_with_its_places():
    for name in ("tiny", "riverside", "shire", "metro"):
        report = netkit.validate(netkit.sample_path(name))
        assert report.errors == [] and report.warnings == [], name
        assert len(netkit.load_system(netkit.sample_path(name)).places) == 2


def test_places_are_typed_and_age_bands_are_numbers(tiny_dir):
    write(tiny_dir, "places.csv", "place,name,population,population_65plus,population_0_17\n"
                                  "North,Vale North,60000,12000,9000\n")
    places = netkit.load_system(tiny_dir).places
    assert places["population"].tolist() == [60000.0]
    assert places["population_0_17"].dtype == "float64"
    assert places["commissioner"].isna().all()


def test_a_version_1_folder_has_empty_places_and_seats(tiny_dir):
    (tiny_dir / "places.csv").unlink()
    system = netkit.load_system(tiny_dir)
    assert len(system.places) == 0 and len(system.seats) == 0
    assert list(system.seats.columns) == ["id", "name", "members", "kind"]


def test_places_name_existing_organisations(tiny_dir):
    write(tiny_dir, "places.csv", "place,commissioner,council,deprivation_quintile\n"
                                  "North,ICB,COUNCIL,2\nSouth,ICBB,KOUNCIL,7\nNorth,ICB,,1\n")
    errors, _ = messages(tiny_dir)
    assert errors == [
        "places.csv row 3, column deprivation_quintile: '7' is not a quintile (expected a "
        "quintile from 1 (most deprived) to 5)",
        "places.csv row 3, column commissioner: 'ICBB' is not an organisation id in "
        "organisations.csv (did you mean 'ICB'?)",
        "places.csv row 3, column council: 'KOUNCIL' is not an organisation id in "
        "organisations.csv (did you mean 'COUNCIL'?)",
        "places.csv row 4, column place: 'North' is listed twice; give each place one row",
    ]


def test_seats_name_existing_organisations_once(tiny_dir):
    write(tiny_dir, "seats.csv", "id,name,members,kind\n"
                                 "PC,Primary care,PCN1;GP1,primary_care\n"
                                 "X,Odd seat,GP1;NOBODY,\n"
                                 "Y,Alone,CARE,\n")
    errors, warnings = messages(tiny_dir)
    assert errors == [
        "seats.csv row 3, column members: 'NOBODY' names 'NOBODY', which is not an organisation "
        "id in organisations.csv",
        "seats.csv row 3, column members: 'GP1' names 'GP1', which is already a member of "
        "another seat; an organisation takes part through one seat",
    ]
    assert "seats.csv row 4, column members: 'Y' has fewer than two members; an organisation " \
           "on its own needs no seat" in warnings


def test_flow_commissioner_and_place_and_api_contracts(tiny_dir):
    flows = pd.read_csv(tiny_dir / "flows.csv", dtype=str)
    flows["place"] = ["North"] + ["Elsewhere"] + [""] * (len(flows) - 2)
    flows["commissioner"] = ["ICB", "NOPE"] + [""] * (len(flows) - 2)
    flows.to_csv(tiny_dir / "flows.csv", index=False)
    rels = pd.read_csv(tiny_dir / "relationships.csv", dtype=str)
    rels["variable_share"] = ["1.5"] + [""] * (len(rels) - 1)
    rels.loc[1, "payment"] = "api"
    rels.to_csv(tiny_dir / "relationships.csv", index=False)
    errors, warnings = messages(tiny_dir)
    assert "flows.csv row 3, column commissioner: 'NOPE' is not an organisation id in " \
           "organisations.csv" in errors
    assert "relationships.csv row 2, column variable_share: '1.5' is more than 1 (expected a " \
           "share from 0 to 1)" in errors
    assert "flows.csv row 3, column place: 'Elsewhere' is not a place in places.csv; its " \
           "patients are not counted in rates per head" in warnings
    assert "relationships.csv row 3, column payment: 'api' is 'api' with no variable_share; the " \
           "contract is taken as all fixed (give variable_share, the part of the contract that " \
           "moves with activity, from 0 to 1)" in warnings


def test_a_denominator_names_a_population_column(tiny_dir):
    pathways = pd.read_csv(tiny_dir / "pathways.csv", dtype=str)
    pathways["denominator"] = ["population_65plus", "population_over65"][: len(pathways)]
    pathways.to_csv(tiny_dir / "pathways.csv", index=False)
    errors, _ = messages(tiny_dir)
    assert errors == ["pathways.csv row 3, column denominator: 'population_over65' is not a "
                      "population column of places.csv (columns: population, population_65plus) "
                      "(did you mean 'population_65plus'?)"]


def test_finance_in_system_yaml(tiny_dir):
    meta = yaml.safe_load((tiny_dir / "system.yaml").read_text())
    meta["finance"] = {"marginal_share": {"community": 0.9, "wards": 0.2}, "day_cost": -1,
                       "seat_days": 12}
    (tiny_dir / "system.yaml").write_text(yaml.safe_dump(meta))
    errors, warnings = messages(tiny_dir)
    assert errors == ["system.yaml line 4, column finance.day_cost: '-1' is not an amount in "
                      "pounds (≥ 0)"]
    assert warnings == ["system.yaml line 7, column finance.marginal_share.wards: is not a "
                        "service category; it is ignored"]


def test_marginal_costs_come_from_data_then_system_yaml_then_defaults(tiny_dir):
    services = pd.read_csv(tiny_dir / "services.csv", dtype=str)
    services["marginal_cost"] = ["120"] + [""] * (len(services) - 1)  # ED
    services.to_csv(tiny_dir / "services.csv", index=False)
    meta = yaml.safe_load((tiny_dir / "system.yaml").read_text())
    meta["finance"] = {"marginal_share": {"acute_inpatient": 0.5}}
    (tiny_dir / "system.yaml").write_text(yaml.safe_dump(meta))
    system = netkit.load_system(tiny_dir)
    costs, source = marginal_unit_costs(system), marginal_share_source(system)
    unit = system.services.set_index("id")["unit_cost"]
    assert (costs["ED"], source["ED"]) == (120.0, "data")
    assert (costs["WARD"], source["WARD"]) == (unit["WARD"] * 0.5, "system.yaml")
    assert (costs["UCR"], source["UCR"]) == (unit["UCR"] * DEFAULT_MARGINAL_SHARE["community"],
                                             "default")


def test_the_responsible_commissioner_is_the_flows_then_the_places():
    tiny = netkit.load_system(netkit.sample_path("tiny"))
    flows = tiny.flows.head(3).assign(place=["North", None, "South"],
                                      commissioner=[None, None, "COUNCIL"])
    found = responsible_commissioner(tiny, flows)
    assert found["commissioner"].tolist()[::2] == ["ICB", "COUNCIL"]
    assert pd.isna(found["commissioner"].iloc[1])
    assert found["basis"].tolist() == ["place", "contract", "flow"]


OPPORTUNITY = {
    "id": "a", "pathways": ["p"],
    "shift": {"from": ["ED"], "to": ["UCR"], "fraction": 0.2, "range": [0.1, 0.3],
              "ramp_months": 6, "implementation_cost": 50000, "double_running_months": 3,
              "contacts_per_patient": 2},
    "reach": 1, "decommission": ["X"], "seats": "none", "risk_share": {"commissioner_share": 0.5},
    "evidence": {"effect": 0.15, "low": 0.05, "high": 0.25, "source": "an evaluation",
                 "quality": "moderate"},
    "plan": {"baseline": ["2024-04", "2025-03"], "start": "2025-04", "target": 0.2, "months": 24},
}


def test_the_version_2_opportunity_keys_are_read_and_written_back():
    opps, problems = parse_opportunities([OPPORTUNITY])
    assert problems == []
    opp = opps[0]
    assert (opp.shift.range, opp.shift.ramp_months, opp.reach, opp.decommission) == \
        ((0.1, 0.3), 6.0, 1, ("X",))
    assert opp.plan["baseline"] == ("2024-04", "2025-03")
    again, problems = parse_opportunities([opp.to_dict()])
    assert problems == [] and again[0] == opp


@pytest.mark.parametrize("change, message", [
    ({"shift": {**OPPORTUNITY["shift"], "range": [0.25, 0.3]}},
     "column opportunity a.shift.range: '[0.25, 0.3]' should have the fraction (0.2) between its "
     "low and high values, e.g. [low, high] with low ≤ fraction ≤ high"),
    ({"reach": "far"}, "column opportunity a.reach: 'far' should be a whole number of steps along "
                       "the pathway (0, 1, 2, ...) or 'pathway' for the whole pathway"),
    ({"plan": {**OPPORTUNITY["plan"], "start": "2025-01"}},
     "column opportunity a.plan.start: '2025-01' is inside the baseline; the scheme starts after "
     "it"),
    ({"evidence": {"effect": 0.1, "quality": "great"}},
     "column opportunity a.evidence.quality: 'great' should be one of high, moderate, low"),
    ({"shift": {**OPPORTUNITY["shift"], "ramp": 6}},
     "column opportunity a.shift.ramp: is not a key of shift (keys: from, "
     "to, fraction, range, ramp_months, implementation_cost, double_running_months, "
     "contacts_per_patient)"),
])
def test_a_wrong_version_2_key_is_named(change, message):
    _, problems = parse_opportunities([{**OPPORTUNITY, **change}])
    assert [str(p) for p in problems] == [f"opportunities.yaml, {message}"]


def test_decommission_names_existing_organisations(tiny_dir):
    text = (tiny_dir / "opportunities.yaml").read_text()
    (tiny_dir / "opportunities.yaml").write_text(
        text.replace("- id: falls", "- id: falls\n  decommission: [ACUTEE]", 1))
    errors, _ = messages(tiny_dir)
    assert errors == ["opportunities.yaml line 11, column opportunity falls.decommission: "
                      "'ACUTEE' is not an organisation id in organisations.csv (did you mean "
                      "'ACUTE'?)"]


def test_a_merger_and_a_closure_are_followed_through_places_seats_and_flows(tiny_dir):
    write(tiny_dir, "seats.csv", "id,name,members\nPC,Primary care,PCN1;GP1\n")
    system = netkit.load_system(tiny_dir)
    merged = netkit.apply_changes(system, Changeset.of([{"merge_organisations": {
        "organisations": ["ICB", "COUNCIL"], "into": {"id": "NEW", "name": "New body",
                                                      "type": "icb"}}}])).system
    assert merged.places["commissioner"].tolist() == ["NEW", "NEW"]
    assert merged.places["council"].tolist() == ["NEW", "NEW"]
    closed = netkit.apply_changes(system, Changeset.of([{"remove_organisation": {
        "id": "GP1", "services": "remove"}}])).system
    assert closed.seats["members"].tolist() == ["PCN1"]


def test_places_and_seats_are_saved_back_and_absent_ones_not_written(tiny_dir, tmp_path):
    write(tiny_dir, "seats.csv", "id,name,members\nPC,Primary care,PCN1;GP1\n")
    out = netkit.save_system(netkit.load_system(tiny_dir), tmp_path / "copy")
    assert (out / "seats.csv").read_text() == (tiny_dir / "seats.csv").read_text()
    assert (out / "places.csv").read_text() == (tiny_dir / "places.csv").read_text()
    (tiny_dir / "seats.csv").unlink()
    out = netkit.save_system(netkit.load_system(tiny_dir), tmp_path / "again")
    assert not (out / "seats.csv").exists()
    book = netkit.save_system(netkit.load_system(tiny_dir), tmp_path / "tiny.xlsx")
    assert netkit.load_system(book).places["population"].tolist() == [60000.0, 40000.0]


# -- services.unit and services.length_of_stay --------------------------------------------------

def test_a_length_of_stay_and_a_unit_are_checked(tiny_dir):
    """Tiny's services, rows 2 to 8: ED, WARD, UCR, AMB999, REABLE, GPS, CH."""
    services = pd.read_csv(tiny_dir / "services.csv", dtype=str, keep_default_na=False)
    services["unit"] = ["attendance", "Day", "visits", "dya", "bed days", "appointment", "week"]
    services["length_of_stay"] = ["", "6.5", "", "", "-2", "", "about a year"]
    services.to_csv(tiny_dir / "services.csv", index=False)
    errors, warnings = messages(tiny_dir)
    assert errors == [
        "services.csv row 5, column unit: 'dya' is not a unit netkit reads (did you mean "
        "'day'?); write 'day' if a contact here is a bed day, or leave the cell empty",
        "services.csv row 6, column length_of_stay: '-2' is negative (expected the average "
        "length of stay in days, ≥ 0, such as 6.5)",
        "services.csv row 8, column length_of_stay: 'about a year' is not a number (expected "
        "the average length of stay in days, ≥ 0, such as 6.5)"]
    assert warnings == [
        "services.csv row 8, column unit: 'week' is not a unit netkit reads (day, or a contact: "
        "contact, attendance, appointment, visit, episode, admission, call); a contact here "
        "counts as one contact, not a bed day"]


def test_good_units_and_stays_pass_and_are_read_by_the_diagnosis(tiny_dir):
    """WARD: 10 days a stay; every one of its arrivals is 10 bed days. Tiny's frailty and
    falls pathways send patients to WARD; the diagnosis's bed days are 10 × those arrivals."""
    from netkit.diagnosis.measures import measure_counts

    services = pd.read_csv(tiny_dir / "services.csv", dtype=str, keep_default_na=False)
    services["unit"] = ["attendance", "day", "contact", "", "", "", ""]
    services["length_of_stay"] = ["", "10", "", "", "", "", "0"]
    services.to_csv(tiny_dir / "services.csv", index=False)
    assert messages(tiny_dir) == ([], [])
    system = netkit.load_system(tiny_dir)
    flows = system.flows.assign(place=system.flows["place"].fillna("all"))
    counts = measure_counts(flows, system.services)
    arrivals = flows.loc[(flows["target"] == "WARD") & (flows["source"] != "WARD"),
                         "patients"].sum()
    assert arrivals > 0
    bed_days = counts[counts["measure"] == "bed_days"]
    assert bed_days["service"].unique().tolist() == ["WARD"]
    assert bed_days["count"].sum() == pytest.approx(10 * arrivals)


def test_the_day_units_are_one_list_read_by_one_function():
    """Validation, the incentives, the diagnosis and the warnings read day units through
    `counted_in_days` over `schema.DAY_UNITS`; no unit is both a day and a contact."""
    from netkit.io.version2 import CONTACT_UNITS, DAY_UNITS
    from netkit.model import schema

    assert DAY_UNITS is schema.DAY_UNITS
    assert not set(DAY_UNITS) & set(CONTACT_UNITS)
    units = pd.DataFrame({"unit": [*DAY_UNITS, *CONTACT_UNITS, " DAY ", None]})
    assert schema.counted_in_days(units).tolist() == (
        [True] * len(DAY_UNITS) + [False] * len(CONTACT_UNITS) + [True, False])


def test_a_system_without_the_columns_gets_no_new_problem(tiny_dir):
    assert messages(tiny_dir) == ([], [])


@pytest.mark.parametrize("unit", ["bed_days", "Bed Days", " days "])
def test_every_day_unit_gives_the_diagnosis_bed_days(tiny_dir, unit):
    """The diagnosis reads the one list of day units (`netkit.model.schema.DAY_UNITS`), so a
    unit the incentives count as bed days (``bed_days``) is bed days there too: WARD without a
    stay is one bed day a contact, so its bed days are its arrivals."""
    from netkit.diagnosis.measures import measure_counts

    services = pd.read_csv(tiny_dir / "services.csv", dtype=str, keep_default_na=False)
    services["unit"] = ["", unit, "", "", "", "", ""]
    services.to_csv(tiny_dir / "services.csv", index=False)
    system = netkit.load_system(tiny_dir)
    flows = system.flows.assign(place=system.flows["place"].fillna("all"))
    counts = measure_counts(flows, system.services)
    arrivals = flows.loc[(flows["target"] == "WARD") & (flows["source"] != "WARD"),
                         "patients"].sum()
    bed_days = counts[counts["measure"] == "bed_days"]
    assert bed_days["service"].unique().tolist() == ["WARD"]
    assert bed_days["count"].sum() == pytest.approx(arrivals)
