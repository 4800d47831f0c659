"""The generator's types as Python annotations, with the imports they need."""

from __future__ import annotations

import json
from collections import defaultdict

from .ir import DictOf, ErrorRef, ListOf, Lit, Nullable, Prim, StructDef, StructRef, Type

__all__ = ["Imports", "annotation"]

MODELS_PACKAGE = "clerk_async.models"


class Imports:
    """``from module import name`` lines, collected while rendering and emitted sorted."""

    def __init__(self, own_module: str = "") -> None:
        self.own_module = own_module
        self.names: defaultdict[str, set[str]] = defaultdict(set)
        self.modules: set[str] = set()

    def add(self, module: str, name: str) -> str:
        if module != self.own_module:
            self.names[module].add(name)
        return name

    def lines(self) -> list[str]:
        """Import lines; ruff (isort rules) puts them in their final order."""
        out = [f"import {module}" for module in sorted(self.modules)]
        for module in sorted(self.names):
            names = ", ".join(sorted(self.names[module]))
            # A mirrored module imports its mirrored parent package's modules relatively.
            noqa = "  # noqa: TID252" if module.startswith("..") else ""
            out.append(f"from {module} import {names}{noqa}")
        return out


def annotation(
    type_: Type,
    imports: Imports,
    structs: dict[str, StructDef],
    *,
    style: str = "model",
) -> str:
    """``type_`` as an annotation.

    ``style``: "model" (Struct fields), "argument" (a keyword argument: sequences and mappings are
    accepted where a list or nested Struct is expected, and a file where bytes are), or "return"
    (in a resource class, whose ``list`` method shadows the builtin).
    """

    def render(t: Type) -> str:
        if isinstance(t, Prim):
            if t.name == "Any":
                return imports.add("typing", "Any")
            if t.name == "number":  # a JSON number: 3 stays an int, on the wire and decoded
                return "int | float"
            if t.name == "bytes" and style == "argument":
                return imports.add("clerk_async._types", "FileInput")
            return t.name
        if isinstance(t, Lit):
            imports.add("typing", "Literal")
            return "Literal[" + ", ".join(json.dumps(v) for v in t.values) + "]"
        if isinstance(t, ListOf):
            if style == "argument":
                return f"{imports.add('collections.abc', 'Sequence')}[{render(t.item)}]"
            if style == "return":
                imports.modules.add("builtins")
                return f"builtins.list[{render(t.item)}]"
            return f"list[{render(t.item)}]"
        if isinstance(t, DictOf):
            return f"dict[str, {render(t.value)}]"
        if isinstance(t, StructRef):
            home = structs[t.name].module  # a module of clerk_async.models, or a dotted path
            module = home if "." in home else f"{MODELS_PACKAGE}.{home}"
            name = imports.add(module, t.name)
            if style == "argument":  # a Struct, or a mapping msgspec converts into one
                mapping = imports.add("collections.abc", "Mapping")
                return f"{name} | {mapping}[str, {imports.add('typing', 'Any')}]"
            return name
        if isinstance(t, ErrorRef):
            return imports.add("clerk_async.errors", t.name)
        if isinstance(t, Nullable):
            inner = render(t.inner)
            return inner if inner == "Any" else f"{inner} | None"
        raise TypeError(t)

    return render(type_)
