"""`System`: one immutable snapshot of a health and care economy.

Tables are the truth: a System holds pandas DataFrames for organisations, services, pathways,
flows and relationships, plus the system's metadata and opportunities. Graphs are views built on
demand (`System.graph`, `System.org_network`). Nothing mutates a System: the tables it hands out
are copies (cheap under pandas copy-on-write), and changes make a new System.
"""

from __future__ import annotations

import html
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from netkit._views import DISPLAY_BUDGET, picture
from netkit.errors import OpportunityError
from netkit.model.activity import flow_codes, organisation_flows, service_activity
from netkit.model.opportunity import Opportunity
from netkit.model.schema import HOME, TABLES, complete_columns

__all__ = ["System"]

# Under copy-on-write (always on from pandas 3) a shallow copy is enough to keep a System's tables
# safe from changes to the frames it hands out; older pandas needs a deep copy.
_DEEP = int(pd.__version__.split(".")[0]) < 3


def kept(system, key: tuple, build) -> Any:
    """``system.derived(key, build)``: worked out once per system. A stand-in that has only the
    tables (the tests build such) gets ``build(system)`` each time.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> kept(SimpleNamespace(flows=[1, 2]), ("count",), lambda s: len(s.flows))
    2
    """
    derived = getattr(system, "derived", None)
    return derived(key, build) if derived is not None else build(system)


def system_flow_codes(system) -> tuple:
    """`netkit.model.activity.flow_codes` of the system's flows, worked out once per system
    (`kept`): the partner query's scope, sources and money share them (each factorised the
    flows' pathways, sources and targets on its own: 0.05 s a worker's first query for the
    generated region)."""
    return kept(system, ("model", "flow codes"), lambda s: flow_codes(s.flows))


