"""A `netkit.render.document.Document` as a Word file (boards circulate Word), through
python-docx, an optional dependency (``pip install 'netkit[engage]'``).

The blocks a board paper shows (those that show in Markdown) become Word's own headings,
paragraphs, bulleted and numbered lists and tables; names are written as text, never as markup,
with terminal controls and the characters a Word file cannot hold removed. The file's times are
fixed, so the same pack gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import io
import re

import pandas as pd

from netkit.errors import NetkitError
from netkit.render.document import (
    Bullets,
    Document,
    Heading,
    Lines,
    Note,
    Paragraph,
    Table,
)
from netkit.render.formats import terminal_safe

__all__ = ["docx_bytes", "require_docx", "DocxMissing"]

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FIXED = _dt.datetime(2000, 1, 1)


class DocxMissing(NetkitError):
    """python-docx is not installed."""


def require_docx():
    """The ``docx`` module, or `DocxMissing` saying how to install it."""
    try:
        import docx
    except ImportError:
        raise DocxMissing("Word output needs python-docx, which is not installed: pip install "
                          "'netkit[engage]' (or pip install python-docx), or choose --format "
                          "markdown, html or xlsx") from None
    return docx


def _text(value) -> str:
    return _ILLEGAL.sub("", terminal_safe(str(value), inline=True))


def _table(word, frame) -> None:
    table = word.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, column in zip(table.rows[0].cells, frame.columns):
        cell.text = _text(column)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in frame.itertuples(index=False, name=None):  # a report table, not a hot path
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = "" if pd.isna(value) else _text(value)


def docx_bytes(doc: Document) -> bytes:
    """The document as the bytes of a ``.docx`` file.

    Examples
    --------
    >>> from netkit.render.document import Heading, Paragraph
    >>> data = docx_bytes(Document([Heading("Vale <b>"), Paragraph("2 partners")], title="Vale"))
    >>> import docx, io
    >>> [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    ['Vale <b>', '2 partners']
    """
    from netkit.engagement.board import Asks
    from netkit.render.workbook import _fixed_times

    docx = require_docx()
    word = docx.Document()
    props = word.core_properties
    props.title, props.author = _text(doc.title), "netkit"
    props.created = props.modified = props.last_printed = _FIXED
    sections = 0
    for block in doc.blocks_for("markdown"):
        if isinstance(block, Heading) and block.level == 2:
            sections += 1
            if sections > 1:  # each section from a new page: the board summary is one page
                word.add_page_break()
        if isinstance(block, Heading):
            word.add_heading(_text(block.text), level=min(block.level - 1, 9))
        elif isinstance(block, Asks):
            for line in block.items:
                word.add_paragraph(_text(re.sub(r"^\d+\.\s*", "", line)), style="List Number")
        elif isinstance(block, Lines):
            for line in block.items:
                word.add_paragraph(_text(line))
        elif isinstance(block, Bullets):
            for item in block.items + ((block.more,) if block.more else ()):
                word.add_paragraph(_text(item), style="List Bullet")
        elif isinstance(block, Paragraph):
            run = word.add_paragraph().add_run(_text(block.text))
            run.italic = block.emphasis
        elif isinstance(block, Note):
            run = word.add_paragraph().add_run(_text(f"{block.label[:1].upper()}"
                                                     f"{block.label[1:]}: {block.text}"))
            run.italic = True
        elif isinstance(block, Table):
            _table(word, block.frame)
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_times(buffer.getvalue())
