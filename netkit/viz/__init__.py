"""Pictures: the seeded layout, network maps, their offline HTML page and static pictures, and the
benefit/cost curve, all coloured from the one palette (`netkit.render.palette`).
"""

__all__: list[str] = []
