"""What every kind of change event says about itself: `EventKind`.

An event kind is one small class: its settings (required and optional, and any other shape
check, `check_shape`, for when a changeset is read), how it names itself (`summary`), how it is
checked against the system and applied (`check`, `touched`, `apply`), and what it did from one
organisation's point of view (`reason`, for the attribution in a partner-set diff). The
registry of kinds is `netkit.change.events.EVENTS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for annotations only: the changeset reads the registry built from these
    from netkit.change.changeset import ChangeEvent
    from netkit.change.state import State, Touched

__all__ = ["EventKind", "Report"]

#: ``report(column, value, message)``: how the shape check is told of a problem with a setting.
Report = Callable[[str, Any, str], None]


class EventKind:
    """One kind of change event.

    An event is applied in three steps, so that an event with a problem changes nothing and
    every problem is found in one pass:

    1. `check` looks up what the event names in the tables as the earlier events left them,
       reports each problem (`State.bad`) and returns what `apply` needs (a dict, often empty),
       or None where there was a problem;
    2. `touched` says what the event touches (pathways, services, organisations, ties), worked
       out before the tables change;
    3. `apply` changes the tables, says what it did in the log and notes the flows it touched.
       It may still report a problem with a consequence (an opportunity left with nothing to
       shift), which stops the changeset like any other.

    Attributes
    ----------
    kind : str
        The event's name in a changeset, e.g. ``transfer_service``.
    required, optional : tuple of str
        Its settings. ``optional = None``: any other column of the table it adds to.
    """

    kind: str = ""
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] | None = ()

    @classmethod
    def change(cls, params: dict) -> dict:
        """The event as a changeset's ``changes:`` list holds it: ``{kind: params}``."""
        return {cls.kind: params}

    def check_shape(self, params: dict, number: int, report: Report) -> None:
        """Shape checks beyond the required and optional settings, made when the changeset is
        read (none unless a kind adds some)."""

    def summary(self, params: dict) -> str:
        """What the event names, e.g. ``VW-ACU to COM-TRUST`` (`ChangeEvent.summary`)."""
        return str(params.get("id", ""))

    def reason(self, params: dict, org: str) -> str:
        """What the event did, from the point of view of one organisation."""
        raise NotImplementedError

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        raise NotImplementedError

    def touched(self, s: State, e: ChangeEvent, checked: dict) -> Touched:
        raise NotImplementedError

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        raise NotImplementedError
