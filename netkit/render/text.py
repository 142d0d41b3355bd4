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

__all__ = ["render_text", "wrap"]


def wrap(text: str, width: int = 100, initial_indent: str = "",
         subsequent_indent: str = "") -> list[str]:
    """Text wrapped into lines at most ``width`` wide, broken only at spaces: never at a hyphen,
    so that an id (``IC-COM``) or a name (``Stoke-on-Trent``) stays whole on one line. Every
    text report wraps with this (a word longer than the width is still cut, as textwrap does).

    Examples
    --------
    >>> wrap("shift 36% from ED-SHI, AMB-111 to UCR-COM, IC-COM, DN-COM", 40,
    ...      subsequent_indent="  ")
    ['shift 36% from ED-SHI, AMB-111 to', '  UCR-COM, IC-COM, DN-COM']
    """
    return textwrap.wrap(text, width, initial_indent=initial_indent,
                         subsequent_indent=subsequent_indent, break_on_hyphens=False)


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
            out += ["\n".join(_wrap_item(item, width, pad, block.hyphens)) if block.wrap
                    else pad + "- " + terminal_safe(item, inline=True) for item in block.items]
            if block.more:
                out.append(pad + terminal_safe(block.more, inline=True))
        elif isinstance(block, Table):
            out.append(text_table(block.frame, right=block.right, max_width=block.max_width))
        elif isinstance(block, Note):
            if not isinstance(previous, Note):
                out.append("")
            out += wrap(f"{block.label}: {block.text}", width, subsequent_indent="  ")
        previous = block
    return terminal_safe("\n".join(out) + "\n")


def _wrap_item(item: str, width: int, pad: str, hyphens: bool) -> list[str]:
    if hyphens:  # only where a caller asks for it: no report of netkit's does
        return textwrap.wrap(item, width, initial_indent=pad + "- ", subsequent_indent=pad + "  ")
    return wrap(item, width, initial_indent=pad + "- ", subsequent_indent=pad + "  ")
