"""Check a system's text tables against the format contract and type them, all problems at once.

`validate_raw` turns a `netkit.io.reading.RawSystem` into typed tables, parsed opportunities and the
list of every problem found (errors and warnings), each naming file, row, column and value. The
checks are vectorised over whole columns; only the rows found bad are visited to write messages.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from netkit._frames import blank_as_empty, isin
from netkit.errors import SHOWN_PER_KIND, Problem
from netkit.io.opportunity_checks import (
    check_opportunities,
)
from netkit.io.parent_cycles import check_parent_cycles
from netkit.io.reading import ROW_COLUMN, RawSystem
from netkit.io.suggest import _AROUND, _HIDDEN, _suggest
from netkit.io.version2 import check_finance, check_version_2_references
from netkit.model.disclosure import SUPPRESSED
from netkit.model.opportunity import Opportunity, parse_opportunities
from netkit.model.schema import (
    COUNT_CEILING,
    HOME,
    MONEY_CEILING,
    ORGANISATION_TYPES,
    PAYMENT_BASES,
    POPULATION_PREFIX,
    RELATIONSHIP_TYPES,
    SERVICE_CATEGORIES,
    SYSTEM_KEYS,
    TABLES,
    TableSpec,
    complete_columns,
)

__all__ = ["ValidatedSystem", "validate_raw"]

_FRIENDLY_NUMBER = {
    "patients": "a number of patients a year (≥ 0)",
    "budget": "an amount in pounds a year (≥ 0)",
    "value": "an amount in pounds a year (≥ 0)",
    "unit_cost": "a cost in pounds per patient contact (≥ 0)",
    "price": "a price in pounds per patient contact (≥ 0)",
    "capacity": "a number of patient contacts a year (≥ 0)",
    "strength": "a number from 0 to 1",
    "marginal_cost": "a cost in pounds per patient contact (≥ 0)",
    "variable_share": "a share from 0 to 1",
    "population": "a number of people (≥ 0)",
    "population_65plus": "a number of people (≥ 0)",
    "deprivation_quintile": "a quintile from 1 (most deprived) to 5",
}


#: Column → (what it counts, its ceiling).
CEILINGS = {
    "patients": ("patients a year", COUNT_CEILING),
    "capacity": ("patient contacts a year", COUNT_CEILING),
    "budget": ("pounds", MONEY_CEILING),
    "value": ("pounds", MONEY_CEILING),
    "unit_cost": ("pounds", MONEY_CEILING),
    "price": ("pounds", MONEY_CEILING),
    "marginal_cost": ("pounds", MONEY_CEILING),
    "population": ("people", COUNT_CEILING),
    "population_65plus": ("people", COUNT_CEILING),
}


@dataclass
class ValidatedSystem:
    """Typed tables, system metadata and opportunities, plus every problem found."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Table name → the optional contract columns the input had (``tables`` has them all).
    given: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rows: dict[str, pd.Series] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    opportunities: list[Opportunity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Table name → column → its `_Coded` codes, for the checks across tables.
    coded: dict[str, dict] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class _Checker:
    """Collects problems for one table, keeping the spreadsheet row numbers."""

    def __init__(self, label: str, frame: pd.DataFrame, problems: list[Problem]):
        self.label, self.frame, self.problems = label, frame, problems
        self.rows = frame[ROW_COLUMN]

    def flag(self, mask: pd.Series, column: str, message: str | Any, severity: str = "error",
             values: pd.Series | None = None) -> None:
        """Add a problem for each row where ``mask`` holds; ``message`` may be a function of the
        value.

        Only the first `SHOWN_PER_KIND` rows are listed; if there are more, one further problem
        (at the first row not listed) says how many more rows have the same problem, so a file
        of a million bad rows gives a short report and no million objects.
        """
        if not mask.any():
            return
        values = self.frame[column] if values is None else values
        rows, values = self.rows[mask], values[mask]
        shown = min(len(rows), SHOWN_PER_KIND)
        for row, value in zip(rows.iloc[:shown].tolist(), values.iloc[:shown].tolist()):
            text = message(value) if callable(message) else message
            self.problems.append(Problem(self.label, int(row), column, value, text, severity))
        more_rows(self.problems, self.label, column, rows, values, message, severity)


def more_rows(problems: list[Problem], label: str, column: str | None, rows: pd.Series,
              values: pd.Series, message: str | Any, severity: str = "error") -> None:
    """If there are more than `SHOWN_PER_KIND` bad rows, add the one problem that counts the
    rest: "and N more rows like these", at the first row not listed."""
    more = len(rows) - SHOWN_PER_KIND
    if more <= 0:
        return
    value = values.iloc[SHOWN_PER_KIND]
    text = message(value) if callable(message) else message
    problems.append(Problem(label, int(rows.iloc[SHOWN_PER_KIND]), column, None,
                            f"and {more:,} more rows like these, from this row on "
                            f"(the first: {value!r} {text})", severity, more=more))


def validate_raw(raw: RawSystem) -> ValidatedSystem:
    """Check and type everything in ``raw``; never raises for bad content.

    Returns
    -------
    ValidatedSystem
        With ``problems`` holding every error and warning, in file order.
    """
    out = ValidatedSystem(problems=list(raw.problems))
    for name, spec in TABLES.items():
        frame = raw.tables.get(name)
        coded: dict = {}
        typed = _check_table(spec, frame, raw.labels[name], out.problems, coded)
        if typed is not None:
            out.coded[name] = coded
            out.rows[name] = typed[ROW_COLUMN]
            out.given[name] = tuple(c for c in spec.optional if c in typed.columns)
            out.tables[name] = complete_columns(name, typed.drop(columns=ROW_COLUMN))
    if all(name in out.tables for name in TABLES):
        _check_references(out, raw.labels)
        place = out.coded.get("flows", {}).get("place")
        check_version_2_references(out.tables, out.rows, raw.labels, out.problems,
                                   place and (place.codes, place.distinct))
    out.meta = _check_system_doc(raw.system_doc, raw.labels.get("system", "system.yaml"),
                                 raw.lines.get("system", {}), out.problems)
    check_finance(out.meta.get("finance"), raw.labels.get("system", "system.yaml"),
                  raw.lines.get("system", {}), out.problems)
    opportunities, problems = parse_opportunities(
        raw.opportunities_doc, raw.labels.get("opportunities", "opportunities.yaml"),
        raw.lines.get("opportunities", {}))
    out.problems.extend(problems)
    if all(name in out.tables for name in TABLES):
        out.problems.extend(check_opportunities(
            opportunities, out.tables, raw.labels.get("opportunities", "opportunities.yaml"),
            raw.lines.get("opportunities", {}), raw.opportunities_doc))
    out.opportunities = opportunities
    rank = {label: i for i, label in enumerate(
        [raw.labels.get("system")] + [raw.labels.get(n) for n in TABLES]
        + [raw.labels.get("opportunities")])}
    out.problems.sort(key=lambda p: (rank.get(p.file, -1),
                                     0 if p.file.endswith(".yaml") else (p.row or 0)))
    return out


def _check_table(spec: TableSpec, frame: pd.DataFrame | None, label: str,
                 problems: list[Problem], coded: dict | None = None) -> pd.DataFrame | None:
    """The table typed (ids stripped, numbers as floats, empty optional cells missing), or None
    if it cannot be; its problems added to ``problems``. ``coded``, if given, receives each
    column's `_Coded` codes (for the typed table's rows)."""
    if frame is None:
        if spec.must_exist:
            return None
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in spec.required})
        frame[ROW_COLUMN] = pd.Series(dtype="int64")
    missing = [c for c in spec.required if c not in frame.columns]
    if missing:
        found = [c for c in frame.columns if c != ROW_COLUMN]
        listed = ", ".join(found[:SHOWN_PER_KIND]) or "no columns"
        if len(found) > SHOWN_PER_KIND:
            listed += f" and {len(found) - SHOWN_PER_KIND:,} more"
        for column in missing:
            problems.append(Problem(label, 1, column, None,
                                    f"is a required column and is missing (found: "
                                    f"{listed}); add it to the header"))
        return None
    if spec.must_have_rows and frame.empty:
        problems.append(Problem(label, None, None, None,
                                "has no rows; a system needs at least one"))
    coded = {} if coded is None else coded
    coded.update({c: _Coded(frame[c]) for c in frame.columns if c != ROW_COLUMN})
    frame = _strip_ids(spec, frame, label, problems, coded)
    check = _Checker(label, frame, problems)
    suppressed = None
    if spec.name == "flows" and "patients" in frame:
        # A disclosure-controlled extract marks small counts '*' (netkit pathways mine
        # --disclosure writes them so): such flows are left out, with one warning.
        suppressed = coded["patients"].each(lambda s: s.str.strip() == SUPPRESSED)
        if suppressed.any():
            rows, n = check.rows[suppressed], int(suppressed.sum())
            problems.append(Problem(
                label, int(rows.iloc[0]), "patients", SUPPRESSED,
                "marks a count suppressed under disclosure control; "
                f"{n:,} such flow{'s are' if n != 1 else ' is'} left out of every calculation",
                "warning"))
            frame = frame[~suppressed]
            kept = ~suppressed.to_numpy()
            coded.update({c: code.keep(kept, frame.index) for c, code in coded.items()})
            check = _Checker(label, frame, problems)
    typed = frame.copy(deep=False)  # its typed columns are set anew; the others shared
    for column in spec.required:
        empty = coded[column].rows(coded[column].text.str.strip() == "")
        if empty is not None:
            check.flag(empty, column, f"is empty; every row needs a {column}")
    for column in frame.columns:
        if column == ROW_COLUMN:
            continue
        kind = spec.kinds.get(column) or (
            "number" if spec.name == "places" and column.startswith(POPULATION_PREFIX) else "text")
        if kind == "number":
            typed[column] = _check_number(check, column, coded[column])
        elif kind in ("text", "list", "ref") and column not in spec.required:
            empty = coded[column].rows(coded[column].text == "")
            if empty is not None:  # else every cell holds text, as read
                typed[column] = frame[column].where(~empty)
    return typed


