"""A `netkit.render.document.Document` as HTML: the body of a self-contained page
(`netkit.render.formats.html_page`) or, with ``notebook=True``, a compact fragment for a
notebook's ``_repr_html_`` (headings three levels smaller, blocks run together). Every name is
escaped; only `Raw` blocks, which come from netkit's own drawing code, pass as written."""

from __future__ import annotations

import html

from netkit.render.document import (
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
from netkit.render.formats import html_page, html_table

__all__ = ["render_html", "render_page"]


def render_html(doc: Document, notebook: bool = False, compact: bool = False) -> str:
    """The document as an HTML fragment: a page's body, one block a line; ``compact``, the
    blocks run together; ``notebook``, compact with headings three levels smaller.

    Examples
    --------
    >>> from netkit.render.document import Bullets, Document, Heading, Lines
    >>> print(render_html(Document([Heading("A & B"), Lines(["<x>"], muted=True),
    ...                             Bullets(["one", "t<w>o"])])))
    <h1>A &amp; B</h1>
    <p class="muted">&lt;x&gt;</p>
    <ul><li>one</li><li>t&lt;w&gt;o</li></ul>
    >>> render_html(Document([Heading("A"), Heading("B", 2)]), notebook=True)
    '<h4>A</h4><h5>B</h5>'
    """
    shift = 3 if notebook else 0
    joiner = "" if notebook or compact else "\n"
    return joiner.join(_block(b, shift, joiner) for b in doc.blocks_for("html"))


def render_page(doc: Document, **page) -> str:
    """The document as a whole page, titled by ``doc.title`` (``page``: `html_page` options,
    such as the scripts and styles a map needs)."""
    return html_page(doc.title, render_html(doc), **page)


def _block(block, shift: int, joiner: str) -> str:
    e = html.escape
    if isinstance(block, Heading):
        level = block.level + shift
        return f"<h{level}>{e(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        return _p(f"<em>{e(block.text)}</em>" if block.emphasis else e(block.text), block.muted)
    if isinstance(block, Lines):
        return joiner.join(_p(e(line), block.muted) for line in block.items)
    if isinstance(block, Bullets):
        more = f"<li><em>{e(block.more)}</em></li>" if block.more else ""
        return "<ul>" + "".join(f"<li>{e(item)}</li>" for item in block.items) + more + "</ul>"
    if isinstance(block, Table):
        return html_table(block.frame)
    if isinstance(block, Note):
        label = block.label[:1].upper() + block.label[1:]
        return _p(f"{e(label)}: {e(block.text)}", True)
    if isinstance(block, Raw):
        return block.html
    if isinstance(block, Footer):
        return f"<footer>{e(block.text)}</footer>"
    raise TypeError(f"no HTML for a {type(block).__name__} block")


def _p(inner: str, muted: bool) -> str:
    return f"<p class=\"muted\">{inner}</p>" if muted else f"<p>{inner}</p>"
