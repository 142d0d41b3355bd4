"""The model of a health and care system: the format contract as data (`schema`), the immutable
`System` snapshot, `Opportunity` and its shift, disclosure-control rules and the system summary.
Everything above builds on these; they import only `render` and the errors.
"""

__all__: list[str] = []
