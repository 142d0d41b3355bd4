"""The money section of a partner report: who gains and who loses under the shift.

A report that shows the first ``top`` of each tier (``--top``) shows the ``top`` largest money
positions too, largest first, and says how many more there are: England's frailty shift
touches 47,555 organisations, 22,000 of them losing a little, and listing every one made a
175,000-line report that took most of a minute to write. Where every organisation fits, the
tables are as they always were (in the order of the money's organisations).

Organisations are named as the report's other lists name them, by name with the id in brackets;
a terminal's tables cut a long name after a whole word and keep the id whole
(`netkit.render.naming.short_name_and_id`), so that no cut hides who it is.

A loss under the risk-and-gain share's collar while the system gains is not settled, so it is
not flagged ("!") nor given as a candidate's reason; the report's notes say once how many
organisations lose that little (`collar_loss_note`). Contacts are whole, ``-<1`` where a change
is not nothing but under one; under disclosure control, as the rules show counts, and the JSON's
counts are released as its others are (`released_changes`, `released_investment`).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from netkit.finance.share_report import NAME_WIDTH
from netkit.model.selectors import SERVICE_KINDS, parse_selector
from netkit.render.document import PAGES, TEXT, Heading, Lines, Paragraph, Table
from netkit.render.formats import ROUNDED, fmt_money_rounded, fmt_share
from netkit.render.naming import name_and_id, short_name_and_id
from netkit.render.text import wrap

#: A note on the losses under the collar names the organisations up to this many; more are
#: counted.
NAMED_UNDER_COLLAR = 5

__all__ = ["incentive_blocks", "largest", "signed_count", "below_collar", "collar_loss_note",
           "without_small_losses", "released_changes", "released_investment", "CHANGES",
           "collar_of", "services_in_words", "CATEGORY_WORDS"]

#: A ``category:NAME`` selector of services in words, for the money section's heading.
CATEGORY_WORDS = {
    "primary_care": "primary care services", "urgent_emergency": "urgent and emergency services",
    "acute_inpatient": "acute inpatient services",
    "acute_outpatient": "acute outpatient services", "community": "community services",
    "mental_health": "mental health services", "social_care": "social care services",
    "ambulance": "ambulance services", "care_home": "care home services",
    "vcse_support": "voluntary sector support services", "pharmacy": "pharmacy services",
    "other": "other services"}

#: The money rows' counts of a change (contacts, patients, bed days): released under disclosure
#: control in the JSON and the workbook, as every other count is.
CHANGES = ("activity_change", "patients_change", "bed_days_change")

#: A change in contacts smaller than this is arithmetic's noise, not a change: shown as none.
NOTHING = 1e-6


def signed_count(value: float, disclosure) -> str:
    """A change in activity with its sign, in whole contacts as the report's other counts are,
    or as the disclosure rules show counts ("" for none).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> signed_count(-1234.4, SimpleNamespace(active=False)), signed_count(0.0, None)
    ('-1,234', '')

    A change that is not nothing but rounds to no whole contact is under one, as a share under
    1% is "<1%" (not "-0", nor a tenth of a contact the rest of the report never shows):

    >>> [signed_count(v, SimpleNamespace(active=False)) for v in (-0.4, 0.04, 0.6)]
    ['-<1', '+<1', '+1']
    """
    if not value or abs(value) < NOTHING:
        return ""
    if not disclosure.active:
        shown = f"{value:+,.0f}"
        return shown if shown[1:] != "0" else shown[0] + "<1"
    shown = disclosure.count(abs(value))
    return shown if shown == "*" else ("+" if value > 0 else "-") + shown


def released_changes(rows: pd.DataFrame, disclosure) -> pd.DataFrame:
    """The money rows (`Incentives.organisations`) as the JSON report carries them: under
    active disclosure rules each change in contacts, patients and bed days (`CHANGES`) is
    released as the JSON's other counts are, as text without thousands commas and with its
    sign (``"-3145"``, ``"*"``, ``"0"``); the money is not changed. As they are otherwise.

    Examples
    --------
    >>> from netkit.model.disclosure import disclosure_rules
    >>> t = pd.DataFrame({"activity_change": [-3146.4, 0.4, 0.0], "net": [-5.0, 1.0, 0.0]})
    >>> released_changes(t, disclosure_rules("nhs"))["activity_change"].tolist()
    ['-3145', '*', '0']
    """
    if disclosure is None or not disclosure.active:
        return rows
    def one(value):
        if not value or abs(value) < NOTHING:
            return "0"
        shown = disclosure.count(abs(value)).replace(",", "")
        return shown if shown in ("*", "0") or value > 0 else "-" + shown
    return rows.assign(**{c: rows[c].map(one) for c in CHANGES if c in rows})


def released_investment(investment: dict | None, disclosure) -> dict | None:
    """The investment (`netkit.finance.risk_share.ShareDesign.investment`) as the JSON report
    carries it: under active disclosure rules what it buys in patients, contacts and bed days
    is released as the JSON's other counts are (text, ``"165"``); as it is otherwise."""
    if not investment or disclosure is None or not disclosure.active:
        return investment
    buys = dict(investment.get("buys") or {})
    for key in ("patients", "contacts", "bed_days"):
        if isinstance(buys.get(key), (int, float)):
            buys[key] = disclosure.count(buys[key]).replace(",", "")
    return {**investment, "buys": buys}


