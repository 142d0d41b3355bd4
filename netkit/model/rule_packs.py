"""The disclosure-control rule packs as figures, and the options in words for help texts.

Kept apart from `netkit.model.disclosure` (which applies them to pandas tables) and free of
pandas, so that the command line's help reads the same figures without loading pandas.

Examples
--------
>>> PACK_FIGURES["nhs"]
(7, 5)
>>> packs_in_words()
'nhs (1-7 shown *, others to the nearest 5), cms (1-10 shown *), none, or threshold=N,round=R'
"""

from __future__ import annotations

__all__ = ["PACK_FIGURES", "SUPPRESSED", "packs_in_words"]

#: How a suppressed cell is shown.
SUPPRESSED = "*"

#: Rule pack → (threshold, rounding): counts from 1 to ``threshold`` are suppressed, other
#: counts are rounded to the nearest ``rounding``.
PACK_FIGURES = {"none": (0, 1), "nhs": (7, 5), "cms": (10, 1)}


def packs_in_words() -> str:
    """The rule packs for a help text: those that change something first, then the others,
    then the custom form."""
    active, inactive = [], []
    for name, (threshold, rounding) in PACK_FIGURES.items():
        if not (threshold or rounding > 1):
            inactive.append(name)
            continue
        parts = [f"1-{threshold} shown {SUPPRESSED}"] if threshold else []
        if rounding > 1:
            parts.append(f"{'others' if threshold else 'counts'} to the nearest {rounding}")
        active.append(f"{name} ({', '.join(parts)})")
    return ", ".join(active + inactive) + ", or threshold=N,round=R"
