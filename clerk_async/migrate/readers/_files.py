"""Streaming a file's records whatever its shape: gzip or not, NDJSON, a JSON document, or CSV.

The shape is told by content, never by the file name: gzip by its magic bytes, then the first
non-blank character: ``[`` is a JSON array, ``{`` is NDJSON when the first line is a whole JSON
object and one (pretty-printed) JSON document otherwise, anything else is CSV. Memory stays flat:
NDJSON and CSV go line by line, JSON documents through ijson's events, one record at a time.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec

from clerk_async.migrate.records import SourceFileError

from ._csv import CsvLayout, read_csv
from ._json_stream import ITEM, MAX_DEPTH, TOO_DEEP, values_at
from ._raw import RawItem, Unreadable, decode_json, lines_of

_decode = msgspec.json.Decoder().decode

__all__ = ["CsvLayout", "RawItem", "Unreadable", "iter_items"]

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = codecs.BOM_UTF8
_SNIFF_CHARS = 64 * 1024


def iter_items(
    path: str | os.PathLike[str],
    *,
    wrappers: Sequence[str] = (),
    csv_layout: CsvLayout | None = None,
) -> Iterator[RawItem | Unreadable]:
    """Every record of one file, in order. ``wrappers`` are keys whose array holds the records
    (Firebase's ``users``, Cognito's ``Users``): a JSON object with one of them is a page of
    records rather than a record.

    NDJSON, the common shape, is read here rather than by one more generator, which each
    record would resume; the file is opened once (it may be a pipe)."""
    name = os.fspath(path)
    with _reading(name), _open_text(name) as text:
        head = text.read(_SNIFF_CHARS)
        first = head.lstrip()[:1]
        if first == "[":
            yield from _json_document(name, wrappers, array=True)
        elif first == "{" and not _is_ndjson(head):
            yield from _json_document(name, wrappers, array=False)
        elif first == "{":
            index = 0
            for number, line in enumerate(lines_of(head, text), 1):
                try:
                    value = _decode(line)
                except (msgspec.DecodeError, RecursionError):
                    if not line.strip():
                        continue  # a blank line
                    index += 1
                    yield Unreadable(name, number, index, "the line is not valid JSON")
                    continue
                if not wrappers and type(value) is dict:  # the common case: no page to unwrap
                    index += 1
                    yield RawItem(name, number, index, value)
                    continue
                for item in _unwrap(value, wrappers):
                    index += 1
                    if isinstance(item, dict):
                        yield RawItem(name, number, index, item)
                    else:
                        yield Unreadable(name, number, index, "the record is not a JSON object")
        elif first:
            yield from read_csv(name, lines_of(head, text), csv_layout or CsvLayout())


@contextmanager
def _reading(name: str) -> Iterator[None]:
    """What reading ``name`` may raise, as the :class:`SourceFileError` that names it."""
    try:
        yield
    except UnicodeDecodeError:
        raise SourceFileError(f"{name}: not UTF-8 text.") from None
    except (OSError, EOFError, zlib.error) as error:
        raise SourceFileError(f"{name}: cannot be read ({_describe(error)}).") from None


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return type(error).__name__ if not str(error) else str(error)


@contextmanager
def _open_binary(name: str) -> Iterator[io.BufferedReader | gzip.GzipFile]:
    with open(name, "rb") as raw:
        stream: io.BufferedReader | gzip.GzipFile = raw
        if raw.peek(2)[:2] == _GZIP_MAGIC:
            stream = gzip.GzipFile(fileobj=raw, mode="rb")
        if stream.peek(3)[:3] == _BOM:
            stream.read(3)
        yield stream


@contextmanager
def _open_text(name: str) -> Iterator[io.TextIOWrapper]:
    with _open_binary(name) as stream:
        # newline="\n": lines end at \n only (NDJSON), CSV cells keep their own line breaks
        yield io.TextIOWrapper(stream, encoding="utf-8", newline="\n")


def _is_ndjson(head: str) -> bool:
    """Whether the first non-blank line is a whole JSON value on its own."""
    stripped = head.lstrip()
    line, newline, _ = stripped.partition("\n")
    if not newline and len(head) == _SNIFF_CHARS:
        return False  # a first line longer than the sniff: one huge document, stream it
    try:
        decode_json(line)
    except msgspec.DecodeError:
        return False
    return True


def _unwrap(value: Any, wrappers: Sequence[str]) -> list[Any]:
    if isinstance(value, dict):
        for key in wrappers:
            page = value.get(key)
            if isinstance(page, list):
                return page
    return [value]


def _ijson() -> Any:
    try:
        import ijson
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "reading JSON documents needs ijson: pip install 'clerk-client[migrate]'"
        ) from None
    return ijson


def _json_document(
    name: str, wrappers: Sequence[str], *, array: bool
) -> Iterator[RawItem | Unreadable]:
    ijson = _ijson()
    path = (ITEM,) if array else _record_path(name, wrappers)
    index = 0
    with _open_binary(name) as stream:
        events = ijson.basic_parse(stream, multiple_values=True, use_float=True)
        try:
            for value in values_at(events, path):
                if value is TOO_DEEP:
                    index += 1
                    reason = f"the record is nested deeper than {MAX_DEPTH} levels"
                    yield Unreadable(name, 0, index, reason)
                    continue
                for item in _unwrap(value, wrappers):
                    index += 1
                    if isinstance(item, dict):
                        yield RawItem(name, 0, index, item)
                    else:
                        yield Unreadable(name, 0, index, "the record is not a JSON object")
        except ijson.JSONError as error:
            raise SourceFileError(
                f"{name}: invalid JSON after record {index} ({type(error).__name__})."
            ) from None


def _record_path(name: str, wrappers: Sequence[str]) -> tuple[str, ...]:
    """``("users", "item")`` when the document's top-level object holds its records under a
    wrapper key, else ``()`` (the document is a sequence of records). Reads the first object."""
    ijson = _ijson()
    if not wrappers:
        return ()
    depth = 0
    with _open_binary(name) as stream:
        try:
            for event, value in ijson.basic_parse(stream, multiple_values=True):
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        return ()
                elif event == "map_key" and depth == 1 and value in wrappers:
                    return (value, ITEM)
        except ijson.JSONError:
            return ()  # reported with its position by the pass that reads the records
    return ()
