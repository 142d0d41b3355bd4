"""Each opportunity's part of a report of several (``netkit partners --all``), written once.

A `netkit.PartnerReport` is its opportunities' reports one after another (and the glossary
once), so each partner set's part can be written where it is found: `find_all_partners`
with ``prepare`` writes it in the worker process that ran the query, beside the others, and
the report is joined at once afterwards (the generated London region's 19 MB JSON took
0.45 s after the last query, in the calling process alone). The part is kept on the partner
set, travels back from the worker with it and is not written again for the same format and
settings; the text is the same either way.
"""

from __future__ import annotations

from netkit.errors import OptionError
from netkit.render.json_text import json_report

__all__ = ["PART_FORMATS", "check_prepare", "part", "prepared"]

#: The formats whose report of several opportunities is a join of each one's part.
PART_FORMATS = ("json", "text", "markdown", "html")


def check_prepare(fmt: str | None) -> None:
    """``fmt`` is None or one of `PART_FORMATS` (else `netkit.errors.OptionError`).

    >>> check_prepare("json")
    >>> check_prepare("xlsx")
    Traceback (most recent call last):
    ...
    netkit.errors.OptionError: prepare='xlsx': the reports written in parts are json, text, markdown and html
    """
    if fmt is not None and fmt not in PART_FORMATS:
        raise OptionError(f"prepare={fmt!r}: the reports written in parts are "
                          f"{', '.join(PART_FORMATS[:-1])} and {PART_FORMATS[-1]}")


def _key(fmt: str, top: int | None, width: int) -> tuple:
    """What a part depends on besides the partner set: text its ``top`` and ``width``,
    markdown its ``top``, JSON and HTML (always whole) nothing."""
    top = top or None  # 0 and None both show everything
    return {"text": (fmt, top, width), "markdown": (fmt, top)}.get(fmt, (fmt,))


def part(partner_set, fmt: str, top: int | None = None, width: int = 100) -> str:
    """The partner set's part of a report of several in ``fmt`` (one of `PART_FORMATS`):
    written the first time, kept on the partner set after.

    ``top`` and ``width`` are `netkit.PartnerSet.to_text`'s (markdown uses ``top``; JSON and
    HTML are always whole). JSON is the partner set's own JSON report, indented as the
    report of several holds it (two levels down); text, markdown and HTML are its report
    without the glossary, which the report of several gives once.

    Examples
    --------
    >>> import netkit
    >>> ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty")
    >>> part(ps, "text", 20).startswith("Partners for: ")
    True
    >>> part(ps, "text", 20) is part(ps, "text", 20)  # written once
    True
    """
    check_prepare(fmt)
    key = _key(fmt, top, width)
    # a partner set is frozen: its parts are kept beside its fields, in its own __dict__,
    # which pickling carries (back from a worker) and comparison and to_dict ignore
    kept = partner_set.__dict__.setdefault("_parts", {})
    if key not in kept:
        if fmt == "json":  # nested two levels down in the report of several: each line
            # after its first indented four more spaces (JSON text has no newline in a string)
            kept[key] = json_report(partner_set).replace("\n", "\n    ")
        elif fmt == "text":
            kept[key] = partner_set.to_text(width, top, glossary=False)
        elif fmt == "markdown":
            kept[key] = partner_set.to_markdown(top, glossary=False)
        else:
            kept[key] = partner_set._html_body(glossary=False)
    return kept[key]


def prepared(partner_set, fmt: str | None, top: int | None = None, width: int = 100):
    """The partner set, its part in ``fmt`` written (nothing where ``fmt`` is None)."""
    if fmt is not None:
        part(partner_set, fmt, top, width)
    return partner_set
