"""``clerk-migrate export``: every user of the instance as NDJSON, streamed one page at a time."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from clerk_async import Clerk

__all__ = ["PAGE_SIZE", "export_users"]

#: Clerk's largest page.
PAGE_SIZE = 500
_encoder = msgspec.json.Encoder()


async def export_users(clerk: Clerk, out: str | os.PathLike[str]) -> int:
    """Write every user (Clerk's user objects, one a line) to ``out``; how many.

    Pages by cursor (``clerk.paginate``), so memory holds one page whatever the instance's size;
    the file appears under its name only once complete.
    """
    path = Path(out)
    partial = path.with_name(path.name + ".partial")
    count = 0
    buffer = bytearray()
    with open(partial, "wb") as handle:
        async for user in clerk.paginate(clerk.users.list, page_size=PAGE_SIZE):
            _encoder.encode_into(user, buffer, len(buffer))
            buffer += b"\n"
            count += 1
            if len(buffer) >= 1 << 16:
                handle.write(buffer)
                buffer.clear()
        handle.write(buffer)
    os.replace(partial, path)
    return count
