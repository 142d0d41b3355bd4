"""The facade that joins results and pictures.

Results (a `System`, a `PartnerSet`, a `PartnerDiff`) live below the pictures and never import
them; they ask `netkit._views` for a picture by name. This module, above both, registers the
functions that draw each one; ``import netkit`` loads it, so ``ps.visualise()`` works wherever a
result is used. Each function imports its picture module only when called, so ``import netkit``
stays quick.
"""

from __future__ import annotations

from netkit._views import register

__all__ = ["system_map", "partner_map", "diff_map", "curve_svg", "plot_curve", "save_curve",
           "map_section", "map_assets"]


@register("system_map")
def system_map(system, **options):
    """`netkit.viz.maps.map_system`: the whole system as a network map."""
    from netkit.viz.maps import map_system

    return map_system(system, **options)


@register("partner_map")
def partner_map(partner_set, **options):
    """`netkit.viz.maps.map_partners`: an opportunity's partners by tier."""
    from netkit.viz.maps import map_partners

    return map_partners(partner_set, **options)


@register("diff_map")
def diff_map(diff, **options):
    """`netkit.viz.maps.map_diff`: what a change did to a partner set."""
    from netkit.viz.maps import map_diff

    return map_diff(diff, **options)


@register("curve_svg")
def curve_svg(curve, **options) -> str:
    """`netkit.viz.curve.curve_svg`: the benefit/cost curve as inline SVG."""
    from netkit.viz import curve as _curve

    return _curve.curve_svg(curve, **options)


@register("plot_curve")
def plot_curve(curve, **options):
    """`netkit.viz.curve.plot_curve`: the benefit/cost curve as a matplotlib figure."""
    from netkit.viz import curve as _curve

    return _curve.plot_curve(curve, **options)


@register("save_curve")
def save_curve(curve, path, **options):
    """`netkit.viz.curve.save_curve`: the benefit/cost curve saved as PNG or SVG."""
    from netkit.viz import curve as _curve

    return _curve.save_curve(curve, path, **options)


@register("map_section")
def map_section(network_map, **options) -> str:
    """`netkit.viz.page.map_section`: a map as a section of an HTML report."""
    from netkit.viz import page

    return page.map_section(network_map, **options)


@register("map_assets")
def map_assets() -> dict:
    """The scripts and styles an HTML report needs for the maps in it."""
    from netkit.viz import page

    return {"scripts": page.map_scripts(), "style": page.map_style()}
