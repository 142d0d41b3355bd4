"""netkit engage: the engagement pack on the command line, its formats, exit codes and the
messages a person reads."""

from __future__ import annotations

import sys

import openpyxl
import pytest
from click.testing import CliRunner
from netkit.cli import cli

import netkit

TINY = str(netkit.sample_path("tiny"))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_markdown_to_standard_output_by_default():
    result = run("engage", TINY, "--opportunity", "frailty")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Engagement pack: Fewer emergency admissions of frail "
                                    "older people\n\n## Board summary\n")
    assert "### What we are asking the board to agree" in result.stdout
    assert "1. Agree that 'Fewer emergency admissions of frail older people' proceeds as " \
        in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("ending", ["md", "html", "docx", "xlsx"])
def test_each_format_by_the_files_ending(tmp_path, ending):
    if ending == "docx":
        pytest.importorskip("docx")
    out = tmp_path / "packs" / f"frailty.{ending}"
    result = run("engage", TINY, "-O", "frailty", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out}\n"
    if ending == "docx":
        import docx

        paragraphs = [p.text for p in docx.Document(out).paragraphs]
        assert "What we are asking the board to agree" in paragraphs
    elif ending == "xlsx":
        book = openpyxl.load_workbook(out)
        assert book["raci"]["A1"].value == "workstream"
        assert book["raci"]["A2"].value == "Expand Urgent community response"
    else:
        assert "Board summary" in out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # nothing half-written beside


def test_an_existing_file_needs_force(tmp_path):
    out = tmp_path / "pack.md"
    out.write_text("keep me", encoding="utf-8")
    result = run("engage", TINY, "-O", "frailty", "-o", out)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {out} already exists; choose another --output or add "
                             "--force to replace it\n")
    assert out.read_text(encoding="utf-8") == "keep me"
    result = run("engage", TINY, "-O", "frailty", "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Engagement pack")


def test_word_without_python_docx_is_a_clear_error_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)  # as if python-docx were not installed
    out = tmp_path / "pack.docx"
    result = run("engage", TINY, "-O", "frailty", "-o", out)
    assert result.exit_code == 1
    assert result.stderr == ("Error: Word output needs python-docx, which is not installed: pip "
                             "install 'netkit[engage]' (or pip install python-docx), or choose "
                             "--format markdown, html or xlsx\n")
    assert not out.exists()


@pytest.mark.parametrize("fmt, message", [
    ("docx", "Error: docx is a Word document, not text: give --output FILE.docx"),
    ("xlsx", "Error: xlsx is a workbook, not text: give --output FILE.xlsx")])
def test_files_that_are_not_text_need_an_output(fmt, message):
    result = run("engage", TINY, "-O", "frailty", "--format", fmt)
    assert result.exit_code == 2
    assert result.stderr.endswith(message + "\n")


def test_unknown_opportunity_and_missing_option():
    result = run("engage", TINY, "-O", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no opportunity 'nope' in Tiny Vale")
    result = run("engage", TINY)
    assert result.exit_code == 2
    assert "Missing option '--opportunity' / '-O'" in result.stderr


def test_cadence_overrides_and_their_mistakes():
    result = run("engage", TINY, "-O", "frailty", "--cadence", "board=six-weekly",
                 "--cadence", "inform=each quarter")
    assert result.exit_code == 0, result.output
    assert "| core | programme board | six-weekly |" in result.stdout
    assert "| inform | updates | each quarter |" in result.stdout
    result = run("engage", TINY, "-O", "frailty", "--cadence", "monthly")
    assert result.exit_code == 2
    assert "--cadence 'monthly': give NAME=HOW-OFTEN" in result.stderr
    result = run("engage", TINY, "-O", "frailty", "--cadence", "bored=weekly")
    assert result.exit_code == 2
    assert result.stderr == ("Error: cadence: 'bored' is not an engagement (expected one of "
                             "board, working_group, involve, inform)\n")


def test_a_format_that_contradicts_the_ending_is_a_usage_error(tmp_path):
    result = run("engage", TINY, "-O", "frailty", "--format", "html", "-o", tmp_path / "p.docx")
    assert result.exit_code == 2
    assert "--format html does not match the output file 'p.docx'" in result.stderr
    result = run("engage", TINY, "-O", "frailty", "-o", tmp_path / "p.json")
    assert result.exit_code == 2
    assert "this command cannot write json" in result.stderr


def test_engage_is_in_the_help_after_partners():
    result = run("--help")
    commands = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines()
                if line.strip()]
    # partners, then explain (why each reason), then the pack built on them
    assert commands[commands.index("partners") + 1:commands.index("partners") + 3] == \
        ["explain", "engage"]
    assert "Word output needs python-docx" in run("engage", "--help").stdout


