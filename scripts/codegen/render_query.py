"""``clerk_async/_query_types.py``: the type of every query parameter, to check them before sending.

Each parameter's type is the spec's (``Literal`` for enums, ``list`` for arrays) with its
``minimum``/``maximum``/``minLength``/``pattern`` as ``msgspec.Meta``, so that ``limit="10"``,
``limit=0`` or ``limit=10**30`` fail as strictly as a body field would.
"""

from __future__ import annotations

import json

from .ir import DictOf, ListOf, Nullable, OperationDef, Param, StructRef
from .operations import Api
from .pytypes import Imports, annotation

__all__ = ["render_query_types"]


def render_query_types(api: Api, header: str) -> str:
    imports = Imports()
    imports.add("typing", "Any")
    entries = []
    comma = []
    for op in sorted(api.operations, key=lambda o: o.operation_id):
        params = op.query_params
        if not params:
            continue
        lines = [f'        "{p.wire}": {_type(op, p, imports, api)},' for p in params]
        entries.append(f'    "{op.operation_id}": {{\n' + "\n".join(lines) + "\n    },")
        joined = sorted(p.wire for p in params if p.comma_separated)
        if joined:
            names = ", ".join(f'"{name}"' for name in joined)
            comma.append(f'    "{op.operation_id}": frozenset({{{names}}}),')
    return "\n".join(
        [
            header,
            '"""The type of every query parameter, by operation and wire name (generated: do not '
            'edit).\n\nChecked by ``clerk_async._pipeline`` before anything is sent."""\n',
            "from __future__ import annotations\n",
            *imports.lines(),
            "",
            '__all__ = ["COMMA_SEPARATED", "QUERY_TYPES"]',
            "",
            "#: operationId -> wire name -> the type its value must have.",
            "QUERY_TYPES: dict[str, dict[str, Any]] = {",
            *entries,
            "}",
            "",
            "#: Array parameters sent as one comma-joined value (``explode: false``).",
            "COMMA_SEPARATED: dict[str, frozenset[str]] = {",
            *comma,
            "}",
            "",
        ]
    )


def _type(op: OperationDef, param: Param, imports: Imports, api: Api) -> str:
    type_ = param.type.inner if isinstance(param.type, Nullable) else param.type
    if isinstance(type_, (StructRef, DictOf)) or (
        isinstance(type_, ListOf) and isinstance(type_.item, (StructRef, DictOf, ListOf))
    ):
        raise TypeError(f"{op.operation_id}: query parameter {param.wire} is not a scalar or list")
    text = annotation(type_, imports, api.structs, style="model")
    if not param.constraints:
        return text
    meta = ", ".join(f"{name}={json.dumps(value)}" for name, value in param.constraints)
    annotated = imports.add("typing", "Annotated")
    imports.add("msgspec", "Meta")
    is_list = isinstance(type_, ListOf)
    scalar = text
    if isinstance(type_, ListOf):
        scalar = annotation(type_.item, imports, api.structs, style="model")
    # msgspec constrains one type at a time: a number (int | float) is constrained per member.
    members = " | ".join(f"{annotated}[{m}, Meta({meta})]" for m in scalar.split(" | "))
    return f"list[{members}]" if is_list else members
