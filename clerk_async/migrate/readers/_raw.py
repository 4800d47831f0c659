"""What reading a file yields before any source looks at it, and the helpers every format uses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

__all__ = ["RawItem", "Unreadable", "decode_json", "lines_of"]

_decode = msgspec.json.Decoder().decode


class RawItem(msgspec.Struct, frozen=True, gc=False):
    """One record as a file holds it (a Struct: a frozen dataclass costs several times as much
    to make, once per record; out of the collector, as the records hold no cycle)."""

    file: str
    line: int  # 0 inside a JSON document
    index: int
    fields: dict[str, Any]


class Unreadable(msgspec.Struct, frozen=True, gc=False):
    file: str
    line: int
    index: int
    reason: str


def decode_json(text: str | bytes) -> Any:
    """``msgspec.json.decode``, where nesting too deep for the stack is a ``DecodeError`` too."""
    try:
        return _decode(text)
    except RecursionError:
        raise msgspec.DecodeError("JSON nested too deeply") from None


def lines_of(head: str, rest: Iterable[str]) -> Iterator[str]:
    """The file's lines, ``\n``-terminated, from the sniffed head and the rest of the stream."""
    *whole, pending = head.split("\n")
    for line in whole:
        yield line + "\n"
    for piece in rest:
        line, pending = pending + piece, ""
        if line.endswith("\n"):
            yield line
        else:
            pending = line  # a bare \r ended it: part of a quoted CSV cell
    if pending:
        yield pending
