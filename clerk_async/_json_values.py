"""What may go into a JSON body, free-form metadata included, checked before anything is sent.

msgspec would write some values as something else without a word (NaN and infinity as ``null``,
bytes as base64, a set as a list) and fail with a bare exception on others (an ``object()``, a lone
surrogate, nesting deep enough to exhaust the stack). Each of these is refused here with a
``RequestValidationError`` naming where in the body it is. Converted, as JSON has no such type:
``datetime``/``date``/``time`` (ISO 8601 text), ``UUID`` and ``Decimal`` (text), enum members
(their value), tuples (arrays).
"""

from __future__ import annotations

import datetime
import decimal
import enum
import math
import uuid
from typing import Any

import msgspec

from .errors import RequestValidationError

__all__ = ["MAX_DEPTH", "check_json_values"]

#: Deeper nesting than this is refused (Clerk's metadata is at most 8 KB anyway).
MAX_DEPTH = 100

_SCALARS = (bool, int, type(None))
_CONVERTED = (
    datetime.datetime,
    datetime.date,
    datetime.time,
    uuid.UUID,
    decimal.Decimal,
    enum.Enum,
    msgspec.Struct,
)


def check_json_values(value: Any) -> None:
    """Raise ``RequestValidationError`` for the first value JSON cannot carry faithfully."""
    stack: list[tuple[Any, str, int]] = [
        (value, "request_body" if isinstance(value, list) else "", 0)
    ]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                _check_text(item, path)
        elif isinstance(item, _SCALARS):
            continue
        elif isinstance(item, float):
            if not math.isfinite(item):
                _refuse(path, f"{item!r} is not a JSON number")
        elif isinstance(item, dict):
            if depth >= MAX_DEPTH:
                _refuse(path, f"is nested deeper than {MAX_DEPTH} levels")
            for key, child in item.items():
                if not isinstance(key, str):
                    _refuse(path, f"has a key {key!r}: JSON object keys are strings")
                if not key.isascii():
                    _check_text(key, path)
                stack.append((child, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(item, (list, tuple)):
            if depth >= MAX_DEPTH:
                _refuse(path, f"is nested deeper than {MAX_DEPTH} levels")
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))
        elif isinstance(item, _CONVERTED):
            continue
        elif isinstance(item, (bytes, bytearray, memoryview)):
            _refuse(path, "is bytes, which JSON cannot hold: decode it to text first")
        elif isinstance(item, (set, frozenset)):
            _refuse(path, "is a set, which JSON cannot hold: pass a list")
        else:
            _refuse(path, f"is a {type(item).__name__}, which JSON cannot hold")


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        _refuse(path, "holds a lone surrogate, which is not valid Unicode text")


def _refuse(path: str, problem: str) -> None:
    where = f"`{path}`" if path else "the body"
    raise RequestValidationError(f"invalid request body: {where} {problem}")
