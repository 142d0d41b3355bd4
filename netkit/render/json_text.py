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
from math import isfinite
from itertools import chain
from json.encoder import c_make_encoder, encode_basestring

from netkit.render.formats import to_jsonable

__all__ = ["json_report", "json_text", "jsonable_text"]

_PLAIN = frozenset({str, int, float, bool, type(None)})
_TEXT = frozenset({str})
_flat_writers: dict = {}


class _Unusual(Exception):
    """A key that is not text: the standard library's writer does the whole document."""


def _flat_writer(pad: str, allow_nan: bool = True):
    """The C encoder writing a flat container's items one level below ``pad`` (with
    ``allow_nan`` false it raises ValueError on NaN and infinities instead of writing them)."""
    writer = _flat_writers.get((pad, allow_nan))
    if writer is None:
        if c_make_encoder is None:  # an interpreter without the C encoder
            raise _Unusual
        writer = _flat_writers[pad, allow_nan] = c_make_encoder(
            None, None, encode_basestring, None, ": ", ",\n" + pad + "  ", False, False,
            allow_nan)
    return writer


def _flat_text(item, pad: str, safe: bool):
    """A flat container (every item a plain value) by the C encoder, without its brackets'
    newlines; with ``safe``, made JSON-safe first where it holds NaN or an infinity. (The C
    encoder gives its text in several pieces when it is long: they are joined.)"""
    if not safe:
        return "".join(_flat_writer(pad)(item, 0))
    try:
        return "".join(_flat_writer(pad, False)(item, 0))
    except ValueError:  # NaN or an infinity: null, as to_jsonable makes it
        return "".join(_flat_writer(pad)(to_jsonable(item), 0))


def _flat_rows(rows: list) -> bool:
    """Whether every item of a list is a non-empty dict with text keys and plain values (a
    table's records)."""
    return (_DICTS == set(map(type, rows)) and all(rows)  # each checked by C, not Python
            and _TEXT.issuperset(map(type, chain.from_iterable(rows)))
            and _PLAIN.issuperset(map(type, chain.from_iterable(map(dict.values, rows)))))


_DICTS = {dict}


def _rows_text(rows: list, pad: str, safe: bool) -> str:
    """A list of `_flat_rows` at ``pad``: one C encoder call with the dicts' separator, then
    each boundary between two dicts (``},`` then the separator then ``{``, which nothing else
    can give, a newline inside text being escaped) replaced by the list's."""
    inner = "\n" + pad + "  "
    deeper = pad + "  "
    text = _flat_text(rows, deeper, safe)
    text = text[2:-2].replace("},\n" + deeper + "  {", "\n" + deeper + "}," + inner + "{\n"
                              + deeper + "  ")
    return "[" + inner + "{\n" + deeper + "  " + text + inner + "}\n" + pad + "]"


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
    return _text(value, False)


def jsonable_text(value) -> str:
    """``json_text(to_jsonable(value))`` in one walk: only the parts that are not already
    JSON-safe (NaN, numpy scalars, dates, tuples, keys that are not text) are copied.

    Examples
    --------
    >>> print(jsonable_text({"score": float("nan"), "pair": (1, 2)}))
    {
      "score": null,
      "pair": [
        1,
        2
      ]
    }
    """
    return _text(value, True)


def _text(value, safe: bool) -> str:
    """`json_text` of ``value``, or with ``safe`` of ``to_jsonable(value)``.

    Containers of plain values are written by the C encoder in one call, its item separator
    carrying the newline and indentation; so is a list of such dicts (a table's records,
    `_rows_text`). Only other containers holding containers are walked in Python, their
    plain values written where they are met.
    """
    if c_make_encoder is None:  # an interpreter without the C encoder
        return json.dumps(to_jsonable(value) if safe else value, indent=2, ensure_ascii=False)
    parts: list[str] = []
    add = parts.append
    plain = _flat_writer("")  # one plain value

    def write(item, pad: str) -> None:
        kind = type(item)
        if safe and kind is not dict and kind is not list and kind not in _PLAIN:
            item = to_jsonable(item)
            kind = type(item)
        if kind is dict:
            if not _TEXT.issuperset(map(type, item)):
                if not safe:
                    raise _Unusual
                item = to_jsonable(item)
            values = item.values()
        elif kind is list:
            values = item
        else:
            if safe and kind is float:
                item = to_jsonable(item)
                kind = type(item)
            # a plain value by the C encoder (json.dumps would build an encoder each time)
            add(plain(item, 0)[0] if kind in _PLAIN
                else json.dumps(item, ensure_ascii=False))
            return
        if not item:
            add("{}" if kind is dict else "[]")
            return
        inner = "\n" + pad + "  "
        if _PLAIN.issuperset(map(type, values)):
            text = _flat_text(item, pad, safe)
            add(text[0] + inner + text[1:-1] + "\n" + pad + text[-1])
            return
        deeper = pad + "  "
        if kind is list and _flat_rows(item):
            add(_rows_text(item, pad, safe))
            return
        lead = ("{" if kind is dict else "[") + inner
        if kind is dict:
            for key, v in item.items():
                if type(v) in _PLAIN and not (safe and type(v) is float and not isfinite(v)):
                    add(lead + encode_basestring(key) + ": " + plain(v, 0)[0])  # no call down
                else:
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
        return json.dumps(to_jsonable(value) if safe else value, indent=2, ensure_ascii=False)
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
    return own() if own is not None else jsonable_text(result.to_dict())
