"""Commands about opportunities and their partners: opportunities, partners."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .commands import _load
from .options import (check_outputs, emit, output_options, partner_options, partner_settings,
                      saving_to, system_path)


@cli.command()
@system_path
@output_options(formats=("text", "markdown", "json"))
def opportunities(path, fmt, output):
    """List the opportunities of a system.

    \b
    Example:
      netkit opportunities sample_networks/riverside
    """
    import netkit

    check_outputs()
    emit(netkit.list_opportunities(_load(path)), fmt, output)


@cli.command()
@system_path
@click.option("--opportunity", "-O", "opportunity_id", metavar="ID",
              help="The opportunity to analyse (see 'netkit opportunities').")
@click.option("--all", "all_", is_flag=True, help="Analyse every opportunity of the system.")
@output_options(formats=("text", "markdown", "json", "csv", "html"))
@partner_options
@click.option("--stability", type=click.IntRange(min=0), default=0, metavar="N",
              help="Re-run N times with weights perturbed ±50%; report how often each is core.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for the stability perturbations.")
@click.option("--curve", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Also save the benefit/cost curve as a PNG or SVG picture.")
def partners(path, opportunity_id, all_, fmt, output, stability, seed, curve, **settings):
    """Find the partners for an opportunity: who, in which role, why, and when one more
    stops paying.

    \b
    Examples:
      netkit partners sample_networks/riverside --opportunity frailty-admissions
      netkit partners sample_networks/riverside -O frailty-admissions --format markdown
      netkit partners sample_networks/riverside -O stroke-early-discharge --stability 200
      netkit partners sample_networks/riverside --all --format json -o partners.json
      netkit partners sample_networks/riverside -O frailty-admissions --weights brokerage=0 \\
          --represent none --curve curve.png
    """
    import netkit

    if bool(opportunity_id) == all_:
        raise click.UsageError("give --opportunity ID or --all (see 'netkit opportunities PATH')")
    if curve is not None and all_:
        raise click.UsageError("--curve draws one opportunity's curve; use it with --opportunity")
    check_outputs()
    options = dict(partner_settings(settings), stability=stability, seed=seed)
    system = _load(path)
    if all_:
        result = netkit.find_all_partners(system, **options)
    else:
        result = netkit.find_partners(system, opportunity_id, **options)
    if curve is not None:
        with saving_to(curve):
            result.save_curve(curve)
    emit(result, fmt, output)
