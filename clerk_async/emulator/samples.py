"""Sample JSON values for any msgspec type: pure and deterministic.

``sample(User)`` is a JSON-able value that decodes into ``User``: every required field present,
strings derived from field names, one item per list. ``nulls=True`` makes every nullable field
``null`` and leaves optional fields out (the thinnest valid value); the default fills everything.
``extra_fields=True`` adds an unknown key to every object, as a newer Clerk might. Used by the
contract tests and by the emulator for the operations it does not model.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import msgspec.inspect as mi

__all__ = ["EXTRA_FIELD", "sample", "sample_info"]

#: The key ``extra_fields=True`` adds to every object, with the value ``EXTRA_VALUE``.
EXTRA_FIELD = "x_field_added_later"
EXTRA_VALUE = {"note": "unknown to this client"}
_MAX_DEPTH = 12


def sample(type_: Any, *, nulls: bool = False, extra_fields: bool = False) -> Any:
    """A JSON-able value of ``type_`` (any type msgspec can decode into)."""
    return sample_info(mi.type_info(type_), nulls=nulls, extra_fields=extra_fields)


def sample_info(
    info: mi.Type, *, nulls: bool = False, extra_fields: bool = False, name: str = "value"
) -> Any:
    """The same, from a ``msgspec.inspect`` type description; ``name`` seeds string values."""
    return _Sampler(nulls, extra_fields).value(info, name, 0)


class _Sampler:
    def __init__(self, nulls: bool, extra_fields: bool) -> None:
        self.nulls = nulls
        self.extra_fields = extra_fields

    def value(self, info: mi.Type, name: str, depth: int) -> Any:
        if isinstance(info, mi.UnionType):
            return self._union(info, name, depth)
        if isinstance(info, mi.StructType):
            return self._struct(info, depth)
        if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
            return [] if depth >= _MAX_DEPTH else [self.value(info.item_type, name, depth + 1)]
        if isinstance(info, mi.TupleType):
            return [self.value(item, name, depth + 1) for item in info.item_types]
        if isinstance(info, mi.DictType):
            if depth >= _MAX_DEPTH:
                return {}
            key = self.value(info.key_type, "key", depth + 1)
            return {str(key): self.value(info.value_type, name, depth + 1)}
        if isinstance(info, (mi.TypedDictType, mi.DataclassType, mi.NamedTupleType)):
            return self._fields(info.fields, depth)
        return _scalar(info, name)

    def _union(self, info: mi.UnionType, name: str, depth: int) -> Any:
        options = [t for t in info.types if not _is_unset(t)]
        if self.nulls and any(isinstance(t, mi.NoneType) for t in options):
            return None
        for option in options:
            if not isinstance(option, mi.NoneType):
                return self.value(option, name, depth)
        return None

    def _struct(self, info: mi.StructType, depth: int) -> Any:
        out = self._fields(info.fields, depth)
        if info.tag_field is not None:
            out = {info.tag_field: info.tag, **out}
        return out

    def _fields(self, fields: tuple[mi.Field, ...], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in fields:
            if not field.required and (self.nulls or depth >= _MAX_DEPTH):
                continue
            out[field.encode_name] = self.value(field.type, field.encode_name, depth + 1)
        if self.extra_fields:
            out[EXTRA_FIELD] = dict(EXTRA_VALUE)
        return out


def _is_unset(info: mi.Type) -> bool:
    return type(info).__name__ == "UnsetType"


def _scalar(info: mi.Type, name: str) -> Any:
    if isinstance(info, mi.NoneType):
        return None
    if isinstance(info, mi.BoolType):
        return True
    if isinstance(info, mi.IntType):
        return _number(info, 1)
    if isinstance(info, mi.FloatType):
        return float(_number(info, 1.5))
    if isinstance(info, mi.StrType):
        text = f"{name}_1"
        if info.max_length is not None:
            text = text[: info.max_length]
        if info.min_length is not None and len(text) < info.min_length:
            text = text.ljust(info.min_length, "x")
        return text if info.pattern is None else _matching(info.pattern, text)
    if isinstance(info, (mi.BytesType, mi.ByteArrayType, mi.MemoryViewType)):
        return base64.b64encode(name.encode()).decode()
    if isinstance(info, mi.LiteralType):
        return info.values[0]
    if isinstance(info, mi.EnumType):
        return next(iter(info.cls)).value
    if isinstance(info, mi.DateTimeType):
        return "2026-01-01T00:00:00Z"
    if isinstance(info, mi.DateType):
        return "2026-01-01"
    if isinstance(info, mi.UUIDType):
        return "00000000-0000-4000-8000-000000000001"
    if isinstance(info, mi.DecimalType):
        return "1.5"
    if isinstance(info, (mi.AnyType, mi.RawType)):
        return {"key": name}
    raise TypeError(f"no sample for {info!r}")


#: ``^(a|b|...)_\w{N}$`` or ``^a_\w{N}$``: an id, answered by the first prefix and N letters.
_ID_PATTERN = re.compile(r"^\^\(?(\w+)(?:\|\w+)*\)?_\\w\{(\d+)\}\$$")


def _matching(pattern: str, text: str) -> str:
    if re.search(pattern, text):
        return text
    shape = _ID_PATTERN.match(pattern)
    if shape is not None:
        return f"{shape.group(1)}_{'a' * int(shape.group(2))}"
    raise TypeError(f"no sample matches {pattern!r}")


def _number(info: mi.IntType | mi.FloatType, default: int | float) -> int | float:
    low = info.ge if info.ge is not None else info.gt
    if low is not None and default < low:
        return low + (1 if info.ge is None else 0)
    high = info.le if info.le is not None else info.lt
    if high is not None and default > high:
        return high - (1 if info.le is None else 0)
    return default
