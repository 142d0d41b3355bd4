"""Colours only in the palette: no hex colour and no named colour is written in netkit's Python
outside ``netkit/render/palette.py``, so a change of colour is made in one place and every page
and picture follows. (netkit's own map script and style sheet, in ``netkit/assets``, keep their
CSS.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import netkit.viz.palette
from netkit.render import palette
from netkit.render.formats import BASE_STYLE

ROOT = Path(__file__).resolve().parent.parent
PALETTE = ROOT / "netkit" / "render" / "palette.py"
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
#: keyword arguments that take a colour (matplotlib's spellings, and ours)
COLOUR_ARGUMENTS = {"color", "colour", "colors", "colours", "edgecolor", "edgecolors", "facecolor",
                    "facecolors", "markerfacecolor", "markeredgecolor", "mfc", "mec"}


def colours_in(path: Path) -> list[str]:
    """Hex colours in the file's strings (docstrings and f-strings too), and named colours
    given to a colour argument (``color="red"``; ``"none"`` is not a colour)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"line {node.lineno}: {m}" for m in HEX.findall(node.value)]
        elif (isinstance(node, ast.keyword) and node.arg in COLOUR_ARGUMENTS
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
              and node.value.value.lower() != "none"
              and not node.value.value.startswith("#")):  # a hex one is found above
            found.append(f"line {node.value.lineno}: {node.arg}={node.value.value!r}")
    return found


def python_files() -> list[Path]:
    files = list((ROOT / "netkit").rglob("*.py")) + list((ROOT / "cli").rglob("*.py"))
    return sorted(p for p in files if "__pycache__" not in p.parts and p != PALETTE)


def test_no_colour_is_written_outside_the_palette():
    outside = {str(p.relative_to(ROOT)): found for p in python_files() if (found := colours_in(p))}
    assert outside == {}, ("colours belong in netkit/render/palette.py; found elsewhere: "
                           f"{outside}")


def test_the_check_finds_a_hex_colour_and_a_named_one(tmp_path):
    # a check of the check
    path = tmp_path / "m.py"
    path.write_text('STYLE = f"h1{{color:#005eb8}}"\nax.plot(x, y, color="red", mfc="none")\n',
                    encoding="utf-8")
    assert colours_in(path) == ["line 1: #005eb8", "line 2: color='red'"]


def test_the_palette_holds_colours_as_hash_rrggbb():
    values = [v for name in palette.__all__ for v in _colours(getattr(palette, name))]
    assert len(values) > 30
    assert all(re.fullmatch(r"#[0-9A-F]{6}", v) for v in values), values


def _colours(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("#") else []
    if isinstance(value, dict):
        return [c for v in value.values() for c in _colours(v)]
    if isinstance(value, palette.Family):
        return [value.colour]
    return []


@pytest.mark.parametrize("colour", [palette.INK, palette.NHS_BLUE, palette.RULE, palette.PANEL,
                                    palette.INK_MUTED])
def test_report_pages_take_their_colours_from_the_palette(colour):
    assert colour.lower() in BASE_STYLE


def test_the_old_address_gives_the_same_palette():
    assert netkit.viz.palette.TIER_COLOURS is palette.TIER_COLOURS
    assert netkit.viz.palette.fade is palette.fade