class _Coded:
    """A text column as codes into its distinct values (`pandas.factorize`), for working a text
    function out once per distinct value (`each`): ids and names repeat down a table (the
    generated region's 169,000 flows name 9,000 services), and each column is coded once for
    all the checks of `_check_table` (coding 169,000 Python strings takes some 5 ms)."""

    def __init__(self, values: pd.Series, coded: tuple | None = None):
        self.values = values
        self.codes, self.distinct = coded or pd.factorize(values, use_na_sentinel=False)
        self._text: pd.Series | None = None

    def keep(self, mask: np.ndarray, index: pd.Index) -> _Coded:
        """The rows where ``mask`` holds (their values, given ``index``)."""
        return _Coded(self.values[mask].set_axis(index), (self.codes[mask], self.distinct))

    @property
    def text(self) -> pd.Series:
        """The distinct values as pandas' text (``str``), made once."""
        if self._text is None:
            self._text = pd.Series(self.distinct, dtype=str)
        return self._text

    def rows(self, found) -> pd.Series | None:
        """``found`` (a boolean for each distinct value) as a mask of the rows, or None if it
        holds for no value (no mask of a column's rows made to find nothing)."""
        found = np.asarray(found, dtype=bool)
        if not found.any():
            return None
        return pd.Series(found[self.codes], index=self.values.index, name=self.values.name)

    def each(self, func) -> pd.Series:
        """``func`` of the column (an elementwise text function such as ``lambda s:
        s.str.strip()``), worked out on its distinct values as pandas' text (``str``) whatever
        the column holds: a folder's tables are read as Python strings (object), and Arrow's
        stripping is what has always decided what white space is. Text that ``func`` gives
        back has the column's dtype; missing values are passed as one missing value."""
        values = self.values
        out = func(self.text)
        if isinstance(out.dtype, pd.StringDtype) and out.dtype != values.dtype:
            out = out.astype(values.dtype)
        return out.take(self.codes).set_axis(values.index).rename(values.name)


