"""The diagnosis as a `Document`: the ranked candidates with their size and who carries them,
the funnel plots (HTML), deprivation gaps, natural collaboratives, the drafts and the notes.
Every count shown follows the disclosure rules, and a share of counts is worked out from the
disclosed figures; money is rounded for people (two significant figures), counts to what an
estimate bears (whole from 10 up), and a gap is the difference of the rates as shown. JSON and
CSV are not rounded for reading: they keep the exact figures, or under active disclosure rules
the released counts (`released_count`)."""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from netkit.diagnosis.measures import MEASURES
from netkit.model.disclosure import SUPPRESSED
from netkit.render.document import (
    HTML,
    PAGES,
    TEXT,
    Bullets,
    Document,
    Footer,
    Heading,
    Lines,
    Note,
    Paragraph,
    Raw,
    Table,
)
from netkit.diagnosis.funnel import WITHIN
from netkit.render.formats import fit_list, fmt_estimate, fmt_money_rounded, fmt_share

__all__ = ["diagnosis_document", "within_note", "shown_count", "released_count",
           "shown_share", "shown_excess", "PLOTS_SHOWN"]

#: The largest number of funnel plots an HTML report carries (the funnels of the top candidates).
PLOTS_SHOWN = 12


def _level(level: float) -> str:
    return f"{level * 100:g}%"


def diagnosis_document(d, top: int = 20, plots: bool = True) -> Document:
    """One document for text, Markdown and HTML."""
    rules = d.disclosure
    benchmark = {"system": "the system's own rate", "best_quartile":
                 "the best quartile of places"}[d.benchmark]
    if d.references:
        benchmark += " in the reference set (" + ", ".join(d.references) + ")"
    blocks = [
        Heading(f"Diagnosis: {d.system_name}"),
        Lines((f"{len(d.rates):,} rates compared by pathway, place and measure against "
               f"{benchmark}, {d.per_words()} (transfers: per patient).",
               f"{len(d.candidates):,} candidates above the {_level(d.level)} control limit; "
               f"{len(d.collaboratives)} natural collaboratives.",
               rules.counts_shown())),
        Heading("Candidates, ranked by value at marginal cost", 2),
    ]
    blocks += [Paragraph(t) for t in few_places_words(d)]
    blocks += _candidate_blocks(d, rules, top)
    blocks.append(Paragraph(within_note(), muted=True))
    if plots and len(d.candidates):
        blocks += _plot_blocks(d)
    blocks += _pcn_blocks(d, rules)
    blocks += _gap_blocks(d)
    blocks += _collaborative_blocks(d, rules)
    blocks += _draft_blocks(d, top)
    blocks += [Heading("Notes", 2)] + [Note(n) for n in d.notes]
    from netkit._version import __version__

    blocks.append(Footer(f"netkit {__version__} · diagnose · {d.source or d.system_name}"))
    return Document(blocks, title=f"Diagnosis: {d.system_name}")


def _range(rules, low, central, high, money: bool = False) -> str:
    if money:
        if pd.isna(central):
            return "no unit cost"
        return (f"{fmt_money_rounded(central)} ({fmt_money_rounded(low)}–"
                f"{fmt_money_rounded(high)})")
    # a bound is never finer than its estimate: 46 (6–84), not 46 (6.3–84)
    whole = not pd.isna(central) and math.floor(abs(central) * 10 + 0.5) >= 100
    return (f"{shown_count(rules, central)} ({shown_count(rules, low, whole)}–"
            f"{shown_count(rules, high, whole)})")


def _excess_range(rules, observed, expected, low, central, high) -> str:
    """The excess and its range as a report shows them: under active rules from the rounded
    figures (`shown_excess`), so that it is the observed count less the expected one as shown."""
    if not rules.active:
        return _range(rules, low, central, high)
    low, central, high = shown_excess(rules, observed, expected, low, high)
    return f"{central} ({low}–{high})"


