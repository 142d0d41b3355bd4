"""The diagnosis as a `Document`: the ranked candidates with their size and who carries them,
the funnel plots (HTML), deprivation gaps, natural collaboratives, the drafts and the notes.
Every count shown follows the disclosure rules, and a share of counts is worked out from the
disclosed figures; money is rounded for people (two significant figures), counts to what an
estimate bears (whole from 10 up), and a gap is the difference of the rates as shown. JSON and
CSV are not rounded for reading: they keep the exact figures, or under active disclosure rules
the released counts (`released_count`)."""

from __future__ import annotations

import math

import pandas as pd

from netkit.diagnosis.measures import MEASURES
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
from netkit.render.formats import fmt_estimate, fmt_money_rounded, fmt_share

__all__ = ["diagnosis_document", "within_note", "shown_count", "released_count",
           "shown_share", "PLOTS_SHOWN"]

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
        "excess (range)": [_range(rules, *v) for v in zip(
            shown["excess_low"], shown["excess"], shown["excess_high"])],
        "value, marginal": [_range(rules, *v, money=True) for v in zip(
            shown["value_low"], shown["value"], shown["value_high"])],
        "value, average": [fmt_money_rounded(v) for v in shown["value_average"]],
        "carried by": [_carriers(orgs, rules) for orgs in shown["organisations"]],
        "mechanism": shown["mechanism"],
        "to community": ["yes" if v else "no" for v in shown["hospital_to_community"]],
    })
    right = ("rank", "observed", "expected", "ratio")
    # a terminal gets the narrower table: Markdown and HTML have room for every column
    narrow = table.drop(columns=["value, average", "mechanism"])
    blocks = [Table(narrow, right=right, max_width=30, only=TEXT),
              Table(table, right=right, max_width=48, only=PAGES)]
    if top and len(d.candidates) > top:
        blocks.append(Paragraph(f"… and {len(d.candidates) - top:,} more (JSON and CSV have "
                                "them all).", muted=True))
    blocks += [Paragraph(t) for t in signal_words(d, shown)]
    blocks.append(Paragraph(VALUE_NOTE, muted=True))
    return blocks


#: What the value columns are, in words.
VALUE_NOTE = ("Value, marginal: the excess at the carrying services' marginal cost (the short-run "
              "cost that goes when the contact goes); value, average (Markdown, HTML, JSON): at "
              "their average unit cost. Both are gross, before the cost of a community "
              "alternative (netkit partners on the draft nets it). Ranges come from the control "
              "limits.")


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
        "excess (range)": [_range(rules, *v) for v in zip(
            above["excess_low"], above["excess"], above["excess_high"])]})
    return blocks + [Table(table.head(20), right=("observed", "expected", "ratio"))]


def _gap_blocks(d) -> list:
    if d.gaps.empty:
        return [Heading("Deprivation gaps", 2),
                Paragraph("No gap computed: places.csv gives fewer than two deprivation "
                          "quintiles.", muted=True)]
    gaps = d.gaps.sort_values("gap", ascending=False, kind="stable")
    table = pd.DataFrame({
        "pathway": [d.pathway_names.get(p, p) for p in gaps["pathway"]],
        "measure": [MEASURES[m].label for m in gaps["measure"]],
        "most deprived": [f"Q{q:.0f}: {r:,.1f}" for q, r in zip(gaps["most_deprived"],
                                                                 gaps["rate_most"])],
        "least deprived": [f"Q{q:.0f}: {r:,.1f}" for q, r in zip(gaps["least_deprived"],
                                                                  gaps["rate_least"])],
        "gap": [_shown_gap(m, n) for m, n in zip(gaps["rate_most"], gaps["rate_least"])],
        "ratio": ["" if pd.isna(r) else f"{r:.2f}" for r in gaps["ratio"]]})
    return [Heading("Deprivation gaps", 2),
            Paragraph(f"Rates {d.per_words(gaps['pathway'])} in the most and least deprived "
                      "places (quintile 1 is the most deprived).", muted=True),
            Table(table, right=("gap", "ratio"))]


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
    return blocks + [Table(table, right=("organisations", "transfers staying inside"),
                           max_width=70)]


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


def shown_count(rules, value, whole: bool = False) -> str:
    """A count as a report shows it: by the disclosure rules where they are active, else at the
    precision an estimate bears (`fmt_estimate`: whole from 10 up, one decimal below, or whole
    throughout with ``whole``), so that observed, expected and excess are shown alike and add up
    as read."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return rules.count(value) if rules.active else fmt_estimate(value, whole)

