"""Getting systems in and out: reading files exactly as written, validating them against the format
contract, loading a `System`, saving folders and workbooks all or nothing, exporting networks for
other tools, the bundled samples and the synthetic-system generator.
"""

__all__: list[str] = []
