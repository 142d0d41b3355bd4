"""The document model and its three renderers (`netkit.render`): each block in each format,
written out by hand, and hostile names kept inert in every format."""

import pandas as pd
import pytest
from conftest import sample_system

from netkit.render.document import (
    Block,
    Bullets,
    Document,
    Footer,
    Heading,
    Lines,
    Note,
    Paragraph,
    Raw,
    Table,
)
from netkit.render.html import render_html, render_page
from netkit.render.markdown import render_markdown
from netkit.render.text import render_text

TABLE = pd.DataFrame({"type": ["icb", "pcn"], "n": ["1", "12"]})

DOC = Document([
    Heading("Vale"),
    Lines(["2 organisations", "1 pathway"], muted=True),
    Heading("Types", 2),
    Paragraph("by type", indent=2),
    Table(TABLE, right=("n",)),
    Bullets(["one", "two"]),
    Paragraph("and 3 more", emphasis=True, only=("markdown",)),
    Raw("<svg></svg>"),
    Note("thin ties left out"),
    Note("weights 1", label="Options"),
    Footer("netkit 1.0"),
], title="Vale report")


def test_text():
    assert render_text(DOC) == (
        "Vale\n"
        "====\n"
        "2 organisations\n"
        "1 pathway\n"
        "\n"
        "Types\n"
        "  by type\n"
        "type   n\n"
        "----  --\n"
        "icb    1\n"
        "pcn   12\n"
        "  - one\n"
        "  - two\n"
        "\n"
        "note: thin ties left out\n"
        "Options: weights 1\n")


def test_markdown():
    assert render_markdown(DOC) == (
        "# Vale\n"
        "\n"
        "2 organisations  \n"
        "1 pathway  \n"
        "\n"
        "## Types\n"
        "\n"
        "by type\n"
        "\n"
        "| type | n |\n"
        "|---|--:|\n"
        "| icb | 1 |\n"
        "| pcn | 12 |\n"
        "\n"
        "- one\n"
        "- two\n"
        "\n"
        "*and 3 more*\n"
        "\n"
        "*Note: thin ties left out*\n"
        "\n"
        "*Options: weights 1*\n")


def test_html():
    table = TABLE.to_html(index=False, na_rep="", escape=True, border=0, classes="netkit")
    assert render_html(DOC) == "\n".join([
        "<h1>Vale</h1>",
        "<p class=\"muted\">2 organisations</p>",
        "<p class=\"muted\">1 pathway</p>",
        "<h2>Types</h2>",
        "<p>by type</p>",
        table,
        "<ul><li>one</li><li>two</li></ul>",
        "<svg></svg>",
        "<p class=\"muted\">Note: thin ties left out</p>",
        "<p class=\"muted\">Options: weights 1</p>",
        "<footer>netkit 1.0</footer>"])


def test_html_for_a_notebook_is_compact_with_smaller_headings():
    doc = Document([Heading("A"), Lines(["x", "y"]), Heading("B", 2), Paragraph("z")])
    assert render_html(doc, notebook=True) == "<h4>A</h4><p>x</p><p>y</p><h5>B</h5><p>z</p>"


def test_page_carries_the_title_and_the_body():
    page = render_page(Document([Heading("A & B")], title="<Vale>"))
    assert "<title>&lt;Vale&gt;</title>" in page
    assert "<h1>A &amp; B</h1>" in page
    assert page.startswith("<!DOCTYPE html>")


def test_blocks_for_some_formats_only():
    doc = Document([Paragraph("terminal", only=("text",)), Paragraph("paper", only=("markdown",)),
                    Paragraph("page", only=("html",)), Paragraph("all")])
    assert render_text(doc) == "terminal\nall\n"
    assert render_markdown(doc) == "paper\n\nall\n"
    assert render_html(doc) == "<p>page</p>\n<p>all</p>"


def test_apart_puts_a_blank_line_before_a_block_in_text_only():
    doc = Document([Paragraph("a"), Paragraph("b", apart=True)])
    assert render_text(doc) == "a\n\nb\n"
    assert render_markdown(doc) == "a\n\nb\n"


def test_a_long_title_is_underlined_to_the_width():
    assert render_text(Document([Heading("x" * 30)]), width=10) == "x" * 30 + "\n" + "=" * 10 + "\n"


def test_text_wraps_bullets_and_notes():
    doc = Document([Bullets(["aaa bbb ccc"]), Note("ddd eee fff")])
    assert render_text(doc, width=10) == "  - aaa\n    bbb\n    ccc\n\nnote: ddd\n  eee fff\n"


