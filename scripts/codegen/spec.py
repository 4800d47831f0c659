"""Reading the spec: YAML in, JSON-pointer patches applied, operations listed. No naming here."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from .config import Patch

__all__ = ["HTTP_METHODS", "Spec", "SpecError", "apply_patches", "load_spec", "pointer_get"]

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


class SpecError(Exception):
    """The spec (or a patch of it) is not what the generator expects."""


@dataclass
class Spec:
    """One parsed spec file and the digest of its bytes."""

    path: Path
    sha256: str
    data: dict[str, Any]

    def resolve(self, node: Any) -> Any:
        """Follow ``$ref`` links (within this document) until a node that is not a reference."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            node = pointer_get(self.data, node["$ref"].removeprefix("#"))
            seen += 1
            if seen > 50:
                raise SpecError("reference cycle")
        return node


def load_spec(path: Path) -> Spec:
    raw = path.read_bytes()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(raw, Loader=loader)
    if not isinstance(data, dict) or not ({"paths", "x-webhooks", "webhooks"} & set(data)):
        raise SpecError(f"{path}: not an OpenAPI document")
    return Spec(path=path, sha256=hashlib.sha256(raw).hexdigest(), data=data)


def _tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise SpecError(f"bad JSON pointer {pointer!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def pointer_get(document: Any, pointer: str) -> Any:
    return _walk(document, _tokens(pointer), pointer)


def _walk(document: Any, tokens: list[str], pointer: str) -> Any:
    node = document
    for token in tokens:
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError):
            raise SpecError(f"JSON pointer {pointer!r} does not resolve") from None
    return node


def apply_patches(document: dict[str, Any], patches: tuple[Patch, ...]) -> dict[str, Any]:
    """A patched deep copy of ``document``; a failing ``test`` or missing path is an error."""
    out = copy.deepcopy(document)
    for patch in patches:
        for op in patch.ops:
            try:
                _apply(out, op)
            except SpecError as exc:
                raise SpecError(f"patch {patch.reason!r}: {exc}") from None
    return out


def _apply(document: Any, op: dict[str, Any]) -> None:
    tokens = _tokens(op["path"])
    kind = op["op"]
    if kind == "test":
        actual = pointer_get(document, op["path"])
        if actual != op["value"]:
            raise SpecError(f"test failed at {op['path']}: found {actual!r}")
        return
    if not tokens:
        raise SpecError("cannot patch the document root")
    parent = _walk(document, tokens[:-1], op["path"])
    last = tokens[-1]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if kind == "add":
            parent.insert(index, op["value"])
        elif kind == "remove":
            del parent[index]
        elif kind == "replace":
            parent[index] = op["value"]
        else:
            raise SpecError(f"unknown patch op {kind!r}")
        return
    if not isinstance(parent, dict):
        raise SpecError(f"{op['path']}: parent is not an object or array")
    if kind == "add":
        if last in parent:
            raise SpecError(f"add at {op['path']}: already present (use replace)")
        parent[last] = op["value"]
    elif kind in ("remove", "replace"):
        if last not in parent:
            raise SpecError(f"{kind} at {op['path']}: nothing there")
        if kind == "remove":
            del parent[last]
        else:
            parent[last] = op["value"]
    else:
        raise SpecError(f"unknown patch op {kind!r}")


def iter_operations(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(verb, path, operation) in document order."""
    out = []
    for path, item in data["paths"].items():
        for verb, operation in item.items():
            if verb in HTTP_METHODS:
                out.append((verb, path, operation))
    return out
