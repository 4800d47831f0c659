"""What reading a file yields before any source looks at it, and the helpers every format uses."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
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


def lines_of(head: str, rest: Iterator[str]) -> Iterator[str]:
    """The file's lines, each with its ``\n`` (the last one may have none), from the sniffed
    head and the rest of the text, read with ``newline="\n"`` (a line ends at ``\n`` only,
    a bare ``\r`` is inside it): C iterators chained, no generator resumed per line."""
    cut = head.rfind("\n") + 1
    # the head ends inside a line: the rest of the text starts with the end of it
    split = [head[cut:] + next(rest, "")] if cut < len(head) else []
    return itertools.chain(io.StringIO(head[:cut], newline="\n"), split, rest)
