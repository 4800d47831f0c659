"""The base of every generated model: a msgspec Struct that turns into dicts and JSON.

``to_dict()``/``to_json()`` leave UNSET fields out (they were never given); ``model_dump()`` and
``model_dump_json()`` are the same under the names of the official SDK's pydantic models.
``msgspec.to_builtins(model)`` and ``msgspec.json.encode(model)`` work directly as well.

A model's ``repr`` (and rich's, which tracebacks with locals and error trackers show) never holds
a credential: the fields in ``secret_fields`` (passwords, secrets, tokens, private keys, chosen by
the generator) show as ``<redacted>`` when set. Encoding still carries them: they are sent.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

import msgspec

__all__ = ["REDACTED", "Model"]

_encode = msgspec.json.Encoder().encode


class _Redacted:
    """What a ``repr`` shows in place of a secret value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<redacted>"


REDACTED: Final = _Redacted()


class Model(msgspec.Struct):
    """A Clerk API object (or request body) as a typed Struct."""

    #: The fields whose values are credentials, by their Python names.
    secret_fields: ClassVar[frozenset[str]] = frozenset()

    def __repr__(self) -> str:
        if not self.secret_fields:
            return super().__repr__()
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__rich_repr__())
        return f"{type(self).__name__}({shown})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        """The fields as rich prints them, a secret one (when set) as ``<redacted>``."""
        return [(name, self._shown(name)) for name in self.__struct_fields__]

    def _shown(self, name: str) -> Any:
        value = getattr(self, name)
        if name in self.secret_fields and value is not None and value is not msgspec.UNSET:
            return REDACTED
        return value

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
