"""Options shared by several commands, and writing a result in the format asked for."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import click

from netkit.model.opportunity import (
    CRITERIA,
    DEFAULT_COORDINATION_COST,
    DEFAULT_GROUPING,
    DEFAULT_REPRESENT,
    DEFAULT_WEIGHTS,
    GROUPINGS,
)
from netkit.model.rule_packs import packs_in_words

__all__ = ["output_options", "partner_options", "draws_option", "system_path", "emit", "write_text", "warn",
           "partner_settings", "disclosure_option", "check_outputs", "saving_to", "TargetPath",
           "choose_format", "picture_option", "write_bytes", "not_an_opportunity", "ENDINGS",
           "as_flags", "occupied", "picture_target", "progress_option", "jobs_option",
           "jobs_to_use"]

system_path = click.argument(
    "path", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path),
    metavar="PATH")


#: The format a file's ending asks for: ``-o report.md`` writes markdown. ``picture`` (PNG or SVG,
#: by the ending) only on commands that draw one.
ENDINGS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
           ".json": "json", ".csv": "csv", ".html": "html", ".htm": "html", ".xlsx": "xlsx",
           ".docx": "docx", ".png": "picture", ".svg": "picture"}


def output_options(formats=("text", "markdown", "json"), default="text", pictures=False,
                   help="How to write the result."):
    """``--format`` and ``--output`` for a command, the same everywhere.

    Without ``--format`` the format follows ``--output``'s ending (`choose_format`); the command
    gets the chosen one as ``fmt`` (``"picture"`` for .png/.svg when ``pictures`` is true).
    """
    endings = {"text": ".txt", "markdown": ".md", "json": ".json", "csv": ".csv",
               "html": ".html", "xlsx": ".xlsx", "docx": ".docx"}
    choices = ", ".join(endings.get(f, f) for f in formats)

    def decorate(func):
        @click.option("--format", "-f", "fmt", type=click.Choice(formats), default=None,
                      help=f"{help} Default: from the --output file's ending, else {default}.")
        @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                      default=None, metavar="FILE",
                      help=f"Write to this file instead of standard output; its ending picks "
                           f"the format ({choices}"
                           + ("; .png or .svg for a picture" if pictures else "") + ").")
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            kwargs["fmt"] = choose_format(kwargs["fmt"], kwargs["output"], formats, default,
                                          pictures)
            return func(*args, **kwargs)

        return wrapper

    return decorate


def choose_format(given: str | None, output: Path | None, formats, default: str,
                  pictures: bool = False) -> str:
    """The format to write: ``--format`` when given, else the one ``--output``'s ending names
    (`ENDINGS`), else ``default``.

    An explicit ``--format`` that contradicts a known ending, or an ending that names a format
    the command does not offer, is a usage error (exit 2): nothing is written under a name that
    promises something else. A missing or unknown ending (``report``, ``notes.log``) gets the
    default, with a note on standard error. xlsx is bytes, so it needs ``--output``.

    Examples
    --------
    >>> choose_format(None, Path("report.xlsx"), ("text", "csv", "xlsx"), "text")
    'xlsx'
    >>> choose_format("csv", Path("report"), ("text", "csv"), "text")
    'csv'
    """
    implied = ENDINGS.get(output.suffix.lower()) if output is not None else None
    if implied == "picture" and not pictures:
        raise click.UsageError(f"{output.name!r}: this command does not draw pictures; write "
                               f"its report as one of {', '.join(formats)} (by the file's "
                               "ending or --format)")
    if given is not None:
        if implied is not None and implied != given:
            raise click.UsageError(f"--format {given} does not match the output file "
                                   f"{output.name!r}, whose ending means {implied}; leave out "
                                   "--format, or give the file the ending of the format")
        chosen = given
    elif implied is not None:
        if implied != "picture" and implied not in formats:
            raise click.UsageError(f"{output.name!r}: this command cannot write {implied} "
                                   f"(formats: {', '.join(formats)}); choose another ending "
                                   "or give --format")
        chosen = implied
    else:
        chosen = default
        if output is not None and output.suffix:
            click.echo(f"note: {output.name}: the ending {output.suffix} names no format; "
                       f"writing {default} (give --format to choose)", err=True)
    if chosen == "xlsx" and output is None:
        raise click.UsageError("xlsx is a workbook, not text: give --output FILE.xlsx")
    return chosen


def picture_option(help: str, aliases=()):
    """``--picture FILE``, with older names (``--png``, ``--curve``) kept as hidden aliases.

    The command gets one keyword argument, ``picture`` (a Path or None).
    """

    def decorate(func):
        @click.option("--picture", "picture", metavar="FILE",
                      type=click.Path(dir_okay=False, path_type=Path), help=help)
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            given = [(name, kwargs.pop(f"picture_alias_{name.lstrip('-')}"))
                     for name in aliases]
            given = [(name, value) for name, value in given if value is not None]
            if given and kwargs["picture"] is not None:
                raise click.UsageError(f"give --picture or {given[0][0]}, not both (they are "
                                       "the same option)")
            if given:
                kwargs["picture"] = given[0][1]
            return func(*args, **kwargs)

        for name in aliases:
            wrapper = click.option(name, f"picture_alias_{name.lstrip('-')}", hidden=True,
                                   type=click.Path(dir_okay=False, path_type=Path))(wrapper)
        return wrapper

    return decorate


#: The library names options as Python does (``dayfirst=True``); on the command line the same
#: message names the flag. One table, used for every error and warning the CLI prints.
FLAGS = (("per_year=False", "--as-counted"), ("per_year=True", "--per-year"),
         ("dayfirst=True", "--dayfirst"), ("time_format=", "--time-format "),
         ("max_nodes=", "--max-nodes "), ("overwrite=True", "--force"),
         ("services=True", "--services"))


def as_flags(message: str) -> str:
    """A library message with its Python option names as the command line's flags.

    Examples
    --------
    >>> as_flags("give time_format='%d/%m/%Y' or dayfirst=True")
    "give --time-format '%d/%m/%Y' or --dayfirst"
    >>> as_flags("name yours with case='...'")
    'name yours with --case'
    """
    import re

    for python, flag in FLAGS:
        message = message.replace(python, flag)
    return re.sub(r"\b(case|time|service|organisation)='\.\.\.'", r"--\1", message)


def jobs_option(what: str = "how many opportunities to analyse at once"):
    """``--jobs N`` (``-j``): how many opportunities are analysed at once, each in its own
    process (`netkit._parallel`). The command receives ``jobs``: None where not given, which
    `jobs_to_use` makes one per processor (at most four). ``what`` starts the help."""
    from netkit._parallel import DEFAULT_JOBS

    text = (f"{what}, each in its own process (default: one per processor, at most "
            f"{DEFAULT_JOBS}; 1: one after another). The result is the same whatever the "
            "number.")
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
                        help=text[0].upper() + text[1:])


def jobs_to_use(jobs: int | None) -> int:
    """The processes a command uses: ``--jobs``, else one per processor (at most four)."""
    from netkit._parallel import available_jobs

    return jobs or available_jobs()


def progress_option(label: str):
    """``--quiet``, and the command's progress on standard error while it runs.

    What the library reports (`netkit._progress.stage` and ``steps``) is shown as one status
    line, ``netkit LABEL: stage (seconds)``, only when standard error is a terminal and the
    work has taken more than two seconds, and never with ``--quiet``. The line is erased
    before the result is written (`write_text`, `write_bytes`, `emit`).
    """

    def decorate(func):
        @click.option("--quiet", "-q", is_flag=True,
                      help="Show no progress on standard error (it is shown only at a "
                           "terminal, for work that takes more than two seconds).")
        @functools.wraps(func)
        def wrapper(*args, quiet, **kwargs):
            from netkit._progress import on_stderr

            with on_stderr(f"netkit {label}", quiet=quiet):
                return func(*args, **kwargs)

        return wrapper

    return decorate


def _progress_done() -> None:
    from netkit._progress import finish

    finish()


def write_bytes(data: bytes, output: Path) -> None:
    """Write bytes (a workbook, a picture) to a file whole."""
    from netkit._files import write_atomic

    _progress_done()

    write_atomic(output, data)
    click.echo(f"wrote {output}", err=True)


def not_an_opportunity(system, output: Path | None, opportunity_id) -> None:
    """Stop ``-o frailty-admissions`` (the output file) meant as ``-O`` (the opportunity)."""
    if output is not None and not opportunity_id and not output.suffix \
            and str(output) in system.opportunities:
        raise click.UsageError(f"-o {output} names the output file, and {output} is an "
                               f"opportunity of {system.name}: did you mean --opportunity "
                               f"{output} (-O, a capital O)?")


def render(result, fmt: str) -> str | bytes:
    """A result object in one format; results provide to_text / to_markdown / to_dict /
    to_frame / to_html (and to_sheets for a workbook of several tables).

    ``csv`` and ``xlsx`` are for people to open in a spreadsheet, so text cells that a
    spreadsheet would run as a formula are neutralised (`netkit.render.formats.csv_report`); ``xlsx``
    gives the workbook's bytes, one sheet per table. ``text`` never carries terminal control
    sequences from names in the input."""
    from netkit.render import formats as report
    from netkit.render.json_text import json_report
    from netkit.render.workbook import report_sheets, xlsx_report

    if fmt == "json":
        return json_report(result) + "\n"
    if fmt == "csv":
        return report.csv_report(result.to_frame())
    if fmt == "xlsx":
        return xlsx_report(report_sheets(result))
    if fmt == "markdown":
        return result.to_markdown()
    if fmt == "html":
        return result.to_html()
    return report.terminal_safe(result.to_text())


def write_text(text: str, output: Path | None) -> None:
    """Write to a file whole (via a temporary file beside it) or to standard output. A file
    that cannot be written is ``Error: cannot write PATH: reason`` and exit 1."""
    _progress_done()
    if output is None:
        click.echo(text, nl=False)
        return
    from netkit._files import write_atomic

    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


#: Parameters that name something a command writes; every other path parameter that must
#: exist is something it reads.
OUTPUT_PARAMS = ("output", "curve", "picture", "system_dir", "drafts")

#: Parameters that name a folder a command writes pictures into (made if missing).
PICTURE_FOLDERS = ("plots", "charts")


class TargetPath(click.Path):
    """A path to write a system folder or workbook to; an empty value (an unset shell
    variable, ``-o "$OUT"``) is a usage error rather than the current folder."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("the path is empty (is a shell variable unset?)", param, ctx)
        ending = Path(str(value)).suffix.lower()
        if ending in ENDINGS and ending != ".xlsx":
            self.fail(f"{value!r} looks like a report file ({ending}), but this writes a whole "
                      "system: give a folder, or a workbook ending .xlsx", param, ctx)
        return super().convert(value, param, ctx)


