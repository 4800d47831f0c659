"""The models, shared with ``clerk_async`` (the same classes), each loaded on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clerk_async import models as _models
from clerk_async.models import __all__ as __all__  # noqa: PLC0414

if TYPE_CHECKING:
    from clerk_async.models import *  # noqa: F403


def __getattr__(name: str) -> Any:
    return getattr(_models, name)


def __dir__() -> list[str]:
    return list(__all__)
