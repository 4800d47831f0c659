"""JSON Schema (OpenAPI 3.0 flavour) -> the generator's types, registering a Struct per object.

Requests are strict and typed (string enums become ``Literal``); responses are lenient (enums
decode as their base type, so a value Clerk adds later still decodes). ``allOf`` is merged into one
Struct; a ``oneOf``/``anyOf`` of objects becomes one lenient Struct holding every variant's fields,
so an unknown variant still decodes (the variants keep their own Structs too). Identical schemas
share one Struct.
"""

from __future__ import annotations

import json
from typing import Any

from .config import ERROR_SCHEMAS
from .ir import DictOf, ErrorRef, Field, ListOf, Lit, Nullable, Prim, StructDef, StructRef, Type
from .naming import identifier, pascal
from .spec import Spec, SpecError

__all__ = ["TypeBuilder"]

_PROSE = frozenset({"description", "summary", "example", "examples", "title", "externalDocs"})
_COMPONENT = "#/components/schemas/"
ANY = Prim("Any")


def _facts(node: Any) -> Any:
    """``node`` without its prose: what identifies a schema's shape."""
    if isinstance(node, dict):
        return {k: _facts(v) for k, v in node.items() if k not in _PROSE}
    if isinstance(node, list):
        return [_facts(v) for v in node]
    return node


def _key(schema: Any, request: bool) -> str:
    return ("req:" if request else "res:") + json.dumps(_facts(schema), sort_keys=True)


