"""What every store shares: ids, the clock, metadata merging, ordering and paging."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from clerk_async.emulator.errors import param_invalid, param_value_invalid

__all__ = [
    "Ordering",
    "deep_merge",
    "new_id",
    "now_ms",
    "order",
    "parse_order",
    "parse_timestamp",
    "random_token",
]

T = TypeVar("T")

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_counter = itertools.count()
_counter_lock = threading.Lock()


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def new_id(prefix: str) -> str:
    """``prefix`` + 27 base62 characters that sort in creation order, like Clerk's ids."""
    with _counter_lock:
        count = next(_counter)
    number = (
        (now_ms() << 112) | ((count & 0xFFFFFFFF) << 80) | int.from_bytes(os.urandom(10), "big")
    )
    chars = []
    for _ in range(27):
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return prefix + "".join(reversed(chars))


def random_token(length: int = 32) -> str:
    raw = os.urandom(length)
    return "".join(_ALPHABET[byte % 62] for byte in raw)


def deep_merge(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Merge ``patch`` into ``target`` in place: objects merge recursively, ``null`` deletes."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = {}
                target[key] = current
            deep_merge(current, value)
        else:
            target[key] = value
    return target


def parse_timestamp(name: str, value: str | None) -> int | None:
    """An RFC 3339 date-time as Unix milliseconds."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise param_invalid(name, f"{name} must be an RFC 3339 date-time.") from None
    if parsed.tzinfo is None:
        raise param_invalid(name, f"{name} must include a time zone.")
    return int(parsed.timestamp() * 1000)


class Ordering:
    """A parsed ``order_by``: the field, its direction, and the sort key."""

    __slots__ = ("descending", "field", "key")

    def __init__(self, field: str, descending: bool, key: Callable[[Any], Any]) -> None:
        self.field = field
        self.descending = descending
        self.key = key


def parse_order(
    value: str | None,
    fields: dict[str, Callable[[Any], Any]],
    default: str = "-created_at",
    param: str = "order_by",
) -> Ordering:
    """``±field``; a bare field sorts ascending. Unknown fields answer 422."""
    text = value or default
    descending = text.startswith("-")
    name = text.lstrip("+-")
    getter = fields.get(name)
    if getter is None:
        raise param_value_invalid(
            param, f"{param} must be one of {', '.join(sorted(fields))}, optionally with +/-."
        )

    def key(item: Any) -> tuple[bool, Any]:
        # NULLs sort as the largest value: last ascending, first descending, as in Postgres.
        field_value = getter(item)
        return (field_value is None, "" if field_value is None else field_value)

    return Ordering(name, descending, key)


def order(items: Iterable[T], ordering: Ordering, seq: Callable[[T], int]) -> list[T]:
    """Sort by the ordering, ties broken by creation order in the same direction."""

    def key(item: T) -> tuple[Any, int]:
        return (ordering.key(item), seq(item))

    return sorted(items, key=key, reverse=ordering.descending)


def window(items: Sequence[T], limit: int, offset: int) -> list[T]:
    return list(items[offset : offset + limit])
