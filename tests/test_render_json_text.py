"""`netkit.render.json_text` writes exactly what ``json.dumps(indent=2, ensure_ascii=False)``
writes, for any value a report can hold, and the command line's JSON is written by it."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.render.json_text import json_text

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", 'say "no"', "a, b", "line\nbreak", "tab\t", "\u2028", "é £ 😀", "\\", "\x00", "\x7f"])
_PLAIN = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | _TEXT
          | st.floats(allow_nan=True, allow_infinity=True)
          | st.sampled_from([0.0, -0.0, 1e-05, 5e-05, 1e16, 1e+22, 123456789.125, 0.1 + 0.2]))
_VALUES = st.recursive(_PLAIN, lambda inner: st.lists(inner, max_size=5)
                       | st.dictionaries(_TEXT, inner, max_size=5), max_leaves=40)


def _standard(value):
    return json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(_VALUES)
def test_the_same_text_as_the_standard_library(value):
    assert json_text(value) == _standard(value)


def test_by_hand_flat_and_nested_containers_and_empty_ones():
    assert json_text({"a": [1, "x"], "b": {}, "c": [[]], "d": {"e": None}}) == (
        '{\n  "a": [\n    1,\n    "x"\n  ],\n  "b": {},\n  "c": [\n    []\n  ],\n'
        '  "d": {\n    "e": null\n  }\n}')
    assert json_text([]) == "[]" and json_text("é") == '"é"' and json_text(2.5) == "2.5"


def test_keys_that_are_not_text_are_written_as_the_standard_library_writes_them():
    value = {"rows": {1: "a", 2.5: "b", True: "c", None: "d"}, "n": [1]}
    assert json_text(value) == _standard(value)


def test_subclasses_of_plain_values_are_written_as_the_standard_library_writes_them():
    import numpy as np

    value = {"x": [np.float64(0.1), True], "y": {"z": np.float64(1e-05)}}
    assert json_text(value) == _standard(value)


_ROWS = st.lists(st.dictionaries(_TEXT, _PLAIN, min_size=1, max_size=4), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ROWS | _VALUES, max_size=3), st.dictionaries(_TEXT, _ROWS, max_size=3))
def test_lists_of_flat_records_the_same_as_the_standard_library(nested, keyed):
    for value in (nested, keyed, nested[0] if nested else []):
        assert json_text(value) == _standard(value)


def test_records_with_text_that_looks_like_a_boundary():
    value = {"rows": [{"a": "},\n      {", "b": "}, {"}, {"c": 1.5}, {"d": None}]}
    assert json_text(value) == _standard(value)


_UNSAFE = st.recursive(
    _PLAIN | st.sampled_from([float("nan"), float("inf")]) | st.builds(
        lambda n: __import__("numpy").float64(n), st.floats()) | st.integers(0, 9).map(
        lambda n: __import__("numpy").int64(n)) | st.just(__import__("pandas").NaT)
    | st.just(__import__("pandas").Timestamp("2026-11-30")),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(_TEXT | st.integers(0, 3), inner, max_size=4)
    | st.lists(st.dictionaries(_TEXT, inner, min_size=1, max_size=3), min_size=1, max_size=3),
    max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_UNSAFE)
def test_jsonable_text_is_json_text_of_to_jsonable(value):
    from netkit.render.formats import to_jsonable
    from netkit.render.json_text import jsonable_text

    assert jsonable_text(value) == json_text(to_jsonable(value))


def test_long_lists_written_by_the_c_encoder_in_several_pieces_are_whole():
    value = {"rows": [{"id": f"S{i}", "n": i, "x": i / 7} for i in range(40_000)],
             "flat": list(range(150_000))}
    assert json_text(value) == _standard(value)
