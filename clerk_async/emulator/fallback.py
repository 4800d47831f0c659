"""Sampled answers for the operations the emulator does not model, and response types by operation.

Every operation of the generated table without a hand-written handler answers 200 with a sample
value of its response type (built by :mod:`clerk_async.emulator.samples`), so that any client method
gets a well-formed reply; an ``id`` in the sample takes the id from the request path. Without the
generated table (or the sampler) nothing is added and those paths answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clerk_async._operation import Operation

    from .routing import Call, Router

__all__ = ["operations", "register_samples", "response_type"]


def operations() -> tuple[Operation, ...]:
    """Every generated operation, or ``()`` when the generated table is not there."""
    try:
        from clerk_async._operations import ALL
    except ImportError:
        return ()
    return ALL


def response_type(op: Operation) -> Any:
    """The type a 2xx body of ``op`` decodes into (a page envelope for list operations)."""
    from clerk_async._pagination import DataEnvelope, M2MTokensEnvelope

    if op.response_schema is None:
        return None
    item = _resolve(op.response_schema)
    if op.pagination == "array":
        return list[item]  # type: ignore[valid-type]
    if op.pagination == "data":
        return DataEnvelope[item]  # type: ignore[valid-type]
    if op.pagination == "m2m_tokens":
        return M2MTokensEnvelope[item]  # type: ignore[valid-type]
    return item


def _resolve(name: str) -> Any:
    if name.startswith("list[") and name.endswith("]"):
        return list[_resolve(name[5:-1])]  # type: ignore[misc]
    if name.startswith("dict["):
        return dict[str, Any]
    from clerk_async import models

    return getattr(models, name)


def _sampler() -> Callable[[Any], Any] | None:
    try:
        from . import samples
    except ImportError:
        return None
    build: Callable[[Any], Any] | None = getattr(samples, "sample", None)
    return build


def register_samples(router: Router) -> int:
    """Add a sampled route for every operation ``router`` lacks; the number added."""
    build = _sampler()
    if build is None:
        return 0
    added = 0
    for op in operations():
        if not router.has(op.method, op.path):
            router.add(op.method, op.path, _handler(op, build), name=op.operation_id)
            added += 1
    return added


def _handler(op: Operation, build: Callable[[Any], Any]) -> Callable[[Call], Any]:
    kind = response_type(op)

    def sampled(call: Call) -> Any:
        if kind is None:
            return None
        value = build(kind)
        if isinstance(value, dict) and isinstance(value.get("id"), str) and call.params:
            value["id"] = list(call.params.values())[-1]
        return value

    sampled.__name__ = op.operation_id
    return sampled
