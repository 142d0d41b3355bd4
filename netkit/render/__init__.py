"""How figures, tables and pages are written for people: numbers, shares and money as a reader expects
them, text and markdown tables, HTML pages with their security policy, JSON-ready values, the
escaping that keeps names inert in every format, and the one palette every page and picture takes
its colours from. The lowest layer: it knows nothing of systems or partners.
"""

__all__: list[str] = []
