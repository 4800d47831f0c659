"""What the mapping of every kind of record shares: the refusal it raises, and the checks of
metadata, timestamps and requests as Clerk takes them (pure, offline)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, TypeVar

import msgspec

from clerk_async._json_values import check_json_values
from clerk_async.errors import RequestValidationError

__all__ = ["METADATA_LIMIT", "Invalid", "metadata_object", "request_of", "rfc3339"]

T = TypeVar("T")
#: Clerk's limit on each metadata object, in bytes of JSON.
METADATA_LIMIT = 8 * 1024
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode
_ERROR_FIELD = re.compile(r"`\$\.([A-Za-z_]+)|unknown field `([^`]+)`")


class Invalid(Exception):
    """Why Clerk would refuse a record: its code, the field at fault, and the reason."""

    def __init__(self, code: str, field: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.field, self.reason = code, field, reason


def rfc3339(value: datetime | str) -> str:
    """``created_at`` as Clerk takes it: RFC 3339 in UTC, to the millisecond."""
    if isinstance(value, str):
        raise Invalid("invalid_timestamp", "created_at", f"{value!r} is not a date and time")
    moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds") + "Z"


def metadata_object(name: str, value: object) -> dict[str, Any]:
    """``value`` once it is a JSON object Clerk keeps as ``name`` (at most 8 KB)."""
    if not isinstance(value, dict):
        raise Invalid("invalid_metadata", name, f"{name} is not a JSON object")
    # When reading its JSON back gives ``value`` again, msgspec changed nothing silently (NaN,
    # bytes, sets come back as something else; a lone surrogate fails): a few times cheaper
    # than check_json_values' walk, which runs only when it does not.
    try:
        encoded = _encode(value)
        plain: bool = _decode(encoded) == value
    except Exception:  # anything msgspec or a value's __eq__ raises: the walk says what
        plain = False
    if not plain:  # walked to say which value, or to convert them
        try:
            check_json_values({name: value})  # what msgspec would silently change (NaN, bytes)
        except RequestValidationError as problem:
            raise Invalid("invalid_metadata", name, str(problem)) from None
        encoded = msgspec.json.encode(value)
    size = len(encoded)
    if size > METADATA_LIMIT:
        raise Invalid(
            "metadata_too_large",
            name,
            f"{name} is {size} bytes of JSON; Clerk keeps at most {METADATA_LIMIT}",
        )
    return value


def request_of(body: dict[str, Any], model: type[T]) -> T:
    """``body`` as the request ``model``: a field of the wrong type, or an unknown one, is
    :class:`Invalid` (msgspec's messages name the path and the expected type, never the value)."""
    try:
        return msgspec.convert(body, model, strict=False)
    except msgspec.ValidationError as error:
        match = _ERROR_FIELD.search(str(error))
        field = next((group for group in match.groups() if group), "") if match else ""
        raise Invalid("invalid_field", field, str(error)) from None
