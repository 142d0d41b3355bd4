"""A `netkit.render.document.Document` as text for a terminal: a title underlined with ``=``,
a blank line before each section, tables aligned in columns, long notes and bullets wrapped,
and nothing a terminal would act on (`netkit.render.formats.terminal_safe`)."""

from __future__ import annotations

import textwrap

from netkit.render.document import (
    Bullets,
    Document,
    Heading,
    Lines,
    Note,
    Paragraph,
    Table,
)
from netkit.render.formats import terminal_safe, text_table

__all__ = ["render_text"]


def render_text(doc: Document, width: int = 100) -> str:
    """The document as terminal text, lines at most ``width`` wide where they wrap.

    Examples
    --------
    >>> from netkit.render.document import Bullets, Document, Heading, Note
    >>> print(render_text(Document([Heading("A\\x1b[31m B"), Heading("Why", 2),
    ...                             Bullets(["one", "two"]), Note("thin ties left out")])), end="")
    A B
    ===
    <BLANKLINE>
    Why
      - one
      - two
    <BLANKLINE>
    note: thin ties left out
    """
    out: list[str] = []
    previous = None
    for block in doc.blocks_for("text"):
        if block.apart:
            out.append("")
        if isinstance(block, Heading):
            title = terminal_safe(block.text, inline=True)
            out += [title, "=" * min(len(title), width)] if block.level <= 1 else ["", title]
        elif isinstance(block, Paragraph):
            out.append(" " * block.indent + terminal_safe(block.text, inline=True))
        elif isinstance(block, Lines):
            out += [terminal_safe(line, inline=True) for line in block.items]
        elif isinstance(block, Bullets):
            pad = " " * block.indent
            out += [textwrap.fill(item, width, initial_indent=pad + "- ",
                                  subsequent_indent=pad + "  ",
                                  break_on_hyphens=block.hyphens) if block.wrap
                    else pad + "- " + terminal_safe(item, inline=True) for item in block.items]
            if block.more:
                out.append(pad + terminal_safe(block.more, inline=True))
        elif isinstance(block, Table):
            out.append(text_table(block.frame, right=block.right, max_width=block.max_width))
        elif isinstance(block, Note):
            if not isinstance(previous, Note):
                out.append("")
            out.append(textwrap.fill(f"{block.label}: {block.text}", width,
                                     subsequent_indent="  "))
        previous = block
    return terminal_safe("\n".join(out) + "\n")
