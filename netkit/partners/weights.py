"""Criterion weights and coordination costs given as ``name=value`` lists (an option on the
command line, a setting in a notebook) or mappings, read into plain dicts of numbers."""

from __future__ import annotations

from collections.abc import Mapping

from netkit.errors import OptionError, check_number, unknown_name
from netkit.model.opportunity import CRITERIA, DEFAULT_COORDINATION_COST
from netkit.partners.burden import BURDEN_KEYS

__all__ = ["parse_weights"]


def parse_weights(text: str | Mapping | None, what: str = "weights") -> dict | None:
    """Read ``"activity=1,brokerage=0.5"`` (or a mapping) into a dict of weights.

    Examples
    --------
    >>> parse_weights("activity=2, brokerage=0")
    {'activity': 2.0, 'brokerage': 0.0}
    """
    if text is None:
        return None
    known = CRITERIA if what == "weights" else tuple(DEFAULT_COORDINATION_COST) + BURDEN_KEYS
    items = text.items() if isinstance(text, Mapping) else (
        part.partition("=")[::2] for part in filter(None, (p.strip() for p in text.split(","))))
    out = {}
    for name, value in items:
        name = str(name).strip()
        if name not in known:
            raise unknown_name(what, name, known, f"{known[0]}=1")
        number, message = check_number(value)
        if number is None:
            shown = f"{value!r}" if "not a number" in message else f"{value}"
            example = f", e.g. {name}=0.5" if "not a number" in message else ""
            raise OptionError(f"{what}: {name}={shown} {message}{example}")
        out[name] = number
    return out
