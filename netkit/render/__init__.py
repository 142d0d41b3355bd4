"""How figures, tables and pages are written for people: numbers, shares and money as a reader expects
them, text and markdown tables, HTML pages with their security policy, JSON-ready values, and the
escaping that keeps names inert in every format, and the one palette every page and picture takes
its colours from. Reports are views: a result builds one
`document.Document` (headings, paragraphs, bullets, tables, notes) and one renderer per format
(`text`, `markdown`, `html`) writes it, escaping every name itself. The lowest layer: it knows
nothing of systems or partners.
"""

__all__: list[str] = []
