"""Pictures that results offer, found by name, so that results never import the pictures.

A `System`, a `PartnerSet` and a `PartnerDiff` offer ``visualise()``, a partner set draws its
benefit/cost curve and embeds its map in its HTML report. The pictures are drawn in `netkit.viz`,
a higher layer than the results; importing them from a result would point an import upwards.
Instead the facade `netkit.views`, which ``import netkit`` loads, registers here the functions
that draw them, and a result asks for one by name: ``picture("partner_map")(partner_set)``.

Also here: `DISPLAY_BUDGET`, the most nodes a map draws, which results and maps share as a
default.
"""

from __future__ import annotations

from typing import Callable

from netkit.errors import NetkitError

__all__ = ["DISPLAY_BUDGET", "register", "picture"]

#: The most nodes a map draws by default: those with most activity (the rest are counted in a
#: note on the page).
DISPLAY_BUDGET = 2000

_PICTURES: dict[str, Callable] = {}


def register(name: str) -> Callable[[Callable], Callable]:
    """Register the function that draws the picture ``name`` (a decorator)."""

    def decorate(func: Callable) -> Callable:
        _PICTURES[name] = func
        return func

    return decorate


def picture(name: str) -> Callable:
    """The function registered for the picture ``name``.

    Examples
    --------
    >>> import netkit
    >>> picture("system_map").__name__
    'system_map'
    """
    try:
        return _PICTURES[name]
    except KeyError:
        raise NetkitError(f"no picture {name!r} is registered (import netkit first)") from None
