"""Progress on standard error (netkit/_progress.py and cli/options.py's progress_option): shown
only at a terminal, after two seconds, never with --quiet; a command's result never shares a
line with it."""

from __future__ import annotations

import io
import time

import pytest
from click.testing import CliRunner
from netkit.cli import cli

import netkit
from netkit import _progress
from netkit.change.changeset import Changeset

TINY = netkit.sample_path("tiny")
RIVERSIDE = netkit.sample_path("riverside")
CHANGESET = RIVERSIDE / "changesets" / "2026-10-virtual-ward.yaml"
COMMANDS = ["partners", "compare", "roles", "recompute", "generate", "diagnose", "track"]
ACTUALS = netkit.sample_path("riverside") / "actuals" / "frailty-monthly.csv"


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("command", COMMANDS)
def test_every_long_command_has_quiet(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "-q, --quiet" in result.output and "Show no progress on standard error" in result.output


@pytest.mark.parametrize("args", [
    ["partners", TINY, "--all", "-f", "json"],
    ["compare", RIVERSIDE, TINY, "-O", "frailty-admissions", "-f", "json"],
    ["roles", RIVERSIDE, TINY, "-f", "csv"],
    ["recompute", RIVERSIDE, CHANGESET, "-f", "json"],
    ["diagnose", RIVERSIDE, "-f", "json"],
    ["track", RIVERSIDE, "-O", "frailty-admissions", "--actuals", ACTUALS, "-f", "json"],
], ids=["partners", "compare", "roles", "recompute", "diagnose", "track"])
@pytest.mark.parametrize("quiet", [[], ["--quiet"]], ids=["default", "quiet"])
def test_nothing_is_written_to_stderr_when_it_is_not_a_terminal(args, quiet, monkeypatch):
    monkeypatch.setattr(_progress, "SHOW_AFTER", 0.0)  # would show at once at a terminal
    result = CliRunner().invoke(cli, [str(a) for a in args] + quiet)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.strip()


def test_generate_writes_nothing_to_stderr_when_it_is_not_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(_progress, "SHOW_AFTER", 0.0)
    result = CliRunner().invoke(cli, ["generate", "--scale", "ics", "--area", "QKK",
                                      "-o", str(tmp_path / "sel")])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_at_a_terminal_the_status_line_shows_the_stage_and_is_erased():
    terminal = Terminal()
    line = _progress.StatusLine("netkit demo", terminal, after=3600)  # drawn by hand here
    line("partner sets", 1, 2)
    line._draw()
    line.clear()
    line("loading tiny", None, None)
    line._draw()
    line.close()
    assert terminal.getvalue() == ("\r\x1b[Knetkit demo: partner sets 1/2 (0 s)\r\x1b[K"
                                   "\r\x1b[Knetkit demo: loading tiny (0 s)\r\x1b[K")


def test_the_line_is_redrawn_while_the_work_runs():
    terminal = Terminal()
    with _progress.on_stderr("netkit demo", stream=terminal, after=0.0) as line:
        time.sleep(0.8)  # drawn at once, then every half second
    assert terminal.getvalue().count("netkit demo: working") >= 2 and line.drawn
    assert terminal.getvalue().endswith("\r\x1b[K")


def test_quick_work_and_quiet_write_nothing():
    quick, quiet = Terminal(), Terminal()
    with _progress.on_stderr("netkit demo", stream=quick):  # after two seconds only
        _progress.stage("loading tiny")
    with _progress.on_stderr("netkit demo", quiet=True, stream=quiet, after=0.0) as line:
        _progress.stage("loading tiny")
        time.sleep(0.1)
    assert quick.getvalue() == "" and quiet.getvalue() == "" and line is None


def test_the_tracker_reports_its_partner_sets_and_the_changes():
    seen = []
    with _progress.reporting(lambda what, done, total: seen.append((what, done, total))):
        netkit.recompute(netkit.load_system(TINY), Changeset.of(
            [{"remove_organisation": {"id": "COUNCIL", "services": "remove"}}]))
    assert seen == [("partner sets", 0, 2), ("partner sets", 1, 2), ("partner sets", 2, 2),
                    ("applying the changes", None, None),
                    ("recomputing what the changes touch", 0, 2),
                    ("recomputing what the changes touch", 1, 2),
                    ("recomputing what the changes touch", 2, 2)]


def test_without_a_listener_steps_yield_the_items_unchanged():
    assert list(_progress.steps(iter([3, 1, 2]), "numbers")) == [3, 1, 2]
