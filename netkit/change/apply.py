"""Apply a changeset to a System: every event checked, all or nothing, nothing lost silently.

Events are checked in order against the system as the earlier events leave it, and every problem
is reported at once (a `ChangesetError`): the shape problems a leniently read changeset carries
(`netkit.read_changeset` with ``strict=False``), what each event names that does not exist, and
what the result would break. Only when there are none is the new System built. The old System is
never touched. Flows that lose an end are dropped or re-routed only as an event says, and
`ChangeResult.flows_affected` lists every flow an event touched with its patients a year.

**The result always validates.** After the last event the new system is checked exactly as
``netkit validate`` checks a folder (its tables written as CSV and read back, its opportunities
checked against them); any error is a problem with the changeset, so `apply_changes` never
returns a system that ``netkit validate`` would reject. Consequences an event names are applied
and said in the log:

* a service that closes (``remove_service``, ``remove_organisation`` with ``services: remove``)
  also leaves the ``shift.from`` / ``shift.to`` lists of the opportunities that name it; with
  ``reroute_to`` the opportunities name the service its flows go to instead (a warning says so
  where that leaves a shift from and to the same service);
* a pathway that is removed leaves the ``pathways`` lists of the opportunities that name it;
* an organisation that closes leaves the opportunities' ``include`` / ``exclude`` lists.

**Flows stay balanced.** A changeset that leaves a service sending more patients on along a
pathway than it receives (a new exit added without reducing another, say) invents patients; a
warning names the service, the pathway and the difference (where the system already sent more
than it received, only a change that widens the gap is named).

An opportunity left with nothing to shift from or to, or with no pathways, is a problem (edit
``opportunities.yaml`` first: netkit will not guess what the opportunity should become).

What a merge combines is in `netkit.change.events.organisations`; each kind of event, its
settings and its checks are in `netkit.change.events`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from netkit._strings import plain_strings
from netkit.change.changeset import ChangeEvent, Changeset
from netkit.change.events import EVENTS
from netkit.change.result import ChangeResult
from netkit.change.state import FLOW_COLUMNS, State, Touched, fmt_patients
from netkit.errors import ChangesetError, Problem
from netkit.model.schema import TABLES
from netkit.model.system import System

__all__ = ["apply_changes", "unbalanced_flows", "ChangeResult", "Touched", "fmt_patients"]


def _apply_event(state: State, event: ChangeEvent) -> None:
    """Check one event against the tables as the earlier events left them and, where it has no
    problem, apply it and note what it touched (see `netkit.change.events.EventKind`)."""
    kind = EVENTS[event.kind]
    checked = kind.check(state, event)
    if checked is None:
        return
    touched = kind.touched(state, event, checked)  # before the tables change
    kind.apply(state, event, checked)
    state.touched[event.number] = touched


def _revalidate(state: State, system: System) -> tuple[list[Problem], list[Problem]]:
    """Check the changed system as ``netkit validate`` checks a folder: each table written as
    the CSV `netkit.save_system` writes and read back, then every check of `validate_raw`
    (references, duplicates, opportunities). Returns the errors, as problems with the
    changeset, and the warnings about opportunities that are new.

    Where the events changed only numbers in rows that were already there (scaled or set
    flows, a new capacity or budget), and left the opportunities alone, only those rows are
    written and checked (`_changed_numbers`): a number's checks are of its own cell, so
    references, duplicates and opportunities are as they were."""
    from netkit.io.reading import RawSystem, read_csv_text
    from netkit.io.saving import _meta_for_yaml, _ordered
    from netkit.io.validation import validate_raw
    from netkit.model.opportunity import opportunity_to_dict

    changed = _changed_numbers(state, system)
    if changed is not None:
        return _as_changeset_problems(state, _recheck_rows(state, changed)), []
    raw = RawSystem(source=system.source or "changed system", kind="folder")
    for name, frame in state.t.items():
        filename = TABLES[name].filename
        raw.labels[name] = filename
        text = _ordered(name, frame).to_csv(index=False, lineterminator="\n")
        raw.tables[name] = read_csv_text(text, filename, raw.problems)
    raw.labels["system"], raw.labels["opportunities"] = "system.yaml", "opportunities.yaml"
    raw.system_doc = _meta_for_yaml(state.meta)
    raw.opportunities_doc = [opportunity_to_dict(o) for o in state.opportunities] or None
    checked = validate_raw(raw)
    before = {(p.column, p.value, p.message) for p in system.warnings}
    errors = _as_changeset_problems(state, checked.errors)
    warnings = [replace(p, row=None) for p in checked.warnings
                if p.file == "opportunities.yaml"
                and (p.column, p.value, p.message) not in before]
    return errors, warnings


def _as_changeset_problems(state: State, errors: list[Problem]) -> list[Problem]:
    """Errors of the changed system as problems with the changeset (those of an opportunity
    an event already reported are left out)."""
    return [Problem(state.label, None, None, None,
                    f"would leave the system invalid: {_located(p)}; change the changeset "
                    "(or the system) so that the result validates")
            for p in errors if p.severity == "error"
            and not any(str(p.column or "").startswith(f"opportunity {oid}.")
                        for oid in state.reported)]


def _changed_numbers(state: State, system: System) -> dict[str, np.ndarray] | None:
    """Per table, the positions of the rows whose cells the events changed, where every
    change is to a number (``kinds`` ``"number"`` in the contract) of a row that was already
    there, in the same place, and the opportunities are as they were; else None.

    Examples
    --------
    >>> import netkit
    >>> from netkit.change.changeset import Changeset
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> state = State(tiny, Changeset.of([]))
    >>> state.t["flows"].loc[2, "patients"] = 1.0
    >>> {name: rows.tolist() for name, rows in _changed_numbers(state, tiny).items()}
    {'flows': [2]}
    >>> state.t["flows"].loc[2, "source"] = "CH"
    >>> _changed_numbers(state, tiny) is None
    True
    """
    if state.opportunities != list(system.opportunities.values()):
        return None
    before_tables = system.tables()
    changed = {}
    for name, after in state.t.items():
        before = before_tables[name]
        if list(before.columns) != list(after.columns) or len(before) != len(after):
            return None
        rows = np.zeros(len(after), dtype=bool)
        for column in after.columns:
            a, b = before[column], after[column]
            if a.dtype != b.dtype:
                return None
            if _same_memory(a, b):  # a column the events left alone (copy-on-write)
                continue
            differs = ~((a == b).fillna(False).to_numpy(dtype=bool)
                        | (a.isna() & b.isna()).to_numpy(dtype=bool))
            if differs.any():
                if TABLES[name].kinds.get(column) != "number":
                    return None
                rows |= differs
        if rows.any():
            changed[name] = np.flatnonzero(rows)
    return changed


def _same_memory(a: pd.Series, b: pd.Series) -> bool:
    """Whether two columns are the same values in the same memory (a copy that nothing has
    written to since): equal without comparing 169,000 ids one by one."""
    if not (isinstance(a.dtype, np.dtype) and a.dtype == b.dtype):
        return False  # an extension array's to_numpy makes a new array: compare its values
    x, y = a.to_numpy(), b.to_numpy()  # views of the columns' own memory
    return (x.shape == y.shape and x.strides == y.strides
            and x.__array_interface__["data"][0] == y.__array_interface__["data"][0])


def _recheck_rows(state: State, changed: dict[str, np.ndarray]) -> list[Problem]:
    """The problems ``netkit validate`` finds in these rows of the changed tables (written as
    CSV and read back, exactly as `_revalidate` writes the whole tables) and in the system's
    description."""
    from netkit.io.reading import read_csv_text
    from netkit.io.saving import _meta_for_yaml, _ordered
    from netkit.io.validation import _check_system_doc, _check_table

    problems: list[Problem] = []
    for name, rows in changed.items():
        spec = TABLES[name]
        text = _ordered(name, state.t[name].iloc[rows]).to_csv(index=False, lineterminator="\n")
        _check_table(spec, read_csv_text(text, spec.filename, problems), spec.filename,
                     problems)
    _check_system_doc(_meta_for_yaml(state.meta), "system.yaml", {}, problems)
    return problems


def _located(p: Problem) -> str:
    """A problem of the changed system, without the row numbers of files that were never
    written."""
    return str(replace(p, row=None))


def _balance(flows: pd.DataFrame) -> pd.Series:
    """(pathway, service) → patients a year it sends on less patients it receives (``@home``
    is not a service)."""
    out = flows.groupby(["pathway", "source"])["patients"].sum()
    into = flows.groupby(["pathway", "target"])["patients"].sum()
    out.index.names = into.index.names = ["pathway", "service"]
    balance = out.sub(into, fill_value=0.0)
    return balance[balance.index.get_level_values("service") != "@home"]


def _kept_balance(system) -> pd.Series:
    """`_balance` of a system's flows, worked out once per system (a system is immutable: a
    tracker's system after one change is the system before the next)."""
    return system.derived(("change.balance",), lambda s: _balance(s.flows))


