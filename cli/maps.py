"""Command for network maps: visualise."""

from __future__ import annotations

from pathlib import Path

import click
from netkit.cli.app import cli

from .commands import _load
from .options import (
    check_outputs,
    choose_format,
    not_an_opportunity,
    partner_options,
    partner_settings,
    picture_option,
    saving_to,
    system_path,
    write_text,
)


@cli.command()
@system_path
@click.option("--opportunity", "-O", "opportunity_id", metavar="ID",
              help="Map this opportunity's partners, coloured by tier (default: the whole "
                   "system). -O is a capital O; -o is the output file.")
@click.option("--changes", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="CHANGESET", help="Map what a changeset does: to the opportunity's "
                                        "partners (who joins, who leaves), or to the system.")
@click.option("--services", is_flag=True,
              help="Also draw services and the flows between them (whole-system map).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Where to write the map: FILE.html for the interactive page, "
                                   "FILE.png or FILE.svg for a picture alone (default: the page "
                                   "to standard output, unless --picture is given).")
@picture_option("Also save the same layout as a PNG or SVG picture (by the file's ending); "
                "without --output, only the picture is written.", aliases=("--png",))
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the layout.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=2000, show_default=True,
              metavar="N", help="Display budget: draw the N nodes with most activity.")
@partner_options
def visualise(path, opportunity_id, changes, services, output, picture, seed, max_nodes,
              **settings):
    """Draw an interactive network map as one self-contained HTML file.

    The page opens offline and makes no request to any other host, so it can be emailed. Nodes
    are sized by patient contacts a year and joined by patients handed on; hover for reasons,
    filter by type and tier, search by name.

    \b
    Examples:
      netkit visualise sample_networks/riverside -o riverside.html
      netkit visualise sample_networks/riverside -O frailty-admissions -o frailty.html \\
          --picture frailty.png
      netkit visualise sample_networks/riverside -O frailty-admissions -o frailty.svg
      netkit visualise sample_networks/riverside -O frailty-admissions \\
          --changes sample_networks/riverside/changesets/2026-10-virtual-ward.yaml -o diff.html
    """
    import netkit

    fmt = choose_format(None, output, ("html",), "html", pictures=True)
    check_outputs()
    pictures = [p for p in (picture, output if fmt == "picture" else None) if p is not None]
    system = _load(path)
    not_an_opportunity(system, output, opportunity_id)
    network_map = netkit.visualise(system, opportunity_id, changes=changes, services=services,
                                   seed=seed, max_nodes=max_nodes, **partner_settings(settings))
    page = network_map.to_html() if fmt == "html" and (output or not pictures) else None
    for file in pictures:
        with saving_to(file):
            network_map.save_picture(file)
    if page is not None:
        write_text(page, output)
