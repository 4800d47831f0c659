"""Building a request and holding a response: pure, shared, no I/O.

Path parameters are percent-encoded as whole segments (an id holding ``/``, ``?`` or ``#``
cannot change the path), query arrays are exploded, booleans become ``true``/``false``, and UNSET
or ``None`` query values are left out.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from msgspec import UNSET

from ._text import shorten
from .errors import APIConnectionError, RequestValidationError

__all__ = ["EncodedBody", "Request", "Response", "build_url", "encode_query", "transport_error"]


class EncodedBody:
    """A request body ready to send, with its content type."""

    __slots__ = ("content", "content_type")

    def __init__(self, content: bytes, content_type: str) -> None:
        self.content = content
        self.content_type = content_type


class Request:
    """What a transport sends: method, absolute URL, headers and body bytes."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None = None
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"


class Response:
    """What a transport returns: status, case-insensitive headers and the whole body."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def __repr__(self) -> str:
        return f"<Response {self.status} ({len(self.body)} bytes)>"


def build_url(
    base_url: str,
    path_template: str,
    path_params: Mapping[str, Any] | None,
    query: Mapping[str, Any] | None,
) -> str:
    path = path_template
    if path_params:
        path = path_template.format_map(
            {name: _path_segment(name, value) for name, value in path_params.items()}
        )
    url = base_url + path
    if query:
        encoded = encode_query(query)
        if encoded:
            url = url + "?" + encoded
    return url


def _path_segment(name: str, value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RequestValidationError(
            f"path parameter {name!r} must be a string, not {type(value).__name__}"
        )
    text = str(value)
    if text in ("", ".", ".."):
        raise RequestValidationError(f"path parameter {name!r} must not be {text!r}")
    try:
        return quote(text, safe="")
    except UnicodeEncodeError:
        raise RequestValidationError(
            f"path parameter {name!r} holds a lone surrogate, which no URL can carry"
        ) from None


def encode_query(query: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for name, value in query.items():
        if value is UNSET or value is None:
            continue
        key = quote(name, safe="")
        if isinstance(value, (list, tuple)):
            plain = _unquoted(value)
            if plain is not None:
                parts.append(key + "=" + plain.replace("&", "&" + key + "="))
            else:
                parts.extend(key + "=" + _query_value(name, item) for item in value)
        else:
            parts.append(key + "=" + _query_value(name, value))
    return "&".join(parts)


#: What ``quote(text, safe="")`` leaves as it is, and the ``&`` :func:`_unquoted` joins with.
_UNQUOTED = string.ascii_letters.encode() + string.digits.encode() + b"_.~-&"


def _unquoted(values: Sequence[Any]) -> str | None:
    """``values`` joined with ``&``, when they are strings that quoting leaves as they are (ids,
    mostly), else None: a lookup of a hundred external ids then quotes none of them one by one."""
    try:
        joined = "&".join(values)
        ascii_ = joined.encode("ascii")
    except (TypeError, UnicodeEncodeError):
        return None
    if ascii_.translate(None, _UNQUOTED) or joined.count("&") != len(values) - 1:
        return None
    return joined


def _query_value(name: str, value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (str, int, float)):
        try:
            return quote(str(value), safe="")
        except UnicodeEncodeError:
            raise RequestValidationError(
                f"query parameter {name!r} holds a lone surrogate, which no URL can carry"
            ) from None
    raise RequestValidationError(
        f"query parameter {name!r} must be a string, number, boolean or a list of them, "
        f"not {type(value).__name__}"
    )


def transport_error(
    kind: type[APIConnectionError], request: Request, cause: BaseException, *, sent: bool
) -> APIConnectionError:
    """The error a transport raises for ``cause``, to be raised outside the ``except`` block.

    ``sent=False`` only when nothing can have reached the server. ``cause`` is described, never
    chained: the HTTP libraries' exceptions keep the request, headers and key included.
    """
    detail = str(cause)
    reason = f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__
    authorization = request.headers.get("Authorization")
    if authorization:
        reason = reason.replace(authorization, "<Authorization>")
        reason = reason.replace(authorization.removeprefix("Bearer "), "<secret key>")
    return kind(
        f"{request.method} {shorten(request.url)}: {shorten(reason)}",
        method=request.method,
        url=request.url,
        request_sent=sent,
        reason=reason,
    )
