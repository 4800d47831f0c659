"""Small pure helpers the generated resource methods call. Shared by both packages."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TypeVar

from msgspec import UNSET, UnsetType

__all__ = ["comma_separated", "deprecated", "either"]

T = TypeVar("T")


def deprecated(name: str) -> None:
    """Warn that the generated method ``name`` (``group.method``) calls a deprecated operation.

    ``stacklevel`` points at the caller of the generated method.
    """
    warnings.warn(
        f"{name} is deprecated by Clerk and may be removed from the API",
        DeprecationWarning,
        stacklevel=3,
    )


def either(
    name: str, value: T | UnsetType, alias: str, alias_value: T | UnsetType
) -> T | UnsetType:
    """The value of an argument that also has an alias (another keyword for the same thing)."""
    if alias_value is UNSET:
        return value
    if value is not UNSET:
        raise TypeError(f"pass {name} or {alias}, not both")
    return alias_value


def comma_separated(values: Sequence[str] | UnsetType) -> str | UnsetType:
    """A list query parameter the spec sends as one comma-joined value (``explode: false``)."""
    if values is UNSET or isinstance(values, str):
        return values
    return ",".join(values)
