"""Errors the emulator answers with, in Clerk's wire format.

Every error body is ``{"errors": [{"code", "message", "long_message", "meta"}], "clerk_trace_id"}``.
Handlers raise :class:`APIError`; the application turns it into a response.
"""

from __future__ import annotations

import os
from typing import Any

import msgspec

__all__ = [
    "APIError",
    "bad_request",
    "error_body",
    "identifier_exists",
    "not_found",
    "param_invalid",
    "param_missing",
    "param_unknown",
    "param_value_invalid",
    "quota_exceeded",
    "trace_id",
    "unauthorized",
    "unprocessable",
]

_encode = msgspec.json.encode


class APIError(Exception):
    """One Clerk error response: a status and one or more error entries."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        long_message: str | None = None,
        meta: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.entries: list[dict[str, Any]] = [
            {
                "code": code,
                "message": message,
                "long_message": long_message or message,
                "meta": meta or {},
            }
        ]
        self.headers = headers or {}

    @property
    def code(self) -> str:
        return str(self.entries[0]["code"])

    def body(self) -> bytes:
        return error_body(self.entries)


def trace_id() -> str:
    return os.urandom(16).hex()


def error_body(entries: list[dict[str, Any]]) -> bytes:
    return _encode({"errors": entries, "clerk_trace_id": trace_id()})


def not_found(what: str = "resource", ident: str | None = None) -> APIError:
    detail = f"No {what} was found with id {ident}" if ident else f"The {what} was not found"
    return APIError(404, "resource_not_found", "not found", detail)


def unauthorized(code: str, long_message: str) -> APIError:
    return APIError(401, code, "Invalid authentication", long_message)


def bad_request(code: str, message: str, long_message: str | None = None) -> APIError:
    return APIError(400, code, message, long_message)


def unprocessable(
    code: str, message: str, long_message: str | None = None, param: str | None = None
) -> APIError:
    meta = {"param_name": param} if param is not None else None
    return APIError(422, code, message, long_message, meta)


def identifier_exists(param: str, what: str | None = None) -> APIError:
    label = what or param.replace("_", " ")
    return unprocessable(
        "form_identifier_exists",
        f"That {label} is taken. Please try another.",
        f"That {label} is taken. Please try another.",
        param,
    )


def param_invalid(param: str, detail: str | None = None) -> APIError:
    return unprocessable(
        "form_param_format_invalid",
        "is invalid",
        detail or f"{param} has an invalid format.",
        param,
    )


def param_value_invalid(param: str, detail: str | None = None) -> APIError:
    return unprocessable(
        "form_param_value_invalid",
        "is invalid",
        detail or f"{param} has an invalid value.",
        param,
    )


def param_missing(param: str) -> APIError:
    return unprocessable("form_param_missing", "is missing", f"{param} must be included.", param)


def param_unknown(param: str) -> APIError:
    return unprocessable(
        "form_param_unknown",
        "is unknown",
        f"{param} is not a valid parameter for this request.",
        param,
    )


def quota_exceeded(limit: int) -> APIError:
    """A full instance refusing one more user (the code and text third-party reports quote)."""
    return APIError(
        403,
        "user_quota_exceeded",
        "user quota exceeded",
        f"You have reached your limit of {limit} users. If you need more users, please use a "
        "Production instance.",
    )
