"""oncall's JSON writer (`oncall.render.dumps`) against the standard library's own."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall import render
from oncall.render import dumps, dumps_utf8

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
KEYS = st.text() | st.integers(-5, 5) | st.booleans() | st.none() | st.floats(allow_nan=False)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=5).map(tuple)
        | st.dictionaries(KEYS, inner, max_size=5)
    ),
    max_leaves=40,
)


def reference(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@given(DOCUMENTS, st.integers(0, 4))
def test_the_text_is_what_json_dumps_writes(document: object, streamed: int) -> None:
    """Any document, whole or with ``streamed`` levels written an entry at a time."""
    assert "".join(render._pieces(document, streamed)) + "\n" == reference(document)
    assert dumps(document) == reference(document)


def test_a_large_document_is_written_in_pieces_as_json_dumps_writes_it() -> None:
    document = {
        "requests": [
            {"path": f"/x/{i}", "body": {"overrides": [{"n": n, "é": "\n"} for n in range(3)]}}
            for i in range(500)
        ],
        "empty": [[], {}, ()],
        "numbers": [math.nan, math.inf, -math.inf, -0.0, 1e16, 2**64],
    }
    assert dumps(document) == reference(document)
    assert dumps_utf8(document) == reference(document).encode()
    assert len(list(render._pieces(document))) > 500  # a request at a time, not one string


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"a": object()}, "Object of type object is not JSON serializable"),
        ({(1, 2): 1}, "keys must be str, int, float, bool or None, not tuple"),
        ([{1, 2}], "Object of type set is not JSON serializable"),
    ],
)
def test_what_json_cannot_write_is_refused_as_json_refuses_it(
    document: object, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        json.dumps(document)
    with pytest.raises(TypeError, match=message):
        dumps(document)
