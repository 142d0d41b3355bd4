"""Incentives under a shift, worked out by hand on a system built here ("Vale").

Pathway ``p``, place North, a year:

    @home → ED 1,000; ED → WARD 400; ED → @home 600; WARD → REAB 100; WARD → @home 300;
    REAB → @home 100; @home → UCR 900; UCR → @home 900

The opportunity takes the whole pathway (``reach: pathway``): by default a shift's scope stops
one step past its services (ED, UCR and the ward), and the reablement worked out below would
fall outside it.

Shift 10% of the patients reaching ED to UCR: 100 patients diverted. Their later care goes with
them: 40 ward admissions (400/1,000 of them) and 10 reablement packages (100/400 of those). UCR
gets 100 patients, one contact each (its 900 contacts come from 900 patients).

Costs (unit / marginal): ED £300 / £90 (data), WARD £3,000 / £900 (data), UCR £200 / £140 (data),
REAB £1,500 / £1,275 (default social care share 0.85). UCR has capacity 1,000 and 900 contacts: room
for all 100, so they cost marginal cost in cash (£14,000) and use £6,000 of capacity.

HOSP: cash released 100 × £90 + 40 × £900 = £45,000; capacity released 100 × £210 + 40 × £2,100
= £105,000. Paid by activity: income −(100 × £250 + 40 × £3,200) = −£153,000; net −£108,000.
COMM (block): −£14,000. LA (provides reablement itself): +£12,750. ICB spends £153,000 less.
System: £45,000 + £12,750 − £14,000 = £43,750.
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import netkit
from netkit.finance.incentives import (
    commissioning_shares,
    gain_share,
    incentives,
    shift_activity,
)
from netkit.finance.profile import _money_step, bridge_figures
from netkit.model.opportunity import Shift
from netkit.partners.scope import find_scope

ORGANISATIONS = """id,name,type
ICB,Vale ICB,icb
ICB2,South Vale ICB,icb
LA,Vale Council,local_authority
HOSP,Vale Hospital,acute_trust
COMM,Vale Community,community_trust
"""
SERVICES = """id,name,provider,category,capacity,unit_cost,price,marginal_cost,unit
ED,Emergency department,HOSP,urgent_emergency,10000,300,250,90,
WARD,Ward,HOSP,acute_inpatient,,3000,3200,900,{ward_unit}
UCR,Urgent community response,COMM,community,{ucr_capacity},200,,140,
REAB,Reablement,LA,social_care,,1500,,,
"""
FLOWS = """pathway,source,target,patients,place
p,@home,ED,1000,North
p,ED,WARD,400,North
p,ED,@home,600,North
p,WARD,REAB,100,North
p,WARD,@home,300,North
p,REAB,@home,100,North
p,@home,UCR,900,North
p,UCR,@home,900,North
"""
RELATIONSHIPS = """source,target,type,value,payment,strength,variable_share
ICB,HOSP,commissions,1000000,{hosp_payment},0.8,{variable_share}
ICB,COMM,commissions,500000,block,0.8,
"""
OPPORTUNITY = """- id: divert
  title: Urgent community response instead of ED
  pathways: [p]
  shift:
    from: [ED]
    to: [UCR]
    fraction: 0.1
  reach: pathway