def _plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns as Python strings (object dtype), not pandas' Arrow
    ``str``: the analysis works on them as such (`netkit._strings`). Values, and missing
    values (NaN), are unchanged."""
    text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
    return frame.astype({c: object for c in text}) if text else frame


class System:
    """One snapshot of a health and care system. Immutable.

    Build one with `netkit.load_system`; change one with a changeset, which gives a new System.

    Attributes
    ----------
    name : str
        The system's name, from ``system.yaml``.
    meta : mapping
        Everything in ``system.yaml`` (name, snapshot, population, currency, description, ...).
    organisations, services, pathways, flows, relationships, places, seats : pandas.DataFrame
        The tables, with the contract's columns typed (ids as text, numbers as floats, empty
        optional cells missing) and any extra columns kept as text. Every optional column of
        the contract is there: one the input lacked is added with every cell missing (see
        `given_columns`).
    opportunities : mapping of str to Opportunity
        By id, in file order.
    source : str or None
        Where the system was read from.

    Examples
    --------
    >>> import netkit
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> system.name
    'Tiny Vale'
    >>> len(system.organisations)
    8
    >>> system.organisations.loc[1, "id"]
    'ACUTE'
    """

    __slots__ = ("_tables", "_given", "_meta", "_opportunities", "_source", "_warnings",
                 "_checksum", "_lookups", "_input_rows", "_frozen")

    def __init__(self, tables: Mapping[str, pd.DataFrame], meta: Mapping | None = None,
                 opportunities: Iterable[Opportunity] = (), source: str | None = None,
                 warnings: Iterable = (), checksum: str | None = None, *,
                 given_columns: Mapping[str, Iterable[str]] | None = None,
                 input_rows: Mapping[str, tuple] | None = None):
        tables = {name: tables[name] if name in tables else _empty(name) for name in TABLES}
        given = given_columns or {name: tables[name].columns for name in TABLES}
        self._given = MappingProxyType({
            name: tuple(c for c in TABLES[name].optional if c in set(given.get(name, ())))
            for name in TABLES})
        self._tables = {name: _plain_text(complete_columns(name,
                                                           tables[name].reset_index(drop=True)))
                        for name in TABLES}
        self._meta = MappingProxyType(dict(meta or {}))
        self._opportunities = MappingProxyType({o.id: o for o in opportunities})
        self._source = source
        self._warnings = tuple(warnings)
        self._checksum = checksum
        self._lookups = {}  # column -> {organisation id: value}, built on first use
        self._input_rows = MappingProxyType({
            name: (str(label), np.asarray(rows, dtype="int64"))
            for name, (label, rows) in (input_rows or {}).items()
            if name in self._tables and len(rows) == len(self._tables[name])})
        self._frozen = True

    def __setattr__(self, name, value):
        if getattr(self, "_frozen", False):
            raise AttributeError("a System is immutable; apply a changeset to get a new one")
        object.__setattr__(self, name, value)

    # -- the tables ---------------------------------------------------------------------------
    @property
    def organisations(self) -> pd.DataFrame:
        return self._tables["organisations"].copy(deep=_DEEP)

    @property
    def services(self) -> pd.DataFrame:
        return self._tables["services"].copy(deep=_DEEP)

    @property
    def pathways(self) -> pd.DataFrame:
        return self._tables["pathways"].copy(deep=_DEEP)

    @property
    def flows(self) -> pd.DataFrame:
        return self._tables["flows"].copy(deep=_DEEP)

    @property
    def relationships(self) -> pd.DataFrame:
        return self._tables["relationships"].copy(deep=_DEEP)

    @property
    def places(self) -> pd.DataFrame:
        """``places.csv`` (format version 2): ``place, name, population, population_65plus,
        deprivation_quintile, commissioner, council`` and any ``population_*`` age bands; no
        rows when the system has none.

        Examples
        --------
        >>> import netkit
        >>> netkit.load_system(netkit.sample_path("tiny")).places["place"].tolist()
        ['North', 'South']
        """
        return self._tables["places"].copy(deep=_DEEP)

    @property
    def seats(self) -> pd.DataFrame:
        """``seats.csv`` (format version 2): ``id, name, members`` (``;``-separated organisation
        ids) and ``kind``; no rows when the system names no seats."""
        return self._tables["seats"].copy(deep=_DEEP)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (copies): the five of format version 1, then ``places`` and
        ``seats`` (perhaps empty)."""
        return {name: frame.copy(deep=_DEEP) for name, frame in self._tables.items()}

    @property
    def given_columns(self) -> Mapping[str, tuple[str, ...]]:
        """Table name to the optional contract columns the system was given (by default, those
        in the tables passed in); the others were added with every cell missing. Saving writes
        these and any other optional column that has a value, so a folder is written back with
        the columns it had. A system derived from another passes the other's on.

        Examples
        --------
        >>> import netkit
        >>> system = netkit.load_system(netkit.sample_path("tiny"))
        >>> system.given_columns["flows"], system.flows["place"].isna().all()
        ((), np.True_)
        """
        return self._given

    @property
    def meta(self) -> Mapping:
        return self._meta

    @property
    def name(self) -> str:
        return str(self._meta.get("name", ""))

    @property
    def opportunities(self) -> Mapping[str, Opportunity]:
        return self._opportunities

    @property
    def source(self) -> str | None:
        return self._source

    @property
    def checksum(self) -> str | None:
        """SHA-256 of the input files the system was read from (for provenance)."""
        return self._checksum

    @property
    def input_rows(self) -> Mapping[str, tuple]:
        """Table name → ``(file, rows)``: the file a person opens (``flows.csv``, or the sheet of
        a workbook) and, for each row of the table in order, its row number there as a
        spreadsheet shows it (the header is row 1, the first record row 2), as validation
        messages number rows. Empty for a system not read from files (or changed since).

        Examples
        --------
        >>> import netkit
        >>> system = netkit.load_system(netkit.sample_path("tiny"))
        >>> label, rows = system.input_rows["flows"]
        >>> label, rows[:3].tolist()
        ('flows.csv', [2, 3, 4])
        """
        return self._input_rows

    @property
    def warnings(self) -> tuple:
        """The warnings (`netkit.errors.Problem`) found when the system was loaded."""
        return self._warnings

    def opportunity(self, opportunity_id: str) -> Opportunity:
        """The opportunity with this id.

        Raises
        ------
        OpportunityError
            If there is none, listing the ids there are.
        """
        try:
            return self._opportunities[opportunity_id]
        except KeyError:
            import difflib

            known = ", ".join(self._opportunities) or "none"
            close = difflib.get_close_matches(str(opportunity_id), list(self._opportunities), 1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise OpportunityError(f"no opportunity {opportunity_id!r} in {self.name or 'the system'}"
                                   f" ({hint}opportunities: {known}); see 'netkit opportunities'"
                                   ) from None

    def organisation_names(self) -> dict[str, str]:
        """Organisation id to name."""
        return dict(self.organisation_lookup("name"))

    def organisation_lookup(self, column: str) -> Mapping[str, Any]:
        """Organisation id to the value of ``column`` (missing values as ``None``), built once
        per system (the system is immutable) and shared read-only.

        Examples
        --------
        >>> import netkit
        >>> system = netkit.load_system(netkit.sample_path("tiny"))
        >>> system.organisation_lookup("type")["GP1"]
        'gp_practice'
        """
        if column not in self._lookups:
            orgs = self._tables["organisations"]
            values = (orgs[column].astype(object).where(orgs[column].notna(), None).tolist()
                      if column in orgs else [None] * len(orgs))
            self._lookups[column] = MappingProxyType(dict(zip(orgs["id"].tolist(), values)))
        return self._lookups[column]

    def derived(self, key: tuple, build) -> Any:
        """A value worked out from this system's tables by ``build(system)``, built once and
        kept with the system (which is immutable: a change makes a new system, with nothing
        kept), for work shared by several queries, such as the flows' pathways as integer
        codes. ``key`` is a tuple naming the value; treat the value as read-only.

        Examples
        --------
        >>> import netkit
        >>> system = netkit.load_system(netkit.sample_path("tiny"))
        >>> kept = system.derived(("example",), lambda s: [len(s.flows)])
        >>> system.derived(("example",), lambda s: []) is kept
        True
        """
        if key not in self._lookups:
            self._lookups[key] = build(self)
        return self._lookups[key]

    # -- graph views --------------------------------------------------------------------------
    def graph(self) -> nx.MultiDiGraph:
        """The whole system as a typed multi-digraph.

        Nodes are organisations (``kind="organisation"``), services (``kind="service"``) and, where
        flows use it, ``@home`` (``kind="home"``); each carries its table's columns as attributes
        (missing values left out). Edges have ``kind`` ``"provides"`` (organisation → service),
        ``"flow"`` (service → service, keyed by pathway, with ``patients``) or ``"relationship"``
        (organisation → organisation, with ``type`` and the relationship's columns). A service id
        that is also an organisation id becomes the node ``service:ID``.

        Examples
        --------
        >>> import netkit
        >>> G = netkit.load_system(netkit.sample_path("tiny")).graph()
        >>> G.nodes["ACUTE"]["kind"], G.nodes["ED"]["kind"]
        ('organisation', 'service')
        """
        orgs, services = self._tables["organisations"], self._tables["services"]
        flows, rels = self._tables["flows"], self._tables["relationships"]
        org_ids = set(orgs["id"])
        node_of = {sid: (f"service:{sid}" if sid in org_ids else sid) for sid in services["id"]}
        node_of[HOME] = HOME
        G = nx.MultiDiGraph(name=self.name)
        G.add_nodes_from((r.pop("id"), {"kind": "organisation", **r}) for r in _records(orgs))
        G.add_nodes_from((node_of[r["id"]], {"kind": "service", **r}) for r in _records(services))
        if (flows["source"] == HOME).any() or (flows["target"] == HOME).any():
            G.add_node(HOME, kind="home", name="Outside the modelled services")
        G.add_edges_from((r["provider"], node_of[r["id"]], "provides", {"kind": "provides"})
                         for r in _records(services[["provider", "id"]]))
        G.add_edges_from(
            (node_of[r["source"]], node_of[r["target"]], r["pathway"] +
             (f"@{r['place']}" if r.get("place") else ""), {"kind": "flow", **r})
            for r in _records(flows))
        G.add_edges_from((r["source"], r["target"], r["type"] + (  # a contract per service line
            f"@{r['service']}" if r.get("service") else ""), {"kind": "relationship", **r})
                         for r in _records(rels))
        return G

    def org_network(self, pathways: Iterable[str] | None = None,
                    min_patients: float = 0.0) -> nx.DiGraph:
        """Patients handed from one provider organisation to another, as a weighted digraph.

        Flows between services are projected onto the services' providers: an edge A → B carries
        ``patients``, the patients a year that leave a service of A for a service of B. Flows
        inside one organisation are not edges; they are kept as the node attribute
        ``internal_patients``. Every node has ``activity`` (patient contacts a year at its
        services, see `service_activity`), ``name`` and ``type``.

        Parameters
        ----------
        pathways : iterable of str, optional
            Pathway ids to include (default: all).
        min_patients : float
            Leave out edges carrying fewer patients a year than this.

        Examples
        --------
        >>> import netkit
        >>> N = netkit.load_system(netkit.sample_path("tiny")).org_network()
        >>> N["AMB"]["ACUTE"]["patients"]
        400.0
        """
        flows = self._tables["flows"]
        if pathways is not None:
            flows = flows[flows["pathway"].isin(list(pathways))]
        handoffs = organisation_flows(flows, self._tables["services"])
        activity = service_activity(flows).rename("activity").to_frame().join(
            self._tables["services"].set_index("id")["provider"]).groupby("provider")["activity"].sum()
        orgs = self._tables["organisations"].set_index("id")
        internal = handoffs[handoffs["source"] == handoffs["target"]].set_index("source")["patients"]
        crossing = handoffs[(handoffs["source"] != handoffs["target"])
                            & (handoffs["patients"] >= min_patients)]
        N = nx.DiGraph(name=self.name)
        for org in sorted(set(activity.index) | set(handoffs["source"]) | set(handoffs["target"])):
            N.add_node(org, name=orgs.at[org, "name"], type=orgs.at[org, "type"],
                       activity=float(activity.get(org, 0.0)),
                       internal_patients=float(internal.get(org, 0.0)))
        N.add_weighted_edges_from(crossing[["source", "target", "patients"]].itertuples(index=False),
                                  weight="patients")
        return N

    def to_frame(self) -> pd.DataFrame:
        """One row per organisation: ``id, name, type, sector, place, parent`` as in
        ``organisations.csv``, then ``services`` (how many it provides), ``activity`` (patient
        contacts a year at its services, `service_activity`) and ``relationships`` (ties in
        which it is either end). In file order.

        Examples
        --------
        >>> import netkit
        >>> frame = netkit.load_system(netkit.sample_path("tiny")).to_frame()
        >>> acute = frame[frame["id"] == "ACUTE"].iloc[0]  # ED 500 a year, WARD 320
        >>> print(acute["services"], acute["activity"], acute["relationships"])
        2 820.0 3
        """
        t = self._tables
        orgs = t["organisations"]
        frame = orgs[["id", "name", "type", "sector", "place", "parent"]].copy()
        services = t["services"]
        provided = services["provider"].value_counts()
        activity = service_activity(t["flows"]) if len(t["flows"]) else pd.Series(dtype=float)
        by_org = (pd.Series(activity.reindex(services["id"]).fillna(0.0).to_numpy(),
                            index=services["provider"].to_numpy())
                  .groupby(level=0).sum())
        rel = t["relationships"]
        ends = pd.concat([rel["source"], rel["target"]], ignore_index=True).value_counts()
        frame["services"] = frame["id"].map(provided).fillna(0).astype("int64")
        frame["activity"] = frame["id"].map(by_org).fillna(0.0).astype("float64")
        frame["relationships"] = frame["id"].map(ends).fillna(0).astype("int64")
        return frame

    # -- display ------------------------------------------------------------------------------
    def visualise(self, services: bool = False, seed: int = 0, max_nodes: int | None = DISPLAY_BUDGET):
        """The network map of the whole system (`netkit.viz.maps.map_system`); it shows inline in a
        notebook, and ``.save("map.html")`` keeps it."""
        return picture("system_map")(self, services=services, seed=seed, max_nodes=max_nodes)

    def summary(self, disclosure=None):
        """A `netkit.model.summary.SystemSummary` of this system (counts shown under ``disclosure``
        rules, if given)."""
        from netkit.model.summary import summarise

        return summarise(self, disclosure=disclosure)

    def __repr__(self) -> str:
        t = self._tables
        return (f"<System {self.name!r}: {len(t['organisations'])} organisations, "
                f"{len(t['services'])} services, {len(t['pathways'])} pathways, "
                f"{len(t['flows'])} flows, {len(t['relationships'])} relationships, "
                f"{len(self._opportunities)} opportunities>")

    def _repr_html_(self) -> str:
        return (f"<h4>{html.escape(self.name)}</h4>"
                + self.summary()._repr_html_())


def _empty(name: str) -> pd.DataFrame:
    """A table of the contract with its required columns and no rows (a system built from
    version 1 tables has no places or seats)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLES[name].required})


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts without missing values (for graph attributes and GraphML)."""
    return [{k: v for k, v in row.items() if not _missing(v)} for row in frame.to_dict("records")]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


