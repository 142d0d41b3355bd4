"""The pathways of each ICS and the patients that flow along them (patients a year; the
fractions are rough national shapes).

Six pathways per ICB, each built by the function `PATHWAYS` names for it: frailty urgent care,
end of life, type 2 diabetes, COPD, mental health crisis and stroke. Tags give the theme and
``THEME-REGION``. Once every ICS is built, `regional_stroke` joins each region's hyperacute
stroke units to its thrombectomy centre, so stroke pathways cross ICB boundaries.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from netkit.io.generate.builder import FAN_OUT, Builder
from netkit.io.generate.organisations import ICS, Providers

__all__ = ["THEMES", "THEME_TAGS", "PATHWAYS", "add_pathways", "regional_stroke"]

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


def add_pathways(b: Builder, ics: ICS) -> None:
    """The ICS's six pathways and their flows, in the order of `THEMES`."""
    for theme, (name, cohort) in THEMES.items():
        pid = f"{ics.icb}-{theme}"
        tags = THEME_TAGS[theme] + [f"{theme}-{ics.region}"]
        b.pathway(pid, f"{name} ({ics.area})", cohort, tags)
        PATHWAYS[theme](b, pid, ics)


def _local(b: Builder, pid, ics: ICS, providers: Providers, size, k, there, back,
           self_referred=0.0):
    """Ties between each of ``providers`` (care homes, home care, pharmacies, voluntary bodies)
    and ``k`` GP practices in its place: ``there`` of ``size`` patients a year go from the
    practice to it, ``back`` come back; ``self_referred`` arrive from home."""
    where = providers.place
    pl = ics.place_of(where)
    gps = ics.practices.service[b.pick(where, ics.practices.place, ics.n_places, k)]
    svc = providers.service[:, None]
    share = (size / k)[:, None] * b.rng.dirichlet(np.ones(k), len(size)) * k
    if there:
        b.flow(pid, gps, svc, share * there, pl[:, None])
    if back:
        b.flow(pid, svc, gps, share * back, pl[:, None])
    if self_referred:
        b.flow(pid, -1, providers.service, size * self_referred, pl)


def _to_pharmacies(b: Builder, pid, ics: ICS, patients, fraction):
    """``fraction`` of each practice's ``patients`` to FAN_OUT pharmacies in its place."""
    p = ics.practices
    phs = b.pick(p.place, ics.pharmacies.place, ics.n_places)
    b.flow(pid, p.service[:, None], ics.pharmacies.service[phs],
           (patients * fraction / FAN_OUT)[:, None] *
           b.rng.dirichlet(np.ones(FAN_OUT), len(p.service)) * FAN_OUT,
           ics.place_of(p.place)[:, None])


def _to_voluntary(b: Builder, pid, ics: ICS, patients, fraction):
    """``fraction`` of each practice's ``patients`` to each of 3 voluntary bodies in its place."""
    p = ics.practices
    vcs = b.pick(p.place, ics.voluntary.place, ics.n_places, 3)
    b.flow(pid, p.service[:, None], ics.voluntary.service[vcs], (patients * fraction)[:, None],
           ics.place_of(p.place)[:, None])


# -- frailty urgent care -----------------------------------------------------------------------
def frailty_urgent(b: Builder, pid, ics: ICS) -> None:
    frail = _frailty_practices(b, pid, ics)
    _frailty_care_homes(b, pid, ics)
    eld_in = _frailty_hospital(b, pid, ics, frail)
    _frailty_discharges(b, pid, ics, eld_in)
    homes, home_care = ics.care_homes, ics.home_care
    _local(b, pid, ics, homes, homes.size, 2, 0.3, 0.5)
    _local(b, pid, ics, home_care, home_care.size, 2, 0, 0.1)
    _local(b, pid, ics, ics.pharmacies, 40 * b.draw(1, len(ics.pharmacies.service)), 1, 0, 0, 1)
    _local(b, pid, ics, ics.voluntary, ics.voluntary.size * 4, 1, 0, 0.2, 0.5)


