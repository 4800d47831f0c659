"""Property tests: whatever a server answers (any status, any bytes, any JSON, a valid body with
one value changed), the client's pure response parsing for each operation's return type gives a
value or a documented error (``ResponseValidationError``, an ``SDKError``), nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk_async import _operations
from clerk_async._http import Request, Response
from clerk_async._operation import Operation
from clerk_async._response import operation_body_type, parse_response, response_decoder
from clerk_async._response import schema_type as model_of
from clerk_async.emulator.samples import sample
from clerk_async.errors import ResponseValidationError, SDKError

REQUEST = Request("GET", "https://api.clerk.com/v1/anything", {})
OPERATIONS = [value for value in vars(_operations).values() if isinstance(value, Operation)]
#: One operation of each (response model, page shape): what a response can decode into.
SHAPES = {(op.response_schema, op.pagination): op for op in OPERATIONS}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
statuses = st.sampled_from([200, 201, 204]) | st.integers(100, 599)
headers = st.dictionaries(st.sampled_from(["retry-after", "x-clerk-trace-id"]), st.text())


def _mutated(draw: Callable[[st.SearchStrategy[Any]], Any], valid: Any) -> Any:
    """``valid`` with one value somewhere replaced by any JSON, or one key removed."""
    node = valid
    while isinstance(node, (dict, list)) and node:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
            if isinstance(node, dict) and draw(st.booleans()):
                del node[key]
            else:
                node[key] = draw(json_values)
            break
        node = node[key]
    return valid


def _parse(operation: Operation, status: int, headers: dict[str, str], body: bytes) -> None:
    """Parse an answer to ``operation``: a value, or a documented error."""
    decode = None
    if operation.response_schema is not None:
        decode = response_decoder(model_of(operation.response_schema), operation.pagination)
    try:
        value = parse_response(REQUEST, Response(status, headers, body), decode)
    except (ResponseValidationError, SDKError):
        return
    repr(value)  # a decoded value prints (secrets redacted) without raising


DEEP = ('{"a":[' * 5_000 + "]}" * 5_000).encode()
HOSTILE = [b"", b"null", b"[]", b"{}", b"[{}]", b'{"data": {}}', b"\xff\xfe", b"not json", DEEP]


@pytest.mark.parametrize("status", [200, 400, 429, 500])
def test_hostile_answers_for_every_return_type(status: int) -> None:
    for operation in SHAPES.values():
        wire_type = operation_body_type(operation)
        thin = [json.dumps(sample(wire_type, nulls=True)).encode()] if wire_type else []
        for body in [*HOSTILE, *thin]:
            _parse(operation, status, {"retry-after": "soon"}, body)


#: Many operations share a test: more examples than one property's, in proportion to the profile.
@settings(max_examples=settings().max_examples * 10)
@given(
    operation=st.sampled_from(list(SHAPES.values())),
    data=st.data(),
    status=statuses,
    headers=headers,
)
def test_any_answer_gives_a_value_or_a_documented_error(
    operation: Operation, data: st.DataObject, status: int, headers: dict[str, str]
) -> None:
    wire_type = operation_body_type(operation)
    kind = data.draw(st.sampled_from(["bytes", "json", "mutated", "deep"]))
    if kind == "bytes":
        body = data.draw(st.binary())
    elif kind == "json":
        body = json.dumps(data.draw(json_values)).encode()
    elif kind == "deep":
        levels = data.draw(st.integers(1_000, 20_000))
        body = ('{"a":[' * levels + "]}" * levels).encode()
    else:
        valid = sample(wire_type) if wire_type is not None else {}
        body = json.dumps(_mutated(data.draw, valid)).encode()
    _parse(operation, status, headers, body)


def test_every_operation_return_type_is_covered() -> None:
    assert len(OPERATIONS) > 200
    assert {op.response_schema for op in OPERATIONS} == {schema for schema, _ in SHAPES}
