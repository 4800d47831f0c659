"""Sampled answers for the operations the emulator does not model.

Every operation of the generated table without a hand-written handler answers 200 with a sample
value of its response type (built by :mod:`clerk_async.emulator.samples`), so that any client method
gets a well-formed reply; an ``id`` in the sample takes the id from the request path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from clerk_async._operations import ALL
from clerk_async._response import operation_body_type

from .samples import sample

if TYPE_CHECKING:
    from clerk_async._operation import Operation

    from .routing import Call, Router

__all__ = ["register_samples"]


def register_samples(router: Router) -> int:
    """Add a sampled route for every operation ``router`` lacks; the number added."""
    added = 0
    for op in ALL:
        if not router.has(op.method, op.path):
            router.add(op.method, op.path, _handler(op), name=op.operation_id)
            added += 1
    return added


def _handler(op: Operation) -> Callable[[Call], Any]:
    kind = operation_body_type(op)

    def sampled(call: Call) -> Any:
        if kind is None:
            return None
        value = sample(kind)
        if isinstance(value, dict) and isinstance(value.get("id"), str) and call.params:
            value["id"] = list(call.params.values())[-1]
        return value

    sampled.__name__ = op.operation_id
    return sampled
