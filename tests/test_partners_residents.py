"""Residents keep their place through system-wide services; the responsible commissioner of a
flow is its place's, not the host of the provider's contract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import netkit
from netkit.model.opportunity import Opportunity
from netkit.partners.residents import place_weights, resident_shares
from netkit.partners.scope import find_scope

ORGS = """id,name,type,sector,place,parent,budget
ICB-A,Avon ICB,icb,nhs,,,
ICB-B,Brook ICB (over the border),icb,nhs,,,
ACU,Avon Hospital,acute_trust,nhs,,,
BT,Brook Hospital (over the border),acute_trust,nhs,,,
CC,Avon County Council,local_authority,local_government,,,
GP-A,Ash Surgery,gp_practice,nhs,A,,
GP-B,Birch Surgery,gp_practice,nhs,B,,
"""
SERVICES = """id,name,provider,category,place,capacity,unit_cost,price
GPS-A,General practice,GP-A,primary_care,,,40,
GPS-B,General practice,GP-B,primary_care,,,40,
WARD,Medical wards,ACU,acute_inpatient,,,1000,1000
BWARD,Medical wards,BT,acute_inpatient,,,2000,2000
DSW,Hospital discharge social work,CC,social_care,,,300,300
REAB,Reablement,CC,social_care,,,1400,1400
HC,Home care,CC,social_care,,,2500,2500
"""
#: The county council's discharge team, reablement and home care have no place. Of the 100
#: patients arriving at the ward, 60 come from place A: so 60% of every flow onward from it
#: through the council's services are A's residents.
FLOWS = """pathway,source,target,patients
p,@home,GPS-A,110
p,@home,GPS-B,100
p,GPS-A,WARD,60
p,GPS-B,WARD,40
p,GPS-A,BWARD,10
p,GPS-A,@home,40
p,GPS-B,@home,60
p,WARD,DSW,50
p,WARD,@home,50
p,DSW,REAB,50
p,REAB,HC,30
p,REAB,@home,20
p,HC,@home,30
p,BWARD,@home,10
"""
RELATIONSHIPS = """source,target,type,value,payment,strength
ICB-A,ACU,commissions,3500000,activity,0.8
ICB-A,BT,commissions,3500000,activity,0.5
ICB-B,BT,commissions,6500000,activity,0.8
ICB-A,GP-A,commissions,100000,block,0.6
ICB-A,GP-B,commissions,100000,block,0.6
"""
OPPORTUNITIES = """- id: avon
  pathways: [p]
  places: [A]
