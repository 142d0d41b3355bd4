"""The command line: exit codes, and the text a person reads."""

from __future__ import annotations

import gc
import json

import pytest
from click.testing import CliRunner
from conftest import set_cell
from netkit.cli import cli, main

import netkit

TINY = str(netkit.sample_path("tiny"))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"netkit {netkit.__version__}\n"


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Example" in result.output, name
        assert command.help and len(command.help.splitlines()[0]) > 10, name


def test_validate_ok():
    result = run("validate", TINY)
    assert result.exit_code == 0
    assert result.stdout == f"{TINY}: valid\n"


def test_validate_lists_every_problem_and_exits_1(tiny_dir):
    set_cell(tiny_dir, "flows", 12, "patients", "lots")
    set_cell(tiny_dir, "organisations", 9, "type", "care_hme")
    result = run("validate", tiny_dir)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{tiny_dir}: 1 problem, 1 warning\n"
        "  error: flows.csv row 12, column patients: 'lots' is not a number (expected a number "
        "of patients a year (≥ 0))\n"
        "  warning: organisations.csv row 9, column type: 'care_hme' is not a known organisation "
        "type; it is kept, but has no special meaning (did you mean 'care_home'?)\n")


def test_validate_json(tiny_dir):
    set_cell(tiny_dir, "flows", 12, "patients", "lots")
    result = run("validate", tiny_dir, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert data["errors"] == [{"file": "flows.csv", "row": 12, "column": "patients",
                               "value": "lots", "severity": "error",
                               "message": "is not a number (expected a number of patients a "
                                          "year (≥ 0))"}]


def test_summary_of_a_broken_system_is_a_clear_error(tiny_dir):
    set_cell(tiny_dir, "services", 2, "provider", "NOBODY")
    result = run("summary", tiny_dir)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ("Error: 1 problem in the input:\n"
                             "  services.csv row 2, column provider: 'NOBODY' is not an "
                             "organisation id in organisations.csv; name the organisation that "
                             "provides the service\n")


def test_summary_formats():
    text = run("summary", TINY)
    assert text.exit_code == 0 and text.stdout.startswith("Tiny Vale\n=========\n")
    md = run("summary", TINY, "-f", "markdown")
    assert md.stdout.startswith("# Tiny Vale\n")
    data = json.loads(run("summary", TINY, "-f", "json").stdout)
    assert data["counts"]["organisations"] == 8


def test_summary_to_a_file(tmp_path):
    out = tmp_path / "summary.md"
    result = run("summary", TINY, "-f", "markdown", "-o", out)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}\n"
    assert out.read_text().startswith("# Tiny Vale\n")


def test_warnings_go_to_stderr(tiny_dir):
    set_cell(tiny_dir, "organisations", 9, "type", "care_hme")
    result = run("summary", tiny_dir, "-f", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)
    assert result.stderr.startswith("warning: organisations.csv row 9, column type: 'care_hme'")


def test_export(tmp_path):
    out = tmp_path / "tiny.graphml"
    result = run("export", TINY, "--to", "graphml", "-o", out)
    assert result.exit_code == 0
    assert out.read_text().startswith("<?xml")


def test_export_needs_a_format(tmp_path):
    result = CliRunner().invoke(cli, ["export", TINY, "-o", str(tmp_path / "tiny.txt")])
    assert result.exit_code == 2
    assert "give --to graphml|gexf|json" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_exit_2():
    result = CliRunner().invoke(cli, ["summary"])
    assert result.exit_code == 2
    assert "Missing argument 'PATH'" in result.stderr
    result = CliRunner().invoke(cli, ["summary", "/no/such/place"])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_the_console_command_freezes_what_it_holds_as_it_ends():
    """The collector's passes at shutdown then leave it alone (0.1 s of every command)."""
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit) as done:
            main(["--version"])
        assert done.value.code == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