def _describe_around(value: str) -> str:
    """Name the characters around a value, e.g. ``a no-break space (U+00A0)``."""
    import unicodedata

    stripped = value.strip(_AROUND)
    start = value.find(stripped) if stripped else len(value)
    chars = dict.fromkeys(value[:start] + value[start + len(stripped):])
    names = [("a space" if ch == " " else "a tab" if ch == "\t" else
              f"a {unicodedata.name(ch, 'invisible character').lower()} (U+{ord(ch):04X})")
             for ch in chars]
    return " and ".join(names)


def _strip_ids(spec: TableSpec, frame: pd.DataFrame, label: str,
               problems: list[Problem], coded: dict) -> pd.DataFrame:
    """Strip white space and invisible characters from around ids and references (with a
    warning naming them), and warn of ids that differ from another only in case or in such
    characters: ``ACUTE`` and ``ACUTE`` with a no-break space look the same but are different
    ids. ``coded`` (each column's `_Coded`) is brought up to date with the stripped columns."""
    columns = [c for c, kind in spec.kinds.items() if kind in ("id", "ref") and c in frame]
    copied = False
    for column in columns:
        changed = coded[column].rows(coded[column].text.str.strip(_AROUND)
                                     != coded[column].text)
        if changed is not None:
            stripped = coded[column].each(lambda s: s.str.strip(_AROUND))
            _Checker(label, frame, problems).flag(
                changed, column, lambda v: f"has {_describe_around(v)} around it; removed, "
                                           "as ids are compared exactly", "warning")
            if not copied:
                frame, copied = frame.copy(), True
            frame[column] = stripped
            coded[column] = _Coded(frame[column])
    if spec.key == ("id",) and "id" in frame:
        ids = frame["id"]
        key = _id_key(ids)
        if ids.notna().all() and key.nunique() == ids.nunique():
            return frame  # no two ids alike (the key is a function of the id)
        first = frame.groupby(key, sort=False)[["id", ROW_COLUMN]].transform("first")
        alike = (ids != first["id"]) & (key != "")
        if alike.any():
            first_of = dict(zip(ids[alike], zip(first["id"][alike], first[ROW_COLUMN][alike])))
            _Checker(label, frame, problems).flag(
                alike, "id", lambda v: f"looks like the id {first_of[v][0]!r} at row "
                                       f"{first_of[v][1]} but differs in case or in characters "
                                       "that do not show; they are different ids: use one "
                                       "spelling", "warning")
    return frame