def largest(organisations: pd.DataFrame, top: int | None) -> tuple[np.ndarray, int]:
    """The rows the money tables show, as positions, and how many they leave out: every row
    where ``top`` is None or 0 or they all fit (in their own order); else the ``top`` largest
    positions, by the size of their net a year, largest first (ties by id).

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["A", "B", "C", "D"], "net": [5.0, -90.0, 40.0, -40.0]})
    >>> rows, hidden = largest(orgs, 3)
    >>> orgs["id"].to_numpy()[rows].tolist(), hidden
    (['B', 'C', 'D'], 1)
    >>> largest(orgs, 0)[0].tolist()
    [0, 1, 2, 3]
    """
    if not top or len(organisations) <= top:
        return np.arange(len(organisations)), 0
    order = pd.DataFrame({"size": -organisations["net"].abs().to_numpy(),
                          "id": organisations["id"].to_numpy(dtype=object)}).sort_values(
        ["size", "id"], kind="mergesort").index.to_numpy()
    return order[:top], len(organisations) - top


def services_in_words(selectors, names: dict | None = None) -> str:
    """The services of a shift's ``from`` or ``to`` in words: a service by name with its id in
    brackets (`netkit.render.naming.name_and_id`; the id alone where it has no name; services
    of one name once, with their ids), a ``category:NAME`` selector as the category
    (`CATEGORY_WORDS`), the last joined by "and".

    Examples
    --------
    >>> services_in_words(["ED-RIV", "category:acute_inpatient"],
    ...                   {"ED-RIV": "Emergency department"})
    'Emergency department (ED-RIV) and acute inpatient services'
    >>> services_in_words(["IC", "REAB", "X"], {"IC": "Intermediate care", "REAB": "Reablement"})
    'Intermediate care (IC), Reablement (REAB) and X'
    >>> services_in_words(["category:hospital_at_home"])
    'hospital at home services'
    >>> services_in_words(["UCR1", "UCR2"], {"UCR1": "Urgent response", "UCR2": "Urgent response"})
    'Urgent response (UCR1, UCR2)'
    """
    words: dict = {}  # a name, or a category's words → the ids with it, in the order given
    for text in selectors:
        chosen = parse_selector(str(text), SERVICE_KINDS)
        if chosen.kind == "category":
            words.setdefault(CATEGORY_WORDS.get(
                chosen.value, chosen.value.replace("_", " ") + " services"), [])
            continue
        name = name_and_id(names, chosen.value)
        if name == chosen.value:  # no name: the id alone
            words.setdefault(name, [])
        else:
            words.setdefault(name[: -len(chosen.value) - 3], []).append(chosen.value)
    said = [f"{w} ({', '.join(ids)})" if ids else w for w, ids in words.items()]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]


def incentive_table(t: pd.DataFrame, names: dict, disclosure,
                    width: int | None = None) -> pd.DataFrame:
    """Each organisation's change in contacts a year (its activity), cost, income, spend and
    net (rows of `Incentives.organisations`), for people; the table names its unit, as the
    activity it counts mixes attendances, admissions and community contacts. Organisations by
    name and id, in at most ``width`` characters where given (the id whole)."""
    label = ((lambda i: name_and_id(names, i)) if width is None else
             (lambda i: short_name_and_id(names, i, width)))
    return pd.DataFrame({
        "organisation": t["id"].map(label),
        "contacts": t["activity_change"].map(lambda v: signed_count(v, disclosure)),
        "cost": t["cost_change"].map(fmt_money_rounded),
        "income": t["income_change"].map(fmt_money_rounded),
        "spend": t["spend_change"].map(fmt_money_rounded),
        "net": t["net"].map(fmt_money_rounded)})


