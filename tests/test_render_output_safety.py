"""Reports never let a name act: no formulas in CSV or workbook reports, no live HTML, links or
images in Markdown, no terminal control sequences in text. System files stay verbatim."""

from __future__ import annotations

import csv
import io
import re
import shutil

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from click.testing import CliRunner
from netkit.cli import cli
from conftest import sample_system

import netkit
from netkit.render.formats import (
    csv_report,
    escape_markdown,
    markdown_table,
    neutralise_spreadsheet_text,
    terminal_safe,
    text_table,
)
from netkit.render.workbook import xlsx_report

IMG = "<img src=x onerror=alert(1)>"
ICB_NAME = f"{IMG} | [x](http://evil.example) & `c`"
HYPERLINK = '=HYPERLINK("http://evil.example/x","click")'
OSC_NAME = "Vale\x1b]0;pwned\x07 Community\x00 Health\x1b[2J"
# As YAML writes it: \e is ESC, \a is BEL.
SYSTEM_NAME = '"Tiny <script>alert(1)</script> Vale\\e]0;pwned\\a"'
CHANGESET = """date: 2026-10-01
description: more frailty, and a renamed ambulance trust
changes:
  - scale_flows: {pathway: frailty, factor: 3}
  - update_organisation: {id: AMB, set: {name: "<b>Amb</b>"}}
"""