def check_outputs(force: bool = False) -> None:
    """Check every output of the running command before anything is read, computed or
    written: reports and pictures (``--output``, ``--curve``, ``--picture``) with
    `netkit._files.check_output`, system folders and workbooks with
    `netkit.io.saving.check_target` (``force`` allows replacing one); none may be one of the
    command's inputs, nor the same as another output. Missing parent folders are made when
    writing. Raises `netkit._files.OutputError` (exit 1) saying which path and why."""
    from netkit._files import OutputError
    from netkit.io.outputs import check_output
    from netkit.io.saving import check_target

    ctx = click.get_current_context()
    inputs, files, targets, folders = [], [], [], []
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value is None or not isinstance(param.type, click.Path):
            continue
        values = list(value) if isinstance(value, (tuple, list)) else [value]
        if param.name in OUTPUT_PARAMS or param.name.startswith("picture_alias_"):
            (files if param.type.dir_okay is False else targets).extend(values)
        elif param.name in PICTURE_FOLDERS:
            folders.extend(values)
        elif param.type.exists:
            inputs.extend(values)
    for target in targets:
        check_target(target, overwrite=force, inputs=inputs)
    for file in files:
        check_output(file, inputs)
    for folder in folders:
        _check_picture_folder(Path(folder))
    outputs = files + targets + folders
    for i, one in enumerate(outputs):
        for other in outputs[i + 1:]:
            if Path(one).resolve() == Path(other).resolve():
                raise OutputError(f"cannot write {other}: it is given twice as an output")