def _candidate_blocks(d, rules, top: int) -> list:
    if d.candidates.empty:
        return [Paragraph("No place is above its benchmark beyond the control limit: every "
                          "difference is within what chance would give.")]
    shown = d.candidates.head(top) if top else d.candidates
    table = pd.DataFrame({
        "rank": [str(i + 1) for i in range(len(shown))],
        "pathway": [d.pathway_names.get(p, p) for p in shown["pathway"]],
        "place": shown["place"].astype(str),
        "measure": [MEASURES[m].label for m in shown["measure"]],
        "observed": [shown_count(rules, v) for v in shown["observed"]],
        "expected": [shown_count(rules, v) for v in shown["expected"]],
        "ratio": [f"{v:.2f}" for v in shown["ratio"]],
        "excess (range)": [_excess_range(rules, *v) for v in zip(
            shown["observed"], shown["expected"], shown["excess_low"], shown["excess"],
            shown["excess_high"])],
        "value, marginal": [_range(rules, *v, money=True) for v in zip(
            shown["value_low"], shown["value"], shown["value_high"])],
        "value, average": [fmt_money_rounded(v) for v in shown["value_average"]],
        "carried by": [_carriers(orgs, rules) for orgs in shown["organisations"]],
        "mechanism": shown["mechanism"],
        "to community": ["yes" if v else "no" for v in shown["hospital_to_community"]],
    })
    right = ("rank", "observed", "expected", "ratio")
    # a terminal gets the narrower table: Markdown and HTML have room for every column, and
    # name every carrier in full
    carried = [_carriers_fitted(orgs, rules) for orgs in shown["organisations"]]
    narrow = table.drop(columns=["value, average", "mechanism"]).assign(
        **{"carried by": [cell for cell, _ in carried],
           "pathway": table["pathway"].map(cut_at_word),
           "measure": table["measure"].map(cut_at_word)})
    blocks = [Table(narrow, right=right, max_width=CELL, only=TEXT),
              Table(table, right=right, max_width=48, only=PAGES)]
    if top and len(d.candidates) > top:
        blocks.append(Paragraph(f"… and {len(d.candidates) - top:,} more (JSON and CSV have "
                                "them all).", muted=True))
    blocks += [Paragraph(t) for t in signal_words(d, shown)]
    if any(by_id for _, by_id in carried):
        blocks.append(Paragraph(CARRIED_NOTE, muted=True, only=TEXT))
    blocks.append(Paragraph(VALUE_NOTE + (" " + ROUNDED_EXCESS if rules.active else ""),
                            muted=True))
    return blocks


#: What the value columns are, in words.
VALUE_NOTE = ("Value, marginal: the excess at the carrying services' marginal cost (the short-run "
              "cost that goes when the contact goes); value, average (Markdown, HTML, JSON): at "
              "their average unit cost. Both are gross, before the cost of a community "
              "alternative (netkit partners on the draft nets it). Ranges come from the control "
              "limits.")


#: Said after `VALUE_NOTE` under active disclosure rules, where the excess shown is rounded.
ROUNDED_EXCESS = ("The excess shown is the observed count less the expected, as shown; the "
                  "value is worked out from the exact excess.")


def _ranks(positions: list) -> str:
    return ", ".join(str(i + 1) for i in positions[:-1]) + f" and {positions[-1] + 1}"


def signal_words(d, shown: pd.DataFrame) -> list[str]:
    """A sentence for each place whose candidates overlap: one signal where they share a
    ratio (the same patients entering the pathway), else measures of the same patients."""
    if "signal" not in shown or shown.empty:
        return []
    out = []
    frame = shown.reset_index(drop=True)
    for (pathway, place), part in frame.groupby(["pathway", "place"], sort=False):
        if len(part) < 2:
            continue
        where = f"{d.pathway_names.get(pathway, pathway)}, {place}"
        groups = part.groupby("signal", sort=False)
        if groups.ngroups == 1:
            out.append(f"Candidates {_ranks(list(part.index))} ({where}) are one signal: the "
                       f"same ratio, {part['ratio'].iloc[0]:.2f}, from the same patients "
                       "entering the pathway, seen in several measures. Their values overlap "
                       "and do not add.")
            continue
        out.append(f"Candidates {_ranks(list(part.index))} ({where}) measure the same place's "
                   "patients: their values overlap and do not add.")
        out += [f"Candidates {_ranks(list(g.index))} ({where}) are one signal: the same ratio, "
                f"{g['ratio'].iloc[0]:.2f}." for _, g in groups if len(g) > 1]
    return out


