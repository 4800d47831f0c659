"""The base of every generated model: a msgspec Struct that turns into dicts and JSON.

``to_dict()``/``to_json()`` leave UNSET fields out (they were never given); ``model_dump()`` and
``model_dump_json()`` are the same under the names of the official SDK's pydantic models.
``msgspec.to_builtins(model)`` and ``msgspec.json.encode(model)`` work directly as well.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["Model"]

_encode = msgspec.json.Encoder().encode


class Model(msgspec.Struct):
    """A Clerk API object (or request body) as a typed Struct."""

    def to_dict(self) -> dict[str, Any]:
        """Builtin types only (dicts, lists, strings, numbers), keyed by Clerk's field names."""
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result

    def to_json(self) -> str:
        """The JSON text Clerk would send or receive for this object."""
        return _encode(self).decode()

    def model_dump(self) -> dict[str, Any]:
        """``to_dict()``, under the pydantic name used by Clerk's official SDK."""
        return self.to_dict()

    def model_dump_json(self) -> str:
        """``to_json()``, under the pydantic name used by Clerk's official SDK."""
        return self.to_json()
