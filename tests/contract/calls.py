"""Building a call of every generated method from its signature, and checking what it returns.

Written once for both packages: the arguments come from the method's annotations (sample values
from ``clerk_async.emulator.samples``), and the caller awaits (async) or not (sync).
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

import msgspec

from clerk_async import _operations
from clerk_async._operation import Operation, operation_of
from clerk_async._pagination import Page
from clerk_async._query_types import QUERY_TYPES
from clerk_async._response import schema_type
from clerk_async._types import FileMapping
from clerk_async.emulator.samples import sample

from .server import OPERATION_HEADER

OPTIONS = frozenset({"retries", "timeout_ms", "server_url", "http_headers"})
UPLOAD = {"file_name": "logo.png", "content": b"\x89PNG\r\n\x1a\n-image-bytes"}


def method_of(client: object, op: Operation) -> Callable[..., Any]:
    method: Callable[..., Any] = getattr(getattr(client, op.group), op.name)
    if operation_of(method) is not op:
        raise AssertionError(f"{op.group}.{op.name} does not send {op.operation_id}")
    return method


def arguments(method: Callable[..., Any], op: Operation, *, thin: bool) -> dict[str, Any]:
    """Keyword arguments for ``method``: all of them, or (``thin``) the required ones plus
    ``None`` for every optional argument that may be null."""
    hints = typing.get_type_hints(method, localns={"IO": IO, "FileMapping": FileMapping})
    aliases = _operations.ARGUMENT_ALIASES.get((op.group, op.name), {})
    out: dict[str, Any] = {"http_headers": {OPERATION_HEADER: op.operation_id}}
    must = required_arguments(op)
    query_types = QUERY_TYPES.get(op.operation_id, {})
    for name, param in inspect.signature(method).parameters.items():
        if name in OPTIONS or name in aliases or name == "request":
            continue
        required = param.default is inspect.Parameter.empty or name in must
        options = _options(query_types.get(name, hints[name]))
        if thin and not required:
            if type(None) in options:
                out[name] = None
            continue
        out[name] = _value(options, name, thin)
    return out


def required_arguments(op: Operation) -> set[str]:
    """The keyword arguments ``op`` needs (a method that also takes ``request=`` defaults them
    all, so its signature alone does not say)."""
    names = set(op.required_query)
    if op.request_schema is not None and op.body == "json":
        body = schema_type(op.request_schema)
        if _is_struct(body):
            names |= {f.name for f in msgspec.structs.fields(body) if f.required}
        else:
            names.add("request_body")
    elif op.body == "multipart" and op.request_schema is not None:
        names |= {
            f.name for f in msgspec.structs.fields(schema_type(op.request_schema)) if f.required
        }
    return names


def _options(annotation: Any) -> list[Any]:
    """The members of a union annotation, without ``UnsetType``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = list(typing.get_args(annotation))
    else:
        members = [annotation]
    return [m for m in members if m is not msgspec.UnsetType]


def _value(options: list[Any], name: str, thin: bool) -> Any:
    concrete = [o for o in options if o is not type(None)]
    first = concrete[0]
    if first is bytes or name == "file":
        return dict(UPLOAD)
    origin = typing.get_origin(first)
    if origin in (Sequence, list):
        (item,) = typing.get_args(first)
        return [_value(_options(item), name, thin)]
    if origin is Mapping:
        return {"key": "value"}
    # A Struct (or a mapping msgspec converts into one): pass the mapping form.
    return sample(first, nulls=thin) if _is_struct(first) else sample(first)


def _is_struct(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)


def expected_type(op: Operation) -> Any:
    return None if op.response_schema is None else schema_type(op.response_schema)


def check_result(op: Operation, result: Any) -> list[str]:
    """Problems with what a method returned for ``op`` (empty when it is the right model)."""
    expected = expected_type(op)
    if expected is None:
        return [] if result is None else [f"returned {type(result).__name__}, not None"]
    if op.pagination is not None:
        if not isinstance(result, Page):
            return [f"returned {type(result).__name__}, not Page"]
        return _items(result.data, expected)
    origin = typing.get_origin(expected)
    if origin is list:
        if not isinstance(result, list):
            return [f"returned {type(result).__name__}, not list"]
        return _items(result, typing.get_args(expected)[0])
    if origin is dict:
        return [] if isinstance(result, dict) else [f"returned {type(result).__name__}, not dict"]
    if not isinstance(result, expected):
        return [f"returned {type(result).__name__}, not {expected.__name__}"]
    return []


def _items(items: list[Any], expected: Any) -> list[str]:
    if not items:
        return ["the page is empty"]
    wrong = [type(i).__name__ for i in items if not isinstance(i, expected)]
    return [f"items are {wrong}, not {expected.__name__}"] if wrong else []