def few_places_words(d) -> list[str]:
    """Where the candidates' funnels have too few places to separate unwarranted variation
    from the difference between populations, and where the limits were widened."""
    from netkit.diagnosis.overdispersion import FEW_PLACES, MIN_PLACES

    rates = d.rates[d.rates["by"] == "residence"] if len(d.rates) else d.rates
    if rates.empty:
        return []
    places = rates.groupby(["pathway", "measure"])["place"].nunique()
    phi = rates.groupby(["pathway", "measure"])["phi"].max() if "phi" in rates else \
        places * 0 + 1.0
    out = []
    widened = phi[phi > 1]
    if len(widened):
        out.append(f"Control limits widened for overdispersion in {len(widened)} of "
                   f"{len(phi)} funnels (phi {widened.min():.2f} to {widened.max():.2f}, from "
                   "the places' winsorised standardised Pearson residuals; the limits spread by "
                   "the square root of phi, Spiegelhalter 2005).")
    if d.candidates.empty:
        return out
    keys = pd.MultiIndex.from_frame(d.candidates[["pathway", "measure"]]).unique()
    few = places.reindex(keys)
    few = few[(few < MIN_PLACES) & (phi.reindex(keys) <= 1)]
    if len(few) and not d.references:
        n = int(few.max())
        out.append(f"Only {n} place{'s' if n != 1 else ''} compared: {FEW_PLACES}. These "
                   "candidates need a reference (--reference SYSTEM: the benchmark from other "
                   "systems) or overdispersion-adjusted limits (--overdispersion on) before they "
                   "are read as unwarranted variation.")
    return out


def _carriers(orgs: list, rules, most: int = 3) -> str:
    total = sum(o["count"] for o in orgs)
    parts = [f"{o['name']} {shown_share(rules, o['count'], total, o['share'])}".rstrip()
             for o in orgs[:most]]  # no share where the whole rounds to 0
    if len(orgs) > most:
        parts.append(f"+{len(orgs) - most} more")
    return "; ".join(parts)


#: The widest text cell of the candidates table in a terminal.
CELL = 30

#: Said under a terminal's candidates table where a carrier is named by its id.
CARRIED_NOTE = ("Carried by: each organisation by name, or by its id where the name does not "
                "fit the column; the Markdown and HTML reports name them in full, and the JSON "
                "report lists every one.")


def cut_at_word(text: str, width: int = CELL) -> str:
    """Text cut to ``width`` characters after a whole word, ``…`` marking the cut, for a
    terminal's cell: never inside a word (a word longer than the cell is cut like any cell).

    Examples
    --------
    >>> cut_at_word("Frailty urgent care (South East London)")
    'Frailty urgent care (South …'
    >>> cut_at_word("returns between two organisations"), cut_at_word("admissions to care homes")
    ('returns between two …', 'admissions to care homes')
    """
    text = str(text)
    if len(text) <= width:
        return text
    cut = textwrap.shorten(text, width, placeholder=" …")
    return cut if not cut.startswith("…") and len(cut) <= width else text[:width - 1] + "…"


def _carriers_fitted(orgs: list, rules, width: int = CELL) -> tuple[str, bool]:
    """The carriers as a terminal's table shows them, in at most ``width`` characters: each by
    name and share, or by id where the name does not fit, cut at a whole carrier with how many
    more (`fit_list`), never inside a name; and whether an id stands for a name."""
    total = sum(o["count"] for o in orgs)
    shares = [shown_share(rules, o["count"], total, o["share"]) for o in orgs]
    named = [f"{o['name']} {s}".rstrip() for o, s in zip(orgs, shares)]
    cell = fit_list([(n, f"{o['id']} {s}".rstrip()) for n, o, s in zip(named, orgs, shares)],
                    width, "; ")
    shown = cell.split(" and ")[0].split("; ") if cell else []
    return cell, any(part not in named for part in shown)


def _plot_blocks(d) -> list:
    from netkit.diagnosis.plots import funnel_svg

    blocks = [Heading("Funnel plots", 2, only=HTML),
              Paragraph("Each place's observed / expected against its expected count, with "
                        "control limits at 95% (dashed) and 99.8%; red places are above.",
                        muted=True, only=HTML)]
    for pathway, measure in d.funnels()[:PLOTS_SHOWN]:
        svg = funnel_svg(d.funnel_rows(pathway, measure), d.pathway_names.get(pathway, pathway),
                         measure)
        blocks.append(Raw(f'<figure class="funnel">{svg}</figure>'))
    return blocks


