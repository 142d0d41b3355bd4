"""The organisations and services of each ICS, shaped like the real ones.

For each ICB: places (each with a council that runs reablement); GP practices in primary care
networks, each practice in a place, with heavy-tailed (log-normal) list sizes; a hub acute trust
(the largest) and the other acute trusts, each with a catchment of places; community services
run by a community trust where the ICB has one, else by the local acute trust; mental health
services; the region's ambulance trust; and, in each place, care homes, home-care providers,
pharmacies, voluntary bodies and hospices. `build_ics` returns an `ICS`, what the pathway and
relationship builders need to know about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import numpy as np

from netkit.io.generate.builder import Builder
from netkit.io.generate.counts import LIST_SIZE, PER_PRACTICE

__all__ = ["ICS", "Practices", "Acutes", "Community", "MentalHealth", "Providers", "build_ics",
           "place_names", "ambulance_trusts", "thrombectomy_centres"]

PLACE_START = ["Ash", "Brad", "Castle", "Dun", "Elm", "Fair", "Glen", "Hart", "King", "Lang",
               "Mill", "North", "Oak", "Pen", "Rother", "Stan", "Thorn", "Upper", "Wal", "West",
               "Brook", "Cold", "Eden", "Far", "Gold", "Holm", "Ken", "Lea"]
PLACE_END = ["bury", "field", "ford", "ham", "ley", "mouth", "stead", "ton", "wick", "worth",
             "by", "minster", "dale", "well"]
PRACTICE_WORDS = ["Park", "Bridge", "Mill", "Church", "Station Road", "High Street", "Orchard",
                  "Riverside", "St Mary's", "Market", "Abbey", "Castle", "Green Lane", "Victoria"]
PRACTICE_KINDS = ["Surgery", "Medical Centre", "Health Centre", "Medical Practice",
                  "Family Practice", "& Partners"]
HOME_KINDS = ["House", "Lodge", "Court", "Manor", "Grange", "View"]
VCSE_KINDS = ["Age Concern", "Carers' Centre", "Befriending", "Wellbeing Hub", "Men's Shed",
              "Community Transport", "Food Bank", "Breathe Easy", "Diabetes Support Group",
              "Crisis Café", "Dementia Friends"]

# Services are integer indices into the builder's service rows; places are indices into
# ICS.places. Arrays make frozen dataclasses unhashable and their equality ambiguous, hence
# eq=False throughout.


@dataclass(frozen=True, eq=False)
class Practices:
    """GP practices (``service``: general practice at each) and their primary care networks."""

    ids: np.ndarray
    service: np.ndarray
    lists: np.ndarray  # registered patients
    place: np.ndarray
    pcn_ids: np.ndarray
    pcn: np.ndarray  # each PCN's care home support service
    pcn_place: np.ndarray
    pcn_of: np.ndarray  # each practice's PCN


@dataclass(frozen=True, eq=False)
class Acutes:
    """Acute trusts (the hub first) with a service index per trust for each department."""

    ids: np.ndarray
    size: np.ndarray  # relative size, largest first
    ed: np.ndarray
    amu: np.ndarray
    eld: np.ndarray
    res: np.ndarray
    opd: np.ndarray
    hasu: int  # the hub's hyperacute stroke unit
    sw: int  # the hub's stroke ward
    thrombectomy: int | None  # the region's centre, at the hub of the region's largest ICB
    of_place: np.ndarray  # the local acute of each place
    of_practice: np.ndarray  # the acute each practice uses (20% use another of the ICB's)
    place: np.ndarray  # a place for each acute's onward referrals


@dataclass(frozen=True, eq=False)
class Community:
    """Community services, as the service index serving each place; ``trusts`` are the ICB's
    community trusts (none where the local acute trusts run community services)."""

    trusts: np.ndarray
    ucr: np.ndarray
    dn: np.ndarray
    ic: np.ndarray
    esd: np.ndarray
    dsn: np.ndarray
    pr: np.ndarray


@dataclass(frozen=True, eq=False)
class MentalHealth:
    ids: np.ndarray
    cri: np.ndarray
    cmht: np.ndarray
    mhip: np.ndarray
    lia: np.ndarray  # liaison psychiatry at each acute trust
    of_place: np.ndarray  # the trust serving each place


@dataclass(frozen=True, eq=False)
class Providers:
    """Organisations of one kind spread over the places, each running one service."""

    ids: np.ndarray
    service: np.ndarray
    place: np.ndarray
    size: np.ndarray | None = None  # beds, clients or relative size, where the kind has one


@dataclass(frozen=True, eq=False)
class ICS:
    """One integrated care system as built: what its pathways and relationships join."""

    icb: str
    region: str
    area: str  # the ICB's name without "NHS" and "Integrated Care Board"
    population: int
    places: tuple[str, ...]
    councils: np.ndarray  # a council per place
    reablement: np.ndarray  # each council's reablement service
    practices: Practices
    acutes: Acutes
    community: Community
    mental_health: MentalHealth
    ambulance_trust: str
    ambulance: int  # the ambulance service
    care_homes: Providers
    home_care: Providers
    pharmacies: Providers
    voluntary: Providers
    hospices: Providers

    @property
    def n_places(self) -> int:
        return len(self.places)

    def place_of(self, where) -> np.ndarray:
        """The place names at place indices ``where``."""
        return np.array(self.places, dtype=object)[where]


def place_names(rng):
    """Made-up place names in a seeded order, each used once."""
    names = [a + b for a in PLACE_START for b in PLACE_END]
    order = rng.permutation(len(names))
    return iter([names[i] for i in order])


def ambulance_trusts(b: Builder, counts, chosen) -> dict:
    """ICB code -> (ambulance trust, service index); each region's trusts serve its ICBs in turn."""
    out = {}
    for region, rows in chosen.groupby("region", sort=True):
        full = counts[counts["region"] == region]
        n = max(1, int(full["ambulance_trusts"].sum()))
        rname = rows["region_name"].iloc[0]
        ids = [f"AMB-{region}-{k + 1}" for k in range(n)]
        labels = [f"{rname} Ambulance Service NHS Trust"] + [
            f"{rname} Coast Ambulance Service NHS Foundation Trust"] * (n - 1)
        b.org(ids, labels, "ambulance_trust", "nhs", budgets=[3.2e8] * n)
        services = b.service(ids, "AMB")
        for i, icb in enumerate(full["icb"]):
            if icb in set(rows["icb"]):
                out[icb] = (ids[i % n], services[i % n])
    return out


