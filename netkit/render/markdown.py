"""A `netkit.render.document.Document` as Markdown for a board paper or a wiki: ``#`` headings,
blocks separated by blank lines, GitHub tables, and every name escaped
(`netkit.render.formats.escape_markdown`) so it renders as the text it is, never as markup."""

from __future__ import annotations

import re

from netkit.render.document import (
    Bullets,
    Document,
    Heading,
    Lines,
    Note,
    Paragraph,
    Table,
)
from netkit.render.formats import escape_markdown, markdown_table

__all__ = ["render_markdown"]


def render_markdown(doc: Document) -> str:
    """The document as Markdown.

    Examples
    --------
    >>> from netkit.render.document import Bullets, Document, Heading, Note
    >>> print(render_markdown(Document([Heading("A <b>"), Bullets(["x | y"]),
    ...                                 Note("[link](http://e)")])), end="")
    # A \\<b\\>
    <BLANKLINE>
    - x \\| y
    <BLANKLINE>
    *Note: \\[link\\](http://e)*
    """
    return "\n\n".join(_block(b) for b in doc.blocks_for("markdown")) + "\n"


def _block(block) -> str:
    esc = escape_markdown
    if isinstance(block, Heading):
        return "#" * block.level + " " + esc(block.text)
    if isinstance(block, Paragraph):
        return f"*{esc(block.text)}*" if block.emphasis else esc(block.text)
    if isinstance(block, Lines):
        if block.numbered:  # "1. Agree ...": a numbered list, the rest of each line escaped
            return "\n".join(_numbered(line) for line in block.items)
        return "\n".join(f"{esc(line)}  " for line in block.items)
    if isinstance(block, Bullets):
        more = [f"- *{esc(block.more)}*"] if block.more else []
        return "\n".join([f"- {esc(item)}" for item in block.items] + more)
    if isinstance(block, Table):
        return markdown_table(block.frame, right=block.right)
    if isinstance(block, Note):
        return f"*{esc(_capital(block.label))}: {esc(block.text)}*"
    raise TypeError(f"no Markdown for a {type(block).__name__} block")


def _numbered(line: str) -> str:
    """``1. Agree <x>`` as a Markdown list item: the number kept, the rest escaped.

    >>> print(_numbered("2. Agree the *core*"))
    2. Agree the \\*core\\*
    >>> _numbered("no number")
    'no number  '
    """
    found = re.match(r"(\d{1,9})\. ", line)
    if not found:
        return f"{escape_markdown(line)}  "
    return f"{found.group(1)}. {escape_markdown(line[found.end():], opens_line=False)}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
