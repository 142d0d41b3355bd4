"""Suggestions for a name that is not known: a near miss, spaces around it, or another case."""

from __future__ import annotations

import difflib
from typing import Iterable

__all__ = ['INVISIBLE']


#: Characters that do not show: zero-width spaces and joiners, the word joiner, the byte-order
#: mark and the soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


#: Every white-space character (the space, tab, no-break space U+00A0, the en and em spaces,
#: ...) and the invisible ones: what is stripped from around ids and references.
_AROUND = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + INVISIBLE


_HIDDEN = str.maketrans("", "", _AROUND)


def _suggest(value: str, known: Iterable[str], limit: int = 5000) -> str:
    known = list(known)
    if len(known) > limit:
        return ""
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.75)
    if close:
        return f" (did you mean {close[0]!r}?)"
    stripped = value.strip()
    if stripped != value and stripped in known:
        return f" (did you mean {stripped!r}? the id has spaces around it)"
    folded = value.translate(_HIDDEN).casefold()
    for name in known:
        if name.translate(_HIDDEN).casefold() == folded:
            return f" (did you mean {name!r}? ids are compared exactly, case included)"
    return ""
