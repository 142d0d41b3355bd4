r"""A result's text, Markdown and HTML page as views of the one `Document` its ``report()``
builds: the methods every result would otherwise write out again."""

from __future__ import annotations

from netkit.render.html import render_page
from netkit.render.markdown import render_markdown
from netkit.render.text import render_text

__all__ = ["ReportViews"]


class ReportViews:
    r"""Mixed into a result that has ``report() -> Document``; it gives `to_text`, `to_markdown`
    and `to_html` (a self-contained page). A result that needs options in a view (such as a
    partner report's ``top``) defines that method itself.

    Examples
    --------
    >>> from netkit.render.document import Document, Paragraph
    >>> class Note(ReportViews):
    ...     def report(self):
    ...         return Document([Paragraph("Vale <Care>")], title="A note")
    >>> print(Note().to_markdown(), end="")
    Vale \<Care\>
    """

    def to_text(self) -> str:
        return render_text(self.report())

    def to_markdown(self) -> str:
        return render_markdown(self.report())

    def to_html(self) -> str:
        return render_page(self.report())
