"""The diagnose command: find and size the opportunities worth collaborating on."""

from __future__ import annotations

from pathlib import Path

import click
from netkit.cli.app import cli

from .commands import _load
from .options import (
    check_outputs,
    disclosure_option,
    emit,
    output_options,
    progress_option,
    system_path,
    write_text,
)

#: How long a diagnosis runs before it says on standard error what it is doing.


@cli.command()
@system_path
@output_options(formats=("text", "markdown", "json", "csv", "html"))
@click.option("--reference", "references", multiple=True, metavar="PATH",
              type=click.Path(exists=True, path_type=Path),
              help="A reference system (repeat for a set): its pooled rate, or its best "
                   "quartile, is the benchmark for pathways with the same id.")
@click.option("--benchmark", type=click.Choice(["system", "best_quartile"]), default="system",
              show_default=True,
              help="Compare each place with the system's (or reference set's) pooled rate, or "
                   "with the best quarter of places.")
@click.option("--level", type=click.Choice(["95", "99.8"]), default="99.8", show_default=True,
              help="The control limit (%) a place must be above to be a candidate.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, metavar="N",
              help="Text, Markdown and HTML show the first N candidates (0: all); JSON and CSV "
                   "are always whole.")
@click.option("--write-drafts", "drafts", metavar="FILE.yaml",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Also write each candidate's draft opportunity, in opportunities.yaml's "
                   "shape, to edit and give to 'netkit partners'.")
@click.option("--plots", "plots", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Also save each funnel plot with a candidate in this folder (PNG; "
                   "--plot-format svg for SVG).")
@click.option("--plot-format", type=click.Choice(["png", "svg"]), default="png",
              show_default=True, help="The format of the --plots pictures.")
@click.option("--overdispersion", type=click.Choice(["auto", "on", "off"]), default="auto",
              show_default=True,
              help="Widen the limits for variation between places beyond chance (Spiegelhalter "
                   "2005): auto where a funnel has 5 places or more, on wherever it shows, off.")
@disclosure_option
@progress_option("diagnose")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for finding the natural collaboratives.")
def diagnose(path, fmt, output, references, benchmark, level, top, drafts, plots, plot_format,
             disclosure, seed, overdispersion):
    """Find and size the opportunities in a system: rates per head by place against a
    benchmark on funnel plots (Poisson limits at 95% and 99.8%), the candidates above the
    limit with their excess, value and the organisations carrying it, a draft opportunity for
    each, deprivation gaps and natural collaboratives.

    \b
    Examples:
      netkit diagnose sample_networks/shire
      netkit diagnose sample_networks/shire -o diagnosis.html --plots funnels
      netkit diagnose sample_networks/shire --write-drafts drafts.yaml
      netkit partners sample_networks/shire -O draft-frailty-urgent-north-admissions  (after
          copying the drafts you keep into the system's opportunities.yaml)
      netkit diagnose sample_networks/riverside --benchmark best_quartile --level 95
      netkit diagnose sample_networks/shire --reference sample_networks/metro --format json
    """
    import netkit
    from netkit.io.outputs import check_output
    from netkit.render.formats import terminal_safe

    check_outputs()
    inputs = [path, *references]
    if drafts is not None:
        check_output(drafts, inputs)
        if output is not None and drafts.resolve() == output.resolve():
            raise click.UsageError("--write-drafts and --output name the same file")
    if plots is not None and plots.exists() and not plots.is_dir():
        raise click.UsageError(f"--plots {plots}: it is a file; give a folder")
    system = _load(path)
    reference = [_load(r) for r in references] or None
    result = netkit.diagnose(system, reference, benchmark=benchmark,
                             level=0.95 if level == "95" else 0.998, seed=seed,
                             disclosure=disclosure, overdispersion=overdispersion)
    if drafts is not None:
        result.write_drafts(drafts)
        click.echo(f"wrote {drafts} ({len(result.drafts)} draft opportunities)", err=True)
    if plots is not None:
        written = result.save_plots(plots, plot_format)
        click.echo(f"wrote {len(written)} funnel plots in {plots}", err=True)
    if fmt == "text":
        write_text(terminal_safe(result.to_text(top=top)), output)
    elif fmt in ("markdown", "html"):
        write_text({"markdown": result.to_markdown, "html": result.to_html}[fmt](top=top),
                   output)
    else:
        emit(result, fmt, output)
