"""The house keeps its design: no import circles, and no import from a lower layer to a higher one.

The layer order is written once, in docs/architecture.md (the fenced ``layers`` block); this test
reads it from there, so the document and the code cannot drift apart. Every import counts: at the
top of a module and inside functions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "netkit"
CLI = ROOT / "cli"


def layers() -> list[list[str]]:
    """Each layer a list of module prefixes, lowest first, from docs/architecture.md."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no ```layers block"
    out = []
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line.split(":", 1)[1].split() if ":" in line else line.split())
    return out


def module_name(path: Path) -> str:
    if path.is_relative_to(CLI):
        parts = ["netkit", "cli", *path.relative_to(CLI).with_suffix("").parts]
    else:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    files = list(PACKAGE.rglob("*.py")) + list(CLI.rglob("*.py"))
    return {module_name(p): p for p in files if "__pycache__" not in p.parts}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The netkit modules a module imports, anywhere in it (top level or in a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    # imports under ``if TYPE_CHECKING:`` are for annotations only and never run: not edges
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", getattr(block.test, "attr", "")) == "TYPE_CHECKING"
                   for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # ``from package import module`` names the module; ``from module import name``
            # names the module
            targets = [f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in known else stem
                       for alias in node.names]
        for target in targets:
            # the longest known module the target names (a name imported from a module counts
            # as the module)
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def layer_of(name: str, order: list[list[str]]) -> int:
    best, best_len = None, -1
    for index, prefixes in enumerate(order):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    assert best is not None, f"{name} is in no layer of docs/architecture.md"
    return best


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    found = modules()
    known = set(found)
    g = nx.DiGraph()
    for name, path in found.items():
        g.add_node(name)
        for target in imports_of(name, path, known):
            # importing a package's submodule runs the package's __init__ first; that edge is
            # Python's, not the code's, so only the named module counts
            g.add_edge(name, target)
    return g


def test_every_module_has_a_layer(graph):
    order = layers()
    for name in graph:
        layer_of(name, order)


def test_no_import_circles(graph):
    circles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert circles == [], f"import circles: {circles}"


def test_no_upward_imports(graph):
    order = layers()
    upward = sorted(f"{a} (layer {layer_of(a, order)}) imports {b} (layer {layer_of(b, order)})"
                    for a, b in graph.edges if layer_of(a, order) < layer_of(b, order))
    assert upward == [], "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_the_walker_sees_function_local_imports(tmp_path):
    # a check of the check: an import inside a function is an edge
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from netkit.viz import maps\n", encoding="utf-8")
    assert imports_of("netkit.model.m", path, {"netkit.viz.maps", "netkit.viz"}) == {
        "netkit.viz.maps"}
