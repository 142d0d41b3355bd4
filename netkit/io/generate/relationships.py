"""The relationships of each ICS: who commissions, contracts with, shares data with and works
in partnership with whom, with the yearly value of each contract."""

from __future__ import annotations

from netkit.io.generate.builder import Builder
from netkit.io.generate.organisations import ICS

__all__ = ["add_relationships"]


def add_relationships(b: Builder, ics: ICS) -> None:
    """The ICB's contracts with its providers, the councils' with care providers, and the
    partnerships between trusts, councils, PCNs and care homes."""
    icb, population, rng = ics.icb, ics.population, b.rng
    acutes, p, mh = ics.acutes, ics.practices, ics.mental_health
    trusts = ics.community.trusts
    b.rel(icb, acutes.ids, "commissions", (acutes.size / acutes.size.sum() * population * 520)
          .round(-3), "activity")
    if len(trusts):
        b.rel(icb, trusts, "commissions", round(population * 95 / len(trusts), -3), "block")
        b.rel(acutes.ids[0], trusts, "data_sharing")
    b.rel(icb, mh.ids, "commissions", round(population * 140 / len(mh.ids), -3), "block")
    b.rel(icb, ics.ambulance_trust, "commissions", round(population * 30, -3), "activity")
    b.rel(icb, p.pcn_ids, "commissions", round(population / len(p.pcn_ids) * 12, -3), "block")
    b.rel(icb, p.ids, "contract", (p.lists * 110).round(-3), "block")
    b.rel(icb, ics.councils, "partnership")
    b.rel(icb, ics.hospices.ids, "commissions", 650000.0, "block")
    funded = ics.voluntary.ids[rng.random(len(ics.voluntary.ids)) < 0.3]
    b.rel(icb, funded, "commissions", 40000.0, "block")
    b.rel(icb, ics.pharmacies.ids, "contract", 180000.0, "activity")
    homes, home_care = ics.care_homes, ics.home_care
    b.rel(ics.councils[homes.place], homes.ids, "commissions", (homes.size * 38000).round(-3),
          "activity")
    b.rel(ics.councils[home_care.place], home_care.ids, "commissions",
          (home_care.size * 21000).round(-3), "activity")
    b.rel(acutes.ids[0], mh.ids, "partnership")
    b.rel(p.pcn_ids[b.pick(homes.place, p.pcn_place, ics.n_places, 1)[:, 0]], homes.ids,
          "partnership")