def _pcn_blocks(d, rules) -> list:
    """PCNs above the limit on patients entering a pathway (by registration)."""
    pcns = d.rates[d.rates["by"] == "registration"]
    if pcns.empty:
        return []
    above = pcns[pcns["excess"] > 0].sort_values(["excess", "place"], ascending=[False, True],
                                                kind="stable")
    blocks = [Heading("By PCN (registration)", 2),
              Paragraph(f"Patients entering each pathway through a PCN's practices, per "
                        f"{d.per:,.0f} registered patients: {len(pcns):,} compared, "
                        f"{len(above):,} above the {_level(d.level)} limit.", muted=True)]
    if above.empty:
        return blocks
    names = d.organisation_names
    table = pd.DataFrame({
        "pathway": [d.pathway_names.get(p, p) for p in above["pathway"]],
        "PCN": [f"{names.get(p, p)} ({p})" if names.get(p, p) != p else str(p)
                for p in above["place"]],
        "observed": [shown_count(rules, v) for v in above["observed"]],
        "expected": [shown_count(rules, v) for v in above["expected"]],
        "ratio": [f"{v:.2f}" for v in above["ratio"]],
        "excess (range)": [_excess_range(rules, *v) for v in zip(
            above["observed"], above["expected"], above["excess_low"], above["excess"],
            above["excess_high"])]})
    return blocks + [Table(table.head(20), right=("observed", "expected", "ratio"))]


def _gap_blocks(d) -> list:
    if d.gaps.empty:
        why = ("places.csv gives fewer than two deprivation quintiles" if
               len(set(d.quintiles.values())) < 2 else "no two places of different deprivation "
               "quintiles have a rate per head compared")
        return [Heading("Deprivation gaps", 2),
                Paragraph(f"No gap computed: {why}.", muted=True)]
    gaps = d.gaps.sort_values("gap", ascending=False, kind="stable")
    found = _gap_places(d, gaps)
    most = [_gap_cell(p, q, r) for p, q, r in zip(found["most"], gaps["most_deprived"],
                                                    gaps["rate_most"])]
    least = [_gap_cell(p, q, r) for p, q, r in zip(found["least"], gaps["least_deprived"],
                                                     gaps["rate_least"])]
    plural = {side: "places" if any(len(p) > 1 for p in found[side]) else "place"
              for side in ("most", "least")}
    table = pd.DataFrame({
        "pathway": [d.pathway_names.get(p, p) for p in gaps["pathway"]],
        "measure": [MEASURES[m].label for m in gaps["measure"]],
        f"most deprived {plural['most']} present": most,
        f"least deprived {plural['least']} present": least,
        "gap": [_shown_gap(m, n) for m, n in zip(gaps["rate_most"], gaps["rate_least"])],
        "ratio": ["" if pd.isna(r) else f"{r:.2f}" for r in gaps["ratio"]]})
    return [Heading("Deprivation gaps", 2),
            Paragraph(f"Rates {d.per_words(gaps['pathway'])} in the most and least deprived "
                      "of the places present (their deprivation quintile in places.csv: 1 is "
                      f"the most deprived, 5 the least).{span_words(found)}", muted=True),
            Table(table, right=("gap", "ratio"))]


def _gap_places(d, gaps: pd.DataFrame) -> dict:
    """For each gap, the places of its most and of its least deprived quintile whose rates it
    pools, and every quintile of the places with a rate per head."""
    rates = d.rates[(d.rates["by"] == "residence") & (d.rates["denominator"] != "entries")] \
        if len(d.rates) else d.rates
    quintile = rates["place"].astype(str).map(d.quintiles)
    pooled = rates.assign(quintile=quintile)[quintile.notna()]
    places = pooled.groupby(["pathway", "measure", "quintile"])["place"].agg(
        lambda p: sorted(set(map(str, p))))
    return {"most": [places.get((p, m, q), []) for p, m, q in zip(
                gaps["pathway"], gaps["measure"], gaps["most_deprived"])],
            "least": [places.get((p, m, q), []) for p, m, q in zip(
                gaps["pathway"], gaps["measure"], gaps["least_deprived"])],
            "quintiles": sorted({int(q) for q in pooled["quintile"]})}


