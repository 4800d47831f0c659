"""The spec's operations -> ``OperationDef``: names, parameters, body, response and paging."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .config import CALL_OPTIONS, COMMON_MODULE, SUFFIXED_BUILTINS, TAG_MODULES, Config
from .ir import (
    Body,
    DictOf,
    ListOf,
    Nullable,
    OperationDef,
    Param,
    StructDef,
    StructRef,
    Type,
    refs_of,
)
from .naming import constant, identifier, module_name, pascal, snake
from .schemas import TypeBuilder
from .spec import Spec, SpecError, iter_operations

__all__ = ["Api", "build_api"]


@dataclass
class Api:
    """Everything the renderers need."""

    operations: list[OperationDef]
    structs: dict[str, StructDef]
    #: canonical group -> the other names it is reachable under (the spec's names).
    group_aliases: dict[str, list[str]]
    sha256: str
    spec_name: str
    renamed: list[str]

    @property
    def groups(self) -> list[str]:
        return sorted({op.group for op in self.operations})


def build_api(specs: list[Spec], config: Config) -> Api:
    main = specs[0]
    builder = TypeBuilder(main, config.struct_names)
    sources = [(verb, path, op, main.path.name) for verb, path, op in iter_operations(main.data)]
    for index, verb, path in config.extra_operations:
        if index >= len(specs):
            raise SpecError(f"{verb.upper()} {path} comes from spec file #{index + 1}: pass it too")
        extra = specs[index]
        operation = extra.data["paths"].get(path, {}).get(verb)
        if operation is None:
            raise SpecError(f"{extra.path.name} has no {verb.upper()} {path}")
        sources.append((verb, path, operation, extra.path.name))
    operations = [
        _operation(builder, main, config, verb, path, op, source)
        for verb, path, op, source in sources
    ]
    schemas = main.data.get("components", {}).get("schemas", {})
    request_names = _request_components(main)
    builder.component_types(request=True, names=[n for n in schemas if n in request_names])
    builder.component_types(request=False, names=[n for n in schemas if n not in request_names])
    _check_unique(operations)
    for op in operations:
        if op.source == main.path.name:
            op.source = ""
    group_aliases = _group_aliases(config)
    _assign_modules(builder.structs, operations)
    return Api(
        operations=operations,
        structs=builder.structs,
        group_aliases=group_aliases,
        sha256=main.sha256,
        spec_name=main.path.name,
        renamed=builder.renamed,
    )


def _operation(
    builder: TypeBuilder,
    spec: Spec,
    config: Config,
    verb: str,
    path: str,
    op: dict[str, Any],
    source: str,
) -> OperationDef:
    op_id = op["operationId"]
    tag = op.get("tags", ["Miscellaneous"])[0]
    spec_group = snake(op["x-speakeasy-group"]) if "x-speakeasy-group" in op else module_name(tag)
    spec_name = snake(op.get("x-speakeasy-name-override") or op_id)
    group = config.group_names.get(spec_group, spec_group)
    name = spec_name
    alias = None
    if op_id in config.method_names:
        group, name = config.method_names[op_id]
        spec_home = config.group_names.get(spec_group, spec_group)
        if (spec_home, spec_name) != (group, name):
            alias = (spec_home, spec_name)
    params = [_param(builder, spec, config, op_id, p) for p in op.get("parameters", [])]
    path_order = [segment[1:-1] for segment in path.split("/") if segment.startswith("{")]
    params.sort(key=lambda p: path_order.index(p.wire) if p.location == "path" else len(path_order))
    body = _body(builder, spec, op_id, op.get("requestBody"))
    if body is not None:
        body.fields = [
            replace(f, aliases=_aliases(config, op_id, f.name, f.required)) for f in body.fields
        ]
    response = _response(builder, spec, op_id, op.get("responses", {}))
    result = OperationDef(
        operation_id=op_id,
        verb=verb.upper(),
        path=path,
        tag=tag,
        group=group,
        name=name,
        const=constant(op_id),
        deprecated=bool(op.get("deprecated")),
        params=params,
        body=body,
        response=response,
        alias=alias,
        source=source,
        auth=op.get("security", spec.data.get("security")) != [],
    )
    _paging(result, builder)
    cursor = config.cursors.get(op_id)
    if cursor is not None:
        result.cursor = (cursor.param, cursor.order_param, cursor.orders)
    _check_names(result)
    return result


def _aliases(config: Config, op_id: str, name: str, required: bool) -> tuple[str, ...]:
    explicit = config.argument_aliases.get((op_id, name), ())
    suffixed = (name + "_",) if name in SUFFIXED_BUILTINS and not required else ()
    return explicit + suffixed


def _param(
    builder: TypeBuilder, spec: Spec, config: Config, op_id: str, raw: dict[str, Any]
) -> Param:
    node = spec.resolve(raw)
    wire = node["name"]
    location = node["in"]
    if location not in ("path", "query"):
        raise SpecError(f"{op_id}: {location} parameters are not supported")
    schema = node.get("schema", {})
    type_ = builder.type_of(schema, request=True, hint=pascal(op_id) + pascal(wire))
    name = config.param_names.get((op_id, wire), identifier(wire))
    required = bool(node.get("required")) or location == "path"
    return Param(
        wire=wire,
        name=name,
        type=type_,
        required=required,
        location=location,
        deprecated=bool(node.get("deprecated")),
        comma_separated=isinstance(type_, ListOf) and node.get("explode") is False,
        aliases=_aliases(config, op_id, name, required),
        constraints=_constraints(spec, schema),
    )


#: JSON Schema keywords -> ``msgspec.Meta`` arguments.
_META = {"minimum": "ge", "maximum": "le", "minLength": "min_length", "maxLength": "max_length"}


def _constraints(spec: Spec, schema: Any) -> tuple[tuple[str, int | float | str], ...]:
    """The constraints of a scalar parameter, or of each item of an array one."""
    schema = spec.resolve(schema)
    if schema.get("type") == "array":
        schema = spec.resolve(schema.get("items", {}))
    out: list[tuple[str, int | float | str]] = [
        (meta, schema[keyword]) for keyword, meta in _META.items() if keyword in schema
    ]
    if "pattern" in schema:
        out.append(("pattern", schema["pattern"]))
    return tuple(out)


def _body(builder: TypeBuilder, spec: Spec, op_id: str, raw: Any) -> Body | None:
    if raw is None:
        return None
    node = spec.resolve(raw)
    content = node.get("content") or {}
    if not content:
        return None
    media, entry = next(iter(content.items()))
    schema = entry.get("schema", {})
    required = bool(node.get("required"))
    hint = pascal(op_id) + "Request"
    builder.origins.setdefault(hint, f"the request body of ``{op_id}``")
    type_ = builder.type_of(schema, request=True, hint=hint, own=True)
    if media == "multipart/form-data":
        if not isinstance(type_, StructRef):
            raise SpecError(f"{op_id}: a multipart body must be an object")
        return Body("multipart", type_, builder.structs[type_.name].fields, required)
    if media != "application/json":
        raise SpecError(f"{op_id}: unsupported request media type {media}")
    bare = type_.inner if isinstance(type_, Nullable) else type_
    if isinstance(bare, ListOf):
        return Body("json_array", bare, [], required)
    if isinstance(bare, DictOf):
        return Body("json_any", bare, [], required)
    if not isinstance(bare, StructRef):
        raise SpecError(f"{op_id}: unsupported request body shape")
    return Body("json", bare, builder.structs[bare.name].fields, required)


def _response(
    builder: TypeBuilder, spec: Spec, op_id: str, responses: dict[str, Any]
) -> Type | None:
    for status in sorted(responses):
        if not status.startswith("2"):
            continue
        raw = responses[status]
        node = spec.resolve(raw)
        content = node.get("content") or {}
        if "application/json" not in content:
            return None
        schema = content["application/json"].get("schema", {})
        ref = raw.get("$ref", "") if isinstance(raw, dict) else ""
        hint = pascal(ref.rsplit("/", 1)[-1]) if ref else pascal(op_id) + "Response"
        what = (
            f"the ``{ref.rsplit('/', 1)[-1]}`` response" if ref else f"the response of ``{op_id}``"
        )
        builder.origins.setdefault(hint, what)
        return builder.type_of(schema, request=False, hint=hint)
    return None


def _paging(op: OperationDef, builder: TypeBuilder) -> None:
    if op.verb != "GET" or op.response is None:
        return
    if isinstance(op.response, ListOf):
        op.pagination, op.item = "array", op.response.item
        return
    if not isinstance(op.response, StructRef):
        return
    fields = {f.wire: f for f in builder.structs[op.response.name].fields}
    for envelope in ("data", "m2m_tokens"):
        if (
            envelope in fields
            and "total_count" in fields
            and isinstance(fields[envelope].type, ListOf)
        ):
            op.pagination = "data" if envelope == "data" else "m2m_tokens"
            op.item = fields[envelope].type.item  # type: ignore[union-attr]
            return


def _check_names(op: OperationDef) -> None:
    names = [p.name for p in op.params]
    names += [alias for p in op.params for alias in p.aliases]
    if op.body is not None:
        names += [f.name for f in op.body.fields] + [a for f in op.body.fields for a in f.aliases]
        if op.body.kind in ("json_array", "json_any"):
            names.append("request_body")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SpecError(f"{op.operation_id}: arguments named twice: {duplicates}")
    clashes = sorted(set(names) & set(CALL_OPTIONS))
    if clashes:
        raise SpecError(f"{op.operation_id}: arguments clash with per-call options: {clashes}")


def _check_unique(operations: list[OperationDef]) -> None:
    seen: dict[tuple[str, str], str] = {}
    consts: set[str] = set()
    for op in operations:
        names = [(op.group, op.name)] + ([op.alias] if op.alias else [])
        for key in names:
            if key in seen:
                raise SpecError(f"{op.operation_id} and {seen[key]} are both {key[0]}.{key[1]}")
            seen[key] = op.operation_id
        if op.const in consts:
            raise SpecError(f"two operations share the constant {op.const}")
        consts.add(op.const)


def _group_aliases(config: Config) -> dict[str, list[str]]:
    aliases: dict[str, list[str]] = {}
    for spec_group, group in sorted(config.group_names.items()):
        if spec_group != group:
            aliases.setdefault(group, []).append(spec_group)
    return aliases


def _request_components(spec: Spec) -> set[str]:
    """Component schema names reached from request bodies (the rest are response schemas)."""
    request: set[str] = set()
    for _verb, _path, op in iter_operations(spec.data):
        if "requestBody" in op:
            _collect_refs(spec, op["requestBody"], request)
    return request


def _collect_refs(spec: Spec, node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if ref.startswith("#/components/schemas/") and name not in out:
                out.add(name)
                _collect_refs(spec, spec.resolve(node), out)
            elif not ref.startswith("#/components/schemas/"):
                _collect_refs(spec, spec.resolve(node), out)
        for value in node.values():
            _collect_refs(spec, value, out)
    elif isinstance(node, list):
        for value in node:
            _collect_refs(spec, value, out)


def _assign_modules(structs: dict[str, StructDef], operations: list[OperationDef]) -> None:
    """A Struct lives in its tag's module when one tag uses it, else in the common module."""
    edges = {
        name: sorted({r for f in s.fields for r in refs_of(f.type)} | set(s.related))
        for name, s in structs.items()
    }
    for op in operations:
        roots: list[Type] = [p.type for p in op.params]
        if op.body is not None:
            roots.append(op.body.type)
        if op.response is not None:
            roots.append(op.response)
        stack = [name for root in roots for name in refs_of(root)]
        while stack:
            name = stack.pop()
            struct = structs[name]
            if op.tag in struct.tags:
                continue
            struct.tags.add(op.tag)
            stack.extend(edges[name])
    for struct in structs.values():
        if len(struct.tags) == 1:
            (tag,) = struct.tags
            struct.module = TAG_MODULES.get(tag, module_name(tag))
        else:
            struct.module = COMMON_MODULE
