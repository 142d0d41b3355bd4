"""Makes the `shire` and `metro` sample systems from `riverside`, so that comparisons between
them are meaningful (same pathways and opportunities) while the systems differ in the ways that
matter for transferring an intervention. Seeded and deterministic; run from the repository root:

    python sample_networks/make_variants.py

shire: a rural county (population 480,000). One large combined community and mental health
    trust; one care home and one home-care provider for the whole county; fewer voluntary
    bodies; long travel, so more frail older people reach hospital by ambulance and ambulance
    handovers take longer; smaller volumes.
metro: a large city (population 1,250,000). Three general acute trusts share the emergency
    work (plus the children's hospital); eight more voluntary bodies take referrals from the
    wards and from mental health crisis care; twice riverside's volumes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import netkit  # noqa: E402
from netkit.change.changeset import Changeset  # noqa: E402

HERE = Path(__file__).resolve().parent
PLACE_WORDS = {"shire": {"Riverside": "Shire", "Riverton": "Castleford", "Southmere": "Wealdon"},
               "metro": {"Riverside": "Metro", "Riverton": "Northgate", "Southmere": "Southbank"}}
SUFFIX = {"shire": "-SHI", "metro": "-MET"}
#: Each variant's places: population, aged 65 and over, deprivation quintile (1 most deprived).
PLACES = {"shire": {"North": (190_000, 39_900, 3), "South": (290_000, 72_500, 4)},
          "metro": {"North": (720_000, 86_400, 1), "South": (530_000, 74_200, 3)}}


def shire(base):
    change = Changeset.of([
        {"merge_organisations": {"organisations": ["COM-TRUST", "MH-TRUST"], "into": {
            "id": "CMH-TRUST", "name": "Riverside Community and Mental Health NHS Trust",
            "type": "community_trust", "sector": "nhs"}}},
        {"remove_organisation": {"id": "CH-OAKS", "services": {"reassign_to": "CH-MEADOW"}}},
        {"remove_organisation": {"id": "CH-WILLOW", "services": {"reassign_to": "CH-MEADOW"}}},
        {"remove_organisation": {"id": "HC-HELP", "services": {"reassign_to": "HC-BRIGHT"}}},
        {"remove_organisation": {"id": "VCSE-CARERS", "services": {"reassign_to": "VCSE-AGE"}}},
        {"remove_organisation": {"id": "HOUSING", "services": "remove"}},
    ], description="derive shire from riverside")
    system = netkit.apply_changes(base, change).system
    flows = system.flows.copy()
    flows["patients"] = flows["patients"] * 0.7
    # Long travel: more frail older people conveyed by ambulance, fewer seen by the community.
    frail = flows["pathway"] == "frailty-urgent"
    flows.loc[frail & (flows["target"] == "AMB-999"), "patients"] *= 1.35
    flows.loc[frail & (flows["source"] == "AMB-999") & (flows["target"] != "@home"),
              "patients"] *= 1.35
    flows.loc[frail & (flows["target"] == "UCR-COM"), "patients"] *= 0.6
    flows["patients"] = flows["patients"].round()
    return _finish(system, flows, "shire", 480_000,
                   "A made-up rural county derived from riverside by make_variants.py: one "
                   "combined community and mental health trust, one care home, long travel.")


def metro(base):
    system = base
    flows = system.flows.copy()
    orgs, services = system.organisations.copy(), system.services.copy()
    rels = system.relationships.copy()
    new_orgs, new_services, new_flows, new_rels = [], [], [], []
    # Two more general acute trusts take 30% and 25% of the frailty and stroke emergency work.
    acute_services = ("ED-RIV", "AMU-RIV", "ELD-RIV", "STR-RIV")
    for trust, name, share in (("ACU-EAST", "Metro East Hospitals NHS Trust", 0.30),
                               ("ACU-WEST", "Metro West Hospital NHS Foundation Trust", 0.25)):
        new_orgs.append({"id": trust, "name": name, "type": "acute_trust", "sector": "nhs"})
        tag = trust.split("-")[1]
        rename = {s: s.replace("-RIV", f"-{tag}") for s in acute_services}
        for s in acute_services:
            row = services[services["id"] == s].iloc[0].to_dict()
            new_services.append({**row, "id": rename[s], "provider": trust})
        touches = flows["pathway"].isin(["frailty-urgent", "stroke"]) & (
            flows["source"].isin(acute_services) | flows["target"].isin(acute_services))
        moved = flows[touches].copy()
        moved["source"] = moved["source"].replace(rename)
        moved["target"] = moved["target"].replace(rename)
        moved["patients"] = moved["patients"] * share
        new_flows.append(moved)
        new_rels.append({"source": "ICB-RIV", "target": trust, "type": "commissions",
                         "value": 60_000_000 * share / 0.3, "payment": "activity",
                         "strength": 0.7})
    kept = 1 - 0.30 - 0.25
    touches = flows["pathway"].isin(["frailty-urgent", "stroke"]) & (
        flows["source"].isin(acute_services) | flows["target"].isin(acute_services))
    flows.loc[touches, "patients"] *= kept
    # Eight more voluntary bodies: referrals from the elderly wards and from crisis care.
    charities = ["Northgate Good Neighbours", "Southbank Befrienders", "Metro Carers Network",
                 "Men in Sheds Metro", "Metro Refugee Health Link", "Open Door Wellbeing",
                 "Metro Dementia Friends", "Home from Hospital Metro"]
    for i, name in enumerate(charities, 1):
        org, service = f"VCSE-M{i}", f"VCSE-M{i}-SUP"
        new_orgs.append({"id": org, "name": name, "type": "vcse", "sector": "vcse"})
        new_services.append({"id": service, "name": f"{name} support", "provider": org,
                             "category": "vcse_support"})
        source, pathway, patients = (("ELD-RIV", "frailty-urgent", 40 + 10 * i) if i <= 5
                                     else ("CRISIS-MH", "mh-crisis", 30 + 5 * i))
        new_flows.append(pd.DataFrame([
            {"pathway": pathway, "source": source, "target": service, "patients": patients},
            {"pathway": pathway, "source": service, "target": "@home", "patients": patients}]))
        new_rels.append({"source": "LA-NORTH" if i % 2 else "LA-SOUTH", "target": org,
                         "type": "commissions", "value": 60_000 + 5_000 * i, "payment": "block",
                         "strength": 0.4})
    orgs = pd.concat([orgs, pd.DataFrame(new_orgs)], ignore_index=True)
    services = pd.concat([services, pd.DataFrame(new_services)], ignore_index=True)
    rels = pd.concat([rels, pd.DataFrame(new_rels)], ignore_index=True)
    flows = pd.concat([flows] + new_flows, ignore_index=True)
    key = ["pathway", "source", "target", "place"]
    flows = flows.groupby(key, dropna=False, as_index=False, sort=False)["patients"].sum()
    flows["patients"] = (flows["patients"] * 2).round()
    tables = {**system.tables(), "organisations": orgs, "services": services,
              "relationships": rels}
    system = netkit.System(tables, system.meta, list(system.opportunities.values()))
    return _finish(system, flows, "metro", 1_250_000,
                   "A made-up large city derived from riverside by make_variants.py: three "
                   "general acute trusts and many voluntary bodies.")


def _finish(system, flows, name, population, description):
    places = system.places
    for place, (people, older, quintile) in PLACES[name].items():
        at = places["place"] == place
        # riverside's age bands scaled to this place: the under-65 bands to its under-65s, the
        # 65-and-over bands to its 65 and over (so the bands add up to the population)
        was_people = float(places.loc[at, "population"].iloc[0])
        was_older = float(places.loc[at, "population_65plus"].iloc[0])
        for band, old_total, new_total in (("population_0_17", was_people - was_older,
                                            people - older),
                                           ("population_18_64", was_people - was_older,
                                            people - older),
                                           ("population_65_79", was_older, older),
                                           ("population_80plus", was_older, older)):
            if band in places:
                places.loc[at, band] = round(float(places.loc[at, band].iloc[0])
                                             * new_total / old_total)
        young = ["population_0_17", "population_18_64"]
        if all(b in places for b in young):  # rounding: the last band takes the remainder
            places.loc[at, "population_18_64"] = people - older - places.loc[at, young[0]]
        if all(b in places for b in ("population_65_79", "population_80plus")):
            places.loc[at, "population_80plus"] = older - places.loc[at, "population_65_79"]
        places.loc[at, ["population", "population_65plus", "deprivation_quintile"]] = \
            [people, older, quintile]
    tables = {**system.tables(), "flows": flows[flows["patients"] > 0].reset_index(drop=True),
              "places": places}
    meta = {**system.meta, "name": "", "population": population, "description": description}
    # write back only the optional columns that have a value (as riverside's files do)
    given = {n: [c for c in frame.columns if frame[c].notna().any()] for n, frame in tables.items()}
    system = netkit.System(tables, meta, list(system.opportunities.values()), given_columns=given)
    out = HERE / name
    netkit.save_system(system, out, overwrite=True)
    words, suffix = PLACE_WORDS[name], SUFFIX[name]
    for path in sorted(out.iterdir()):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"-RIV\b", suffix, text)
        for old, new in words.items():
            text = text.replace(old, new)
        if path.name == "system.yaml":
            text = re.sub(r"^name: .*$", f"name: {words['Riverside']} Integrated Care System",
                          text, flags=re.M)
        path.write_text(text, encoding="utf-8")
    (out / "README.md").write_text(
        f"# {name}\n\n{description}\n\nMade by `../make_variants.py` from `../riverside`; do not "
        "edit by hand: change the script and run it again.\n", encoding="utf-8")
    netkit.load_system(out)  # it must load cleanly
    return out


if __name__ == "__main__":
    riverside = netkit.load_system(HERE / "riverside")
    print(shire(riverside))
    print(metro(riverside))
