"""Realistic synthetic systems at the scale of one ICS, a region or all of England.

`generate_system` writes a system folder to the format contract whose structure follows the real
shape of England's 42 integrated care systems: GP practices, primary care networks, places and
NHS trusts per ICB as counted in NHS England's organisation data (`netkit/data/ics_counts.csv`,
derived by ``sample_networks/make_ics_counts.py``; Open Government Licence v3.0), and care homes,
home-care providers, pharmacies, hospices and voluntary bodies at national rates per GP
practice. Every name, code and volume in the result is made up; only the counts are real.

Structure, for each ICB: places (each with a council that runs reablement); GP practices in
primary care networks, each practice in a place, with heavy-tailed (log-normal) list sizes; a
hub acute trust (the largest) and the other acute trusts, each with a catchment of places;
community services run by a community trust where the ICB has one, else by the local acute
trust; mental health services; the region's ambulance trust; and, in each place, care homes,
home-care providers, pharmacies and voluntary bodies. Each region's largest ICB's hub hosts
the region's thrombectomy centre, so stroke pathways cross ICB boundaries.

Pathways per ICB (tags give the theme and ``THEME-REGION``): frailty urgent care, end of life,
type 2 diabetes, COPD, mental health crisis and stroke. Opportunities are scoped to one ICS
(``QKK-frailty-admissions``, ...), to a region (``Y56-stroke-network``) and to the nation
(``national-frailty-admissions``), as the scale allows.

Everything is drawn from one seeded ``numpy`` generator, so a scale, area and seed give the
same bytes every time.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from netkit.errors import OptionError
from netkit.io.saving import check_target, write_folder
from netkit.render.formats import html_table

__all__ = ["generate_system", "GeneratedSystem", "SCALES", "ics_counts"]

SCALES = ("ics", "region", "national")
#: Patients registered per GP practice in England (about 60 million over 6,348 practices).
LIST_SIZE = 9_450
#: Organisations that ODS does not count here, per GP practice at national rates: about
#: 14,000 care homes (CQC), 8,500 home-care providers, 10,500 community pharmacies, 200
#: hospices, and the voluntary bodies that take referrals in these pathways.
PER_PRACTICE = {"care_home": 2.2, "social_care_provider": 1.35, "pharmacy": 1.65,
                "vcse": 1.5, "hospice": 0.032}
#: Coordination cost of the regional and national opportunities (the default, 0.02 a partner,
#: suits one ICS: in a region or the nation each organisation's share of the work is so much
#: smaller that no one would clear it).
REGION_COST = {"partner": 0.005, "new_tie": 0.0002}
NATIONAL_COST = {"partner": 0.002, "new_tie": 0.00005}
#: How many pharmacies and voluntary bodies in its place a practice refers to, per pathway.
FAN_OUT = 6
ATTRIBUTION = ("Structure derived from NHS England Organisation Data Service data and ONS ICB "
               "names and codes; contains public sector information licensed under the Open "
               "Government Licence v3.0. Every organisation name, code and volume is synthetic.")
THEMES = {  # pathway theme -> (name, cohort)
    "frailty-urgent": ("Frailty urgent care", "frail_older"),
    "end-of-life": ("End of life care", "end_of_life"),
    "diabetes": ("Type 2 diabetes", "adults_ltc"),
    "copd": ("COPD", "adults_ltc"),
    "mh-crisis": ("Mental health crisis", "adults_mh"),
    "stroke": ("Stroke", "adults"),
}
THEME_TAGS = {"frailty-urgent": ["frailty", "urgent_care"], "end-of-life": ["end_of_life"],
              "diabetes": ["diabetes", "long_term_conditions"],
              "copd": ["copd", "long_term_conditions"],
              "mh-crisis": ["mental_health", "urgent_care"], "stroke": ["stroke", "urgent_care"]}
# service code -> (name, category, unit_cost, price); price empty where paid by block
SERVICES = {
    "GEN": ("General practice", "primary_care", 45, None),
    "CHS": ("Care home support and enhanced access", "primary_care", 60, None),
    "ED": ("Emergency department", "urgent_emergency", 280, 270),
    "AMU": ("Acute medical unit", "acute_inpatient", 1900, 2100),
    "ELD": ("Elderly care wards", "acute_inpatient", 4200, 4400),
    "RES": ("Respiratory wards", "acute_inpatient", 3600, 3800),
    "OPD": ("Diabetes outpatients", "acute_outpatient", 160, 170),
    "HASU": ("Hyperacute stroke unit", "acute_inpatient", 9000, 9500),
    "SW": ("Stroke ward", "acute_inpatient", 5200, 5400),
    "THR": ("Mechanical thrombectomy", "acute_inpatient", 12000, 12500),
    "UCR": ("Urgent community response", "community", 180, None),
    "DN": ("District nursing", "community", 60, None),
    "IC": ("Intermediate care beds", "community", 2400, None),
    "ESD": ("Early supported discharge after stroke", "community", 1500, None),
    "DSN": ("Diabetes specialist nursing", "community", 90, None),
    "PR": ("Pulmonary rehabilitation", "community", 300, None),
    "CRI": ("Crisis resolution and home treatment", "mental_health", 650, None),
    "LIA": ("Liaison psychiatry", "mental_health", 250, None),
    "CMHT": ("Community mental health team", "mental_health", 120, None),
    "MHIP": ("Mental health inpatient wards", "mental_health", 8000, None),
    "AMB": ("Emergency ambulance", "ambulance", 320, 300),
    "REAB": ("Reablement", "social_care", 1500, None),
    "CH": ("Care home beds", "care_home", 3500, 3600),
    "HC": ("Home care", "social_care", 2000, 2100),
    "PH": ("Community pharmacy", "pharmacy", 12, 14),
    "HOS": ("Hospice care", "community", 4500, None),
    "VS": ("Community support", "vcse_support", 80, None),
}
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


def ics_counts() -> pd.DataFrame:
    """The real per-ICB counts the generator follows (one row per ICB).

    Examples
    --------
    >>> counts = ics_counts()
    >>> len(counts), int(counts["gp_practices"].sum())
    (42, 6348)
    """
    text = resources.files("netkit").joinpath("data/ics_counts.csv").read_text(encoding="utf-8")
    from io import StringIO

    return pd.read_csv(StringIO(text), comment="#", dtype={"icb": str, "region": str})


@dataclass(frozen=True)
class GeneratedSystem:
    """What `generate_system` wrote: where, at what scale, and how much of each thing.

    ``organisations`` counts organisations by type; ``tables`` counts rows per table.
    """

    path: Path
    scale: str
    seed: int
    area: str
    icbs: tuple[str, ...]
    organisations: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    opportunities: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"path": str(self.path), "scale": self.scale, "seed": self.seed,
                "area": self.area, "icbs": list(self.icbs),
                "organisations": dict(self.organisations), "tables": dict(self.tables),
                "opportunities": list(self.opportunities)}

    def to_frame(self) -> pd.DataFrame:
        rows = [("organisations", k, v) for k, v in self.organisations.items()]
        rows += [("tables", k, v) for k, v in self.tables.items()]
        return pd.DataFrame(rows, columns=["what", "name", "count"])

    def to_text(self) -> str:
        lines = [f"Wrote {self.path}: {self.scale} scale ({self.area}), seed {self.seed}",
                 f"  {self.tables.get('organisations', 0):,} organisations, "
                 f"{self.tables.get('services', 0):,} services, "
                 f"{self.tables.get('pathways', 0):,} pathways, "
                 f"{self.tables.get('flows', 0):,} flows, "
                 f"{self.tables.get('relationships', 0):,} relationships, "
                 f"{len(self.opportunities):,} opportunities",
                 *textwrap.wrap("organisations by type: " + ", ".join(
                     f"{k} {v:,}" for k, v in self.organisations.items()), 96,
                     initial_indent="  ", subsequent_indent="    "),
                 *textwrap.wrap(ATTRIBUTION, 96, initial_indent="  ", subsequent_indent="  ")]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return (f"<p>{self.to_text().splitlines()[0]}</p>"
                + html_table(self.to_frame()))

    def __str__(self) -> str:
        return self.to_text()


def generate_system(path: str | Path, scale: str = "ics", *, seed: int = 0,
                    area: str | None = None, overwrite: bool = False) -> GeneratedSystem:
    """Write a realistic synthetic system folder at the scale of an ICS, a region or England.

    Parameters
    ----------
    path : str or Path
        The folder to write (all or nothing).
    scale : {"ics", "region", "national"}
        One integrated care system (about 1,000 organisations), one NHS region (about 7,000)
        or all 42 (about 50,000 organisations and 1 million flows).
    seed : int
        Seed for every random draw; the same scale, area and seed give the same files.
    area : str, optional
        The ICB code (``ics``: e.g. ``QKK``) or region code or name (``region``: ``Y56`` or
        ``London``). By default the seed picks one.
    overwrite : bool
        Replace netkit's own files in an existing system folder (other files are left
        alone); see `netkit.save_system`.

    Returns
    -------
    GeneratedSystem

    Raises
    ------
    OptionError
        If the scale or area is unknown.

    Examples
    --------
    >>> import netkit, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "ics"
    >>> made = generate_system(out, "ics", seed=1, area="QKK")
    >>> made.icbs, made.organisations["gp_practice"]
    (('QKK',), 197)
    >>> system = netkit.load_system(out)
    >>> len(system.organisations) == made.tables["organisations"]
    True
    """
    if scale not in SCALES:
        raise OptionError(f"scale: {scale!r} is not a scale (expected one of "
                          f"{', '.join(SCALES)})")
    counts = ics_counts()
    rng = np.random.default_rng(seed)
    chosen, area_name = _choose_area(counts, scale, area, rng)
    path = Path(path)
    check_target(path, overwrite)  # before the (possibly long) build; write_folder checks again
    builder = _Builder(counts, chosen, scale, area_name, seed, rng)
    tables, meta, opportunities = builder.build()
    write_folder(path, tables, meta, opportunities, overwrite=overwrite)
    orgs = tables["organisations"]
    by_type = orgs["type"].value_counts()
    return GeneratedSystem(
        path=path, scale=scale, seed=seed, area=area_name, icbs=tuple(chosen["icb"]),
        organisations={t: int(by_type[t]) for t in sorted(by_type.index)},
        tables={name: len(frame) for name, frame in tables.items()},
        opportunities=tuple(o["id"] for o in opportunities))


def _choose_area(counts: pd.DataFrame, scale: str, area: str | None, rng):
    if scale == "national":
        if area not in (None, "", "England", "national"):
            raise OptionError(f"area: national scale covers all of England; leave out "
                              f"--area (got {area!r})")
        return counts, "England"
    if scale == "ics":
        if area is None:
            area = counts["icb"].iloc[int(rng.integers(len(counts)))]
        match = counts[counts["icb"].str.upper() == str(area).upper()]
        if match.empty:
            raise OptionError(f"area: {area!r} is not an ICB code (expected one of "
                              f"{', '.join(counts['icb'])})")
        return match, f"{match['icb'].iloc[0]} {match['icb_name'].iloc[0]}"
    regions = counts.drop_duplicates("region")[["region", "region_name"]]
    if area is None:
        area = regions["region"].iloc[int(rng.integers(len(regions)))]
    key = str(area).strip().lower()
    hit = regions[(regions["region"].str.lower() == key) | (regions["region_name"].str.lower() == key)]
    if hit.empty:
        raise OptionError(f"area: {area!r} is not an NHS region (expected a code or name: " +
                          ", ".join(f"{r} {n}" for r, n in zip(regions["region"],
                                                               regions["region_name"])) + ")")
    code = hit["region"].iloc[0]
    return counts[counts["region"] == code], f"{code} {hit['region_name'].iloc[0]}"


class _Builder:
    """Builds the tables; organisations and services are kept as column lists, flows as integer
    service indices with patients, so a national system is a few seconds of numpy."""

    def __init__(self, counts, chosen, scale, area_name, seed, rng):
        self.counts, self.chosen, self.scale, self.area_name = counts, chosen, scale, area_name
        self.seed, self.rng = seed, rng
        self.orgs: dict[str, list] = {k: [] for k in
                                      ("id", "name", "type", "sector", "place", "parent", "budget")}
        self.svc: dict[str, list] = {k: [] for k in ("id", "name", "provider", "category",
                                                     "place", "capacity", "unit_cost", "price")}
        self.svc_index: dict[str, int] = {}
        self.flow_parts: list[tuple] = []  # (pathway, src idx array, tgt idx array, patients, place)
        self.rels: list[tuple] = []
        self.pathways: list[tuple] = []
        self.opportunities: list[dict] = []
        self.ics_rows: list[dict] = []  # per ICS: what its opportunities name
        self.stroke_pathway: dict = {}  # HASU service index -> (stroke pathway, strokes a year)

    # -- organisations and services -------------------------------------------------------
    def org(self, ids, names, kind, sector, places="", parents="", budgets=None):
        ids = list(ids)
        n = len(ids)
        as_list = (lambda v: list(v) if not isinstance(v, str) else [v] * n)
        self.orgs["id"] += ids
        self.orgs["name"] += as_list(names)
        self.orgs["type"] += [kind] * n
        self.orgs["sector"] += [sector] * n
        self.orgs["place"] += as_list(places)
        self.orgs["parent"] += as_list(parents)
        self.orgs["budget"] += list(budgets) if budgets is not None else [None] * n
        return np.array(ids, dtype=object)

    def service(self, providers, code, places="", capacity=None) -> np.ndarray:
        """One service of kind ``code`` at each provider; returns their indices."""
        name, category, cost, price = SERVICES[code]
        providers = list(providers)
        n = len(providers)
        start = len(self.svc["id"])
        ids = [f"{p}-{code}" for p in providers]
        self.svc["id"] += ids
        self.svc["name"] += [name] * n
        self.svc["provider"] += providers
        self.svc["category"] += [category] * n
        self.svc["place"] += list(places) if not isinstance(places, str) else [places] * n
        self.svc["capacity"] += list(capacity) if capacity is not None else [None] * n
        self.svc["unit_cost"] += [cost] * n
        self.svc["price"] += [price] * n
        return np.arange(start, start + n)

    def flow(self, pathway, src, tgt, patients, place=""):
        """Flows from service indices ``src`` to ``tgt`` (-1 is @home), broadcast together."""
        arrays = [np.asarray(src), np.asarray(tgt), np.asarray(patients, dtype=float)]
        if not isinstance(place, str):
            arrays.append(np.asarray(place, dtype=object))
        arrays = np.broadcast_arrays(*arrays)
        places = place if isinstance(place, str) else arrays[3].ravel()
        self.flow_parts.append((pathway, arrays[0].ravel(), arrays[1].ravel(), arrays[2].ravel(),
                                places))

    def rel(self, sources, targets, kind, values=None, payment="", strength=None):
        sources, targets = np.broadcast_arrays(np.asarray(sources, dtype=object),
                                               np.asarray(targets, dtype=object))
        n = sources.size
        values = [None] * n if values is None else list(np.broadcast_to(values, (n,)))
        strength = (np.round(self.rng.uniform(0.3, 0.9, n), 2) if strength is None
                    else np.broadcast_to(strength, (n,)))
        self.rels += list(zip(sources.ravel(), targets.ravel(), [kind] * n, values,
                              [payment] * n, strength))

    # -- the whole build --------------------------------------------------------------------
    def build(self):
        rng = self.rng
        names = [a + b for a in PLACE_START for b in PLACE_END]
        order = rng.permutation(len(names))
        self.place_names = [names[i] for i in order]
        self.next_place = 0
        self.ambulance = self._ambulance_trusts()
        self.thrombectomy = {}
        for region, rows in self.chosen.groupby("region", sort=True):
            biggest = rows.sort_values(["gp_practices", "icb"], ascending=[False, True]).iloc[0]
            self.thrombectomy[region] = biggest["icb"]
        self.region_stroke: dict[str, list] = {}
        for row in self.chosen.itertuples(index=False):
            self._ics(row)
        self._regional_stroke()
        self._opportunities()
        return self._tables()

    def _ambulance_trusts(self) -> dict:
        """ICB code -> ambulance service index; each region's trusts serve its ICBs in turn."""
        out = {}
        for region, rows in self.chosen.groupby("region", sort=True):
            full = self.counts[self.counts["region"] == region]
            n = max(1, int(full["ambulance_trusts"].sum()))
            rname = rows["region_name"].iloc[0]
            ids = [f"AMB-{region}-{k + 1}" for k in range(n)]
            labels = [f"{rname} Ambulance Service NHS Trust"] + [
                f"{rname} Coast Ambulance Service NHS Foundation Trust"] * (n - 1)
            self.org(ids, labels, "ambulance_trust", "nhs", budgets=[3.2e8] * n)
            services = self.service(ids, "AMB")
            for i, icb in enumerate(full["icb"]):
                if icb in set(rows["icb"]):
                    out[icb] = (ids[i % n], services[i % n])
        return out

    def _ics(self, row):
        rng, icb = self.rng, row.icb
        area = row.icb_name.removeprefix("NHS ").removesuffix(" Integrated Care Board")
        # a place per former CCG, and at least one per 40 practices (London CCGs merged in 2020;
        # its boroughs are its places)
        n_gp, n_pcn = int(row.gp_practices), max(1, int(row.pcns))
        n_places = max(1, int(row.places), round(n_gp / 40))
        places = self.place_names[self.next_place:self.next_place + n_places]
        self.next_place += n_places
        population = n_gp * LIST_SIZE
        self.org([icb], [row.icb_name], "icb", "nhs", budgets=[population * 2300.0])
        # places and councils
        la = self.org([f"{icb}-LA{k + 1}" for k in range(n_places)],
                      [f"{p} Council" for p in places], "local_authority", "local_government",
                      places=places, budgets=[population / n_places * 450.0] * n_places)
        reab = self.service(la, "REAB", places=places)
        # GP practices and PCNs
        lists = np.maximum(800, rng.lognormal(np.log(LIST_SIZE) - 0.15, 0.55, n_gp)).round()
        gp_place = np.sort(rng.integers(0, n_places, n_gp))
        pcn_place = np.sort(rng.integers(0, n_places, n_pcn))
        pcn_place[:n_places] = np.arange(n_places)[:n_pcn]  # every place has a PCN where it can
        pcn_place.sort()
        pcn_of = np.array([rng.choice(np.flatnonzero(pcn_place == p)) if (pcn_place == p).any()
                           else rng.integers(n_pcn) for p in gp_place])
        pcn_ids = self.org([f"{icb}-PCN{k + 1:02d}" for k in range(n_pcn)],
                           [f"{places[p]} PCN {k + 1}" for k, p in enumerate(pcn_place)], "pcn",
                           "nhs", places=[places[p] for p in pcn_place])
        gp_ids = self.org(
            [f"{icb}-GP{k + 1:04d}" for k in range(n_gp)],
            [f"{PRACTICE_WORDS[w]} {PRACTICE_KINDS[k]}" for w, k in zip(
                rng.integers(len(PRACTICE_WORDS), size=n_gp),
                rng.integers(len(PRACTICE_KINDS), size=n_gp))],
            "gp_practice", "nhs", places=[places[p] for p in gp_place], parents=pcn_ids[pcn_of])
        gp = self.service(gp_ids, "GEN", capacity=lists)
        pcn = self.service(pcn_ids, "CHS")
        # trusts
        n_acute = max(1, int(row.acute_trusts))
        acute_size = np.sort(rng.pareto(1.5, n_acute) + 1)[::-1]
        acute_ids = self.org([f"{icb}-ACU{k + 1}" for k in range(n_acute)],
                             [f"{area} University Hospitals NHS Foundation Trust"] + [
                                 f"{places[k % n_places]} and District Hospitals NHS Trust"
                                 for k in range(1, n_acute)],
                             "acute_trust", "nhs",
                             budgets=(acute_size / acute_size.sum() * population * 950).round())
        ed, amu, eld, res, opd = (self.service(acute_ids, c) for c in ("ED", "AMU", "ELD", "RES", "OPD"))
        hasu, sw = self.service(acute_ids[:1], "HASU"), self.service(acute_ids[:1], "SW")
        if self.thrombectomy.get(row.region) == icb:
            self.region_stroke.setdefault(row.region, []).insert(
                0, ("centre", self.service(acute_ids[:1], "THR")[0]))
        self.region_stroke.setdefault(row.region, []).append(("hasu", hasu[0]))
        # local acute per place (the hub takes the places the others cannot), 20% of practices
        # use another of the ICB's acutes
        place_acute = np.arange(n_places) % n_acute
        gp_acute = place_acute[gp_place]
        other = rng.random(n_gp) < 0.2
        gp_acute[other] = rng.integers(0, n_acute, int(other.sum()))
        n_comm, n_mh = int(row.community_trusts), max(1, int(row.mental_health_trusts))
        if n_comm:
            comm_ids = self.org([f"{icb}-COM{k + 1}" for k in range(n_comm)],
                                [f"{area} Community Health Services NHS Trust"] * n_comm,
                                "community_trust", "nhs", budgets=[population * 110.0] * n_comm)
            place_comm_org = np.arange(n_places) % n_comm
        else:  # the local acute trust runs community services
            comm_ids = acute_ids
            place_comm_org = place_acute
        hosts = np.unique(place_comm_org)
        comm = {c: dict(zip(hosts, self.service(comm_ids[hosts], c)))
                for c in ("UCR", "DN", "IC", "ESD", "DSN", "PR")}
        place_comm = {c: np.array([comm[c][place_comm_org[p]] for p in range(n_places)])
                      for c in comm}
        mh_ids = self.org([f"{icb}-MH{k + 1}" for k in range(n_mh)],
                          [f"{area} Mental Health NHS Foundation Trust"] + [
                              f"{places[k % n_places]} Partnership NHS Foundation Trust"
                              for k in range(1, n_mh)],
                          "mental_health_trust", "nhs", budgets=[population * 160.0 / n_mh] * n_mh)
        cri, cmht, mhip = (self.service(mh_ids, c) for c in ("CRI", "CMHT", "MHIP"))
        lia = self.service(mh_ids, "LIA")[np.arange(n_acute) % n_mh]  # liaison at each acute
        place_mh = np.arange(n_places) % n_mh
        amb_org, amb = self.ambulance[icb]
        # care homes, home care, pharmacies, voluntary bodies, hospices
        def many(kind, sector, prefix, namer):
            n = max(1, int(round(n_gp * PER_PRACTICE[kind] * rng.uniform(0.85, 1.15))))
            where = rng.integers(0, n_places, n)
            ids = self.org([f"{icb}-{prefix}{k + 1:04d}" for k in range(n)], namer(n, where),
                           kind, sector, places=[places[p] for p in where])
            return ids, where

        home_ids, home_place = many("care_home", "independent", "CH", lambda n, w: [
            f"{PRACTICE_WORDS[i]} {HOME_KINDS[j]}" for i, j in zip(
                rng.integers(len(PRACTICE_WORDS), size=n), rng.integers(len(HOME_KINDS), size=n))])
        beds = np.maximum(6, rng.lognormal(np.log(32), 0.6, len(home_ids))).round()
        home = self.service(home_ids, "CH", places=[places[p] for p in home_place], capacity=beds)
        hc_ids, hc_place = many("social_care_provider", "independent", "HC", lambda n, w: [
            f"{places[p]} Home Care {'Ltd' if i % 3 else '& Support'}" for i, p in enumerate(w)])
        clients = np.maximum(5, rng.lognormal(np.log(60), 0.8, len(hc_ids))).round()
        hc = self.service(hc_ids, "HC", places=[places[p] for p in hc_place])
        ph_ids, ph_place = many("pharmacy", "independent", "PH", lambda n, w: [
            f"{places[p]} Pharmacy {i + 1}" for i, p in enumerate(w)])
        ph = self.service(ph_ids, "PH", places=[places[p] for p in ph_place])
        vc_ids, vc_place = many("vcse", "vcse", "VC", lambda n, w: [
            f"{places[p]} {VCSE_KINDS[k]}" for p, k in zip(
                w, rng.integers(len(VCSE_KINDS), size=n))])
        vc_size = (rng.pareto(1.2, len(vc_ids)) + 1)
        vc = self.service(vc_ids, "VS", places=[places[p] for p in vc_place])
        hos_ids, _ = many("hospice", "vcse", "HOS", lambda n, w: [
            f"St {PRACTICE_WORDS[i].split()[0]}'s Hospice" for i in
            rng.integers(len(PRACTICE_WORDS), size=n)])
        hos = self.service(hos_ids, "HOS")
        # which of several same-place providers a practice or ward refers to
        def pick(where, among_place, k=FAN_OUT, weight=None):
            """k providers in the same place for each item (any, where the place has none)."""
            order = np.argsort(among_place, kind="stable")
            starts = np.searchsorted(among_place[order], np.arange(n_places))
            ends = np.searchsorted(among_place[order], np.arange(n_places), side="right")
            size = np.where(ends > starts, ends - starts, len(order))
            base = np.where(ends > starts, starts, 0)[where]
            draws = rng.integers(0, 1 << 30, (len(where), k)) % size[where][:, None]
            return order[base[:, None] + draws]

        ctx = dict(icb=icb, region=row.region, places=places, gp=gp, lists=lists, gp_place=gp_place,
                   gp_acute=gp_acute, pcn=pcn, pcn_of=pcn_of, ed=ed, amu=amu, eld=eld, res=res,
                   opd=opd, hasu=hasu[0], sw=sw[0], comm=place_comm, reab=reab, cri=cri,
                   cmht=cmht, mhip=mhip, lia=lia, place_mh=place_mh, amb=amb, home=home,
                   beds=beds, home_place=home_place, hc=hc, clients=clients, hc_place=hc_place,
                   ph=ph, ph_place=ph_place, vc=vc, vc_place=vc_place, vc_size=vc_size, hos=hos,
                   place_acute=place_acute, pick=pick, n_places=n_places, pcn_place=pcn_place,
                   acute_place=np.where(np.arange(n_acute) < n_places, np.arange(n_acute), 0))
        for theme in THEMES:
            pid = f"{icb}-{theme}"
            name, cohort = THEMES[theme]
            tags = THEME_TAGS[theme] + [f"{theme}-{row.region}"]
            self.pathways.append((pid, f"{name} ({area})", cohort, ";".join(tags)))
            getattr(self, "_" + theme.replace("-", "_"))(pid, ctx)
        # relationships
        self.rel(icb, acute_ids, "commissions", (acute_size / acute_size.sum() * population * 520)
                 .round(-3), "activity")
        if n_comm:
            self.rel(icb, comm_ids, "commissions", round(population * 95 / n_comm, -3), "block")
            self.rel(acute_ids[0], comm_ids, "data_sharing")
        self.rel(icb, mh_ids, "commissions", round(population * 140 / n_mh, -3), "block")
        self.rel(icb, amb_org, "commissions", round(population * 30, -3), "activity")
        self.rel(icb, pcn_ids, "commissions", round(population / n_pcn * 12, -3), "block")
        self.rel(icb, gp_ids, "contract", (lists * 110).round(-3), "block")
        self.rel(icb, la, "partnership")
        self.rel(icb, hos_ids, "commissions", 650000.0, "block")
        funded = vc_ids[rng.random(len(vc_ids)) < 0.3]
        self.rel(icb, funded, "commissions", 40000.0, "block")
        self.rel(icb, ph_ids, "contract", 180000.0, "activity")
        self.rel(la[home_place], home_ids, "commissions", (beds * 38000).round(-3), "activity")
        self.rel(la[hc_place], hc_ids, "commissions", (clients * 21000).round(-3), "activity")
        self.rel(acute_ids[0], mh_ids, "partnership")
        self.rel(pcn_ids[pick(home_place, pcn_place, 1)[:, 0]], home_ids, "partnership")
        self.ics_rows.append(dict(
            icb=icb, area=area, region=row.region, ucr=sorted({self.svc["id"][i] for i in
                                                              place_comm["UCR"]}),
            cri=[self.svc["id"][i] for i in cri]))

    # -- pathways (patients a year; fractions are rough national shapes) ----------------------
    def _draw(self, mean, n):
        return mean * self.rng.lognormal(-0.045, 0.3, n)

    def _local(self, pid, c, what, size, k, there, back, self_referred=0.0):
        """Ties between each of ``what`` (care homes, home care, pharmacies, voluntary bodies)
        and ``k`` GP practices in its place: ``there`` of ``size`` patients a year go from the
        practice to it, ``back`` come back; ``self_referred`` arrive from home."""
        where = c[f"{what}_place"]
        pl = np.array(c["places"], dtype=object)[where]
        gps = c["gp"][c["pick"](where, c["gp_place"], k)]
        svc = c[what][:, None]
        share = (size / k)[:, None] * self.rng.dirichlet(np.ones(k), len(size)) * k
        if there:
            self.flow(pid, gps, svc, share * there, pl[:, None])
        if back:
            self.flow(pid, svc, gps, share * back, pl[:, None])
        if self_referred:
            self.flow(pid, -1, c[what], size * self_referred, pl)

    def _frailty_urgent(self, pid, c):
        rng, gp, places = self.rng, c["gp"], c["places"]
        frail = c["lists"] * 0.035 * self._draw(1, len(gp))
        gp_pl = np.array(places, dtype=object)[c["gp_place"]]
        ucr, ic, dn = c["comm"]["UCR"], c["comm"]["IC"], c["comm"]["DN"]
        ed, amu, eld, acute = c["ed"], c["amu"], c["eld"], c["gp_acute"]
        self.flow(pid, -1, gp, frail, gp_pl)
        self.flow(pid, gp, ucr[c["gp_place"]], frail * 0.12, gp_pl)
        self.flow(pid, gp, ed[acute], frail * 0.1, gp_pl)
        self.flow(pid, gp, c["amb"], frail * 0.12, gp_pl)
        phs = c["pick"](c["gp_place"], c["ph_place"])
        self.flow(pid, gp[:, None], c["ph"][phs], (frail * 0.12 / FAN_OUT)[:, None] *
                  rng.dirichlet(np.ones(FAN_OUT), len(gp)) * FAN_OUT, gp_pl[:, None])
        vcs = c["pick"](c["gp_place"], c["vc_place"], 3)
        self.flow(pid, gp[:, None], c["vc"][vcs], (frail * 0.02)[:, None], gp_pl[:, None])
        self.flow(pid, gp, -1, frail * 0.44, gp_pl)
        beds, home, hp = c["beds"], c["home"], c["home_place"]
        h_pl = np.array(places, dtype=object)[hp]
        h_acute = c["place_acute"][hp]
        self.flow(pid, -1, home, beds * 0.45, h_pl)
        self.flow(pid, home, c["amb"], beds * 0.35, h_pl)
        self.flow(pid, home, ucr[hp], beds * 0.5, h_pl)
        self.flow(pid, home, ed[h_acute], beds * 0.08, h_pl)
        self.flow(pid, c["pcn"][c["pick"](hp, c["pcn_place"], 1)[:, 0]], home, beds * 0.6, h_pl)
        self.flow(pid, home, -1, beds * 0.4, h_pl)
        # the ambulance service takes frail patients to each acute's emergency department
        to_ed = np.bincount(acute, frail * 0.12, len(ed)) + np.bincount(h_acute, beds * 0.35, len(ed))
        self.flow(pid, c["amb"], ed, to_ed)
        ed_in = to_ed + np.bincount(acute, frail * 0.1, len(ed)) + np.bincount(h_acute, beds * 0.08, len(ed))
        self.flow(pid, ed, amu, ed_in * 0.45)
        self.flow(pid, ed, -1, ed_in * 0.5)
        self.flow(pid, amu, eld, ed_in * 0.25)
        self.flow(pid, amu, -1, ed_in * 0.15)
        eld_in = ed_in * 0.25
        self.flow(pid, amu, ucr[c["acute_place"]], ed_in * 0.05)
        self.flow(pid, eld, -1, eld_in * 0.45)
        self.flow(pid, eld, ic[c["acute_place"]], eld_in * 0.1)
        # discharges to care homes and home care in the acute's catchment, by size
        share = beds / np.maximum(np.bincount(h_acute, beds, len(ed)), 1)[h_acute]
        self.flow(pid, eld[h_acute], home, (eld_in * 0.15)[h_acute] * share, h_pl)
        hc_acute = c["place_acute"][c["hc_place"]]
        share = c["clients"] / np.maximum(np.bincount(hc_acute, c["clients"], len(ed)), 1)[hc_acute]
        hc_pl = np.array(places, dtype=object)[c["hc_place"]]
        self.flow(pid, eld[hc_acute], c["hc"], (eld_in * 0.15)[hc_acute] * share, hc_pl)
        la_acute = c["place_acute"]
        la_share = 1 / np.bincount(la_acute, minlength=len(ed))[la_acute]
        self.flow(pid, eld[la_acute], c["reab"], (eld_in * 0.15)[la_acute] * la_share, places)
        reab_in = (eld_in * 0.15)[la_acute] * la_share
        hcs = c["pick"](np.arange(c["n_places"]), c["hc_place"], 2)
        self.flow(pid, c["reab"][:, None], c["hc"][hcs], (reab_in * 0.15)[:, None],
                  np.array(places, dtype=object)[:, None])
        self.flow(pid, c["reab"], -1, reab_in * 0.7, places)
        self.flow(pid, c["hc"], -1, c["clients"] * 0.3, hc_pl)
        self.flow(pid, c["hc"], ucr[c["hc_place"]], c["clients"] * 0.08, hc_pl)
        self.flow(pid, c["hc"], dn[c["hc_place"]], c["clients"] * 0.2, hc_pl)
        u = np.unique(ucr)
        self.flow(pid, u, -1, 400 * self._draw(1, len(u)))
        self.flow(pid, np.unique(ic), -1, 150 * self._draw(1, len(np.unique(ic))))
        self.flow(pid, np.unique(dn), -1, 300 * self._draw(1, len(np.unique(dn))))
        self._local(pid, c, "home", beds, 2, 0.3, 0.5)
        self._local(pid, c, "hc", c["clients"], 2, 0, 0.1)
        self._local(pid, c, "ph", 40 * self._draw(1, len(c["ph"])), 1, 0, 0, 1)
        self._local(pid, c, "vc", c["vc_size"] * 4, 1, 0, 0.2, 0.5)

    def _end_of_life(self, pid, c):
        gp, places = c["gp"], c["places"]
        eol = c["lists"] * 0.006 * self._draw(1, len(gp))
        gp_pl = np.array(places, dtype=object)[c["gp_place"]]
        dn = c["comm"]["DN"]
        hos = c["hos"][self.rng.integers(0, len(c["hos"]), len(gp))]
        self.flow(pid, -1, gp, eol, gp_pl)
        self.flow(pid, gp, dn[c["gp_place"]], eol * 0.45, gp_pl)
        self.flow(pid, gp, hos, eol * 0.15, gp_pl)
        vcs = c["pick"](c["gp_place"], c["vc_place"], 3)
        self.flow(pid, gp[:, None], c["vc"][vcs], (eol * 0.04)[:, None], gp_pl[:, None])
        self.flow(pid, gp, c["ed"][c["gp_acute"]], eol * 0.1, gp_pl)
        self.flow(pid, gp, -1, eol * 0.3, gp_pl)
        hp = c["home_place"]
        h_pl = np.array(places, dtype=object)[hp]
        self.flow(pid, c["home"], dn[hp], c["beds"] * 0.3, h_pl)
        self.flow(pid, c["home"], c["hos"][self.rng.integers(0, len(c["hos"]), len(hp))],
                  c["beds"] * 0.04, h_pl)
        self.flow(pid, c["home"], -1, c["beds"] * 0.25, h_pl)
        self.flow(pid, c["eld"], c["hos"][np.arange(len(c["eld"])) % len(c["hos"])], 90 * self._draw(1, len(c["eld"])))
        self.flow(pid, c["hc"], dn[c["hc_place"]], c["clients"] * 0.05,
                  np.array(places, dtype=object)[c["hc_place"]])
        self.flow(pid, c["hos"], -1, 120 * self._draw(1, len(c["hos"])))
        self.flow(pid, np.unique(dn), -1, 500 * self._draw(1, len(np.unique(dn))))
        self._local(pid, c, "home", c["beds"], 2, 0.1, 0.15)
        self._local(pid, c, "hc", c["clients"], 2, 0, 0.05)
        self._local(pid, c, "ph", 10 * self._draw(1, len(c["ph"])), 1, 0, 0, 1)

    def _diabetes(self, pid, c):
        rng, gp, places = self.rng, c["gp"], c["places"]
        diab = c["lists"] * 0.07 * self._draw(1, len(gp))
        gp_pl = np.array(places, dtype=object)[c["gp_place"]]
        self.flow(pid, -1, gp, diab, gp_pl)
        phs = c["pick"](c["gp_place"], c["ph_place"])
        self.flow(pid, gp[:, None], c["ph"][phs], (diab * 0.5 / FAN_OUT)[:, None] *
                  rng.dirichlet(np.ones(FAN_OUT), len(gp)) * FAN_OUT, gp_pl[:, None])
        self.flow(pid, gp, c["opd"][c["gp_acute"]], diab * 0.05, gp_pl)
        self.flow(pid, gp, c["comm"]["DSN"][c["gp_place"]], diab * 0.06, gp_pl)
        vcs = c["pick"](c["gp_place"], c["vc_place"], 3)
        self.flow(pid, gp[:, None], c["vc"][vcs], (diab * 0.01)[:, None], gp_pl[:, None])
        self.flow(pid, c["opd"][c["gp_acute"]], gp, diab * 0.035, gp_pl)
        self.flow(pid, gp, -1, diab * 0.38, gp_pl)
        self.flow(pid, c["ph"], -1, 400 * self._draw(1, len(c["ph"])),
                  np.array(places, dtype=object)[c["ph_place"]])
        self.flow(pid, c["opd"], -1, 300 * self._draw(1, len(c["opd"])))
        dsn = np.unique(c["comm"]["DSN"])
        self.flow(pid, dsn, -1, 800 * self._draw(1, len(dsn)))
        self._local(pid, c, "ph", 60 * self._draw(1, len(c["ph"])), 2, 0, 0.1, 0.5)
        self._local(pid, c, "home", c["beds"], 2, 0.2, 0.2)
        self._local(pid, c, "vc", c["vc_size"] * 2, 1, 0, 0.2, 0.5)

    def _copd(self, pid, c):
        rng, gp, places = self.rng, c["gp"], c["places"]
        copd = c["lists"] * 0.02 * self._draw(1, len(gp))
        gp_pl = np.array(places, dtype=object)[c["gp_place"]]
        self.flow(pid, -1, gp, copd, gp_pl)
        phs = c["pick"](c["gp_place"], c["ph_place"])
        self.flow(pid, gp[:, None], c["ph"][phs], (copd * 0.4 / FAN_OUT)[:, None] *
                  rng.dirichlet(np.ones(FAN_OUT), len(gp)) * FAN_OUT, gp_pl[:, None])
        self.flow(pid, gp, c["comm"]["PR"][c["gp_place"]], copd * 0.08, gp_pl)
        vcs = c["pick"](c["gp_place"], c["vc_place"], 3)
        self.flow(pid, gp[:, None], c["vc"][vcs], (copd * 0.02)[:, None], gp_pl[:, None])
        self.flow(pid, gp, c["amb"], copd * 0.04, gp_pl)
        self.flow(pid, gp, -1, copd * 0.4, gp_pl)
        to_ed = np.bincount(c["gp_acute"], copd * 0.04, len(c["ed"]))
        self.flow(pid, c["amb"], c["ed"], to_ed)
        self.flow(pid, c["ed"], c["res"], to_ed * 0.6)
        self.flow(pid, c["ed"], -1, to_ed * 0.4)
        self.flow(pid, c["res"], -1, to_ed * 0.5)
        self.flow(pid, c["res"], c["comm"]["PR"][c["acute_place"]], to_ed * 0.1)
        pr = np.unique(c["comm"]["PR"])
        self.flow(pid, pr, -1, 200 * self._draw(1, len(pr)))
        self.flow(pid, c["ph"], -1, 120 * self._draw(1, len(c["ph"])),
                  np.array(places, dtype=object)[c["ph_place"]])
        self._local(pid, c, "ph", 20 * self._draw(1, len(c["ph"])), 2, 0, 0.1, 0.5)
        self._local(pid, c, "home", c["beds"], 2, 0.1, 0.1)
        self._local(pid, c, "vc", c["vc_size"], 1, 0, 0.2, 0.5)

    def _mh_crisis(self, pid, c):
        gp, places = c["gp"], c["places"]
        crisis = c["lists"] * 0.004 * self._draw(1, len(gp))
        gp_pl = np.array(places, dtype=object)[c["gp_place"]]
        mh = c["place_mh"][c["gp_place"]]
        self.flow(pid, -1, gp, crisis, gp_pl)
        self.flow(pid, gp, c["cri"][mh], crisis * 0.25, gp_pl)
        self.flow(pid, gp, c["cmht"][mh], crisis * 0.35, gp_pl)
        vcs = c["pick"](c["gp_place"], c["vc_place"], 3)
        self.flow(pid, gp[:, None], c["vc"][vcs], (crisis * 0.03)[:, None], gp_pl[:, None])
        self.flow(pid, gp, -1, crisis * 0.3, gp_pl)
        walk_in = np.bincount(c["gp_acute"], crisis * 0.5, len(c["ed"]))
        self.flow(pid, -1, c["ed"], walk_in)
        self.flow(pid, c["amb"], c["ed"], walk_in * 0.4)
        self.flow(pid, c["ed"], c["lia"], walk_in * 0.6)
        self.flow(pid, c["ed"], -1, walk_in * 0.8)
        self.flow(pid, c["lia"], c["cri"][np.arange(len(c["lia"])) % len(c["cri"])], walk_in * 0.3)
        self.flow(pid, c["lia"], -1, walk_in * 0.3)
        self.flow(pid, c["cri"], c["mhip"], 180 * self._draw(1, len(c["cri"])))
        self.flow(pid, c["cri"], -1, 900 * self._draw(1, len(c["cri"])))
        self.flow(pid, c["mhip"], c["cmht"], 150 * self._draw(1, len(c["cri"])))
        self.flow(pid, c["cmht"], -1, 1200 * self._draw(1, len(c["cri"])))
        vcs = c["pick"](np.arange(c["n_places"]), c["vc_place"], 2)
        cri_place = c["cri"][c["place_mh"]]
        self.flow(pid, cri_place[:, None], c["vc"][vcs], 25 * self._draw(1, vcs.size).reshape(vcs.shape),
                  np.array(places, dtype=object)[:, None])
        self.flow(pid, c["vc"], -1, (c["vc_size"] * 3).round(), np.array(places, dtype=object)[c["vc_place"]])
        self._local(pid, c, "vc", c["vc_size"] * 2, 1, 0, 0.3)

    def _stroke(self, pid, c):
        places, n = c["places"], c["n_places"]
        strokes = np.bincount(c["gp_place"], c["lists"], n) * 0.0018 * self._draw(1, n)
        esd = c["comm"]["ESD"]
        self.flow(pid, -1, c["amb"], strokes, places)
        self.flow(pid, c["amb"], c["hasu"], strokes.sum() * 0.9)
        self.flow(pid, -1, c["hasu"], strokes.sum() * 0.1)
        self.flow(pid, c["hasu"], c["sw"], strokes.sum() * 0.8)
        self.flow(pid, c["hasu"], -1, strokes.sum() * 0.12)
        self.flow(pid, c["sw"], esd, strokes * 0.35, places)
        self.flow(pid, c["sw"], c["reab"], strokes * 0.1, places)
        self.flow(pid, c["sw"], -1, strokes * 0.25, places)
        hp = c["home_place"]
        share = c["beds"] / np.maximum(np.bincount(hp, c["beds"], n), 1)[hp]
        self.flow(pid, c["sw"], c["home"], (strokes * 0.1)[hp] * share,
                  np.array(places, dtype=object)[hp])
        gp_share = c["lists"] / np.bincount(c["gp_place"], c["lists"], n)[c["gp_place"]]
        self.flow(pid, esd[c["gp_place"]], c["gp"], (strokes * 0.3)[c["gp_place"]] * gp_share,
                  np.array(places, dtype=object)[c["gp_place"]])
        self.flow(pid, c["gp"], -1, (strokes * 0.3)[c["gp_place"]] * gp_share,
                  np.array(places, dtype=object)[c["gp_place"]])
        self.flow(pid, np.unique(esd), -1, 50 * self._draw(1, len(np.unique(esd))))
        self.stroke_pathway[c["hasu"]] = (pid, strokes.sum())

    def _regional_stroke(self):
        """Each region's HASUs send about 10% of strokes to the thrombectomy centre and take them
        back: the flows that make stroke a regional network."""
        for region, items in sorted(self.region_stroke.items()):
            if not items or items[0][0] != "centre":
                continue
            centre = items[0][1]
            for _, hasu in items[1:]:
                pid, total = self.stroke_pathway[hasu]
                self.flow(pid, hasu, centre, total * 0.1)
                self.flow(pid, centre, hasu, total * 0.08)
                self.flow(pid, centre, -1, total * 0.02)

    def _opportunities(self):
        for row in self.ics_rows:
            icb = row["icb"]
            self.opportunities.append({
                "id": f"{icb}-frailty-admissions",
                "title": f"Reduce avoidable emergency admissions of frail older people in {row['area']}",
                "benefits": ["outcomes", "technical_efficiency"],
                "pathways": [f"{icb}-frailty-urgent"],
                "shift": {"from": ["category:urgent_emergency", "category:acute_inpatient"],
                          "to": row["ucr"], "fraction": 0.2},
                "include": [icb]})
            self.opportunities.append({
                "id": f"{icb}-crisis-alternatives",
                "title": f"Alternatives to the emergency department in mental health crisis in {row['area']}",
                "benefits": ["quality", "outcomes"], "pathways": [f"{icb}-mh-crisis"],
                "shift": {"from": ["category:urgent_emergency"], "to": row["cri"],
                          "fraction": 0.25}})
        if self.scale in ("region", "national"):
            for region, rows in self.chosen.groupby("region", sort=True):
                self.opportunities.append({
                    "id": f"{region}-stroke-network",
                    "title": f"A regional stroke network for {rows['region_name'].iloc[0]}: "
                             "thrombectomy and early supported discharge",
                    "benefits": ["outcomes", "allocative_efficiency"],
                    "pathways": [f"tag:stroke-{region}"],
                    "shift": {"from": ["category:acute_inpatient"], "to": ["category:community"],
                              "fraction": 0.1},
                    "coordination_cost": REGION_COST})
        if self.scale == "national":
            self.opportunities += [{
                "id": "national-frailty-admissions",
                "title": "Reduce avoidable emergency admissions of frail older people in England",
                "benefits": ["outcomes", "technical_efficiency"], "pathways": ["tag:frailty"],
                "shift": {"from": ["category:urgent_emergency", "category:acute_inpatient"],
                          "to": ["category:community"], "fraction": 0.2},
                "coordination_cost": NATIONAL_COST}, {
                "id": "national-diabetes-community",
                "title": "Move routine diabetes follow-up out of hospital across England",
                "benefits": ["allocative_efficiency"], "pathways": ["tag:diabetes"],
                "shift": {"from": ["category:acute_outpatient"], "to": ["category:community",
                                                                        "category:pharmacy"],
                          "fraction": 0.3},
                "coordination_cost": NATIONAL_COST}]

    # -- tables ---------------------------------------------------------------------------
    def _tables(self):
        orgs = pd.DataFrame(self.orgs)
        orgs["budget"] = orgs["budget"].astype("float64")
        services = pd.DataFrame(self.svc)
        for col in ("capacity", "unit_cost", "price"):
            services[col] = services[col].astype("float64")
        ids = np.array(services["id"].tolist() + ["@home"], dtype=object)  # index -1 is @home
        parts = []
        for pathway, src, tgt, patients, place in self.flow_parts:
            part = pd.DataFrame({"pathway": pathway, "source": ids[src], "target": ids[tgt],
                                 "patients": patients})
            part["place"] = place
            parts.append(part)
        flows = pd.concat(parts, ignore_index=True)
        flows = flows[flows["source"] != flows["target"]]
        flows = flows.groupby(["pathway", "source", "target", "place"], sort=True,
                              as_index=False)["patients"].sum()
        flows["patients"] = flows["patients"].round()
        flows = flows[flows["patients"] >= 1].reset_index(drop=True)
        rels = pd.DataFrame(self.rels, columns=["source", "target", "type", "value", "payment",
                                                "strength"])
        rels["value"] = rels["value"].astype("float64")
        rels = rels.drop_duplicates(["source", "target", "type"]).reset_index(drop=True)
        pathways = pd.DataFrame(self.pathways, columns=["id", "name", "cohort", "tags"])
        population = int(self.chosen["gp_practices"].sum() * LIST_SIZE)
        meta = {"name": f"{self.area_name} (synthetic, {self.scale} scale, seed {self.seed})",
                "snapshot": "2026-04-01", "population": population, "currency": "GBP",
                "description": (f"Generated by `netkit generate --scale {self.scale} --seed "
                                f"{self.seed}`. {ATTRIBUTION}")}
        return ({"organisations": orgs, "services": services, "pathways": pathways,
                 "flows": flows, "relationships": rels}, meta, self.opportunities)