class TypeBuilder:
    def __init__(self, spec: Spec, struct_names: dict[str, str]) -> None:
        self.spec = spec
        self.struct_names = struct_names
        self.structs: dict[str, StructDef] = {}
        self.renamed: list[str] = []  # default names that collided and got a number
        self._by_key: dict[str, Type] = {}
        #: hint -> what the schema is, for the Struct's docstring (facts, never spec prose).
        self.origins: dict[str, str] = {}
        self._components: dict[tuple[str, bool], Type] = {}

    # -- entry points -------------------------------------------------------------------------

    def type_of(self, schema: Any, *, request: bool, hint: str, own: bool = False) -> Type:
        """The type of ``schema``; an object gets a Struct named after ``hint`` (or its component).

        ``own``: the object gets its own Struct even if an identical one exists (request bodies,
        so that each operation's body has its operation's name).
        """
        if not isinstance(schema, dict):
            raise SpecError(f"{hint}: schema is not an object")
        ref = schema.get("$ref")
        if ref is not None:
            return self._component(ref, request)
        nullable = bool(schema.get("nullable"))
        inner = self._plain(schema, request, hint, named=own)
        if nullable and not isinstance(inner, Nullable) and inner != ANY:
            return Nullable(inner)
        return inner

    def component_types(self, *, request: bool, names: list[str]) -> None:
        """Make sure every named component has its Struct (even one no operation reaches)."""
        for name in names:
            if name not in ERROR_SCHEMAS:
                self._component(_COMPONENT + name, request)

    # -- references ---------------------------------------------------------------------------

    def _component(self, ref: str, request: bool) -> Type:
        if not ref.startswith(_COMPONENT):
            return self.type_of(self.spec.resolve({"$ref": ref}), request=request, hint="Ref")
        name = ref[len(_COMPONENT) :]
        if name in ERROR_SCHEMAS:
            error_type = ERROR_SCHEMAS[name]
            return ANY if error_type is None else ErrorRef(error_type)
        cached = self._components.get((name, request))
        if cached is not None:
            return cached
        schema = self.spec.resolve({"$ref": ref})
        self.origins.setdefault(pascal(name), f"the ``{name}`` schema")
        result = self._plain(schema, request, pascal(name), named=True)
        if schema.get("nullable") and not isinstance(result, Nullable):
            result = Nullable(result)
        self._components[(name, request)] = result
        return result

    # -- shapes -------------------------------------------------------------------------------

    def _plain(self, schema: dict[str, Any], request: bool, hint: str, named: bool = False) -> Type:
        if "allOf" in schema:
            return self._all_of(schema, request, hint, named)
        for word in ("oneOf", "anyOf"):
            if word in schema:
                variants = [v for v in schema[word] if set(v) - {"required"}]
                if not variants:  # only "one of these fields is required": a constraint
                    rest = {k: v for k, v in schema.items() if k != word}
                    return self._plain(rest, request, hint, named)
                return self._one_of(schema, variants, request, hint, named)
        kind = schema.get("type")
        if kind == "array" or (kind is None and "items" in schema):
            items = schema.get("items", {})
            item_hint = hint if named else hint + "Item"
            if item_hint != hint:
                self.origins.setdefault(item_hint, "an item of " + self._origin(hint))
            return ListOf(self.type_of(items, request=request, hint=item_hint))
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(schema, request, hint, named)
        if kind in ("string", "integer", "number", "boolean"):
            return self._scalar(schema, kind, request)
        if kind is None:
            return ANY
        raise SpecError(f"{hint}: unsupported type {kind!r}")

    def _scalar(self, schema: dict[str, Any], kind: str, request: bool) -> Type:
        base = {"string": "str", "integer": "int", "number": "number", "boolean": "bool"}[kind]
        if kind == "string" and schema.get("format") == "binary":
            return Prim("bytes")
        values = [v for v in schema.get("enum", ()) if v is not None]
        if request and values and kind == "string":
            return Lit(tuple(values))
        return Prim(base)

    def _object(self, schema: dict[str, Any], request: bool, hint: str, named: bool) -> Type:
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        if not properties or (request and extra not in (None, False)):
            # A free-form object; in a request, keys beyond the declared ones must not be dropped.
            if isinstance(extra, dict) and extra:
                return DictOf(self.type_of(extra, request=request, hint=hint + "Value"))
            return DictOf(ANY)
        return self._struct(schema, request, hint, named, properties, schema.get("required", []))

    def _struct(
        self,
        schema: dict[str, Any],
        request: bool,
        hint: str,
        named: bool,
        properties: dict[str, Any],
        required: list[str],
        related: list[str] | None = None,
        field_types: dict[str, Type] | None = None,
    ) -> Type:
        key = _key(schema, request)
        if not named and key in self._by_key:
            return self._by_key[key]
        name = self._claim(hint)
        ref = StructRef(name)
        self._by_key.setdefault(key, ref)
        struct = StructDef(
            name=name,
            fields=[],
            request=request,
            origin=self._origin(hint),
            related=related or [],
        )
        self.structs[name] = struct
        seen: set[str] = set()
        for wire, prop in properties.items():
            if field_types is not None and wire in field_types:
                type_ = field_types[wire]
            else:
                field_hint = name + pascal(wire)
                self.origins.setdefault(field_hint, f"the ``{wire}`` field of ``{name}``")
                type_ = self.type_of(prop, request=request, hint=field_hint)
            python = identifier(wire)
            if python in seen:
                raise SpecError(f"{name}: two properties are both named {python!r} in Python")
            seen.add(python)
            deprecated = bool(isinstance(prop, dict) and prop.get("deprecated"))
            struct.fields.append(Field(python, wire, type_, wire in required, deprecated))
        return ref

    def _origin(self, hint: str) -> str:
        return self.origins.get(hint, f"``{hint}``")

    def _claim(self, hint: str) -> str:
        name = self.struct_names.get(hint, hint)
        if name not in self.structs:
            return name
        number = 2
        while f"{name}{number}" in self.structs:
            number += 1
        self.renamed.append(f"{name} -> {name}{number}")
        return f"{name}{number}"

    # -- composition --------------------------------------------------------------------------

    def _parts(self, nodes: list[Any]) -> list[tuple[dict[str, Any], str | None]]:
        """Each schema with the component name it came from (if it was a reference)."""
        out = []
        for node in nodes:
            ref = node.get("$ref") if isinstance(node, dict) else None
            name = (
                ref[len(_COMPONENT) :]
                if isinstance(ref, str) and ref.startswith(_COMPONENT)
                else None
            )
            out.append((self.spec.resolve(node), name))
        return out

    def _all_of(self, schema: dict[str, Any], request: bool, hint: str, named: bool) -> Type:
        parts = schema["allOf"]
        if len(parts) == 1 and "properties" not in schema:
            return self.type_of(parts[0], request=request, hint=hint)
        properties: dict[str, Any] = dict(schema.get("properties") or {})
        required: list[str] = list(schema.get("required", []))
        related = []
        for part, name in self._parts(parts):
            if name is not None:
                related.extend(self._refs(self._component(_COMPONENT + name, request)))
            if "allOf" in part:
                nested = self._merge_all_of(part)
                properties.update(nested[0])
                required += nested[1]
                continue
            properties.update(part.get("properties") or {})
            required += part.get("required", [])
        return self._struct(schema, request, hint, named, properties, required, related)

    def _merge_all_of(self, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        properties: dict[str, Any] = dict(schema.get("properties") or {})
        required: list[str] = list(schema.get("required", []))
        for part, _ in self._parts(schema["allOf"]):
            if "allOf" in part:
                more = self._merge_all_of(part)
                properties.update(more[0])
                required += more[1]
            else:
                properties.update(part.get("properties") or {})
                required += part.get("required", [])
        return properties, required

    def _one_of(
        self,
        schema: dict[str, Any],
        variants: list[Any],
        request: bool,
        hint: str,
        named: bool,
    ) -> Type:
        if len(variants) == 1:
            return self.type_of(variants[0], request=request, hint=hint)
        parts = self._parts(variants)
        if not all(p.get("type", "object") == "object" and "properties" in p for p, _ in parts):
            return ANY
        related: list[str] = []
        for _, name in parts:
            if name is not None:
                related.extend(self._refs(self._component(_COMPONENT + name, request)))
        # Every variant's properties; a property whose type differs between variants is Any.
        properties: dict[str, Any] = {}
        types: dict[str, Type] = {}
        conflicts: set[str] = set()
        for index, (part, name) in enumerate(parts):
            owner = pascal(name) if name else f"{hint}Variant{index + 1}"
            for wire, prop in part["properties"].items():
                type_ = self.type_of(prop, request=request, hint=owner + pascal(wire))
                if wire in types:
                    unified = _unify(types[wire], type_)
                    if unified is None:
                        conflicts.add(wire)
                    else:
                        types[wire] = unified
                properties.setdefault(wire, prop)
                types.setdefault(wire, type_)
        for wire in conflicts:
            types[wire] = ANY
        common = set.intersection(*(set(p.get("required", [])) for p, _ in parts))
        required = [wire for wire in properties if wire in common]
        return self._struct(schema, request, hint, named, properties, required, related, types)

    @staticmethod
    def _refs(type_: Type) -> list[str]:
        while isinstance(type_, Nullable):
            type_ = type_.inner
        return [type_.name] if isinstance(type_, StructRef) else []


def _unify(a: Type, b: Type) -> Type | None:
    """One type for a property two variants declare, or None when they disagree."""
    if a == b:
        return a
    bare_a = a.inner if isinstance(a, Nullable) else a
    bare_b = b.inner if isinstance(b, Nullable) else b
    return Nullable(bare_a) if bare_a == bare_b else None