def unbalanced_flows(before: System, after: System, label: str = "changeset",
                     tolerance: float = 0.5) -> list[Problem]:
    """Warnings for services a change leaves sending more patients on than they receive.

    A service that already sent more than it received (a pathway recorded from its middle) is
    named only where the change widens the gap, by the widening.

    Examples
    --------
    >>> import netkit
    >>> from netkit.change.changeset import Changeset
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> result = netkit.apply_changes(tiny, Changeset.of([{"set_flow": {
    ...     "pathway": "frailty", "source": "WARD", "target": "UCR", "patients": 30}}]))
    >>> print(result.warnings[-1].message)  # doctest: +NORMALIZE_WHITESPACE
    the change leaves WARD (Elderly care ward) on pathway frailty sending 30 more patients a
    year on than it receives (unbalanced flows: the change invents patients); reduce another of
    its flows out, or add the patients who arrive
    """
    was, now = (_kept_balance(system) for system in (before, after))
    was = was.reindex(now.index).fillna(0.0).clip(lower=0.0)
    gap = now - was
    gap = gap[(now > tolerance) & (gap > tolerance)]
    services = after.services
    named = services[services["id"].isin(gap.index.get_level_values("service"))]
    names = dict(zip(named["id"].tolist(), named["name"].tolist()))
    return [Problem(label, None, None, None,
                    f"the change leaves {service} ({names.get(service, service)}) on pathway "
                    f"{pathway} "
                    f"sending {fmt_patients(extra)} more patients a year on than it receives "
                    "(unbalanced flows: the change invents patients); reduce another of its "
                    "flows out, or add the patients who arrive", "warning")
            for (pathway, service), extra in gap.sort_index().items()]


