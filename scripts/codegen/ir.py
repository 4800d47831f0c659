"""What the generator knows after reading the spec, before rendering: types, Structs, operations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Body",
    "DictOf",
    "ErrorRef",
    "Field",
    "ListOf",
    "Lit",
    "Nullable",
    "OperationDef",
    "Param",
    "Prim",
    "StructDef",
    "StructRef",
    "Type",
    "refs_of",
]


@dataclass(frozen=True)
class Prim:
    """``str``, ``int``, ``number`` (an int or a float), ``bool``, ``bytes`` or ``Any``."""

    name: str


@dataclass(frozen=True)
class Lit:
    """A closed set of values (request enums only: responses decode enums as their base type)."""

    values: tuple[str | int | bool, ...]


@dataclass(frozen=True)
class ListOf:
    item: Type


@dataclass(frozen=True)
class DictOf:
    value: Type


@dataclass(frozen=True)
class StructRef:
    name: str


@dataclass(frozen=True)
class ErrorRef:
    """A schema that is one of the error classes' data types in ``clerk_async.errors``."""

    name: str


@dataclass(frozen=True)
class Nullable:
    inner: Type


Type = Prim | Lit | ListOf | DictOf | StructRef | ErrorRef | Nullable


def refs_of(type_: Type) -> list[str]:
    """The Struct names a type mentions."""
    if isinstance(type_, StructRef):
        return [type_.name]
    if isinstance(type_, (ListOf,)):
        return refs_of(type_.item)
    if isinstance(type_, DictOf):
        return refs_of(type_.value)
    if isinstance(type_, Nullable):
        return refs_of(type_.inner)
    return []


@dataclass
class Field:
    name: str  # the Python name
    wire: str
    type: Type
    required: bool
    deprecated: bool = False
    aliases: tuple[str, ...] = ()  # other keywords accepted for it (as a method argument)
    secret: bool = False  # a credential: hidden from the model's repr (see ``secrets``)


@dataclass
class StructDef:
    name: str
    fields: list[Field]
    request: bool
    origin: str  # where in the spec it comes from, for the docstring
    #: Structs this one is made from without mentioning them in a field (merged variants).
    related: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    module: str = ""


@dataclass
class Param:
    wire: str
    name: str
    type: Type
    required: bool
    location: Literal["path", "query"]
    deprecated: bool = False
    comma_separated: bool = False  # an array sent as one comma-joined value (explode: false)
    aliases: tuple[str, ...] = ()
    #: The schema's value constraints as ``msgspec.Meta`` arguments, e.g. ``(("ge", 1),)``.
    constraints: tuple[tuple[str, int | float | str], ...] = ()


@dataclass
class Body:
    #: json: an object whose fields are keyword arguments; json_array: ``request_body=[...]``;
    #: json_any: ``request_body={...}`` (a free-form object); multipart: form fields.
    kind: Literal["json", "json_array", "json_any", "multipart"]
    type: Type  # the body's type (a StructRef, or list/dict)
    fields: list[Field]
    required: bool


@dataclass
class OperationDef:
    operation_id: str
    verb: str
    path: str
    tag: str
    group: str
    name: str
    const: str
    deprecated: bool
    params: list[Param]
    body: Body | None
    response: Type | None
    pagination: Literal["array", "data", "m2m_tokens"] | None = None
    #: The item type of a page (``response`` is then the envelope or list).
    item: Type | None = None
    cursor: tuple[str, str, tuple[str, ...]] | None = None
    #: (group, name) the official SDK uses, when it differs: an alias of the same function.
    alias: tuple[str, str] | None = None
    source: str = ""  # the spec file it comes from
    #: False for the operations the spec marks public (``security: []``): no secret key is sent.
    auth: bool = True

    @property
    def path_params(self) -> list[Param]:
        return [p for p in self.params if p.location == "path"]

    @property
    def query_params(self) -> list[Param]:
        return [p for p in self.params if p.location == "query"]