#: The characters of `_AROUND` that are ASCII.
_ASCII_AROUND = tuple(ch for ch in _AROUND if ch.isascii())


def _id_key(ids: pd.Series) -> pd.Series:
    """What ids are compared by to find those alike: without the characters of `_AROUND`
    anywhere, case folded. Plain ASCII ids with none of them are only lowered (what folding
    them gives), in a tenth of the time.

    Examples
    --------
    >>> _id_key(pd.Series(["Acute", "A\u00a0CUTE", "acute "], dtype=object)).tolist()
    ['acute', 'acute', 'acute']
    """
    try:
        joined = "".join(ids.tolist())
    except TypeError:  # a missing id
        joined = None
    if joined is not None and joined.isascii() and not any(
            ch in joined for ch in _ASCII_AROUND):
        return ids.str.lower()
    return ids.str.translate(_HIDDEN).str.casefold()


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _check_number(check: _Checker, column: str, coded: _Coded) -> pd.Series:
    text = coded.text.str.strip()  # each distinct value once, the rows only where flagged
    given = text != ""
    numbers = pd.to_numeric(text.where(given), errors="coerce").astype("float64")
    expected = _FRIENDLY_NUMBER.get(column, "a plain decimal number")

    def not_a_number(value: str) -> str:
        value = value.strip()
        if _THOUSANDS.match(value):
            return f"is not a plain number; write it without thousands separators (expected {expected})"
        if value[:1] in "£$€":
            return f"is not a plain number; leave out the currency sign (expected {expected})"
        if value.lower() in ("nan", "na", "n/a", "null", "none"):
            return f"is not a number; leave the cell empty if it is unknown (expected {expected})"
        return f"is not a number (expected {expected})"

    def flag(found: pd.Series, message) -> None:  # found: of the distinct values
        mask = coded.rows(found)
        if mask is not None:
            check.flag(mask, column, message)

    flag(given & numbers.isna(), not_a_number)
    flag(np.isinf(numbers), f"is infinite (expected {expected})")
    flag(numbers < 0, f"is negative (expected {expected})")
    ceiling = CEILINGS.get(column)
    if ceiling is not None:
        unit, top = ceiling
        flag(np.isfinite(numbers) & (numbers > top),
             f"is too large: netkit takes {unit} up to {top:,.0f} (expected {expected}); "
             "check for a typing error or the wrong units")
    if column in ("strength", "variable_share"):
        flag(numbers > 1, f"is more than 1 (expected {expected})")
    if column == "deprivation_quintile":
        flag(np.isfinite(numbers) & ~numbers.isin([1, 2, 3, 4, 5]),
             f"is not a quintile (expected {expected})")
    return numbers.where(np.isfinite(numbers)).take(coded.codes).set_axis(
        check.frame.index).rename(column)


