"""Code written for Clerk's official SDK finds the same groups, methods and keywords here.

Skipped where the official SDK (the ``bench`` extra) is not installed.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import clerk_async
import clerk_sync

official = pytest.importorskip("clerk_backend_api.sdk")

OPTIONS = frozenset({"self", "retries", "server_url", "timeout_ms", "http_headers"})
#: Where the official SDK takes a JSON array as ``request``; here it is ``request_body``.
ARRAY_BODIES = {("invitations", "bulk_create"), ("waitlist_entries", "bulk_create")}


def official_methods() -> Iterator[tuple[str, str, Callable[..., Any]]]:
    for group, (module, name) in official.Clerk._sub_sdk_map.items():
        cls = getattr(importlib.import_module(module), name)
        for method, value in vars(cls).items():
            if callable(value) and not method.startswith("_") and not method.endswith("_async"):
                yield group, method, value


def _models_of(annotation: Any) -> list[Any]:
    """The pydantic models inside a ``request`` annotation (unions, aliases of unions, None)."""
    if hasattr(annotation, "model_fields"):
        return [annotation]
    if hasattr(annotation, "__value__"):  # a TypeAliasType (the variants of an anyOf)
        return _models_of(annotation.__value__)
    return [model for arg in typing.get_args(annotation) for model in _models_of(arg)]


def official_keywords(group: str, method: str, function: Callable[..., Any]) -> set[str]:
    names = set()
    for param in inspect.signature(function).parameters.values():
        if param.name in OPTIONS:
            continue
        if param.name == "request" and (group, method) in ARRAY_BODIES:
            names.add("request_body")
        elif param.name == "request":
            models = _models_of(typing.get_type_hints(function)["request"])
            assert models, f"{group}.{method}: no model for request"
            names |= {
                (field.alias or key) if not key.islower() else key
                for model in models
                for key, field in model.model_fields.items()
            }
        else:
            names.add(param.name)
    return names


@pytest.mark.parametrize("package", [clerk_async, clerk_sync], ids=["async", "sync"])
def test_every_official_group_method_and_keyword_exists(package: Any) -> None:
    clerk = package.Clerk(bearer_auth="sk_test_official_names")
    problems = []
    count = 0
    for group, method, function in official_methods():
        ours = getattr(getattr(clerk, group, None), method, None)
        if ours is None:
            problems.append(f"{group}.{method} is missing")
            continue
        count += 1
        accepted = set(inspect.signature(ours).parameters)
        missing = official_keywords(group, method, function) - accepted
        if missing:
            problems.append(f"{group}.{method} does not accept {sorted(missing)}")
    assert not problems, "\n".join(problems)
    assert count > 200
