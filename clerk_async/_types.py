"""Small shared types: the UNSET sentinel, upload inputs and page-method aliases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeAlias, TypedDict, TypeVar

from msgspec import UNSET, UnsetType

if TYPE_CHECKING:
    from ._pagination import Page

__all__ = [
    "UNSET",
    "AsyncPageMethod",
    "FileInput",
    "FileMapping",
    "RequestModel",
    "SyncPageMethod",
    "Unset",
]

#: "Not sent": the default of every optional argument. ``None`` sends JSON ``null`` instead.
Unset: TypeAlias = UnsetType

T = TypeVar("T")


class _FileMappingBase(TypedDict):
    file_name: str
    content: bytes | IO[bytes]


class FileMapping(_FileMappingBase, total=False):
    """The seed's upload shape: ``{"file_name": ..., "content": ..., "content_type": ...}``."""

    content_type: str


#: An upload: raw bytes, a binary file object, or a :class:`FileMapping`.
FileInput: TypeAlias = bytes | IO[bytes] | FileMapping


class RequestModel(Protocol):
    """A request model of Clerk's official SDK (pydantic), accepted as ``request=``."""

    def model_dump(self, *, exclude_unset: bool = ...) -> dict[str, Any]: ...


#: A list method as ``clerk.paginate`` takes it: called with ``limit``/``offset``, returns a page.
AsyncPageMethod: TypeAlias = Callable[..., Awaitable["Page[T]"]]
SyncPageMethod: TypeAlias = Callable[..., "Page[T]"]
