"""Every operation of the generated table gets a well-formed answer; the modeled ones match it."""

from __future__ import annotations

import re

import pytest

from clerk_async._operation import Operation
from clerk_async._operations import ALL
from clerk_async.emulator.app import build_router
from clerk_async.emulator.routes import MODELED

from .support import Api

_PARAM = re.compile(r"\{[^}]+\}")
OPERATIONS = ALL
SPEC_PATHS = {(op.method, _PARAM.sub("{}", op.path)) for op in OPERATIONS}
_MODELED_PATHS = {(method, _PARAM.sub("{}", path)) for method, path, _ in MODELED}
SAMPLED = [op for op in OPERATIONS if (op.method, _PARAM.sub("{}", op.path)) not in _MODELED_PATHS]

pytestmark = pytest.mark.skipif(not OPERATIONS, reason="no generated operation table")


def test_every_modeled_route_is_an_operation_of_the_spec() -> None:
    unknown = sorted(_MODELED_PATHS - SPEC_PATHS)
    assert unknown == []


def test_every_operation_is_routed() -> None:
    router = build_router()
    missing = [op.operation_id for op in OPERATIONS if not router.has(op.method, op.path)]
    assert missing == []


@pytest.mark.parametrize("op", SAMPLED, ids=lambda op: op.operation_id)
async def test_sampled_operations_answer_with_their_response_type(api: Api, op: Operation) -> None:
    path = _PARAM.sub("sample_1", op.path)
    body: dict[str, object] | None = (
        {} if op.method in ("POST", "PUT", "PATCH") and op.body == "json" else None
    )

    reply = await api.request(op.method, path, body)

    assert reply.status == 200, reply  # the body was decoded into the model by the Api helper
    if isinstance(reply.body, dict) and "id" in reply.body and "{" in op.path:
        assert reply.body["id"] == "sample_1"