def _check_references(out: ValidatedSystem, labels: dict) -> None:
    """Check what each table names against the others: duplicate ids, then organisations,
    services, flows and relationships, one helper each."""
    t = out.tables

    def checker(name):
        frame = t[name].assign(**{ROW_COLUMN: out.rows[name].to_numpy()})
        return _Checker(labels[name], frame, out.problems)

    for name in ("organisations", "services", "pathways"):
        _check_duplicate_ids(t[name], out.rows[name], checker(name))
    org_ids = set(t["organisations"]["id"])
    service_ids = set(t["services"]["id"])
    _check_organisation_refs(t["organisations"], org_ids, checker("organisations"))
    _check_service_refs(t["services"], org_ids, checker("services"))
    _check_flow_refs(t["flows"], set(t["pathways"]["id"]), service_ids, out.rows["flows"],
                     checker("flows"), out.coded.get("flows", {}))
    _check_relationship_refs(t["relationships"], org_ids, checker("relationships"))


def _check_duplicate_ids(frame: pd.DataFrame, rows: pd.Series, c: _Checker) -> None:
    dup = frame["id"].duplicated(keep="first") & (frame["id"] != "")
    if not dup.any():  # the first row of each id is looked up for messages alone
        return
    first_row = rows.groupby(frame["id"]).transform("min")
    c.flag(dup, "id", lambda v, fr=dict(zip(frame["id"], first_row)):
           f"is used twice (first at row {fr[v]}); give each row its own id")


def _check_organisation_refs(orgs: pd.DataFrame, org_ids: set, c: _Checker) -> None:
    """Parents exist, are not the organisation itself and make no cycle; types are known."""
    parent = orgs["parent"]
    has_parent = parent.notna() & (parent != "")
    c.flag(has_parent & ~isin(parent, org_ids), "parent",
           lambda v: f"is not an organisation id in organisations.csv{_suggest(v, org_ids)}; "
                     "name an existing organisation or leave the cell empty")
    c.flag(has_parent & (parent == orgs["id"]), "parent",
           "is the organisation itself; an organisation cannot be its own parent")
    check_parent_cycles(orgs, parent, has_parent, c)
    c.flag(~orgs["type"].isin(ORGANISATION_TYPES) & (orgs["type"] != ""), "type",
           lambda v: f"is not a known organisation type; it is kept, but has no special "
                     f"meaning{_suggest(v, ORGANISATION_TYPES)}", "warning")


def _check_service_refs(services: pd.DataFrame, org_ids: set, c: _Checker) -> None:
    """Providers exist; categories are known; a service id that is also an organisation's."""
    c.flag(~isin(services["provider"], org_ids) & (services["provider"] != ""), "provider",
           lambda v: f"is not an organisation id in organisations.csv{_suggest(v, org_ids)}; "
                     "name the organisation that provides the service")
    c.flag(~services["category"].isin(SERVICE_CATEGORIES) & (services["category"] != ""),
           "category", lambda v: f"is not a known service category; it is kept, but has no "
                                 f"special meaning{_suggest(v, SERVICE_CATEGORIES)}", "warning")
    clash = isin(services["id"], org_ids)
    c.flag(clash, "id", "is also an organisation id; it works, but network maps and exports "
                        "show the service as 'service:ID'", "warning")


def _check_flow_refs(flows: pd.DataFrame, pathway_ids: set, service_ids: set, rows: pd.Series,
                     c: _Checker, coded: dict) -> None:
    """Pathways and both ends exist; no flow from home to home; no flow repeated. Each
    column is coded once (`_Coded`) and looked up by its distinct values: a region's 169,000
    flows name a few thousand."""
    coded = {k: coded.get(k) or _Coded(flows[k])
             for k in ("pathway", "source", "target", "place", "period")}

    def per_row(column: str, func) -> pd.Series:  # func of the distinct values, as a mask
        code = coded[column]
        found = np.asarray(func(pd.Series(np.asarray(code.distinct, dtype=object))), dtype=bool)
        return pd.Series(found[code.codes], index=flows.index)

    c.flag(per_row("pathway", lambda d: ~isin(d, pathway_ids) & (d != "")), "pathway",
           lambda v: f"is not a pathway id in pathways.csv{_suggest(v, pathway_ids)}")
    ends = service_ids | {HOME}
    for column in ("source", "target"):
        c.flag(per_row(column, lambda d: ~isin(d, ends) & (d != "")), column,
               lambda v: f"is not a service id in services.csv or {HOME}"
                         f"{_suggest(v, ends)}")
    c.flag(per_row("source", lambda d: d == HOME) & per_row("target", lambda d: d == HOME),
           "target", f"makes a flow from {HOME} to {HOME}, which stays outside every service; "
                     "remove the row")
    # the same pathway, source, target, place and period (a missing place or period is one
    # value, as the codes have it): one integer per distinct combination
    key, size = np.zeros(len(flows), dtype=np.int64), 1
    for code in coded.values():
        if size * (len(code.distinct) + 1) >= 2 ** 62:  # numbered afresh before it overflows
            key, size = pd.factorize(key)[0], len(key) + 1
        key, size = key * (len(code.distinct) + 1) + code.codes, size * (len(code.distinct) + 1)
    dup = pd.Series(key, index=flows.index).duplicated(keep="first")
    if dup.any():
        key = flows[["pathway", "source", "target"]].assign(
            place=blank_as_empty(flows["place"]), period=blank_as_empty(flows["period"]))
        first = rows.groupby([key[k] for k in key.columns]).transform("min")
        same = ("pathway, source, target, place and period" if flows["period"].notna().any()
                else "pathway, source, target and place")
        c.flag(dup, "target", lambda v, rows=iter(first[dup].tolist()):
               f"repeats the flow at row {next(rows)} (same {same}); add the patients "
               "together in one row")