def _frailty_practices(b: Builder, pid, ics: ICS):
    """Frail patients of each practice and where the practice sends them; returns them."""
    p, a = ics.practices, ics.acutes
    gp = p.service
    frail = p.lists * 0.035 * b.draw(1, len(gp))
    gp_pl = ics.place_of(p.place)
    b.flow(pid, -1, gp, frail, gp_pl)
    b.flow(pid, gp, ics.community.ucr[p.place], frail * 0.12, gp_pl)
    b.flow(pid, gp, a.ed[a.of_practice], frail * 0.1, gp_pl)
    b.flow(pid, gp, ics.ambulance, frail * 0.12, gp_pl)
    _to_pharmacies(b, pid, ics, frail, 0.12)
    _to_voluntary(b, pid, ics, frail, 0.02)
    b.flow(pid, gp, -1, frail * 0.44, gp_pl)
    return frail


def _frailty_care_homes(b: Builder, pid, ics: ICS) -> None:
    """Care home residents to ambulance, urgent response and ED; PCN support to the homes."""
    homes, p = ics.care_homes, ics.practices
    beds, home, hp = homes.size, homes.service, homes.place
    h_pl = ics.place_of(hp)
    b.flow(pid, -1, home, beds * 0.45, h_pl)
    b.flow(pid, home, ics.ambulance, beds * 0.35, h_pl)
    b.flow(pid, home, ics.community.ucr[hp], beds * 0.5, h_pl)
    b.flow(pid, home, ics.acutes.ed[ics.acutes.of_place[hp]], beds * 0.08, h_pl)
    b.flow(pid, p.pcn[b.pick(hp, p.pcn_place, ics.n_places, 1)[:, 0]], home, beds * 0.6, h_pl)
    b.flow(pid, home, -1, beds * 0.4, h_pl)


def _frailty_hospital(b: Builder, pid, ics: ICS, frail):
    """The ambulance service takes frail patients to each acute's emergency department; on to
    the acute medical unit and elderly care wards. Returns admissions to elderly care."""
    a, beds = ics.acutes, ics.care_homes.size
    ed, amu, eld, acute = a.ed, a.amu, a.eld, a.of_practice
    h_acute = a.of_place[ics.care_homes.place]
    to_ed = np.bincount(acute, frail * 0.12, len(ed)) + np.bincount(h_acute, beds * 0.35, len(ed))
    b.flow(pid, ics.ambulance, ed, to_ed)
    ed_in = (to_ed + np.bincount(acute, frail * 0.1, len(ed))
             + np.bincount(h_acute, beds * 0.08, len(ed)))
    b.flow(pid, ed, amu, ed_in * 0.45)
    b.flow(pid, ed, -1, ed_in * 0.5)
    b.flow(pid, amu, eld, ed_in * 0.25)
    b.flow(pid, amu, -1, ed_in * 0.15)
    eld_in = ed_in * 0.25
    b.flow(pid, amu, ics.community.ucr[a.place], ed_in * 0.05)
    b.flow(pid, eld, -1, eld_in * 0.45)
    b.flow(pid, eld, ics.community.ic[a.place], eld_in * 0.1)
    return eld_in


