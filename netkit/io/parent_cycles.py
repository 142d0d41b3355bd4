"""Organisations whose chain of parents comes back to them (``organisations.parent``): an error,
as one of them must have no parent. `netkit.io.validation` runs it."""

from __future__ import annotations

import pandas as pd

from netkit.errors import Problem

__all__ = ["check_parent_cycles"]


def check_parent_cycles(orgs: pd.DataFrame, parent: pd.Series, has_parent: pd.Series,
                        c) -> None:
    """Add an error (to ``c``, a `netkit.io.validation` checker) at each organisation whose
    chain of parents comes back to it, naming the chain."""
    links = orgs.loc[has_parent & (parent != orgs["id"]), ["id"]].assign(parent=parent[has_parent])
    edges = list(zip(links["id"].tolist(), links["parent"].tolist()))
    parent_of = dict(edges)
    in_cycle = (_cycles_of_parents(parent_of) if len(parent_of) == len(edges)
                else _cycles_in_graph(edges))
    if in_cycle:
        mask = orgs["id"].isin(in_cycle) & has_parent
        for row, org in zip(c.rows[mask], orgs["id"][mask]):
            path = " → ".join(_cycle_path(org, parent_of))
            c.problems.append(Problem(c.label, int(row), "parent", parent_of[org],
                                      f"makes a cycle of parents ({path}); one of them must "
                                      "have no parent"))


def _cycles_of_parents(parent_of: dict) -> dict[str, list[str]]:
    """Each organisation in a cycle of parents → the cycle's members, sorted, where each has
    one parent (``parent_of``): each chain of parents is walked once, and a chain that comes
    back to itself is a cycle (what the strongly connected components of more than one
    organisation are, for such a graph).

    Examples
    --------
    >>> _cycles_of_parents({"A": "B", "B": "C", "C": "A", "D": "A", "E": "F"})["B"]
    ['A', 'B', 'C']
    """
    walked: dict = {}  # organisation → the walk that reached it first
    in_cycle: dict[str, list[str]] = {}
    for start in parent_of:
        node, path = start, []
        while node in parent_of and node not in walked:
            walked[node] = start
            path.append(node)
            node = parent_of[node]
        if walked.get(node) == start and node in parent_of:  # back on this walk: a cycle
            members = sorted(path[path.index(node):])
            for member in members:
                in_cycle[member] = members
    return in_cycle


def _cycles_in_graph(edges: list) -> dict[str, list[str]]:
    """`_cycles_of_parents` where an id has two rows with parents (a duplicate id, an error
    of its own): the strongly connected components of the graph of parents."""
    import networkx as nx  # only here: a rare case

    in_cycle: dict[str, list[str]] = {}
    for component in nx.strongly_connected_components(nx.DiGraph(edges)):
        if len(component) > 1:
            members = sorted(component)
            for member in members:
                in_cycle[member] = members
    return in_cycle


def _cycle_path(start: str, parent_of: dict) -> list[str]:
    path, node = [start], parent_of[start]
    while node != start and node not in path:
        path.append(node)
        node = parent_of[node]
    return path + [node]
