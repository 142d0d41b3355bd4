"""A `NetworkMap` as HTML: one self-contained file, safe to email and open offline.

- vis-network (from the copy pyvis ships; Apache-2.0 or MIT) and netkit's own script and styles
  are inlined; no Bootstrap, no CDN, no ``lib/`` folder, nothing written beside the file.
- A Content-Security-Policy allows only those inline scripts (by hash) and inline styles, and
  forbids every remote load and connection.
- Names reach the page only as escaped text or as JSON data (with ``<``, ``>`` and ``&``
  escaped); vis-network draws labels on a canvas and sets tooltips as text.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib import resources

from netkit.errors import NetkitError
from netkit.render.palette import SHAPES

__all__ = ["map_page", "map_section", "map_iframe", "map_scripts", "map_style", "json_for_html",
           "VIS_NETWORK_VERSION"]

VIS_NETWORK_VERSION = "9.1.2"


def json_for_html(data) -> str:
    """JSON that is safe inside a ``<script type="application/json">`` element.

    Examples
    --------
    >>> json_for_html({"name": "Smith & Sons <Care> Ltd"})
    '{"name":"Smith \\\\u0026 Sons \\\\u003cCare\\\\u003e Ltd"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


@lru_cache(maxsize=1)
def _vis_network() -> str:
    try:
        text = (resources.files("pyvis") / "lib" / f"vis-{VIS_NETWORK_VERSION}" /
                "vis-network.min.js").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - packaging
        raise NetkitError(f"vis-network {VIS_NETWORK_VERSION} was not found in the pyvis package "
                          "(netkit needs pyvis 0.3.2); reinstall netkit") from exc
    # The source-map comment would make developer tools request a file that is not there.
    # (split on "\n" only: the minified code holds other line-breaking characters in strings)
    return "\n".join(line for line in text.split("\n")
                     if not line.startswith("//# sourceMappingURL"))


def _asset(name: str) -> str:
    return (resources.files("netkit") / "assets" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def map_scripts() -> tuple[str, str]:
    """The two inline scripts a page with maps needs: vis-network, then netkit's."""
    return (_vis_network(), _asset("netkit-map.js"))


@lru_cache(maxsize=1)
def map_style() -> str:
    """The map's CSS (tooltip, controls, legend)."""
    return _asset("netkit-map.css")


def _swatch(colour: str, shape: str = "dot") -> str:
    radius = "50%" if shape == "dot" else "0"
    return (f'<span class="nk-swatch" style="background:{html.escape(colour)};'
            f'border-radius:{radius}" aria-hidden="true"></span>')


def map_section(network_map, heading: str = "h1") -> str:
    """The map as an HTML fragment (controls, canvas, legend, data); needs `map_scripts` and
    `map_style` on the page."""
    from netkit.render.palette import FAMILIES, SCHEME_TITLES, TIER_COLOURS, TIER_LABELS

    e = html.escape
    m = network_map
    nodes = m.nodes
    parts = ['<section class="netkit-map" data-physics="off" '
             f'data-nodes="{len(nodes)}" data-edges="{len(m.edges)}">']
    if heading:
        parts.append(f"<{heading}>{e(m.title)}</{heading}>")
    parts += [f'<p class="muted">{e(line)}</p>' for line in m.subtitle if line]
    schemes = m.schemes
    options = "".join(f'<option value="{s}">{e(SCHEME_TITLES[s])}</option>' for s in schemes)
    parts.append(
        '<div class="nk-controls">'
        '<label>Find <input type="search" class="nk-search" placeholder="name or id" '
        'aria-label="Find an organisation by name or id"></label>'
        '<span class="nk-found" role="status"></span>'
        + (f'<label>Colour by <select class="nk-scheme">{options}</select></label>'
           if len(schemes) > 1 else "")
        + '<button type="button" class="nk-fit">Fit to view</button>'
        '<button type="button" class="nk-relax" title="Run the physics until the layout '
        'settles, then stop">Relax layout</button></div>')
    side = []
    present = set(nodes["family"].unique().tolist())  # once, not once per family
    families = [k for k in FAMILIES if k in present]
    if len(families) > 1:
        side.append('<fieldset class="nk-filter-set"><legend>Show types</legend>' + "".join(
            f'<label><input type="checkbox" class="nk-filter-box" data-field="family" '
            f'value="{k}" checked> {_swatch(FAMILIES[k].colour)}{e(FAMILIES[k].label)}</label>'
            for k in families) + "</fieldset>")
    present = set(nodes["tier"].unique().tolist())
    tiers = [t for t in TIER_COLOURS if t in present]
    if tiers:
        side.append('<fieldset class="nk-filter-set"><legend>Show tiers</legend>' + "".join(
            f'<label><input type="checkbox" class="nk-filter-box" data-field="tier" '
            f'value="{t}" checked> {e(TIER_LABELS[t])}</label>' for t in tiers) + "</fieldset>")
    for s in schemes:
        items = "".join(f"<li>{_swatch(colour, shape)}{e(label)}</li>"
                        for label, colour, shape in m.legend(s))
        side.append(f'<div class="nk-legend" data-scheme="{s}"><strong>{e(SCHEME_TITLES[s])}'
                    f"</strong><ul>{items}</ul></div>")
    side.append('<p class="muted">Node size: patient contacts a year. Line width: patients '
                'handed on a year. Shapes: ' + e(", ".join(
                    f"{FAMILIES[k].label.lower()} {_shape_word(FAMILIES[k].shape)}"
                    for k in families)) + ".</p>")
    parts.append('<div class="nk-body"><div class="nk-canvas" role="img" aria-label="'
                 f'{e(m.title)}: network map"></div><aside class="nk-side">'
                 + "".join(side) + "</aside></div>")
    parts.append('<p class="nk-status" role="status">Drawing the map… (it needs JavaScript)</p>')
    parts += [f'<p class="muted">Note: {e(note)}</p>' for note in m.notes]
    parts.append(f'<script type="application/json" class="nk-data">'
                 f"{json_for_html(m.page_data())}</script></section>")
    return "\n".join(parts)


def _shape_word(shape: str) -> str:
    return {"D": "◆", "s": "■", "^": "▲", "v": "▼", "o": "●", "h": "⬢", "*": "★"}[SHAPES[shape]]


def map_page(network_map) -> str:
    """A whole HTML page with one map, and its provenance footer."""
    from netkit.render.formats import html_page

    body = map_section(network_map)
    if network_map.provenance:
        body += f"\n<footer>{html.escape(network_map.provenance)}</footer>"
    return html_page(network_map.title, body, style=map_style(), scripts=map_scripts(),
                     wide=True)


def map_iframe(network_map, height: int = 720) -> str:
    """The page in a sandboxed ``<iframe srcdoc>``: how a notebook shows a map inline
    (JupyterLab, classic Jupyter and VS Code notebooks run its scripts; nothing leaks into the
    notebook's own page)."""
    page = map_page(network_map)
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
            f'title="{html.escape(network_map.title)}" '
            f'style="width:100%;height:{height}px;border:0"></iframe>')
