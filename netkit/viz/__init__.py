"""Pictures: the seeded layout, the one palette, network maps, their offline HTML page and static
pictures, and the benefit/cost curve.
"""

__all__: list[str] = []