@plain_strings
def apply_changes(system: System, changeset: Changeset) -> ChangeResult:
    """Apply a changeset, all or nothing, and say what happened to every flow.

    Parameters
    ----------
    system : System
        Left unchanged.
    changeset : Changeset
        From `netkit.read_changeset` or `Changeset.of`.

    Returns
    -------
    ChangeResult
        The new system, the flows affected and a log of each event.

    Raises
    ------
    ChangesetError
        Listing every problem, event by event (and the changeset's own shape problems, where
        it was read with ``strict=False``), then anything the result would break; nothing is
        applied. See the module's description for the consequences an event carries.

    Examples
    --------
    >>> import netkit
    >>> from netkit.change.changeset import Changeset
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> result = netkit.apply_changes(system, Changeset.of(
    ...     [{"remove_service": {"id": "CH"}}]))
    >>> result.flows_affected[["source", "target", "patients", "action"]].values.tolist()
    [['WARD', 'CH', 50.0, 'dropped'], ['CH', '@home', 50.0, 'dropped']]
    >>> len(system.services), len(result.system.services)
    (7, 6)
    """
    state = State(system, changeset)
    for event in changeset.events:
        _apply_event(state, event)
    for name, frame in state.t.items():
        state.t[name] = frame.reset_index(drop=True)
    # an event with a problem changes nothing, so the result is still worth checking: every
    # problem comes back in one pass
    errors, warnings = _revalidate(state, system)
    state.problems += errors
    if state.problems:
        raise ChangesetError(state.problems)
    source = f"{system.source} + {changeset.source}" if system.source else changeset.source
    meta = dict(system.meta)
    if changeset.date is not None:
        meta["snapshot"] = changeset.date
    new = System(state.t, meta, state.opportunities, source=source,
                 given_columns=system.given_columns)
    frame = (pd.concat(state.flows_affected, ignore_index=True) if state.flows_affected
             else pd.DataFrame(columns=FLOW_COLUMNS))
    frame["place"] = frame["place"].astype(object).where(frame["place"].notna(), None)
    warnings += unbalanced_flows(system, new, state.label)
    return ChangeResult(new, changeset, frame, state.log, state.touched,
                        state.warnings + warnings)
