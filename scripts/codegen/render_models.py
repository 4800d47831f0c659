"""``clerk_async/models/``: one module of msgspec Structs per tag, a common one, and the package.

Response Structs are lenient (unknown fields ignored, enums as plain values, absent optional or
nullable fields ``None``); request Structs are strict (unknown fields rejected, enums checked,
optional fields ``UNSET`` so that they are not sent).
"""

from __future__ import annotations

from collections import defaultdict

from .ir import Field, Nullable, StructDef
from .operations import Api
from .pytypes import Imports, annotation

__all__ = ["render_models"]

PACKAGE = "clerk_async.models"
SEED_ERROR_NAMES = ("ClerkErrors", "SDKError")


def render_models(api: Api, header: str) -> dict[str, str]:
    """File name (relative to ``clerk_async/models``) -> text."""
    by_module: defaultdict[str, list[StructDef]] = defaultdict(list)
    for struct in api.structs.values():
        by_module[struct.module].append(struct)
    files = {
        f"{module}.py": _module(module, sorted(structs, key=lambda s: s.name), api, header)
        for module, structs in by_module.items()
    }
    files["__init__.py"] = _package(by_module, header)
    return files


def _module(module: str, structs: list[StructDef], api: Api, header: str) -> str:
    imports = Imports(own_module=f"{PACKAGE}.{module}")
    imports.modules.add("msgspec")
    bodies = [_struct(struct, imports, api) for struct in structs]
    tags = sorted({tag for s in structs for tag in s.tags})
    what = "shared by several tags" if module == "common" else "of the " + ", ".join(tags) + " tag"
    names = ", ".join(f'"{s.name}"' for s in structs)
    parts = [
        header,
        f'"""Models {what} (generated: do not edit)."""\n',
        "from __future__ import annotations\n",
        *imports.lines(),
        "",
        f"__all__ = [{names}]",
        "",
        *bodies,
    ]
    return "\n".join(parts)


def _struct(struct: StructDef, imports: Imports, api: Api, *, absent_ok: bool = False) -> str:
    """A Struct's class; ``absent_ok``: a field the spec requires may be absent too (webhooks)."""
    options = ", kw_only=True"
    if struct.request:
        options += ", forbid_unknown_fields=True, omit_defaults=True"
    kind = "request model (strict)" if struct.request else "response model (lenient)"
    if absent_ok:
        kind = "lenient model (any field may be absent)"
    origin = struct.origin[0].upper() + struct.origin[1:]
    docstring = f'    """{origin}: a {kind}."""'
    if len(docstring) > 100:
        docstring = f'    """{origin}.\n\n    A {kind}.\n    """'
    lines = [
        "",
        f"class {struct.name}({imports.add('clerk_async._model', 'Model')}{options}):",
        docstring,
        "",
    ]
    secret = sorted(f'"{field.name}"' for field in struct.fields if field.secret)
    if secret:
        class_var = imports.add("typing", "ClassVar")
        names = ", ".join(secret)
        lines += [f"    secret_fields: {class_var}[frozenset[str]] = frozenset({{{names}}})", ""]
    for field in struct.fields:
        lines.extend(_field(field, struct.request, imports, api, absent_ok=absent_ok))
    return "\n".join(lines) + "\n"


def _field(
    field: Field, request: bool, imports: Imports, api: Api, *, absent_ok: bool = False
) -> list[str]:
    type_text = annotation(field.type, imports, api.structs, style="model")
    default: str | None = None
    if request:
        if not field.required:
            imports.add("msgspec", "UNSET")
            type_text += " | " + imports.add("msgspec", "UnsetType")
            default = "UNSET"
    elif not field.required or absent_ok:  # absent_ok: required, but may be absent all the same
        if not isinstance(field.type, Nullable) and type_text != "Any":
            type_text += " | None"
        default = "None"
    elif isinstance(field.type, Nullable):
        default = "None"  # required but nullable: an omitted field decodes as null, not an error
    if field.name != field.wire:
        imports.modules.add("msgspec")
        args = ([f"default={default}"] if default else []) + [f'name="{field.wire}"']
        value = f" = msgspec.field({', '.join(args)})"
    else:
        value = f" = {default}" if default else ""
    out = [f"    {field.name}: {type_text}{value}"]
    if field.deprecated:
        out.insert(0, "    #: Deprecated in the spec.")
    return out


def _package(by_module: dict[str, list[StructDef]], header: str) -> str:
    names = sorted((s.name, module) for module, structs in by_module.items() for s in structs)
    type_imports = [
        f"    from .{module} import {', '.join(sorted(s.name for s in by_module[module]))}"
        for module in sorted(by_module)
    ]
    table = "\n".join(f'    "{name}": "{module}",' for name, module in names)
    all_names = sorted([n for n, _ in names] + list(SEED_ERROR_NAMES))
    exported = "\n".join(f'    "{name}",' for name in all_names)
    return f'''{header}
"""Request and response models (msgspec Structs), shared by ``clerk_async`` and ``clerk_sync``.

Each model module is imported on first use of one of its names, so importing this package is cheap.
``ClerkErrors`` and ``SDKError`` are the error classes of ``clerk_async.errors``, exported here too
under the names Clerk's own SDK uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from clerk_async.errors import ClerkErrors, SDKError

if TYPE_CHECKING:
{chr(10).join(type_imports)}

__all__ = [
{exported}
]

_MODULES = {{
{table}
}}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
    value = getattr(importlib.import_module(f"{{__name__}}.{{module}}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
'''
