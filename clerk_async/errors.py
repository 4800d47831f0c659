"""The one error tree shared by ``clerk_async`` and ``clerk_sync``.

Every non-2xx response raises an :class:`SDKError` subclass chosen by status code; faults on the way
(connection, timeout) raise :class:`APIConnectionError`; a 2xx body that does not decode raises
:class:`ResponseValidationError`. Nothing here ever holds the secret key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import msgspec

from ._text import shorten

__all__ = [
    "APIConnectionError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClerkError",
    "ClerkErrors",
    "ConflictError",
    "ErrorDetail",
    "GoneError",
    "Headers",
    "InternalServerError",
    "LockedError",
    "MissingSecretKeyError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseValidationError",
    "SDKError",
    "UnprocessableEntityError",
    "error_class_for_status",
]


class ErrorDetail(msgspec.Struct, omit_defaults=True):
    """One entry of the ``errors`` array of a Clerk error body."""

    code: str = ""
    message: str = ""
    long_message: str | None = None
    meta: dict[str, Any] | None = None


class _ErrorBody(msgspec.Struct):
    errors: list[ErrorDetail] = []
    meta: dict[str, Any] | None = None
    clerk_trace_id: str | None = None


_error_body_decoder = msgspec.json.Decoder(_ErrorBody)


class ClerkError(Exception):
    """Base class of every error this package raises."""


class MissingSecretKeyError(ClerkError):
    """No secret key was given and ``CLERK_SECRET_KEY`` is not set."""


class RequestValidationError(ClerkError, ValueError):
    """An argument was rejected before anything was sent; the message names it."""


class APIConnectionError(ClerkError):
    """The request did not complete: connection refused, reset or closed early.

    ``request_sent`` is False only when the request provably never reached the server (the
    connection could not be opened), which is what makes retrying a POST safe.
    """

    def __init__(
        self, message: str, *, method: str, url: str, request_sent: bool, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.request_sent = request_sent
        #: What went wrong underneath (the transport's exception, described; never chained,
        #: since the transport's exceptions hold the request and its headers).
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), str(self), _picklable(self.__dict__)))


class APITimeoutError(APIConnectionError):
    """The request did not complete within its timeout."""


class ResponseValidationError(ClerkError):
    """A successful response whose body does not decode into the expected type."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: Mapping[str, str],
        raw_body: bytes,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.headers = headers
        self.raw_body = raw_body

    @property
    def body(self) -> str:
        return self.raw_body.decode("utf-8", "replace")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), str(self), _picklable(self.__dict__)))


class _SeedErrorData(msgspec.Struct):
    """The ``e.data`` shape of Clerk's own SDK (``e.data.errors``, ``e.data.meta``)."""

    errors: list[ErrorDetail]
    meta: dict[str, Any] | None


class SDKError(ClerkError):
    """A non-2xx response. Subclasses name the status; catch this one for all of them."""

    def __init__(
        self,
        *,
        status_code: int,
        headers: Mapping[str, str],
        raw_body: bytes,
        method: str = "",
        url: str = "",
        retry_after: float | None = None,
    ) -> None:
        parsed = _parse_error_body(raw_body)
        self.status_code = status_code
        self.headers = headers
        self.raw_body = raw_body
        self.method = method
        self.url = url
        self.errors: list[ErrorDetail] = parsed.errors
        self.meta = parsed.meta
        self.clerk_trace_id = parsed.clerk_trace_id or headers.get("x-clerk-trace-id")
        self.retry_after = retry_after
        super().__init__(self._describe())

    @property
    def body(self) -> str:
        return self.raw_body.decode("utf-8", "replace")

    @property
    def message(self) -> str:
        return str(self)

    @property
    def code(self) -> str | None:
        """The ``code`` of the first error entry, e.g. ``"resource_not_found"``."""
        return self.errors[0].code if self.errors else None

    @property
    def data(self) -> _SeedErrorData:
        return _SeedErrorData(errors=self.errors, meta=self.meta)

    def _describe(self) -> str:
        parts = [f"{self.status_code}"]
        if self.method:
            parts.append(f"{self.method} {shorten(self.url)}")
        location = self.headers.get("location") if 300 <= self.status_code < 400 else None
        if location:
            parts.append(f"redirected to {shorten(location)}")
        if self.errors:
            first = self.errors[0]
            detail = first.long_message or first.message
            parts.append(f"{first.code}: {detail}" if first.code else detail)
            if len(self.errors) > 1:
                parts.append(f"(+{len(self.errors) - 1} more)")
        elif self.raw_body:
            parts.append(_preview(self.raw_body))
        if self.retry_after is not None:
            parts.append(f"retry after {self.retry_after:g} s")
        if self.clerk_trace_id:
            parts.append(f"clerk_trace_id={self.clerk_trace_id}")
        return " ".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), str(self), _picklable(self.__dict__)))


class ClerkErrors(SDKError):
    """The seed's name for Clerk's structured errors: 400, 401, 410 and 422."""


class BadRequestError(ClerkErrors):
    """400: malformed request."""


class AuthenticationError(ClerkErrors):
    """401: the secret key is missing, wrong or revoked."""


class PaymentRequiredError(SDKError):
    """402: the feature needs a paid plan."""


class PermissionDeniedError(SDKError):
    """403: the key may not do this."""


class NotFoundError(SDKError):
    """404: no such resource."""


class ConflictError(SDKError):
    """409: the request conflicts with the resource's current state."""


class GoneError(ClerkErrors):
    """410: the resource existed and is gone."""


class PayloadTooLargeError(SDKError):
    """413: the body is too large."""


class UnprocessableEntityError(ClerkErrors):
    """422: the request is well formed but invalid (taken identifier, bad parameter)."""


class LockedError(SDKError):
    """423: the resource is locked."""


class RateLimitError(SDKError):
    """429: too many requests; ``retry_after`` says how long Clerk asked us to wait."""


class InternalServerError(SDKError):
    """5xx: a fault on Clerk's side."""


_BY_STATUS: dict[int, type[SDKError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    423: LockedError,
    429: RateLimitError,
}


def error_class_for_status(status: int) -> type[SDKError]:
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, SDKError)


def _parse_error_body(raw_body: bytes) -> _ErrorBody:
    if raw_body:
        try:
            return _error_body_decoder.decode(raw_body)
        except (msgspec.DecodeError, RecursionError):  # not Clerk's shape, or nested too deeply
            pass
    return _ErrorBody()


def _preview(raw_body: bytes, limit: int = 200) -> str:
    text = raw_body[: limit + 1].decode("utf-8", "replace").replace("\n", " ").strip()
    return text if len(text) <= limit else text[:limit] + "..."


class Headers(Mapping[str, str]):
    """Response headers as an error keeps them once pickled: looked up case-insensitively."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str]) -> None:
        self._items = {name.lower(): value for name, value in items.items()}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Headers, (self._items,))


def _picklable(state: dict[str, Any]) -> dict[str, Any]:
    """Transport header types do not pickle: keep them as case-insensitive ``Headers``."""
    headers = state.get("headers")
    if headers is None or isinstance(headers, Headers):
        return state
    return {**state, "headers": Headers(headers)}


def _rebuild(cls: type[ClerkError], message: str, state: dict[str, Any]) -> ClerkError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error
