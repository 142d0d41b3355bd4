"""The recompute reports as an analyst reads them: the answer first, long lists summarised,
whole patients, no Python values, and a provenance footer (issue 14, items 21, 22 and 24)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from netkit.cli import cli

import netkit

RIVERSIDE = netkit.sample_path("riverside")
CHANGESET = RIVERSIDE / "changesets" / "2026-10-virtual-ward.yaml"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


# each report renders a recompute computed once per run (conftest.reuse_results)
pytestmark = pytest.mark.usefixtures("reuse_results")


@pytest.fixture
def later(riverside_later):
    """riverside after its changeset, as a second snapshot: --to derives 90 events from it."""
    return riverside_later


def test_text_leads_with_who_joined_or_left():
    text = run("recompute", RIVERSIDE, CHANGESET)
    lines = text.splitlines()
    assert lines[0] == "What changed: changeset 2026-10-virtual-ward.yaml (2026-10-01)"
    assert lines[3] == ("No core partner changes for any of the 3 opportunities the change "
                        "touches. Partners outside the core move for 2: frailty-admissions, "
                        "riverton-home-first. The money moves for frailty-admissions, "
                        "riverton-home-first, crisis-alternatives. 4 other opportunities were "
                        "not affected.")
    assert lines[5] == ("Reduce avoidable emergency admissions of frail older people "
                        "(frailty-admissions)")
    assert lines[6] == ("  - Age UK Riverside leaves the scope (was inform): the organisation "
                        "closed (event 7)")
    # the outcome comes before the events, the events before the flows
    assert text.index("leaves the scope") < text.index("Events (9):") < text.index(
        "Flows affected:")
    # Finding 13: summed over flows, these are patient movements, not patients (the virtual
    # ward's 360 patients make 720 movements: in from the acute medical unit, out home)
    assert text.endswith("Flows affected:\n"
                         "  moves with VW-ACU from ACU-RIV to COM-TRUST: 6 flows, 720 patient "
                         "movements a year\n"
                         "  added: 2 flows, 240 patient movements a year\n"
                         "  moves with its service to VCSE-AWS: 4 flows, 360 patient movements "
                         "a year\n"
                         "  scaled × 1.1: 81 flows, 11,913 patient movements a year\n"
                         "  patients set: 1 flow, 216 patient movements a year\n")


def test_a_long_list_of_events_is_summarised(later):
    text = run("recompute", RIVERSIDE, "--to", later)
    assert text.index("core now:") < text.index("Events (90):")
    events = [line for line in text.splitlines() if line.startswith("  event ")]
    assert len(events) == 10
    assert ("  and 80 more events (the JSON output lists every one; --top 0 shows them all "
            "here)\n") in text
    # 82 flows with new numbers are one line, not 82: the 81 of mh-crisis (11,913) and the
    # elderly care wards' patients going home in South (216)
    assert "  patients set: 82 flows, 12,129 patient movements a year\n" in text
    every = run("recompute", RIVERSIDE, "--to", later, "--top", "0")
    assert len([line for line in every.splitlines() if line.startswith("  event ")]) == 90
    assert "more events" not in every
    assert len(json.loads(run("recompute", RIVERSIDE, "--to", later, "-f", "json",
                              "--top", "3"))["events"]) == 90


def test_patients_in_words_are_whole(later):
    # 84 × 1.1: the snapshot holds 92.4, the report says 92 (the JSON keeps 92.4)
    text = run("recompute", RIVERSIDE, "--to", later, "--top", "0")
    assert "event 12: mh-crisis: @home → GP-P81002 now 92 patients a year\n" in text
    assert not re.search(r"\d\.\d+ patients", text)
    data = json.loads(run("recompute", RIVERSIDE, "--to", later, "-f", "json"))
    assert 92.4 in {round(f["patients"], 9) for f in data["flows_affected"]}


def test_markdown_puts_the_outcome_first_and_caps_the_flow_table(later):
    md = run("recompute", RIVERSIDE, "--to", later, "-f", "markdown")
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings[:2] == ["# What changed: changeset "
                            f"{RIVERSIDE} → {later} (2026-10-01)", "## Partners"]
    assert headings[-2:] == ["## Events (90)", "## Flows affected"]
    # in selection order; each place's GP practices take part as one seat, in place of their
    # PCNs; the councils come before them now that the scope takes in the reablement and home
    # care the avoided admissions would have reached
    # by name, seats included (JSON keeps the ids in core_after)
    assert ("\nCore now: NHS Riverside Integrated Care Board, Riverside University Hospitals NHS "
            "Foundation Trust, Western Counties Ambulance Service NHS Foundation Trust, Riverside "
            "Community Health NHS Trust, Riverton City Council, Southmere County Council, Primary "
            "care in Riverton, Primary care in Southmere\n") in md
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(table) == 11  # the header and 10 flows
    # flows that moved come before the 81 whose numbers were set (largest first within each),
    # and a place column tells apart the two virtual ward flows from AMU-RIV
    assert table[1] == ("| 4 | frailty-urgent | AMU-RIV | VW-ACU | North | 200 | moves with "
                        "VW-ACU from ACU-RIV to COM-TRUST |")
    assert table[3] == ("| 4 | frailty-urgent | AMU-RIV | VW-ACU | South | 160 | moves with "
                        "VW-ACU from ACU-RIV to COM-TRUST |")
    assert not any("set from" in line for line in table)
    assert md.endswith("*and 84 more flows (the JSON output lists every one)*\n")


def test_html_has_no_python_values_two_decimal_scores_and_a_provenance_footer():
    page = run("recompute", RIVERSIDE, CHANGESET, "-f", "html")
    body = page[page.index("<body"):]
    assert "None" not in body and "nan" not in body
    assert not re.search(r"\d\.\d{3,}", body)  # scores are shown to two decimals
    cells = re.findall(r"<td>([^<]*)</td>", body)
    assert cells[:7] == ["left the scope", "VCSE-AGE", "Age UK Riverside", "inform", "—",
                         "the organisation closed (event 7)", "7"]
    # the acute trust's share of the contacts in scope rises slightly when its virtual ward
    # goes (event 1) and the elderly wards' exits change (events 4 and 9): both round to 0.36
    assert ["score up slightly (under 0.01)", "ACU-RIV",
            "Riverside University Hospitals NHS Foundation Trust", "0.36", "0.36",
            "VW-ACU moved to COM-TRUST (event 1); patient flows on frailty-urgent changed "
            "(events 4, 9)", "1, 4, 9"] in [cells[i:i + 7] for i in range(len(cells) - 6)]
    checksum = netkit.load_system(RIVERSIDE).checksum
    footer = re.search(r"<footer>(.*)</footer>", body).group(1)
    assert footer == (f"netkit {netkit.__version__} · input {RIVERSIDE} (sha256 {checksum}) · "
                      "changeset 2026-10-virtual-ward.yaml · tolerance 0; groups type")


def test_update_repr_is_short():
    system = netkit.load_system(RIVERSIDE)
    update = netkit.recompute(system, netkit.read_changeset(CHANGESET))
    assert repr(update) == ("<TrackerUpdate 2026-10-virtual-ward.yaml: 9 event(s); recomputed "
                            "3, changed frailty-admissions, riverton-home-first>")
