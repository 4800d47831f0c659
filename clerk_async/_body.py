"""Encoding request bodies: JSON through msgspec Structs (validated), multipart for uploads.

Both run before anything is sent, so a bad argument raises :class:`RequestValidationError` naming
the field and no request goes out. Uploads are read into memory once, so a retry resends
identical bytes.
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from ._http import EncodedBody
from ._json_values import check_json_values
from ._types import FileInput
from .errors import RequestValidationError

__all__ = ["json_body", "multipart_body"]

JSON_CONTENT_TYPE = "application/json"
_encoder = msgspec.json.Encoder()


def json_body(schema: Any, fields: Mapping[str, Any] | Iterable[Any] | UnsetType) -> EncodedBody:
    """Validate a body against ``schema`` and encode it.

    ``fields`` maps wire names to values (UNSET entries are dropped) for an object body, or is the
    items (or the free-form object) of the operations whose body is ``request_body``.
    """
    value: Any
    if fields is UNSET:
        raise RequestValidationError("request_body is required")
    if isinstance(fields, Mapping):
        value = {name: item for name, item in fields.items() if item is not UNSET}
    elif isinstance(fields, (str, bytes)) or not isinstance(fields, Iterable):
        raise RequestValidationError(
            f"request_body must be a list of items, not {type(fields).__name__}"
        )
    else:
        value = list(fields)
    check_json_values(value)
    try:
        validated = msgspec.convert(value, schema)
    except msgspec.ValidationError as exc:
        raise RequestValidationError(f"invalid request body: {_describe(exc)}") from None
    try:
        content = _encoder.encode(validated)
    except (TypeError, ValueError, OverflowError) as exc:  # a value msgspec cannot write
        raise RequestValidationError(f"invalid request body: {exc}") from None
    return EncodedBody(content, JSON_CONTENT_TYPE)


def _describe(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    text = text.replace("`$.", "`").replace("`$[", "`request_body[").replace("`$`", "the body")
    return text or "invalid value"


def multipart_body(fields: Mapping[str, Any]) -> EncodedBody:
    """Encode form fields; a field is text, or an upload (bytes, binary file, or file mapping)."""
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        if value is UNSET or value is None:
            continue
        out += b"--" + boundary.encode() + b"\r\n"
        if isinstance(value, str):
            out += _disposition(name, None) + b"\r\n\r\n" + value.encode()
        else:
            file_name, content, content_type = _read_upload(name, value)
            out += _disposition(name, file_name)
            out += b"\r\nContent-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
            out += content
        out += b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return EncodedBody(bytes(out), "multipart/form-data; boundary=" + boundary)


def _disposition(name: str, file_name: str | None) -> bytes:
    text = f'Content-Disposition: form-data; name="{_quote(name)}"'
    if file_name is not None:
        text += f'; filename="{_quote(file_name)}"'
    return text.encode("utf-8")


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")


def _read_upload(field: str, value: FileInput) -> tuple[str, bytes, str]:
    content_type: str | None = None
    if isinstance(value, Mapping):
        if "content" not in value:
            raise RequestValidationError(f"upload {field!r}: the mapping needs a 'content' key")
        file_name = str(value.get("file_name") or "upload")
        content: Any = value["content"]
        content_type = value.get("content_type")
    else:
        content = value
        file_name = _file_name_of(value)
    if isinstance(content, (bytes, bytearray, memoryview)):
        data = bytes(content)
    elif hasattr(content, "read"):
        data = content.read()
        if not isinstance(data, bytes):
            raise RequestValidationError(
                f"upload {field!r}: the file must be opened in binary mode ('rb')"
            )
    else:
        raise RequestValidationError(
            f"upload {field!r} must be bytes, a binary file or a mapping with 'content', "
            f"not {type(content).__name__}"
        )
    if content_type is None:
        content_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    return file_name, data, content_type


def _file_name_of(value: object) -> str:
    name = getattr(value, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        return os.path.basename(name)
    return "upload"
