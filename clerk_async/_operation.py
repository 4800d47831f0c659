"""The description of one API operation, as the generated operation table declares it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

import msgspec

__all__ = ["CursorRule", "Operation", "PageShape", "operation", "operation_of"]

#: How a list operation returns its page: a bare JSON array, ``{data, total_count}``, or
#: ``{m2m_tokens, total_count}``.
PageShape = Literal["array", "data", "m2m_tokens"]

F = TypeVar("F", bound=Callable[..., Any])


class CursorRule(msgspec.Struct, frozen=True, kw_only=True):
    """A list operation that can also page by cursor: ``param`` is the id of the last item seen.

    The cursor combines only with the orderings in ``orders`` (or ``order_param`` left out), and
    not with a non-zero offset.
    """

    param: str
    order_param: str
    orders: tuple[str, ...]


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """Facts about one operation; the request pipeline needs only ``method`` and ``path``."""

    operation_id: str
    method: str
    path: str
    group: str = ""
    name: str = ""
    path_params: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    #: The query parameters the operation requires (a subset of ``query_params``).
    required_query: tuple[str, ...] = ()
    body: Literal["json", "multipart"] | None = None
    #: The body's model: a name from ``clerk_async.models``, or ``list[Name]``/``dict[str, Any]``.
    request_schema: str | None = None
    #: The response's model (a page's item for list operations), written the same way.
    response_schema: str | None = None
    pagination: PageShape | None = None
    deprecated: bool = False
    cursor: CursorRule | None = None
    #: False for the few public operations, which are sent without the secret key.
    auth: bool = True


def operation(op: Operation) -> Callable[[F], F]:
    """Mark a generated method with the operation it sends (read back by :func:`operation_of`)."""

    def mark(function: F) -> F:
        function.__clerk_operation__ = op  # type: ignore[attr-defined]
        return function

    return mark


def operation_of(method: object) -> Operation | None:
    """The operation a generated (bound) method sends, or ``None`` for any other callable."""
    op = getattr(method, "__clerk_operation__", None)
    return op if isinstance(op, Operation) else None