"""


def vale(tmp_path, ucr_capacity="1000", hosp_payment="activity", variable_share="",
         ward_unit="", flows=FLOWS, relationships=None, extra=None):
    folder = tmp_path / "vale"
    folder.mkdir(exist_ok=True)
    files = {"organisations.csv": ORGANISATIONS,
             "services.csv": SERVICES.format(ucr_capacity=ucr_capacity, ward_unit=ward_unit),
             "pathways.csv": "id,name\np,Urgent care\n", "flows.csv": flows,
             "relationships.csv": relationships or RELATIONSHIPS.format(
                 hosp_payment=hosp_payment, variable_share=variable_share),
             "opportunities.yaml": OPPORTUNITY, "system.yaml": "name: Vale\n", **(extra or {})}
    for name, text in files.items():
        (folder / name).write_text(text)
    return netkit.load_system(folder)


def run(system, shift=None, **options):
    opp = system.opportunity("divert")
    scope = find_scope(system, opp)
    options.setdefault("draws", 0)
    return incentives(system, shift or opp.shift, scope.services, flows=scope.flows, **options)


def by_id(frame, column, key="id"):
    return frame.set_index(key)[column].round(6).to_dict()


# 1. patients diverted --------------------------------------------------------------------------

def test_patients_diverted_take_their_later_care_with_them(tmp_path):
    result = run(vale(tmp_path))
    assert by_id(result.services, "activity_change") == {
        "ED": -100, "REAB": -10, "UCR": 100, "WARD": -40}
    assert by_id(result.services, "patients_change") == {
        "ED": -100, "REAB": -10, "UCR": 100, "WARD": -40}
    assert result.settings["patients_diverted"] == 100


def test_one_avoided_patient_is_one_patient_at_the_new_service(tmp_path):
    """The issue's frailty example: shifting from ED *and* the ward used to give UCR a contact
    for every avoided attendance and every avoided admission (100 + 40 = 140)."""
    system = vale(tmp_path)
    both = Shift(("ED", "WARD"), ("UCR",), 0.1)
    assert shift_activity(both, find_scope(system, system.opportunity("divert")).services)[
        "UCR"] == pytest.approx(140)  # version 1
    result = run(system, both)
    assert by_id(result.services, "activity_change")["UCR"] == 100
    assert by_id(result.services, "activity_change")["WARD"] == -40


def test_contacts_per_patient_at_the_new_service(tmp_path):
    system = vale(tmp_path)
    stated = replace(system.opportunity("divert").shift, contacts_per_patient=3.0)
    result = run(system, stated)
    assert by_id(result.services, "activity_change")["UCR"] == 300
    assert by_id(result.services, "patients_change")["UCR"] == 100


def test_repeat_contacts_follow_the_services_own_contacts_per_patient(tmp_path):
    """UCR sees its 900 patients twice each (a flow UCR → UCR of 900): 2 contacts a patient."""
    system = vale(tmp_path, ucr_capacity="", flows=FLOWS + "p,UCR,UCR,900,North\n")
    result = run(system)
    assert by_id(result.services, "activity_change")["UCR"] == 200
    assert by_id(result.services, "patients_change")["UCR"] == 100


def test_bed_days_where_the_unit_is_a_day(tmp_path):
    days = run(vale(tmp_path, ward_unit="day"))
    assert by_id(days.services, "bed_days_change") == {"ED": 0, "REAB": 0, "UCR": 0, "WARD": -40}
    assert by_id(days.organisations, "bed_days_change")["HOSP"] == -40
    none = run(vale(tmp_path))  # no unit: contacts at the ward are admissions, not bed days
    assert (none.organisations["bed_days_change"] == 0).all()


# 2. cash versus capacity -------------------------------------------------------------------------

def test_cash_and_capacity_released_by_hand(tmp_path):
    result = run(vale(tmp_path))
    orgs = result.organisations.set_index("id")
    assert orgs.loc["HOSP", "cash_releasing"] == pytest.approx(45_000)
    assert orgs.loc["HOSP", "capacity_releasing"] == pytest.approx(105_000)
    assert orgs.loc["LA", "cash_releasing"] == pytest.approx(12_750)  # default share 0.85
    ucr = result.services.set_index("id").loc["UCR"]
    assert (ucr["cash_cost"], ucr["capacity_used"]) == (pytest.approx(14_000), pytest.approx(6_000))
    assert by_id(result.organisations, "cost_change") == {
        "COMM": 14_000, "HOSP": -45_000, "ICB": 0, "LA": -12_750}
    assert by_id(result.organisations, "net") == {
        "COMM": -14_000, "HOSP": -108_000, "ICB": 153_000, "LA": 12_750}
    assert result.system_net == pytest.approx(43_750)


def test_new_staff_beyond_spare_capacity_are_cash(tmp_path):
    """UCR has room for 50: 50 × £140 + 50 × £200 = £17,000 cash."""
    ucr = run(vale(tmp_path, ucr_capacity="950")).services.set_index("id").loc["UCR"]
    assert ucr["cash_cost"] == pytest.approx(17_000)
    assert ucr["capacity_used"] == pytest.approx(3_000)


# 3. payment bases ---------------------------------------------------------------------------------

@pytest.mark.parametrize("payment, share, income", [
    ("activity", "", -153_000), ("block", "", 0), ("api", "0.5", -76_500)])
def test_payment_basis_sets_the_income_change(tmp_path, payment, share, income):
    result = run(vale(tmp_path, hosp_payment=payment, variable_share=share))
    orgs = result.organisations.set_index("id")
    assert orgs.loc["HOSP", "income_change"] == pytest.approx(income)
    assert orgs.loc["ICB", "spend_change"] == pytest.approx(income)
    assert result.system_net == pytest.approx(43_750)  # payments net out


def test_commissioning_shares_use_the_variable_share(tmp_path):
    shares = commissioning_shares(vale(tmp_path, hosp_payment="api", variable_share="0.3"))
    assert by_id(shares, "activity_share", "provider") == {"COMM": 0.0, "HOSP": 0.3}


# 4. responsible commissioner ------------------------------------------------------------------

RELS_TWO = """source,target,type,value,payment,strength
ICB,HOSP,commissions,3000000,activity,0.8
ICB2,HOSP,commissions,1000000,activity,0.8
ICB,COMM,commissions,500000,block,0.8
"""


def test_contract_share_rule_when_no_commissioner_is_known(tmp_path):
    result = run(vale(tmp_path, relationships=RELS_TWO))
    assert by_id(result.commissioners, "spend_change") == {"ICB": -114_750, "ICB2": -38_250}
    assert ("contract-share rule: for HOSP, the change in what they are paid is shared among "
            "each one's commissioners by contract value, because the patients' commissioner "
            "holds no contract with it or is not known (8 of 8 in-scope flows have no "
            "commissioner on the flow or their place)") in result.notes


def test_spend_lands_with_the_flows_responsible_commissioner(tmp_path):
    flows = FLOWS.replace("place\n", "place,commissioner\n").replace("North\n", "North,ICB2\n")
    result = run(vale(tmp_path, relationships=RELS_TWO, flows=flows))
    assert by_id(result.commissioners, "spend_change") == {"ICB2": -153_000}
    assert not any(n.startswith("contract-share rule") for n in result.notes)


def test_places_csv_names_the_commissioner(tmp_path):
    system = vale(tmp_path, relationships=RELS_TWO,
                  extra={"places.csv": "place,name,commissioner\nNorth,North Vale,ICB2\n"})
    assert by_id(run(system).commissioners, "spend_change") == {"ICB2": -153_000}


# 5. capacity --------------------------------------------------------------------------------------

def test_capacity_warning_with_shortfall_and_staff_cost(tmp_path):
    result = run(vale(tmp_path, ucr_capacity="950"))
    assert result.capacity.to_dict("records") == [
        {"service": "UCR", "capacity": 950.0, "before": 900.0, "after": 1000.0,
         "shortfall": 50.0, "staff_cost": 10_000.0}]
    assert ("capacity: Urgent community response (UCR), run by Vale Community (COMM), goes "
            "from 900 to 1,000 contacts a year with the shift against its capacity of 950: 50 "
            "contacts short, about £10,000 a year of staff at its unit cost (costed as new staff; "
            "--cap-at-capacity caps the shift instead)") in result.notes


def test_a_service_already_past_capacity_says_so_and_counts_it_in_the_shortfall(tmp_path):
    # review finding 22: UCR sees 900 a year against a capacity of 850 (50 over before the
    # shift); the shift adds 100, so it is 150 short in all; the staff are costed on the
    # shift's own 100 at UCR's £200 a contact (the test above: 50 short cost £10,000)
    result = run(vale(tmp_path, ucr_capacity="850"))
    assert result.capacity.to_dict("records") == [
        {"service": "UCR", "capacity": 850.0, "before": 900.0, "after": 1000.0,
         "shortfall": 100.0, "staff_cost": 20_000.0}]
    assert ("capacity: Urgent community response (UCR), run by Vale Community (COMM), is "
            "already 50 contacts a year past its capacity of 850 before the shift; the shift "
            "takes it to 1,000, 150 short in all, of which the shift's own 100 cost about "
            "£20,000 a year of staff at its unit cost (costed as new staff; "
            "--cap-at-capacity caps the shift instead)") in result.notes


def test_cap_at_capacity_caps_the_shift(tmp_path):
    result = run(vale(tmp_path, ucr_capacity="950"), cap_at_capacity=True)
    assert by_id(result.services, "activity_change") == {
        "ED": -50, "REAB": -5, "UCR": 50, "WARD": -20}
    assert result.capacity.empty
    assert result.settings["fraction_used"] == pytest.approx(0.05)
    assert ("capacity: the shift is capped at 5% of patients instead of 10%, where a receiving "
            "service reaches its capacity") in result.notes


# 6. ranges and risk -------------------------------------------------------------------------------

def test_monte_carlo_is_seeded_and_gives_ranges(tmp_path):
    system = vale(tmp_path)
    first, again = run(system, draws=1000, seed=3), run(system, draws=1000, seed=3)
    pd.testing.assert_frame_equal(first.organisations, again.organisations)
    orgs = first.organisations.set_index("id")
    assert (orgs["net_low"] <= orgs["net"] + 1e-6).all()
    assert (orgs["net"] <= orgs["net_high"] + 1e-6).all()
    assert orgs.loc["HOSP", "p_loss"] == 1.0 and orgs.loc["ICB", "p_loss"] == 0.0
    assert first.system_net_low < first.system_net < first.system_net_high


def test_shift_range_sets_the_low_and_high(tmp_path):
    """No cost spread: the ICB's net is £1,530,000 × fraction; the 5th percentile of a
    triangular (0.05, 0.1, 0.15) is 0.05 + √(0.05 × 0.1 × 0.05) = 0.0658."""
    system = vale(tmp_path)
    shift = system.opportunity("divert").shift
    result = run(system, replace(shift, range=(0.05, 0.15)), draws=4000, cost_spread=0.0)
    icb = result.organisations.set_index("id").loc["ICB"]
    assert icb["net_low"] == pytest.approx(1_530_000 * (0.05 + math.sqrt(0.00025)), rel=0.02)
    assert icb["net_high"] == pytest.approx(1_530_000 * (0.15 - math.sqrt(0.00025)), rel=0.02)


@pytest.fixture(scope="module")
def vale_system(tmp_path_factory):
    return vale(tmp_path_factory.mktemp("vale"))


@given(fraction=st.floats(0.01, 0.9))
def test_nets_add_up_to_the_system_net(vale_system, fraction):
    result = run(vale_system, Shift(("ED",), ("UCR",), fraction))
    assert result.organisations["net"].sum() == pytest.approx(result.system_net, abs=1e-6)
    # within UCR's spare capacity (fraction ≤ 0.1) £437,500 a patient-fraction; beyond, new
    # staff at full cost: £60 more a contact
    extra = max(fraction - 0.1, 0.0) * 1000 * 60
    assert result.system_net == pytest.approx(437_500 * fraction - extra)


# 7. time --------------------------------------------------------------------------------------------

def test_years_one_to_three_and_payback(tmp_path):
    """Ramp 12 months, £20,000 implementation, 3 months' double running. Year 1: £43,750 × ½
    − £57,750 × 4.5/144 − £20,000 = £70.31; years 2 and 3 £43,750; paid back in month 12."""
    system = vale(tmp_path)
    shift = replace(system.opportunity("divert").shift, ramp_months=12,
                    implementation_cost=20_000, double_running_months=3)
    result = run(system, shift)
    assert result.profile["net"].round(4).tolist() == [70.3125, 43_750, 43_750]
    assert result.payback_month == 12
    assert result.summary_lines()[-1].endswith("; pays back in month 12")
    ranged = run(system, replace(shift, range=(0.1, 0.3)), draws=50)
    assert ranged.range_words().endswith(", unit costs and shift.range)")
    assert not any("no range is given" in line for line in ranged.summary_lines())


def _pounds_as_read(text: str) -> Decimal:
    """'£2.16m', '-£2,800' as a reader takes them."""
    sign, text = (-1, text[1:]) if text.startswith("-") else (1, text)
    text = text.removeprefix("£").replace(",", "")
    return sign * (Decimal(text[:-1]) * 1_000_000 if text.endswith("m") else Decimal(text))


@given(released=st.floats(0, 5e8), new_cash=st.floats(0, 5e8))
def test_the_cash_bridge_adds_up_as_read(released, new_cash):
    """Review finding: '£470,000 − £35,000 = £440,000'. The bridge's figures are shown to one
    step, none coarser than its own two significant figures: released and the net within half
    a step of their exact figures, new cash costs (their difference as shown) within one."""
    net = released - new_cash
    shown = [_pounds_as_read(t) for t in bridge_figures(released, new_cash, net)]
    assert shown[0] - shown[1] == shown[2]
    pence = new_cash if new_cash < 0.5 else 0.0  # no new cash costs: released shown as the net
    for exact, figure, within in zip((released, new_cash, net), shown, (0.5, 1.0, 0.5)):
        assert abs(float(figure) - exact) <= within * (_money_step(exact) or 1.0) + pence + 1e-6


def test_patients_diverted_are_shown_as_an_estimate(tmp_path):
    """12.3 patients a year (7.6 to 17.3 in the draws) were '12.3 (7.6 to 17.3)': whole from 10,
    and the bounds never finer than the central figure."""
    system = vale(tmp_path)
    shift = replace(system.opportunity("divert").shift, fraction=0.0123, range=(0.006, 0.02))
    result = run(system, shift, draws=50)
    assert result.settings["patients_diverted"] == pytest.approx(12.3)
    assert result.summary_lines()[0].startswith("12 (8 to 17) patients a year diverted; ")


# version 1 behaviour kept ---------------------------------------------------------------------

def test_gain_share_leaves_core_no_worse_off():
    table = pd.DataFrame({"id": ["ICB", "ACUTE", "COMM"], "net": [25_000.0, 5_000.0, -20_000.0]})
    transfers = gain_share(table, 10_000.0, ["ICB", "ACUTE", "COMM"])
    assert transfers.values.tolist() == [["ICB", "COMM", 16667], ["ACUTE", "COMM", 3333]]


def test_no_gain_share_when_the_system_loses():
    table = pd.DataFrame({"id": ["A", "B"], "net": [-10.0, 5.0]})
    assert gain_share(table, -5.0, ["A", "B"]).empty


def test_json_keeps_version_1_keys_and_adds_the_money_names(tmp_path):
    result = run(vale(tmp_path), draws=200)
    row = result.to_dict()["organisations"][0]
    assert {"id", "activity_change", "cost_change", "income_change", "spend_change",
            "net"} <= set(row)
    assert {"net_low", "net_high", "p_loss", "cash_releasing", "capacity_releasing"} <= set(row)
    assert np.isfinite([result.system_net_low, result.system_net_high]).all()


def test_partner_report_rounds_money_for_people_and_json_keeps_it_exact(tmp_path):
    from netkit.render.formats import fmt_money_rounded

    assert [fmt_money_rounded(v) for v in (1_312_400, 280_800, -48_564)] == [
        "£1.3m", "£280,000", "-£49,000"]
    ps = netkit.find_partners(vale(tmp_path), "divert")
    text = ps.to_text()
    assert "  the system gains £44,000 a year (90% range £" in text
    # review finding 14: the range says what it covers; no payback without a cost entered.
    # Finding 15: the cash bridge, £57,750 released − £14,000 new cash cost = £43,750
    assert ", unit costs only)\n" in text
    # the 100 diverted patients' contacts: 100 fewer at ED, their later 40 at the ward and 10
    # at reablement with them (150 fewer), 100 more at the urgent community response
    assert ("  100 patients a year diverted; cash released £58,000, capacity released £110,000 a "
            "year\n  contacts a year: 150 fewer where the diverted patients no longer go, 100 "
            "more where they go\n    instead\n  cash bridge: cash released £58,000 − new cash costs £14,000 = system net "
            "£44,000 a year\n  the range varies unit costs only: no range is given for the "
            "shift itself (shift.range)\n  years 1-3: £44,000, £44,000, £44,000; no implementation cost entered — payback "
            "not assessed\n") in text
    data = ps.to_dict()
    assert data["system_net"] == pytest.approx(43_750)
    assert data["system_net_low"] < 43_750 < data["system_net_high"]
    assert data["commissioners"] == [{"id": "ICB", "spend_change": pytest.approx(-153_000)}]


def test_cli_cap_at_capacity(tmp_path):
    from click.testing import CliRunner
    from netkit.cli import cli

    vale(tmp_path, ucr_capacity="950")
    folder = str(tmp_path / "vale")
    warned = CliRunner().invoke(cli, ["partners", folder, "-O", "divert"])
    assert warned.exit_code == 0, warned.output
    assert "Urgent community response (UCR), run by Vale Community (COMM), goes from 900 to " \
        "1,000 contacts a year with the shift against its capacity of 950" in " ".join(
        warned.stdout.split())
    capped = CliRunner().invoke(cli, ["partners", folder, "-O", "divert", "--cap-at-capacity",
                                      "-f", "json"])
    assert capped.exit_code == 0, capped.output
    import json

    data = json.loads(capped.stdout)
    assert data["options"]["cap_at_capacity"] is True
    assert {r["id"]: r["activity_change"] for r in data["incentives"]}["HOSP"] == -70


@given(patients=st.lists(st.integers(1, 500), min_size=4, max_size=4),
       fraction=st.floats(0.01, 1.0))
def test_diversion_never_takes_more_than_the_fraction_of_a_services_contacts(patients, fraction):
    """On any small pathway (home → A → B → C, with leaks home), the patients the new service
    gets are the patients diverted, and no service loses more than the fraction of its
    contacts."""
    from netkit.finance.diversion import divert

    a_in, a_b, b_c, u_in = patients
    flows = pd.DataFrame({
        "pathway": "p", "place": None,
        "source": ["@home", "A", "A", "B", "B", "C", "@home", "U"],
        "target": ["A", "B", "@home", "C", "@home", "@home", "U", "@home"],
        "patients": [a_in + a_b, a_b, a_in, min(b_c, a_b), a_b - min(b_c, a_b), min(b_c, a_b),
                     u_in, u_in]})
    services = pd.DataFrame({"id": ["A", "B", "C", "U"], "category": "x",
                             "activity": [a_in + a_b, a_b, min(b_c, a_b), u_in]})
    out = divert(flows, services, Shift(("A",), ("U",), 1.0)).set_index("service")
    assert out.loc["U", "patients"] == pytest.approx(a_in + a_b)
    lost = -(out["contacts"] * fraction).drop("U")
    assert (lost <= services.set_index("id")["activity"].reindex(lost.index) * fraction
            + 1e-6).all()


def test_ranges_drawn_in_the_background_are_missing_until_waited_for(monkeypatch):
    # with a processor to spare the draws are made beside the caller: until with_ranges the
    # ranged columns and keys are missing (an early reader fails, not reads central figures)
    import math

    import netkit
    from netkit import _parallel
    from netkit.finance.incentives import incentives
    from netkit.partners.scope import find_scope

    monkeypatch.setattr(_parallel, "available_jobs", lambda: 2)
    tiny = netkit.load_system(netkit.sample_path("tiny"))
    opp = tiny.opportunity("frailty")
    scope = find_scope(tiny, opp)
    early = incentives(tiny, opp.shift, scope.services, flows=scope.flows, ranges_later=True)
    assert early.pending is not None
    assert {"net_low", "net_high", "p_loss"}.isdisjoint(early.organisations.columns)
    assert {"spend_low", "spend_high"}.isdisjoint(early.commissioners.columns)
    assert math.isnan(early.system_net_low) and "patients_diverted_low" not in early.settings
    done, at_once = early.with_ranges(), incentives(tiny, opp.shift, scope.services,
                                                    flows=scope.flows)
    assert done.pending is None and done.with_ranges() is done
    assert done.organisations.equals(at_once.organisations)
    assert done.commissioners.equals(at_once.commissioners)
    assert done.profile.equals(at_once.profile) and done.settings == at_once.settings
    assert (done.system_net_low, done.system_net_high) == (at_once.system_net_low,
                                                           at_once.system_net_high)
    monkeypatch.setattr(_parallel, "available_jobs", lambda: 1)  # nothing to spare: at once
    assert incentives(tiny, opp.shift, scope.services, flows=scope.flows,
                      ranges_later=True).pending is None


def test_a_capacity_note_counts_whole_contacts():
    # a reviewer: metro's home-first note read "of which the shift's own 90.9 cost about ...";
    # a shortfall of contacts is counted whole, as the rest of the note is
    ps = netkit.find_partners(netkit.load_system(netkit.sample_path("metro")),
                              "riverton-home-first")
    [note] = [n for n in ps.incentives.notes if "short in all" in n]
    assert "1,711, 211 short in all, of which the shift's own 91 cost about £320,000" in note