def _check_picture_folder(folder: Path) -> None:
    """A folder of pictures (``--plots``, ``--charts``) can be made or written into: not a
    file, not below a file, and files can be made there."""
    from netkit._files import cannot_write, nearest_existing, probe_folder

    if folder.exists() and not folder.is_dir():
        raise cannot_write(folder, "it is a file; give a folder")
    probe_folder(folder if folder.is_dir() else nearest_existing(folder), folder)


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
    data = render(result, fmt)
    if fmt == "xlsx" and not isinstance(data, bytes):
        raise click.ClickException("this netkit cannot write xlsx reports yet; use --format csv")
    if isinstance(data, bytes):  # xlsx
        write_bytes(data, output)
    else:
        write_text(data, output)


def warn(problems) -> None:
    """Print load warnings to standard error."""
    from netkit._progress import interrupt

    interrupt()
    for problem in problems:
        click.echo(f"warning: {as_flags(str(problem))}", err=True)


DISCLOSURE_HELP = f"Disclosure control for the patient counts shown: {packs_in_words()}."

disclosure_option = click.option("--disclosure", default=None, metavar="RULES",
                                  help=DISCLOSURE_HELP)


def partner_options(func):
    """The settings of the partner engine, the same on every command that finds partners
    (``--draws`` among them)."""
    options = [
        click.option("--weights", metavar="NAME=W,...",
                     help="Criterion weights over the opportunity's: " + ", ".join(CRITERIA)
                          + " (defaults "
                          + ", ".join(f"{DEFAULT_WEIGHTS[c]:g}" for c in CRITERIA) + ")."),
        click.option("--coordination-cost", metavar="NAME=C,...",
                     help="Coordination cost per partner and per pair with no existing "
                          "relationship (defaults "
                          + ", ".join(f"{k}={v:g}" for k, v in DEFAULT_COORDINATION_COST.items())
                          + "), in units of benefit; and the burden in staff time: seat_days, "
                            "tie_days (days a year per seat and per new relationship) and "
                            "day_cost (£), over system.yaml finance (defaults 12, 3, 750)."),
        click.option("--represent", metavar="TYPE=parent,...|none",
                     help="Which organisations take part through their parent (default "
                          + ",".join(f"{k}={v}" for k, v in DEFAULT_REPRESENT.items()) + ")."),
        click.option("--min-patients", type=click.FloatRange(min=0), default=None, metavar="K",
                     help="Leave out organisation-to-organisation ties under K patients a "
                          "year."),
        click.option("--groups", type=click.Choice(GROUPINGS), default=DEFAULT_GROUPING,
                     show_default=True, help="Groups for Gould-Fernandez brokerage roles."),
        click.option("--disclosure", default=None, metavar="RULES",
                     help=DISCLOSURE_HELP + " Adds a check that the partner set is the same "
                          "on the rounded figures."),
        draws_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def draws_option(func):
    """``--draws N``: the Monte Carlo draws behind the money's ranges, the same on every
    command that reports them."""
    def check(ctx, param, value):
        from netkit.finance.draws import too_few

        why = too_few(value) if value is not None else ""
        if why:
            raise click.BadParameter(f"{value}: {why}")
        return value

    # no default here: the library's (netkit.finance.draws.DEFAULT_DRAWS) applies, and a
    # report's options name the draws only where they were asked for
    return click.option(
        "--draws", type=click.IntRange(min=0), default=None, metavar="N", callback=check,
        help="Monte Carlo draws behind the money's ranges and chances of loss (default "
             "1,000): 0 gives the central figures alone (no ranges), quicker on a national "
             "system; else at least 100. The partners and tiers do not depend on it.")(func)


def partner_settings(kwargs: dict) -> dict:
    """Pop the partner-engine settings from a command's keyword arguments."""
    settings = {key: kwargs.pop(key) for key in ("weights", "coordination_cost", "represent",
                                                  "min_patients", "groups", "disclosure",
                                                  "draws")}
    for key in ("disclosure", "draws"):  # not given: the library's default applies
        if settings[key] is None:
            del settings[key]
    return settings


def occupied(path: Path) -> bool:
    """Whether writing a system to ``path`` would replace something (an empty folder does not
    count)."""
    return path.exists() and not (path.is_dir() and not any(path.iterdir()))


def picture_target(fmt: str, output: Path | None, picture: Path | None):
    """Where a command's picture and its report go, as ``(picture, output)``: ``-o curve.png``
    makes the picture the output, with no report; giving ``--picture`` as well is a usage
    error, raised before anything is computed."""
    if fmt != "picture":
        return picture, output
    if picture is not None:
        raise click.UsageError("-o names a picture already; leave out --picture")
    return output, None
