"""`encode_indented`: the text `json.dumps(value, indent=2)` gives, for every value JSON has a form for."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paritydocs.jsonfile import JsonOutput, encode_indented


class Kind(str, enum.Enum):  # as the findings' kinds are
    MISSING = "missing_field"


class Level(enum.IntEnum):
    HIGH = 3


LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from([Kind.MISSING, Level.HIGH, -0.0, 1e300, 5e-324, "\u2028", "\x00\x7f\x9f\ud800", "é"])
)
KEYS = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none() | st.just(Kind.MISSING)
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple) | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(VALUES, st.booleans())
def test_the_text_is_json_dumps_indented_by_two(value, ascii_only):
    assert "".join(encode_indented(value, ascii_only=ascii_only)) == json.dumps(
        value, indent=2, ensure_ascii=ascii_only
    )


def test_a_file_written_is_the_same_text_and_a_large_value_comes_in_pieces(tmp_path):
    value = {"pairs": [{"name": f"T{i}", "fields": [{"n": i, "x": math.pi}] * 3} for i in range(50)], "n": {}}
    JsonOutput(lambda: value).write(tmp_path / "parity.json")
    assert (tmp_path / "parity.json").read_text() == json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    pieces = list(encode_indented(value))
    assert len(pieces) > 50 and max(map(len, pieces)) < 400  # each pair a piece of its own


@pytest.mark.parametrize("value", [{1, 2}, {"a": object()}, [b"bytes"], {("a", "b"): 1}])
def test_what_json_has_no_form_for_raises_type_error_as_json_dumps_does(value):
    with pytest.raises(TypeError):
        json.dumps(value, indent=2)
    with pytest.raises(TypeError):
        "".join(encode_indented(value))