def thrombectomy_centres(chosen) -> set[str]:
    """The ICBs whose hub hosts their region's thrombectomy centre: each region's largest."""
    centres = set()
    for _, rows in chosen.groupby("region", sort=True):
        biggest = rows.sort_values(["gp_practices", "icb"], ascending=[False, True]).iloc[0]
        centres.add(biggest["icb"])
    return centres


def build_ics(b: Builder, row, names, ambulance: tuple, centre: bool) -> ICS:
    """The organisations and services of the ICB in ``row`` (a row of the counts), its places
    named from ``names``; ``centre`` if it hosts the region's thrombectomy centre."""
    icb = row.icb
    area = row.icb_name.removeprefix("NHS ").removesuffix(" Integrated Care Board")
    # a place per former CCG, and at least one per 40 practices (London CCGs merged in 2020;
    # its boroughs are its places)
    n_gp = int(row.gp_practices)
    n_places = max(1, int(row.places), round(n_gp / 40))
    places = tuple(islice(names, n_places))
    population = n_gp * LIST_SIZE
    b.org([icb], [row.icb_name], "icb", "nhs", budgets=[population * 2300.0])
    councils = b.org([f"{icb}-LA{k + 1}" for k in range(n_places)],
                     [f"{p} Council" for p in places], "local_authority", "local_government",
                     places=places, budgets=[population / n_places * 450.0] * n_places)
    reablement = b.service(councils, "REAB", places=places)
    practices = _practices(b, row, places)
    acutes = _acutes(b, row, area, places, population, practices.place, centre)
    community = _community(b, icb, area, n_places, population, int(row.community_trusts), acutes)
    mental_health = _mental_health(b, row, area, places, population, len(acutes.ids))
    independents = _independents(b, icb, places, n_gp)
    return ICS(icb=icb, region=row.region, area=area, population=population, places=places,
               councils=councils, reablement=reablement, practices=practices, acutes=acutes,
               community=community, mental_health=mental_health,
               ambulance_trust=ambulance[0], ambulance=ambulance[1], **independents)