def _frailty_discharges(b: Builder, pid, ics: ICS, eld_in) -> None:
    """Discharges to care homes and home care in the acute's catchment, by size, and to each
    council's reablement; what community services see."""
    a, homes, hcare, c = ics.acutes, ics.care_homes, ics.home_care, ics.community
    eld, n_acute, places = a.eld, len(a.ed), ics.places
    h_acute = a.of_place[homes.place]
    share = homes.size / np.maximum(np.bincount(h_acute, homes.size, n_acute), 1)[h_acute]
    b.flow(pid, eld[h_acute], homes.service, (eld_in * 0.15)[h_acute] * share,
           ics.place_of(homes.place))
    hc_acute = a.of_place[hcare.place]
    share = hcare.size / np.maximum(np.bincount(hc_acute, hcare.size, n_acute), 1)[hc_acute]
    hc_pl = ics.place_of(hcare.place)
    b.flow(pid, eld[hc_acute], hcare.service, (eld_in * 0.15)[hc_acute] * share, hc_pl)
    la_acute = a.of_place
    la_share = 1 / np.bincount(la_acute, minlength=n_acute)[la_acute]
    b.flow(pid, eld[la_acute], ics.reablement, (eld_in * 0.15)[la_acute] * la_share, places)
    reab_in = (eld_in * 0.15)[la_acute] * la_share
    hcs = b.pick(np.arange(ics.n_places), hcare.place, ics.n_places, 2)
    b.flow(pid, ics.reablement[:, None], hcare.service[hcs], (reab_in * 0.15)[:, None],
           np.array(places, dtype=object)[:, None])
    b.flow(pid, ics.reablement, -1, reab_in * 0.7, places)
    b.flow(pid, hcare.service, -1, hcare.size * 0.3, hc_pl)
    b.flow(pid, hcare.service, c.ucr[hcare.place], hcare.size * 0.08, hc_pl)
    b.flow(pid, hcare.service, c.dn[hcare.place], hcare.size * 0.2, hc_pl)
    for served, mean in ((c.ucr, 400), (c.ic, 150), (c.dn, 300)):
        u = np.unique(served)
        b.flow(pid, u, -1, mean * b.draw(1, len(u)))


# -- the other pathways ------------------------------------------------------------------------
def end_of_life(b: Builder, pid, ics: ICS) -> None:
    p, homes, hospices = ics.practices, ics.care_homes, ics.hospices.service
    gp, rng = p.service, b.rng
    eol = p.lists * 0.006 * b.draw(1, len(gp))
    gp_pl = ics.place_of(p.place)
    dn = ics.community.dn
    hos = hospices[rng.integers(0, len(hospices), len(gp))]
    b.flow(pid, -1, gp, eol, gp_pl)
    b.flow(pid, gp, dn[p.place], eol * 0.45, gp_pl)
    b.flow(pid, gp, hos, eol * 0.15, gp_pl)
    _to_voluntary(b, pid, ics, eol, 0.04)
    b.flow(pid, gp, ics.acutes.ed[ics.acutes.of_practice], eol * 0.1, gp_pl)
    b.flow(pid, gp, -1, eol * 0.3, gp_pl)
    hp, beds = homes.place, homes.size
    h_pl = ics.place_of(hp)
    b.flow(pid, homes.service, dn[hp], beds * 0.3, h_pl)
    b.flow(pid, homes.service, hospices[rng.integers(0, len(hospices), len(hp))], beds * 0.04, h_pl)
    b.flow(pid, homes.service, -1, beds * 0.25, h_pl)
    eld = ics.acutes.eld
    b.flow(pid, eld, hospices[np.arange(len(eld)) % len(hospices)], 90 * b.draw(1, len(eld)))
    b.flow(pid, ics.home_care.service, dn[ics.home_care.place], ics.home_care.size * 0.05,
           ics.place_of(ics.home_care.place))
    b.flow(pid, hospices, -1, 120 * b.draw(1, len(hospices)))
    b.flow(pid, np.unique(dn), -1, 500 * b.draw(1, len(np.unique(dn))))
    _local(b, pid, ics, homes, beds, 2, 0.1, 0.15)
    _local(b, pid, ics, ics.home_care, ics.home_care.size, 2, 0, 0.05)
    _local(b, pid, ics, ics.pharmacies, 10 * b.draw(1, len(ics.pharmacies.service)), 1, 0, 0, 1)


