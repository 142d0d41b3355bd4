"""Network maps: the whole system, an opportunity's partners, or what a change did, as a
`NetworkMap` that saves as one self-contained HTML file, shows inline in Jupyter and draws the
same layout as a PNG or SVG picture.

Maps are built from DataFrames, not through ``pyvis.Network.from_nx`` (which rewrites the
caller's graph and loads assets from CDNs), and rendered by `netkit.viz.page` with vis-network
inlined.

Examples
--------
>>> import netkit
>>> system = netkit.load_system(netkit.sample_path("tiny"))
>>> m = map_system(system)
>>> len(m.nodes), m.colour_by
(8, 'type')
>>> m.nodes.set_index("id").loc["ACUTE", "tooltip"].splitlines()[0]
'Vale Hospital (ACUTE)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit._gc import gc_paused
from netkit._strings import plain_strings
from netkit.model.activity import service_activity
from netkit.viz.columns import _labels, _names_of, _per_value
from netkit.viz.projection import organisation_projection
from netkit.model.disclosure import disclosure_rules
from netkit.model.schema import HOME
from netkit.partners.reasons import type_name
from netkit.render.formats import fmt_number
from netkit.render.palette import (
    CHANGE_COLOURS,
    FADED,
    FAMILIES,
    TIER_COLOURS,
    TIER_LABELS,
    fade,
    family_of,
)
from netkit.viz.layout import DISPLAY_BUDGET, spring_layout

__all__ = ["NetworkMap", "visualise", "map_system", "map_partners", "map_diff", "map_changes", "DISPLAY_BUDGET"]

_NODE_COLUMNS = ["id", "label", "kind", "type", "family", "shape", "tier", "status", "activity",
                 "size", "x", "y", "tooltip", "colour_type", "colour_tier", "colour_change"]
_EDGE_COLUMNS = ["source", "target", "kind", "patients", "width", "tooltip", "dashed"]

CHANGE_LABELS = {"joined": "Joined the core", "left": "Left the core", "moved": "Moved tier",
                 "entered": "Joined the scope", "exited": "Left the scope (or closed)",
                 "added": "Added", "removed": "Removed", "changed": "Changed",
                 "core": "Core, unchanged", "unchanged": "Unchanged"}


@dataclass(frozen=True)
class NetworkMap:
    """A network ready to draw.

    Attributes
    ----------
    title : str
    nodes : DataFrame
        One row per node: ``id, label, kind`` (``organisation`` or ``service``), ``type,
        family, shape, tier, status, activity`` (patient contacts a year), ``size`` (pixels),
        ``x, y`` (seeded layout, in [-1, 1]), ``tooltip`` (plain text, lines) and a colour per
        scheme (``colour_type``, ``colour_tier``, ``colour_change``; blank where a scheme does
        not apply).
    edges : DataFrame
        ``source, target, kind`` (``handoff``, ``provides`` or ``flow``), ``patients`` a year,
        ``width`` (pixels), ``tooltip``, ``dashed`` (shown only for context).
    colour_by : str
        The scheme shown first: ``type``, ``tier`` or ``change``.
    subtitle : list of str
        Lines shown under the title.
    notes : list of str
        What was left out (display budget) and similar.
    seed : int
        The layout seed.
    provenance : str
        netkit version, input and checksum (and changeset): the page's footer.
    """

    title: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    colour_by: str = "type"
    subtitle: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seed: int = 0
    provenance: str = ""

    @property
    def schemes(self) -> list[str]:
        """The colour schemes this map has, the one shown first leading."""
        have = [s for s in ("type", "tier", "change") if (self.nodes[f"colour_{s}"] != "").any()]
        return sorted(have, key=lambda s: s != self.colour_by)

    def legend(self, scheme: str) -> list[tuple[str, str, str]]:
        """``(label, colour, shape)`` for each entry of a scheme present on the map."""
        nodes = self.nodes
        if scheme == "type":
            families = nodes.loc[nodes["kind"] == "organisation", "family"]
            present = set(families.unique().tolist())
            return [(f.label, f.colour, f.shape) for k, f in FAMILIES.items() if k in present]
        if scheme == "tier":
            present = set(nodes["tier"].unique().tolist())
            return [(TIER_LABELS[t], TIER_COLOURS[t], "dot") for t in TIER_COLOURS if t in present]
        present = set(nodes["status"].unique().tolist())
        return [(CHANGE_LABELS[s], CHANGE_COLOURS[s], "dot") for s in CHANGE_COLOURS
                if s in present]

    def to_frame(self) -> pd.DataFrame:
        """The nodes table."""
        return self.nodes.copy()

    def to_dict(self) -> dict:
        """Nodes, edges and settings as plain data (what the HTML page draws)."""
        return self._plain(_records)

    def page_data(self) -> dict:
        """What the HTML page embeds: `to_dict`, with nodes and edges as columns (a list per
        field) rather than rows, so the JSON does not repeat every field name; the page's
        script turns them back into rows."""
        return self._plain(_columns)

    def _plain(self, table) -> dict:
        from netkit.render.formats import to_jsonable

        out = to_jsonable({"title": self.title, "subtitle": list(self.subtitle),
                           "notes": list(self.notes), "colour_by": self.colour_by,
                           "provenance": self.provenance, "seed": self.seed})
        out["nodes"], out["edges"] = table(self.nodes), table(self.edges)
        return out

    def to_html(self) -> str:
        """One self-contained HTML page (vis-network inlined, no remote requests)."""
        from netkit.viz.page import map_page

        return map_page(self)

    def save(self, path: str | Path) -> Path:
        """Write the HTML page (all or nothing: a partial file is never left behind)."""
        from netkit._files import write_atomic

        return write_atomic(Path(path), self.to_html())

    def save_picture(self, path: str | Path) -> Path:
        """Save the same layout as a PNG or SVG picture (by the file's ending), for slides."""
        from netkit.viz.picture import save_map_picture

        return save_map_picture(self, path)

    def _repr_html_(self) -> str:
        from netkit.viz.page import map_iframe

        return map_iframe(self)

    def __repr__(self) -> str:
        return (f"<NetworkMap {self.title!r}: {len(self.nodes)} nodes, {len(self.edges)} "
                f"edges, coloured by {self.colour_by}>")


# -- building blocks ------------------------------------------------------------------------------
def _sizes(activity: pd.Series, smallest: float = 8.0, largest: float = 40.0) -> pd.Series:
    top = activity.max() if len(activity) else 0.0
    if not top or top <= 0:
        return pd.Series(smallest, index=activity.index)
    return (smallest + (largest - smallest) * np.sqrt(activity.clip(lower=0) / top)).round(1)


def _widths(patients: pd.Series, thinnest: float = 1.0, widest: float = 10.0) -> pd.Series:
    top = patients.max() if len(patients) else 0.0
    if not top or top <= 0:
        return pd.Series(thinnest, index=patients.index)
    return (thinnest + (widest - thinnest) * np.sqrt(patients.clip(lower=0) / top)).round(2)


def _columns(frame: pd.DataFrame) -> dict[str, list]:
    """Each column as a list of plain Python values (missing and infinite numbers as None)."""
    columns = {}
    with gc_paused():  # long lists of small objects (see netkit._gc)
        for name in frame.columns:
            values = frame[name]
            if pd.api.types.is_float_dtype(values):
                values = values.where(np.isfinite(values.to_numpy(dtype=float)))
            columns[str(name)] = values.astype(object).where(values.notna(), None).tolist()
    return columns


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values, built a column at a time: what
    ``to_jsonable(frame.to_dict("records"))`` gives, 5x faster."""
    columns = _columns(frame)
    names = list(columns)
    with gc_paused():  # thousands of small dicts (see netkit._gc)
        return [dict(zip(names, row)) for row in zip(*columns.values())]


def _label(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[:width - 1].rstrip() + "…"


def _node_frame(orgs: pd.DataFrame, activity: pd.Series) -> pd.DataFrame:
    """Organisation nodes (``id, name, type``) with activity, family, shape and type colour."""
    nodes = orgs[["id", "name", "type"]].copy().reset_index(drop=True)
    nodes["activity"] = nodes["id"].map(activity).fillna(0.0).astype("float64")
    nodes["family"] = _per_value(nodes["type"], family_of)
    nodes["shape"] = _per_value(nodes["family"], lambda f: FAMILIES[f].shape)
    nodes["colour_type"] = _per_value(nodes["family"], lambda f: FAMILIES[f].colour)
    nodes["kind"] = "organisation"
    nodes["label"] = _labels(nodes["name"])
    for column in ("tier", "status", "colour_tier", "colour_change"):
        nodes[column] = ""
    return nodes


def _tooltip(nodes: pd.DataFrame, reasons: pd.Series | None = None,
             extra: pd.Series | None = None, count=fmt_number) -> pd.Series:
    per_value = {column: pd.Series(_per_value(nodes[column], func), index=nodes.index,
                                   dtype="str")
                 for column, func in (("type", type_name), ("activity", count))}
    lines = (nodes["name"] + " (" + nodes["id"] + ")\n" + per_value["type"]
             + "\n" + per_value["activity"] + " patient contacts a year")
    if extra is not None:
        lines = lines + extra.reindex(nodes.index).fillna("").map(lambda t: f"\n{t}" if t else "")
    if reasons is not None:
        lines = lines + reasons.reindex(nodes.index).map(
            lambda r: "".join(f"\n• {x}" for x in r[:3]) if isinstance(r, list) else "")
    return lines


def _handoff_edges(handoffs: pd.DataFrame, names: dict, count=fmt_number) -> pd.DataFrame:
    """``source, target, patients`` between different nodes → the edges table."""
    edges = handoffs[handoffs["source"] != handoffs["target"]].reset_index(drop=True)
    edges = edges[edges["patients"] > 0].reset_index(drop=True)
    edges["kind"] = "handoff"
    edges["width"] = _widths(edges["patients"])
    said = pd.Series(_per_value(edges["patients"], count), index=edges.index, dtype="str")
    edges["tooltip"] = (_names_of(edges["source"], names) + " → "
                        + _names_of(edges["target"], names) + ": " + said + " patients a year")
    edges["dashed"] = False
    return edges


def _budget(nodes: pd.DataFrame, edges: pd.DataFrame, max_nodes: int | None, what: str
            ) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Keep the ``max_nodes`` nodes with most activity (ties by id)."""
    if max_nodes is None or len(nodes) <= max_nodes:
        return nodes, edges, []
    keep = nodes.sort_values(["activity", "id"], ascending=[False, True]).head(max_nodes)
    kept = set(keep["id"].tolist())
    note = (f"showing the {max_nodes:,} {what} with most activity of {len(nodes):,} "
            f"(display budget; raise it with max_nodes / --max-nodes)")
    nodes = nodes[isin(nodes["id"], kept)].reset_index(drop=True)
    edges = edges[isin(edges["source"], kept) & isin(edges["target"], kept)].reset_index(drop=True)
    return nodes, edges, [note]


def _provenance(system, changes=None) -> str:
    from netkit._version import __version__

    line = f"netkit {__version__} · input {system.source} (sha256 {system.checksum})"
    return line + (f" · changeset {changes.changeset.source}" if changes is not None else "")


def _finish(title, nodes, edges, colour_by, subtitle, notes, seed, max_nodes, what,
            provenance, rules=None) -> NetworkMap:
    nodes, edges, budget_notes = _budget(nodes, edges, max_nodes, what)
    if rules is not None and rules.active:
        # What the page carries is released: counts rounded, small ones missing (shown *).
        nodes = nodes.assign(activity=rules.values(nodes["activity"]).to_numpy())
        edges = edges.assign(patients=rules.values(edges["patients"]).to_numpy())
        widths = _widths(edges["patients"].fillna(0.0))
        edges["width"] = widths.where(edges["kind"] != "provides", 1.0)
        notes = list(notes) + [rules.describe()]
    nodes = nodes.sort_values("id", kind="stable").reset_index(drop=True)
    edges = edges.sort_values(["source", "target", "kind"], kind="stable").reset_index(drop=True)
    positions = spring_layout(nodes["id"].tolist(), edges, weight="patients", seed=seed)
    nodes["x"], nodes["y"] = positions["x"].to_numpy(), positions["y"].to_numpy()
    nodes["size"] = _sizes(nodes["activity"].fillna(0.0))
    nodes.loc[nodes["kind"] == "service", "size"] = (nodes["size"] * 0.5).round(1)
    for column in ("tier", "status", "colour_tier", "colour_change"):
        nodes[column] = nodes[column].fillna("")
    return NetworkMap(title=title, nodes=nodes[_NODE_COLUMNS], edges=edges[_EDGE_COLUMNS],
                      colour_by=colour_by, subtitle=list(subtitle),
                      notes=list(notes) + budget_notes, seed=seed, provenance=provenance)


# -- the maps --------------------------------------------------------------------------------------
@plain_strings
def map_system(system, services: bool = False, pathways=None, seed: int = 0,
               max_nodes: int | None = DISPLAY_BUDGET, changes=None,
               disclosure=None) -> NetworkMap:
    """The whole system: organisations sized by activity, joined by patients handed off.

    Parameters
    ----------
    system : System
    services : bool
        Also draw services (small, faded), linked to their provider, with the patient flows
        between services in place of the organisation handoffs.
    pathways : iterable of str, optional
        Only these pathways' flows (default all).
    seed : int
        Layout seed.
    max_nodes : int or None
        Display budget: draw at most this many nodes, those with most activity.
    changes : ChangeResult, optional
        A changeset applied to ``system`` (``system`` is the system *before*): the map shows
        the system after it, coloured by what changed; removed organisations stay, marked.
    disclosure : str or DisclosureRules, optional
        Disclosure control for the counts the map carries and shows (`netkit.model.disclosure`).

    Examples
    --------
    >>> import netkit
    >>> m = map_system(netkit.load_system(netkit.sample_path("tiny")))
    >>> m.edges[["source", "target", "patients"]].head(2).values.tolist()
    [['ACUTE', 'CARE', 50.0], ['ACUTE', 'COUNCIL', 150.0]]
    """
    rules = disclosure_rules(disclosure)
    count = rules.count if rules.active else fmt_number
    before = system
    if changes is not None:
        system = changes.system
    flows = system.flows
    if pathways is not None:
        flows = flows[flows["pathway"].isin(list(pathways))]
    if services:
        activity = service_activity(flows)
        provider = system.services.set_index("id")["provider"]
        nodes, extra = _system_nodes(before, system, changes,
                                     activity.groupby(activity.index.map(provider)).sum())
        nodes["tooltip"] = _tooltip(nodes, extra=extra, count=count)
        nodes, edges = _with_services(system, flows, activity, nodes, count)
        notes, what = [], "organisations and services"
        counts = (f"{(nodes['kind'] == 'organisation').sum():,} organisations, "
                  f"{(nodes['kind'] == 'service').sum():,} services")
        handed = edges.loc[edges["kind"] != "provides", "patients"].sum()
    else:
        org_activity, handoffs = organisation_projection(flows, system.services)
        nodes, extra = _system_nodes(before, system, changes, org_activity)
        nodes, edges, notes, (whole, handed) = _organisation_handoffs(
            handoffs, nodes, extra, max_nodes, count)
        what, counts = "organisations", f"{whole:,} organisations"
    subtitle = [f"{counts}; {count(handed)} patients a year handed between them"]
    title = f"{system.name}" + (" after the changes" if changes is not None else "")
    if changes is not None:
        subtitle.append(f"changeset {changes.changeset.source}")
    return _finish(title, nodes, edges, "type" if changes is None else "change", subtitle, notes,
                   seed, max_nodes, what, _provenance(before, changes), rules)


def _system_nodes(before, system, changes, org_activity: pd.Series
                  ) -> tuple[pd.DataFrame, pd.Series | None]:
    """Organisation nodes with their services' activity (``org_activity``, by organisation);
    with ``changes``, the organisations removed stay, and every node is marked added, removed,
    changed or unchanged. Returns the nodes and a tooltip line per node saying what the
    changeset did (None without changes)."""
    orgs = system.organisations
    if changes is None:
        return _node_frame(orgs, org_activity), None
    gone = before.organisations[~before.organisations["id"].isin(orgs["id"])]
    nodes = _node_frame(pd.concat([orgs, gone], ignore_index=True), org_activity)
    touched = set().union(*(t.organisations | t.named for t in changes.touched.values())) \
        if changes.touched else set()
    status = pd.Series("unchanged", index=nodes.index)
    status[nodes["id"].isin(touched)] = "changed"
    status[~nodes["id"].isin(before.organisations["id"])] = "added"
    status[~nodes["id"].isin(system.organisations["id"])] = "removed"
    nodes["status"] = status
    nodes["colour_change"] = status.map(CHANGE_COLOURS)
    extra = status.map({"added": "added by the changeset", "removed":
                        "removed by the changeset", "changed": "touched by the changeset"})
    return nodes, extra


def _organisation_handoffs(raw, nodes, extra, max_nodes, count):
    """The organisations-only map from the handoffs between organisations
    (`organisation_projection`): the display budget applied before any text is made for the
    nodes and edges, then tooltips and handoff edges. Returns nodes, edges, the budget's notes
    and, for the subtitle, the whole system's organisations and patients handed between them."""
    whole = (len(nodes), raw["patients"].sum())
    if extra is not None:
        nodes["_extra"] = extra
    nodes, raw, notes = _budget(nodes, raw, max_nodes, "organisations")
    names = dict(zip(nodes["id"].tolist(), nodes["name"].tolist()))  # those drawn
    if extra is not None:
        extra = nodes.pop("_extra")
    nodes["tooltip"] = _tooltip(nodes, extra=extra, count=count)
    return nodes, _handoff_edges(raw, names, count), notes, whole


def _with_services(system, flows, activity, nodes, count) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organisation nodes plus their services (small, faded), each linked to its provider,
    with the patient flows between services in place of the organisation handoffs."""
    names = dict(zip(nodes["id"], nodes["name"]))
    svc = system.services[["id", "name", "provider"]].copy()
    svc_nodes = pd.DataFrame({
        "id": "service:" + svc["id"], "name": svc["name"], "type": "service",
        "activity": svc["id"].map(activity).fillna(0.0).astype("float64").to_numpy(),
        "family": svc["provider"].map(dict(zip(nodes["id"], nodes["family"]))).fillna("other"),
        "kind": "service", "label": svc["name"].map(lambda n: _label(n, 20)),
        "tier": "", "status": "", "colour_tier": "", "colour_change": ""})
    svc_nodes["shape"] = "dot"
    svc_nodes["colour_type"] = FADED
    svc_nodes["tooltip"] = (svc["name"] + " (" + svc["id"] + ")\nservice of "
                            + svc["provider"].map(names).fillna(svc["provider"]) + "\n"
                            + svc_nodes["activity"].map(count)
                            + " patient contacts a year")
    nodes = pd.concat([nodes, svc_nodes], ignore_index=True)
    names.update(zip(svc_nodes["id"], svc_nodes["name"]))
    inner = flows[(flows["source"] != HOME) & (flows["target"] != HOME)]
    between = (inner.assign(source="service:" + inner["source"],
                            target="service:" + inner["target"])
               .groupby(["source", "target"], as_index=False)["patients"].sum())
    edges = _handoff_edges(between, names, count).assign(kind="flow")
    provides = pd.DataFrame({"source": svc["provider"].to_numpy(),
                             "target": ("service:" + svc["id"]).to_numpy(),
                             "kind": "provides", "patients": 0.0, "width": 1.0,
                             "dashed": True})
    provides["tooltip"] = (provides["source"].map(names) + " provides "
                           + provides["target"].map(names))
    return nodes, pd.concat([edges, provides], ignore_index=True)


def _partner_graph(partner_set, count=fmt_number) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidate nodes (with tier, reasons, activity) and the handoffs between candidates."""
    scope = partner_set.scope
    services = scope.services
    activity = services.groupby("candidate")["activity"].sum()
    partners = partner_set.partners.reset_index(drop=True)
    nodes = _node_frame(partners[["id", "name", "type"]], activity)
    nodes["tier"] = partners["tier"].to_numpy()
    nodes["colour_tier"] = nodes["tier"].map(TIER_COLOURS)
    faded = nodes["tier"] == "inform"
    nodes.loc[faded, "colour_type"] = nodes.loc[faded, "colour_type"].map(fade)
    candidate = services.set_index("id")["candidate"]
    flows = scope.flows
    inner = flows[(flows["source"] != HOME) & (flows["target"] != HOME)]
    handoffs = (pd.DataFrame({"source": inner["source"].map(candidate).to_numpy(),
                              "target": inner["target"].map(candidate).to_numpy(),
                              "patients": inner["patients"].to_numpy()})
                .groupby(["source", "target"], as_index=False, sort=True)["patients"].sum())
    handoffs = handoffs[handoffs["source"].isin(nodes["id"]) & handoffs["target"].isin(nodes["id"])]
    stands = partners["stands_for"].map(lambda s: f"stands for {', '.join(s)}" if s else "")
    nodes["tooltip"] = _tooltip(nodes, reasons=partners["reasons"], count=count,
                                extra=("tier: " + nodes["tier"] + stands.map(
                                    lambda s: f"\n{s}" if s else "")))
    return nodes, handoffs


@plain_strings
def map_partners(partner_set, seed: int = 0, max_nodes: int | None = DISPLAY_BUDGET,
                 disclosure=None) -> NetworkMap:
    """An opportunity's map: candidates coloured by tier (inform faded), sized by in-scope
    activity, joined by in-scope patients handed off; switch to colour by type on the page.

    Examples
    --------
    >>> import netkit
    >>> ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty")
    >>> m = map_partners(ps)
    >>> m.colour_by, sorted(m.nodes.loc[m.nodes["tier"] == "core", "id"])
    ('tier', ['ACUTE', 'AMB', 'CARE', 'COMM', 'COUNCIL', 'ICB', 'PCN1'])
    """
    rules = disclosure_rules(disclosure if disclosure is not None else partner_set.disclosure)
    count = rules.count if rules.active else fmt_number
    nodes, handoffs = _partner_graph(partner_set, count)
    names = dict(zip(nodes["id"], nodes["name"]))
    edges = _handoff_edges(handoffs, names, count)
    opp = partner_set.opportunity
    counts = nodes["tier"].value_counts()
    subtitle = [f"{partner_set.system_name} · " + ", ".join(
        f"{counts.get(t, 0)} {t}" for t in TIER_COLOURS), partner_set.stop]
    return _finish(f"Partners for: {opp.title or opp.id}", nodes, edges, "tier", subtitle, [],
                   seed, max_nodes, "candidates", partner_set.provenance(), rules)


@plain_strings
def map_diff(diff, seed: int = 0, max_nodes: int | None = DISPLAY_BUDGET,
             changeset=None, disclosure=None) -> NetworkMap:
    """What a change did to an opportunity's partners: who joined or left the core, who moved
    tier. Organisations that left the scope stay on the map, marked; handoffs that only existed
    before are dashed.

    Parameters
    ----------
    diff : PartnerDiff
        With its ``before`` and ``after`` partner sets.
    changeset : Changeset, optional
        The changeset behind the diff, named in the provenance footer.
    """
    rules = disclosure_rules(disclosure if disclosure is not None else diff.after.disclosure)
    count = rules.count if rules.active else fmt_number
    after_nodes, after_handoffs = _partner_graph(diff.after, count)
    before_nodes, before_handoffs = _partner_graph(diff.before, count)
    gone = before_nodes[~before_nodes["id"].isin(after_nodes["id"])]
    nodes = pd.concat([after_nodes, gone.assign(tier="")], ignore_index=True)
    status = pd.Series("unchanged", index=nodes.index)
    status[nodes["tier"] == "core"] = "core"
    # an organisation that enters or leaves the scope (it joined or closed, say) is coloured
    # as joining or leaving, not as a move between tiers
    entered = [i["id"] for i in diff.moved if not i.get("before")]
    exited = [i["id"] for i in diff.moved if not i.get("after")]
    for kind, ids in (("moved", [i["id"] for i in diff.moved]), ("entered", entered),
                      ("exited", exited), ("joined", [i["id"] for i in diff.joined]),
                      ("left", [i["id"] for i in diff.left])):
        status[nodes["id"].isin(ids)] = kind
    nodes["status"] = status
    nodes["colour_change"] = status.map(CHANGE_COLOURS)
    nodes["colour_tier"] = nodes["tier"].map(TIER_COLOURS).fillna(FADED)
    kind_of = dict(zip(nodes["id"], status))
    why = {i["id"]: f"{CHANGE_LABELS[kind_of.get(i['id'], 'moved')].lower()}: "
                    f"{i.get('why', '')}" for i in diff.moved + diff.joined + diff.left}
    lines = nodes["tooltip"].str.split("\n", n=3)
    nodes["tooltip"] = [("\n".join(parts[:3] + [why[i]] + parts[3:]) if i in why else tip)
                        for i, parts, tip in zip(nodes["id"], lines, nodes["tooltip"])]
    names = dict(zip(nodes["id"], nodes["name"]))
    edges = _handoff_edges(after_handoffs, names, count)
    key = ["source", "target"]
    only_before = before_handoffs.merge(after_handoffs[key], on=key, how="left", indicator=True)
    only_before = only_before[only_before["_merge"] == "left_only"].drop(columns="_merge")
    old = _handoff_edges(only_before, names, count)
    old["dashed"] = True
    old["tooltip"] = old["tooltip"] + " (before the change, now ended)"
    edges = pd.concat([edges, old], ignore_index=True)
    # ended handoffs keep their old patients, drawn on the same width scale as the live ones
    edges["width"] = _widths(edges["patients"])
    subtitle = list(diff.summary) or ["no change to the partner set"]
    return _finish(f"What changed: {diff.title or diff.opportunity}", nodes, edges, "change",
                   subtitle, [], seed, max_nodes, "candidates", diff.before.provenance()
                   + (f" · changeset {changeset.source}" if changeset is not None else ""), rules)


def map_changes(system, result, opportunity: str | None = None, seed: int = 0,
                max_nodes: int | None = DISPLAY_BUDGET, **partner_options) -> NetworkMap:
    """Map a changeset's effect: on one opportunity's partners (`map_diff`), or, without an
    opportunity, on the whole system (`map_system` with ``changes``)."""
    if opportunity is None:
        return map_system(system, seed=seed, max_nodes=max_nodes, changes=result,
                          disclosure=partner_options.get("disclosure"))
    from netkit.partners.find import find_partners
    from netkit.tracking.diff import diff_partner_sets

    before = find_partners(system, opportunity, **partner_options)
    after = find_partners(result.system, opportunity, **partner_options)
    return map_diff(diff_partner_sets(before, after, result), seed=seed, max_nodes=max_nodes,
                    changeset=result.changeset)


@plain_strings
def visualise(system, opportunity: str | None = None, changes=None, services: bool = False,
              seed: int = 0, max_nodes: int | None = DISPLAY_BUDGET,
              **partner_options) -> NetworkMap:
    """The map people ask for, by what they give (``netkit visualise``).

    - nothing more: the whole system (`map_system`);
    - an ``opportunity``: its partners by tier (`map_partners`);
    - a changeset (``changes``, a `Changeset` or a path to one): what it did, to the opportunity's
      partners (`map_diff`) or to the system (`map_system` with ``changes``).

    ``partner_options`` go to `netkit.find_partners` (weights, coordination cost, ...).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> visualise(tiny, "frailty").colour_by
    'tier'
    """
    if services and opportunity is not None:
        from netkit.errors import OptionError

        raise OptionError("services are drawn on the whole-system map only; leave out "
                          "services=True or the opportunity")
    if changes is not None:
        from netkit.change.apply import apply_changes
        from netkit.change.changeset import Changeset, read_changeset

        changeset = changes if isinstance(changes, Changeset) else read_changeset(changes)
        result = apply_changes(system, changeset)
        if opportunity is None:
            return map_system(system, services=services, seed=seed, max_nodes=max_nodes,
                              changes=result, disclosure=partner_options.get("disclosure"))
        return map_changes(system, result, opportunity, seed=seed, max_nodes=max_nodes,
                           **partner_options)
    if opportunity is None:
        return map_system(system, services=services, seed=seed, max_nodes=max_nodes,
                          disclosure=partner_options.get("disclosure"))
    from netkit.partners.find import find_partners

    return map_partners(find_partners(system, opportunity, **partner_options), seed=seed,
                        max_nodes=max_nodes)
