"""Pages and the pure part of walking them. The walking loop itself lives in the base clients."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

import msgspec

__all__ = ["MAX_PAGE_SIZE", "Page", "next_offset", "validate_page_size"]

T = TypeVar("T")

#: Clerk's largest ``limit`` on its list operations.
MAX_PAGE_SIZE = 500


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


class DataEnvelope(msgspec.Struct, Generic[T]):
    data: list[T]
    total_count: int | None = None


class M2MTokensEnvelope(msgspec.Struct, Generic[T]):
    m2m_tokens: list[T]
    total_count: int | None = None


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