def _practices(b: Builder, row, places) -> Practices:
    """GP practices with log-normal list sizes, in primary care networks; every place has a
    PCN where there are enough."""
    rng, icb, n_places = b.rng, row.icb, len(places)
    n_gp, n_pcn = int(row.gp_practices), max(1, int(row.pcns))
    lists = np.maximum(800, rng.lognormal(np.log(LIST_SIZE) - 0.15, 0.55, n_gp)).round()
    gp_place = np.sort(rng.integers(0, n_places, n_gp))
    pcn_place = np.sort(rng.integers(0, n_places, n_pcn))
    pcn_place[:n_places] = np.arange(n_places)[:n_pcn]  # every place has a PCN where it can
    pcn_place.sort()
    pcn_of = np.array([rng.choice(np.flatnonzero(pcn_place == p)) if (pcn_place == p).any()
                       else rng.integers(n_pcn) for p in gp_place])
    pcn_ids = b.org([f"{icb}-PCN{k + 1:02d}" for k in range(n_pcn)],
                    [f"{places[p]} PCN {k + 1}" for k, p in enumerate(pcn_place)], "pcn",
                    "nhs", places=[places[p] for p in pcn_place])
    gp_ids = b.org(
        [f"{icb}-GP{k + 1:04d}" for k in range(n_gp)],
        [f"{PRACTICE_WORDS[w]} {PRACTICE_KINDS[k]}" for w, k in zip(
            rng.integers(len(PRACTICE_WORDS), size=n_gp),
            rng.integers(len(PRACTICE_KINDS), size=n_gp))],
        "gp_practice", "nhs", places=[places[p] for p in gp_place], parents=pcn_ids[pcn_of])
    gp = b.service(gp_ids, "GEN", capacity=lists)
    pcn = b.service(pcn_ids, "CHS")
    return Practices(ids=gp_ids, service=gp, lists=lists, place=gp_place, pcn_ids=pcn_ids,
                     pcn=pcn, pcn_place=pcn_place, pcn_of=pcn_of)


def _acutes(b: Builder, row, area, places, population, gp_place, centre) -> Acutes:
    """Acute trusts of Pareto sizes, the hub (largest) first with the stroke units; each place's
    local acute (the hub takes the places the others cannot)."""
    rng, icb, n_places, n_gp = b.rng, row.icb, len(places), len(gp_place)
    n_acute = max(1, int(row.acute_trusts))
    acute_size = np.sort(rng.pareto(1.5, n_acute) + 1)[::-1]
    acute_ids = b.org([f"{icb}-ACU{k + 1}" for k in range(n_acute)],
                      [f"{area} University Hospitals NHS Foundation Trust"] + [
                          f"{places[k % n_places]} and District Hospitals NHS Trust"
                          for k in range(1, n_acute)],
                      "acute_trust", "nhs",
                      budgets=(acute_size / acute_size.sum() * population * 950).round())
    ed, amu, eld, res, opd = (b.service(acute_ids, c) for c in ("ED", "AMU", "ELD", "RES", "OPD"))
    hasu, sw = b.service(acute_ids[:1], "HASU"), b.service(acute_ids[:1], "SW")
    thrombectomy = b.service(acute_ids[:1], "THR")[0] if centre else None
    # local acute per place; 20% of practices use another of the ICB's acutes
    place_acute = np.arange(n_places) % n_acute
    gp_acute = place_acute[gp_place]
    other = rng.random(n_gp) < 0.2
    gp_acute[other] = rng.integers(0, n_acute, int(other.sum()))
    return Acutes(ids=acute_ids, size=acute_size, ed=ed, amu=amu, eld=eld, res=res, opd=opd,
                  hasu=hasu[0], sw=sw[0], thrombectomy=thrombectomy, of_place=place_acute,
                  of_practice=gp_acute,
                  place=np.where(np.arange(n_acute) < n_places, np.arange(n_acute), 0))


def _community(b: Builder, icb, area, n_places, population, n_comm, acutes) -> Community:
    """Community services from the ICB's community trusts, or else from each place's local
    acute trust."""
    if n_comm:
        comm_ids = b.org([f"{icb}-COM{k + 1}" for k in range(n_comm)],
                         [f"{area} Community Health Services NHS Trust"] * n_comm,
                         "community_trust", "nhs", budgets=[population * 110.0] * n_comm)
        place_comm_org = np.arange(n_places) % n_comm
    else:  # the local acute trust runs community services
        comm_ids = acutes.ids
        place_comm_org = acutes.of_place
    hosts = np.unique(place_comm_org)
    by_place = {}
    for code in ("UCR", "DN", "IC", "ESD", "DSN", "PR"):
        at_host = dict(zip(hosts, b.service(comm_ids[hosts], code)))
        by_place[code.lower()] = np.array([at_host[place_comm_org[p]] for p in range(n_places)])
    return Community(trusts=comm_ids if n_comm else comm_ids[:0], **by_place)


