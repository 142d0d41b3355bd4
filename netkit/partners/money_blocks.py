"""The money section of a partner report: who gains and who loses under the shift.

A report that shows the first ``top`` of each tier (``--top``) shows the ``top`` largest money
positions too, largest first, and says how many more there are: England's frailty shift
touches 47,555 organisations, 22,000 of them losing a little, and listing every one made a
175,000-line report that took most of a minute to write. Where every organisation fits, the
tables are as they always were (in the order of the money's organisations).

Organisations are named as the report's other lists name them, by name with the id in brackets;
a terminal's tables cut a long name after a whole word and keep the id whole
(`netkit.render.naming.short_name_and_id`), so that no cut hides who it is.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from netkit.finance.share_report import NAME_WIDTH
from netkit.render.document import PAGES, TEXT, Heading, Lines, Paragraph, Table
from netkit.render.formats import ROUNDED, fmt_money_rounded, fmt_share
from netkit.render.naming import name_and_id, short_name_and_id

__all__ = ["incentive_blocks", "largest", "signed_count"]


def signed_count(value: float, disclosure) -> str:
    """A change in activity with its sign, as the disclosure rules show counts ("" for none).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> signed_count(-1234.4, SimpleNamespace(active=False)), signed_count(0.0, None)
    ('-1,234', '')

    Under one contact a year, a tenth of one (not "-0"); under a twentieth, none:

    >>> [signed_count(v, SimpleNamespace(active=False)) for v in (-0.3, 0.04)]
    ['-0.3', '']
    """
    if not value or (not disclosure.active and abs(value) < 0.05):
        return ""
    if not disclosure.active:
        return f"{value:+,.0f}" if abs(value) >= 0.5 else f"{value:+.1f}"
    shown = disclosure.count(abs(value))
    return shown if shown == "*" else ("+" if value > 0 else "-") + shown


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
                     width: int = 100) -> list:
    """The money under the shift: who gains and who loses (who pays whom is the proposal's),
    the ``top`` largest positions where there are more (see the module's description); the
    lines that wrap in text wrap at ``width``."""
    if inc is None:
        return []
    verdict, ranged = "gains" if inc.system_net > 0 else "loses", inc.range_words()
    rows, hidden = largest(inc.organisations, top)
    shown = inc.organisations.iloc[rows]
    table = incentive_table(shown, names, disclosure)
    short = incentive_table(shown, names, disclosure, NAME_WIDTH)
    right = ("contacts", "cost", "income", "spend", "net")
    moved = (f"shift {fmt_share(shift.fraction)} of patients from {', '.join(shift.from_)} "
             f"to {', '.join(shift.to)}")
    blocks = [Heading(f"Incentives ({moved})", 2),
              Paragraph(f"the system {verdict} {fmt_money_rounded(abs(inc.system_net))} a year"
                        f"{' ' * bool(ranged)}{ranged}", indent=2, only=TEXT),
              Paragraph(f"System net: {fmt_money_rounded(inc.system_net)} a year"
                        f"{' ' * bool(ranged)}{ranged}.", only=PAGES),
              *[Paragraph(line, indent=2) for line in inc.summary_lines()]]
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
    return blocks + _loser_blocks(inc, top, names, width)


def _loser_blocks(inc, top: int | None, names: dict | None = None, width: int = 100) -> list:
    """An organisation that loses while the system gains, one line each (wrapped at
    ``width``), by name and id: the ``top`` largest losses first where there are more, and how
    many more."""
    losers = inc.losers
    nets = dict(zip(inc.organisations["id"], inc.organisations["net"]))
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
