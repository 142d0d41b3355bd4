"""SPC charts and Making Data Count's icons, drawn as SVG text (nothing fetched), and a chart
saved as SVG or PNG.

The colours are Making Data Count's: blue for improvement, orange for concern, purple for a
special cause that is neither, grey for common cause; the assurance icon is blue with P when the
target is consistently met, orange with F when it is consistently missed, grey with "?" when it
is hit and miss.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

from netkit.errors import OptionError
from netkit.render.palette import INK, LINE, NHS_GREEN, SPC_COLOURS

__all__ = ["chart_svg", "icons_svg", "variation_icon", "assurance_icon", "save_chart",
           "COLOURS"]

#: Making Data Count's colours (from `netkit.render.palette`).
COLOURS = SPC_COLOURS
_INK, _LINE, _PLAN = INK, LINE, NHS_GREEN


def variation_icon(signal: str, side: str = "", size: int = 44) -> str:
    """The variation icon: a circle in the signal's colour with H (high) or L (low) for a
    special cause.

    Examples
    --------
    >>> variation_icon("concern", "high").count("<circle")
    1
    """
    colour = COLOURS[signal]
    letter = {"high": "H", "low": "L"}.get(side, "") if signal != "common_cause" else "~"
    r = size / 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" role="img" aria-label="variation: {html.escape(signal)}">'
            f'<circle cx="{r}" cy="{r}" r="{r - 2}" fill="white" stroke="{colour}" '
            f'stroke-width="3"/><text x="{r}" y="{r + 6}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="18" font-weight="bold" fill="{colour}">'
            f'{letter}</text></svg>')


def assurance_icon(assurance: str | None, size: int = 44) -> str:
    """The assurance icon: P, F or ? in a circle (an empty grey circle without a target)."""
    colour = COLOURS[assurance]
    letter = {"pass": "P", "fail": "F", "hit_and_miss": "?"}.get(assurance, "")
    r = size / 2
    label = html.escape(str(assurance or "no target"))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" role="img" aria-label="assurance: {label}">'
            f'<circle cx="{r}" cy="{r}" r="{r - 2}" fill="{colour}"/>'
            f'<text x="{r}" y="{r + 6}" text-anchor="middle" font-family="sans-serif" '
            f'font-size="18" font-weight="bold" fill="white">{letter}</text></svg>')


def icons_svg(spc) -> str:
    """Both icons, side by side."""
    return (f'<div class="icons">{variation_icon(spc.signal, spc.side)} '
            f'{assurance_icon(spc.assurance)}</div>')


def _scale(values, low: float, high: float, top: float, bottom: float):
    span = (high - low) or 1.0
    return [bottom - (v - low) / span * (bottom - top) for v in values]


def chart_svg(measure, width: int = 640, height: int = 240) -> str:  # long: one drawing
    """The XmR chart of one measure: points coloured by signal, the mean, the process limits
    (dashed) and the planned trajectory (green, dotted), months along the bottom."""
    spc = measure.spc
    values = list(spc.values)
    planned = [] if measure.planned_series is None else list(measure.planned_series)
    finite = [v for v in values + planned + [spc.lower, spc.upper] if math.isfinite(v)]
    low, high = min(finite), max(finite)
    pad = (high - low) * 0.08 or 1.0
    low, high = low - pad, high + pad
    left, right, top, bottom = 56, width - 12, 14, height - 30
    n = len(values)
    xs = [left + (right - left) * (i / max(n - 1, 1)) for i in range(n)]
    ys = _scale(values, low, high, top, bottom)

    def hline(v, colour, dash=""):
        y = _scale([v], low, high, top, bottom)[0]
        return (f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" '
                f'stroke-width="1.2"{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{html.escape(measure.label)}: XmR chart">',
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
             hline(spc.mean, _INK), hline(spc.upper, _LINE, "5 4"), hline(spc.lower, _LINE, "5 4")]
    if planned:
        py = _scale(planned, low, high, top, bottom)
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, py))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{_PLAN}" stroke-width="2" '
                     'stroke-dasharray="2 3"/>')
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    parts.append(f'<polyline points="{path}" fill="none" stroke="{_LINE}" stroke-width="1"/>')
    for x, y, signal in zip(xs, ys, spc.signals):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{COLOURS[signal]}"/>')
    for v in (spc.upper, spc.mean, spc.lower):
        y = _scale([v], low, high, top, bottom)[0]
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" '
                     f'font-family="sans-serif" fill="{_INK}">{_tick(v, measure.unit)}</text>')
    step = max(1, n // 8)
    for i in range(0, n, step):
        parts.append(f'<text x="{xs[i]:.1f}" y="{height - 10}" text-anchor="middle" '
                     f'font-size="10" font-family="sans-serif" fill="{_INK}">'
                     f'{html.escape(str(spc.periods[i]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _tick(value: float, unit: str) -> str:
    return f"{value:.0%}" if unit == "share" else f"{value:,.3g}"


def save_chart(measure, path) -> Path:
    """One measure's chart as SVG (the drawing above) or PNG (the same chart drawn by
    matplotlib), by the file's ending; written whole."""
    from netkit._files import write_atomic

    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind == "svg":
        write_atomic(path, chart_svg(measure).encode("utf-8"))
        return path
    if kind != "png":
        raise OptionError(f"cannot save a chart as {path.name!r}: the file must end in .png or "
                          ".svg")
    import io

    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    spc = measure.spc
    fig = Figure(figsize=(8, 3), dpi=100)
    ax = fig.add_subplot()
    x = range(len(spc.values))
    ax.plot(x, spc.values, color=_LINE, linewidth=1)
    ax.scatter(x, spc.values, c=[COLOURS[s] for s in spc.signals], s=14, zorder=3)
    for v, style in ((spc.mean, "-"), (spc.upper, "--"), (spc.lower, "--")):
        ax.axhline(v, color=_INK if style == "-" else _LINE, linestyle=style, linewidth=1)
    if measure.planned_series is not None:
        ax.plot(x, list(measure.planned_series), color=_PLAN, linestyle=":", linewidth=2)
    step = max(1, len(spc.periods) // 8)
    ax.set_xticks(list(x)[::step], [str(p) for p in spc.periods][::step], fontsize=7)
    ax.set_title(measure.label, fontsize=10, loc="left")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    write_atomic(path, buffer.getvalue())
    return path