def diabetes(b: Builder, pid, ics: ICS) -> None:
    p, a, ph = ics.practices, ics.acutes, ics.pharmacies
    gp = p.service
    diab = p.lists * 0.07 * b.draw(1, len(gp))
    gp_pl = ics.place_of(p.place)
    b.flow(pid, -1, gp, diab, gp_pl)
    _to_pharmacies(b, pid, ics, diab, 0.5)
    b.flow(pid, gp, a.opd[a.of_practice], diab * 0.05, gp_pl)
    b.flow(pid, gp, ics.community.dsn[p.place], diab * 0.06, gp_pl)
    _to_voluntary(b, pid, ics, diab, 0.01)
    b.flow(pid, a.opd[a.of_practice], gp, diab * 0.035, gp_pl)
    b.flow(pid, gp, -1, diab * 0.38, gp_pl)
    b.flow(pid, ph.service, -1, 400 * b.draw(1, len(ph.service)), ics.place_of(ph.place))
    b.flow(pid, a.opd, -1, 300 * b.draw(1, len(a.opd)))
    dsn = np.unique(ics.community.dsn)
    b.flow(pid, dsn, -1, 800 * b.draw(1, len(dsn)))
    _local(b, pid, ics, ph, 60 * b.draw(1, len(ph.service)), 2, 0, 0.1, 0.5)
    _local(b, pid, ics, ics.care_homes, ics.care_homes.size, 2, 0.2, 0.2)
    _local(b, pid, ics, ics.voluntary, ics.voluntary.size * 2, 1, 0, 0.2, 0.5)


def copd(b: Builder, pid, ics: ICS) -> None:
    p, a, ph, pr = ics.practices, ics.acutes, ics.pharmacies, ics.community.pr
    gp = p.service
    cases = p.lists * 0.02 * b.draw(1, len(gp))
    gp_pl = ics.place_of(p.place)
    b.flow(pid, -1, gp, cases, gp_pl)
    _to_pharmacies(b, pid, ics, cases, 0.4)
    b.flow(pid, gp, pr[p.place], cases * 0.08, gp_pl)
    _to_voluntary(b, pid, ics, cases, 0.02)
    b.flow(pid, gp, ics.ambulance, cases * 0.04, gp_pl)
    b.flow(pid, gp, -1, cases * 0.4, gp_pl)
    to_ed = np.bincount(a.of_practice, cases * 0.04, len(a.ed))
    b.flow(pid, ics.ambulance, a.ed, to_ed)
    b.flow(pid, a.ed, a.res, to_ed * 0.6)
    b.flow(pid, a.ed, -1, to_ed * 0.4)
    b.flow(pid, a.res, -1, to_ed * 0.5)
    b.flow(pid, a.res, pr[a.place], to_ed * 0.1)
    b.flow(pid, np.unique(pr), -1, 200 * b.draw(1, len(np.unique(pr))))
    b.flow(pid, ph.service, -1, 120 * b.draw(1, len(ph.service)), ics.place_of(ph.place))
    _local(b, pid, ics, ph, 20 * b.draw(1, len(ph.service)), 2, 0, 0.1, 0.5)
    _local(b, pid, ics, ics.care_homes, ics.care_homes.size, 2, 0.1, 0.1)
    _local(b, pid, ics, ics.voluntary, ics.voluntary.size, 1, 0, 0.2, 0.5)