"""


def write_system(folder: Path, places: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "system.yaml").write_text("name: Avon\n")
    for name, text in (("organisations", ORGS), ("services", SERVICES), ("flows", FLOWS),
                       ("relationships", RELATIONSHIPS)):
        (folder / f"{name}.csv").write_text(text)
    (folder / "pathways.csv").write_text("id,name\np,Frailty\n")
    (folder / "opportunities.yaml").write_text(OPPORTUNITIES)
    if places is not None:
        (folder / "places.csv").write_text(places)
    return folder


@pytest.fixture
def avon(tmp_path):
    return netkit.load_system(write_system(tmp_path / "avon"))


def test_residents_are_carried_through_system_wide_services(avon):
    flows = avon.flows
    shares = resident_shares(avon, flows)
    row = flows.index[(flows["source"] == "DSW") & (flows["target"] == "REAB")][0]
    got = shares[shares["row"] == row].set_index("place")["share"].round(6).to_dict()
    assert got == {"A": 0.6, "B": 0.4}
    weights = pd.Series(place_weights(avon, flows, ["A"]),
                        index=list(zip(flows["source"], flows["target"])))
    assert weights[("GPS-A", "WARD")] == 1.0 and weights[("GPS-B", "WARD")] == 0.0
    assert weights[("REAB", "HC")] == pytest.approx(0.6)


def test_a_county_wide_council_keeps_its_residents_in_a_locality(avon):
    scope = find_scope(avon, avon.opportunity("avon"))
    activity = scope.services.set_index("id")["activity"]
    # discharge team 30 (60% of 50), reablement 30, home care 18 (60% of 30)
    assert activity[["DSW", "REAB", "HC"]].round(6).to_dict() == {"DSW": 30.0, "REAB": 30.0,
                                                                   "HC": 18.0}
    ps = netkit.find_partners(avon, "avon")
    council = ps.partners.set_index("id").loc["CC"]
    assert council["activity"] == pytest.approx(78)
    assert council["tier"] in ("core", "involve")
    assert any(r.startswith("its Care Act duties (adult social care) are touched") for r in council["reasons"])


def test_without_places_spend_follows_contracts_and_says_so(avon):
    ps = netkit.find_partners(avon, "avon")
    spend = ps.criteria.spend.groupby("commissioner")["spend"].sum()
    # Brook Hospital's 10 admissions of A's residents, £20,000, split 65:35 by contract value
    assert spend["ICB-B"] == pytest.approx(13_000)
    assert any("split by each ICB's share of the provider's contracts" in n
               for n in ps.notes)


def test_across_a_border_the_neighbouring_icb_is_not_our_residents_commissioner(tmp_path):
    folder = write_system(tmp_path / "avon", places="place,name,commissioner,council\n"
                                                    "A,Ashford,ICB-A,CC\nB,Birchley,ICB-A,CC\n")
    system = netkit.load_system(folder)
    ps = netkit.find_partners(system, "avon")
    spend = ps.criteria.spend.groupby("commissioner")["spend"].sum()
    assert "ICB-B" not in set(ps.scope.organisations["id"])
    assert "ICB-B" not in spend.index
    # our residents' 10 admissions at Brook Hospital (£20,000), 60% of the ward's 100
    # (£60,000) and Ash Surgery's 110 contacts at £40 are commissioned by Avon ICB
    assert spend["ICB-A"] == pytest.approx(20_000 + 60_000 + 4_400)
    assert ps.partners.set_index("id").loc["ICB-A", "commissioning_share"] == pytest.approx(1)


def test_a_flows_own_commissioner_comes_first(tmp_path):
    folder = write_system(tmp_path / "avon", places="place,name,commissioner,council\n"
                                                    "A,Ashford,ICB-A,CC\nB,Birchley,ICB-A,CC\n")
    flows = (folder / "flows.csv").read_text().splitlines()
    flows = [flows[0] + ",commissioner"] + [
        line + (",ICB-B" if line.startswith("p,GPS-A,BWARD") else ",") for line in flows[1:]]
    (folder / "flows.csv").write_text("\n".join(flows) + "\n")
    ps = netkit.find_partners(netkit.load_system(folder), "avon")
    spend = ps.criteria.spend.groupby("commissioner")["spend"].sum()
    assert spend["ICB-B"] == pytest.approx(20_000)


def test_whole_system_opportunity_is_unchanged_by_attribution(avon):
    scope = find_scope(avon, Opportunity("all", pathways=("p",)))
    assert scope.flows["patients"].sum() == avon.flows["patients"].sum()


def test_a_councils_contract_share_stays_with_the_council():
    """Riverside's carers' centre is paid by the two councils (£150,000 and £100,000): their
    residents' place commissioner (the ICB) does not take over a council's contract."""
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    ps = netkit.find_partners(riverside, "end-of-life-at-home")
    carers = ps.criteria.spend[ps.criteria.spend["provider"] == "VCSE-CARERS"]
    shares = (carers.set_index("commissioner")["spend"] / carers["spend"].sum()).round(6)
    assert shares.to_dict() == {"LA-NORTH": 0.6, "LA-SOUTH": 0.4}
    assert "LA-SOUTH" in set(ps.scope.organisations["id"])


# -- the carrying on integer codes gives exactly what the plain version by name gave ----------

def _shares_by_name(system, flows):
    """The version by name (merges on text, one step at a time), kept as the reference."""
    import numpy as np

    from netkit.model.schema import HOME
    from netkit.partners.residents import CARRY_STEPS, _service_places

    service_place = _service_places(system)
    own = flows["place"].where(flows["place"].notna(), flows["source"].map(service_place))
    own = own.where(own.notna(), flows["target"].map(service_place))
    fixed = pd.DataFrame({"row": flows.index[own.notna()], "place": own[own.notna()].to_numpy(),
                          "share": 1.0})
    loose = flows[own.isna() & (flows["source"] != HOME)]
    if loose.empty or fixed.empty:
        return fixed
    carried = fixed.iloc[:0]
    for _ in range(CARRY_STEPS):
        known = pd.concat([fixed, carried], ignore_index=True)
        arriving = known.assign(pathway=flows.loc[known["row"], "pathway"].to_numpy(),
                                service=flows.loc[known["row"], "target"].to_numpy(),
                                patients=known["share"].to_numpy()
                                * flows.loc[known["row"], "patients"].to_numpy())
        mix = arriving.groupby(["pathway", "service", "place"], as_index=False)["patients"].sum()
        total = mix.groupby(["pathway", "service"])["patients"].transform("sum")
        mix["mix"] = np.where(total > 0, mix["patients"] / total.where(total > 0, 1.0), 0.0)
        step = (loose.reset_index().rename(columns={"index": "row", "place": "_place"})
                .merge(mix[["pathway", "service", "place", "mix"]],
                       left_on=["pathway", "source"], right_on=["pathway", "service"]))
        step = step[step["mix"] > 0]
        new = pd.DataFrame({"row": step["row"].to_numpy(), "place": step["place"].to_numpy(),
                            "share": step["mix"].to_numpy()})
        new = new.sort_values(["row", "place"], kind="mergesort").reset_index(drop=True)
        if new.equals(carried):
            break
        carried = new
    return pd.concat([fixed, carried], ignore_index=True)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SERVICES = ["S1", "S2", "S3", "S4", "S5", "S6"]


@st.composite
def _systems(draw):
    from types import SimpleNamespace

    service_place = draw(st.lists(st.sampled_from([None, None, "North", "South", "East"]),
                                  min_size=6, max_size=6))
    services = pd.DataFrame({"id": _SERVICES, "provider": ["P"] * 6, "place": service_place})
    orgs = pd.DataFrame({"id": ["P"], "place": [draw(st.sampled_from([None, "West"]))]})
    n = draw(st.integers(1, 25))
    ends = st.sampled_from(_SERVICES + ["@home"])
    flows = pd.DataFrame({
        "pathway": draw(st.lists(st.sampled_from(["a", "b"]), min_size=n, max_size=n)),
        "source": draw(st.lists(ends, min_size=n, max_size=n)),
        "target": draw(st.lists(ends, min_size=n, max_size=n)),
        "patients": draw(st.lists(st.sampled_from([0.0, 1.0, 3.0, 7.5, 10.0, 1 / 3]),
                                  min_size=n, max_size=n)),
        "place": draw(st.lists(st.sampled_from([None, None, None, "North", "South"]),
                               min_size=n, max_size=n))})
    flows.index = draw(st.sampled_from([flows.index, flows.index * 3 + 5]))
    return SimpleNamespace(services=services, organisations=orgs), flows


@settings(max_examples=300, deadline=None)
@given(_systems())
def test_carrying_on_codes_matches_carrying_by_name_exactly(case):
    system, flows = case
    got = resident_shares(system, flows)
    want = _shares_by_name(system, flows)
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        tuple(r) for r in want.itertuples(index=False)]


def test_a_service_no_patient_reaches_gets_no_spend_and_no_warning(tmp_path):
    """riverside with the 999 service's flows at 0 patients: its share of spend by each
    resident's commissioner is 0/0 patients; that is none, and the whole of its spend follows
    its contracts (it was a NaN and a numpy 'invalid value' warning)."""
    import shutil
    import warnings

    from netkit.partners.residents import commissioning_spend

    folder = shutil.copytree(Path(netkit.sample_path("riverside")), tmp_path / "riverside")
    flows = pd.read_csv(folder / "flows.csv", dtype=str, keep_default_na=False)
    at_999 = (flows["source"] == "AMB-999") | (flows["target"] == "AMB-999")
    flows.loc[at_999, "patients"] = "0"
    flows.to_csv(folder / "flows.csv", index=False)
    system = netkit.load_system(folder)
    scope = find_scope(system, system.opportunity("frailty-admissions"))
    assert "AMB-999" in set(scope.services["id"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        spend, _ = commissioning_spend(system, scope.flows, scope.services,
                                       scope.services["activity"] * 0 + 1.0)
    assert spend["spend"].notna().all()
    # every service's spend (1.0 each) is paid by someone, AMB-999's by its contracts
    services = scope.services
    assert spend.loc[spend["provider"] == "AMB-WC", "spend"].sum() == pytest.approx(
        (services["provider"] == "AMB-WC").sum())
