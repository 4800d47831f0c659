"""Turning a response into a value or a typed error: pure, shared, decoders cached per type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from ._http import Request, Response
from ._operation import Operation, PageShape
from ._pagination import DataEnvelope, M2MTokensEnvelope, Page, whole_count
from ._retry import parse_retry_after
from ._text import shorten
from .errors import ResponseValidationError, SDKError, error_class_for_status

__all__ = [
    "Decode",
    "error_from_response",
    "operation_body_type",
    "parse_response",
    "response_decoder",
    "schema_type",
    "wire_type",
]

Decode = Callable[[bytes], Any]

_decoders: dict[tuple[Any, PageShape | None], Decode] = {}


def response_decoder(response_type: Any, pagination: PageShape | None = None) -> Decode:
    """A cached ``bytes -> value`` function for ``response_type``; pages decode into ``Page``."""
    key = (response_type, pagination)
    decode = _decoders.get(key)
    if decode is None:
        decode = _make_decoder(response_type, pagination)
        _decoders[key] = decode
    return decode


def _make_decoder(response_type: Any, pagination: PageShape | None) -> Decode:
    decode = msgspec.json.Decoder(wire_type(response_type, pagination)).decode
    if pagination is None:
        return decode
    if pagination == "array":

        def decode_array(body: bytes) -> Page[Any]:
            return Page(decode(body))

        return decode_array
    if pagination == "data":

        def decode_data(body: bytes) -> Page[Any]:
            envelope = decode(body)
            return Page(envelope.data, whole_count(envelope.total_count))

        return decode_data

    def decode_tokens(body: bytes) -> Page[Any]:
        envelope = decode(body)
        return Page(envelope.m2m_tokens, whole_count(envelope.total_count))

    return decode_tokens


def wire_type(item_type: Any, pagination: PageShape | None) -> Any:
    """The type a response body decodes into: the item itself, or the page shape holding items."""
    if pagination is None:
        return item_type
    if pagination == "array":
        return list[item_type]
    if pagination == "data":
        return DataEnvelope[item_type]
    return M2MTokensEnvelope[item_type]


def schema_type(name: str) -> Any:
    """A model type from the operation table's spelling: ``User``, ``list[User]``, ``dict[...]``."""
    if name.startswith("list[") and name.endswith("]"):
        return list[schema_type(name[5:-1])]  # type: ignore[misc]
    if name.startswith("dict["):
        return dict[str, Any]
    from clerk_async import models

    return getattr(models, name)


def operation_body_type(op: Operation) -> Any:
    """What a 2xx body of ``op`` decodes into (``None`` when it has no body to decode)."""
    if op.response_schema is None:
        return None
    return wire_type(schema_type(op.response_schema), op.pagination)


def parse_response(request: Request, response: Response, decode: Decode | None) -> Any:
    status = response.status
    if 200 <= status < 300:
        if decode is None:
            return None
        try:
            return decode(response.body)
        except (msgspec.DecodeError, RecursionError) as exc:  # ValidationError is a DecodeError
            problem = _why_undecodable(exc, response.body)
            raise ResponseValidationError(
                f"{request.method} {shorten(request.url)}: the {status} response {problem}",
                status_code=status,
                headers=response.headers,
                raw_body=response.body,
            ) from None
    raise error_from_response(request, response)


def _why_undecodable(exc: Exception, body: bytes) -> str:
    if isinstance(exc, RecursionError):  # JSON nested thousands deep: msgspec recurses per level
        return "is nested too deeply to decode"
    return f"does not decode: {exc}" if body.strip() else "has an empty body"


def error_from_response(request: Request, response: Response) -> SDKError:
    status = response.status
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    return error_class_for_status(status)(
        status_code=status,
        headers=response.headers,
        raw_body=response.body,
        method=request.method,
        url=request.url,
        retry_after=retry_after,
    )
