"""The benefit/cost curve as the partner report shows it, under "Where one more stops paying".

The report shows what the rule that picks the core weighs (`netkit.partners.selection`): a
candidate earns a seat when it adds more benefit than a seat costs, so the net shown is the
benefit less the seats' cost (``net_of_seats``), which rises with every partner that earns its
seat up to the stop. The new working relationships the set needs are a column of their own (a
count, ``new_relationships``, as the staff-time line counts and prices them) and a note says
that relationships order the candidates but never decide a seat. The curve's ``cost`` and
``net``, which also charge ``new_tie`` for every pair of members with no relationship, stay in
the JSON and the workbook for scripts: shown beside the stop, a net that falls below zero while
partners are still core read as "we keep partners who cost more than they bring".
"""

from __future__ import annotations

import pandas as pd

from netkit.render.document import Note, Table
from netkit.partners.reasons import tenths
from netkit.render.formats import fmt_number

__all__ = ["curve_table", "curve_blocks", "CURVE_NOTE", "SHOWN_ROWS"]

#: Set sizes the table shows when the core is small (see `curve_table`).
SHOWN_ROWS = 12

#: How to read the table, under it.
CURVE_NOTE = (
    "the net is the benefit less the seats' cost. A partner earns a seat by adding more benefit "
    "than a seat costs, so the net rises with each one up to the stop. 'new relationships' "
    "counts the new working relationships the partners would need: two partners that hand "
    "patients to each other and have no relationship in relationships.csv. They are costed in "
    "pounds in the 'In staff time' line above. Relationships set the order partners are chosen "
    "in (one that already works with more of the table joins first) but never decide a seat.")


def curve_table(curve: pd.DataFrame, rows: int = SHOWN_ROWS) -> pd.DataFrame:
    """The curve's first ``rows`` sizes as the report shows them; where the core is larger, the
    first eight, a gap (``…``) and the sizes around the stop (the last two of the core and the
    three after; no gap where it would hide one size at most), so that the table always shows
    where one more stops paying.

    Columns: ``size, added, benefit, seats' cost, net`` (benefit less the seats' cost), to a
    tenth of a percent as the stop line gives them (a stop is decided by tenths: 1.9% of
    benefit for a seat's 2.0%), ``new relationships`` (a count) and ``core``.

    Examples
    --------
    >>> curve = pd.DataFrame({"size": [0, 1, 2], "added": ["", "A", "B"],
    ...                       "benefit": [0, 0.5, 0.6], "seat_cost": [0, 0.1, 0.2],
    ...                       "net_of_seats": [0, 0.4, 0.4], "new_relationships": [0, 0, 1],
    ...                       "core": [True, True, False]})
    >>> curve_table(curve).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'size': [0, 1, 2], 'added': ['', 'A', 'B'], 'benefit': ['0.0%', '50.0%', '60.0%'],
     "seats' cost": ['0.0%', '10.0%', '20.0%'], 'net': ['0.0%', '40.0%', '40.0%'],
     'new relationships': ['0', '0', '1'], 'core': ['yes', 'yes', '']}
    """
    c = curve
    stop = int(c["core"].sum())
    table = pd.DataFrame({"size": c["size"], "added": c["added"],
                          "benefit": c["benefit"].map(tenths),
                          "seats' cost": c["seat_cost"].map(tenths),
                          "net": c["net_of_seats"].map(tenths),
                          "new relationships": c["new_relationships"].map(fmt_number),
                          "core": c["core"].map({True: "yes", False: ""})})
    if stop + 3 <= rows or len(c) <= rows:
        return table.head(rows)
    if stop - 2 <= 9:  # a gap would hide one size at most: show them all to the stop's
        return table.head(stop + 3)
    gap = pd.DataFrame([dict.fromkeys(table.columns, "…")])
    return pd.concat([table.head(8), gap, table.iloc[max(stop - 2, 8):stop + 3]],
                     ignore_index=True)


def curve_blocks(curve: pd.DataFrame) -> list:
    """The curve's table and how to read it, in text, Markdown and HTML (the HTML page draws
    the picture after them)."""
    return [Table(curve_table(curve), right=("size", "benefit", "seats' cost", "net",
                                             "new relationships")),
            Note(CURVE_NOTE, label="Reading the curve")]
