"""Commands about change: apply, recompute, timeline, watch."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from netkit.cli.app import cli

from .commands import _load
from .options import (
    TargetPath,
    check_outputs,
    emit,
    jobs_option,
    jobs_to_use,
    occupied,
    output_options,
    partner_options,
    partner_settings,
    picture_option,
    picture_target,
    progress_option,
    saving_to,
    system_path,
)

#: What --jobs does for the commands that track partner sets.
TRACKED_AT_ONCE = ("how many opportunities' partner sets to find at once before any change "
                   "(after a change, those it touches are recomputed one after another)")
changeset_path = click.Path(exists=True, dir_okay=False, path_type=Path)
tolerance_option = click.option(
    "--tolerance", type=click.FloatRange(min=0), default=0.0, show_default=True, metavar="T",
    help="Hysteresis: a core partner stays unless dropping it gains more than T; a newcomer "
         "joins only if it adds more than T. Score moves up to max(T, 0.005) are not reported.")


@cli.command()
@system_path
@click.argument("changeset", type=changeset_path)
@click.option("--output", "-o", type=TargetPath(path_type=Path), required=True,
              help="Where to write the new system: a folder, or a file ending .xlsx (missing "
                   "parent folders are made).")
@click.option("--force", is_flag=True,
              help="Replace an existing workbook, or netkit's own files in an existing system "
                   "folder (it may be PATH itself); other files in it are left alone "
                   "(system.yaml is rewritten, so comments in it are lost).")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="How to write the change report.")
def apply(path, changeset, output, force, fmt):
    """Apply a changeset and write the new system; the change report goes to standard output.

    Every event is checked first and every problem reported at once; then all of it is applied
    or none. Flows that lose an end are dropped or re-routed only as the changeset says, and the
    report lists each one with its patients a year.

    \b
    Example:
      netkit apply sample_networks/riverside \\
          sample_networks/riverside/changesets/2026-10-virtual-ward.yaml -o riverside-2026-10
    """
    import netkit

    check_outputs(force=True)  # everything but "it exists", which has its own message here
    if occupied(output) and not force:
        raise click.ClickException(f"{output} already exists; choose another --output or add "
                                   "--force to replace it")
    result = netkit.apply_changes(_load(path), netkit.read_changeset(changeset, strict=False))
    netkit.save_system(result.system, output, overwrite=force, inputs=[path, changeset])
    emit(result, fmt, None)
    click.echo(f"wrote {output}", err=True)


@cli.command()
@system_path
@click.argument("changeset", type=changeset_path, required=False)
@click.option("--to", "to_path", type=click.Path(exists=True, path_type=Path),
              help="A later snapshot of the same system: derive the changes by comparing them.")
@output_options(formats=("text", "markdown", "json", "csv", "html", "xlsx"))
@partner_options
@tolerance_option
@jobs_option(TRACKED_AT_ONCE)
@click.option("--exit-code", is_flag=True,
              help="Exit with 3 when any partner set changed (for scheduled monitoring).")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, metavar="N",
              help="List the first N events and N flows affected (dropped and moved first, "
                   "then the largest), then say how many more (0: all). JSON has all of them.")
@progress_option("recompute")
def recompute(path, changeset, to_path, fmt, output, tolerance, jobs, exit_code, top,
              **settings):
    """Recompute partner sets after a change, and say what changed and why.

    Only the opportunities the change touches are recomputed; the report says which were and
    which were left. Give a CHANGESET, or a later snapshot with --to.

    \b
    Examples:
      netkit recompute sample_networks/riverside \\
          sample_networks/riverside/changesets/2026-10-virtual-ward.yaml
      netkit recompute exports/2026-q2 --to exports/2026-q3 --format json --exit-code
    """
    import netkit

    if (changeset is None) == (to_path is None):
        raise click.UsageError("give a CHANGESET or --to NEWPATH (one of them)")
    check_outputs()
    system = _load(path)
    changes = netkit.read_changeset(changeset, strict=False) if changeset else _load(to_path)
    update = netkit.recompute(system, changes, tolerance=tolerance, top=top or None,
                              jobs=jobs_to_use(jobs), **partner_settings(settings))
    emit(update, fmt, output)
    if exit_code and update.changed:
        raise SystemExit(3)


@cli.command()
@system_path
@click.argument("changesets", type=changeset_path, nargs=-1, required=True)
@click.option("--opportunity", "-O", "opportunities", multiple=True, metavar="ID",
              help="Only these opportunities (repeat for several); default: all.")
@output_options(formats=("text", "markdown", "json", "csv", "html", "xlsx"), pictures=True)
@picture_option("Also save a picture of who is core when (PNG or SVG, by the ending).")
@partner_options
@tolerance_option
@jobs_option(TRACKED_AT_ONCE)
def timeline(path, changesets, opportunities, fmt, output, picture, tolerance, jobs,
             **settings):
    """Partner sets across dated changesets: who is core when.

    Changesets are applied in date order, each to the system the earlier ones left.

    \b
    Example:
      netkit timeline sample_networks/riverside \\
          sample_networks/riverside/changesets/*.yaml --picture timeline.png
    """
    import netkit

    check_outputs()
    picture, output = picture_target(fmt, output, picture)  # -o timeline.png: only the picture
    result = netkit.timeline(_load(path),
                             [netkit.read_changeset(c, strict=False) for c in changesets],
                             opportunities=list(opportunities) or None, tolerance=tolerance,
                             jobs=jobs_to_use(jobs), **partner_settings(settings))
    if picture is not None:
        with saving_to(picture):
            result.save_picture(picture)
    if fmt != "picture":
        emit(result, fmt, output)


@cli.command()
@system_path
@click.option("--interval", type=click.FloatRange(min=0.1), default=2.0, show_default=True,
              help="Seconds between looks at the files.")
@click.option("--polls", type=click.IntRange(min=1), default=None, metavar="N",
              help="Stop after N looks (for scripts); by default run until Ctrl-C.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text, or one JSON object per line.")
@partner_options
@tolerance_option
@jobs_option(TRACKED_AT_ONCE)
def watch(path, interval, polls, fmt, tolerance, jobs, **settings):
    """Recompute partner sets whenever the system's files change and still validate.

    When an edit breaks the files, the problems are printed and the last good state is kept;
    fix them and the next save is picked up. Ctrl-C ends it.

    \b
    Example:
      netkit watch my_system.xlsx --interval 5
    """
    import netkit

    watcher = netkit.Watcher(path, tolerance=tolerance, jobs=jobs_to_use(jobs),
                             **partner_settings(settings))
    looks = 0
    try:
        while polls is None or looks < polls:
            event = watcher.poll()
            looks += 1
            if event is not None:
                if fmt == "json":
                    from netkit.render.formats import to_jsonable

                    click.echo(json.dumps(to_jsonable(event.to_dict()), ensure_ascii=False))
                else:
                    click.echo(event.to_text(), nl=False)
            if polls is None or looks < polls:
                time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)
