"""``clerk_async/_operations.py`` (the operation table) and the README's API reference block."""

from __future__ import annotations

import json

from .ir import OperationDef, Prim, Type
from .operations import Api
from .pytypes import Imports, annotation

__all__ = ["README_BEGIN", "README_END", "render_operations", "render_readme_block"]

README_BEGIN = "<!-- BEGIN GENERATED OPERATIONS -->"
README_END = "<!-- END GENERATED OPERATIONS -->"


def _type_text(type_: Type | None, api: Api) -> str | None:
    """A type as the table records it: a model name or ``list[...]``/``dict[...]`` of one."""
    if type_ is None:
        return None
    return annotation(type_, Imports(), api.structs, style="model")


def _tuple(values: list[str]) -> str:
    if not values:
        return "()"
    if len(values) == 1:
        return f"({json.dumps(values[0])},)"
    return "(" + ", ".join(json.dumps(v) for v in values) + ")"


def _operation(op: OperationDef, api: Api) -> str:
    fields = [
        f"operation_id={json.dumps(op.operation_id)}",
        f"method={json.dumps(op.verb)}",
        f"path={json.dumps(op.path)}",
        f"group={json.dumps(op.group)}",
        f"name={json.dumps(op.name)}",
    ]
    if op.path_params:
        fields.append(f"path_params={_tuple([p.wire for p in op.path_params])}")
    if op.query_params:
        fields.append(f"query_params={_tuple([p.wire for p in op.query_params])}")
        required = [p.wire for p in op.query_params if p.required]
        if required:
            fields.append(f"required_query={_tuple(required)}")
    if op.body is not None:
        kind = "multipart" if op.body.kind == "multipart" else "json"
        fields.append(f'body="{kind}"')
        fields.append(f"request_schema={json.dumps(_type_text(op.body.type, api))}")
    response = op.item if op.pagination else op.response
    if response is not None and response != Prim("Any"):
        fields.append(f"response_schema={json.dumps(_type_text(response, api))}")
    if op.pagination:
        fields.append(f'pagination="{op.pagination}"')
    if op.deprecated:
        fields.append("deprecated=True")
    if not op.auth:
        fields.append("auth=False")
    if op.cursor is not None:
        param, order, orders = op.cursor
        fields.append(
            f"cursor=CursorRule(param={json.dumps(param)}, order_param={json.dumps(order)}, "
            f"orders={_tuple(list(orders))})"
        )
    return f"{op.const} = Operation({', '.join(fields)})"


def render_operations(api: Api, header: str, digests: dict[str, str]) -> str:
    consts = "\n".join(f"    {op.const}," for op in api.operations)
    group_aliases = {alias: group for group, names in api.group_aliases.items() for alias in names}
    method_aliases = sorted(
        (op.alias, (op.group, op.name)) for op in api.operations if op.alias is not None
    )
    lines = [
        header,
        '"""Every operation of the Clerk Backend API, from the spec (generated: do not edit).',
        "",
        "Shared by ``clerk_async`` and ``clerk_sync``; the generated resource methods send these.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from clerk_async._operation import "
        + ("CursorRule, Operation" if any(op.cursor for op in api.operations) else "Operation"),
        "",
        "#: The spec files this table comes from, with the sha256 of each.",
        "SPECS = {"
        + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in digests.items())
        + "}",
        "",
        *(_operation(op, api) for op in api.operations),
        "",
        "#: Every operation, in the spec's order.",
        f"ALL: tuple[Operation, ...] = (\n{consts}\n)",
        "",
        "#: The resource groups, by attribute name on the client.",
        "GROUPS: tuple[str, ...] = " + _tuple(api.groups),
        "",
        "#: Other names of groups (the official SDK's): alias -> group.",
        "GROUP_ALIASES: dict[str, str] = {"
        + ", ".join(f"{json.dumps(a)}: {json.dumps(g)}" for a, g in sorted(group_aliases.items()))
        + "}",
        "",
        "#: Other names of methods (the official SDK's): (group, alias) -> (group, method).",
        "METHOD_ALIASES: dict[tuple[str, str], tuple[str, str]] = {"
        + ", ".join(f"{_pair(a)}: {_pair(m)}" for a, m in method_aliases if a is not None)
        + "}",
        "",
        "#: Other keywords for arguments (the official SDK's): (group, method) -> {alias: name}.",
        "ARGUMENT_ALIASES: dict[tuple[str, str], dict[str, str]] = {"
        + ", ".join(
            f"{_pair((op.group, op.name))}: {{"
            + ", ".join(f"{json.dumps(a)}: {json.dumps(n)}" for a, n in _argument_aliases(op))
            + "}"
            for op in api.operations
            if _argument_aliases(op)
        )
        + "}",
        "",
    ]
    return "\n".join(lines)


def _argument_aliases(op: OperationDef) -> list[tuple[str, str]]:
    fields = op.body.fields if op.body is not None else []
    return [(a, p.name) for p in op.params for a in p.aliases] + [
        (a, f.name) for f in fields for a in f.aliases
    ]


def _pair(pair: tuple[str, str]) -> str:
    return f"({json.dumps(pair[0])}, {json.dumps(pair[1])})"


def render_readme_block(api: Api, header_comment: str) -> str:
    """The API reference between the README markers (the markers included)."""
    lines = [
        README_BEGIN,
        header_comment,
        "",
        "## API reference",
        "",
        f"{len(api.operations)} operations in {len(api.groups)} groups, each called as "
        "`clerk.<group>.<method>(...)` (with `await` in `clerk_async`). Path parameters may be "
        "passed by position; everything else is a keyword argument. Methods marked *deprecated* "
        "emit a `DeprecationWarning`. Aliases are the names used by Clerk's official SDK; they "
        "are the same objects.",
        "",
    ]
    aliases = api.group_aliases
    for group in api.groups:
        ops = [op for op in api.operations if op.group == group]
        title = f"### `clerk.{group}`"
        if group in aliases:
            title += " (alias: " + ", ".join(f"`clerk.{a}`" for a in aliases[group]) + ")"
        lines += [
            title,
            "",
            "| method | HTTP | path | returns | notes |",
            "| --- | --- | --- | --- | --- |",
        ]
        for op in ops:
            notes = []
            if op.deprecated:
                notes.append("deprecated")
            if op.alias is not None:
                notes.append(f"alias: `{op.alias[0]}.{op.alias[1]}`")
            returns = _returns(op, api)
            lines.append(
                f"| `{op.name}` | {op.verb} | `{op.path}` | {returns} | {', '.join(notes)} |"
            )
        lines.append("")
    lines.append(README_END)
    return "\n".join(lines)


def _returns(op: OperationDef, api: Api) -> str:
    if op.pagination and op.item is not None:
        return f"`Page[{_type_text(op.item, api)}]`"
    text = _type_text(op.response, api)
    return f"`{text}`" if text else "`None`"