@pytest.fixture
def hostile(tmp_path):
    """A copy of tiny whose organisations are named to attack each kind of output."""
    folder = tmp_path / "hostile"
    shutil.copytree(netkit.sample_path("tiny"), folder)
    orgs = folder / "organisations.csv"
    rows = list(csv.reader(io.StringIO(orgs.read_text(encoding="utf-8"))))
    names = {"ICB": ICB_NAME, "ACUTE": HYPERLINK, "COMM": OSC_NAME, "AMB": "@SUM(1+1)",
             "GP1": f"{IMG} Surgery"}
    for row in rows[1:]:
        row[1] = names.get(row[0], row[1])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    orgs.write_text(out.getvalue(), encoding="utf-8")
    (folder / "changes.yaml").write_text(CHANGESET, encoding="utf-8")
    meta = folder / "system.yaml"
    meta.write_text(re.sub(r"(?m)^name: .*$", lambda m: f"name: {SYSTEM_NAME}",
                           meta.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


# -- 7: CSV and workbook reports -----------------------------------------------------------------

def test_neutralise_spreadsheet_text_follows_owasp_but_keeps_plain_numbers():
    assert [neutralise_spreadsheet_text(t) for t in
            ["=1+1", "+A1", "-A1", "@SUM(A1)", "\t=1", "\r=1", "-12.5", "+3", "-", "Vale", ""]] \
        == ["'=1+1", "'+A1", "'-A1", "'@SUM(A1)", "'\t=1", "'\r=1", "-12.5", "+3", "'-", "Vale",
            ""]


def test_csv_report_neutralises_text_cells_and_headers_and_keeps_numbers_numeric():
    frame = pd.DataFrame({"name": [HYPERLINK, "-2+3+cmd|' /C calc'!A0", OSC_NAME],
                          "net": [-12.5, 3.0, 0.0], "=cmd": ["@x", "\r=1+1", "\tx"]})
    rows = list(csv.reader(io.StringIO(csv_report(frame))))
    assert rows == [["name", "net", "'=cmd"],
                    ["'" + HYPERLINK, "-12.5", "'@x"],
                    ["'-2+3+cmd|' /C calc'!A0", "3.0", "'=1+1"],  # CR dropped, then quoted
                    ["Vale Community Health", "0.0", "'\tx"]]


def test_partners_csv_report_neutralises_names(hostile):
    rows = list(csv.DictReader(io.StringIO(run("partners", hostile, "-O", "frailty", "-f", "csv"))))
    names = {r["id"]: r["name"] for r in rows}
    assert names["ACUTE"] == "'" + HYPERLINK
    assert names["AMB"] == "'@SUM(1+1)"
    assert names["ICB"] == ICB_NAME  # starts with "<": nothing a spreadsheet runs
    assert all(not r["score"].startswith("'") for r in rows)


def test_system_csv_files_stay_verbatim(hostile, tmp_path):
    system = netkit.load_system(hostile)
    folder = netkit.save_system(system, tmp_path / "copy")
    again = netkit.load_system(folder)
    assert again.organisations.set_index("id")["name"]["ACUTE"] == HYPERLINK
    assert f'"{HYPERLINK.replace(chr(34), chr(34) * 2)}"' in (folder / "organisations.csv") \
        .read_text(encoding="utf-8")


# -- 20 (xlsx): one sheet per table ---------------------------------------------------------

def test_xlsx_report_has_one_sheet_per_table_text_as_neutralised_text_numbers_as_numbers(hostile):
    from netkit.cli.options import render

    result = netkit.find_partners(netkit.load_system(hostile), "frailty")
    data = render(result, "xlsx")
    assert isinstance(data, bytes) and data == render(result, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["partners", "curve", "incentives", "gain_share"]
    sheet = book["partners"]
    header = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    name = sheet.cell(rows["ACUTE"], header.index("name") + 1)
    assert (name.value, name.data_type) == ("'" + HYPERLINK, "s")
    score = sheet.cell(rows["ACUTE"], header.index("score") + 1)
    assert score.data_type == "n" and isinstance(score.value, float)
    assert "\x1b" not in str([c.value for row in sheet.iter_rows() for c in row])
    assert [c.value for c in book["curve"][1]][:5] == ["size", "added", "benefit", "cost", "net"]


def test_xlsx_report_for_all_opportunities_and_the_default_sheet():
    from netkit.cli.options import render

    system = sample_system("tiny")
    report = netkit.find_all_partners(system)
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    assert book.sheetnames == ["partners", "curve", "incentives", "gain_share"]
    assert [c.value for c in book["curve"][1]][:2] == ["opportunity", "size"]
    assert {book["partners"].cell(r, 1).value for r in range(2, book["partners"].max_row + 1)} \
        == {"frailty", "falls"}
    book = openpyxl.load_workbook(io.BytesIO(render(netkit.summarise(system), "xlsx")))
    assert book.sheetnames == ["report"]  # a result without to_sheets: its to_frame


def test_xlsx_report_bytes_are_deterministic():
    frame = pd.DataFrame({"name": ["=1+1", "Vale"], "n": [1, -2]})
    assert xlsx_report({"t": frame}) == xlsx_report({"t": frame.copy()})


# -- 8: Markdown ----------------------------------------------------------------------------

def test_escape_markdown():
    assert escape_markdown(ICB_NAME) == ("\\<img src=x onerror=alert(1)\\> \\| "
                                         "\\[x\\](http://evil.example) & \\`c\\`")
    assert escape_markdown("a\nb\\c") == "a b\\\\c"
    assert markdown_table(pd.DataFrame({"<th>": [IMG]})) == (
        "| \\<th\\> |\n|---|\n| \\<img src=x onerror=alert(1)\\> |")
    # a table cell opens no line: a leading ">", "-" or "#" there is text, left as it is
    assert markdown_table(pd.DataFrame({"# n": [">99%"], "net": ["- £5"]})) == (
        "| # n | net |\n|---|---|\n| >99% | - £5 |")


@pytest.mark.parametrize("name, escaped", [
    ("Smith & Sons <Care> Ltd", "Smith & Sons \\<Care\\> Ltd"),
    ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
    ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
    ("![i](http://evil.example/i.png)", "!\\[i\\](http://evil.example/i.png)"),
    ("<http://evil.example>", "\\<http://evil.example\\>"),
    ("A | B", "A \\| B"),
    ("`rm -rf` ```", "\\`rm -rf\\` \\`\\`\\`"),
    ("*bold* **b** ~~gone~~", "\\*bold\\* \\*\\*b\\*\\* \\~\\~gone\\~\\~"),
    ("_it_ __b__ list_size", "\\_it\\_ \\_\\_b\\_\\_ list_size"),
    ("# Vale", "\\# Vale"), ("  ## Vale", "  \\## Vale"), ("#1 Vale", "#1 Vale"),
    ("- Vale", "\\- Vale"), ("+ Vale", "\\+ Vale"), ("-£6,200", "-£6,200"),
    ("1. Vale", "1\\. Vale"), ("2) Vale", "2\\) Vale"), ("---", "\\---"), ("===", "\\==="),
    ("> quoted", "\\> quoted"), ("Tom &amp; Co &#60;b&#62;", "Tom \\&amp; Co \\&#60;b\\&#62;"),
    ("A&E, R&D", "A&E, R&D"), ("back\\slash", "back\\\\slash"),
    ("<1% of spend, >99% chance", "<1% of spend, >99% chance"), (">99%", "\\>99%"),
    ("a <-> b", "a \\<-\\> b"),
])
def test_escape_markdown_backslash_escapes_each_markup_character(name, escaped):
    """CommonMark backslash escapes, not HTML entities: the name reads as written in the .md
    file, and renders as the same text."""
    assert escape_markdown(name) == escaped
    assert _unescaped(escaped) == name


def _unescaped(markdown: str) -> str:
    """The text a CommonMark renderer shows for escaped text: each backslash before an ASCII
    punctuation character dropped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


@given(st.text(alphabet=st.sampled_from(list("ab1 #-+=.)_*`~|[]()<>!&;\\")), max_size=30))
def test_escape_markdown_leaves_no_markup_live(text):
    escaped = escape_markdown(text)
    assert _unescaped(escaped) == text
    live = re.findall(r"(?<!\\)(?:\\\\)*([`*~|\[\]]|[<>](?!\d))", escaped)
    assert live == []  # every markup character has a backslash before it


# a markup character with no backslash before it (an even number of backslashes is none)
_LIVE = re.compile(r"(?<!\\)(?:\\\\)*(?:<[A-Za-z/!?]|\]\()")


def _no_live_markup(markdown: str):
    assert not _LIVE.search(markdown), _LIVE.search(markdown)
    assert "\x1b" not in markdown and "\x00" not in markdown


@pytest.mark.parametrize("args", [("partners", "{}", "-O", "frailty"), ("partners", "{}", "--all"),
                                  ("summary", "{}"), ("opportunities", "{}"),
                                  ("recompute", "{}", "{}/changes.yaml")])
def test_markdown_reports_escape_html_in_names(hostile, args):
    text = run(*[a.format(hostile) for a in args], "-f", "markdown")
    _no_live_markup(text)
    if args[0] != "opportunities":
        assert "\\<img src=x onerror=alert(1)\\>" in text or "\\<b\\>Amb\\</b\\>" in text


def test_markdown_partner_report_shows_the_escaped_name(hostile):
    text = run("partners", hostile, "-O", "frailty", "-f", "markdown")
    assert ("\\<img src=x onerror=alert(1)\\> \\| \\[x\\](http://evil.example) & \\`c\\`"
            in text)


def test_markdown_recompute_escapes_names_in_the_event_log(hostile):
    text = run("recompute", hostile, hostile / "changes.yaml", "-f", "markdown")
    assert "- event 2: AMB: name = \\<b\\>Amb\\</b\\>" in text.splitlines()


# -- 9: text --------------------------------------------------------------------------------

def test_terminal_safe_strips_escape_sequences_and_controls():
    assert terminal_safe(OSC_NAME) == "Vale Community Health"
    assert terminal_safe("a\x9b31mb\x7fc\u202ed\u2066e") == "abcde"
    assert terminal_safe("\x1bPq#0;2;0;0;0\x1b\\x") == "x"  # DCS up to ST
    assert terminal_safe("line\tone\r\nline two") == "line\tone\nline two"
    assert terminal_safe("a\tb\r\nc", inline=True) == "a b c"
    assert text_table(pd.DataFrame({"name": [OSC_NAME]})).splitlines()[2] == \
        "Vale Community Health"


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("args", [("partners", "{}", "-O", "frailty"), ("partners", "{}", "--all"),
                                  ("summary", "{}"), ("opportunities", "{}"),
                                  ("recompute", "{}", "{}/changes.yaml")])
def test_text_reports_carry_no_control_sequences(hostile, args):
    text = run(*[a.format(hostile) for a in args])
    assert not _CONTROLS.search(text), _CONTROLS.search(text)
    assert "pwned" not in text


def test_library_text_renderers_are_safe_without_the_cli(hostile):
    system = netkit.load_system(hostile)
    ps = netkit.find_partners(system, "frailty")
    for text in (ps.to_text(), ps.to_markdown(), netkit.find_all_partners(system).to_text()):
        assert not _CONTROLS.search(text) and "pwned" not in text
    assert "Vale Community Health" in ps.to_text()
