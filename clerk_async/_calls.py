"""Small pure helpers the generated resource methods call. Shared by both packages."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, TypeVar

from msgspec import UNSET, UnsetType

__all__ = ["CALL_OPTIONS", "deprecated", "either", "unpack_request"]

T = TypeVar("T")

#: The per-call options every generated method takes after its own arguments.
CALL_OPTIONS = ("retries", "timeout_ms", "server_url", "http_headers")


def deprecated(name: str) -> None:
    """Warn that the generated method ``name`` (``group.method``) calls a deprecated operation.

    ``stacklevel`` points at the caller of the generated method.
    """
    warnings.warn(
        f"{name} is deprecated by Clerk and may be removed from the API",
        DeprecationWarning,
        stacklevel=3,
    )


def either(
    name: str, value: T | UnsetType, alias: str, alias_value: T | UnsetType
) -> T | UnsetType:
    """The value of an argument that also has an alias (another keyword for the same thing)."""
    if alias_value is UNSET:
        return value
    if value is not UNSET:
        raise TypeError(f"pass {name} or {alias}, not both")
    return alias_value


def unpack_request(
    request: object,
    arguments: Mapping[str, Any],
    keep: tuple[str, ...] = (),
    *,
    as_body: bool = False,
) -> dict[str, Any]:
    """The keyword arguments equivalent to a call made the official SDK's way, ``request=...``.

    ``arguments`` are the method's own (its ``locals()``); ``keep`` names its path parameters,
    which are passed as usual. ``request`` is a mapping of the other arguments (or a pydantic
    model of the official SDK), or, with ``as_body``, the request body itself.
    """
    passed = sorted(
        name
        for name, value in arguments.items()
        if value is not UNSET
        and name not in ("self", "request")
        and name not in keep
        and name not in CALL_OPTIONS
    )
    if passed:
        raise TypeError(f"pass request= or keyword arguments ({', '.join(passed)}), not both")
    out = {name: arguments[name] for name in (*keep, *CALL_OPTIONS)}
    if as_body:
        out["request_body"] = request
        return out
    for name, value in _request_fields(request).items():
        if name in out:
            raise TypeError(f"request= may not hold {name!r}: pass it as an argument")
        out[name] = value
    return out


def _request_fields(request: object) -> Mapping[str, Any]:
    if isinstance(request, Mapping):
        fields = request
    elif callable(getattr(request, "model_dump", None)):  # the official SDK's pydantic models
        fields = request.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    else:
        raise TypeError(
            f"request= must be a mapping of the method's arguments, not {type(request).__name__}"
        )
    for name in fields:
        if not isinstance(name, str):
            raise TypeError(f"request= keys must be argument names, not {name!r}")
    return fields