def mh_crisis(b: Builder, pid, ics: ICS) -> None:
    p, a, m, vc = ics.practices, ics.acutes, ics.mental_health, ics.voluntary
    gp = p.service
    crisis = p.lists * 0.004 * b.draw(1, len(gp))
    gp_pl = ics.place_of(p.place)
    mh = m.of_place[p.place]
    b.flow(pid, -1, gp, crisis, gp_pl)
    b.flow(pid, gp, m.cri[mh], crisis * 0.25, gp_pl)
    b.flow(pid, gp, m.cmht[mh], crisis * 0.35, gp_pl)
    _to_voluntary(b, pid, ics, crisis, 0.03)
    b.flow(pid, gp, -1, crisis * 0.3, gp_pl)
    walk_in = np.bincount(a.of_practice, crisis * 0.5, len(a.ed))
    b.flow(pid, -1, a.ed, walk_in)
    b.flow(pid, ics.ambulance, a.ed, walk_in * 0.4)
    b.flow(pid, a.ed, m.lia, walk_in * 0.6)
    b.flow(pid, a.ed, -1, walk_in * 0.8)
    b.flow(pid, m.lia, m.cri[np.arange(len(m.lia)) % len(m.cri)], walk_in * 0.3)
    b.flow(pid, m.lia, -1, walk_in * 0.3)
    b.flow(pid, m.cri, m.mhip, 180 * b.draw(1, len(m.cri)))
    b.flow(pid, m.cri, -1, 900 * b.draw(1, len(m.cri)))
    b.flow(pid, m.mhip, m.cmht, 150 * b.draw(1, len(m.cri)))
    b.flow(pid, m.cmht, -1, 1200 * b.draw(1, len(m.cri)))
    vcs = b.pick(np.arange(ics.n_places), vc.place, ics.n_places, 2)
    cri_place = m.cri[m.of_place]
    b.flow(pid, cri_place[:, None], vc.service[vcs], 25 * b.draw(1, vcs.size).reshape(vcs.shape),
           np.array(ics.places, dtype=object)[:, None])
    b.flow(pid, vc.service, -1, (vc.size * 3).round(), ics.place_of(vc.place))
    _local(b, pid, ics, vc, vc.size * 2, 1, 0, 0.3)


def stroke(b: Builder, pid, ics: ICS) -> None:
    places, n, p, a = ics.places, ics.n_places, ics.practices, ics.acutes
    homes, esd = ics.care_homes, ics.community.esd
    strokes = np.bincount(p.place, p.lists, n) * 0.0018 * b.draw(1, n)
    b.flow(pid, -1, ics.ambulance, strokes, places)
    b.flow(pid, ics.ambulance, a.hasu, strokes.sum() * 0.9)
    b.flow(pid, -1, a.hasu, strokes.sum() * 0.1)
    b.flow(pid, a.hasu, a.sw, strokes.sum() * 0.8)
    b.flow(pid, a.hasu, -1, strokes.sum() * 0.12)
    b.flow(pid, a.sw, esd, strokes * 0.35, places)
    b.flow(pid, a.sw, ics.reablement, strokes * 0.1, places)
    b.flow(pid, a.sw, -1, strokes * 0.25, places)
    hp = homes.place
    share = homes.size / np.maximum(np.bincount(hp, homes.size, n), 1)[hp]
    b.flow(pid, a.sw, homes.service, (strokes * 0.1)[hp] * share, ics.place_of(hp))
    gp_share = p.lists / np.bincount(p.place, p.lists, n)[p.place]
    b.flow(pid, esd[p.place], p.service, (strokes * 0.3)[p.place] * gp_share,
           ics.place_of(p.place))
    b.flow(pid, p.service, -1, (strokes * 0.3)[p.place] * gp_share, ics.place_of(p.place))
    b.flow(pid, np.unique(esd), -1, 50 * b.draw(1, len(np.unique(esd))))
    b.stroke_pathways[a.hasu] = (pid, strokes.sum())


#: pathway theme -> the function that builds its flows in one ICS
PATHWAYS: dict[str, Callable[[Builder, str, ICS], None]] = {
    "frailty-urgent": frailty_urgent,
    "end-of-life": end_of_life,
    "diabetes": diabetes,
    "copd": copd,
    "mh-crisis": mh_crisis,
    "stroke": stroke,
}


def regional_stroke(b: Builder, systems: list[ICS]) -> None:
    """Each region's HASUs send about 10% of strokes to the thrombectomy centre and take them
    back: the flows that make stroke a regional network."""
    for region in sorted({ics.region for ics in systems}):
        in_region = [ics for ics in systems if ics.region == region]
        centres = [ics.acutes.thrombectomy for ics in in_region
                   if ics.acutes.thrombectomy is not None]
        if not centres:
            continue
        for ics in in_region:
            pid, total = b.stroke_pathways[ics.acutes.hasu]
            b.flow(pid, ics.acutes.hasu, centres[0], total * 0.1)
            b.flow(pid, centres[0], ics.acutes.hasu, total * 0.08)
            b.flow(pid, centres[0], -1, total * 0.02)
