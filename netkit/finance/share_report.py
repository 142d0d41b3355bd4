"""A proposed risk-and-gain-share as the partner report shows it: its rules, who pays whom, any
investment, the notes and each organisation's position before and after settlement.

Organisations are named as the report's other lists name them, by name with the id in brackets
(``NHS Riverside Integrated Care Board (ICB-RIV) pays Riverside University Hospitals NHS
Foundation Trust (ACU-RIV) £1.3m a year (keep whole)``), where the caller gives the names; a
board paper has to say who pays whom. A terminal's positions table cuts a long name after a
whole word and keeps the id whole. The JSON report keeps ids (`ShareDesign.to_dict`).
"""

from __future__ import annotations

import textwrap
from typing import Mapping

import numpy as np
import pandas as pd

from netkit.render.document import (
    HTML,
    MARKDOWN,
    PAGES,
    TEXT,
    Bullets,
    Heading,
    Lines,
    Paragraph,
    Table,
)
from netkit.finance.share_rule import HALF_PENNY
from netkit.render.formats import ROUNDED, fmt_money_rounded
from netkit.render.naming import name_and_id, said, short_name_and_id

__all__ = ["share_blocks", "position_table", "shown_first", "NAME_WIDTH"]

#: How wide a terminal's table shows an organisation's name and id (the id always whole).
NAME_WIDTH = 46


def share_blocks(design, top: int | None = None, names: Mapping | None = None,
                 width: int = 100) -> list:
    """The proposal (a `netkit.finance.risk_share.ShareDesign`) as report blocks
    (`netkit.render.document`): its rules first, then who pays whom and any investment. With
    ``top``, at most ``top`` payments, notes and positions (the largest settlements first),
    saying how many more (England has thousands of each). With ``names`` (id to name),
    organisations by name with their ids in brackets, as the report's lists show them. Text
    wraps at ``width``."""
    lines = design.lines(names)
    transfers = lines[:len(design.transfers)] or ["no transfers are needed"]
    transfers = _first(transfers, top, "payments")
    out = [Heading("Risk and gain share (proposed)", 2),
           Paragraph("Rules (settings: risk_share in opportunities.yaml):", indent=2,
                     only=TEXT),
           Paragraph("Rules (settings: `risk_share` in opportunities.yaml):", only=MARKDOWN),
           Paragraph("Rules (settings: risk_share in opportunities.yaml):", only=HTML),
           Bullets(design.rule.describe(design.basis)),
           Paragraph("Proposal:", indent=2, only=TEXT), Paragraph("Proposal:", only=PAGES),
           Bullets(transfers, hyphens=False)]
    if design.investment:
        line = lines[-1][0].upper() + lines[-1][1:] + "."
        out += [Lines(tuple(textwrap.wrap(line, width, initial_indent="  ",
                                          subsequent_indent="  ", break_on_hyphens=False)),
                      only=TEXT), Paragraph(line, only=PAGES)]
    notes = ([said(w, names) for w in design.wording] if design.wording
             else list(design.notes))
    if notes:
        out += [Paragraph("Notes:", indent=2, only=TEXT), Paragraph("Notes:", only=PAGES),
                Bullets(tuple(_first([n[0].upper() + n[1:] + "." for n in notes], top,
                                     "notes")), hyphens=False)]
    if len(design.positions):
        table = position_table(design, top, names)
        hidden = len(design.positions) - (len(table) - 1)
        right = ("before", "settlement", "after")
        out += [Paragraph("Positions before and after settlement (£ a year, in cash)"
                          + (f", {shown_first(design.positions, len(table) - 1)}; "
                             f"{hidden:,} more organisations in the JSON report:" if hidden
                             else ":"), indent=2),
                Table(position_table(design, top, names, NAME_WIDTH), right=right,
                      max_width=NAME_WIDTH, only=TEXT),
                Table(table, right=right, only=PAGES), Paragraph(ROUNDED, indent=2)]
    return out


def position_table(design, top: int | None = None, names: Mapping | None = None,
                   width: int | None = None) -> pd.DataFrame:
    """``organisation, before, settlement, after`` for people (rounded), with a total row: the
    system's net, which the settlement does not change. With ``top``, at most ``top``
    organisations, the largest settlements first (ties by the largest position, then id); the
    total is still everyone's. Organisations by id, or with ``names`` (id to name) by name with
    the id in brackets, in at most ``width`` characters where given (a long name cut after a
    whole word, the id whole: `netkit.render.naming.short_name_and_id`)."""
    p = design.positions
    moved = p["received"] - p["paid"]
    rows = np.arange(len(p))
    if top and len(p) > top:
        order = pd.DataFrame({"moved": -moved.abs().to_numpy(),
                              "position": -p["position"].abs().to_numpy(),
                              "id": p["id"].to_numpy(dtype=object)}).sort_values(
            ["moved", "position", "id"], kind="mergesort").index.to_numpy()
        rows = order[:top]
    ids = p["id"].to_numpy(dtype=object)[rows].tolist()
    if names is not None:
        ids = [name_and_id(names, o) if width is None else short_name_and_id(names, o, width)
               for o in ids]
    frame = pd.DataFrame({
        "organisation": ids + [
            "all organisations" if len(rows) == len(p) else f"all {len(p):,} organisations"],
        "before": p["position"].to_numpy()[rows].tolist() + [p["position"].sum()],
        "settlement": moved.to_numpy()[rows].tolist() + [moved.sum()],
        "after": p["final"].to_numpy()[rows].tolist() + [p["final"].sum()]})
    for column in ("before", "settlement", "after"):
        frame[column] = frame[column].map(lambda v: fmt_money_rounded(v + 0.0))
    return frame


def shown_first(positions: pd.DataFrame, shown: int) -> str:
    """What the first ``shown`` rows of a cut positions table are: the largest settlements,
    and, where fewer organisations pay or are paid than are shown, the largest positions left
    as they are after them (a row with a £0 settlement is not a settlement).

    Examples
    --------
    >>> p = pd.DataFrame({"received": [90.0, 0, 0, 0], "paid": [0.0, 90, 0, 0]})
    >>> shown_first(p, 2), shown_first(p, 3)
    ('the 2 largest settlements first', 'the 2 organisations that pay or are paid first, then the largest position left as it is')
    """
    settled = int(((positions["received"] - positions["paid"]).abs() > HALF_PENNY).sum())
    if settled >= shown:
        return f"the {shown:,} largest settlements first"
    rest = shown - settled
    who = ("organisation that pays or is paid" if settled == 1 else
           "organisations that pay or are paid")
    return (f"the {settled:,} {who} first, then the largest "
            + (f"{rest:,} positions left as they are" if rest != 1 else "position left as it is"))


def _first(lines: list, top: int | None, what: str) -> list:
    """The first ``top`` lines (all without ``top``), then how many more there are.

    Examples
    --------
    >>> _first(["a", "b", "c"], 2, "payments")
    ['a', 'b', 'and 1 more payments in the JSON report']
    >>> _first(["a"], 2, "notes")
    ['a']
    """
    if not top or len(lines) <= top:
        return list(lines)
    return list(lines[:top]) + [f"and {len(lines) - top:,} more {what} in the JSON report"]
