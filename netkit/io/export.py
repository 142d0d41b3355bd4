"""Export a system's network for Gephi, Cytoscape, yEd and similar tools."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pandas as pd

from netkit._files import write_atomic
from netkit.errors import NetkitError
from netkit.model.disclosure import SUPPRESSED, disclosure_rules
from netkit.model.system import System

__all__ = ["export_network", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("graphml", "gexf", "json")


def export_network(system: System, path: str | Path, to: str | None = None,
                   disclosure=None) -> Path:
    """Write `System.graph` (organisations, services, flows, relationships) to a file.

    Parameters
    ----------
    system : System
    path : str or Path
        The file to write; written whole or not at all, with the usual file mode (0644
        under the usual umask). Missing parent folders are made.
    to : {"graphml", "gexf", "json"}, optional
        The format; by default taken from the file's ending. ``json`` is networkx's node-link
        form (``{"nodes": [...], "edges": [...]}``).
    disclosure : str or DisclosureRules, optional
        Rules for the patients on flow edges: rounded; a suppressed flow keeps its edge, with
        no ``patients`` and ``suppressed="*"``.

    Examples
    --------
    >>> import netkit, tempfile, pathlib
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> out = netkit.export_network(system, pathlib.Path(tempfile.mkdtemp()) / "tiny.graphml")
    >>> import networkx as nx
    >>> nx.read_graphml(out).nodes["ACUTE"]["kind"]
    'organisation'
    """
    path = Path(path)
    to = (to or path.suffix.lstrip(".")).lower()
    if to not in EXPORT_FORMATS:
        raise NetkitError(f"cannot export to {to!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    rules = disclosure_rules(disclosure)
    if rules.active:
        flows = system.flows
        hidden = rules.suppressed(flows["patients"]).to_numpy()
        released = flows.assign(patients=rules.values(flows["patients"]).to_numpy(),
                                suppressed=pd.Series(hidden, index=flows.index).map(
                                    {True: SUPPRESSED, False: None}))
        system = System({**system.tables(), "flows": released}, system.meta,
                        list(system.opportunities.values()), given_columns=system.given_columns)
    G = system.graph()
    buffer = io.BytesIO()
    if to == "graphml":
        nx.write_graphml(G, buffer, named_key_ids=True)
    elif to == "gexf":
        nx.write_gexf(G, buffer)
    else:
        data = nx.node_link_data(G, edges="edges")
        buffer.write((json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
                     .encode("utf-8"))
    write_atomic(path, buffer.getvalue())  # whole or not at all, mode 0644 as other outputs
    return path
