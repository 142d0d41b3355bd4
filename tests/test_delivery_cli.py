"""``netkit track``: messages, formats and exit codes, on a copy of tiny with a plan and the
constructed actuals of test_delivery_track (achieved 25% against a plan of 50%)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from netkit.cli import cli
from test_delivery_track import actuals

PLAN = "  plan: {baseline: [2024-01, 2024-12], start: 2025-01, target: 0.5, months: 12}\n"


@pytest.fixture
def tiny_plan(tmp_path):
    folder = shutil.copytree(SAMPLES / "tiny", tmp_path / "tiny")
    text = (folder / "opportunities.yaml").read_text()
    text = text.replace("    fraction: 0.2\n", "    fraction: 0.2\n" + PLAN, 1)
    (folder / "opportunities.yaml").write_text(text)
    return folder


def run(*args):
    return CliRunner().invoke(cli, ["track", *map(str, args)])


def write(tmp_path, frame, name="actuals.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_text_one_line_per_measure(tiny_plan, tmp_path):
    result = run(tiny_plan, "-O", "frailty", "--actuals", write(tmp_path, actuals()))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Achieved shift 25.0% against a plan of 50.0% (50% of plan)" in out
    assert "diverted share 25.0% against a plan of 50.0% (baseline 0.0%): improving (special " \
           "cause); plan beyond the baseline's process limits: met only if the process " \
           "changes" in out
    # the risk-and-gain-share designer's keep-whole (worked in test_delivery_track's docstring)
    assert "Tiny Vale ICB owes Vale Hospital £192,500 a year (plan: £385,000)" in out


def test_json_has_the_contract_names(tiny_plan, tmp_path):
    result = run(tiny_plan, "-O", "frailty", "-a", write(tmp_path, actuals()), "-f", "json")
    data = json.loads(result.stdout)
    assert data["achieved"] == pytest.approx(0.25)
    assert data["demand_change"] == pytest.approx(8) and data["effect"] == pytest.approx(-12)
    assert [m["name"] for m in data["measures"]] == [
        "from_patients", "to_patients", "diverted_share", "entries", "community_balance"]


def test_html_page_and_charts(tiny_plan, tmp_path):
    page = tmp_path / "board.html"
    result = run(tiny_plan, "-O", "frailty", "-a", write(tmp_path, actuals()), "-o", page,
                 "--charts", tmp_path / "charts", "--chart-format", "png")
    assert result.exit_code == 0, result.output
    assert page.read_text().count("<svg") == 15
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == [
        "community_balance.png", "diverted_share.png", "entries.png", "from_patients.png",
        "to_patients.png"]


def test_exit_code_3_on_concern(tiny_plan, tmp_path):
    worse = write(tmp_path, actuals(after=(100, 45, 5, 50)))
    assert run(tiny_plan, "-O", "frailty", "-a", worse, "--exit-code").exit_code == 3
    assert run(tiny_plan, "-O", "frailty", "-a", worse).exit_code == 0
    better = write(tmp_path, actuals(), "better.csv")
    assert run(tiny_plan, "-O", "frailty", "-a", better, "--exit-code").exit_code == 0


def test_bad_actuals_exit_1_with_rows(tiny_plan, tmp_path):
    bad = actuals()
    bad.loc[5, "period"] = "2024/06"
    result = run(tiny_plan, "-O", "frailty", "-a", write(tmp_path, bad))
    assert result.exit_code == 1
    assert "actuals.csv row 7, column period: '2024/06' is not a month written YYYY-MM " \
           "(e.g. 2026-04)" in result.stderr
    assert "Traceback" not in result.output


def test_no_plan_exit_1(tmp_path):
    folder = shutil.copytree(SAMPLES / "tiny", tmp_path / "tiny")
    result = run(folder, "-O", "frailty", "-a", write(tmp_path, actuals()))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: opportunity 'frailty' has no plan; add one to its "
                                    "entry in opportunities.yaml, e.g. plan: {baseline: ")


def test_short_actuals_exit_2(tiny_plan, tmp_path):
    result = run(tiny_plan, "-O", "frailty", "-a", write(tmp_path, actuals(months_after=2)))
    assert result.exit_code == 2
    assert "the plan needs the baseline (2024-01 to 2024-12) and at least 3 months from its " \
           "start (2025-01)" in result.stderr


def test_missing_options_are_usage_errors(tiny_plan):
    result = run(tiny_plan, "-O", "frailty")
    assert result.exit_code == 2 and "Missing option '--actuals'" in result.output
