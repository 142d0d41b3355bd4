"""Derives `netkit/data/ics_counts.csv`, the real shape of England's 42 integrated care systems
that `netkit generate` draws on, from the NHS organisation reference data in
``../shared/data/nhs_ods`` (NHS England ODS and ONS, Open Government Licence v3.0). Only counts
are shipped, never an organisation's name or code (ICB codes and names excepted). Run from the
repository root:

    python sample_networks/make_ics_counts.py [--check]

``--check`` compares with the shipped file instead of writing it (exit code 1 if they differ).

Columns of the result, one row per ICB:

icb, icb_name
    ODS code (3 characters) and name, from ONS's ICB names and codes (December 2024).
region, region_name
    NHS England region (ODS national grouping) of the ICB's GP practices.
places
    Former clinical commissioning groups (September 2020) holding at least 5 of the ICB's
    active GP practices: the usual footprint of a place-based partnership (GP registrations
    mapping file, September 2020). The generator gives each place one council.
gp_practices
    Active GP practices (status A, prescribing setting 4) in the ICB (epraccur, December 2023).
pcns
    Primary care networks with at least one of those practices as a current core partner
    (ePCN, April 2022); practices in no PCN then are spread over these by the generator.
acute_trusts, community_trusts, mental_health_trusts, ambulance_trusts
    Open NHS trusts whose ODS parent is the ICB (etr, early 2025), typed from their names by
    the keyword rules in `TRUST_TYPES` below (an approximation: some trusts run several kinds
    of service). An ICB with no acute trust of its own gets one in the generator.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
ODS = ROOT.parent / "shared" / "data" / "nhs_ods"
OUT = ROOT / "netkit" / "data" / "ics_counts.csv"
REGIONS = {"Y56": "London", "Y58": "South West", "Y59": "South East", "Y60": "Midlands",
           "Y61": "East of England", "Y62": "North West", "Y63": "North East and Yorkshire"}
# First match wins; checked against the upper-case trust name.
TRUST_TYPES = [
    ("ambulance", ["AMBULANCE"]),
    ("community", ["COMMUNITY"]),
    ("mental_health", [
        "MENTAL HEALTH", "PARTNERSHIP", "PENNINE CARE", "MERSEY CARE", "OXLEAS", "TAVISTOCK",
        "TEES, ESK", "CUMBRIA, NORTHUMBERLAND", "SOUTH LONDON AND MAUDSLEY", "NORTH LONDON NHS",
        "NORTH EAST LONDON", "EAST LONDON NHS", "WEST LONDON NHS", "CENTRAL AND NORTH WEST LONDON",
        "OXFORD HEALTH", "NOTTINGHAMSHIRE HEALTHCARE", "DERBYSHIRE HEALTHCARE",
        "BERKSHIRE HEALTHCARE", "NORTHAMPTONSHIRE HEALTHCARE", "DORSET HEALTHCARE",
        "HUMBER TEACHING", "NORFOLK AND SUFFOLK", "CAMBRIDGESHIRE AND PETERBOROUGH",
        "COMBINED HEALTHCARE", "ROTHERHAM DONCASTER AND SOUTH HUMBER",
        "HAMPSHIRE AND ISLE OF WIGHT HEALTHCARE", "HEALTH AND CARE NHS"]),
]


def trust_type(name: str) -> str:
    for kind, words in TRUST_TYPES:
        if any(word in name for word in words):
            return kind
    return "acute"


def derive() -> pd.DataFrame:
    text = dict(dtype=str, keep_default_na=False)
    icbs = pd.read_csv(ODS / "icb_names_codes_dec_2024.csv", **text).rename(
        columns={"ICB24CDH": "icb", "ICB24NM": "icb_name"})[["icb", "icb_name"]]
    prac = pd.read_csv(ODS / "epraccur_2023-12.csv", **text)
    prac = prac[(prac["status_code"] == "A") & (prac["prescribing_setting"] == "4")
                & prac["high_level_health_geography"].isin(icbs["icb"])]
    prac = prac.rename(columns={"high_level_health_geography": "icb"})
    members = pd.read_csv(ODS / "epcn_2022-04_core_partner_details.csv", **text)
    members = members[members["practice_to_pcn_relationship_end_date"] == ""]
    prac = prac.merge(members[["partner_organisation_code", "pcn_code"]], how="left",
                      left_on="organisation_code", right_on="partner_organisation_code")
    ccgs = pd.read_csv(ODS / "gp_reg_pat_prac_map_2020-09.csv", **text)
    prac = prac.merge(ccgs[["PRACTICE_CODE", "CCG_CODE"]], how="left",
                      left_on="organisation_code", right_on="PRACTICE_CODE")
    per_ccg = prac.groupby(["icb", "CCG_CODE"]).size()
    places = per_ccg[per_ccg >= 5].groupby(level="icb").size().rename("places")
    per_icb = prac.groupby("icb").agg(
        region=("national_grouping", lambda s: s.mode().iloc[0]),
        gp_practices=("organisation_code", "nunique"), pcns=("pcn_code", "nunique")).join(places)
    trusts = pd.read_csv(ODS / "etr_2025.csv", **text)
    trusts = trusts[(trusts["close_date"] == "") & trusts["high_level_health_geography"].isin(
        icbs["icb"])]
    trusts = trusts.assign(kind=trusts["name"].str.upper().map(trust_type) + "_trusts")
    kinds = pd.crosstab(trusts["high_level_health_geography"], trusts["kind"])
    out = icbs.merge(per_icb, left_on="icb", right_index=True, how="left").merge(
        kinds, left_on="icb", right_index=True, how="left")
    for column in ("acute_trusts", "community_trusts", "mental_health_trusts",
                   "ambulance_trusts"):
        out[column] = out.get(column, 0)
    out = out.fillna(0)
    out.insert(3, "region_name", out["region"].map(REGIONS))
    columns = ["icb", "icb_name", "region", "region_name", "places", "gp_practices", "pcns",
               "acute_trusts", "community_trusts", "mental_health_trusts", "ambulance_trusts"]
    out = out[columns].sort_values(["region", "icb"]).reset_index(drop=True)
    for column in columns[4:]:
        out[column] = out[column].astype(int)
    return out


def main(argv: list[str]) -> int:
    if not ODS.exists():
        print(f"{ODS} not found: this script needs the shared NHS ODS data beside the checkout")
        return 1
    table = derive()
    text = ("# Derived from NHS England ODS data (epraccur Dec 2023, ePCN Apr 2022, etr 2025) and "
            "ONS ICB names and codes (Dec 2024). Contains public sector information licensed "
            "under the Open Government Licence v3.0. Made by sample_networks/make_ics_counts.py.\n"
            + table.to_csv(index=False, lineterminator="\n"))
    if "--check" in argv:
        same = OUT.read_text(encoding="utf-8") == text
        print("the shipped counts match the ODS data" if same else f"{OUT} differs: re-run")
        return 0 if same else 1
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}: {len(table)} ICBs, {table['gp_practices'].sum()} GP practices, "
          f"{table['pcns'].sum()} PCNs, "
          f"{table[[c for c in table if c.endswith('_trusts')]].sum().to_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