def incentive_blocks(inc, shift, names: dict, disclosure, top: int | None = None,
                     width: int = 100, collar: float = 0.0,
                     service_names: dict | None = None) -> list:
    """The money under the shift: who gains and who loses (who pays whom is the proposal's),
    the ``top`` largest positions where there are more (see the module's description); the
    lines that wrap in text wrap at ``width``. A loss under the risk-and-gain share's
    ``collar`` is not flagged (`below_collar`; `collar_loss_note` says so once). The heading
    names the shift's services in words (`services_in_words`, by ``service_names``)."""
    if inc is None:
        return []
    verdict, ranged = "gains" if inc.system_net > 0 else "loses", inc.range_words()
    rows, hidden = largest(inc.organisations, top)
    shown = inc.organisations.iloc[rows]
    table = incentive_table(shown, names, disclosure)
    short = incentive_table(shown, names, disclosure, NAME_WIDTH)
    right = ("contacts", "cost", "income", "spend", "net")
    moved = (f"shift {fmt_share(shift.fraction)} of patients from "
             f"{services_in_words(shift.from_, service_names)} to "
             f"{services_in_words(shift.to, service_names)}")
    heading = wrap(f"Incentives ({moved})", width, subsequent_indent="  ")
    blocks = [Heading(heading[0], 2, only=TEXT), Lines(tuple(heading[1:]), only=TEXT),
              Heading(f"Incentives ({moved})", 2, only=PAGES),
              Paragraph(f"the system {verdict} {fmt_money_rounded(abs(inc.system_net))} a year"
                        f"{' ' * bool(ranged)}{ranged}", indent=2, only=TEXT),
              Paragraph(f"System net: {fmt_money_rounded(inc.system_net)} a year"
                        f"{' ' * bool(ranged)}{ranged}.", only=PAGES),
              *[b for line in inc.summary_lines(disclosure) for b in (
                  Lines(tuple(wrap(line, width, initial_indent="  ", subsequent_indent="    ")),
                        only=TEXT), Paragraph(line, only=PAGES))]]
    if hidden:
        blocks.append(Paragraph(
            f"The {len(rows):,} largest positions, largest first; {hidden:,} more organisations "
            "are in the CSV, JSON and xlsx reports (--top 0 shows every one here).", indent=2))
    blocks += [Table(short, max_width=NAME_WIDTH, right=right, only=TEXT),
               Table(table, right=right, only=PAGES),
               Paragraph(ROUNDED, indent=2)]
    if inc.drawn:  # no draws, no ranges
        right = ("low", "net", "high", "chance of loss")
        blocks += [Paragraph("Range (90%) and chance of losing money:", indent=2),
                   Table(inc.range_table(short["organisation"].to_numpy(), rows),
                         max_width=NAME_WIDTH, right=right, only=TEXT),
                   Table(inc.range_table(table["organisation"].to_numpy(), rows), right=right,
                         only=PAGES)]
    return blocks + _loser_blocks(inc, top, names, width, collar)


def collar_of(inc, share) -> float:
    """The risk-and-gain share's (`netkit.finance.risk_share.ShareDesign`) collar, under which
    a loss while the system gains is not settled, and so not flagged: 0 without a share or
    where the system does not gain (then every loss is the investment's to cover).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> share = SimpleNamespace(rule=SimpleNamespace(collar=10000.0))
    >>> collar_of(SimpleNamespace(system_net=5.0), share), collar_of(
    ...     SimpleNamespace(system_net=-5.0), share), collar_of(None, None)
    (10000.0, 0.0, 0.0)
    """
    gains = inc is not None and inc.system_net > 0
    return float(share.rule.collar) if share is not None and gains else 0.0


def _nets(inc) -> dict:
    """Each organisation's net a year, by id (made from lists, not by iterating the two
    Series: England's 47,555 in 0.007 s rather than 0.016 s)."""
    return dict(zip(inc.organisations["id"].tolist(), inc.organisations["net"].tolist()))


