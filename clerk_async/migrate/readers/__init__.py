"""Readers: one module per source, each streaming its export files into records."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from clerk_async.migrate.records import SkippedRecord, SourceRecord

__all__ = ["read_source"]

PathLike = str | os.PathLike[str]


def read_source(
    source: str,
    paths: Iterable[PathLike],
    *,
    password_hashes: PathLike | None = None,
    hash_config: PathLike | None = None,
    cognito_user_pool_id: str | None = None,
    cognito_client_id: str | None = None,
) -> Iterator[SourceRecord | SkippedRecord]:
    """Stream every record of ``paths`` (read in order) as ``source`` exports them."""
    raise NotImplementedError("readers land in the next commits")
