"""``clerk_async/resources/``: one class per resource group, and the mixin ``Clerk`` inherits.

A method's path parameters are positional-or-keyword; query parameters and body fields are
keyword-only (optional ones default to ``UNSET``: not sent); then the per-call options. Its body is
one ``send``/``send_page`` call. The classes are written async and mirrored by unasync.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict

from .ir import Body, ListOf, OperationDef, Param, StructRef
from .naming import pascal
from .operations import Api
from .pytypes import Imports, annotation

__all__ = ["class_name", "render_resources"]

OPTIONS = (
    "retries: RetryConfig | UnsetType | None = UNSET",
    "timeout_ms: int | None = None",
    "server_url: str | None = None",
    "http_headers: Mapping[str, str] | None = None",
)
PASS_OPTIONS = (
    "retries=retries",
    "timeout_ms=timeout_ms",
    "server_url=server_url",
    "http_headers=http_headers",
)


def class_name(group: str) -> str:
    return "Async" + pascal(group)


def render_resources(api: Api, header: str) -> dict[str, str]:
    """File name (relative to ``clerk_async/resources``) -> text."""
    by_group: defaultdict[str, list[OperationDef]] = defaultdict(list)
    for op in api.operations:
        by_group[op.group].append(op)
    crossing = {op.operation_id for op in api.operations if op.alias and op.alias[0] != op.group}
    aliases: defaultdict[str, list[OperationDef]] = defaultdict(list)
    for op in api.operations:
        if op.alias is not None:
            aliases[op.alias[0]].append(op)
    files = {
        f"{group}.py": _group_module(group, by_group[group], aliases[group], crossing, api, header)
        for group in api.groups
    }
    files["__init__.py"] = _mixin(api, by_group, header)
    return files


def _group_module(
    group: str,
    operations: list[OperationDef],
    aliases: list[OperationDef],
    crossing: set[str],
    api: Api,
    header: str,
) -> str:
    imports = Imports()
    for module, name in (
        ("clerk_async._operation", "operation"),
        ("clerk_async._retry", "RetryConfig"),
        ("collections.abc", "Mapping"),
        ("msgspec", "UNSET"),
        ("msgspec", "UnsetType"),
        ("clerk_async", "_operations as _ops"),
        (".._resource", "AsyncResource"),
    ):
        imports.add(module, name)
    methods = [_method(op, op.operation_id in crossing, imports, api) for op in operations]
    alias_lines = []
    for op in sorted(aliases, key=lambda o: o.alias or ("", "")):
        assert op.alias is not None
        if op.group == group:
            alias_lines.append(f"    {op.alias[1]} = {op.name}")
        else:
            other = class_name(op.group)
            imports.add(f".{op.group}", other)
            alias_lines.append(f"    {op.alias[1]} = {other}.{op.name}")
    if alias_lines:
        alias_lines.insert(
            0, "\n    # The official SDK's names for methods above: the same functions."
        )
    cls = class_name(group)
    count = len(operations)
    return "\n".join(
        [
            header,
            f'"""The ``{group}`` resource group (generated: do not edit)."""\n',
            "from __future__ import annotations\n",
            *imports.lines(),
            "",
            f'__all__ = ["{cls}"]',
            "",
            "",
            f"class {cls}(AsyncResource):",
            f'    """``clerk.{group}``: {count} operation{"s" if count != 1 else ""}."""',
            *methods,
            *alias_lines,
            "",
        ]
    )


def _method(op: OperationDef, crossing: bool, imports: Imports, api: Api) -> str:
    structs = api.structs
    positional = [
        f"{p.name}: {annotation(p.type, imports, structs, style='argument')}"
        for p in op.path_params
    ]
    keywords: list[str] = []
    query: list[str] = []
    for param in op.query_params:
        keywords.extend(_keyword(param, imports, api))
        query.append(f'"{param.wire}": {_with_aliases(param.name, param.aliases, imports)}')
    body_expr = _body(op.body, keywords, imports, api) if op.body else None
    self_text = "self: AsyncResource" if crossing else "self"
    returns, (client_method, response_type) = _call(op, imports, api)
    request_type = _request_type(op, imports, api) if keywords else None
    overloads: list[str] = []
    if request_type is not None:
        required = [k for k in keywords if "=" not in k]
        if required:  # typed both ways: request=..., or the flattened keywords (required ones too)
            imports.add("typing", "overload")
            by_request = [self_text, *positional, "*", f"request: {request_type}"]
            overloads += _overload(op.name, by_request, returns)
            overloads += _overload(op.name, [self_text, *positional, "*", *keywords], returns)
            keywords = [_optional(k) for k in keywords]
        keywords.append(f"request: {request_type} | None = None")
    signature = [self_text, *positional, "*", *keywords, *OPTIONS]
    args = [f"_ops.{op.const}", response_type]
    if op.path_params:
        args.append("path={" + ", ".join(f'"{p.wire}": {p.name}' for p in op.path_params) + "}")
    if query:
        args.append("query={" + ", ".join(query) + "}")
    if body_expr is not None:
        args.append(f"body={body_expr}")
    args.extend(PASS_OPTIONS)
    invocation = f"await self._client.{client_method}({', '.join(args)})"
    lines = [
        *overloads,
        "",
        f"    @operation(_ops.{op.const})",
        f"    async def {op.name}({', '.join(signature)}) -> {returns}:",
        _docstring(op, returns, request_type is not None),
    ]
    if request_type is not None:
        imports.add("clerk_async._calls", "unpack_request")
        own = f"{class_name(op.group)}.{op.name}"
        extra = ""
        if op.path_params:
            names = "".join(f'"{p.name}", ' for p in op.path_params)
            extra += f", keep=({names.rstrip(' ')})"
        if op.body is not None and op.body.kind in ("json_array", "json_any"):
            extra += ", as_body=True"
        call = f"await {own}(self, **unpack_request(request, locals(){extra}))"
        lines.append("        if request is not None:")
        if returns == "None":
            lines += [f"            {call}", "            return"]
        else:
            lines.append(f"            return {call}")
    if op.deprecated:
        imports.add("clerk_async._calls", "deprecated")
        lines.append(f'        deprecated("{op.group}.{op.name}")')
    lines.append(f"        return {invocation}" if returns != "None" else f"        {invocation}")
    return "\n".join(lines)


def _keyword(param: Param, imports: Imports, api: Api) -> list[str]:
    text = annotation(param.type, imports, api.structs, style="argument")
    out = [
        f"{param.name}: {text}" if param.required else f"{param.name}: {text} | UnsetType = UNSET"
    ]
    out.extend(f"{alias}: {text} | UnsetType = UNSET" for alias in param.aliases)
    return out


def _with_aliases(name: str, aliases: tuple[str, ...], imports: Imports) -> str:
    value = name
    for alias in aliases:
        imports.add("clerk_async._calls", "either")
        value = f'either("{name}", {value}, "{alias}", {alias})'
    return value


def _request_type(op: OperationDef, imports: Imports, api: Api) -> str:
    """What ``request=`` takes: the arguments as one mapping (the official SDK's call shape), or
    the body itself for the operations whose body is a bare list or object."""
    if op.body is not None and op.body.kind == "json_array":
        assert isinstance(op.body.type, ListOf)
        item = annotation(op.body.type.item, imports, api.structs, style="argument")
        return f"{imports.add('collections.abc', 'Sequence')}[{item}]"
    mapping = imports.add("collections.abc", "Mapping")
    model = imports.add("clerk_async._types", "RequestModel")
    return f"{mapping}[str, {imports.add('typing', 'Any')}] | {model}"


def _optional(keyword: str) -> str:
    """A required keyword of the implementation made optional (``request=`` may carry it)."""
    return keyword if "=" in keyword else f"{keyword} | UnsetType = UNSET"


def _overload(name: str, signature: list[str], returns: str) -> list[str]:
    arguments = ", ".join([*signature, *OPTIONS])
    return ["", "    @overload", f"    async def {name}({arguments}) -> {returns}: ..."]


def _body(body: Body, keywords: list[str], imports: Imports, api: Api) -> str:
    if body.kind == "json_array":
        assert isinstance(body.type, ListOf)
        item = annotation(body.type.item, imports, api.structs, style="argument")
        schema = annotation(body.type, imports, api.structs, style="return")
        keywords.append(f"request_body: {imports.add('collections.abc', 'Sequence')}[{item}]")
        imports.add("clerk_async._body", "json_body")
        return f"json_body({schema}, request_body)"
    if body.kind == "json_any":
        schema = annotation(body.type, imports, api.structs, style="return")
        mapping = imports.add("collections.abc", "Mapping")
        any_ = imports.add("typing", "Any")
        keywords.append(f"request_body: {mapping}[str, {any_}]")
        imports.add("clerk_async._body", "json_body")
        return f"json_body({schema}, request_body)"
    fields = []
    for field in body.fields:
        text = annotation(field.type, imports, api.structs, style="argument")
        if field.required:
            keywords.append(f"{field.name}: {text}")
        else:
            keywords.append(f"{field.name}: {text} | UnsetType = UNSET")
        keywords.extend(f"{alias}: {text} | UnsetType = UNSET" for alias in field.aliases)
        fields.append(f'"{field.wire}": {_with_aliases(field.name, field.aliases, imports)}')
    mapping_text = "{" + ", ".join(fields) + "}"
    if body.kind == "multipart":
        imports.add("clerk_async._body", "multipart_body")
        return f"multipart_body({mapping_text})"
    assert isinstance(body.type, StructRef)
    imports.add("clerk_async._body", "json_body")
    schema = annotation(body.type, imports, api.structs, style="return")
    return f"json_body({schema}, {mapping_text})"


def _call(op: OperationDef, imports: Imports, api: Api) -> tuple[str, tuple[str, str]]:
    """(return annotation, (client method, response type argument))."""
    if op.pagination is not None and op.item is not None:
        item = annotation(op.item, imports, api.structs, style="return")
        imports.add(".._base_client", "AsyncPage")
        return f"AsyncPage[{item}]", ("send_page", item)
    if op.response is None:
        return "None", ("send", "None")
    text = annotation(op.response, imports, api.structs, style="return")
    return text, ("send", text)


def _docstring(op: OperationDef, returns: str, takes_request: bool) -> str:
    lines = [f"``{op.verb} {op.path}`` (``{op.operation_id}``) -> ``{returns}``."]
    if op.deprecated:
        lines += ["", "Deprecated by Clerk: calling it emits a ``DeprecationWarning``."]
    if op.source:
        lines += ["", f"From the older spec ``{op.source}``: newer versions no longer list it."]
    if op.alias is not None:
        lines += ["", f"Also available as ``{op.alias[0]}.{op.alias[1]}``."]
    args = []
    for param in op.params:
        where = f"{param.location} parameter ``{param.wire}``"
        args.append(_arg_doc(param.name, where, param.required, param.deprecated))
        args.extend(f"{alias}: the same as ``{param.name}``." for alias in param.aliases)
    if op.body is not None:
        if op.body.kind in ("json_array", "json_any"):
            kind = "list" if op.body.kind == "json_array" else "object"
            args.append(f"request_body: the JSON {kind} sent as the request body.")
        for field in op.body.fields:
            kind = "form field" if op.body.kind == "multipart" else "body field"
            where = f"{kind} ``{field.wire}``"
            args.append(_arg_doc(field.name, where, field.required, field.deprecated))
            args.extend(f"{alias}: the same as ``{field.name}``." for alias in field.aliases)
    if takes_request:
        what = "the request body" if op.body and op.body.kind == "json_array" else "the arguments"
        args.append(f"request: {what} as one value, as Clerk's official SDK passes them.")
    if args:
        lines += ["", "Args:", *("    " + a for a in args)]
    wrapped: list[str] = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()))
        hang = indent + ("    " if line.startswith("    ") else "")
        wrapped += textwrap.wrap(
            line, 88, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False
        ) or [""]
    text = "\n".join(("        " + line) if line else "" for line in wrapped)
    return f'        """{text.lstrip()}\n        """'


def _arg_doc(name: str, where: str, required: bool, deprecated: bool) -> str:
    notes = ["required" if required else "optional"]
    if deprecated:
        notes.append("deprecated")
    return f"{name}: {where} ({', '.join(notes)})."


def _mixin(api: Api, by_group: dict[str, list[OperationDef]], header: str) -> str:
    checking = [f"    from .{group} import {class_name(group)}" for group in api.groups]
    props = []
    for group in api.groups:
        cls = class_name(group)
        count = len(by_group[group])
        props.append(
            f'''
    @functools.cached_property
    def {group}(self) -> {cls}:
        """``{group}``: {count} operation{"s" if count != 1 else ""}, created on first use."""
        from .{group} import {cls}

        return {cls}(self)'''
        )
    for group, names in sorted(api.group_aliases.items()):
        cls = class_name(group)
        for alias in names:
            props.append(
                f'''
    @property
    def {alias}(self) -> {cls}:
        """The official SDK's name for ``{group}``: the same object."""
        return self.{group}'''
            )
    return "\n".join(
        [
            header,
            '''"""The resource groups of ``Clerk`` (generated: do not edit).

Each group is one attribute, created on first use (its module is imported then), so building a
client stays cheap.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .._base_client import AsyncAPIClient  # noqa: TID252

if TYPE_CHECKING:''',
            *checking,
            "",
            '__all__ = ["AsyncResourceGroups"]',
            "",
            "",
            "class AsyncResourceGroups(AsyncAPIClient):",
            '    """The resource groups, one attribute each; aliases return the same object."""',
            *props,
            "",
        ]
    )
