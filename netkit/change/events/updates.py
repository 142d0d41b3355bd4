"""What every ``update_*`` event shares: new values for some columns of one row, found by id.

Each family's update (``update_organisation``, ``update_service``, ``update_pathway``) is a
subclass that names its table, adds its own checks (`Update.check_row`) and says what it
touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from netkit.change.events.base import EventKind

if TYPE_CHECKING:  # for annotations only
    from netkit.change.changeset import ChangeEvent
    from netkit.change.state import State

__all__ = ["Update"]


class Update(EventKind):
    """``update_*: {id: ID, set: {column: value, ...}}``: new values for one row of `table`."""

    table: str = ""
    required = ("id", "set")
    optional = ()

    def reason(self, params: dict, org: str) -> str:
        return f"{params['id']}'s details changed ({', '.join(map(str, params.get('set', {})))})"

    def check(self, s: State, e: ChangeEvent) -> dict | None:
        key_id = str(e.params["id"])
        if key_id not in set(s.t[self.table]["id"]):
            s.bad(e, "id", key_id, f"is not an id in {self.table}")
            return None
        changes = e.params["set"]
        if not isinstance(changes, dict) or not changes:
            s.bad(e, "set", changes, "should be a mapping of columns to new values")
            return None
        if "id" in changes:
            s.bad(e, "set.id", changes["id"], "cannot change an id; add a new one and remove this")
            return None
        if not self.check_row(s, e, key_id, changes):
            return None
        row = s.row(e, self.table, changes)
        if row is None:
            return None
        return {"id": key_id, "changes": changes, "row": row}

    def check_row(self, s: State, e: ChangeEvent, key_id: str, changes: dict) -> bool:
        """The table's own checks of the new values (reported with `State.bad`); all is well
        unless a family says otherwise."""
        return True

    def apply(self, s: State, e: ChangeEvent, checked: dict) -> None:
        key_id, changes = checked["id"], checked["changes"]
        frame = s.t[self.table]
        mask = frame["id"] == key_id
        for column, value in checked["row"].items():
            if column not in frame:
                frame[column] = np.nan if isinstance(value, float) else None
            frame.loc[mask, column] = value
        s.t[self.table] = frame
        s.log.append((e.number, f"{key_id}: " + ", ".join(f"{k} = {v}"
                                                          for k, v in changes.items())))
