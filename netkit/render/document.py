"""A report as a value: a `Document` is a list of blocks (headings, paragraphs, lines, bullets,
tables, notes, and raw HTML for the few things only a page has) that one renderer per format
turns into text for a terminal (`netkit.render.text`), Markdown for a board paper
(`netkit.render.markdown`) or HTML (`netkit.render.html`).

Result classes build one document from their data; the renderers decide how each block looks
and escape every name for their format, so a caller never escapes anything itself.

A block shows in every format unless its ``only`` names some: ``Paragraph("…", only=TEXT)``
is for the terminal alone (where a format says the same thing in other words or another shape);
`TEXT`, `MARKDOWN`, `HTML` and `PAGES` (Markdown and HTML) are the groups every report uses.

Examples
--------
>>> import pandas as pd
>>> from netkit.render.text import render_text
>>> doc = Document([Heading("Vale"), Paragraph("2 organisations"), Heading("Types", 2),
...                 Table(pd.DataFrame({"type": ["icb", "pcn"], "n": ["1", "12"]}), right=("n",))])
>>> print(render_text(doc), end="")
Vale
====
2 organisations
<BLANKLINE>
Types
type   n
----  --
icb    1
pcn   12
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Document", "Block", "Heading", "Paragraph", "Lines", "Bullets", "Table", "Note",
           "Raw", "Footer", "FORMATS", "TEXT", "MARKDOWN", "HTML", "PAGES"]

FORMATS = ("text", "markdown", "html")
#: The formats a block may be kept to (``only=``): one each, and the two that are pages.
TEXT, MARKDOWN, HTML, PAGES = ("text",), ("markdown",), ("html",), ("markdown", "html")


@dataclass(frozen=True)
class Block:
    """One piece of a document. ``only``: the formats it shows in (empty: all); ``apart``: a
    blank line before it in text (text runs a section's blocks together; Markdown and HTML
    always separate blocks)."""

    only: tuple = field(default=(), kw_only=True)
    apart: bool = field(default=False, kw_only=True)

    def shows_in(self, fmt: str) -> bool:
        return not self.only or fmt in self.only


@dataclass(frozen=True)
class Heading(Block):
    """A title (level 1) or a section heading (level 2 and below)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph(Block):
    """A paragraph. ``indent``: spaces before it in text; ``muted``: a quieter HTML paragraph;
    ``emphasis``: in italics (Markdown and HTML)."""

    text: str
    indent: int = 0
    muted: bool = False
    emphasis: bool = False


@dataclass(frozen=True)
class Lines(Block):
    """Short lines that belong together (a headline): one line each in text, hard line breaks
    in Markdown, a paragraph each in HTML. ``numbered``: each line opens with its number
    ("1. Agree ..."), which Markdown keeps as a numbered list rather than escaping it."""

    items: tuple
    muted: bool = False
    numbered: bool = False


@dataclass(frozen=True)
class Bullets(Block):
    """A bulleted list. ``indent``: spaces before each bullet in text, and ``wrap``: long
    items wrapped to the width there at spaces only, the lines aligned under the text, so that
    ids such as ``COM-TRUST`` stay whole (``hyphens``: at a hyphen too, which no report of
    netkit's asks for). ``more``: a closing line saying what the list leaves out (in italics,
    no bullet in text)."""

    items: tuple
    indent: int = 2
    wrap: bool = True
    more: str = ""
    hyphens: bool = False


@dataclass(frozen=True)
class Table(Block):
    """A table of text cells; columns named in ``right`` are right-aligned (text and
    Markdown); ``max_width`` cuts long text cells in a terminal."""

    frame: "pd.DataFrame"
    right: tuple = ()
    max_width: int = 40


@dataclass(frozen=True)
class Note(Block):
    """A caveat or a footnote, ``label: text`` (``note: …`` in text, *Note: …* in Markdown)."""

    text: str
    label: str = "note"


@dataclass(frozen=True)
class Raw(Block):
    """Markup only a page has (an inline SVG, a map): HTML only, written as given, so it must
    come from netkit's own drawing code, never from a name in the input."""

    html: str
    only: tuple = field(default=("html",), kw_only=True)


@dataclass(frozen=True)
class Footer(Block):
    """The provenance line at the foot of a page (HTML only)."""

    text: str
    only: tuple = field(default=("html",), kw_only=True)


@dataclass(frozen=True)
class Document:
    """A report: its blocks in reading order, and the title a page carries."""

    blocks: tuple
    title: str = ""

    def __init__(self, blocks=(), title: str = ""):
        object.__setattr__(self, "blocks", tuple(b for b in blocks if b is not None))
        object.__setattr__(self, "title", title)

    def __add__(self, other: "Document") -> "Document":
        return Document(self.blocks + tuple(other.blocks), self.title or other.title)

    def blocks_for(self, fmt: str) -> list:
        """The blocks that show in ``fmt``."""
        return [b for b in self.blocks if b.shows_in(fmt)]