def _mental_health(b: Builder, row, area, places, population, n_acute) -> MentalHealth:
    """Mental health trusts: crisis, community and inpatient services, and liaison psychiatry
    at each acute trust."""
    icb, n_places = row.icb, len(places)
    n_mh = max(1, int(row.mental_health_trusts))
    mh_ids = b.org([f"{icb}-MH{k + 1}" for k in range(n_mh)],
                   [f"{area} Mental Health NHS Foundation Trust"] + [
                       f"{places[k % n_places]} Partnership NHS Foundation Trust"
                       for k in range(1, n_mh)],
                   "mental_health_trust", "nhs", budgets=[population * 160.0 / n_mh] * n_mh)
    cri, cmht, mhip = (b.service(mh_ids, c) for c in ("CRI", "CMHT", "MHIP"))
    lia = b.service(mh_ids, "LIA")[np.arange(n_acute) % n_mh]  # liaison at each acute
    return MentalHealth(ids=mh_ids, cri=cri, cmht=cmht, mhip=mhip, lia=lia,
                        of_place=np.arange(n_places) % n_mh)


def _independents(b: Builder, icb, places, n_gp) -> dict[str, Providers]:
    """Care homes, home care, pharmacies, voluntary bodies and hospices at national rates per
    GP practice, each in a random place."""
    rng, n_places = b.rng, len(places)

    def many(kind, sector, prefix, namer):
        n = max(1, int(round(n_gp * PER_PRACTICE[kind] * rng.uniform(0.85, 1.15))))
        where = rng.integers(0, n_places, n)
        ids = b.org([f"{icb}-{prefix}{k + 1:04d}" for k in range(n)], namer(n, where),
                    kind, sector, places=[places[p] for p in where])
        return ids, where

    home_ids, home_place = many("care_home", "independent", "CH", lambda n, w: [
        f"{PRACTICE_WORDS[i]} {HOME_KINDS[j]}" for i, j in zip(
            rng.integers(len(PRACTICE_WORDS), size=n), rng.integers(len(HOME_KINDS), size=n))])
    beds = np.maximum(6, rng.lognormal(np.log(32), 0.6, len(home_ids))).round()
    home = b.service(home_ids, "CH", places=[places[p] for p in home_place], capacity=beds)
    hc_ids, hc_place = many("social_care_provider", "independent", "HC", lambda n, w: [
        f"{places[p]} Home Care {'Ltd' if i % 3 else '& Support'}" for i, p in enumerate(w)])
    clients = np.maximum(5, rng.lognormal(np.log(60), 0.8, len(hc_ids))).round()
    hc = b.service(hc_ids, "HC", places=[places[p] for p in hc_place])
    ph_ids, ph_place = many("pharmacy", "independent", "PH", lambda n, w: [
        f"{places[p]} Pharmacy {i + 1}" for i, p in enumerate(w)])
    ph = b.service(ph_ids, "PH", places=[places[p] for p in ph_place])
    vc_ids, vc_place = many("vcse", "vcse", "VC", lambda n, w: [
        f"{places[p]} {VCSE_KINDS[k]}" for p, k in zip(
            w, rng.integers(len(VCSE_KINDS), size=n))])
    vc_size = (rng.pareto(1.2, len(vc_ids)) + 1)
    vc = b.service(vc_ids, "VS", places=[places[p] for p in vc_place])
    hos_ids, hos_place = many("hospice", "vcse", "HOS", lambda n, w: [
        f"St {PRACTICE_WORDS[i].split()[0]}'s Hospice" for i in
        rng.integers(len(PRACTICE_WORDS), size=n)])
    hos = b.service(hos_ids, "HOS")
    return dict(care_homes=Providers(home_ids, home, home_place, beds),
                home_care=Providers(hc_ids, hc, hc_place, clients),
                pharmacies=Providers(ph_ids, ph, ph_place),
                voluntary=Providers(vc_ids, vc, vc_place, vc_size),
                hospices=Providers(hos_ids, hos, hos_place))

