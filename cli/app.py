"""The ``netkit`` command group: every command registers on it, and netkit's own errors become a
clear message and an exit code here, in one place."""

from __future__ import annotations

import click

from netkit._version import __version__

__all__ = ["NetkitGroup", "cli", "TOUR"]

#: The order ``netkit --help`` lists the commands in: from checking a system to its partners, how
#: they change, pictures, event data, other systems and generated ones.
TOUR = ("validate", "summary", "export", "diagnose", "opportunities", "partners", "explain",
        "engage", "apply", "recompute", "timeline", "watch", "track", "visualise", "pathways",
        "compare", "roles", "generate")


class NetkitGroup(click.Group):
    """A click group that turns netkit's own errors into a clear message and an exit code: 2 for
    an option value netkit cannot use (`netkit.errors.OptionError`, a usage error like click's
    own), 1 for everything else (invalid input, an unknown opportunity, a failed check).

    This is the one place where library errors become exit codes.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as err:  # only netkit's own errors are expected here
            from netkit.errors import NetkitError, OptionError

            from .options import as_flags

            if isinstance(err, NetkitError):
                click.echo(f"Error: {as_flags(str(err))}", err=True)
                # An option value netkit cannot use is a usage error, as the README's table says.
                ctx.exit(2 if isinstance(err, OptionError) else 1)
            raise

    def resolve_command(self, ctx, args):
        """The command, run with text as Python strings (`netkit._strings`) for as long as
        the command's context lasts, unless it says it ``keeps_arrow_text`` (mining event logs
        of millions of rows, where pandas' own Arrow text is the faster)."""
        name, command, rest = super().resolve_command(ctx, args)
        if not getattr(command, "keeps_arrow_text", False):
            from netkit._strings import object_strings

            ctx.with_resource(object_strings())
        return name, command, rest

    def list_commands(self, ctx):
        """The commands in `TOUR` order (``netkit --help`` reads as a tour), then any others."""
        return [c for c in TOUR if c in self.commands] + sorted(set(self.commands) - set(TOUR))


@click.group(cls=NetkitGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="netkit",
                      message="%(prog)s %(version)s")
def cli():
    """netkit: who should be at the table for a health and care improvement opportunity.

    \b
    Examples:
      netkit partners sample_networks/riverside --opportunity frailty-admissions
      netkit engage sample_networks/riverside -O frailty-admissions -o pack.docx
      netkit opportunities sample_networks/riverside
      netkit diagnose sample_networks/shire --write-drafts drafts.yaml
      netkit validate sample_networks/riverside
      netkit summary sample_networks/riverside
      netkit export sample_networks/riverside --to graphml -o riverside.graphml
      netkit visualise sample_networks/riverside -O frailty-admissions -o frailty.html
      netkit pathways mine events.csv --case patient_id --time timestamp --service unit
      netkit compare sample_networks/riverside sample_networks/metro -O frailty-admissions
      netkit generate --scale national -o england

    Run 'netkit COMMAND --help' for a command's options and examples.
    """
