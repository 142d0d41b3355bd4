"""Text reports wrap at spaces only, never at a hyphen, so that an id (``IC-COM``) or a name
(``Stoke-on-Trent``) is never split across lines (netkit/render/text.py: `wrap`, used by the
text renderer's bullets and notes and by the partner report's own wrapped lines)."""

from __future__ import annotations

from conftest import sample_system

import netkit
from netkit.render.document import Bullets, Document, Note
from netkit.render.text import render_text, wrap

DRAFT = "draft-x: shift 36% from ED-SHI, AMB-111 to UCR-COM, IC-COM, DN-COM"


def test_wrap_breaks_at_spaces_only():
    # "UCR-COM, IC-" would fit 28 characters; the id is kept whole on the next line instead
    assert wrap("shift 36% to UCR-COM, IC-COM, DN-COM", 28, subsequent_indent="  ") == [
        "shift 36% to UCR-COM,", "  IC-COM, DN-COM"]
    assert wrap("Stoke-on-Trent City Council", 20) == ["Stoke-on-Trent City", "Council"]


def test_a_bullet_keeps_an_id_whole():
    # at 60 characters "  - " and the item up to "UCR-COM," take 55; " IC-" would reach 59 and
    # fit, so breaking at hyphens gave "IC-" / "COM"
    assert render_text(Document([Bullets((DRAFT,))]), width=60) == (
        "  - draft-x: shift 36% from ED-SHI, AMB-111 to UCR-COM,\n"
        "    IC-COM, DN-COM\n")


def test_a_note_keeps_a_name_whole():
    # "note: the care home at Stoke-on-" is 32 characters: a break at a hyphen fitted there
    note = Note("the care home at Stoke-on-Trent is left out", label="note")
    assert render_text(Document([note]), width=32) == (
        "\nnote: the care home at\n  Stoke-on-Trent is left out\n")


def test_the_diagnose_report_keeps_its_drafts_ids_whole():
    lines = netkit.diagnose(sample_system("shire")).to_text().splitlines()
    at = lines.index("  - draft-frailty-urgent-north-emergency-attendances: shift 36% from "
                     "ED-SHI, AMB-111 to UCR-COM,")
    assert lines[at + 1] == "    IC-COM, DN-COM"


def test_the_partner_report_keeps_a_hyphenated_word_whole():
    text = netkit.find_all_partners(sample_system("tiny")).to_text()
    assert ("Support rule: Organisations are grouped by type. A z-score is shown only where at "
            "least 5 open\n  two-paths of that role were expected by chance") in text