def _gap_cell(places: list, quintile: float, rate: float) -> str:
    """``North (Q3): 214.2``; two places by name, more by how many.

    Examples
    --------
    >>> _gap_cell(["North"], 3, 214.24), _gap_cell(["East", "North"], 1, 5.0)
    ('North (Q3): 214.2', 'East and North (Q1): 5.0')
    >>> _gap_cell(["A", "B", "C"], 2, 1234.56)
    '3 places (Q2): 1,234.6'
    """
    if not places:  # a diagnosis made without its places' quintiles
        return f"Q{quintile:.0f}: {rate:,.1f}"
    who = " and ".join(places) if len(places) <= 2 else f"{len(places)} places"
    return f"{who} (Q{quintile:.0f}): {rate:,.1f}"


def span_words(found: dict) -> str:
    """Where the places present do not span quintiles 1 to 5, a sentence saying so (with a
    leading space), else "".

    Examples
    --------
    >>> span_words({"quintiles": [3, 4]})
    ' The places present are in quintiles 3 and 4 only: the gaps are between those, not from the most deprived quintile (1) to the least (5).'
    >>> span_words({"quintiles": [1, 2, 3, 4, 5]})
    ''
    """
    present = found["quintiles"]
    if not present or set(present) >= {1, 5}:
        return ""
    listed = ", ".join(map(str, present[:-1])) + f" and {present[-1]}"
    return (f" The places present are in quintiles {listed} only: the gaps are between those, "
            "not from the most deprived quintile (1) to the least (5).")


def _shown_gap(most: float, least: float) -> str:
    """The gap as the difference of the two rates as shown (one decimal), so that the row adds
    up as read: 3.94 and 2.46 show as 3.9, 2.5 and +1.4, not +1.5. JSON keeps the exact gap.

    Examples
    --------
    >>> _shown_gap(3.94, 2.46), _shown_gap(221.64, 140.43), _shown_gap(2.46, 2.5)
    ('+1.4', '+81.2', '+0.0')
    """
    gap = round(float(f"{most:.1f}") - float(f"{least:.1f}"), 1) + 0.0  # no "-0.0"
    return f"{gap:+,.1f}"


def _collaborative_blocks(d, rules) -> list:
    blocks = [Heading("Natural collaboratives", 2),
              Paragraph("Communities of organisations that exchange most of their patients: "
                        "groups whose patients move mostly between their own members, found by "
                        "the Leiden community-detection method on the patient-flow network. "
                        "Evidence of where integration already happens, not a form to adopt.",
                        muted=True)]
    if d.collaboratives.empty:
        return blocks + [Paragraph("No transfers between organisations.")]
    names = d.collaboratives["members"]
    table = pd.DataFrame({
        "members": [", ".join(m[:8]) + (f" and {len(m) - 8} more" if len(m) > 8 else "")
                    for m in names],
        "organisations": [str(len(m)) for m in names],
        "transfers staying inside": [shown_share(rules, *v) for v in zip(
            d.collaboratives["internal"], d.collaboratives["touching"],
            d.collaboratives["internal_share"])]})
    right = ("organisations", "transfers staying inside")
    # a terminal's column holds the whole ids that fit, never part of one
    text = table.assign(members=[fit_list(list(m), MEMBERS) for m in names])
    return blocks + [Table(text, right=right, max_width=MEMBERS, only=TEXT),
                     Table(table, right=right, only=PAGES)]


#: The widest members cell of the natural collaboratives in a terminal.
MEMBERS = 70


def _draft_blocks(d, top: int) -> list:
    if not d.drafts:
        return []
    items = []
    for draft in d.drafts[:top] if top else d.drafts:
        shift = draft.get("shift")
        move = (f"shift {shift['fraction']:.0%} from {', '.join(shift['from'])} to "
                f"{', '.join(shift['to'])}" if shift else "no shift (prevention)")
        items.append(f"{draft['id']}: {move}")
    return [Heading("Draft opportunities", 2),
            Paragraph("Write them with --write-drafts FILE.yaml, edit, and run netkit partners "
                      "on them.", muted=True),
            Bullets(tuple(items))]


def within_note() -> str:
    """What a place inside the control limits is, in words."""
    return (f"Places inside the control limits are {WITHIN}: never a candidate, however far "
            "from the benchmark they look.")