def test_none_blocks_are_left_out_and_documents_add():
    doc = Document([Paragraph("a"), None]) + Document([Paragraph("b")], title="T")
    assert render_text(doc) == "a\nb\n"
    assert doc.title == "T"


def test_raw_and_footer_are_html_only():
    doc = Document([Raw("<svg/>"), Footer("netkit")])
    assert render_text(doc) == "\n"
    assert render_markdown(doc) == "\n"


HOSTILE = "<img src=x onerror=alert(1)> [x](http://e) | `y` \x1b]0;pwned\x07\x1b[31mred\nline"
HOSTILE_FRAME = pd.DataFrame({"name": [HOSTILE]})


def _hostile_doc() -> Document:
    return Document([Heading(HOSTILE), Heading(HOSTILE, 2), Paragraph(HOSTILE), Lines([HOSTILE]),
                     Bullets([HOSTILE]), Table(HOSTILE_FRAME), Note(HOSTILE, label=HOSTILE),
                     Footer(HOSTILE)], title=HOSTILE)


def test_hostile_names_stay_inert_in_text():
    text = render_text(_hostile_doc())
    assert "\x1b" not in text and "\x07" not in text
    # each name stays on its own line: a line feed in a name cannot start a new line
    assert text.count("redline") == 0
    assert all("pwned" not in line for line in text.splitlines())


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_hostile_names_stay_inert_in_markdown_and_html(fmt):
    out = render_markdown(_hostile_doc()) if fmt == "markdown" else render_page(_hostile_doc())
    assert "<img" not in out.replace("\\<img", "")  # "\<" is the text "<" in Markdown
    assert ("\\<img src=x onerror=alert(1)\\>" if fmt == "markdown" else
            "&lt;img src=x onerror=alert(1)&gt;") in out
    assert "\x1b" not in out or fmt == "html"
    if fmt == "markdown":
        assert "](http" not in out.replace("\\](http", "")
        assert "\\| \\`y\\`" in out


def test_text_has_no_terminal_controls_even_in_tables():
    doc = Document([Table(pd.DataFrame({"a\x1b[2J": ["\x1b]0;x\x07b"]}))])
    assert render_text(doc) == "a\n-\nb\n"


def test_a_block_no_renderer_knows_is_an_error():
    with pytest.raises(TypeError, match="no Markdown for a Block"):
        render_markdown(Document([Block()]))
    with pytest.raises(TypeError, match="no HTML for a Block"):
        render_html(Document([Block()]))


def test_results_build_one_document_that_every_view_renders():
    import netkit

    system = sample_system("tiny")
    results = [netkit.summarise(system), netkit.list_opportunities(system),
               netkit.validate(netkit.sample_path("tiny")),
               netkit.find_partners(system, "frailty")]
    for result in results:
        doc = result.report()
        assert isinstance(doc, Document)
        assert result.to_text() == render_text(doc)
        if hasattr(result, "to_markdown"):
            assert result.to_markdown() == render_markdown(doc)


def test_a_change_result_and_mined_pathways_render_through_their_document():
    import netkit
    from netkit.change.changeset import Changeset
    from netkit.mining.events import read_events

    change = netkit.apply_changes(sample_system("tiny"), Changeset.of(
        [{"remove_service": {"id": "UCR", "reroute_to": "ED"}}], description="Close <UCR>"))
    events = netkit.sample_path("tiny_events")
    mined = netkit.mine_pathways(read_events(events / "events.csv", text_columns=["patient"]),
                                 case="patient", time="when", service="code", dayfirst=True,
                                 mapping=read_events(events / "codes.csv"), disclosure="nhs")
    for result in (change, mined):
        doc = result.report()
        assert isinstance(doc, Document)
        assert result.to_text() == render_text(doc)
        assert result.to_markdown() == render_markdown(doc)
        assert result._repr_html_() == render_html(doc, compact=True)
    # one document: the warning shows in every format, a blank place is blank everywhere
    warning = f"warning: {change.warnings[0]}"
    assert warning in change.to_text() and warning in change.to_markdown()
    assert "None" not in change._repr_html_() and "&lt;UCR&gt;" in change._repr_html_()
    assert change.to_text().startswith("Changeset changeset: Close <UCR>\n  event 1: UCR closes")
    assert mined.to_markdown().startswith("# Pathway mined\n\n- Pathway mined: ")


def test_a_hostile_system_name_is_inert_in_the_summary():
    import dataclasses

    import netkit

    summary = netkit.summarise(sample_system("tiny"))
    summary = dataclasses.replace(summary, name=HOSTILE)
    assert "\x1b" not in summary.to_text()
    assert "<img" not in summary.to_markdown().replace("\\<img", "")
    assert "<img" not in summary._repr_html_()
