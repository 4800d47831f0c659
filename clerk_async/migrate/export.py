"""``clerk-migrate export``: every user, organization and membership of the instance as NDJSON,
streamed one page at a time."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from clerk_async import Clerk

__all__ = [
    "PAGE_SIZE",
    "ExportProgress",
    "export_memberships",
    "export_organizations",
    "export_users",
]

#: Clerk's largest page.
PAGE_SIZE = 500
_encoder = msgspec.json.Encoder()


@dataclass
class ExportProgress:
    """How far an export is: handed to ``on_progress`` after every page."""

    #: The instance's users when the export began.
    total: int | None = None
    exported: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def settled(self) -> int:
        return self.exported

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def counters(self) -> list[tuple[str, int]]:
        return []


async def export_users(
    clerk: Clerk,
    out: str | os.PathLike[str],
    *,
    on_progress: Callable[[ExportProgress], None] | None = None,
) -> int:
    """Write every user (Clerk's user objects, one a line) to ``out``; how many.

    Pages by cursor (``clerk.paginate``), so memory holds one page whatever the instance's size;
    the file appears under its name only once complete. ``on_progress`` is called after each
    page, with the instance's user count (one more request) as the total.
    """

    async def count() -> int:
        return (await clerk.users.count()).total_count

    items = clerk.paginate(clerk.users.list, page_size=PAGE_SIZE)
    return await _export(items, out, count, on_progress)


async def export_organizations(
    clerk: Clerk,
    out: str | os.PathLike[str],
    *,
    on_progress: Callable[[ExportProgress], None] | None = None,
) -> int:
    """Write every organization (Clerk's objects, one a line) to ``out``; how many."""

    async def count() -> int:
        return (await clerk.organizations.list(limit=1)).total_count or 0

    items = clerk.paginate(clerk.organizations.list, page_size=PAGE_SIZE)
    return await _export(items, out, count, on_progress)


async def export_memberships(
    clerk: Clerk,
    out: str | os.PathLike[str],
    *,
    on_progress: Callable[[ExportProgress], None] | None = None,
) -> int:
    """Write every organization membership of the instance (Clerk's objects, with their
    organization and their user's public data) to ``out``; how many."""
    listing = clerk.users.get_instance_organization_memberships

    async def count() -> int:
        return (await listing(limit=1)).total_count or 0

    items = clerk.paginate(listing, page_size=PAGE_SIZE)
    return await _export(items, out, count, on_progress)


async def _export(
    items: AsyncIterator[Any],
    out: str | os.PathLike[str],
    count: Callable[[], Awaitable[int]],
    on_progress: Callable[[ExportProgress], None] | None,
) -> int:
    path = Path(out)
    partial = path.with_name(path.name + ".partial")
    progress = ExportProgress()
    if on_progress is not None:
        progress.total = await count()
        on_progress(progress)
    buffer = bytearray()
    with open(partial, "wb") as handle:
        async for item in items:
            _encoder.encode_into(item, buffer, len(buffer))
            buffer += b"\n"
            progress.exported += 1
            if progress.exported % PAGE_SIZE == 0:
                handle.write(buffer)
                buffer.clear()
                if on_progress is not None:
                    on_progress(progress)
        handle.write(buffer)
    os.replace(partial, path)
    if on_progress is not None:
        on_progress(progress)
    return progress.exported
