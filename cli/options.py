"""Options shared by several commands, and writing a result in the format asked for."""

from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path

import click

__all__ = ["output_options", "partner_options", "system_path", "emit", "write_text", "warn",
           "partner_settings", "disclosure_option", "check_outputs", "saving_to", "TargetPath"]

system_path = click.argument(
    "path", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path),
    metavar="PATH")


def output_options(formats=("text", "markdown", "json"), default="text"):
    """``--format`` and ``--output`` for a command, the same everywhere."""

    def decorate(func):
        @click.option("--format", "-f", "fmt", type=click.Choice(formats), default=default,
                      show_default=True, help="How to write the result.")
        @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                      default=None, help="Write to this file instead of standard output.")
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        return wrapper

    return decorate


def render(result, fmt: str) -> str:
    """A result object in one format; results provide to_text / to_markdown / to_dict /
    to_frame / to_html."""
    if fmt == "json":
        from netkit.report import to_jsonable

        return json.dumps(to_jsonable(result.to_dict()), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return result.to_frame().to_csv(index=False, lineterminator="\n")
    if fmt == "markdown":
        return result.to_markdown()
    if fmt == "html":
        return result.to_html()
    return result.to_text()


def write_text(text: str, output: Path | None) -> None:
    """Write to a file whole (via a temporary file beside it) or to standard output. A file
    that cannot be written is ``Error: cannot write PATH: reason`` and exit 1."""
    if output is None:
        click.echo(text, nl=False)
        return
    from netkit._files import write_atomic

    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


#: Parameters that name something a command writes; every other path parameter that must
#: exist is something it reads.
OUTPUT_PARAMS = ("output", "curve", "picture", "system_dir")


class TargetPath(click.Path):
    """A path to write a system folder or workbook to; an empty value (an unset shell
    variable, ``-o "$OUT"``) is a usage error rather than the current folder."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("the path is empty (is a shell variable unset?)", param, ctx)
        return super().convert(value, param, ctx)


def check_outputs(force: bool = False) -> None:
    """Check every output of the running command before anything is read, computed or
    written: reports and pictures (``--output``, ``--curve``, ``--picture``) with
    `netkit._files.check_output`, system folders and workbooks with
    `netkit.saving.check_target` (``force`` allows replacing one); none may be one of the
    command's inputs, nor the same as another output. Missing parent folders are made when
    writing. Raises `netkit._files.OutputError` (exit 1) saying which path and why."""
    from netkit._files import OutputError, check_output
    from netkit.saving import check_target

    ctx = click.get_current_context()
    inputs, files, targets = [], [], []
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value is None or not isinstance(param.type, click.Path):
            continue
        values = list(value) if isinstance(value, (tuple, list)) else [value]
        if param.name in OUTPUT_PARAMS:
            (files if param.type.dir_okay is False else targets).extend(values)
        elif param.type.exists:
            inputs.extend(values)
    for target in targets:
        check_target(target, overwrite=force, inputs=inputs)
    for file in files:
        check_output(file, inputs)
    outputs = files + targets
    for i, one in enumerate(outputs):
        for other in outputs[i + 1:]:
            if Path(one).resolve() == Path(other).resolve():
                raise OutputError(f"cannot write {other}: it is given twice as an output")


@contextlib.contextmanager
def saving_to(path: Path):
    """Around a library call that saves a picture to ``path``: make missing parent folders
    first, and turn a failure to write into ``Error: cannot write PATH: reason``."""
    from netkit._files import cannot_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path
    except OSError as err:
        raise cannot_write(path, err) from None
    click.echo(f"wrote {path}", err=True)


def emit(result, fmt: str, output: Path | None) -> None:
    write_text(render(result, fmt), output)


def warn(problems) -> None:
    """Print load warnings to standard error."""
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)


DISCLOSURE_HELP = ("Disclosure control for the patient counts shown: nhs (1-7 shown *, others "
                   "to the nearest 5), cms (1-10 shown *), none, or threshold=N,round=R.")

disclosure_option = click.option("--disclosure", default=None, metavar="RULES",
                                  help=DISCLOSURE_HELP)


def partner_options(func):
    """The settings of the partner engine, the same on every command that finds partners."""
    options = [
        click.option("--weights", metavar="NAME=W,...",
                     help="Criterion weights over the opportunity's: activity, handoffs, "
                          "brokerage, commissioning, incentives (defaults 1, 1, 0.5, 1, 1)."),
        click.option("--coordination-cost", metavar="NAME=C,...",
                     help="Coordination cost per partner and per pair with no existing "
                          "relationship (defaults partner=0.02, new_tie=0.005), in units of "
                          "benefit."),
        click.option("--represent", metavar="TYPE=parent,...|none",
                     help="Which organisations take part through their parent "
                          "(default gp_practice=parent)."),
        click.option("--min-patients", type=click.FloatRange(min=0), default=None, metavar="K",
                     help="Leave out organisation-to-organisation ties under K patients a "
                          "year."),
        click.option("--groups", type=click.Choice(["type", "sector"]), default="type",
                     show_default=True, help="Groups for Gould-Fernandez brokerage roles."),
        click.option("--disclosure", default=None, metavar="RULES",
                     help=DISCLOSURE_HELP + " Adds a check that the partner set is the same "
                          "on the rounded figures."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def partner_settings(kwargs: dict) -> dict:
    """Pop the partner-engine settings from a command's keyword arguments."""
    settings = {key: kwargs.pop(key) for key in ("weights", "coordination_cost", "represent",
                                                  "min_patients", "groups", "disclosure")}
    if settings["disclosure"] is None:
        del settings["disclosure"]
    return settings