def released_count(rules, value):
    """A count as the data (CSV, JSON, the drafts) carry it: as computed where no disclosure
    rule is active; else as the reports show it (`DisclosureRules.count`, the function
    `shown_count` uses) without thousands separators, as the partner CSV and JSON carry theirs:
    ``"2520"``, ``"*"``. A missing value stays missing.

    Examples
    --------
    >>> from netkit.model.disclosure import disclosure_rules
    >>> nhs, none = disclosure_rules("nhs"), disclosure_rules(None)
    >>> [released_count(nhs, v) for v in (2004.64, 3.0, 0.0)], released_count(none, 2004.64)
    (['2005', '*', '0'], 2004.64)
    """
    if not rules.active or value is None or (isinstance(value, float) and math.isnan(value)):
        return value
    return rules.count(value).replace(",", "")


def shown_share(rules, part, whole, share) -> str:
    """A share of a count (``part`` of ``whole``) as a report shows it: computed from the
    disclosed figures where the rules are active (`DisclosureRules.share`, as the partner
    reasons do: ``*`` where the part is suppressed), else ``share`` as computed (`fmt_share`).

    Examples
    --------
    >>> from netkit.model.disclosure import disclosure_rules
    >>> nhs, none = disclosure_rules("nhs"), disclosure_rules(None)
    >>> shown_share(nhs, 12, 38, 12 / 38), shown_share(nhs, 3, 38, 3 / 38)
    ('25%', '*')
    >>> shown_share(none, 12, 38, 12 / 38)
    '32%'
    """
    return rules.share(part, whole) if rules.active else fmt_share(share)


def shown_excess(rules, observed, expected, excess_low, excess_high) -> tuple[str, str, str]:
    """The excess (low, central, high) as a report shows it under active disclosure rules,
    worked out from rounded figures as the rules' percentages are, so that a reader who
    subtracts gets what is shown: the central excess is the observed count less the expected
    one, each as shown, and each bound the observed count as shown less the control limit that
    gives it (``excess_low`` is the observed count less the upper limit, ``excess_high`` less
    the lower), the limit rounded as a count is. A figure is shown ``*`` where it, or the exact
    figure it stands for, is from 1 to the threshold, as a count would be; all three are ``*``
    where the observed or the expected count is. The value in pounds is worked out from the
    exact excess.

    Examples
    --------
    Shire's admissions in North: 1,764 observed (shown 1,765) against 1,127.1 expected (shown
    1,125); rounded on its own the excess, 636.9, would show as 635, but 1,765 - 1,125 is 640.
    The upper limit 1,764 - 532.3 = 1,231.7 rounds to 1,230, and the lower, 1,024.3, to 1,025:

    >>> from netkit.model.disclosure import disclosure_rules
    >>> nhs = disclosure_rules("nhs")
    >>> shown_excess(nhs, 1764, 1127.07, 532.27, 739.75)
    ('535', '640', '740')
    >>> shown_excess(nhs, 190, 140, 12.52, 85.63), shown_excess(nhs, 6, 2.5, 0.5, 4)
    (('15', '50', '85'), ('*', '*', '*'))
    >>> shown_excess(nhs, 200, 159.1, 1.03, 78.9)  # 200 - 199 is 200 - 200 as shown: 0, but 1.03
    ('*', '40', '80')
    """
    step = rules.rounding
    observed_shown, expected_shown = rules.values([observed, expected]).tolist()
    if math.isnan(observed_shown) or math.isnan(expected_shown):
        return (SUPPRESSED,) * 3

    def limit(excess):  # the control limit the bound comes from, rounded as a count is
        return math.floor((observed - excess) / step + 0.5) * step

    figures = (observed_shown - limit(excess_low), observed_shown - expected_shown,
               observed_shown - limit(excess_high))
    exact = (excess_low, observed - expected, excess_high)
    small = [0 < v <= rules.threshold or 0 < e <= rules.threshold for v, e in zip(figures, exact)]
    return tuple(SUPPRESSED if hide else f"{round(v):,}" for v, hide in zip(figures, small))


def shown_count(rules, value, whole: bool = False) -> str:
    """A count as a report shows it: by the disclosure rules where they are active, else at the
    precision an estimate bears (`fmt_estimate`: whole from 10 up, one decimal below, or whole
    throughout with ``whole``), so that observed, expected and excess are shown alike and add up
    as read."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return rules.count(value) if rules.active else fmt_estimate(value, whole)

