"""The visualise command and the HTML partner report: files written, exit codes, messages."""

from __future__ import annotations

import re

from click.testing import CliRunner
from netkit.cli import cli

import netkit

TINY = str(netkit.sample_path("tiny"))
RIVERSIDE = str(netkit.sample_path("riverside"))
CHANGESET = str(netkit.sample_path("riverside") / "changesets" / "2026-10-virtual-ward.yaml")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _data_nodes(page: str) -> int:
    return int(re.search(r'data-nodes="(\d+)"', page).group(1))


def test_visualise_writes_one_html_file_and_a_picture(tmp_path):
    out, picture = tmp_path / "tiny.html", tmp_path / "tiny.png"
    result = run("visualise", TINY, "-o", out, "--png", picture)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {picture}\nwrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and _data_nodes(page) == 8
    assert "<title>Tiny Vale</title>" in page
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.html", "tiny.png"]


def test_visualise_an_opportunity_and_a_change(tmp_path):
    result = run("visualise", RIVERSIDE, "-O", "frailty-admissions", "--changes", CHANGESET,
                 "-o", tmp_path / "diff.html", "--picture", tmp_path / "diff.svg")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "diff.html").read_text(encoding="utf-8")
    assert "<title>What changed: Reduce avoidable emergency admissions of frail older people" \
           "</title>" in page
    assert "Age UK Riverside leaves the scope (was inform): the organisation closed (event 7)" \
        in page
    footer = page.split("<footer>")[1].split("</footer>")[0]
    assert footer.startswith(f"netkit {netkit.__version__} · input ")
    assert "(sha256 None)" not in footer
    assert footer.endswith(" · changeset 2026-10-virtual-ward.yaml")
    assert (tmp_path / "diff.svg").read_text().startswith("<?xml")


def test_visualise_to_standard_output_is_deterministic():
    first, second = run("visualise", TINY, "-O", "frailty"), run("visualise", TINY, "-O", "frailty")
    assert first.exit_code == 0 and first.stdout == second.stdout
    assert _data_nodes(first.stdout) == 7


def test_visualise_refuses_a_bad_picture_name_and_writes_nothing(tmp_path):
    result = run("visualise", TINY, "-o", tmp_path / "m.html", "--png", tmp_path / "m.jpg")
    assert result.exit_code == 2  # a bad option value is a usage error
    assert result.stderr == ("Error: cannot save a map picture as 'm.jpg': the file must end "
                             "in .png or .svg\n")
    assert list(tmp_path.iterdir()) == []


def test_visualise_explains_options_that_do_not_fit():
    result = run("visualise", TINY, "-O", "frailty", "--services")
    assert result.exit_code == 2  # options that do not fit together: a usage error
    assert result.stderr == ("Error: services are drawn on the whole-system map only; leave "
                             "out --services or the opportunity\n")
    result = run("visualise", TINY, "-O", "nope")
    assert result.exit_code == 1
    assert "no opportunity 'nope' in Tiny Vale (opportunities: frailty, falls)" in result.stderr


def test_max_nodes_is_the_display_budget():
    result = run("visualise", TINY, "--max-nodes", "3")
    assert _data_nodes(result.stdout) == 3
    assert "showing the 3 organisations with most activity of 8" in result.stdout


def test_partner_report_in_html_embeds_the_map_and_provenance(tmp_path):
    out = tmp_path / "report.html"
    result = run("partners", RIVERSIDE, "-O", "frailty-admissions", "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    for heading in ("Partners", "Where one more stops paying", "Incentives", "Network map"):
        assert re.search(rf"<h2>{heading}( \(|</h2>)", page), heading
    assert "<svg" in page  # the benefit/cost curve
    assert _data_nodes(page) == 14  # one per candidate: 8 core and 6 inform (seats count once)
    footer = page.split("<footer>")[1]
    assert footer.startswith(f"netkit {netkit.__version__} · input ")
    assert "(sha256 " in footer and "weights activity=1" in footer
