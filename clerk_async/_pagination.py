"""Pages and the pure part of walking them. The walking loop itself lives in the base clients.

A walk pages by offset, or, for an operation with a cursor rule (``users.list``) whose filters
allow it, by cursor: each page then starts after the last id of the previous one, so a deep page
costs the server no more than the first.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar, overload

import msgspec
from msgspec import UNSET

from ._operation import CursorRule, Operation, operation_of

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_PAGE_SIZE",
    "Page",
    "PageWalk",
    "cursor_applies",
    "following_query",
    "next_offset",
    "validate_page_size",
    "whole_count",
]

T = TypeVar("T")

#: Clerk's largest ``limit`` on its list operations, and the one it uses when none is given.
MAX_PAGE_SIZE = 500
DEFAULT_LIMIT = 10
_encode = msgspec.json.Encoder().encode


class Page(Sequence[T]):
    """One page of a list operation: a sequence of items, with the server's ``total_count``.

    ``total_count`` is ``None`` when the endpoint returns a bare array.
    """

    __slots__ = ("data", "total_count")

    def __init__(self, data: list[T], total_count: int | None = None) -> None:
        self.data = data
        self.total_count = total_count

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.data[index]

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Page):
            return self.data == other.data and self.total_count == other.total_count
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Page({len(self.data)} items, total_count={self.total_count})"

    def to_dict(self) -> dict[str, Any]:
        """``{"data": [...], "total_count": ...}``, in builtin types (as ``Model.to_dict``)."""
        return {"data": msgspec.to_builtins(self.data), "total_count": self.total_count}

    def to_json(self) -> str:
        return _encode({"data": self.data, "total_count": self.total_count}).decode()

    model_dump = to_dict
    model_dump_json = to_json


#: The spec types some counts as ``number``: they decode whether Clerk sends 3 or 3.0.
class DataEnvelope(msgspec.Struct, Generic[T]):
    data: list[T]
    total_count: int | float | None = None


class M2MTokensEnvelope(msgspec.Struct, Generic[T]):
    m2m_tokens: list[T]
    total_count: int | float | None = None


def whole_count(count: float | None) -> int | None:
    """A page's ``total_count`` as an int; a fraction (which no count should be) rounds up, so
    that it never hides an item."""
    if count is None or isinstance(count, int):
        return count
    return math.ceil(count)


def validate_page_size(page_size: int) -> None:
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(f"page_size must be an int, not {type(page_size).__name__}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")


def next_offset(offset: int, page: Page[Any], page_size: int) -> int | None:
    """The offset of the next page, or ``None`` when ``page`` was the last one."""
    count = len(page.data)
    if count == 0:
        return None
    following = offset + count
    if page.total_count is not None:
        return following if following < page.total_count else None
    return following if count >= page_size else None


def following_query(
    op: Operation, query: Mapping[str, Any] | None, page: Page[Any]
) -> dict[str, Any] | None:
    """The query of the page after ``page`` (same filters), or ``None`` when it was the last.

    It moves the cursor when the call used one, else the offset; an operation that has neither
    returns everything at once.
    """
    query = query or {}
    limit = query.get("limit", UNSET)
    if limit is UNSET or limit is None:
        limit = DEFAULT_LIMIT
    rule = op.cursor
    if rule is not None and query.get(rule.param, UNSET) not in (UNSET, None):
        last_id = getattr(page.data[-1], "id", None) if page.data else None
        if len(page.data) < limit or not isinstance(last_id, str):
            return None
        return {**query, rule.param: last_id}
    if "offset" not in op.query_params:
        return None
    offset = query.get("offset", UNSET)
    following = next_offset(0 if offset is UNSET or offset is None else offset, page, limit)
    return None if following is None else {**query, "offset": following}


def cursor_applies(rule: CursorRule, params: dict[str, Any]) -> bool:
    """Whether a walk with these filters may page by cursor (ordering and offset allow it)."""
    order = params.get(rule.order_param, UNSET)
    if order is not UNSET and order is not None and order not in rule.orders:
        return False
    offset = params.get("offset", UNSET)
    return offset is UNSET or offset is None or offset == 0


class PageWalk:
    """Where each page of a walk starts: the keyword arguments of the next list call.

    ``method`` is the list method (its operation says whether a cursor is possible); ``params``
    are the caller's filters, which may include a starting ``offset`` or cursor.
    """

    __slots__ = ("_cursor", "_params", "_position", "page_size")

    def __init__(self, method: object, params: dict[str, Any], page_size: int) -> None:
        validate_page_size(page_size)
        if "limit" in params:
            raise TypeError("paginate() sets limit itself: pass page_size instead")
        self.page_size = page_size
        self._params = dict(params)
        op = operation_of(method)
        rule = op.cursor if op is not None else None
        self._cursor: str | None = None
        self._position: Any
        if rule is not None and cursor_applies(rule, self._params):
            self._params.pop("offset", None)
            self._cursor = rule.param
            self._position = self._params.pop(rule.param, UNSET)
        else:
            self._position = self._params.pop("offset", 0)

    @property
    def by_cursor(self) -> bool:
        return self._cursor is not None

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of the next call."""
        if self._cursor is None:
            return {"limit": self.page_size, "offset": self._position, **self._params}
        start = {} if self._position is UNSET else {self._cursor: self._position}
        return {"limit": self.page_size, **start, **self._params}

    def advance(self, page: Page[Any]) -> bool:
        """Move past ``page``; False when it was the last one."""
        if self._cursor is None:
            following = next_offset(self._position, page, self.page_size)
            if following is None:
                return False
            self._position = following
            return True
        if len(page.data) < self.page_size:
            return False
        last_id = getattr(page.data[-1], "id", None)
        if not isinstance(last_id, str) or last_id == self._position:
            raise ValueError("paginate(): a cursor page's last item has no new id to continue from")
        self._position = last_id
        return True
