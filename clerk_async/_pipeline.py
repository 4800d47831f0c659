"""The pure steps around the one transport call: build the request, pick the retry policy, log."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from msgspec import UNSET, UnsetType

from ._config import ClientConfig, normalize_server_url, timeout_seconds
from ._http import EncodedBody, Request, Response, build_url
from ._operation import Operation
from ._retry import RetryConfig, describe_failure
from .errors import ClerkError, RequestValidationError

__all__ = ["build_request", "log_failure", "log_response", "resolve_retry", "resolve_timeout"]

#: Headers a caller may not override through ``http_headers``.
_PROTECTED_HEADERS = frozenset({"authorization", "content-type", "content-length", "host"})


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
    url = build_url(base, op.path, path, query)
    headers = config.headers() if op.auth else config.public_headers
    if body is not None or http_headers:
        headers = dict(headers)
        if http_headers:
            _merge_extra_headers(headers, http_headers)
        if body is not None:
            headers["Content-Type"] = body.content_type
    return Request(op.method, url, headers, None if body is None else body.content)


def _merge_extra_headers(headers: dict[str, str], extra: Mapping[str, str]) -> None:
    for name, value in extra.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise RequestValidationError("http_headers must map strings to strings")
        if name.lower() in _PROTECTED_HEADERS:
            raise RequestValidationError(f"http_headers may not set {name!r}")
        if any(ch in value for ch in "\r\n\0"):
            raise RequestValidationError(f"http_headers[{name!r}] holds a line break")
        headers[name] = value


def resolve_timeout(config: ClientConfig, timeout_ms: int | None) -> float:
    return timeout_seconds(timeout_ms, "timeout_ms") or config.timeout_s


def resolve_retry(
    config: ClientConfig, retries: RetryConfig | UnsetType | None
) -> RetryConfig | None:
    """The retry config for one call: UNSET -> the client's, ``None`` -> no retries."""
    chosen = config.retry_config if retries is UNSET else retries
    if chosen is None or not chosen.enabled:
        return None
    if not isinstance(chosen, RetryConfig):
        raise TypeError(f"retries must be a RetryConfig or None, not {type(chosen).__name__}")
    return chosen


def log_response(
    logger: logging.Logger, request: Request, response: Response, elapsed_s: float
) -> None:
    logger.debug(
        "%s %s -> %d in %.1f ms", request.method, request.url, response.status, elapsed_s * 1000
    )


def log_failure(
    logger: logging.Logger, request: Request, error: ClerkError, elapsed_s: float
) -> None:
    logger.debug(
        "%s %s -> %s after %.1f ms",
        request.method,
        request.url,
        describe_failure(error),
        elapsed_s * 1000,
    )
