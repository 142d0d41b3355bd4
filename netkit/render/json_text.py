"""JSON reports as text: the bytes of ``json.dumps(value, indent=2, ensure_ascii=False)``,
written about twice as fast.

With ``indent``, the standard library writes every number and word through a chain of Python
generators (its C encoder does not indent, in Python 3.11 at least), which took 0.4 s of the
generated region's 18 MB ``partners --all`` report. Here every container whose items are all plain values (most of a report: a partner's
row, a list of sources) is written by the C encoder in one call, its item separator carrying
the newline and indentation; only containers holding containers are walked in Python.
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring

from netkit.render.formats import to_jsonable

__all__ = ["json_report", "json_text"]

_PLAIN = frozenset({str, int, float, bool, type(None)})
_flat_writers: dict = {}


class _Unusual(Exception):
    """A key that is not text: the standard library's writer does the whole document."""


def _flat_writer(pad: str):
    """The C encoder writing a flat container's items one level below ``pad``."""
    writer = _flat_writers.get(pad)
    if writer is None:
        if c_make_encoder is None:  # an interpreter without the C encoder
            raise _Unusual
        writer = _flat_writers[pad] = c_make_encoder(
            None, None, encode_basestring, None, ": ", ",\n" + pad + "  ", False, False, True)
    return writer


def json_text(value) -> str:
    """``value`` as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, byte for
    byte (values as `netkit.render.formats.to_jsonable` gives them: dicts with text keys, lists,
    text, numbers, true, false and null).

    Examples
    --------
    >>> print(json_text({"partners": [{"id": "ICB", "score": 0.5}], "notes": [], "n": 2}))
    {
      "partners": [
        {
          "id": "ICB",
          "score": 0.5
        }
      ],
      "notes": [],
      "n": 2
    }
    >>> json_text({"ward": "Ward 7, \\"east\\"", "bed_days": 1e-05}) == json.dumps(
    ...     {"ward": "Ward 7, \\"east\\"", "bed_days": 1e-05}, indent=2, ensure_ascii=False)
    True
    """
    parts: list[str] = []
    add = parts.append

    def write(item, pad: str) -> None:
        kind = type(item)
        if kind is dict:
            if any(type(key) is not str for key in item):
                raise _Unusual
            values = item.values()
        elif kind is list:
            values = item
        else:
            add(json.dumps(item, ensure_ascii=False))
            return
        if not item:
            add("{}" if kind is dict else "[]")
            return
        inner = "\n" + pad + "  "
        if all(type(v) in _PLAIN for v in values):
            text = _flat_writer(pad)(item, 0)[0]
            add(text[0] + inner + text[1:-1] + "\n" + pad + text[-1])
            return
        lead = ("{" if kind is dict else "[") + inner
        deeper = pad + "  "
        if kind is dict:
            for key, v in item.items():
                add(lead + encode_basestring(key) + ": ")
                write(v, deeper)
                lead = "," + inner
        else:
            for v in item:
                add(lead)
                write(v, deeper)
                lead = "," + inner
        add("\n" + pad + ("}" if kind is dict else "]"))

    try:
        write(value, "")
    except _Unusual:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def json_report(result) -> str:
    """A result's JSON report (what ``--format json`` writes, without the last newline): its
    ``to_dict()`` made JSON-safe (`netkit.render.formats.to_jsonable`) and written by
    `json_text`; a result with a ``to_json()`` of its own (`netkit.PartnerReport`, which joins
    its opportunities' parts, each written once) gives that, the same text.

    Examples
    --------
    >>> class Result:
    ...     def to_dict(self):
    ...         return {"partners": ["ICB"], "score": float("nan")}
    >>> print(json_report(Result()))
    {
      "partners": [
        "ICB"
      ],
      "score": null
    }
    """
    own = getattr(result, "to_json", None)
    return own() if own is not None else json_text(to_jsonable(result.to_dict()))
