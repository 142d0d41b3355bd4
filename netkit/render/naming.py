"""Organisations as the reports name them: by name with the id in brackets, ``Riverside
Community Health NHS Trust (COM-TRUST)``, as the partner lists and the money tables do, or by id
alone where there is no name (and in the JSON report, which keeps ids).

A sentence that names organisations (a risk-and-gain-share's note, say) is worked out once,
where the figures are, as `Org` parts among plain text; `said` writes it by id (the JSON
report's notes) or by name (the reports people read). A renderer escapes the result as it
escapes every name: nothing here escapes anything.

Examples
--------
>>> names = {"CH-MEADOW": "Meadowbank House", "COM-TRUST": "Riverside Community Health"}
>>> parts = ("collar: ", Org("CH-MEADOW", "£6,200"), ", ", Org("PHARM", "£65"), " bear it")
>>> said(parts)
'collar: CH-MEADOW (£6,200), PHARM (£65) bear it'
>>> said(parts, names)
'collar: Meadowbank House (CH-MEADOW, £6,200), PHARM (£65) bear it'
>>> said((Org("COM-TRUST", possessive=True), " gain share"), names)
"Riverside Community Health's (COM-TRUST) gain share"
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Iterable, Mapping

__all__ = ["Org", "said", "name_and_id", "short_name_and_id", "service_and_provider"]


@dataclass(frozen=True)
class Org:
    """An organisation in a sentence: its ``id``, and ``extra``, what the brackets after it
    add (an amount: ``CH-MEADOW (£6,200)``); ``possessive``: ``COM-TRUST's``."""

    id: str
    extra: str = ""
    possessive: bool = False


def _name(names: Mapping | None, org) -> str:
    """The organisation's name, or "" where there is none other than its id."""
    name = names.get(org) if names else None
    return name if isinstance(name, str) and name.strip() and name != org else ""


def name_and_id(names: Mapping | None, org, extra: str = "") -> str:
    """``Meadowbank House (CH-MEADOW)``; with ``extra``, ``Meadowbank House (CH-MEADOW,
    £6,200)``; the id alone (``CH-MEADOW (£6,200)``) where ``names`` has no other name.

    Examples
    --------
    >>> names = {"ICB-RIV": "NHS Riverside Integrated Care Board"}
    >>> name_and_id(names, "ICB-RIV"), name_and_id(names, "PHARM", "£65")
    ('NHS Riverside Integrated Care Board (ICB-RIV)', 'PHARM (£65)')
    """
    name = _name(names, org)
    if not name:
        return f"{org} ({extra})" if extra else str(org)
    return f"{name} ({org}, {extra})" if extra else f"{name} ({org})"


def short_name_and_id(names: Mapping | None, org, width: int) -> str:
    """`name_and_id` in at most ``width`` characters for a terminal's table: a long name is cut
    after a whole word, ``…`` marking the cut, and the id is always whole, so that a cut never
    hides who it is (an id longer than the width is cut like any cell).

    Examples
    --------
    >>> names = {"ACU-RIV": "Riverside University Hospitals NHS Foundation Trust"}
    >>> short_name_and_id(names, "ACU-RIV", 44)
    'Riverside University Hospitals … (ACU-RIV)'
    >>> short_name_and_id({"X": "Supercalifragilistic Care"}, "X", 16)
    'Supercalifr… (X)'
    """
    full = name_and_id(names, org)
    if len(full) <= width:
        return full
    name, tail = _name(names, org), f" ({org})"
    room = width - len(tail)
    if not name or room < 8:  # no name, or no room for one beside the id
        return full[: max(width - 1, 0)] + "…"
    cut = textwrap.shorten(name, room, placeholder=" …")
    if cut == "…" or cut.startswith("…") or len(cut) > room:  # the first word alone is too long
        cut = name[: room - 1] + "…"
    return cut + tail


def said(parts: Iterable, names: Mapping | None = None) -> str:
    """A sentence of plain text and `Org` parts, each organisation by id or, with ``names``,
    by `name_and_id` (see the module's examples)."""
    out = []
    for part in parts:
        if not isinstance(part, Org):
            out.append(str(part))
        elif part.possessive:
            name = _name(names, part.id)
            out.append(f"{name}'s ({part.id})" if name else f"{part.id}'s")
        else:
            out.append(name_and_id(names, part.id, part.extra))
    return "".join(out)


def service_and_provider(services, org_names: Mapping | None, ids) -> dict:
    """Each service (``ids``) as a sentence names it: by name with the id in brackets, and who
    runs it the same way, ``Elderly care wards (ELD-RIV), run by Riverside University Hospitals
    (ACU-RIV)``; an id that is not a service (of ``services``: ``id, name, provider``) as
    itself. Only the asked services' rows are read (England has 48,000 services; a warning
    names a few).

    Examples
    --------
    >>> import pandas as pd
    >>> services = pd.DataFrame({"id": ["UCR", "ED"], "name": ["Urgent response", None],
    ...                          "provider": ["COMM", "ACUTE"]})
    >>> service_and_provider(services, {"COMM": "Vale Community"}, ["UCR", "ED", "NOPE"])
    {'UCR': 'Urgent response (UCR), run by Vale Community (COMM)', 'ED': 'ED, run by ACUTE', \
'NOPE': 'NOPE'}
    """
    ids = list(ids)
    rows = services[services["id"].isin(set(ids)).to_numpy(dtype=bool)] if ids else services[:0]
    names = dict(zip(rows["id"].tolist(), rows["name"].tolist())) if "name" in rows else {}
    provider = dict(zip(rows["id"].tolist(), rows["provider"].tolist()))
    return {s: (f"{name_and_id(names, s)}, run by {name_and_id(org_names, provider[s])}"
                if s in provider else str(s)) for s in ids}
