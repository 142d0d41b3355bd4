"""The notebooks: stored without outputs, prose-led, public API only, no helpers defined in them.
They are executed from a clean kernel by nbmake (``pytest --nbmake notebooks``, part of the
README's test command)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import netkit

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def cells(path, kind):
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == kind]


def test_the_notebooks_are_there_and_numbered():
    assert [p.name[:3] for p in NOTEBOOKS] == ["01-", "02-", "03-", "04-", "05-", "06-", "07-", "08-"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    for cell in cells(path, "code"):
        assert cell["outputs"] == [] and cell["execution_count"] is None, (
            f"{path.name} has outputs committed: clear them (Kernel → Restart and clear outputs, "
            "or jupyter nbconvert --clear-output --inplace)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_led_public_api_and_no_helpers(path):
    code = cells(path, "code")
    prose = cells(path, "markdown")
    assert len(prose) >= len(code) / 2, "a notebook should read as an analysis, not a script"
    for cell in code:
        tree = ast.parse("".join(cell["source"]))
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                         ast.Lambda)), \
                f"{path.name}: a helper defined in a notebook belongs in netkit/ with a test"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "netkit":
                assert node.attr in netkit.__all__, f"{path.name}: netkit.{node.attr} is not " \
                                                    "public"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert not (module or "").startswith("netkit."), \
                    f"{path.name}: import from netkit itself, not its modules"
