"""The pure steps around the one transport call: build the request, pick the retry policy, log."""

from __future__ import annotations

import contextlib
import logging
import math
import re
from collections.abc import Mapping
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from ._config import ClientConfig, normalize_server_url, timeout_seconds
from ._http import EncodedBody, Request, Response, build_url
from ._operation import Operation
from ._retry import RetryConfig, describe_failure
from ._text import shorten
from .errors import APIConnectionError, ClerkError, RequestValidationError

__all__ = [
    "build_request",
    "check_query",
    "log_failure",
    "log_response",
    "resolve_retry",
    "resolve_timeout",
]

#: Headers a caller may not override through ``http_headers``.
_PROTECTED_HEADERS = frozenset({"authorization", "content-type", "content-length", "host"})
#: An HTTP field name (RFC 9110 token).
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def build_request(
    config: ClientConfig,
    op: Operation,
    *,
    path: Mapping[str, Any] | None,
    query: Mapping[str, Any] | None,
    body: EncodedBody | None,
    server_url: str | None,
    http_headers: Mapping[str, str] | None,
) -> Request:
    base = config.server_url if server_url is None else normalize_server_url(server_url)
    if query is not None:
        query = check_query(op, query)
    url = build_url(base, op.path, path, query)
    headers = config.headers() if op.auth else config.public_headers
    if body is not None or http_headers:
        headers = dict(headers)
        if http_headers:
            _merge_extra_headers(headers, http_headers)
        if body is not None:
            headers["Content-Type"] = body.content_type
    return Request(op.method, url, headers, None if body is None else body.content)


def check_query(op: Operation, query: Mapping[str, Any]) -> dict[str, Any]:
    """The query parameters that are set, each checked against the spec's type and limits, with
    arrays the spec sends comma-joined joined. Raises ``RequestValidationError`` naming the first
    bad one."""
    from ._query_types import COMMA_SEPARATED, QUERY_TYPES

    types = QUERY_TYPES.get(op.operation_id, {})
    joined = COMMA_SEPARATED.get(op.operation_id, ())
    out: dict[str, Any] = {}
    for name, given in query.items():
        if given is UNSET or given is None:
            continue
        expected = types.get(name)
        value = given if expected is None else _checked_query_value(name, given, expected)
        out[name] = ",".join(value) if name in joined and isinstance(value, list) else value
    for name in op.required_query:
        if name not in out:
            raise RequestValidationError(f"query parameter {name!r} is required")
    return out


def _checked_query_value(name: str, value: Any, expected: Any) -> Any:
    is_list = getattr(expected, "__origin__", None) is list
    if is_list and isinstance(value, str):
        value = [value]  # one value for an array parameter
    elif is_list and not isinstance(value, (list, tuple)):
        with contextlib.suppress(TypeError):  # not iterable: reported below, by type
            value = list(value)
    try:
        msgspec.convert(value, expected)
    except msgspec.ValidationError as exc:
        where = str(exc).replace(" - at `$`", "").replace("`$[", "`[")
        raise RequestValidationError(f"query parameter {name!r}: {where}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise RequestValidationError(f"query parameter {name!r} must be a finite number")
    return list(value) if is_list else value


def _merge_extra_headers(headers: dict[str, str], extra: Mapping[str, str]) -> None:
    if not isinstance(extra, Mapping):
        raise TypeError(f"http_headers must be a mapping, not {type(extra).__name__}")
    for name, value in extra.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise RequestValidationError("http_headers must map strings to strings")
        if not _HEADER_NAME.match(name):
            raise RequestValidationError(f"http_headers: {shorten(name)!r} is not a header name")
        if name.lower() in _PROTECTED_HEADERS:
            raise RequestValidationError(f"http_headers may not set {name!r}")
        if any(ch in value for ch in "\r\n\0") or (not value.isascii() and _not_latin1(value)):
            raise RequestValidationError(
                f"http_headers[{name!r}] holds a line break or a character HTTP cannot carry"
            )
        headers[name] = value


def _not_latin1(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return True
    return False


def resolve_timeout(config: ClientConfig, timeout_ms: int | None) -> float:
    return timeout_seconds(timeout_ms, "timeout_ms") or config.timeout_s


def resolve_retry(
    config: ClientConfig, retries: RetryConfig | UnsetType | None
) -> RetryConfig | None:
    """The retry config for one call: UNSET -> the client's, ``None`` -> no retries."""
    chosen = config.retry_config if retries is UNSET else retries
    if chosen is None:
        return None
    if not isinstance(chosen, RetryConfig):
        raise TypeError(
            f"retries must be a RetryConfig or None (no retries), not {type(chosen).__name__}"
        )
    return chosen if chosen.enabled else None


def log_response(
    logger: logging.Logger, request: Request, response: Response, elapsed_s: float
) -> None:
    logger.debug(
        "%s %s -> %d in %.1f ms", request.method, request.url, response.status, elapsed_s * 1000
    )


def log_failure(
    logger: logging.Logger, request: Request, error: ClerkError, elapsed_s: float
) -> None:
    reason = describe_failure(error)
    if isinstance(error, APIConnectionError):
        reason += f" ({error.reason})"
    logger.debug("%s %s -> %s after %.1f ms", request.method, request.url, reason, elapsed_s * 1000)
