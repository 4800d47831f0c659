"""``clerk-migrate export``: every user of the instance as NDJSON, streamed one page at a time."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from clerk_async import Clerk

__all__ = ["PAGE_SIZE", "ExportProgress", "export_users"]

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
    path = Path(out)
    partial = path.with_name(path.name + ".partial")
    progress = ExportProgress()
    if on_progress is not None:
        progress.total = (await clerk.users.count()).total_count
        on_progress(progress)
    buffer = bytearray()
    with open(partial, "wb") as handle:
        async for user in clerk.paginate(clerk.users.list, page_size=PAGE_SIZE):
            _encoder.encode_into(user, buffer, len(buffer))
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