def below_collar(inc, collar: float) -> list[str]:
    """The organisations that lose while the system gains (`Incentives.losers`) less than the
    risk-and-gain share's ``collar`` a year: no payment under it is made, so such a loss is not
    settled, and the report does not flag it as if it mattered.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> inc = SimpleNamespace(losers=["A", "B"], organisations=pd.DataFrame(
    ...     {"id": ["A", "B", "C"], "net": [-5.0, -20000.0, 30000.0]}))
    >>> below_collar(inc, 10000), below_collar(inc, 0)
    (['A'], [])
    """
    if inc is None or not collar:
        return []
    nets = _nets(inc)
    return [o for o in inc.losers if -nets[o] < collar]


def collar_loss_note(inc, collar: float, names: dict | None = None) -> str | None:
    """Once, for the report's notes: how many organisations lose less than the ``collar`` while
    the system gains, that such losses are not settled, and who they are where there are
    `NAMED_UNDER_COLLAR` or fewer (None where there are none).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> inc = SimpleNamespace(losers=["PH"], organisations=pd.DataFrame(
    ...     {"id": ["PH"], "net": [-5.0]}))
    >>> print(collar_loss_note(inc, 10000, {"PH": "Vale Pharmacy"}))
    collar: 1 organisation loses less than the £10,000 a year collar under the shift (Vale Pharmacy (PH)), by its net position before any payment under the risk and gain share; a loss under the collar is not settled, so the money section does not flag it
    """
    small = below_collar(inc, collar)
    if not small:
        return None
    one = len(small) == 1
    who = (" (" + ", ".join(name_and_id(names, o) for o in small) + ")"
           if len(small) <= NAMED_UNDER_COLLAR else "")
    return (f"collar: {len(small):,} organisation{'' if one else 's'} lose{'s' * one} less than "
            f"the {fmt_money_rounded(collar)} a year collar under the shift{who}, by {'its' * one}"
            f"{'their' * (not one)} net position before any payment under the risk and gain "
            "share; "
            + ("a loss under the collar is not settled, so the money section does not flag it"
               if one else "losses under the collar are not settled, so the money section does "
               "not flag them"))


def without_small_losses(partners: pd.DataFrame, collar: float) -> pd.DataFrame:
    """The partner table as a report reads it: a candidate that loses less than ``collar`` a
    year has no reason saying so (``loses £5 a year under the shift``), and its reason's
    sources go with it; the table itself is left as it is (the JSON keeps every reason).

    Examples
    --------
    >>> t = pd.DataFrame({"incentives": [-5.0, -50000.0], "reasons": [
    ...     ["delivers 1%", "loses £5 a year under the shift"],
    ...     ["loses £50,000 a year under the shift"]], "reason_sources": [[["a"], []], [[]]]})
    >>> without_small_losses(t, 10000)["reasons"].tolist()
    [['delivers 1%'], ['loses £50,000 a year under the shift']]
    """
    if not collar or "incentives" not in partners or not len(partners):
        return partners
    small = ((partners["incentives"] < 0) & (-partners["incentives"] < collar)).to_numpy()
    if not small.any():
        return partners
    out = partners.copy()
    at = np.nonzero(small)[0]
    keep = [[not (r.startswith("loses ") and " a year under the shift" in r) for r in reasons]
            for reasons in out["reasons"].iloc[at]]
    for column in ("reasons", "reason_sources"):
        if column in out:
            out[column] = out[column].astype(object)
            values = out[column].tolist()
            for i, kept in zip(at, keep):
                values[i] = [v for v, k in zip(values[i], kept) if k]
            out[column] = values
    return out


def _loser_blocks(inc, top: int | None, names: dict | None = None, width: int = 100,
                  collar: float = 0.0) -> list:
    """An organisation that loses while the system gains (by the collar or more), one line each
    (wrapped at ``width``), by name and id: the ``top`` largest losses first where there are
    more, and how many more."""
    small = set(below_collar(inc, collar))
    losers = [o for o in inc.losers if o not in small]
    nets = _nets(inc)
    hidden = 0
    if top and len(losers) > top:
        losers, hidden = sorted(losers, key=lambda o: (nets[o], o))[:top], len(losers) - top
    blocks = [Lines(tuple(textwrap.wrap(
        f"! {name_and_id(names, loser)} loses {fmt_money_rounded(abs(nets[loser]))} a year "
        "while the system gains", width, initial_indent="  ", subsequent_indent="    ",
        break_on_hyphens=False)), only=TEXT) for loser in losers]
    if hidden:
        blocks.append(Paragraph(f"! and {hidden:,} more organisations lose money while the "
                                "system gains (the largest losses are above)", indent=2,
                                only=TEXT))
    return blocks
