"""netkit.track on a constructed series, every figure worked out by hand.

Tiny Vale's ``frailty`` opportunity shifts activity from ED to UCR. The actuals are built here,
on the frailty pathway, with four flows a month:

    months         @home→GPS (entries E)  GPS→ED (F)  GPS→UCR (U)  GPS→@home
    2024-01..12           100                40           10           50     (baseline)
    2025-01..03           120                36           24           60     (after the start)

Baseline:  d0 = U / (F + U) = 10 / 50 = 0.2;   q0 = (F + U) / E = 50 / 100 = 0.5
Latest 3:  d1 = 24 / 60 = 0.4;                 q1 = 60 / 120 = 0.5

diverted share  = (d1 − d0) / (1 − d0) = 0.2 / 0.8 = 0.25; plan 0.5 → achieved 50% of plan
from_patients   = 40 → 36, planned 40 × (1 − 0.5) = 20: achieved (36 − 40) / (20 − 40) = 0.2
to_patients     = 10 → 24, planned 10 + 0.5 × 40 = 30: achieved (24 − 10) / (30 − 10) = 0.7
demand change   = (E1 − E0) q0 (1 − d0) = 20 × 0.5 × 0.8 = 8
case mix        = E1 (q1 − q0)(1 − d0)  = 0
effect          = −E1 q1 (d1 − d0)      = −120 × 0.5 × 0.2 = −12;  8 + 0 − 12 = 36 − 40

Money (tiny's frailty shift; every figure is linear in the fraction). At the achieved 25%, 125 of
the 500 patients reaching ED go to UCR instead, and their later care goes with them: 75 ward
admissions (300/500 of them), 35.15625 reablement packages (75 × 150/320) and 11.71875 care-home
placements (75 × 50/320). Positions in cash (default marginal shares: ED and ward 0.3, community
0.7, social care 0.85, care home 0.9):

    ACUTE    −(125 × £250 + 75 × £3,200) + 125 × £90 + 75 × £900 = −£271,250 + £78,750 = −£192,500
    COMM     −125 × £140 = −£17,500 (block contract: no income change)
    CARE     +11.71875 × £1,800 = +£21,093.75 (block)
    COUNCIL  +35.15625 × £1,275 = +£44,824.22 (provides reablement itself)
    ICB      +£271,250 (pays ACUTE that much less)

The risk-and-gain-share designer (default rules) keeps ACUTE and COMM whole: the £210,000 they
lose is borne by the gainers in proportion to their gains (£337,167.97 in all: ICB, COUNCIL and
CARE, whose block contract carries its gain). Of the £127,167.97 left, half would go to COMM for
its 125 new UCR contacts, but the share is capped at their full cost, 125 × £200 = £25,000 (a
windfall, flagged). CARE's other half goes to the commissioners. The money moves along the
contracts: ICB pays ACUTE £192,500 (keep whole) and COMM £17,500 + £25,000 = £42,500 (keep whole
and gain share); CARE's part comes back through its block contract with COUNCIL; COUNCIL's
share of what ICB paid out reaches ICB in one pooled-budget transfer. Every payment is over the
£10,000 collar. At the plan's 50% every figure doubles (the cap doubles with the contacts).
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

import netkit
from netkit.delivery.track import plan_of, planned_fraction, track
from netkit.errors import InputError, OpportunityError, OptionError

PLAN = {"baseline": ["2024-01", "2024-12"], "start": "2025-01", "target": 0.5, "months": 12}


def month_rows(period, entries, ed, ucr, home, place=""):
    return [("frailty", "@home", "GPS", place, period, entries),
            ("frailty", "GPS", "ED", place, period, ed),
            ("frailty", "GPS", "UCR", place, period, ucr),
            ("frailty", "GPS", "@home", place, period, home)]


def actuals(after=(120, 36, 24, 60), months_after=3) -> pd.DataFrame:
    rows = []
    for m in range(1, 13):
        rows += month_rows(f"2024-{m:02d}", 100, 40, 10, 50)
    for m in range(1, months_after + 1):
        rows += month_rows(f"2025-{m:02d}", *after)
    return pd.DataFrame(rows, columns=["pathway", "source", "target", "place", "period",
                                       "patients"])


def with_plan(opp, plan=PLAN, ramp=None):
    """The opportunity with a plan (and the shift's ramp), wherever this netkit keeps them."""
    shift = opp.shift
    if ramp is not None and hasattr(shift, "ramp_months"):
        shift = dataclasses.replace(shift, ramp_months=ramp)
    if hasattr(opp, "plan"):
        return dataclasses.replace(opp, plan=plan, shift=shift)
    return dataclasses.replace(opp, extra={**opp.extra, "plan": plan}, shift=shift)


@pytest.fixture(scope="module")
def tiny():
    return netkit.load_system(netkit.sample_path("tiny"))


@pytest.fixture(scope="module")
def result(tiny):
    return track(tiny, with_plan(tiny.opportunity("frailty")), actuals())


def test_achieved_shift_exact(result):
    assert result.achieved == pytest.approx(0.25)
    assert result.planned == pytest.approx(0.5)
    m = {x.name: x for x in result.measures}
    assert (m["diverted_share"].baseline, m["diverted_share"].actual) == pytest.approx((0, 0.25))
    assert m["diverted_share"].achieved_fraction == pytest.approx(0.5)
    assert (m["from_patients"].baseline, m["from_patients"].planned,
            m["from_patients"].actual) == pytest.approx((40, 20, 36))
    assert m["from_patients"].achieved_fraction == pytest.approx(0.2)
    assert (m["to_patients"].planned, m["to_patients"].actual) == pytest.approx((30, 24))
    assert m["to_patients"].achieved_fraction == pytest.approx(0.7)
    assert (m["entries"].baseline, m["entries"].actual, m["entries"].planned) == \
        pytest.approx((100, 120, None))
    assert result.unit == "patients a month"


def test_demand_and_effect_split_exactly(result):
    d = result.demand
    assert d["demand_change"] == pytest.approx(8)
    assert d["case_mix_change"] == pytest.approx(0)
    assert d["effect"] == pytest.approx(-12)
    assert d["demand_change"] + d["case_mix_change"] + d["effect"] == \
        pytest.approx(d["from_after"] - d["from_before"])


def test_falling_demand_is_not_credited_to_the_scheme(tiny):
    # demand falls 20% and nothing else changes: F falls 40 → 32, all of it demand
    r = track(tiny, with_plan(tiny.opportunity("frailty")), actuals(after=(80, 32, 8, 40)),
              partners=False)
    assert r.demand["demand_change"] == pytest.approx(-8)
    assert r.demand["effect"] == pytest.approx(0)
    assert r.achieved == pytest.approx(0)
    assert r.measure("from_patients").achieved_fraction == pytest.approx(0.4)  # raw, misleading
    assert r.measure("diverted_share").achieved_fraction == pytest.approx(0)   # demand-free


def test_per_head_where_places_csv_gives_the_population(tiny):
    # tiny's places.csv: North 60,000; every row in North: 40 a month is 66.67 per 100,000
    north = actuals().assign(place="North")
    r = track(tiny, with_plan(tiny.opportunity("frailty")), north, partners=False)
    # review finding 18: the denominator in words; tiny's pathways.csv names none
    assert r.unit == ("patients per 100,000 residents (all ages: pathways.csv gives no "
                      "denominator) a month")
    assert r.measure("from_patients").baseline == pytest.approx(40 / 60_000 * 100_000)
    assert r.measure("entries").actual == pytest.approx(120 / 60_000 * 100_000)
    assert r.measure("diverted_share").actual == pytest.approx(0.25)  # a share has no head
    assert r.demand["demand_change"] == pytest.approx(8 / 60_000 * 100_000)
    row = r.by_place.iloc[0]
    assert (row["place"], row["population"]) == ("North", 60_000)
    assert row["entries_before"] == pytest.approx(100 / 60_000 * 100_000)


def test_the_denominator_is_named_in_words(tiny_dir):
    # review finding 25: "per 100,000 (population_65plus)" reached the report; North has
    # 12,000 aged 65 and over, so 40 a month is 333.3 per 100,000 of them
    pathways = tiny_dir / "pathways.csv"
    pathways.write_text(pathways.read_text().replace("id,name,cohort,tags", "id,name,cohort,tags,"
                                                     "denominator")
                        .replace("frailty;urgent", "frailty;urgent,population_65plus")
                        .replace("frailty;prevention", "frailty;prevention,population"))
    system = netkit.load_system(tiny_dir)
    r = track(system, with_plan(system.opportunity("frailty")), actuals().assign(place="North"),
              partners=False)
    assert r.unit == "patients per 100,000 aged 65 and over a month"
    assert r.measure("from_patients").baseline == pytest.approx(40 / 12_000 * 100_000)
    assert "population_65plus" not in r.to_text()


def test_spc_signals_on_the_constructed_series(result):
    signals = {m.name: m.spc.signal for m in result.measures}
    # a flat baseline puts the limits on the mean; every later point is outside them
    assert signals == {"from_patients": "improvement", "to_patients": "improvement",
                       "diverted_share": "improvement", "entries": "neither",
                       "community_balance": "improvement"}
    assert not result.concern


def test_a_rise_at_the_from_services_is_concern(tiny):
    r = track(tiny, with_plan(tiny.opportunity("frailty")), actuals(after=(100, 45, 5, 50)),
              partners=False)
    assert r.measure("from_patients").spc.signal == "concern"
    assert r.concern


def test_planned_trajectory_ramps():
    plan = {"start": 10, "target": 0.3, "ramp": 3.0}
    assert planned_fraction([9, 10, 11, 12, 13], plan).tolist() == pytest.approx(
        [0, 0.1, 0.2, 0.3, 0.3])
    assert planned_fraction([9, 10], {**plan, "ramp": 0.0}).tolist() == [0, 0.3]


def test_by_place_and_by_partner(result):
    row = result.by_place.iloc[0]
    assert row["place"] == "(none)"
    assert (row["achieved"], row["achieved_fraction"]) == pytest.approx((0.25, 0.5))
    partners = result.by_partner.set_index("partner")
    # demand ×1.2: ED expected 48 without the scheme, planned −0.5 × 48 = −24, actual 36 − 48
    assert partners.loc["ACUTE", ["expected", "planned_change", "actual_change"]].tolist() == \
        pytest.approx([48, -24, -12])
    assert partners.loc["ACUTE", "achieved_fraction"] == pytest.approx(0.5)
    # UCR: expected 12, planned +0.5 × 48 = +24, actual 24 − 12 = +12
    assert partners.loc["COMM", ["planned_change", "actual_change"]].tolist() == \
        pytest.approx([24, 12])


def test_settlement_by_hand(result):
    s = result.settlement.set_index(["payer", "payee"])
    gain = {"ICB": 271_250, "COUNCIL": 44_824.21875, "CARE": 21_093.75}  # at 25% (docstring)
    total = sum(gain.values())
    keep_whole = {k: 210_000 * v / total for k, v in gain.items()}
    held = {k: v - keep_whole[k] for k, v in gain.items()}
    share = {k: 25_000 * v / (total - 210_000) for k, v in held.items()}  # COMM's capped share
    back = held["CARE"] / 2  # CARE's commissioners' half, to ICB and COUNCIL by what they hold
    to_icb = back * held["ICB"] / (held["ICB"] + held["COUNCIL"])
    care_pays = keep_whole["CARE"] + share["CARE"] + back
    icb_gives = keep_whole["ICB"] + share["ICB"] - to_icb
    pooled = 192_500 + 42_500 - icb_gives  # what ICB paid along its contracts beyond its part
    assert s.loc[("ICB", "ACUTE"), ["amount", "amount_plan"]].tolist() == pytest.approx(
        [192_500, 385_000], abs=0.01)
    assert s.loc[("ICB", "COMM"), ["amount", "amount_plan"]].tolist() == pytest.approx(
        [42_500, 85_000], abs=0.01)
    assert s.loc[("CARE", "COUNCIL"), "amount"] == pytest.approx(care_pays, abs=0.02)
    assert s.loc[("COUNCIL", "ICB"), ["amount", "amount_plan"]].tolist() == pytest.approx(
        [pooled, 2 * pooled], abs=0.03)
    assert s.loc[("ICB", "ACUTE"), "difference"] == pytest.approx(-192_500, abs=0.02)
    assert result.settlement["payer"].tolist()[0] == "ICB"  # largest first
    lines = result.to_text()
    assert "Tiny Vale ICB owes Vale Hospital £192,500 a year (plan: £385,000)" in lines
    assert "Tiny Vale ICB owes Vale Community Health £42,500 a year (plan: £85,000)" in lines


def test_partnership_recomputed_on_the_actuals(result):
    p = result.partnership
    # the actuals carry no ambulance, ward, reablement or care home flows: those seats go
    released = {item["id"] for item in p["release"]}
    assert "AMB" in released and "COUNCIL" in released
    assert not p["still_right"]
    assert all("on the actuals" in item["why"] for item in p["release"])
    assert set(p["core_now"]) == set(p["core_plan"]) - released | {i["id"] for i in p["add"]}


def test_json_uses_the_contract_names(result):
    data = json.loads(json.dumps(result.to_dict()))
    assert {"measures", "demand_change", "effect", "by_place", "settlement"} <= set(data)
    m = data["measures"][0]
    assert {"name", "unit", "baseline", "planned", "actual", "achieved_fraction", "spc"} <= set(m)
    assert set(m["spc"]) >= {"signal", "assurance"}
    assert {x["spc"]["signal"] for x in data["measures"]} <= {
        "improvement", "concern", "common_cause", "neither"}
    # exact to the penny in JSON (the designer's £192,500 and £385,000; module docstring)
    assert data["settlement"][0] == {"payer": "ICB", "payee": "ACUTE", "amount": 192500.0,
                                     "amount_plan": 385000.0, "difference": -192500.0}


def test_board_lines_one_per_measure(result):
    # review finding 21: a unit on every line, the months named, the terms in plain words
    assert result.measure("diverted_share").line() == (
        "diverted share 25.0% against a plan of 50.0% (baseline 0.0%): improving "
        "(special cause); plan beyond the baseline's process limits: met only if the process "
        "changes")
    assert result.measure("entries").line() == (
        "entries to the pathway (demand) 120.0 patients a month (baseline 100.0): special cause, "
        "neither better nor worse")
    text = " ".join(result.to_text().split())
    assert "Achieved shift 25.0% against a plan of 50.0% (50% of plan) over the latest 3 " \
           "months (January–March 2025)" in text
    assert ("Patients reaching the from services: 40.0 (baseline January–December 2024) → 36.0 "
            "(January–March 2025) patients a month; demand +8.0, case mix +0.0, the scheme "
            "-12.0") in text
    assert ("Demand is the change from more or fewer patients entering the pathway; case mix "
            "the change from a larger or smaller share of them needing the services the shift "
            "moves from or to; the scheme the patients it moved to the services it moves to. "
            "The three add up to the change.") in text
    assert ("Each measure's mean over January–March 2025, against the plan's there and the "
            "mean of the baseline January–December 2024.") in text
    assert "a plan beyond them on the bad side is one the process as it ran would miss" in text
    assert all(m.line() in text for m in result.measures)
    assert "Vale Hospital from -24.0 -12.0 50%" in text  # by partner: planned, actual, of plan
    md = result.to_markdown()
    assert "## Measures" in md and "<svg" not in md


def test_html_has_inline_charts_and_icons(result):
    page = result.to_html()
    assert page.count("<svg") == 15  # a chart and two icons per measure
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'aria-label="variation: neither"' in page


def test_charts_saved_as_svg_and_png(result, tmp_path):
    written = result.save_charts(tmp_path / "charts", "svg")
    assert [p.name for p in written][:2] == ["from_patients.svg", "to_patients.svg"]
    assert written[0].read_text().startswith("<svg")
    png = result.save_chart(tmp_path / "share.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(OptionError, match="must end in .png or .svg"):
        result.save_chart(tmp_path / "share.gif")


def test_no_plan_is_an_opportunity_error(tiny):
    with pytest.raises(OpportunityError, match="has no plan; add one"):
        track(tiny, "frailty", actuals())
    with pytest.raises(OpportunityError, match="has no shift"):
        track(tiny, with_plan(tiny.opportunity("falls")), actuals())


def test_a_bad_plan_says_how_to_write_one():
    from netkit.model.opportunity import Opportunity, Shift

    opp = Opportunity("o", shift=Shift(("A",), ("B",), 0.2),
                      extra={"plan": {"baseline": ["2025-01", "2025-06"], "start": "2025-03"}})
    with pytest.raises(OpportunityError, match="baseline that ends before the start"):
        plan_of(opp)


def test_actuals_must_cover_the_baseline_and_the_window(tiny):
    short = actuals(months_after=2)
    with pytest.raises(OptionError, match="at least 3 month"):
        track(tiny, with_plan(tiny.opportunity("frailty")), short, partners=False)
    with pytest.raises(OptionError, match="whole number of months"):
        track(tiny, with_plan(tiny.opportunity("frailty")), actuals(), window=0)


def test_actuals_for_other_pathways(tiny):
    other = actuals().assign(pathway="falls")
    with pytest.raises(OpportunityError, match="no rows for the pathways"):
        track(tiny, with_plan(tiny.opportunity("frailty")), other, partners=False)


def test_bad_actuals_are_reported_with_rows(tiny):
    bad = actuals()
    bad.loc[5, "period"] = "May 2024"
    bad.loc[9, "target"] = "EDX"
    with pytest.raises(InputError) as err:
        track(tiny, with_plan(tiny.opportunity("frailty")), bad)
    text = str(err.value)
    assert "row 7, column period: 'May 2024' is not a month written YYYY-MM" in text
    assert "row 11, column target: 'EDX' is not a service id" in text


def test_deterministic(tiny):
    a = track(tiny, with_plan(tiny.opportunity("frailty")), actuals()).to_dict()
    b = track(tiny, with_plan(tiny.opportunity("frailty")), actuals()).to_dict()
    assert json.dumps(a) == json.dumps(b)


def test_the_riverside_frailty_rates_are_per_100000_aged_65_and_over():
    # review finding 18: riverside's frailty pathway names population_65plus as its denominator
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    r = track(riverside, "frailty-admissions",
              netkit.sample_path("riverside") / "actuals" / "frailty-monthly.csv",
              partners=False)
    assert r.unit == "patients per 100,000 aged 65 and over a month"
    assert r.latest_months() == "April–June 2026"


# -- speed without a different answer (issue 21) --------------------------------------------------
def test_two_partner_queries_and_one_scope(tiny, monkeypatch):
    """The plan's partner set serves the settlement and the scope; the achieved shift is
    settled without a partner query of its own; only the partnership check runs another."""
    from netkit.delivery import track as module

    calls = []
    real = module.find_partners

    def counted(system, opp, **options):
        calls.append(opp.shift.fraction)
        return real(system, opp, **options)

    def no_scope(*args, **kwargs):
        raise AssertionError("the planned partner set's scope is reused")

    monkeypatch.setattr(module, "find_partners", counted)
    monkeypatch.setattr(module, "find_scope", no_scope)
    result = track(tiny, with_plan(tiny.opportunity("frailty")), actuals())
    assert calls == pytest.approx([0.5, 0.25])  # the plan's, then the actuals' partnership
    assert result.settlement.set_index(["payer", "payee"]).loc[("ICB", "ACUTE"), "amount"] == \
        pytest.approx(192_500, abs=0.01)


def test_the_settlement_is_the_one_a_partner_query_would_give(tiny, result):
    from netkit.delivery.track import _at, _transfers

    opp = with_plan(tiny.opportunity("frailty"))
    at_plan = netkit.find_partners(tiny, _at(opp, 0.5))
    at_actual = netkit.find_partners(tiny, _at(opp, result.achieved), incumbents=at_plan.core)
    expected = _transfers(at_actual.risk_share).set_index(["payer", "payee"])["amount"]
    got = result.settlement.set_index(["payer", "payee"])["amount"]
    assert got[got > 0].sort_index().to_dict() == expected.sort_index().to_dict()


def test_the_measures_alone_need_no_partner_query(tiny, monkeypatch):
    from netkit.delivery import track as module

    def refuse(*args, **kwargs):
        raise AssertionError("no partner query for the measures alone")

    monkeypatch.setattr(module, "find_partners", refuse)
    monkeypatch.setattr(module, "money_at", refuse)
    result = track(tiny, with_plan(tiny.opportunity("frailty")), actuals(), partners=False)
    assert result.achieved == pytest.approx(0.25) and result.partnership is None
    assert result.settlement.empty


def test_by_place_each_place_by_hand(tiny):
    """North as the module's series; South's diverted share falls: d1 = 5 / 50 = 0.1, so
    (0.1 − 0.2) / 0.8 = −0.125, −25% of the plan's 0.5. Entries are per 100,000 of each place's
    population in tiny's places.csv (North 60,000, South 40,000): North 100 → 120 a month is
    166.67 → 200, South's 100 is 250."""
    north = actuals().assign(place="North")
    south = actuals(after=(100, 45, 5, 50)).assign(place="South")
    both = pd.concat([south, north], ignore_index=True)
    opp = dataclasses.replace(with_plan(tiny.opportunity("frailty")), places=())
    by_place = track(tiny, opp, both, partners=False).by_place
    assert by_place["place"].tolist() == ["North", "South"]
    assert by_place["baseline_to_share"].tolist() == pytest.approx([0.2, 0.2])
    assert by_place["achieved"].tolist() == pytest.approx([0.25, -0.125])
    assert by_place["achieved_fraction"].tolist() == pytest.approx([0.5, -0.25])
    assert by_place["population"].tolist() == [60_000, 40_000]
    assert by_place["entries_before"].tolist() == pytest.approx([100 / 0.6, 250])
    assert by_place["entries_after"].tolist() == pytest.approx([200, 250])


def test_track_reports_its_stages(tiny):
    from netkit import _progress

    seen = []
    with _progress.reporting(lambda what, done, total: seen.append(what)):
        track(tiny, with_plan(tiny.opportunity("frailty")), actuals())
    assert seen == ["reading the actuals", "the partner set at the plan",
                    "measures and control limits", "settling the gain-share on the actuals",
                    "recomputing the partnership on the actuals"]


def test_the_plan_met_exactly_is_settled_on_the_plans_design(tiny, monkeypatch):
    """Baseline: no patients to UCR (d0 = 0); latest months 25 of 50 (d1 = 0.5): the plan's 50%
    exactly, so who owes whom is the plan's, with no second design."""
    from netkit.delivery import track as module

    rows = [r for m in range(1, 13) for r in month_rows(f"2024-{m:02d}", 100, 50, 0, 50)]
    rows += [r for m in range(1, 4) for r in month_rows(f"2025-{m:02d}", 100, 25, 25, 50)]
    frame = pd.DataFrame(rows, columns=["pathway", "source", "target", "place", "period",
                                        "patients"])

    def refuse(*args, **kwargs):
        raise AssertionError("the plan's design serves")

    monkeypatch.setattr(module, "_design_at", refuse)
    result = track(tiny, with_plan(tiny.opportunity("frailty")), frame)
    assert result.achieved == 0.5
    s = result.settlement
    assert len(s) and (s["amount"] == s["amount_plan"]).all() and (s["difference"] == 0).all()