RIVERSIDE = str(netkit.sample_path("riverside"))


def test_draws_zero_says_no_range_was_worked_out_rather_than_a_range_of_one_figure():
    drawn = run("engage", RIVERSIDE, "-O", "frailty-admissions")
    central = run("engage", RIVERSIDE, "-O", "frailty-admissions", "--draws", "0")
    assert drawn.exit_code == central.exit_code == 0, central.output
    assert "The system gains £1.7m a year (range £1.6m to £1.9m, over unit costs only" \
        in drawn.stdout
    assert "The system gains £1.7m a year (range not computed: no Monte Carlo draws were " \
        "asked for)." in central.stdout
    assert "| NHS Riverside Integrated Care Board (ICB-RIV) | £2.5m | not computed |" \
        in central.stdout
    assert "| Riverside University Hospitals NHS Foundation Trust (ACU-RIV) | -£1.3m | " \
        "not computed |" in central.stdout
    assert "| Riverside University Hospitals NHS Foundation Trust (ACU-RIV) | -£1.3m | " \
        "-£1.4m to -£1.1m |" in drawn.stdout
    assert "the money's ranges were not drawn (0 Monte Carlo draws asked for)" in central.stdout


def test_engage_draws_must_not_be_negative():
    result = run("engage", TINY, "-O", "frailty", "--draws", "-1")
    assert result.exit_code == 2
    assert "Invalid value for '--draws': -1 is not in the range x>=0." in result.output


@pytest.mark.parametrize("draws", [1, 99])
@pytest.mark.parametrize("command", ["engage", "partners", "explain", "recompute"])
def test_too_few_draws_for_a_range_are_a_usage_error(command, draws):
    args = {"engage": ("-O", "frailty"), "partners": ("-O", "frailty"),
            "explain": ("-O", "frailty", "-p", "ACUTE"), "recompute": (TINY,)}[command]
    result = run(command, TINY, *args, "--draws", draws)
    assert result.exit_code == 2
    assert (f"Invalid value for '--draws': {draws}: give 0 (the central figures alone, no "
            "ranges) or at least 100 Monte Carlo draws; the 5th and 95th percentiles of fewer "
            "rest on a handful of draws") in " ".join(result.output.split())


def test_a_hundred_draws_is_enough_and_the_drawn_pack_has_no_note():
    result = run("engage", TINY, "-O", "frailty", "--draws", "100")
    assert result.exit_code == 0, result.output
    assert "not drawn" not in result.stdout and "range not computed" not in result.stdout


def test_draws_do_not_change_what_recompute_says(tmp_path):
    """The tracker's reports show no ranges: --draws 0 skips the Monte Carlo and says the
    same."""
    changeset = sorted((netkit.sample_path("riverside") / "changesets").iterdir())[0]
    drawn = run("recompute", RIVERSIDE, changeset, "--format", "json")
    central = run("recompute", RIVERSIDE, changeset, "--format", "json", "--draws", "0")
    assert drawn.exit_code == central.exit_code == 0, central.output
    assert "tolerance 0; draws 0; groups type" in central.stdout  # the settings say so
    assert central.stdout.replace(" draws 0;", "") == drawn.stdout  # the default unsaid