def _check_relationship_refs(rels: pd.DataFrame, org_ids: set, c: _Checker) -> None:
    """Both ends exist; types are known (a near miss is an error); payment bases are known."""
    for column in ("source", "target"):
        c.flag(~isin(rels[column], org_ids) & (rels[column] != ""), column,
               lambda v: f"is not an organisation id in organisations.csv{_suggest(v, org_ids)}")
    # An unknown type silently drops the relationship from the analysis (a misspelt
    # 'commisions' removes the commissioning), so a near miss of a known type is an error; a
    # type unlike any known one is taken as the system's own and only warned about.
    rel_type = rels["type"]
    unknown = ~rel_type.isin(RELATIONSHIP_TYPES) & (rel_type != "")
    if unknown.any():
        near_types = [v for v in rel_type[unknown].unique()
                      if difflib.get_close_matches(v, RELATIONSHIP_TYPES, n=1, cutoff=0.75)]
        near = unknown & rel_type.isin(near_types)
        c.flag(near, "type", lambda v: f"is not a relationship type{_suggest(v, RELATIONSHIP_TYPES)}"
                                       "; a misspelt type leaves the relationship out of the "
                                       "analysis: correct it")
        c.flag(unknown & ~near, "type",
               lambda v: f"is not a known relationship type (known: {', '.join(RELATIONSHIP_TYPES)}); "
                         "it is kept, but counts only as an existing tie", "warning")
    payment = rels["payment"]
    c.flag(payment.notna() & ~payment.isin(PAYMENT_BASES), "payment",
           "is not a payment basis (expected 'activity', 'block' or 'api', or leave it empty)")


def _check_system_doc(doc: Any, label: str, lines: dict, problems: list[Problem]) -> dict:
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        problems.append(Problem(label, lines.get(()), None, None,
                                "should be a mapping such as 'name: Riverside ICS'"))
        return {}
    for key in doc:
        if key not in SYSTEM_KEYS:
            close = difflib.get_close_matches(str(key), SYSTEM_KEYS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(Problem(label, lines.get((key,)) or lines.get(()), str(key), None,
                                    f"is not a key of system.yaml ({hint}keys: "
                                    f"{', '.join(SYSTEM_KEYS)}); it is kept, but netkit does "
                                    "not use it", "warning"))
    for key in ("name", "description", "currency"):
        value = doc.get(key)
        if isinstance(value, (list, dict, bool)):
            kind = {list: "a list", dict: "a mapping", bool: "true or false"}[type(value)]
            problems.append(Problem(label, lines.get((key,)) or lines.get(()), key, str(value),
                                    f"should be text, e.g. '{key}: Riverside ICS', not {kind}; "
                                    "put quotes around it if it has brackets or a colon"))
    if not isinstance(doc.get("name"), (list, dict, bool)) \
            and not str(doc.get("name") or "").strip():
        problems.append(Problem(label, lines.get(()), "name", None,
                                "is missing; add 'name: <the system's name>'"))
    population = doc.get("population")
    if population is not None:
        if isinstance(population, bool) or not isinstance(population, (int, float)) \
                or not np.isfinite(population) or population < 0:
            problems.append(Problem(label, lines.get(("population",)), "population",
                                    str(population), "is not a population (expected a whole "
                                                     "number ≥ 0)"))
        elif population > COUNT_CEILING:
            problems.append(Problem(label, lines.get(("population",)), "population",
                                    str(population), f"is too large: netkit takes a population "
                                                     f"up to {COUNT_CEILING:,.0f}; check for a "
                                                     "typing error"))
    return dict(doc)


