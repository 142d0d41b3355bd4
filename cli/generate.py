"""The generate command: realistic synthetic systems at ICS, region or national scale."""

from __future__ import annotations

from pathlib import Path

import click
from netkit.cli.app import cli

from .options import TargetPath, check_outputs, occupied, progress_option


@cli.command()
@click.option("--scale", type=click.Choice(["ics", "region", "national"]), default="ics",
              show_default=True,
              help="One integrated care system (about 1,500 organisations), one NHS region "
                   "(about 9,000) or all of England (about 51,000 organisations, 930,000 "
                   "flows).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for every random draw: the same options give the same files.")
@click.option("--area", metavar="CODE",
              help="The ICB code for --scale ics (e.g. QKK) or the region code or name for "
                   "--scale region (e.g. Y56 or London); default: the seed picks one.")
@click.option("--output", "-o", type=TargetPath(path_type=Path), required=True,
              metavar="DIR", help="The system folder to write (missing parent folders are "
                                  "made).")
@click.option("--force", is_flag=True,
              help="Replace netkit's own files in an existing system folder; other files in it "
                   "are left alone (system.yaml is rewritten, so comments in it are lost).")
@progress_option("generate")
def generate(scale, seed, area, output, force):
    """Write a realistic synthetic system to the format contract, shaped like England's
    integrated care systems: GP practices, PCNs, places and trusts per ICB as counted in NHS
    organisation data (OGL v3.0); care homes, home care, pharmacies, hospices and voluntary
    bodies at national rates; heavy-tailed patient flows in six pathways; opportunities scoped
    to an ICS, a region and the nation. Names, codes and volumes are synthetic.

    \b
    Examples:
      netkit generate --scale ics --area QKK -o sel
      netkit generate --scale region --area London --seed 3 -o london
      netkit generate --scale national -o england
      netkit partners england -O national-frailty-admissions
    """
    import netkit.io.generator as generator

    check_outputs(force=True)  # everything but "it exists", which has its own message here
    if occupied(output) and not force:
        raise click.ClickException(f"{output} already exists; choose another --output or add "
                                   "--force to replace it")
    made = generator.generate_system(output, scale, seed=seed, area=area, overwrite=force)
    click.echo(made.to_text())
