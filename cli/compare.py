"""Commands for comparing systems: compare, roles."""

from __future__ import annotations

from pathlib import Path

import click
from netkit.cli.app import cli

from .commands import _load
from .options import check_outputs, emit, output_options, progress_option

system_paths = click.Path(exists=True, path_type=Path)


@cli.command()
@click.argument("source", type=system_paths)
@click.argument("target", type=system_paths)
@click.option("--opportunity", "-O", "opportunity_id", metavar="ID", required=True,
              help="The opportunity, as defined in SOURCE; scoped in TARGET by the same "
                   "pathway tags.")
@click.option("--reference", multiple=True, type=system_paths, metavar="PATH",
              help="Systems whose spread sets the scale (repeat; default: the bundled samples "
                   "riverside, shire and metro).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for the role clustering.")
@output_options(formats=("text", "markdown", "json", "csv", "html", "xlsx"))
@progress_option("compare")
def compare(source, target, opportunity_id, reference, seed, fmt, output):
    """Will it transfer? Compare the system where an idea worked with one that wants to copy
    it: the differences that matter for the opportunity, the risks in plain words, and who in
    the target plays each partner's role.

    \b
    Examples:
      netkit compare sample_networks/riverside sample_networks/metro -O frailty-admissions
      netkit compare sample_networks/riverside sample_networks/shire -O frailty-admissions \\
          --format html -o transfer.html
    """
    import netkit

    check_outputs()
    references = [_load(p) for p in reference] or None
    emit(netkit.compare(_load(source), _load(target), opportunity_id, reference=references,
                        seed=seed), fmt, output)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=system_paths, metavar="PATH...")
@click.option("--opportunity", "-O", "opportunity_id", metavar="ID",
              help="Learn roles in this opportunity's scope (defined in the first system); "
                   "default: every pathway.")
@click.option("--roles", "n_roles", type=click.IntRange(min=2), default=None, metavar="K",
              help="The number of roles (default: chosen by silhouette, 2 to 8).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for k-means.")
@output_options(formats=("text", "markdown", "json", "csv", "xlsx"))
@progress_option("roles")
def roles(paths, opportunity_id, n_roles, seed, fmt, output):
    """Group organisations across systems into structural roles (hub provider, broker,
    commissioner, peripheral, ...) by their network position and share of the work.

    \b
    Examples:
      netkit roles sample_networks/riverside sample_networks/shire sample_networks/metro
      netkit roles sample_networks/riverside sample_networks/metro -O frailty-admissions -f csv
    """
    import netkit

    check_outputs()
    emit(netkit.fit_roles([_load(p) for p in paths], opportunity_id, n_roles=n_roles,
                          seed=seed), fmt, output)
